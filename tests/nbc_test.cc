// nbc_test.cc — nonblocking collectives make progress without their caller blocking in them: the
// call returns before the other ranks have joined, and a rank blocked in something else (a
// receive, a probe) still forwards the collective for the others.
#include <gtest/gtest.h>

#include "support/job.hpp"

using mosix::test::rank;
using mosix::test::run_ranks;

// Rank 1 joins the barrier only after a message rank 0 sends once its own MPI_Ibarrier returned:
// a barrier that blocked at its start would deadlock here.
TEST(Nbc, ReturnsBeforeTheOthersJoin) {
    auto body = [] {
        MPI_Request req = MPI_REQUEST_NULL;
        int token = 5;
        if (rank() == 0) {
            ASSERT_EQ(MPI_SUCCESS, MPI_Ibarrier(MPI_COMM_WORLD, &req));
            int flag = 1;
            ASSERT_EQ(MPI_SUCCESS, MPI_Test(&req, &flag, MPI_STATUS_IGNORE));
            EXPECT_EQ(0, flag);  // rank 1 has not joined
            MPI_Send(&token, 1, MPI_INT, 1, 0, MPI_COMM_WORLD);
        } else {
            MPI_Recv(&token, 1, MPI_INT, 0, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            ASSERT_EQ(MPI_SUCCESS, MPI_Ibarrier(MPI_COMM_WORLD, &req));
        }
        ASSERT_EQ(MPI_SUCCESS, MPI_Wait(&req, MPI_STATUS_IGNORE));
        EXPECT_EQ(MPI_REQUEST_NULL, req);
    };
    EXPECT_EQ(0, run_ranks(2, body));
}

// An Ibcast from 0 over 4 ranks goes 0 -> 2 -> 3. Rank 2 blocks in MPI_Recv for a message rank 3
// sends only once it has the broadcast value: rank 2 must forward it while it waits.
TEST(Nbc, ForwardsWhileBlockedInAReceive) {
    auto body = [] {
        int v = rank() == 0 ? 41 : 0, reply = 0;
        MPI_Request req = MPI_REQUEST_NULL;
        ASSERT_EQ(MPI_SUCCESS, MPI_Ibcast(&v, 1, MPI_INT, 0, MPI_COMM_WORLD, &req));
        if (rank() == 2) MPI_Recv(&reply, 1, MPI_INT, 3, 9, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (rank() == 3) {
            ASSERT_EQ(MPI_SUCCESS, MPI_Wait(&req, MPI_STATUS_IGNORE));
            int out = v + 1;
            MPI_Send(&out, 1, MPI_INT, 2, 9, MPI_COMM_WORLD);
        }
        ASSERT_EQ(MPI_SUCCESS, MPI_Wait(&req, MPI_STATUS_IGNORE));
        EXPECT_EQ(41, v);
        if (rank() == 2) {
            EXPECT_EQ(42, reply);
        }
    };
    EXPECT_EQ(0, run_ranks(4, body));
}

// The same with the relay blocked in MPI_Probe.
TEST(Nbc, ForwardsWhileBlockedInAProbe) {
    auto body = [] {
        int v = rank() == 0 ? 7 : 0;
        MPI_Request req = MPI_REQUEST_NULL;
        ASSERT_EQ(MPI_SUCCESS, MPI_Iallreduce(MPI_IN_PLACE, &v, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD, &req));
        if (rank() == 2) {
            MPI_Status st;
            MPI_Probe(3, 9, MPI_COMM_WORLD, &st);
            int reply = 0;
            MPI_Recv(&reply, 1, MPI_INT, 3, 9, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            EXPECT_EQ(8, reply);
        }
        if (rank() == 3) {
            ASSERT_EQ(MPI_SUCCESS, MPI_Wait(&req, MPI_STATUS_IGNORE));
            int out = v + 1;
            MPI_Send(&out, 1, MPI_INT, 2, 9, MPI_COMM_WORLD);
        }
        ASSERT_EQ(MPI_SUCCESS, MPI_Wait(&req, MPI_STATUS_IGNORE));
        EXPECT_EQ(7, v);
    };
    EXPECT_EQ(0, run_ranks(4, body));
}

// Many collectives under way on one communicator complete in any order the program waits in.
TEST(Nbc, ManyOutstandingCompleteInAnyOrder) {
    auto body = [] {
        constexpr int kMany = 64;
        int in[kMany], out[kMany];
        MPI_Request req[kMany];
        for (int k = 0; k < kMany; ++k) {
            in[k] = rank() + k;
            ASSERT_EQ(MPI_SUCCESS,
                      MPI_Iallreduce(&in[k], &out[k], 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD, &req[k]));
        }
        for (int k = kMany - 1; k >= 0; k -= 2) ASSERT_EQ(MPI_SUCCESS, MPI_Wait(&req[k], MPI_STATUS_IGNORE));
        ASSERT_EQ(MPI_SUCCESS, MPI_Waitall(kMany, req, MPI_STATUSES_IGNORE));
        for (int k = 0; k < kMany; ++k) EXPECT_EQ(5 * 4 / 2 + 5 * k, out[k]);
    };
    EXPECT_EQ(0, run_ranks(5, body));
}

// A predefined op over a derived type of one element type works on its basic elements, as in the
// blocking calls; a strided result is unpacked into place when the collective completes.
TEST(Nbc, ReductionOverADerivedType) {
    auto body = [] {
        MPI_Datatype pair, strided;
        MPI_Type_contiguous(2, MPI_INT, &pair);
        MPI_Type_vector(3, 1, 2, MPI_INT, &strided);
        MPI_Type_commit(&pair);
        MPI_Type_commit(&strided);
        int in[6], out[6] = {}, acc[5] = {-1, -1, -1, -1, -1};
        for (int j = 0; j < 6; ++j) in[j] = rank() * (j + 1);
        int mine[5] = {rank(), -7, 2 * rank(), -7, 3 * rank()};
        MPI_Request req[2];
        ASSERT_EQ(MPI_SUCCESS, MPI_Iallreduce(in, out, 3, pair, MPI_SUM, MPI_COMM_WORLD, &req[0]));
        ASSERT_EQ(MPI_SUCCESS, MPI_Iallreduce(mine, acc, 1, strided, MPI_MAX, MPI_COMM_WORLD, &req[1]));
        MPI_Type_free(&pair);
        MPI_Type_free(&strided);
        ASSERT_EQ(MPI_SUCCESS, MPI_Waitall(2, req, MPI_STATUSES_IGNORE));
        const int n = mosix::test::size();
        for (int j = 0; j < 6; ++j) EXPECT_EQ((j + 1) * n * (n - 1) / 2, out[j]);
        EXPECT_EQ(n - 1, acc[0]);
        EXPECT_EQ(-1, acc[1]);  // the gaps are not the type's: left alone
        EXPECT_EQ(2 * (n - 1), acc[2]);
        EXPECT_EQ(-1, acc[3]);
        EXPECT_EQ(3 * (n - 1), acc[4]);
    };
    EXPECT_EQ(0, run_ranks(3, body));
}
