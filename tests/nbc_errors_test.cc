// nbc_errors_test.cc — the argument errors of the nonblocking collectives (MPI_Ibarrier and kin)
// return the blocking calls' classes under MPI_ERRORS_RETURN; a wrong call starts nothing (the
// collectives after it still match); a request of one cannot be cancelled; a freed one still
// completes on every rank; a size mismatch is reported by the Wait; a rank waiting on one that
// others never start is named in the deadlock report.
#include <gtest/gtest.h>

#include <functional>
#include <vector>

#include "support/job.hpp"

using mosix::test::rank;
using mosix::test::run_ranks;
using mosix::test::run_returning;

namespace {

// After the errors every rank must still agree on the collectives: one that works.
void still_in_step() {
    int one = 1, sum = 0;
    MPI_Request req = MPI_REQUEST_NULL;
    ASSERT_EQ(MPI_SUCCESS, MPI_Iallreduce(&one, &sum, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD, &req));
    ASSERT_EQ(MPI_SUCCESS, MPI_Wait(&req, MPI_STATUS_IGNORE));
    EXPECT_EQ(mosix::test::size(), sum);
}

}  // namespace

TEST(NbcErrors, InvalidCommunicatorAndNullRequest) {
    auto body = [] {
        int x[4] = {};
        int counts[2] = {1, 1}, displs[2] = {0, 1};
        MPI_Request req = MPI_REQUEST_NULL;
        for (MPI_Comm bad : {static_cast<MPI_Comm>(12345), MPI_COMM_NULL, static_cast<MPI_Comm>(MPI_INT)}) {
            EXPECT_EQ(MPI_ERR_COMM, MPI_Ibarrier(bad, &req));
            EXPECT_EQ(MPI_ERR_COMM, MPI_Ibcast(x, 1, MPI_INT, 0, bad, &req));
            EXPECT_EQ(MPI_ERR_COMM, MPI_Ireduce(x, x + 1, 1, MPI_INT, MPI_SUM, 0, bad, &req));
            EXPECT_EQ(MPI_ERR_COMM, MPI_Iallreduce(x, x + 1, 1, MPI_INT, MPI_SUM, bad, &req));
            EXPECT_EQ(MPI_ERR_COMM, MPI_Igather(x, 1, MPI_INT, x + 2, 1, MPI_INT, 0, bad, &req));
            EXPECT_EQ(MPI_ERR_COMM, MPI_Iscatter(x, 1, MPI_INT, x + 2, 1, MPI_INT, 0, bad, &req));
            EXPECT_EQ(MPI_ERR_COMM, MPI_Iallgather(x, 1, MPI_INT, x + 2, 1, MPI_INT, bad, &req));
            EXPECT_EQ(MPI_ERR_COMM, MPI_Ialltoall(x, 1, MPI_INT, x + 2, 1, MPI_INT, bad, &req));
            EXPECT_EQ(MPI_ERR_COMM,
                      MPI_Igatherv(x, 1, MPI_INT, x + 2, counts, displs, MPI_INT, 0, bad, &req));
            EXPECT_EQ(MPI_ERR_COMM, MPI_Iscan(x, x + 1, 1, MPI_INT, MPI_SUM, bad, &req));
            EXPECT_EQ(MPI_REQUEST_NULL, req);
        }
        EXPECT_EQ(MPI_ERR_REQUEST, MPI_Ibarrier(MPI_COMM_WORLD, nullptr));
        EXPECT_EQ(MPI_ERR_REQUEST, MPI_Ibcast(x, 1, MPI_INT, 0, MPI_COMM_WORLD, nullptr));
        EXPECT_EQ(MPI_ERR_REQUEST, MPI_Iallreduce(x, x + 1, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD, nullptr));
        EXPECT_EQ(MPI_ERR_REQUEST, MPI_Ialltoallv(x, counts, displs, MPI_INT, x + 2, counts, displs, MPI_INT,
                                                  MPI_COMM_WORLD, nullptr));
        still_in_step();
    };
    EXPECT_EQ(0, run_returning(2, body));
}

TEST(NbcErrors, BadArgumentsHaveTheBlockingCallsClasses) {
    auto body = [] {
        int x[8] = {};
        int counts[3] = {1, 1, 1}, displs[3] = {0, 1, 2}, negative[3] = {1, -1, 1};
        MPI_Request req = MPI_REQUEST_NULL;
        const MPI_Comm w = MPI_COMM_WORLD;
        EXPECT_EQ(MPI_ERR_ROOT, MPI_Ibcast(x, 1, MPI_INT, 3, w, &req));
        EXPECT_EQ(MPI_ERR_ROOT, MPI_Ireduce(x, x + 1, 1, MPI_INT, MPI_SUM, -1, w, &req));
        EXPECT_EQ(MPI_ERR_ROOT, MPI_Igather(x, 1, MPI_INT, x + 2, 1, MPI_INT, 7, w, &req));
        EXPECT_EQ(MPI_ERR_COUNT, MPI_Ibcast(x, -1, MPI_INT, 0, w, &req));
        EXPECT_EQ(MPI_ERR_COUNT, MPI_Iallreduce(x, x + 1, -2, MPI_INT, MPI_SUM, w, &req));
        EXPECT_EQ(MPI_ERR_COUNT, MPI_Ireduce_scatter(x, x + 4, negative, MPI_INT, MPI_SUM, w, &req));
        EXPECT_EQ(MPI_ERR_COUNT, MPI_Ireduce_scatter_block(x, x + 4, -1, MPI_INT, MPI_SUM, w, &req));
        EXPECT_EQ(MPI_ERR_TYPE, MPI_Ibcast(x, 1, MPI_DATATYPE_NULL, 0, w, &req));
        EXPECT_EQ(MPI_ERR_TYPE, MPI_Iallreduce(x, x + 1, 1, 12345, MPI_SUM, w, &req));
        EXPECT_EQ(MPI_ERR_TYPE, MPI_Ialltoall(x, 1, MPI_INT, x + 4, 1, MPI_DATATYPE_NULL, w, &req));
        EXPECT_EQ(MPI_ERR_OP, MPI_Iallreduce(x, x + 1, 1, MPI_INT, MPI_OP_NULL, w, &req));
        EXPECT_EQ(MPI_ERR_OP, MPI_Iscan(x, x + 1, 1, MPI_DOUBLE, MPI_BAND, w, &req));
        EXPECT_EQ(MPI_ERR_OP, MPI_Iexscan(x, x + 1, 1, MPI_INT, MPI_REPLACE, w, &req));
        EXPECT_EQ(MPI_ERR_BUFFER, MPI_Ibcast(MPI_IN_PLACE, 1, MPI_INT, 0, w, &req));
        EXPECT_EQ(MPI_ERR_BUFFER, MPI_Iallreduce(x, x, 1, MPI_INT, MPI_SUM, w, &req));
        EXPECT_EQ(MPI_ERR_BUFFER, MPI_Iallgather(x, 1, MPI_INT, MPI_IN_PLACE, 1, MPI_INT, w, &req));
        EXPECT_EQ(MPI_ERR_BUFFER, MPI_Ibcast(nullptr, 3, MPI_INT, 0, w, &req));
        if (rank() == 1) {  // MPI_IN_PLACE is for the root only
            EXPECT_EQ(MPI_ERR_BUFFER, MPI_Ireduce(MPI_IN_PLACE, x, 1, MPI_INT, MPI_SUM, 0, w, &req));
        }
        EXPECT_EQ(MPI_ERR_TRUNCATE, MPI_Iallgather(x, 2, MPI_INT, x + 4, 1, MPI_INT, w, &req));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Ialltoall(x, 1, MPI_INT, x + 4, 2, MPI_INT, w, &req));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Iallgatherv(x, 1, MPI_INT, x + 4, nullptr, displs, MPI_INT, w, &req));
        EXPECT_EQ(MPI_ERR_ARG,
                  MPI_Ialltoallv(x, counts, nullptr, MPI_INT, x + 4, counts, displs, MPI_INT, w, &req));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Ireduce_scatter(x, x + 4, nullptr, MPI_INT, MPI_SUM, w, &req));
        if (rank() == 0) {  // the root's arguments
            EXPECT_EQ(MPI_ERR_COUNT,
                      MPI_Igatherv(x, 1, MPI_INT, x + 4, negative, displs, MPI_INT, 0, w, &req));
            EXPECT_EQ(MPI_ERR_ARG, MPI_Iscatterv(x, counts, nullptr, MPI_INT, x + 4, 1, MPI_INT, 0, w, &req));
        }
        EXPECT_EQ(MPI_REQUEST_NULL, req);
        still_in_step();
    };
    EXPECT_EQ(0, run_returning(3, body));
}

TEST(NbcErrors, CancelIsRefusedAndTheCollectiveCompletes) {
    auto body = [] {
        MPI_Request req = MPI_REQUEST_NULL;
        ASSERT_EQ(MPI_SUCCESS, MPI_Ibarrier(MPI_COMM_WORLD, &req));
        EXPECT_EQ(MPI_ERR_REQUEST, MPI_Cancel(&req));
        EXPECT_EQ(MPI_SUCCESS, MPI_Wait(&req, MPI_STATUS_IGNORE));
        EXPECT_EQ(MPI_REQUEST_NULL, req);
        still_in_step();
    };
    EXPECT_EQ(0, run_returning(3, body));
}

// MPI_Request_free on a collective under way: it still completes on every rank, and its buffers
// are written (the program may only look once something else tells it the collective is done).
TEST(NbcErrors, FreedRequestStillCompletes) {
    auto body = [] {
        int v = rank() == 0 ? 17 : 0;
        MPI_Request req = MPI_REQUEST_NULL;
        ASSERT_EQ(MPI_SUCCESS, MPI_Ibcast(&v, 1, MPI_INT, 0, MPI_COMM_WORLD, &req));
        ASSERT_EQ(MPI_SUCCESS, MPI_Request_free(&req));
        EXPECT_EQ(MPI_REQUEST_NULL, req);
        // It goes on in the library calls that follow, here and on the ranks that forward it.
        still_in_step();
        MPI_Barrier(MPI_COMM_WORLD);
        int flag = 0;
        for (int i = 0; i < 1000 && v != 17; ++i)
            MPI_Iprobe(MPI_ANY_SOURCE, 0, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE);
        EXPECT_EQ(17, v);
    };
    EXPECT_EQ(0, run_returning(4, body));
}

TEST(NbcErrors, SizeMismatchIsReportedByTheWait) {
    auto body = [] {
        int data[4] = {1, 2, 3, 4};
        MPI_Request req = MPI_REQUEST_NULL;
        // The root sends 4 ints, rank 1 expects 1: its receive is truncated.
        ASSERT_EQ(MPI_SUCCESS, MPI_Ibcast(data, rank() == 0 ? 4 : 1, MPI_INT, 0, MPI_COMM_WORLD, &req));
        EXPECT_EQ(rank() == 0 ? MPI_SUCCESS : MPI_ERR_TRUNCATE, MPI_Wait(&req, MPI_STATUS_IGNORE));
        EXPECT_EQ(MPI_REQUEST_NULL, req);
        if (rank() == 1) {
            EXPECT_EQ(1, data[0]);
        }
    };
    EXPECT_EQ(0, run_returning(2, body));
}

TEST(NbcErrorsDeathTest, TruncationIsFatalByDefault) {
    auto body = [] {
        int data[4] = {};
        MPI_Request req = MPI_REQUEST_NULL;
        MPI_Ibcast(data, rank() == 0 ? 4 : 1, MPI_INT, 0, MPI_COMM_WORLD, &req);
        MPI_Wait(&req, MPI_STATUS_IGNORE);
    };
    EXPECT_EXIT(run_ranks(2, body), ::testing::ExitedWithCode(1),
                "rank 1: MPI_Wait: message truncated in MPI_Ibcast.*\\(MPI_ERR_TRUNCATE");
}

TEST(NbcErrorsDeathTest, DeadlockNamesTheCollective) {
    auto body = [] {
        if (rank() != 0) return;  // the others never start it
        MPI_Request req = MPI_REQUEST_NULL;
        MPI_Ibarrier(MPI_COMM_WORLD, &req);
        MPI_Wait(&req, MPI_STATUS_IGNORE);
    };
    EXPECT_EXIT(run_ranks(2, body), ::testing::ExitedWithCode(1),
                "deadlock(.|\n)*rank 0 in MPI_Wait \\(waiting for the nonblocking collective MPI_Ibarrier");
}
