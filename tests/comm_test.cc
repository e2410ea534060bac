// comm_test.cc — communicators and groups: dup, split, create, compare, free and handle reuse,
// isolation of messages between communicators, and the group set operations, for several job
// sizes (1 and 2 are the edge cases; 7 and 17 are not powers of two; 64 is a wider tree).
#include <gtest/gtest.h>

#include <vector>

#include "support/job.hpp"

using mosix::test::rank;
using mosix::test::run_ranks;
using mosix::test::size;

namespace {

const int kSizes[] = {1, 2, 7, 17, 64};

int comm_rank(MPI_Comm c) {
    int r = -1;
    EXPECT_EQ(MPI_SUCCESS, MPI_Comm_rank(c, &r));
    return r;
}

int comm_size(MPI_Comm c) {
    int n = -1;
    EXPECT_EQ(MPI_SUCCESS, MPI_Comm_size(c, &n));
    return n;
}

int compare(MPI_Comm a, MPI_Comm b) {
    int result = -1;
    EXPECT_EQ(MPI_SUCCESS, MPI_Comm_compare(a, b, &result));
    return result;
}

int group_compare(MPI_Group a, MPI_Group b) {
    int result = -1;
    EXPECT_EQ(MPI_SUCCESS, MPI_Group_compare(a, b, &result));
    return result;
}

int group_size(MPI_Group g) {
    int n = -1;
    EXPECT_EQ(MPI_SUCCESS, MPI_Group_size(g, &n));
    return n;
}

// Passes a token around `c` and checks the sources; then a barrier. Proves the communicator
// carries both point-to-point and collective traffic.
void ring_and_barrier(MPI_Comm c) {
    int r = comm_rank(c), p = comm_size(c);
    int token = r == 0 ? 1000 : -1;
    MPI_Status st;
    if (r == 0) {
        MPI_Send(&token, 1, MPI_INT, (r + 1) % p, 3, c);
        MPI_Recv(&token, 1, MPI_INT, MPI_ANY_SOURCE, 3, c, &st);
        EXPECT_EQ(1000 + p - 1, token);
    } else {
        MPI_Recv(&token, 1, MPI_INT, MPI_ANY_SOURCE, 3, c, &st);
        EXPECT_EQ(1000 + r - 1, token);
        ++token;
        MPI_Send(&token, 1, MPI_INT, (r + 1) % p, 3, c);
    }
    EXPECT_EQ((r - 1 + p) % p, st.MPI_SOURCE);
    EXPECT_EQ(MPI_SUCCESS, MPI_Barrier(c));
}

// The world ranks of `c`'s members, in `c`'s order.
std::vector<int> world_ranks_of(MPI_Comm c) {
    MPI_Group g, world;
    MPI_Comm_group(c, &g);
    MPI_Comm_group(MPI_COMM_WORLD, &world);
    int n = group_size(g);
    std::vector<int> in(static_cast<std::size_t>(n)), out(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) in[static_cast<std::size_t>(i)] = i;
    EXPECT_EQ(MPI_SUCCESS, MPI_Group_translate_ranks(g, n, in.data(), world, out.data()));
    MPI_Group_free(&g);
    MPI_Group_free(&world);
    return out;
}

}  // namespace

TEST(Comm, DupKeepsRanksAndCarriesTraffic) {
    auto body = [] {
        MPI_Comm dup = MPI_COMM_NULL;
        ASSERT_EQ(MPI_SUCCESS, MPI_Comm_dup(MPI_COMM_WORLD, &dup));
        EXPECT_NE(MPI_COMM_WORLD, dup);
        EXPECT_EQ(rank(), comm_rank(dup));
        EXPECT_EQ(size(), comm_size(dup));
        EXPECT_EQ(MPI_CONGRUENT, compare(MPI_COMM_WORLD, dup));
        ring_and_barrier(dup);
        MPI_Comm dup2 = MPI_COMM_NULL;
        MPI_Comm_dup(dup, &dup2);
        EXPECT_EQ(MPI_CONGRUENT, compare(dup, dup2));
        ring_and_barrier(dup2);
        EXPECT_EQ(MPI_SUCCESS, MPI_Comm_free(&dup2));
        EXPECT_EQ(MPI_SUCCESS, MPI_Comm_free(&dup));
        EXPECT_EQ(MPI_COMM_NULL, dup);
    };
    for (int n : kSizes) EXPECT_EQ(0, run_ranks(n, body)) << n << " ranks";
}

TEST(Comm, DupInheritsErrorHandlerButNotName) {
    auto body = [] {
        MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
        MPI_Comm dup;
        MPI_Comm_dup(MPI_COMM_WORLD, &dup);
        MPI_Errhandler eh = MPI_ERRHANDLER_NULL;
        MPI_Comm_get_errhandler(dup, &eh);
        EXPECT_EQ(MPI_ERRORS_RETURN, eh);
        char name[MPI_MAX_OBJECT_NAME];
        int len = -1;
        MPI_Comm_get_name(dup, name, &len);
        EXPECT_EQ(0, len);
        MPI_Comm_free(&dup);
    };
    EXPECT_EQ(0, run_ranks(3, body));
}

TEST(Comm, SplitByParity) {
    auto body = [] {
        int r = rank(), p = size();
        MPI_Comm half = MPI_COMM_NULL;
        ASSERT_EQ(MPI_SUCCESS, MPI_Comm_split(MPI_COMM_WORLD, r % 2, r, &half));
        EXPECT_EQ(r / 2, comm_rank(half));
        EXPECT_EQ(r % 2 ? p / 2 : (p + 1) / 2, comm_size(half));
        std::vector<int> worlds = world_ranks_of(half);
        for (std::size_t i = 0; i < worlds.size(); ++i) EXPECT_EQ(static_cast<int>(2 * i) + r % 2, worlds[i]);
        EXPECT_EQ(p == 1 ? MPI_CONGRUENT : MPI_UNEQUAL, compare(MPI_COMM_WORLD, half));
        ring_and_barrier(half);
        MPI_Comm_free(&half);
    };
    for (int n : kSizes) EXPECT_EQ(0, run_ranks(n, body)) << n << " ranks";
}

TEST(Comm, SplitByReverseKey) {
    auto body = [] {
        int r = rank(), p = size();
        MPI_Comm rev = MPI_COMM_NULL;
        ASSERT_EQ(MPI_SUCCESS, MPI_Comm_split(MPI_COMM_WORLD, 5, -r, &rev));
        EXPECT_EQ(p - 1 - r, comm_rank(rev));
        EXPECT_EQ(p, comm_size(rev));
        EXPECT_EQ(p == 1 ? MPI_CONGRUENT : MPI_SIMILAR, compare(MPI_COMM_WORLD, rev));
        ring_and_barrier(rev);
        MPI_Comm_free(&rev);
    };
    for (int n : kSizes) EXPECT_EQ(0, run_ranks(n, body)) << n << " ranks";
}

TEST(Comm, SplitWithEqualKeysKeepsParentOrder) {
    auto body = [] {
        // Keys 0,0,0,1,1,1,...: ties are broken by the rank in the parent.
        int r = rank();
        MPI_Comm c;
        MPI_Comm_split(MPI_COMM_WORLD, 0, r / 3, &c);
        EXPECT_EQ(r, comm_rank(c));
        EXPECT_EQ(MPI_CONGRUENT, compare(MPI_COMM_WORLD, c));
        MPI_Comm_free(&c);
    };
    EXPECT_EQ(0, run_ranks(17, body));
}

TEST(Comm, SplitWithUndefinedColorGivesNull) {
    auto body = [] {
        int r = rank(), p = size();
        MPI_Comm c = MPI_COMM_WORLD;
        ASSERT_EQ(MPI_SUCCESS, MPI_Comm_split(MPI_COMM_WORLD, r % 3 == 0 ? MPI_UNDEFINED : 1, r, &c));
        if (r % 3 == 0) {
            EXPECT_EQ(MPI_COMM_NULL, c);
        } else {
            EXPECT_EQ(r - r / 3 - 1, comm_rank(c));
            EXPECT_EQ(p - (p + 2) / 3, comm_size(c));
            ring_and_barrier(c);
            MPI_Comm_free(&c);
        }
        // Ranks that got MPI_COMM_NULL took part in the context agreement: a later dup works.
        MPI_Comm dup;
        MPI_Comm_dup(MPI_COMM_WORLD, &dup);
        ring_and_barrier(dup);
        MPI_Comm_free(&dup);
    };
    for (int n : kSizes) EXPECT_EQ(0, run_ranks(n, body)) << n << " ranks";
}

TEST(Comm, CreateFromGroup) {
    auto body = [] {
        int r = rank(), p = size();
        MPI_Group world, evens;
        MPI_Comm_group(MPI_COMM_WORLD, &world);
        std::vector<int> even_ranks;
        for (int i = 0; i < p; i += 2) even_ranks.push_back(i);
        MPI_Group_incl(world, static_cast<int>(even_ranks.size()), even_ranks.data(), &evens);
        MPI_Comm c = MPI_COMM_WORLD;
        ASSERT_EQ(MPI_SUCCESS, MPI_Comm_create(MPI_COMM_WORLD, evens, &c));
        if (r % 2) {
            EXPECT_EQ(MPI_COMM_NULL, c);
        } else {
            EXPECT_EQ(r / 2, comm_rank(c));
            EXPECT_EQ((p + 1) / 2, comm_size(c));
            MPI_Group cg;
            MPI_Comm_group(c, &cg);
            EXPECT_EQ(MPI_IDENT, group_compare(cg, evens));
            MPI_Group_free(&cg);
            ring_and_barrier(c);
            MPI_Comm_free(&c);
        }
        // The empty group gives MPI_COMM_NULL everywhere.
        MPI_Comm none = MPI_COMM_WORLD;
        ASSERT_EQ(MPI_SUCCESS, MPI_Comm_create(MPI_COMM_WORLD, MPI_GROUP_EMPTY, &none));
        EXPECT_EQ(MPI_COMM_NULL, none);
        MPI_Group_free(&evens);
        MPI_Group_free(&world);
    };
    for (int n : kSizes) EXPECT_EQ(0, run_ranks(n, body)) << n << " ranks";
}

TEST(Comm, CreateFromSubsetOfASplit) {
    auto body = [] {
        // Parent is the reversed world; the group keeps the parent's first five ranks in order.
        int r = rank(), p = size();
        MPI_Comm rev;
        MPI_Comm_split(MPI_COMM_WORLD, 0, -r, &rev);
        MPI_Group rg, first;
        MPI_Comm_group(rev, &rg);
        int range[5] = {0, 1, 2, 3, 4};
        MPI_Group_incl(rg, 5, range, &first);
        MPI_Comm c;
        ASSERT_EQ(MPI_SUCCESS, MPI_Comm_create(rev, first, &c));
        if (p - 1 - r < 5) {
            EXPECT_EQ(p - 1 - r, comm_rank(c));
            ring_and_barrier(c);
            MPI_Comm_free(&c);
        } else {
            EXPECT_EQ(MPI_COMM_NULL, c);
        }
        MPI_Group_free(&first);
        MPI_Group_free(&rg);
        MPI_Comm_free(&rev);
    };
    EXPECT_EQ(0, run_ranks(17, body));
}

TEST(Comm, CompareResults) {
    auto body = [] {
        int r = rank(), p = size();
        MPI_Comm dup, rev, half;
        MPI_Comm_dup(MPI_COMM_WORLD, &dup);
        MPI_Comm_split(MPI_COMM_WORLD, 0, -r, &rev);
        MPI_Comm_split(MPI_COMM_WORLD, r < p / 2, r, &half);
        EXPECT_EQ(MPI_IDENT, compare(MPI_COMM_WORLD, MPI_COMM_WORLD));
        EXPECT_EQ(MPI_IDENT, compare(dup, dup));
        EXPECT_EQ(MPI_CONGRUENT, compare(MPI_COMM_WORLD, dup));
        EXPECT_EQ(p == 1 ? MPI_CONGRUENT : MPI_SIMILAR, compare(dup, rev));
        EXPECT_EQ(p == 1 ? MPI_CONGRUENT : MPI_UNEQUAL, compare(MPI_COMM_WORLD, half));
        EXPECT_EQ(p == 1 ? MPI_CONGRUENT : MPI_UNEQUAL, compare(MPI_COMM_WORLD, MPI_COMM_SELF));
        MPI_Comm_free(&half);
        MPI_Comm_free(&rev);
        MPI_Comm_free(&dup);
    };
    for (int n : kSizes) EXPECT_EQ(0, run_ranks(n, body)) << n << " ranks";
}

TEST(Comm, FreeReleasesTheHandleForReuse) {
    auto body = [] {
        MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
        MPI_Comm a, b, c;
        MPI_Comm_dup(MPI_COMM_WORLD, &a);
        MPI_Comm_dup(MPI_COMM_WORLD, &b);
        MPI_Comm first_a = a;
        EXPECT_EQ(MPI_SUCCESS, MPI_Comm_free(&a));
        EXPECT_EQ(MPI_COMM_NULL, a);
        int r = -1;
        EXPECT_EQ(MPI_ERR_COMM, MPI_Comm_rank(first_a, &r));
        MPI_Comm_split(MPI_COMM_WORLD, 0, 0, &c);
        EXPECT_EQ(first_a, c);  // the freed slot is taken again
        ring_and_barrier(c);
        ring_and_barrier(b);
        MPI_Comm_free(&c);
        MPI_Comm_free(&b);
        // Many create/free cycles reuse the same two slots.
        for (int i = 0; i < 200; ++i) {
            MPI_Comm x;
            MPI_Comm_dup(MPI_COMM_WORLD, &x);
            EXPECT_EQ(first_a, x);
            MPI_Comm_free(&x);
        }
        ring_and_barrier(MPI_COMM_WORLD);
    };
    EXPECT_EQ(0, run_ranks(7, body));
}

TEST(Comm, MessagesOnDifferentCommunicatorsNeverMatch) {
    auto body = [] {
        MPI_Comm dup;
        MPI_Comm_dup(MPI_COMM_WORLD, &dup);
        if (rank() == 0) {
            int on_dup = 111, on_world = 222;
            MPI_Send(&on_dup, 1, MPI_INT, 1, 0, dup);
            MPI_Send(&on_world, 1, MPI_INT, 1, 0, MPI_COMM_WORLD);
        } else {
            // Received in the opposite order, with wildcards: only the communicator tells them apart.
            int got = 0;
            MPI_Recv(&got, 1, MPI_INT, MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            EXPECT_EQ(222, got);
            MPI_Recv(&got, 1, MPI_INT, MPI_ANY_SOURCE, MPI_ANY_TAG, dup, MPI_STATUS_IGNORE);
            EXPECT_EQ(111, got);
        }
        MPI_Comm_free(&dup);
    };
    EXPECT_EQ(0, run_ranks(2, body));
}

TEST(Comm, PostedWildcardReceiveIgnoresCollectiveTraffic) {
    auto body = [] {
        MPI_Comm dup;
        MPI_Comm_dup(MPI_COMM_WORLD, &dup);
        int r = rank(), p = size(), got = -1;
        MPI_Request req;
        MPI_Irecv(&got, 1, MPI_INT, MPI_ANY_SOURCE, MPI_ANY_TAG, dup, &req);
        MPI_Barrier(dup);  // its messages must not complete the wildcard receive
        int flag = 1;
        MPI_Test(&req, &flag, MPI_STATUS_IGNORE);
        EXPECT_FALSE(flag);
        MPI_Barrier(dup);
        MPI_Send(&r, 1, MPI_INT, (r + 1) % p, 9, dup);
        MPI_Wait(&req, MPI_STATUS_IGNORE);
        EXPECT_EQ((r - 1 + p) % p, got);
        MPI_Comm_free(&dup);
    };
    EXPECT_EQ(0, run_ranks(7, body));
}

TEST(Comm, SplitColorsSharingAContextStayApart) {
    auto body = [] {
        // Both halves get the same context id; every rank receives with wildcards on its half
        // and must see only its half's message.
        int r = rank();
        MPI_Comm half;
        MPI_Comm_split(MPI_COMM_WORLD, r % 2, r, &half);
        int hr = comm_rank(half), hp = comm_size(half);
        int value = 100 * (r % 2) + hr;
        MPI_Send(&value, 1, MPI_INT, (hr + 1) % hp, 0, half);
        int got = -1;
        MPI_Status st;
        MPI_Recv(&got, 1, MPI_INT, MPI_ANY_SOURCE, MPI_ANY_TAG, half, &st);
        EXPECT_EQ(100 * (r % 2) + (hr - 1 + hp) % hp, got);
        EXPECT_EQ((hr - 1 + hp) % hp, st.MPI_SOURCE);
        MPI_Comm_free(&half);
    };
    EXPECT_EQ(0, run_ranks(8, body));
}

TEST(Comm, NestedSplitsAndDupsAllCarryTraffic) {
    auto body = [] {
        int r = rank();
        MPI_Comm a, b, c, d;
        MPI_Comm_split(MPI_COMM_WORLD, r % 3, -r, &a);
        MPI_Comm_dup(a, &b);
        MPI_Comm_split(b, comm_rank(b) % 2, 0, &c);
        MPI_Comm_dup(MPI_COMM_WORLD, &d);
        // Interleave traffic on all four; each ring only sees its own tokens.
        for (MPI_Comm x : {d, c, a, b, MPI_COMM_WORLD}) ring_and_barrier(x);
        for (MPI_Comm* x : {&a, &b, &c, &d}) MPI_Comm_free(x);
    };
    for (int n : {7, 17, 64}) EXPECT_EQ(0, run_ranks(n, body)) << n << " ranks";
}

TEST(Comm, SplitOfAThousandRanks) {
    auto body = [] {
        int r = rank();
        MPI_Comm c;
        ASSERT_EQ(MPI_SUCCESS, MPI_Comm_split(MPI_COMM_WORLD, r % 10, -r, &c));
        EXPECT_EQ(100, comm_size(c));
        EXPECT_EQ(99 - r / 10, comm_rank(c));
        MPI_Barrier(c);
        MPI_Comm_free(&c);
        MPI_Comm_split(MPI_COMM_WORLD, 0, r, &c);
        EXPECT_EQ(MPI_CONGRUENT, compare(MPI_COMM_WORLD, c));
        MPI_Barrier(c);
        MPI_Comm_free(&c);
    };
    EXPECT_EQ(0, run_ranks(1000, body));
}

TEST(Group, WorldGroupAndTranslateRanks) {
    auto body = [] {
        int r = rank(), p = size();
        MPI_Group world, rev;
        MPI_Comm_group(MPI_COMM_WORLD, &world);
        EXPECT_EQ(p, group_size(world));
        int gr = -1;
        MPI_Group_rank(world, &gr);
        EXPECT_EQ(r, gr);
        std::vector<int> order(static_cast<std::size_t>(p));
        for (int i = 0; i < p; ++i) order[static_cast<std::size_t>(i)] = p - 1 - i;
        MPI_Group_incl(world, p, order.data(), &rev);
        MPI_Group_rank(rev, &gr);
        EXPECT_EQ(p - 1 - r, gr);
        EXPECT_EQ(p == 1 ? MPI_IDENT : MPI_SIMILAR, group_compare(world, rev));

        std::vector<int> in = {MPI_PROC_NULL};
        for (int i = 0; i < p; ++i) in.push_back(i);
        std::vector<int> out(in.size(), -99);
        ASSERT_EQ(MPI_SUCCESS,
                  MPI_Group_translate_ranks(rev, static_cast<int>(in.size()), in.data(), world, out.data()));
        EXPECT_EQ(MPI_PROC_NULL, out[0]);
        for (int i = 0; i < p; ++i) EXPECT_EQ(p - 1 - i, out[static_cast<std::size_t>(i) + 1]);

        // Members missing from the target group translate to MPI_UNDEFINED.
        MPI_Group first;
        int zero = 0;
        MPI_Group_incl(world, 1, &zero, &first);
        ASSERT_EQ(MPI_SUCCESS, MPI_Group_translate_ranks(world, p, in.data() + 1, first, out.data()));
        EXPECT_EQ(0, out[0]);
        for (int i = 1; i < p; ++i) EXPECT_EQ(MPI_UNDEFINED, out[static_cast<std::size_t>(i)]);
        MPI_Group_rank(first, &gr);
        EXPECT_EQ(r == 0 ? 0 : MPI_UNDEFINED, gr);
        for (MPI_Group* g : {&first, &rev, &world}) EXPECT_EQ(MPI_SUCCESS, MPI_Group_free(g));
        EXPECT_EQ(MPI_GROUP_NULL, world);
    };
    for (int n : kSizes) EXPECT_EQ(0, run_ranks(n, body)) << n << " ranks";
}

TEST(Group, SetOperations) {
    auto body = [] {
        int p = size();
        MPI_Group world, evens, odds, u, i, d, w2;
        MPI_Comm_group(MPI_COMM_WORLD, &world);
        std::vector<int> even_ranks;
        for (int k = 0; k < p; k += 2) even_ranks.push_back(k);
        int ne = static_cast<int>(even_ranks.size());
        MPI_Group_incl(world, ne, even_ranks.data(), &evens);
        MPI_Group_excl(world, ne, even_ranks.data(), &odds);
        EXPECT_EQ(ne, group_size(evens));
        EXPECT_EQ(p - ne, group_size(odds));

        // odds then evens: the same members as world, in another order (unless p <= 1).
        MPI_Group_union(odds, evens, &u);
        EXPECT_EQ(p, group_size(u));
        EXPECT_EQ(p <= 1 ? MPI_IDENT : MPI_SIMILAR, group_compare(u, world));
        MPI_Group_free(&u);
        MPI_Group_union(evens, odds, &u);
        EXPECT_EQ(p <= 2 ? MPI_IDENT : MPI_SIMILAR, group_compare(u, world));
        MPI_Group_free(&u);
        MPI_Group_union(world, evens, &u);
        EXPECT_EQ(MPI_IDENT, group_compare(u, world));

        MPI_Group_intersection(evens, odds, &i);
        EXPECT_EQ(MPI_GROUP_EMPTY, i);
        EXPECT_EQ(0, group_size(i));
        MPI_Group_free(&i);
        MPI_Group_intersection(world, evens, &i);
        EXPECT_EQ(MPI_IDENT, group_compare(i, evens));

        MPI_Group_difference(world, evens, &d);
        EXPECT_EQ(MPI_IDENT, group_compare(d, odds));
        MPI_Group_free(&d);
        MPI_Group_difference(evens, world, &d);
        EXPECT_EQ(MPI_GROUP_EMPTY, d);

        MPI_Group_excl(world, 0, nullptr, &w2);
        EXPECT_EQ(MPI_IDENT, group_compare(w2, world));
        MPI_Group empty;
        MPI_Group_incl(world, 0, nullptr, &empty);
        EXPECT_EQ(MPI_GROUP_EMPTY, empty);
        EXPECT_EQ(p == 1 ? MPI_IDENT : MPI_UNEQUAL, group_compare(evens, world));
        EXPECT_EQ(MPI_UNEQUAL, group_compare(odds, world));
        for (MPI_Group* g : {&world, &evens, &odds, &u, &i, &d, &w2, &empty})
            EXPECT_EQ(MPI_SUCCESS, MPI_Group_free(g));
    };
    for (int n : kSizes) EXPECT_EQ(0, run_ranks(n, body)) << n << " ranks";
}

TEST(Group, HandlesAreReusedAfterFree) {
    auto body = [] {
        MPI_Group a, b;
        MPI_Comm_group(MPI_COMM_WORLD, &a);
        MPI_Group first = a;
        MPI_Group_free(&a);
        MPI_Comm_group(MPI_COMM_SELF, &b);
        EXPECT_EQ(first, b);
        EXPECT_EQ(1, group_size(b));
        int r = -1;
        MPI_Group_rank(b, &r);
        EXPECT_EQ(0, r);
        MPI_Group_free(&b);
    };
    EXPECT_EQ(0, run_ranks(3, body));
}

TEST(Group, CommGroupOfASplitMatchesItsMembers) {
    auto body = [] {
        int r = rank();
        MPI_Comm c;
        MPI_Comm_split(MPI_COMM_WORLD, r % 4, -r, &c);
        std::vector<int> w = world_ranks_of(c);
        ASSERT_EQ(static_cast<std::size_t>(comm_size(c)), w.size());
        for (std::size_t k = 1; k < w.size(); ++k) {
            EXPECT_EQ(r % 4, w[k] % 4);
            EXPECT_GT(w[k - 1], w[k]);
        }
        MPI_Comm_free(&c);
    };
    EXPECT_EQ(0, run_ranks(17, body));
}
