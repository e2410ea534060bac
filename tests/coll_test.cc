// coll_test.cc — every collective against a sequential reference computed from known per-rank
// inputs: on every communicator size from 1 to 17 and 64, with empty, tiny, odd and large (above
// coll::kLargeMessage, and above the eager limit) messages, several roots, the in-place variants,
// every predefined operation family and a non-commutative user operation (which fails unless the
// algorithms combine in rank order). Then the argument checks of the bindings.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "support/job.hpp"

using mosix::test::rank;
using mosix::test::run_ranks;
using mosix::test::run_returning;
using mosix::test::size;

namespace {

using Bytes = std::vector<unsigned char>;

const std::vector<int> kRankCounts = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 64};

// A different, reproducible value for every (rank, element).
unsigned mix(int r, int i) {
    unsigned x = static_cast<unsigned>(r) * 0x9E3779B1u + static_cast<unsigned>(i) * 0x85EBCA77u + 12345u;
    x ^= x >> 15;
    x *= 0x2C1B3C6Du;
    x ^= x >> 12;
    return x;
}
int ival(int r, int i) { return static_cast<int>(mix(r, i) % 1000000u) - 500000; }

std::vector<int> ints(int r, int n) {
    std::vector<int> v(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) v[static_cast<std::size_t>(i)] = ival(r, i);
    return v;
}

// Fails the test at the first differing element, naming where it happened.
template <class T>
void expect_same(const std::vector<T>& want, const std::vector<T>& got, const std::string& what) {
    ASSERT_EQ(want.size(), got.size()) << what;
    for (std::size_t i = 0; i < want.size(); ++i)
        if (want[i] != got[i]) {
            ADD_FAILURE() << what << ": element " << i << " is " << got[i] << ", expected " << want[i];
            return;
        }
}

std::string where(const char* coll, int p, int me, int n, int root = -1) {
    std::string s = std::string(coll) + " p=" + std::to_string(p) + " rank=" + std::to_string(me) +
                    " n=" + std::to_string(n);
    if (root >= 0) s += " root=" + std::to_string(root);
    return s;
}

std::vector<int> roots_of(int p) {
    std::vector<int> r = {0, p - 1, p / 2};
    std::sort(r.begin(), r.end());
    r.erase(std::unique(r.begin(), r.end()), r.end());
    return r;
}

// ---- reduction cases ---------------------------------------------------------------------------

// Affine maps x -> m*x + c (mod kPrime) as an MPI_2INT; "a op b" applies a first, then b.
// Associative, not commutative: any reordering of ranks changes the result.
constexpr int kPrime = 10007;
struct Affine {
    int m, c;
};
void affine_op(void* in, void* inout, int* len, MPI_Datatype*) {
    auto* a = static_cast<const Affine*>(in);
    auto* b = static_cast<Affine*>(inout);
    for (int i = 0; i < *len; ++i)
        b[i] = Affine{b[i].m * a[i].m % kPrime, (b[i].m * a[i].c + b[i].c) % kPrime};
}
void llsum_op(void* in, void* inout, int* len, MPI_Datatype*) {
    auto* a = static_cast<const long long*>(in);
    auto* b = static_cast<long long*>(inout);
    for (int i = 0; i < *len; ++i) b[i] += a[i];
}

template <class V>
struct Loc {
    V v;
    int i;
};
template <class V>
Loc<V> minloc(Loc<V> a, Loc<V> b) {
    return a.v < b.v ? a : b.v < a.v ? b : Loc<V>{a.v, std::min(a.i, b.i)};
}
template <class V>
Loc<V> maxloc(Loc<V> a, Loc<V> b) {
    return a.v > b.v ? a : b.v > a.v ? b : Loc<V>{a.v, std::min(a.i, b.i)};
}

struct RedCase {
    std::string name;
    MPI_Op op;  // MPI_OP_NULL for a user op: ranks create it
    MPI_User_function* user = nullptr;
    bool commute = true;
    MPI_Datatype type;
    std::size_t size;                                        // bytes per element
    std::function<void(int r, int i, void* elem)> fill;      // rank r's input element i
    std::function<void(const void* in, void* inout)> apply;  // inout = in op inout (in is lower)
};

template <class T>
RedCase typed(std::string name, MPI_Op op, MPI_Datatype type, T (*value)(int, int), T (*f)(T, T)) {
    RedCase c;
    c.name = std::move(name);
    c.op = op;
    c.type = type;
    c.size = sizeof(T);
    c.fill = [value](int r, int i, void* e) {
        T v = value(r, i);
        std::memcpy(e, &v, sizeof v);
    };
    c.apply = [f](const void* in, void* io) {
        T a, b;
        std::memcpy(&a, in, sizeof a);
        std::memcpy(&b, io, sizeof b);
        T r = f(a, b);
        std::memcpy(io, &r, sizeof r);
    };
    return c;
}

const std::vector<RedCase>& red_cases() {
    static const std::vector<RedCase> cases = [] {
        std::vector<RedCase> v;
        v.push_back(typed<int>(
            "SUM/INT", MPI_SUM, MPI_INT, [](int r, int i) { return ival(r, i) / 100; },
            [](int a, int b) { return a + b; }));
        // Integer-valued doubles and powers of two: exact, so any combining order gives the same bits.
        v.push_back(typed<double>(
            "SUM/DOUBLE", MPI_SUM, MPI_DOUBLE, [](int r, int i) { return static_cast<double>(ival(r, i)); },
            [](double a, double b) { return a + b; }));
        v.push_back(typed<int>(
            "PROD/INT", MPI_PROD, MPI_INT,
            [](int r, int i) { return r % 8 == i % 8         ? 2
                                      : (mix(r, i) & 3) == 0 ? -1
                                                             : 1; },
            [](int a, int b) { return a * b; }));
        v.push_back(typed<double>(
            "PROD/DOUBLE", MPI_PROD, MPI_DOUBLE,
            [](int r, int i) { return mix(r, i) % 5 == 0   ? 2.0
                                      : mix(r, i) % 5 == 1 ? 0.5
                                                           : 1.0; },
            [](double a, double b) { return a * b; }));
        v.push_back(typed<double>(
            "MAX/DOUBLE", MPI_MAX, MPI_DOUBLE, [](int r, int i) { return ival(r, i) / 7.0; },
            [](double a, double b) { return std::max(a, b); }));
        v.push_back(typed<int>(
            "MIN/INT", MPI_MIN, MPI_INT, [](int r, int i) { return ival(r, i); },
            [](int a, int b) { return std::min(a, b); }));
        v.push_back(typed<short>(
            "MAX/SHORT", MPI_MAX, MPI_SHORT,
            [](int r, int i) { return static_cast<short>(ival(r, i) % 30000); },
            [](short a, short b) { return std::max(a, b); }));
        v.push_back(typed<unsigned>(
            "BAND/UNSIGNED", MPI_BAND, MPI_UNSIGNED, [](int r, int i) { return ~(1u << (mix(r, i) % 32)); },
            [](unsigned a, unsigned b) { return a & b; }));
        v.push_back(typed<unsigned>(
            "BOR/UNSIGNED", MPI_BOR, MPI_UNSIGNED, [](int r, int i) { return 1u << (mix(r, i) % 32); },
            [](unsigned a, unsigned b) { return a | b; }));
        v.push_back(typed<long long>(
            "BXOR/LONG_LONG", MPI_BXOR, MPI_LONG_LONG,
            [](int r, int i) { return static_cast<long long>(mix(r, i)) << 20 | mix(i, r); },
            [](long long a, long long b) { return a ^ b; }));
        v.push_back(typed<int>(
            "LAND/INT", MPI_LAND, MPI_INT, [](int r, int i) { return mix(r, i) % 23 != 0 ? 1 : 0; },
            [](int a, int b) { return a && b ? 1 : 0; }));
        v.push_back(typed<int>(
            "LOR/INT", MPI_LOR, MPI_INT, [](int r, int i) { return mix(r, i) % 23 == 0 ? 1 : 0; },
            [](int a, int b) { return a || b ? 1 : 0; }));
        v.push_back(typed<int>(
            "LXOR/INT", MPI_LXOR, MPI_INT, [](int r, int i) { return static_cast<int>(mix(r, i) & 1); },
            [](int a, int b) { return !a != !b ? 1 : 0; }));
        // Few distinct values, so ties are common and the lower index must win them.
        v.push_back(typed<Loc<double>>(
            "MINLOC/DOUBLE_INT", MPI_MINLOC, MPI_DOUBLE_INT,
            [](int r, int i) {
                return Loc<double>{static_cast<double>(mix(r, i) % 5), r};
            },
            minloc<double>));
        v.push_back(typed<Loc<double>>(
            "MAXLOC/DOUBLE_INT", MPI_MAXLOC, MPI_DOUBLE_INT,
            [](int r, int i) {
                return Loc<double>{static_cast<double>(mix(r, i) % 5), r};
            },
            maxloc<double>));
        v.push_back(typed<Loc<int>>(
            "MINLOC/2INT", MPI_MINLOC, MPI_2INT,
            [](int r, int i) {
                return Loc<int>{static_cast<int>(mix(r, i) % 4), 1000 - r};
            },
            minloc<int>));
        v.push_back(typed<Loc<int>>(
            "MAXLOC/2INT", MPI_MAXLOC, MPI_2INT,
            [](int r, int i) {
                return Loc<int>{static_cast<int>(mix(r, i) % 4), r * 3};
            },
            maxloc<int>));
        RedCase aff = typed<Affine>(
            "USER-NONCOMMUTATIVE/2INT", MPI_OP_NULL, MPI_2INT,
            [](int r, int i) {
                return Affine{1 + static_cast<int>(mix(r, i) % (kPrime - 1)),
                              static_cast<int>(mix(i, r) % kPrime)};
            },
            [](Affine a, Affine b) {
                return Affine{b.m * a.m % kPrime, (b.m * a.c + b.c) % kPrime};
            });
        aff.user = affine_op;
        aff.commute = false;
        v.push_back(aff);
        RedCase sum = typed<long long>(
            "USER-COMMUTATIVE/LONG_LONG", MPI_OP_NULL, MPI_LONG_LONG,
            [](int r, int i) { return static_cast<long long>(ival(r, i)) * 1000; },
            [](long long a, long long b) { return a + b; });
        sum.user = llsum_op;
        v.push_back(sum);
        return v;
    }();
    return cases;
}

// The reference for one case and element count on p ranks: inputs and inclusive prefixes.
struct Reference {
    int n = 0;
    std::vector<Bytes> input, prefix;  // by rank
};

Reference make_reference(const RedCase& c, int p, int n) {
    Reference ref;
    ref.n = n;
    const std::size_t bytes = static_cast<std::size_t>(n) * c.size;
    for (int r = 0; r < p; ++r) {
        Bytes in(bytes);
        for (int i = 0; i < n; ++i) c.fill(r, i, in.data() + static_cast<std::size_t>(i) * c.size);
        Bytes pre = in;
        if (r > 0)
            for (int i = 0; i < n; ++i)
                c.apply(ref.prefix.back().data() + static_cast<std::size_t>(i) * c.size,
                        pre.data() + static_cast<std::size_t>(i) * c.size);
        ref.input.push_back(std::move(in));
        ref.prefix.push_back(std::move(pre));
    }
    return ref;
}

void expect_bytes(const Bytes& want, const unsigned char* got, std::size_t elem, const std::string& what) {
    for (std::size_t i = 0; i < want.size(); i += elem)
        if (std::memcmp(want.data() + i, got + i, elem) != 0) {
            ADD_FAILURE() << what << ": element " << i / elem << " differs";
            return;
        }
}

// Runs, for every reduction case, `check(case, op, refs)` on every rank of a p-rank job, where
// refs[k] is the reference for element count counts(p)[k]. The ranks of a job share the references
// (they are fibers of one thread); a barrier separates the cases so a rank running ahead never
// sees the next case's references while another still checks the previous one.
using RedCheck = std::function<void(const RedCase&, MPI_Op, const std::vector<Reference>&)>;
void for_each_reduction(const std::function<std::vector<int>(int)>& counts, const RedCheck& check) {
    for (int p : kRankCounts) {
        const std::vector<RedCase>& cases = red_cases();
        std::vector<Reference> refs;
        std::size_t refs_for = cases.size();
        EXPECT_EQ(0, run_ranks(p,
                               [&] {
                                   for (std::size_t k = 0; k < cases.size(); ++k) {
                                       const RedCase& c = cases[k];
                                       MPI_Op op = c.op;
                                       if (c.user) {
                                           ASSERT_EQ(MPI_SUCCESS, MPI_Op_create(c.user, c.commute, &op));
                                       }
                                       MPI_Barrier(MPI_COMM_WORLD);
                                       if (refs_for != k) {
                                           refs.clear();
                                           for (int n : counts(p)) refs.push_back(make_reference(c, p, n));
                                           refs_for = k;
                                       }
                                       check(c, op, refs);
                                       if (c.user) MPI_Op_free(&op);
                                   }
                               }))
            << "p=" << p;
        if (::testing::Test::HasFailure()) return;  // one failing size is enough to read
    }
}

// 4096 ints is exactly kLargeMessage bytes: the first size that takes the large-vector algorithms.
std::vector<int> reduction_counts(int) { return {0, 1, 7, 4096, 5003}; }

std::string where(const RedCase& c, const char* coll, int p, int me, int n, int root = -1) {
    return where(coll, p, me, n, root) + " " + c.name;
}

// ---- reductions --------------------------------------------------------------------------------

TEST(CollReduce, MatchesReferenceForEveryOpSizeAndRoot) {
    for_each_reduction(reduction_counts, [](const RedCase& c, MPI_Op op, const std::vector<Reference>& refs) {
        const int p = size(), me = rank();
        for (const Reference& ref : refs)
            for (int root : roots_of(p)) {
                const Bytes& want = ref.prefix.back();
                Bytes out(want.size() + 1, 0xee);
                // Non-roots pass no receive buffer at all: it is not theirs to touch.
                void* rbuf = me == root ? out.data() : nullptr;
                ASSERT_EQ(MPI_SUCCESS, MPI_Reduce(ref.input[static_cast<std::size_t>(me)].data(), rbuf, ref.n,
                                                  c.type, op, root, MPI_COMM_WORLD));
                if (me == root) {
                    expect_bytes(want, out.data(), c.size, where(c, "Reduce", p, me, ref.n, root));
                    EXPECT_EQ(0xee, out.back()) << "wrote past the result";
                }
                // In place at the root.
                Bytes io = ref.input[static_cast<std::size_t>(me)];
                const void* sbuf = me == root ? MPI_IN_PLACE : io.data();
                ASSERT_EQ(MPI_SUCCESS, MPI_Reduce(sbuf, me == root ? io.data() : nullptr, ref.n, c.type, op,
                                                  root, MPI_COMM_WORLD));
                if (me == root)
                    expect_bytes(want, io.data(), c.size, where(c, "Reduce in place", p, me, ref.n, root));
            }
    });
}

TEST(CollAllreduce, MatchesReferenceForEveryOpAndSize) {
    for_each_reduction(reduction_counts, [](const RedCase& c, MPI_Op op, const std::vector<Reference>& refs) {
        const int p = size(), me = rank();
        for (const Reference& ref : refs) {
            const Bytes& want = ref.prefix.back();
            const Bytes& in = ref.input[static_cast<std::size_t>(me)];
            Bytes out(want.size());
            ASSERT_EQ(MPI_SUCCESS, MPI_Allreduce(in.data(), out.data(), ref.n, c.type, op, MPI_COMM_WORLD));
            expect_bytes(want, out.data(), c.size, where(c, "Allreduce", p, me, ref.n));
            Bytes io = in;
            ASSERT_EQ(MPI_SUCCESS, MPI_Allreduce(MPI_IN_PLACE, io.data(), ref.n, c.type, op, MPI_COMM_WORLD));
            expect_bytes(want, io.data(), c.size, where(c, "Allreduce in place", p, me, ref.n));
        }
    });
}

TEST(CollScan, InclusiveAndExclusiveMatchPrefixes) {
    for_each_reduction(reduction_counts, [](const RedCase& c, MPI_Op op, const std::vector<Reference>& refs) {
        const int p = size(), me = rank();
        const auto r = static_cast<std::size_t>(me);
        for (const Reference& ref : refs) {
            const Bytes& in = ref.input[r];
            Bytes out(in.size());
            ASSERT_EQ(MPI_SUCCESS, MPI_Scan(in.data(), out.data(), ref.n, c.type, op, MPI_COMM_WORLD));
            expect_bytes(ref.prefix[r], out.data(), c.size, where(c, "Scan", p, me, ref.n));
            Bytes io = in;
            ASSERT_EQ(MPI_SUCCESS, MPI_Scan(MPI_IN_PLACE, io.data(), ref.n, c.type, op, MPI_COMM_WORLD));
            expect_bytes(ref.prefix[r], io.data(), c.size, where(c, "Scan in place", p, me, ref.n));

            // Rank 0's exclusive result is undefined: it must be left alone.
            Bytes ex(in.size(), 0x5a);
            ASSERT_EQ(MPI_SUCCESS, MPI_Exscan(in.data(), ex.data(), ref.n, c.type, op, MPI_COMM_WORLD));
            if (me > 0)
                expect_bytes(ref.prefix[r - 1], ex.data(), c.size, where(c, "Exscan", p, me, ref.n));
            else
                EXPECT_EQ(Bytes(in.size(), 0x5a), ex) << "Exscan wrote rank 0's receive buffer";
            io = in;
            ASSERT_EQ(MPI_SUCCESS, MPI_Exscan(MPI_IN_PLACE, io.data(), ref.n, c.type, op, MPI_COMM_WORLD));
            if (me > 0)
                expect_bytes(ref.prefix[r - 1], io.data(), c.size, where(c, "Exscan in place", p, me, ref.n));
        }
    });
}

// Uneven blocks with empty ones for small vectors; blocks summing above kLargeMessage for large.
std::vector<int> scatter_counts(int p, int variant) {
    std::vector<int> v(static_cast<std::size_t>(p));
    for (int i = 0; i < p; ++i)
        v[static_cast<std::size_t>(i)] = variant == 0   ? 0
                                         : variant == 1 ? (i * 5 + 3) % 4
                                         : i % 3 == 1   ? 0
                                                        : 7503 / p + i % 5;
    return v;
}
int total(const std::vector<int>& v) {
    int t = 0;
    for (int x : v) t += x;
    return t;
}

TEST(CollReduceScatter, MatchesReferenceBlocks) {
    auto counts = [](int p) {
        return std::vector<int>{total(scatter_counts(p, 0)), total(scatter_counts(p, 1)),
                                total(scatter_counts(p, 2))};
    };
    for_each_reduction(counts, [](const RedCase& c, MPI_Op op, const std::vector<Reference>& refs) {
        const int p = size(), me = rank();
        for (int variant = 0; variant < 3; ++variant) {
            const Reference& ref = refs[static_cast<std::size_t>(variant)];
            std::vector<int> rc = scatter_counts(p, variant);
            std::size_t first = 0;
            for (int i = 0; i < me; ++i)
                first += static_cast<std::size_t>(rc[static_cast<std::size_t>(i)]) * c.size;
            std::size_t mine = static_cast<std::size_t>(rc[static_cast<std::size_t>(me)]) * c.size;
            Bytes want(ref.prefix.back().begin() + static_cast<long>(first),
                       ref.prefix.back().begin() + static_cast<long>(first + mine));
            Bytes out(mine + 1, 0xee);
            ASSERT_EQ(MPI_SUCCESS, MPI_Reduce_scatter(ref.input[static_cast<std::size_t>(me)].data(),
                                                      out.data(), rc.data(), c.type, op, MPI_COMM_WORLD));
            expect_bytes(want, out.data(), c.size, where(c, "Reduce_scatter", p, me, ref.n));
            EXPECT_EQ(0xee, out.back()) << "wrote past the block";
            Bytes io = ref.input[static_cast<std::size_t>(me)];
            ASSERT_EQ(MPI_SUCCESS,
                      MPI_Reduce_scatter(MPI_IN_PLACE, io.data(), rc.data(), c.type, op, MPI_COMM_WORLD));
            expect_bytes(want, io.data(), c.size, where(c, "Reduce_scatter in place", p, me, ref.n));
        }
    });
}

TEST(CollReduceScatterBlock, MatchesReferenceBlocks) {
    auto block = [](int p) { return std::vector<int>{0, 1, 3, 5003 / p + 1}; };
    auto counts = [block](int p) {
        std::vector<int> v;
        for (int b : block(p)) v.push_back(b * p);
        return v;
    };
    for_each_reduction(counts, [block](const RedCase& c, MPI_Op op, const std::vector<Reference>& refs) {
        const int p = size(), me = rank();
        std::vector<int> blocks = block(p);
        for (std::size_t k = 0; k < refs.size(); ++k) {
            const Reference& ref = refs[k];
            int b = blocks[k];
            std::size_t bytes = static_cast<std::size_t>(b) * c.size,
                        first = bytes * static_cast<std::size_t>(me);
            Bytes want(ref.prefix.back().begin() + static_cast<long>(first),
                       ref.prefix.back().begin() + static_cast<long>(first + bytes));
            Bytes out(bytes);
            ASSERT_EQ(MPI_SUCCESS, MPI_Reduce_scatter_block(ref.input[static_cast<std::size_t>(me)].data(),
                                                            out.data(), b, c.type, op, MPI_COMM_WORLD));
            expect_bytes(want, out.data(), c.size, where(c, "Reduce_scatter_block", p, me, ref.n));
            Bytes io = ref.input[static_cast<std::size_t>(me)];
            ASSERT_EQ(MPI_SUCCESS,
                      MPI_Reduce_scatter_block(MPI_IN_PLACE, io.data(), b, c.type, op, MPI_COMM_WORLD));
            expect_bytes(want, io.data(), c.size, where(c, "Reduce_scatter_block in place", p, me, ref.n));
        }
    });
}

// ---- data movement -----------------------------------------------------------------------------

// Runs `body` as every rank of a job of each size in kRankCounts; stops after the first failing size.
void for_each_size(const std::function<void()>& body) {
    for (int p : kRankCounts) {
        EXPECT_EQ(0, run_ranks(p, body)) << "p=" << p;
        if (::testing::Test::HasFailure()) return;
    }
}

TEST(CollBcast, EveryRootAndSize) {
    for_each_size([] {
        const int p = size(), me = rank();
        // 20011 ints is above the eager limit too, so the tree and ring both use rendezvous.
        for (int n : {0, 1, 7, 4095, 5003, 20011})
            for (int root : roots_of(p)) {
                std::vector<int> buf =
                    me == root ? ints(root, n) : std::vector<int>(static_cast<std::size_t>(n), -1);
                ASSERT_EQ(MPI_SUCCESS, MPI_Bcast(buf.data(), n, MPI_INT, root, MPI_COMM_WORLD));
                expect_same(ints(root, n), buf, where("Bcast", p, me, n, root));
            }
    });
}

TEST(CollGather, EveryRootSizeAndInPlace) {
    for_each_size([] {
        const int p = size(), me = rank();
        for (int n : {0, 1, 7, 5003})
            for (int root : roots_of(p)) {
                std::vector<int> want;
                for (int r = 0; r < p; ++r) {
                    std::vector<int> v = ints(r, n);
                    want.insert(want.end(), v.begin(), v.end());
                }
                std::vector<int> mine = ints(me, n), all;
                if (me == root) all.assign(want.size(), -1);
                ASSERT_EQ(MPI_SUCCESS, MPI_Gather(mine.data(), n, MPI_INT, me == root ? all.data() : nullptr,
                                                  n, MPI_INT, root, MPI_COMM_WORLD));
                if (me == root) expect_same(want, all, where("Gather", p, me, n, root));

                if (me == root) {
                    all.assign(want.size(), -1);
                    std::copy(mine.begin(), mine.end(), all.begin() + static_cast<long>(root) * n);
                }
                ASSERT_EQ(MPI_SUCCESS,
                          MPI_Gather(me == root ? MPI_IN_PLACE : mine.data(), n, MPI_INT,
                                     me == root ? all.data() : nullptr, n, MPI_INT, root, MPI_COMM_WORLD));
                if (me == root) expect_same(want, all, where("Gather in place", p, me, n, root));
            }
    });
}

TEST(CollScatter, EveryRootSizeAndInPlace) {
    for_each_size([] {
        const int p = size(), me = rank();
        for (int n : {0, 1, 7, 5003})
            for (int root : roots_of(p)) {
                std::vector<int> all;
                if (me == root)
                    for (int r = 0; r < p; ++r) {
                        std::vector<int> v = ints(r, n);
                        all.insert(all.end(), v.begin(), v.end());
                    }
                std::vector<int> mine(static_cast<std::size_t>(n), -1);
                ASSERT_EQ(MPI_SUCCESS, MPI_Scatter(me == root ? all.data() : nullptr, n, MPI_INT, mine.data(),
                                                   n, MPI_INT, root, MPI_COMM_WORLD));
                expect_same(ints(me, n), mine, where("Scatter", p, me, n, root));

                std::vector<int> before = all;
                mine.assign(static_cast<std::size_t>(n), -1);
                ASSERT_EQ(MPI_SUCCESS, MPI_Scatter(me == root ? all.data() : nullptr, n, MPI_INT,
                                                   me == root ? MPI_IN_PLACE : mine.data(), n, MPI_INT, root,
                                                   MPI_COMM_WORLD));
                if (me != root) expect_same(ints(me, n), mine, where("Scatter in place", p, me, n, root));
                expect_same(before, all, where("Scatter send buffer", p, me, n, root));
            }
    });
}

// Uneven counts (some empty), blocks stored in reverse rank order with gaps between them.
struct Layout {
    std::vector<int> counts, displs;
    int extent = 0;
};
Layout layout(int p, bool large) {
    Layout l;
    for (int i = 0; i < p; ++i) l.counts.push_back(large ? (i % 2 ? 5003 : 1) : (i * 3 + 1) % 5);
    l.displs.resize(static_cast<std::size_t>(p));
    for (int i = p - 1; i >= 0; --i) {
        l.displs[static_cast<std::size_t>(i)] = l.extent;
        l.extent += l.counts[static_cast<std::size_t>(i)] + 2;
    }
    return l;
}

TEST(CollGatherv, UnevenBlocksWithGaps) {
    for_each_size([] {
        const int p = size(), me = rank();
        for (bool large : {false, true}) {
            Layout l = layout(p, large);
            for (int root : roots_of(p)) {
                std::vector<int> want(static_cast<std::size_t>(l.extent), -1);
                for (int r = 0; r < p; ++r) {
                    std::vector<int> v = ints(r, l.counts[static_cast<std::size_t>(r)]);
                    std::copy(v.begin(), v.end(), want.begin() + l.displs[static_cast<std::size_t>(r)]);
                }
                std::vector<int> mine = ints(me, l.counts[static_cast<std::size_t>(me)]), all;
                if (me == root) all.assign(want.size(), -1);
                ASSERT_EQ(
                    MPI_SUCCESS,
                    MPI_Gatherv(mine.data(), static_cast<int>(mine.size()), MPI_INT,
                                me == root ? all.data() : nullptr, me == root ? l.counts.data() : nullptr,
                                me == root ? l.displs.data() : nullptr, MPI_INT, root, MPI_COMM_WORLD));
                if (me == root) expect_same(want, all, where("Gatherv", p, me, l.extent, root));

                if (me == root) {
                    all.assign(want.size(), -1);
                    std::copy(mine.begin(), mine.end(), all.begin() + l.displs[static_cast<std::size_t>(me)]);
                }
                ASSERT_EQ(MPI_SUCCESS,
                          MPI_Gatherv(me == root ? MPI_IN_PLACE : mine.data(), static_cast<int>(mine.size()),
                                      MPI_INT, me == root ? all.data() : nullptr, l.counts.data(),
                                      l.displs.data(), MPI_INT, root, MPI_COMM_WORLD));
                if (me == root) expect_same(want, all, where("Gatherv in place", p, me, l.extent, root));
            }
        }
    });
}

TEST(CollScatterv, UnevenBlocksWithGaps) {
    for_each_size([] {
        const int p = size(), me = rank();
        for (bool large : {false, true}) {
            Layout l = layout(p, large);
            for (int root : roots_of(p)) {
                std::vector<int> all;
                if (me == root) {
                    all.assign(static_cast<std::size_t>(l.extent), -1);
                    for (int r = 0; r < p; ++r) {
                        std::vector<int> v = ints(r, l.counts[static_cast<std::size_t>(r)]);
                        std::copy(v.begin(), v.end(), all.begin() + l.displs[static_cast<std::size_t>(r)]);
                    }
                }
                int n = l.counts[static_cast<std::size_t>(me)];
                std::vector<int> mine(static_cast<std::size_t>(n), -9);
                ASSERT_EQ(MPI_SUCCESS,
                          MPI_Scatterv(me == root ? all.data() : nullptr, l.counts.data(), l.displs.data(),
                                       MPI_INT, mine.data(), n, MPI_INT, root, MPI_COMM_WORLD));
                expect_same(ints(me, n), mine, where("Scatterv", p, me, n, root));

                mine.assign(static_cast<std::size_t>(n), -9);
                ASSERT_EQ(
                    MPI_SUCCESS,
                    MPI_Scatterv(me == root ? all.data() : nullptr, l.counts.data(), l.displs.data(), MPI_INT,
                                 me == root ? MPI_IN_PLACE : mine.data(), n, MPI_INT, root, MPI_COMM_WORLD));
                if (me != root) expect_same(ints(me, n), mine, where("Scatterv in place", p, me, n, root));
            }
        }
    });
}

TEST(CollAllgather, EverySizeAndInPlace) {
    for_each_size([] {
        const int p = size(), me = rank();
        // The last size makes the whole result larger than kLargeMessage (ring) on every p.
        for (int n : {0, 1, 7, 5003 / p + 1}) {
            std::vector<int> want;
            for (int r = 0; r < p; ++r) {
                std::vector<int> v = ints(r, n);
                want.insert(want.end(), v.begin(), v.end());
            }
            std::vector<int> mine = ints(me, n), all(want.size(), -1);
            ASSERT_EQ(MPI_SUCCESS,
                      MPI_Allgather(mine.data(), n, MPI_INT, all.data(), n, MPI_INT, MPI_COMM_WORLD));
            expect_same(want, all, where("Allgather", p, me, n));

            all.assign(want.size(), -1);
            std::copy(mine.begin(), mine.end(), all.begin() + static_cast<long>(me) * n);
            ASSERT_EQ(MPI_SUCCESS,
                      MPI_Allgather(MPI_IN_PLACE, n, MPI_INT, all.data(), n, MPI_INT, MPI_COMM_WORLD));
            expect_same(want, all, where("Allgather in place", p, me, n));
        }
    });
}

TEST(CollAllgatherv, UnevenBlocksWithGapsAndInPlace) {
    for_each_size([] {
        const int p = size(), me = rank();
        for (bool large : {false, true}) {
            Layout l = layout(p, large);
            std::vector<int> want(static_cast<std::size_t>(l.extent), -1);
            for (int r = 0; r < p; ++r) {
                std::vector<int> v = ints(r, l.counts[static_cast<std::size_t>(r)]);
                std::copy(v.begin(), v.end(), want.begin() + l.displs[static_cast<std::size_t>(r)]);
            }
            std::vector<int> mine = ints(me, l.counts[static_cast<std::size_t>(me)]), all(want.size(), -1);
            ASSERT_EQ(MPI_SUCCESS,
                      MPI_Allgatherv(mine.data(), static_cast<int>(mine.size()), MPI_INT, all.data(),
                                     l.counts.data(), l.displs.data(), MPI_INT, MPI_COMM_WORLD));
            expect_same(want, all, where("Allgatherv", p, me, l.extent));

            all.assign(want.size(), -1);
            std::copy(mine.begin(), mine.end(), all.begin() + l.displs[static_cast<std::size_t>(me)]);
            ASSERT_EQ(MPI_SUCCESS, MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, all.data(),
                                                  l.counts.data(), l.displs.data(), MPI_INT, MPI_COMM_WORLD));
            expect_same(want, all, where("Allgatherv in place", p, me, l.extent));
        }
    });
}

// What rank `from` sends rank `to` in an alltoall of n-element blocks.
std::vector<int> block(int from, int to, int n) {
    std::vector<int> v(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) v[static_cast<std::size_t>(i)] = ival(from * 100 + to, i);
    return v;
}

TEST(CollAlltoall, EverySizeAndInPlace) {
    for_each_size([] {
        const int p = size(), me = rank();
        // 7 ints go through Bruck's algorithm on p >= 8; 70 and 1500 through pairwise exchange.
        for (int n : {0, 1, 7, 70, 1500}) {
            std::vector<int> out, want;
            for (int r = 0; r < p; ++r) {
                std::vector<int> o = block(me, r, n), w = block(r, me, n);
                out.insert(out.end(), o.begin(), o.end());
                want.insert(want.end(), w.begin(), w.end());
            }
            std::vector<int> in(want.size(), -1);
            ASSERT_EQ(MPI_SUCCESS,
                      MPI_Alltoall(out.data(), n, MPI_INT, in.data(), n, MPI_INT, MPI_COMM_WORLD));
            expect_same(want, in, where("Alltoall", p, me, n));
            ASSERT_EQ(MPI_SUCCESS, MPI_Alltoall(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, out.data(), n, MPI_INT,
                                                MPI_COMM_WORLD));
            expect_same(want, out, where("Alltoall in place", p, me, n));
        }
    });
}

TEST(CollAlltoallv, UnevenBlocksWithGapsAndInPlace) {
    for_each_size([] {
        const int p = size(), me = rank();
        for (int scale : {1, 700}) {
            auto count = [scale](int from, int to) { return (from + 2 * to) % 4 * scale; };
            std::vector<int> sc, sd, rc, rd, out;
            int rext = 0;
            for (int r = 0; r < p; ++r) {
                sc.push_back(count(me, r));
                sd.push_back(static_cast<int>(out.size()));
                std::vector<int> o = block(me, r, count(me, r));
                out.insert(out.end(), o.begin(), o.end());
            }
            // Receive blocks in reverse order with gaps.
            rc.resize(static_cast<std::size_t>(p));
            rd.resize(static_cast<std::size_t>(p));
            for (int r = p - 1; r >= 0; --r) {
                rc[static_cast<std::size_t>(r)] = count(r, me);
                rd[static_cast<std::size_t>(r)] = rext;
                rext += count(r, me) + 3;
            }
            std::vector<int> want(static_cast<std::size_t>(rext), -1);
            for (int r = 0; r < p; ++r) {
                std::vector<int> w = block(r, me, count(r, me));
                std::copy(w.begin(), w.end(), want.begin() + rd[static_cast<std::size_t>(r)]);
            }
            std::vector<int> in(want.size(), -1);
            ASSERT_EQ(MPI_SUCCESS, MPI_Alltoallv(out.data(), sc.data(), sd.data(), MPI_INT, in.data(),
                                                 rc.data(), rd.data(), MPI_INT, MPI_COMM_WORLD));
            expect_same(want, in, where("Alltoallv", p, me, rext));

            // In place the send layout is the receive layout: rank r's count to me equals mine to r
            // only for a symmetric pattern, so use one.
            auto sym = [scale](int a, int b) { return (a + b) % 3 * scale; };
            std::vector<int> c(static_cast<std::size_t>(p)), d(static_cast<std::size_t>(p)), io;
            for (int r = 0; r < p; ++r) {
                c[static_cast<std::size_t>(r)] = sym(me, r);
                d[static_cast<std::size_t>(r)] = static_cast<int>(io.size()) + 1;
                io.push_back(-1);
                std::vector<int> o = block(me, r, sym(me, r));
                io.insert(io.end(), o.begin(), o.end());
            }
            io.push_back(-1);
            std::vector<int> expect_io(io.size(), -1);
            for (int r = 0; r < p; ++r) {
                std::vector<int> w = block(r, me, sym(r, me));
                std::copy(w.begin(), w.end(), expect_io.begin() + d[static_cast<std::size_t>(r)]);
            }
            ASSERT_EQ(MPI_SUCCESS, MPI_Alltoallv(MPI_IN_PLACE, nullptr, nullptr, MPI_DATATYPE_NULL, io.data(),
                                                 c.data(), d.data(), MPI_INT, MPI_COMM_WORLD));
            expect_same(expect_io, io, where("Alltoallv in place", p, me, static_cast<int>(io.size())));
        }
    });
}

// Blocks above the 64 KiB eager limit: every exchange is a rendezvous, which deadlocks if two ranks
// both send to each other before receiving.
TEST(CollRendezvous, BlocksAboveTheEagerLimit) {
    for (int p : {2, 3, 5}) {
        EXPECT_EQ(0, run_ranks(p, [] {
                      const int p = size(), me = rank(), n = 17000;
                      std::vector<int> out, want, in(static_cast<std::size_t>(p) * n, -1);
                      for (int r = 0; r < p; ++r) {
                          std::vector<int> o = block(me, r, n), w = block(r, me, n);
                          out.insert(out.end(), o.begin(), o.end());
                          want.insert(want.end(), w.begin(), w.end());
                      }
                      ASSERT_EQ(MPI_SUCCESS,
                                MPI_Alltoall(out.data(), n, MPI_INT, in.data(), n, MPI_INT, MPI_COMM_WORLD));
                      expect_same(want, in, where("Alltoall", p, me, n));

                      std::vector<int> all(static_cast<std::size_t>(p) * n, -1), each;
                      for (int r = 0; r < p; ++r) {
                          std::vector<int> v = ints(r, n);
                          each.insert(each.end(), v.begin(), v.end());
                      }
                      ASSERT_EQ(MPI_SUCCESS, MPI_Allgather(ints(me, n).data(), n, MPI_INT, all.data(), n,
                                                           MPI_INT, MPI_COMM_WORLD));
                      expect_same(each, all, where("Allgather", p, me, n));
                      all.assign(all.size(), -1);
                      ASSERT_EQ(MPI_SUCCESS, MPI_Gather(ints(me, n).data(), n, MPI_INT, all.data(), n,
                                                        MPI_INT, p - 1, MPI_COMM_WORLD));
                      if (me == p - 1) expect_same(each, all, where("Gather", p, me, n));
                      std::vector<int> mine(static_cast<std::size_t>(n), -1);
                      ASSERT_EQ(MPI_SUCCESS, MPI_Scatter(each.data(), n, MPI_INT, mine.data(), n, MPI_INT, 0,
                                                         MPI_COMM_WORLD));
                      expect_same(ints(me, n), mine, where("Scatter", p, me, n));
                      std::vector<long long> v(static_cast<std::size_t>(n), me + 1),
                          sum(static_cast<std::size_t>(n));
                      ASSERT_EQ(MPI_SUCCESS, MPI_Allreduce(v.data(), sum.data(), n, MPI_LONG_LONG, MPI_SUM,
                                                           MPI_COMM_WORLD));
                      EXPECT_EQ(p * (p + 1) / 2, sum[static_cast<std::size_t>(n - 1)]);
                      ASSERT_EQ(MPI_SUCCESS, MPI_Reduce_scatter_block(out.data(), in.data(), n, MPI_INT,
                                                                      MPI_BXOR, MPI_COMM_WORLD));
                      std::vector<int> x(static_cast<std::size_t>(n), 0);
                      for (int r = 0; r < p; ++r) {
                          std::vector<int> b = block(r, me, n);
                          for (int i = 0; i < n; ++i)
                              x[static_cast<std::size_t>(i)] ^= b[static_cast<std::size_t>(i)];
                      }
                      expect_same(x, std::vector<int>(in.begin(), in.begin() + n),
                                  where("Reduce_scatter_block", p, me, n));
                  }));
    }
}

TEST(CollBarrier, NoRankLeavesBeforeAllArrive) {
    for_each_size([] {
        static int arrived;
        const int p = size();
        if (rank() == 0) arrived = 0;
        MPI_Barrier(MPI_COMM_WORLD);
        for (int round = 1; round <= 3; ++round) {
            ++arrived;
            MPI_Barrier(MPI_COMM_WORLD);
            EXPECT_EQ(round * p, arrived);
            MPI_Barrier(MPI_COMM_WORLD);
        }
    });
}

// Back-to-back collectives of different kinds with no barrier between them: ranks that run ahead
// must not confuse one collective's messages with another's.
TEST(CollMixed, BackToBackCollectivesDoNotInterfere) {
    for (int p : {5, 8, 13}) {
        EXPECT_EQ(0, run_ranks(p, [] {
                      const int p = size(), me = rank();
                      for (int iter = 0; iter < 20; ++iter) {
                          int root = iter % p, v = me + iter, sum = -1, b = me == root ? iter * 7 : -1;
                          MPI_Reduce(&v, &sum, 1, MPI_INT, MPI_SUM, root, MPI_COMM_WORLD);
                          MPI_Bcast(&b, 1, MPI_INT, root, MPI_COMM_WORLD);
                          std::vector<int> all(static_cast<std::size_t>(p), -1);
                          MPI_Gather(&v, 1, MPI_INT, all.data(), 1, MPI_INT, (root + 1) % p, MPI_COMM_WORLD);
                          int s = -1;
                          MPI_Scan(&v, &s, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
                          if (me == root) {
                              EXPECT_EQ(p * (p - 1) / 2 + p * iter, sum);
                          }
                          EXPECT_EQ(iter * 7, b);
                          if (me == (root + 1) % p) {
                              for (int r = 0; r < p; ++r)
                                  EXPECT_EQ(r + iter, all[static_cast<std::size_t>(r)]);
                          }
                          EXPECT_EQ(me * (me + 1) / 2 + (me + 1) * iter, s);
                      }
                  }));
    }
}

// On a communicator whose ranks are not the world's (reversed order, half the ranks), data must
// still go to communicator ranks, not world ranks.
TEST(CollSubcommunicator, SplitReversedCommunicator) {
    EXPECT_EQ(0, run_ranks(11, [] {
                  const int wr = rank();
                  MPI_Comm sub;
                  ASSERT_EQ(MPI_SUCCESS, MPI_Comm_split(MPI_COMM_WORLD, wr % 2, -wr, &sub));
                  int me = -1, p = 0;
                  MPI_Comm_rank(sub, &me);
                  MPI_Comm_size(sub, &p);
                  std::vector<int> all(static_cast<std::size_t>(p), -1);
                  MPI_Allgather(&wr, 1, MPI_INT, all.data(), 1, MPI_INT, sub);
                  for (int r = 0; r < p; ++r) EXPECT_EQ(all[static_cast<std::size_t>(r)] % 2, wr % 2);
                  EXPECT_EQ(wr, all[static_cast<std::size_t>(me)]);
                  for (int r = 1; r < p; ++r)
                      EXPECT_GT(all[static_cast<std::size_t>(r - 1)], all[static_cast<std::size_t>(r)]);
                  std::vector<int> big(5003);
                  for (int i = 0; i < 5003; ++i) big[static_cast<std::size_t>(i)] = me == p - 1 ? i * wr : -1;
                  MPI_Bcast(big.data(), 5003, MPI_INT, p - 1, sub);
                  EXPECT_EQ(4000 * all[static_cast<std::size_t>(p - 1)], big[4000]);
                  Affine a{1 + wr, wr}, r{0, 0};
                  MPI_Op aff;
                  MPI_Op_create(affine_op, 0, &aff);
                  MPI_Allreduce(&a, &r, 1, MPI_2INT, aff, sub);
                  Affine want = {1 + all[0], all[0]};
                  for (int k = 1; k < p; ++k) {
                      int w = all[static_cast<std::size_t>(k)];
                      want = Affine{(1 + w) * want.m % kPrime, ((1 + w) * want.c + w) % kPrime};
                  }
                  EXPECT_EQ(want.m, r.m);
                  EXPECT_EQ(want.c, r.c);
                  MPI_Op_free(&aff);
                  MPI_Comm_free(&sub);
              }));
}

// ---- operations --------------------------------------------------------------------------------

TEST(CollOps, UserOpsAndReduceLocal) {
    EXPECT_EQ(0, run_ranks(2, [] {
                  MPI_Op aff = MPI_OP_NULL, sum = MPI_OP_NULL;
                  ASSERT_EQ(MPI_SUCCESS, MPI_Op_create(affine_op, 0, &aff));
                  ASSERT_EQ(MPI_SUCCESS, MPI_Op_create(llsum_op, 1, &sum));
                  EXPECT_NE(aff, sum);
                  int commute = -1;
                  EXPECT_EQ(MPI_SUCCESS, MPI_Op_commutative(aff, &commute));
                  EXPECT_EQ(0, commute);
                  EXPECT_EQ(MPI_SUCCESS, MPI_Op_commutative(sum, &commute));
                  EXPECT_EQ(1, commute);
                  EXPECT_EQ(MPI_SUCCESS, MPI_Op_commutative(MPI_SUM, &commute));
                  EXPECT_EQ(1, commute);

                  // inout = in op inout: x -> 2x + 1 first, then x -> 3x + 5 gives x -> 6x + 8.
                  Affine in{2, 1}, io{3, 5};
                  EXPECT_EQ(MPI_SUCCESS, MPI_Reduce_local(&in, &io, 1, MPI_2INT, aff));
                  EXPECT_EQ(6, io.m);
                  EXPECT_EQ(8, io.c);
                  int a[3] = {1, 2, 3}, b[3] = {10, 20, 30};
                  EXPECT_EQ(MPI_SUCCESS, MPI_Reduce_local(a, b, 3, MPI_INT, MPI_SUM));
                  EXPECT_EQ(33, b[2]);

                  MPI_Op freed = aff;
                  EXPECT_EQ(MPI_SUCCESS, MPI_Op_free(&aff));
                  EXPECT_EQ(MPI_OP_NULL, aff);
                  // A freed slot is reused by the next op.
                  MPI_Op again = MPI_OP_NULL;
                  EXPECT_EQ(MPI_SUCCESS, MPI_Op_create(affine_op, 0, &again));
                  EXPECT_EQ(freed, again);
                  EXPECT_EQ(MPI_SUCCESS, MPI_Op_free(&again));
                  EXPECT_EQ(MPI_SUCCESS, MPI_Op_free(&sum));
              }));
}

// ---- argument checks ---------------------------------------------------------------------------

TEST(CollErrors, BadArgumentsReturnTheirClass) {
    EXPECT_EQ(
        0, run_returning(4, [] {
            const int p = size(), me = rank();
            int x[8] = {}, y[32] = {};
            std::vector<int> counts(static_cast<std::size_t>(p), 1), displs(static_cast<std::size_t>(p), 0);
            const MPI_Comm W = MPI_COMM_WORLD;

            EXPECT_EQ(MPI_ERR_COMM, MPI_Barrier(MPI_COMM_NULL));
            EXPECT_EQ(MPI_ERR_COMM, MPI_Bcast(x, 1, MPI_INT, 0, MPI_INT));
            EXPECT_EQ(MPI_ERR_ROOT, MPI_Bcast(x, 1, MPI_INT, p, W));
            EXPECT_EQ(MPI_ERR_ROOT, MPI_Bcast(x, 1, MPI_INT, -1, W));
            EXPECT_EQ(MPI_ERR_ROOT, MPI_Reduce(x, y, 1, MPI_INT, MPI_SUM, p, W));
            EXPECT_EQ(MPI_ERR_ROOT, MPI_Gather(x, 1, MPI_INT, y, 1, MPI_INT, MPI_ROOT, W));
            EXPECT_EQ(MPI_ERR_ROOT,
                      MPI_Scatterv(x, counts.data(), displs.data(), MPI_INT, y, 1, MPI_INT, 99, W));

            EXPECT_EQ(MPI_ERR_COUNT, MPI_Bcast(x, -1, MPI_INT, 0, W));
            EXPECT_EQ(MPI_ERR_COUNT, MPI_Allreduce(x, y, -3, MPI_INT, MPI_SUM, W));
            EXPECT_EQ(MPI_ERR_COUNT, MPI_Allgather(x, -1, MPI_INT, y, 1, MPI_INT, W));
            EXPECT_EQ(MPI_ERR_COUNT, MPI_Reduce_scatter_block(x, y, -1, MPI_INT, MPI_SUM, W));
            counts[1] = -2;
            EXPECT_EQ(MPI_ERR_COUNT, MPI_Reduce_scatter(x, y, counts.data(), MPI_INT, MPI_SUM, W));
            EXPECT_EQ(MPI_ERR_COUNT,
                      MPI_Allgatherv(x, 1, MPI_INT, y, counts.data(), displs.data(), MPI_INT, W));
            counts[1] = 1;

            EXPECT_EQ(MPI_ERR_TYPE, MPI_Bcast(x, 1, MPI_DATATYPE_NULL, 0, W));
            EXPECT_EQ(MPI_ERR_TYPE, MPI_Allreduce(x, y, 1, 12345, MPI_SUM, W));
            EXPECT_EQ(MPI_ERR_TYPE, MPI_Alltoall(x, 1, MPI_INT, y, 1, MPI_COMM_WORLD, W));

            EXPECT_EQ(MPI_ERR_BUFFER, MPI_Bcast(nullptr, 1, MPI_INT, 0, W));
            EXPECT_EQ(MPI_ERR_BUFFER, MPI_Allreduce(x, nullptr, 2, MPI_INT, MPI_SUM, W));
            EXPECT_EQ(MPI_ERR_BUFFER, MPI_Allreduce(x, x, 2, MPI_INT, MPI_SUM, W));  // aliased
            EXPECT_EQ(MPI_ERR_BUFFER, MPI_Allgather(x, 1, MPI_INT, MPI_IN_PLACE, 1, MPI_INT, W));
            EXPECT_EQ(MPI_ERR_ARG, MPI_Reduce_scatter(x, y, nullptr, MPI_INT, MPI_SUM, W));
            EXPECT_EQ(MPI_ERR_ARG, MPI_Allgatherv(x, 1, MPI_INT, y, counts.data(), nullptr, MPI_INT, W));
            EXPECT_EQ(MPI_ERR_ARG, MPI_Alltoallv(x, nullptr, displs.data(), MPI_INT, y, counts.data(),
                                                 displs.data(), MPI_INT, W));

            EXPECT_EQ(MPI_ERR_OP, MPI_Allreduce(x, y, 1, MPI_INT, MPI_OP_NULL, W));
            EXPECT_EQ(MPI_ERR_OP, MPI_Allreduce(x, y, 1, MPI_INT, 0x58000fff, W));
            EXPECT_EQ(MPI_ERR_OP, MPI_Reduce(x, y, 1, MPI_INT, MPI_COMM_WORLD, 0, W));
            EXPECT_EQ(MPI_ERR_OP, MPI_Allreduce(x, y, 1, MPI_DOUBLE, MPI_BAND, W));
            EXPECT_EQ(MPI_ERR_OP, MPI_Scan(x, y, 1, MPI_INT, MPI_MAXLOC, W));
            EXPECT_EQ(MPI_ERR_OP, MPI_Exscan(x, y, 1, MPI_DOUBLE_INT, MPI_SUM, W));
            EXPECT_EQ(MPI_ERR_OP, MPI_Allreduce(x, y, 1, MPI_INT, MPI_REPLACE, W));
            EXPECT_EQ(MPI_ERR_OP, MPI_Reduce_scatter_block(x, y, 1, MPI_FLOAT, MPI_LXOR, W));

            // The send and receive sides of one rank's own block disagree.
            EXPECT_EQ(MPI_ERR_TRUNCATE, MPI_Allgather(x, 2, MPI_INT, y, 1, MPI_INT, W));
            EXPECT_EQ(MPI_ERR_ARG, MPI_Alltoall(x, 1, MPI_INT, y, 1, MPI_DOUBLE, W));
            EXPECT_EQ(MPI_ERR_TRUNCATE,
                      MPI_Allgatherv(x, 2, MPI_INT, y, counts.data(), displs.data(), MPI_INT, W));

            // MPI_IN_PLACE where only the root may pass it: the root takes no part here.
            if (me != 0) {
                EXPECT_EQ(MPI_ERR_BUFFER, MPI_Reduce(MPI_IN_PLACE, y, 1, MPI_INT, MPI_SUM, 0, W));
                EXPECT_EQ(MPI_ERR_BUFFER, MPI_Gather(MPI_IN_PLACE, 1, MPI_INT, y, 1, MPI_INT, 0, W));
                EXPECT_EQ(MPI_ERR_BUFFER, MPI_Scatter(x, 1, MPI_INT, MPI_IN_PLACE, 1, MPI_INT, 0, W));
            }

            // The communicator still works after all that.
            int one = 1, sum = 0;
            EXPECT_EQ(MPI_SUCCESS, MPI_Allreduce(&one, &sum, 1, MPI_INT, MPI_SUM, W));
            EXPECT_EQ(p, sum);
        }));
}

TEST(CollErrors, RootOnlyChecksOnOneRank) {
    // With one rank the root's checks cannot strand any other rank.
    EXPECT_EQ(
        0, run_returning(1, [] {
            int x[4] = {}, y[4] = {};
            int counts[1] = {2}, displs[1] = {0}, neg[1] = {-1};
            EXPECT_EQ(MPI_ERR_TRUNCATE, MPI_Gather(x, 2, MPI_INT, y, 1, MPI_INT, 0, MPI_COMM_WORLD));
            EXPECT_EQ(MPI_ERR_ARG, MPI_Scatter(x, 1, MPI_INT, y, 2, MPI_INT, 0, MPI_COMM_WORLD));
            EXPECT_EQ(MPI_ERR_BUFFER, MPI_Gather(x, 1, MPI_INT, nullptr, 1, MPI_INT, 0, MPI_COMM_WORLD));
            EXPECT_EQ(MPI_ERR_ARG,
                      MPI_Gatherv(x, 2, MPI_INT, y, nullptr, displs, MPI_INT, 0, MPI_COMM_WORLD));
            EXPECT_EQ(MPI_ERR_ARG, MPI_Gatherv(x, 2, MPI_INT, y, counts, neg, MPI_INT, 0, MPI_COMM_WORLD));
            EXPECT_EQ(MPI_ERR_COUNT, MPI_Scatterv(x, neg, displs, MPI_INT, y, 1, MPI_INT, 0, MPI_COMM_WORLD));
            EXPECT_EQ(MPI_ERR_BUFFER, MPI_Reduce(x, x, 1, MPI_INT, MPI_SUM, 0, MPI_COMM_WORLD));
        }));
}

TEST(CollErrors, OpCallsCheckTheirArguments) {
    EXPECT_EQ(0, run_returning(1, [] {
                  MPI_Op op = MPI_SUM;
                  int c = 0, a = 1, b = 2;
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Op_create(nullptr, 1, &op));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Op_create(llsum_op, 1, nullptr));
                  EXPECT_EQ(MPI_ERR_OP, MPI_Op_free(&op));  // predefined
                  op = MPI_OP_NULL;
                  EXPECT_EQ(MPI_ERR_OP, MPI_Op_free(&op));
                  ASSERT_EQ(MPI_SUCCESS, MPI_Op_create(llsum_op, 1, &op));
                  MPI_Op stale = op;
                  ASSERT_EQ(MPI_SUCCESS, MPI_Op_free(&op));
                  EXPECT_EQ(MPI_ERR_OP, MPI_Op_free(&stale));
                  EXPECT_EQ(MPI_ERR_OP, MPI_Op_commutative(stale, &c));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Op_commutative(MPI_SUM, nullptr));
                  EXPECT_EQ(MPI_ERR_OP, MPI_Reduce_local(&a, &b, 1, MPI_INT, stale));
                  EXPECT_EQ(MPI_ERR_OP, MPI_Reduce_local(&a, &b, 1, MPI_FLOAT, MPI_BOR));
                  EXPECT_EQ(MPI_ERR_COUNT, MPI_Reduce_local(&a, &b, -1, MPI_INT, MPI_SUM));
                  EXPECT_EQ(MPI_ERR_TYPE, MPI_Reduce_local(&a, &b, 1, MPI_OP_NULL, MPI_SUM));
                  EXPECT_EQ(MPI_ERR_BUFFER, MPI_Reduce_local(nullptr, &b, 1, MPI_INT, MPI_SUM));
                  EXPECT_EQ(2, b);
              }));
}

TEST(CollErrorsDeathTest, OpNotDefinedForTypeNamesBoth) {
    EXPECT_EXIT(run_ranks(2,
                          [] {
                              double d = 1, r = 0;
                              MPI_Allreduce(&d, &r, 1, MPI_DOUBLE, MPI_BAND, MPI_COMM_WORLD);
                          }),
                ::testing::ExitedWithCode(1),
                "MPI_Allreduce: MPI_BAND is not defined for datatype MPI_DOUBLE \\(MPI_ERR_OP");
}

}  // namespace
