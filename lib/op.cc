// op.cc — the predefined reduction operations, instantiated per primitive type, and user ops.
#include "op.hpp"

#include <complex>
#include <cstdint>
#include <type_traits>

#include "handles.hpp"
#include "rank_state.hpp"

namespace mosix::lib {

namespace {

enum Builtin {
    kMax,
    kMin,
    kSum,
    kProd,
    kLand,
    kBand,
    kLor,
    kBor,
    kLxor,
    kBxor,
    kMinloc,
    kMaxloc,
    kReplace,
    kNoOp
};

// Integer sums and products wrap around, as they do in C MPI libraries (hpcc's PTRANS sums
// checksums that overflow int): computed in the unsigned type the operands promote to, where
// overflow is defined, instead of in T, where it is undefined behaviour.
template <class T>
struct Wrapping {
    using type = T;
};
template <class T>
requires(std::is_integral_v<T> && !std::is_same_v<T, bool>) struct Wrapping<T> {
    using type = std::make_unsigned_t<decltype(T{} + T{})>;
};

template <class T>
void arith(int op, const T* in, T* io, int n) {
    using W = typename Wrapping<T>::type;
    switch (op) {
        case kSum:
            for (int i = 0; i < n; ++i) io[i] = static_cast<T>(static_cast<W>(in[i]) + static_cast<W>(io[i]));
            break;
        case kProd:
            if constexpr (std::is_same_v<T, bool>)
                for (int i = 0; i < n; ++i) io[i] = in[i] && io[i];
            else
                for (int i = 0; i < n; ++i)
                    io[i] = static_cast<T>(static_cast<W>(in[i]) * static_cast<W>(io[i]));
            break;
        case kReplace:
            for (int i = 0; i < n; ++i) io[i] = in[i];
            break;
        case kNoOp:
            break;
        default:
            if constexpr (requires(T a, T b) { a < b; }) {
                if (op == kMax)
                    for (int i = 0; i < n; ++i) io[i] = in[i] > io[i] ? in[i] : io[i];
                else if (op == kMin)
                    for (int i = 0; i < n; ++i) io[i] = in[i] < io[i] ? in[i] : io[i];
            }
            if constexpr (requires(T a, T b) { a&& b; }) {
                if (op == kLand)
                    for (int i = 0; i < n; ++i) io[i] = in[i] && io[i];
                else if (op == kLor)
                    for (int i = 0; i < n; ++i) io[i] = in[i] || io[i];
                else if (op == kLxor)
                    for (int i = 0; i < n; ++i) io[i] = !in[i] != !io[i];
            }
            if constexpr (std::is_integral_v<T>) {
                if (op == kBand)
                    for (int i = 0; i < n; ++i) io[i] = static_cast<T>(in[i] & io[i]);
                else if (op == kBor)
                    for (int i = 0; i < n; ++i) io[i] = static_cast<T>(in[i] | io[i]);
                else if (op == kBxor)
                    for (int i = 0; i < n; ++i) io[i] = static_cast<T>(in[i] ^ io[i]);
            }
    }
}

template <class V>
struct Loc {
    V value;
    int index;
};

// MINLOC/MAXLOC: the better value wins; on a tie the lower index wins (the standard's rule).
template <class V>
void loc(int op, const Loc<V>* in, Loc<V>* io, int n) {
    if (op == kReplace) {
        for (int i = 0; i < n; ++i) io[i] = in[i];
        return;
    }
    if (op == kNoOp) return;
    for (int i = 0; i < n; ++i) {
        bool take = op == kMinloc ? in[i].value < io[i].value : in[i].value > io[i].value;
        if (take || (in[i].value == io[i].value && in[i].index < io[i].index)) io[i] = in[i];
    }
}

template <class T>
void run(int op, const void* in, void* io, int n) {
    arith(op, static_cast<const T*>(in), static_cast<T*>(io), n);
}
template <class V>
void run_loc(int op, const void* in, void* io, int n) {
    loc(op, static_cast<const Loc<V>*>(in), static_cast<Loc<V>*>(io), n);
}

bool is_pair(Primitive p) { return p >= Primitive::float_int; }
bool is_complex(Primitive p) { return p == Primitive::c32 || p == Primitive::c64 || p == Primitive::c80; }
bool is_float(Primitive p) { return p == Primitive::f32 || p == Primitive::f64 || p == Primitive::f80; }

}  // namespace

bool op_get(MPI_Op h, OpRef* out) noexcept {
    int i = handle_index(HandleKind::op, h);
    if (i < 0) return false;
    OpRef r;
    r.handle = h;
    if (i < MOSIX_OP_PREDEFINED_COUNT) {
        r.builtin = i;
    } else {
        RankState& s = self_state();
        std::size_t u = static_cast<std::size_t>(i - MOSIX_OP_PREDEFINED_COUNT);
        if (u >= s.ops.size() || !s.ops[u].live) return false;
        r.user = s.ops[u].fn;
        r.commutative = s.ops[u].commutative;
    }
    *out = r;
    return true;
}

bool op_defined_for(const OpRef& op, const Datatype& dt) noexcept {
    if (op.user || op.builtin == kReplace || op.builtin == kNoOp) return true;
    Primitive p = dt.primitive;
    switch (op.builtin) {
        case kMinloc:
        case kMaxloc:
            return is_pair(p);
        case kMax:
        case kMin:
            return p != Primitive::none && !is_pair(p) && !is_complex(p) && p != Primitive::boolean;
        case kSum:
        case kProd:
            return p != Primitive::none && !is_pair(p) && p != Primitive::boolean;
        case kLand:
        case kLor:
        case kLxor:
            return p != Primitive::none && !is_pair(p) && !is_complex(p) && !is_float(p);
        case kBand:
        case kBor:
        case kBxor:
            return dt.integer;
        default:
            return false;
    }
}

void op_apply(const OpRef& op, const void* in, void* io, int n, const Datatype& dt, MPI_Datatype type) {
    if (dt.derived) return op_apply_derived(op, in, io, n, dt, type);
    if (op.user) {
        MPI_Datatype t = type;
        op.user(const_cast<void*>(in), io, &n, &t);
        return;
    }
    int o = op.builtin;
    switch (dt.primitive) {
        case Primitive::none:
        case Primitive::u8:
            run<std::uint8_t>(o, in, io, n);
            break;
        case Primitive::i8:
            run<std::int8_t>(o, in, io, n);
            break;
        case Primitive::i16:
            run<std::int16_t>(o, in, io, n);
            break;
        case Primitive::i32:
            run<std::int32_t>(o, in, io, n);
            break;
        case Primitive::i64:
            run<std::int64_t>(o, in, io, n);
            break;
        case Primitive::u16:
            run<std::uint16_t>(o, in, io, n);
            break;
        case Primitive::u32:
            run<std::uint32_t>(o, in, io, n);
            break;
        case Primitive::u64:
            run<std::uint64_t>(o, in, io, n);
            break;
        case Primitive::boolean:
            run<bool>(o, in, io, n);
            break;
        case Primitive::f32:
            run<float>(o, in, io, n);
            break;
        case Primitive::f64:
            run<double>(o, in, io, n);
            break;
        case Primitive::f80:
            run<long double>(o, in, io, n);
            break;
        case Primitive::c32:
            run<std::complex<float>>(o, in, io, n);
            break;
        case Primitive::c64:
            run<std::complex<double>>(o, in, io, n);
            break;
        case Primitive::c80:
            run<std::complex<long double>>(o, in, io, n);
            break;
        case Primitive::float_int:
            run_loc<float>(o, in, io, n);
            break;
        case Primitive::double_int:
            run_loc<double>(o, in, io, n);
            break;
        case Primitive::long_int:
            run_loc<long>(o, in, io, n);
            break;
        case Primitive::int_int:
            run_loc<int>(o, in, io, n);
            break;
        case Primitive::short_int:
            run_loc<short>(o, in, io, n);
            break;
        case Primitive::long_double_int:
            run_loc<long double>(o, in, io, n);
            break;
    }
}

}  // namespace mosix::lib
