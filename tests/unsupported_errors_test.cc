// unsupported_errors_test.cc — the MPI-3.1 calls mosix does not implement fail loudly: under
// MPI_ERRORS_RETURN with a code of class MPI_ERR_UNSUPPORTED_OPERATION whose string names the
// call, under the default handler by ending the job with a line naming the rank and the call.
// Also the argument errors of the intercommunicator calls (lib/mpi/intercomm.cc).
#include <gtest/gtest.h>

#include <string>

#include "support/job.hpp"

using mosix::test::rank;
using mosix::test::run_ranks;
using mosix::test::run_returning;

namespace {

// The class and the string of an error code.
void expect_unsupported(int code, const char* call) {
    int cls = -1;
    ASSERT_EQ(MPI_SUCCESS, MPI_Error_class(code, &cls));
    EXPECT_EQ(MPI_ERR_UNSUPPORTED_OPERATION, cls) << call;
    char text[MPI_MAX_ERROR_STRING];
    int len = 0;
    ASSERT_EQ(MPI_SUCCESS, MPI_Error_string(code, text, &len));
    EXPECT_EQ(std::string(call) +
                  " is not supported by mosix (MPI_ERR_UNSUPPORTED_OPERATION: operation not "
                  "supported)",
              std::string(text, static_cast<std::size_t>(len)));
}

}  // namespace

TEST(Unsupported, CallsReturnTheirOwnCodeUnderErrorsReturn) {
    auto body = [] {
        MPI_Win win = MPI_WIN_NULL;
        int buf[4];
        expect_unsupported(MPI_Win_create(buf, sizeof buf, 1, MPI_INFO_NULL, MPI_COMM_WORLD, &win),
                           "MPI_Win_create");
        MPI_File fh = MPI_FILE_NULL;
        expect_unsupported(MPI_File_open(MPI_COMM_WORLD, "x", MPI_MODE_RDONLY, MPI_INFO_NULL, &fh),
                           "MPI_File_open");
        MPI_Comm child = MPI_COMM_NULL;
        expect_unsupported(MPI_Comm_spawn("prog", MPI_ARGV_NULL, 2, MPI_INFO_NULL, 0, MPI_COMM_SELF, &child,
                                          MPI_ERRCODES_IGNORE),
                           "MPI_Comm_spawn");
        char port[MPI_MAX_PORT_NAME];
        expect_unsupported(MPI_Open_port(MPI_INFO_NULL, port), "MPI_Open_port");
        // The profiling name is the same call.
        expect_unsupported(PMPI_Win_create(buf, sizeof buf, 1, MPI_INFO_NULL, MPI_COMM_WORLD, &win),
                           "MPI_Win_create");
        // MPI_T calls return an MPI_T class and never call an error handler.
        int provided = 0;
        EXPECT_EQ(MPI_T_ERR_CANNOT_INIT, MPI_T_init_thread(MPI_THREAD_SINGLE, &provided));
        int num = 0;
        EXPECT_EQ(MPI_T_ERR_INVALID, MPI_T_cvar_get_num(&num));
    };
    EXPECT_EQ(0, run_returning(2, body));
}

TEST(Unsupported, FortranHandlesAreTheCHandles) {
    auto body = [] {
        EXPECT_EQ(MPI_COMM_WORLD, MPI_Comm_f2c(MPI_Comm_c2f(MPI_COMM_WORLD)));
        EXPECT_EQ(MPI_DOUBLE, MPI_Type_f2c(MPI_Type_c2f(MPI_DOUBLE)));
        EXPECT_EQ(MPI_SUM, MPI_Op_f2c(MPI_Op_c2f(MPI_SUM)));
        MPI_Status s{}, back{};
        s.MPI_SOURCE = 3;
        s.MPI_TAG = 9;
        s.mosix_bytes = 12;
        MPI_Fint f[sizeof(MPI_Status) / sizeof(MPI_Fint)];
        EXPECT_EQ(MPI_SUCCESS, MPI_Status_c2f(&s, f));
        EXPECT_EQ(MPI_SUCCESS, MPI_Status_f2c(f, &back));
        EXPECT_EQ(3, back.MPI_SOURCE);
        EXPECT_EQ(9, back.MPI_TAG);
        EXPECT_EQ(12, back.mosix_bytes);
        EXPECT_EQ(MPI_ERR_ARG, MPI_Status_c2f(MPI_STATUS_IGNORE, f));
    };
    EXPECT_EQ(0, run_returning(1, body));
}

TEST(UnsupportedDeathTest, DefaultHandlerEndsTheJobNamingRankAndCall) {
    auto body = [] {
        MPI_Win win;
        int buf[4];
        if (rank() == 1) MPI_Win_create(buf, sizeof buf, 1, MPI_INFO_NULL, MPI_COMM_WORLD, &win);
    };
    EXPECT_EXIT(run_ranks(2, body), ::testing::ExitedWithCode(1),
                "mosix: rank 1: MPI_Win_create: MPI_Win_create is not supported by mosix "
                "\\(MPI_ERR_UNSUPPORTED_OPERATION");
}

// ---- intercommunicators ------------------------------------------------------------------------

namespace {
// Even and odd ranks of MPI_COMM_WORLD, joined by an intercommunicator.
MPI_Comm even_odd(MPI_Comm* local) {
    MPI_Comm_split(MPI_COMM_WORLD, rank() % 2, rank(), local);
    MPI_Comm inter = MPI_COMM_NULL;
    EXPECT_EQ(MPI_SUCCESS, MPI_Intercomm_create(*local, 0, MPI_COMM_WORLD, rank() % 2 ? 0 : 1, 11, &inter));
    MPI_Comm_set_errhandler(inter, MPI_ERRORS_RETURN);
    return inter;
}
}  // namespace

TEST(IntercommErrors, ArgumentsAndUnsupportedCollectives) {
    auto body = [] {
        MPI_Comm local, inter = even_odd(&local);
        int x = 0, n = 0, flag = 0;
        MPI_Group g;
        // Not an intercommunicator.
        EXPECT_EQ(MPI_ERR_COMM, MPI_Comm_remote_size(MPI_COMM_WORLD, &n));
        EXPECT_EQ(MPI_ERR_COMM, MPI_Comm_remote_group(MPI_COMM_WORLD, &g));
        MPI_Comm merged;
        EXPECT_EQ(MPI_ERR_COMM, MPI_Intercomm_merge(MPI_COMM_WORLD, 0, &merged));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Comm_remote_size(inter, nullptr));
        // Ranks name the remote group: 2 of 4 ranks, so 2 is out of range.
        EXPECT_EQ(MPI_ERR_RANK, MPI_Send(&x, 1, MPI_INT, 2, 0, inter));
        EXPECT_EQ(MPI_ERR_RANK, MPI_Recv(&x, 1, MPI_INT, 2, 0, inter, MPI_STATUS_IGNORE));
        // Roots of an intercommunicator broadcast.
        EXPECT_EQ(MPI_ERR_ROOT, MPI_Bcast(&x, 1, MPI_INT, 5, inter));
        EXPECT_EQ(MPI_ERR_BUFFER, MPI_Allreduce(MPI_IN_PLACE, &x, 1, MPI_INT, MPI_SUM, inter));
        // Collectives mosix does not run on intercommunicators say so.
        int all[4];
        EXPECT_EQ(MPI_ERR_COMM, MPI_Gather(&x, 1, MPI_INT, all, 1, MPI_INT, MPI_ROOT, inter));
        EXPECT_EQ(MPI_ERR_COMM, MPI_Reduce(&x, all, 1, MPI_INT, MPI_SUM, MPI_ROOT, inter));
        MPI_Comm sub;
        MPI_Comm_group(local, &g);
        EXPECT_EQ(MPI_ERR_COMM, MPI_Comm_create(inter, g, &sub));
        EXPECT_EQ(MPI_ERR_COMM, MPI_Comm_create_group(inter, g, 0, &sub));
        EXPECT_EQ(MPI_ERR_TAG, MPI_Comm_create_group(local, g, -4, &sub));
        MPI_Group_free(&g);
        EXPECT_EQ(MPI_SUCCESS, MPI_Comm_test_inter(inter, &flag));
        EXPECT_EQ(1, flag);
        // Intercomm_create: the leader must be a rank of local_comm; local_comm an intracommunicator.
        MPI_Comm again;
        EXPECT_EQ(MPI_ERR_RANK, MPI_Intercomm_create(local, 7, MPI_COMM_WORLD, 0, 1, &again));
        EXPECT_EQ(MPI_ERR_COMM, MPI_Intercomm_create(inter, 0, MPI_COMM_WORLD, 0, 1, &again));
        MPI_Comm_free(&inter);
        MPI_Comm_free(&local);
    };
    EXPECT_EQ(0, run_returning(4, body));
}

TEST(IntercommErrorsDeathTest, UnsupportedCollectiveIsFatalByDefault) {
    auto body = [] {
        MPI_Comm local, inter;
        MPI_Comm_split(MPI_COMM_WORLD, rank() % 2, rank(), &local);
        MPI_Intercomm_create(local, 0, MPI_COMM_WORLD, rank() % 2 ? 0 : 1, 11, &inter);
        int x = 0;
        if (rank() == 1) MPI_Scan(&x, &x, 1, MPI_INT, MPI_SUM, inter);
    };
    EXPECT_EXIT(run_ranks(2, body), ::testing::ExitedWithCode(1),
                "rank 1: MPI_Scan: MPI_Scan is not supported on intercommunicators by mosix");
}

// ---- the small calls that became real ----------------------------------------------------------

TEST(GroupRanges, InclAndExclExpandTheirTriplets) {
    auto body = [] {
        MPI_Group world, odd, rest;
        MPI_Comm_group(MPI_COMM_WORLD, &world);
        int odds[][3] = {{1, 5, 2}}, back[][3] = {{5, 3, -2}, {0, 0, 1}};
        ASSERT_EQ(MPI_SUCCESS, MPI_Group_range_incl(world, 1, odds, &odd));
        int n = 0, ranks[3] = {0, 1, 2}, in_world[3];
        MPI_Group_size(odd, &n);
        EXPECT_EQ(3, n);
        MPI_Group_translate_ranks(odd, 3, ranks, world, in_world);
        EXPECT_EQ(1, in_world[0]);
        EXPECT_EQ(5, in_world[2]);
        ASSERT_EQ(MPI_SUCCESS, MPI_Group_range_excl(world, 2, back, &rest));  // excludes 5, 3, 0
        MPI_Group_size(rest, &n);
        EXPECT_EQ(3, n);
        int zero[][3] = {{0, 3, 0}}, outside[][3] = {{0, 6, 1}}, empty[][3] = {{3, 1, 1}};
        MPI_Group g;
        EXPECT_EQ(MPI_ERR_ARG, MPI_Group_range_incl(world, 1, zero, &g));
        EXPECT_EQ(MPI_ERR_RANK, MPI_Group_range_incl(world, 1, outside, &g));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Group_range_excl(world, 1, empty, &g));
        EXPECT_EQ(MPI_ERR_GROUP, MPI_Group_range_incl(MPI_GROUP_NULL, 1, odds, &g));
        for (MPI_Group* p : {&odd, &rest, &world}) MPI_Group_free(p);
    };
    EXPECT_EQ(0, run_returning(6, body));
}

TEST(StatusSet, WhatGetCountAndTestCancelledReadBack) {
    auto body = [] {
        MPI_Status s{};
        int count = -1, flag = 0;
        ASSERT_EQ(MPI_SUCCESS, MPI_Status_set_elements(&s, MPI_DOUBLE, 5));
        MPI_Get_count(&s, MPI_DOUBLE, &count);
        EXPECT_EQ(5, count);
        ASSERT_EQ(MPI_SUCCESS, MPI_Status_set_elements_x(&s, MPI_INT, 7));
        MPI_Get_count(&s, MPI_INT, &count);
        EXPECT_EQ(7, count);
        ASSERT_EQ(MPI_SUCCESS, MPI_Status_set_cancelled(&s, 1));
        MPI_Test_cancelled(&s, &flag);
        EXPECT_EQ(1, flag);
        EXPECT_EQ(MPI_ERR_ARG, MPI_Status_set_cancelled(MPI_STATUS_IGNORE, 1));
        EXPECT_EQ(MPI_ERR_COUNT, MPI_Status_set_elements(&s, MPI_INT, -1));
        EXPECT_EQ(MPI_ERR_TYPE, MPI_Status_set_elements(&s, MPI_DATATYPE_NULL, 1));
    };
    EXPECT_EQ(0, run_returning(1, body));
}
