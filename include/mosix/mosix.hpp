// mosix.hpp — the C++20 API of mosix: typed, RAII, exception-based, over the same core as mpi.h.
//
//   int main(int argc, char** argv) {
//       mosix::Environment env(argc, argv);
//       auto world = mosix::Communicator::world();
//       double local = compute(world.rank());
//       double total = world.all_reduce(local, mosix::op::sum);
//       if (world.rank() == 0) std::printf("%g\n", total);
//   }
//
// Header-only: every call maps onto one or two calls of the C API (mpi.h, mosix.h), so C and C++
// code can be mixed in one program (native() / borrow() / adopt() convert between the two).
//
// Thread and PE safety: like the C API, every call must be made by a rank (its main and what main
// calls). Objects belong to the rank that created them and travel with it when it migrates; never
// hand a Communicator or Request to another rank (e.g. through a global: globals are shared by all
// ranks of a PE). No object is safe to use from several OS threads.
//
// Errors: the API sets MPI_ERRORS_RETURN on every communicator it wraps (and on MPI_COMM_WORLD and
// MPI_COMM_SELF once an Environment exists) and throws mosix::Error when a call fails; mismatched
// buffer sizes it can see itself are reported the same way before any message moves. C code that
// shares those communicators then gets error codes instead of the default abort.
//
// Buffers: every call takes std::span of a Transferable element type (see datatype_of) and, for
// convenience, any contiguous sized range of one (std::vector, std::array, std::string, C arrays)
// or a single value. No call takes void*.
#pragma once

#include <climits>
#include <complex>
#include <cstddef>
#include <exception>
#include <optional>
#include <ranges>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "mosix.h"
#include "mpi.h"

namespace mosix {

inline constexpr int any_source = MPI_ANY_SOURCE;
inline constexpr int any_tag = MPI_ANY_TAG;
inline constexpr int proc_null = MPI_PROC_NULL;  // send/recv with it complete at once, moving nothing
inline constexpr int undefined = MPI_UNDEFINED;  // split() colour of ranks that want no communicator

// ---- errors ------------------------------------------------------------------------------------

// A failed call: carries the MPI error class (MPI_ERR_*) and the library's text for it.
class Error : public std::runtime_error {
public:
    Error(int error_class, const std::string& what) : std::runtime_error(what), class_(error_class) {}
    int error_class() const noexcept { return class_; }

private:
    int class_;
};

namespace detail {

[[noreturn]] inline void throw_error(int code, const char* call) {
    int cls = code;
    if (MPI_Error_class(code, &cls) != MPI_SUCCESS) cls = code;
    char text[MPI_MAX_ERROR_STRING] = "unknown error";
    int len = 0;
    MPI_Error_string(code, text, &len);
    throw Error(cls, std::string(call) + ": " + text);
}

inline void check(int code, const char* call) {
    if (code != MPI_SUCCESS) [[unlikely]]
        throw_error(code, call);
}

inline int to_count(std::size_t n, const char* call) {
    if (n > static_cast<std::size_t>(INT_MAX))
        throw Error(MPI_ERR_COUNT,
                    std::string(call) + ": " + std::to_string(n) + " elements exceed the MPI count limit");
    return static_cast<int>(n);
}

[[noreturn]] inline void size_mismatch(const char* call, const std::string& why) {
    throw Error(MPI_ERR_COUNT, std::string(call) + ": " + why);
}

inline void set_errors_return(MPI_Comm c) {
    if (c != MPI_COMM_NULL) check(MPI_Comm_set_errhandler(c, MPI_ERRORS_RETURN), "MPI_Comm_set_errhandler");
}

}  // namespace detail

// ---- types -------------------------------------------------------------------------------------

// Maps a C++ element type to its MPI datatype. Specialize it for a type of your own that has the
// exact layout of a predefined one; a type without a specialization is not Transferable.
template <class T>
struct datatype_of {};

#define MOSIX_DATATYPE_(T, D)                    \
    template <>                                  \
    struct datatype_of<T> {                      \
        static constexpr MPI_Datatype value = D; \
    }
MOSIX_DATATYPE_(char, MPI_CHAR);
MOSIX_DATATYPE_(signed char, MPI_SIGNED_CHAR);
MOSIX_DATATYPE_(unsigned char, MPI_UNSIGNED_CHAR);
MOSIX_DATATYPE_(std::byte, MPI_BYTE);
MOSIX_DATATYPE_(wchar_t, MPI_WCHAR);
MOSIX_DATATYPE_(short, MPI_SHORT);
MOSIX_DATATYPE_(unsigned short, MPI_UNSIGNED_SHORT);
MOSIX_DATATYPE_(int, MPI_INT);
MOSIX_DATATYPE_(unsigned, MPI_UNSIGNED);
MOSIX_DATATYPE_(long, MPI_LONG);
MOSIX_DATATYPE_(unsigned long, MPI_UNSIGNED_LONG);
MOSIX_DATATYPE_(long long, MPI_LONG_LONG);
MOSIX_DATATYPE_(unsigned long long, MPI_UNSIGNED_LONG_LONG);
MOSIX_DATATYPE_(float, MPI_FLOAT);
MOSIX_DATATYPE_(double, MPI_DOUBLE);
MOSIX_DATATYPE_(long double, MPI_LONG_DOUBLE);
MOSIX_DATATYPE_(bool, MPI_C_BOOL);
MOSIX_DATATYPE_(std::complex<float>, MPI_C_FLOAT_COMPLEX);
MOSIX_DATATYPE_(std::complex<double>, MPI_C_DOUBLE_COMPLEX);
MOSIX_DATATYPE_(std::complex<long double>, MPI_C_LONG_DOUBLE_COMPLEX);
#undef MOSIX_DATATYPE_

template <class T>
concept Transferable = requires {
    datatype_of<std::remove_cv_t<T>>::value;
};

template <Transferable T>
inline constexpr MPI_Datatype datatype_v = datatype_of<std::remove_cv_t<T>>::value;

// A contiguous sized range of Transferable elements (std::vector, std::array, std::span, ...).
template <class R>
concept Buffer = std::ranges::contiguous_range<R> && std::ranges::sized_range<R> &&
    Transferable<std::ranges::range_value_t<R>>;

// A Buffer whose elements may be written.
template <class R>
concept MutableBuffer =
    Buffer<R> && !std::is_const_v<std::remove_reference_t<std::ranges::range_reference_t<R>>>;

template <class R>
using element_t = std::ranges::range_value_t<R>;

namespace detail {
template <class R>
auto cspan(const R& r) {
    return std::span<const element_t<R>>(std::ranges::data(r), std::ranges::size(r));
}
template <class R>
auto mspan(R&& r) {
    return std::span<element_t<R>>(std::ranges::data(r), std::ranges::size(r));
}
}  // namespace detail

// A predefined reduction operation (mosix::op::sum, ...).
struct Op {
    MPI_Op handle;
};

namespace op {
inline constexpr Op max{MPI_MAX}, min{MPI_MIN}, sum{MPI_SUM}, prod{MPI_PROD};
inline constexpr Op land{MPI_LAND}, lor{MPI_LOR}, lxor{MPI_LXOR};
inline constexpr Op band{MPI_BAND}, bor{MPI_BOR}, bxor{MPI_BXOR};
}  // namespace op

// What a receive or probe found.
class Status {
public:
    Status() = default;
    explicit Status(const MPI_Status& s) : s_(s) {}

    int source() const noexcept { return s_.MPI_SOURCE; }
    int tag() const noexcept { return s_.MPI_TAG; }
    bool cancelled() const {
        int flag = 0;
        detail::check(MPI_Test_cancelled(&s_, &flag), "MPI_Test_cancelled");
        return flag != 0;
    }
    // Elements of T the message held; throws Error if it was not a whole number of them.
    template <Transferable T>
    std::size_t count() const {
        int n = 0;
        detail::check(MPI_Get_count(&s_, datatype_v<T>, &n), "MPI_Get_count");
        if (n == MPI_UNDEFINED) throw Error(MPI_ERR_TYPE, "Status::count: not a whole number of elements");
        return static_cast<std::size_t>(n);
    }
    const MPI_Status& native() const noexcept { return s_; }

private:
    MPI_Status s_{};
};

// ---- requests ----------------------------------------------------------------------------------

// A nonblocking operation in flight; move-only. The buffer it was started with must stay live and
// untouched until it completes.
//
// Destruction (or assignment over) an active request waits for it, as std::jthread joins: a
// dropped request never leaves a message half-delivered into freed memory. If the stack is
// unwinding from an exception that began after the request started, the destructor first cancels
// it (a receive that has not matched is dropped; a send still completes) and ignores errors, so
// a failing rank does not block on a message that will never come. Otherwise a failure of that
// implicit wait cannot be thrown from a destructor and ends the rank through std::terminate; call
// wait() to handle errors yourself.
class Request {
public:
    Request() = default;
    // Takes over a request started through the C API.
    explicit Request(MPI_Request r) noexcept : r_(r) {}
    Request(Request&& o) noexcept : r_(std::exchange(o.r_, MPI_REQUEST_NULL)), unwind_(o.unwind_) {}
    Request& operator=(Request&& o) noexcept {
        if (this != &o) {
            finish();
            r_ = std::exchange(o.r_, MPI_REQUEST_NULL);
            unwind_ = o.unwind_;
        }
        return *this;
    }
    ~Request() { finish(); }

    // True until the operation has completed through wait() or test().
    bool active() const noexcept { return r_ != MPI_REQUEST_NULL; }

    // Blocks this rank (others run) until the operation completes; on an inactive request it
    // returns an empty Status at once.
    Status wait() {
        MPI_Status s{};
        detail::check(MPI_Wait(&r_, &s), "MPI_Wait");
        return Status(s);
    }
    // The status if the operation has completed (the request is then inactive), else nothing.
    std::optional<Status> test() {
        MPI_Status s{};
        int flag = 0;
        detail::check(MPI_Test(&r_, &flag, &s), "MPI_Test");
        if (!flag) return std::nullopt;
        return Status(s);
    }
    // Asks to cancel; the request stays active until waited for. Only receives can be cancelled.
    void cancel() { detail::check(MPI_Cancel(&r_), "MPI_Cancel"); }

    MPI_Request native() const noexcept { return r_; }

    // Waits for every request; statuses in the same order.
    static std::vector<Status> wait_all(std::span<Request> reqs) {
        std::vector<Status> out;
        out.reserve(reqs.size());
        for (Request& r : reqs) out.push_back(r.active() ? r.wait() : Status());
        return out;
    }

private:
    void finish() noexcept {
        if (!active()) return;
        if (std::uncaught_exceptions() > unwind_) {
            MPI_Cancel(&r_);
            MPI_Wait(&r_, MPI_STATUS_IGNORE);
            r_ = MPI_REQUEST_NULL;
            return;
        }
        wait();  // throws -> std::terminate (noexcept), with the error's text
    }

    MPI_Request r_ = MPI_REQUEST_NULL;
    int unwind_ = std::uncaught_exceptions();
};

// ---- communicators -----------------------------------------------------------------------------

// A group of ranks that talk to each other. A Communicator either owns its handle (dup(), split(),
// adopt(): freed by the destructor) or borrows it (world(), self(), borrow()); it is move-only.
// A default-constructed or moved-from one is null (operator bool is false) and every call on it
// throws Error(MPI_ERR_COMM).
//
// Sizes: every element count must fit an int (else Error(MPI_ERR_COUNT)). Collectives must be
// called by every rank of the communicator, in the same order, with matching sizes.
class Communicator {
public:
    Communicator() = default;
    Communicator(Communicator&& o) noexcept
        : c_(std::exchange(o.c_, MPI_COMM_NULL)), owned_(std::exchange(o.owned_, false)) {}
    Communicator& operator=(Communicator&& o) noexcept {
        if (this != &o) {
            release();
            c_ = std::exchange(o.c_, MPI_COMM_NULL);
            owned_ = std::exchange(o.owned_, false);
        }
        return *this;
    }
    ~Communicator() { release(); }

    static Communicator world() { return borrow(MPI_COMM_WORLD); }
    static Communicator self() { return borrow(MPI_COMM_SELF); }
    // Wraps a C handle without taking it over / taking it over (then freed on destruction).
    static Communicator borrow(MPI_Comm c) { return Communicator(c, false); }
    static Communicator adopt(MPI_Comm c) { return Communicator(c, true); }

    explicit operator bool() const noexcept { return c_ != MPI_COMM_NULL; }
    MPI_Comm native() const noexcept { return c_; }

    int rank() const {
        int r = 0;
        detail::check(MPI_Comm_rank(c_, &r), "MPI_Comm_rank");
        return r;
    }
    int size() const {
        int n = 0;
        detail::check(MPI_Comm_size(c_, &n), "MPI_Comm_size");
        return n;
    }
    // Same ranks, separate message space (collective).
    Communicator dup() const {
        MPI_Comm n = MPI_COMM_NULL;
        detail::check(MPI_Comm_dup(c_, &n), "MPI_Comm_dup");
        return Communicator(n, true);
    }
    // Ranks with equal `color` form one new communicator, ordered by (key, old rank) (collective).
    // Ranks passing mosix::undefined get a null Communicator.
    Communicator split(int color, int key = 0) const {
        MPI_Comm n = MPI_COMM_NULL;
        detail::check(MPI_Comm_split(c_, color, key, &n), "MPI_Comm_split");
        return Communicator(n, true);
    }
    void barrier() const { detail::check(MPI_Barrier(c_), "MPI_Barrier"); }
    [[noreturn]] void abort(int code) const {
        MPI_Abort(c_, code);
        std::terminate();
    }

    // -- point-to-point: blocking. send returns once `data` may be reused.
    template <Transferable T>
    void send(std::span<const T> data, int dest, int tag = 0) const {
        detail::check(
            MPI_Send(data.data(), detail::to_count(data.size(), "MPI_Send"), datatype_v<T>, dest, tag, c_),
            "MPI_Send");
    }
    template <Buffer R>
    void send(const R& data, int dest, int tag = 0) const {
        send(detail::cspan(data), dest, tag);
    }
    template <Transferable T>
    void send(const T& value, int dest, int tag = 0) const {
        send(std::span<const T>(&value, 1), dest, tag);
    }

    // Receives at most buf.size() elements (a longer message is Error(MPI_ERR_TRUNCATE)).
    template <Transferable T>
    Status recv(std::span<T> buf, int source = any_source, int tag = any_tag) const {
        MPI_Status s{};
        detail::check(MPI_Recv(buf.data(), detail::to_count(buf.size(), "MPI_Recv"), datatype_v<T>, source,
                               tag, c_, &s),
                      "MPI_Recv");
        return Status(s);
    }
    template <MutableBuffer R>
    Status recv(R& buf, int source = any_source, int tag = any_tag) const {
        return recv(detail::mspan(buf), source, tag);
    }
    // Receives one value: comm.recv<int>(0, 7).
    template <Transferable T>
    T recv(int source = any_source, int tag = any_tag) const {
        T v{};
        recv(std::span<T>(&v, 1), source, tag);
        return v;
    }
    // Receives a message of any length into a vector sized to fit it.
    template <Transferable T>
    std::vector<T> recv_vector(int source = any_source, int tag = any_tag) const {
        Status s = probe(source, tag);
        std::vector<T> v(s.count<T>());
        recv(std::span<T>(v), s.source(), s.tag());
        return v;
    }

    template <Transferable T, Transferable U>
    Status sendrecv(std::span<const T> out, int dest, int send_tag, std::span<U> in, int source,
                    int recv_tag) const {
        MPI_Status s{};
        detail::check(MPI_Sendrecv(out.data(), detail::to_count(out.size(), "MPI_Sendrecv"), datatype_v<T>,
                                   dest, send_tag, in.data(), detail::to_count(in.size(), "MPI_Sendrecv"),
                                   datatype_v<U>, source, recv_tag, c_, &s),
                      "MPI_Sendrecv");
        return Status(s);
    }
    template <Buffer R, MutableBuffer S>
    Status sendrecv(const R& out, int dest, int send_tag, S&& in, int source, int recv_tag) const {
        return sendrecv(detail::cspan(out), dest, send_tag, detail::mspan(in), source, recv_tag);
    }

    Status probe(int source = any_source, int tag = any_tag) const {
        MPI_Status s{};
        detail::check(MPI_Probe(source, tag, c_, &s), "MPI_Probe");
        return Status(s);
    }
    std::optional<Status> iprobe(int source = any_source, int tag = any_tag) const {
        MPI_Status s{};
        int flag = 0;
        detail::check(MPI_Iprobe(source, tag, c_, &flag, &s), "MPI_Iprobe");
        if (!flag) return std::nullopt;
        return Status(s);
    }

    // -- point-to-point: nonblocking. The buffer must outlive the Request's completion, so
    // temporaries are refused at compile time.
    template <Transferable T>
    Request isend(std::span<const T> data, int dest, int tag = 0) const {
        MPI_Request r = MPI_REQUEST_NULL;
        detail::check(MPI_Isend(data.data(), detail::to_count(data.size(), "MPI_Isend"), datatype_v<T>, dest,
                                tag, c_, &r),
                      "MPI_Isend");
        return Request(r);
    }
    template <Buffer R>
    requires std::ranges::borrowed_range<R> Request isend(R&& data, int dest, int tag = 0)
    const { return isend(detail::cspan(data), dest, tag); }
    template <Transferable T>
    Request isend(const T& value, int dest, int tag = 0) const {
        return isend(std::span<const T>(&value, 1), dest, tag);
    }
    template <Transferable T>
    Request isend(const T&& value, int dest, int tag = 0) const = delete;

    template <Transferable T>
    Request irecv(std::span<T> buf, int source = any_source, int tag = any_tag) const {
        MPI_Request r = MPI_REQUEST_NULL;
        detail::check(MPI_Irecv(buf.data(), detail::to_count(buf.size(), "MPI_Irecv"), datatype_v<T>, source,
                                tag, c_, &r),
                      "MPI_Irecv");
        return Request(r);
    }
    template <MutableBuffer R>
    requires std::ranges::borrowed_range<R> Request irecv(R&& buf, int source = any_source, int tag = any_tag)
    const { return irecv(detail::mspan(buf), source, tag); }
    template <Transferable T>
    Request irecv(T& value, int source = any_source, int tag = any_tag) const {
        return irecv(std::span<T>(&value, 1), source, tag);
    }

    // -- collectives
    // Copies root's `data` into every rank's `data` (same size everywhere).
    template <Transferable T>
    void broadcast(std::span<T> data, int root) const {
        detail::check(
            MPI_Bcast(data.data(), detail::to_count(data.size(), "MPI_Bcast"), datatype_v<T>, root, c_),
            "MPI_Bcast");
    }
    template <MutableBuffer R>
    void broadcast(R& data, int root) const {
        broadcast(detail::mspan(data), root);
    }
    template <Transferable T>
    void broadcast(T& value, int root) const {
        broadcast(std::span<T>(&value, 1), root);
    }

    // Element-wise reduction of every rank's `in` into root's `out` (same size as `in`; `out` is
    // ignored elsewhere). The value form returns the result at root, T{} elsewhere.
    template <Transferable T>
    void reduce(std::span<const T> in, std::span<T> out, Op op, int root) const {
        if (rank() == root && out.size() != in.size())
            detail::size_mismatch("MPI_Reduce", "output holds " + std::to_string(out.size()) +
                                                    " elements, input " + std::to_string(in.size()));
        detail::check(MPI_Reduce(in.data(), out.data(), detail::to_count(in.size(), "MPI_Reduce"),
                                 datatype_v<T>, op.handle, root, c_),
                      "MPI_Reduce");
    }
    template <Buffer R, MutableBuffer S>
    void reduce(const R& in, S&& out, Op op, int root) const {
        reduce(detail::cspan(in), detail::mspan(out), op, root);
    }
    template <Transferable T>
    T reduce(const T& value, Op op, int root) const {
        T out{};
        reduce(std::span<const T>(&value, 1), std::span<T>(&out, rank() == root ? 1 : 0), op, root);
        return out;
    }

    // Element-wise reduction of every rank's `in`, delivered to every rank's `out` (same size).
    template <Transferable T>
    void all_reduce(std::span<const T> in, std::span<T> out, Op op) const {
        if (out.size() != in.size())
            detail::size_mismatch("MPI_Allreduce", "output holds " + std::to_string(out.size()) +
                                                       " elements, input " + std::to_string(in.size()));
        detail::check(MPI_Allreduce(in.data(), out.data(), detail::to_count(in.size(), "MPI_Allreduce"),
                                    datatype_v<T>, op.handle, c_),
                      "MPI_Allreduce");
    }
    template <Buffer R, MutableBuffer S>
    void all_reduce(const R& in, S&& out, Op op) const {
        all_reduce(detail::cspan(in), detail::mspan(out), op);
    }
    template <Buffer R>
    std::vector<element_t<R>> all_reduce(const R& in, Op op) const {
        std::vector<element_t<R>> out(std::ranges::size(in));
        all_reduce(detail::cspan(in), std::span(out), op);
        return out;
    }
    template <Transferable T>
    T all_reduce(const T& value, Op op) const {
        T out{};
        all_reduce(std::span<const T>(&value, 1), std::span<T>(&out, 1), op);
        return out;
    }

    // Root receives every rank's `in` (equal sizes), concatenated in rank order, into `out`
    // (size() * in.size() elements; ignored elsewhere). The value forms return the vector at
    // root and an empty one elsewhere.
    template <Transferable T>
    void gather(std::span<const T> in, std::span<T> out, int root) const {
        if (rank() == root) expect_blocks("MPI_Gather", out.size(), in.size());
        int n = detail::to_count(in.size(), "MPI_Gather");
        detail::check(MPI_Gather(in.data(), n, datatype_v<T>, out.data(), n, datatype_v<T>, root, c_),
                      "MPI_Gather");
    }
    template <Buffer R, MutableBuffer S>
    void gather(const R& in, S&& out, int root) const {
        gather(detail::cspan(in), detail::mspan(out), root);
    }
    template <Buffer R>
    std::vector<element_t<R>> gather(const R& in, int root) const {
        std::vector<element_t<R>> out(rank() == root ? std::ranges::size(in) * size() : 0);
        gather(detail::cspan(in), std::span(out), root);
        return out;
    }
    template <Transferable T>
    std::vector<T> gather(const T& value, int root) const {
        return gather(std::span<const T>(&value, 1), root);
    }

    // Like gather, with the result on every rank.
    template <Transferable T>
    void all_gather(std::span<const T> in, std::span<T> out) const {
        expect_blocks("MPI_Allgather", out.size(), in.size());
        int n = detail::to_count(in.size(), "MPI_Allgather");
        detail::check(MPI_Allgather(in.data(), n, datatype_v<T>, out.data(), n, datatype_v<T>, c_),
                      "MPI_Allgather");
    }
    template <Buffer R, MutableBuffer S>
    void all_gather(const R& in, S&& out) const {
        all_gather(detail::cspan(in), detail::mspan(out));
    }
    template <Buffer R>
    std::vector<element_t<R>> all_gather(const R& in) const {
        std::vector<element_t<R>> out(std::ranges::size(in) * size());
        all_gather(detail::cspan(in), std::span(out));
        return out;
    }
    template <Transferable T>
    std::vector<T> all_gather(const T& value) const {
        return all_gather(std::span<const T>(&value, 1));
    }

    // Root's `in` (size() * out.size() elements; ignored elsewhere) is cut into size() blocks in
    // rank order; rank i receives block i into `out`. The value form hands each rank one element.
    template <Transferable T>
    void scatter(std::span<const T> in, std::span<T> out, int root) const {
        if (rank() == root) expect_blocks("MPI_Scatter", in.size(), out.size());
        int n = detail::to_count(out.size(), "MPI_Scatter");
        detail::check(MPI_Scatter(in.data(), n, datatype_v<T>, out.data(), n, datatype_v<T>, root, c_),
                      "MPI_Scatter");
    }
    template <Buffer R, MutableBuffer S>
    void scatter(const R& in, S&& out, int root) const {
        scatter(detail::cspan(in), detail::mspan(out), root);
    }
    template <Buffer R>
    element_t<R> scatter(const R& in, int root) const {
        element_t<R> v{};
        scatter(detail::cspan(in), std::span(&v, 1), root);
        return v;
    }

    // Every rank cuts `in` into size() equal blocks and sends block j to rank j; block i of `out`
    // comes from rank i (`out` has the size of `in`).
    template <Transferable T>
    void all_to_all(std::span<const T> in, std::span<T> out) const {
        int p = size();
        if (in.size() != out.size() || in.size() % static_cast<std::size_t>(p) != 0)
            detail::size_mismatch("MPI_Alltoall", "input (" + std::to_string(in.size()) + ") and output (" +
                                                      std::to_string(out.size()) +
                                                      ") must be equal multiples of the size " +
                                                      std::to_string(p));
        int n = detail::to_count(in.size() / static_cast<std::size_t>(p), "MPI_Alltoall");
        detail::check(MPI_Alltoall(in.data(), n, datatype_v<T>, out.data(), n, datatype_v<T>, c_),
                      "MPI_Alltoall");
    }
    template <Buffer R, MutableBuffer S>
    void all_to_all(const R& in, S&& out) const {
        all_to_all(detail::cspan(in), detail::mspan(out));
    }
    template <Buffer R>
    std::vector<element_t<R>> all_to_all(const R& in) const {
        std::vector<element_t<R>> out(std::ranges::size(in));
        all_to_all(detail::cspan(in), std::span(out));
        return out;
    }

private:
    Communicator(MPI_Comm c, bool owned) : c_(c), owned_(owned && c != MPI_COMM_NULL) {
        detail::set_errors_return(c_);
    }

    // `whole` must hold size() blocks of `block` elements.
    void expect_blocks(const char* call, std::size_t whole, std::size_t block) const {
        std::size_t p = static_cast<std::size_t>(size());
        if (whole != block * p)
            detail::size_mismatch(call, std::to_string(whole) + " elements are not " + std::to_string(p) +
                                            " blocks of " + std::to_string(block));
    }

    void release() noexcept {
        if (!owned_) return;
        int finalized = 0;
        MPI_Finalized(&finalized);
        if (!finalized) MPI_Comm_free(&c_);  // after MPI_Finalize the library has freed it
        c_ = MPI_COMM_NULL;
        owned_ = false;
    }

    MPI_Comm c_ = MPI_COMM_NULL;
    bool owned_ = false;
};

// ---- environment -------------------------------------------------------------------------------

// Initializes MPI for the calling rank (each rank's main constructs its own; never make it a
// global or static: those are shared by every rank of a PE) and finalizes it on destruction.
// If MPI was already initialized it only sets MPI_ERRORS_RETURN and leaves finalization to whoever
// initialized it. Neither copyable nor movable.
class Environment {
public:
    Environment() : Environment(nullptr, nullptr) {}
    Environment(int& argc, char**& argv) : Environment(&argc, &argv) {}
    Environment(const Environment&) = delete;
    Environment& operator=(const Environment&) = delete;
    ~Environment() {
        int finalized = 1;
        if (owned_ && MPI_Finalized(&finalized) == MPI_SUCCESS && !finalized) MPI_Finalize();
    }

    static double wtime() noexcept { return MPI_Wtime(); }
    static std::string processor_name() {
        char name[MPI_MAX_PROCESSOR_NAME];
        int len = 0;
        detail::check(MPI_Get_processor_name(name, &len), "MPI_Get_processor_name");
        return std::string(name, static_cast<std::size_t>(len));
    }

private:
    Environment(int* argc, char*** argv) {
        int init = 0;
        detail::check(MPI_Initialized(&init), "MPI_Initialized");
        if (!init) {
            detail::check(MPI_Init(argc, argv), "MPI_Init");
            owned_ = true;
        }
        detail::set_errors_return(MPI_COMM_WORLD);
        detail::set_errors_return(MPI_COMM_SELF);
    }

    bool owned_ = false;
};

// ---- mosix's own calls (mosix.h) ---------------------------------------------------------------

struct Location {
    int pe = 0;
    std::string host;
};

// Where the calling rank runs now (a snapshot: the rank may move later).
inline Location where() {
    detail::set_errors_return(MPI_COMM_WORLD);
    char host[MPI_MAX_PROCESSOR_NAME];
    Location l;
    detail::check(mosix_where(&l.pe, host, sizeof host), "mosix_where");
    l.host = host;
    return l;
}
// Moves the calling rank to PE `pe` and returns once it runs there (see mosix_migrate_to()).
inline void migrate_to(int pe) {
    detail::set_errors_return(MPI_COMM_WORLD);
    detail::check(mosix_migrate_to(pe), "mosix_migrate_to");
}
// The number of PEs of the job: valid targets of migrate_to() are 0 .. npes() - 1.
inline int npes() {
    detail::set_errors_return(MPI_COMM_WORLD);
    int n = 0;
    detail::check(mosix_npes(&n), "mosix_npes");
    return n;
}
// Functions run on the calling rank when it migrates (see mosix_on_migration()).
inline void on_migration(mosix_migration_hook before_leaving, mosix_migration_hook after_arriving,
                         void* arg = nullptr) {
    detail::check(mosix_on_migration(before_leaving, after_arriving, arg), "mosix_on_migration");
}
// Collective load-balancing point over the world communicator.
inline void balance() {
    detail::set_errors_return(MPI_COMM_WORLD);
    detail::check(mosix_balance(), "mosix_balance");
}
// A variable with one value per rank, for state a program would otherwise keep in a global
// (globals are shared by the ranks of a PE). Declare it static or global; each rank sees its own
// T, value-initialised on the rank's first use and living in the rank's memory:
//
//     static mosix::RankLocal<int> calls;
//     ++*calls;
//
// T must be default-constructible. Destructors of the per-rank values do not run (a rank's memory
// is released with the rank).
template <class T>
class RankLocal {
public:
    T& operator*() const { return get(); }
    T* operator->() const { return &get(); }
    T& get() const {
        void** slot = mosix_rank_local(this);
        if (!slot) throw Error(MPI_ERR_ARG, "mosix_rank_local: called outside a rank");
        if (!*slot) *slot = new T();  // allocated by the rank's own code: in its own memory
        return *static_cast<T*>(*slot);
    }
};

// Checkpoints the job (collective, see mosix_checkpoint); throws Error if it cannot.
inline void checkpoint() {
    detail::set_errors_return(MPI_COMM_WORLD);
    detail::check(mosix_checkpoint(), "mosix_checkpoint");
}

}  // namespace mosix
