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
