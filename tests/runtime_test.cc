// runtime_test.cc — ranks as fibers: every rank runs the body once with its own stack, the
// scheduler interleaves blocked ranks, and crashes end the job with a line naming the rank.
#include <gtest/gtest.h>

#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <vector>

#include "runtime/scheduler.hpp"
#include "support/job.hpp"

using mosix::test::rank;
using mosix::test::run_ranks;

namespace {

// Recurses with a frame the compiler cannot elide until the stack runs out.
int recurse(int depth) {
    volatile char frame[1024];
    frame[0] = static_cast<char>(depth);
    if (depth > 1 << 30) return 0;  // never reached: the guard page stops it long before
    return recurse(depth + 1) + frame[0];
}

}  // namespace

TEST(Runtime, EveryRankRunsOnceWithItsOwnStack) {
    std::vector<int> runs(1000, 0);
    std::vector<const void*> stacks(1000, nullptr);
    EXPECT_EQ(0, run_ranks(1000, [&] {
                  int local = 0;
                  ++runs[static_cast<std::size_t>(rank())];
                  stacks[static_cast<std::size_t>(rank())] = &local;
                  mosix::rt::yield();  // every other rank runs in between; our stack must be untouched
                  EXPECT_EQ(&local, stacks[static_cast<std::size_t>(rank())]);
              }));
    for (int i = 0; i < 1000; ++i) EXPECT_EQ(1, runs[static_cast<std::size_t>(i)]);
    for (int i = 1; i < 1000; ++i) EXPECT_NE(stacks[static_cast<std::size_t>(i)], stacks[0]);
}

TEST(Runtime, JobExitStatusIsTheFirstFailingRanksStatus) {
    mosix::rt::JobConfig config;
    config.nranks = 4;
    config.stack_size = 256 * 1024;
    static char name[] = "t";
    static char* argv[] = {name, nullptr};
    int status = mosix::rt::run_job(config, 1, argv, [](int, char**) {
        int r = mosix::rt::this_rank()->id;
        return r == 2 ? 7 : 0;
    });
    EXPECT_EQ(7, status);
}

TEST(RuntimeDeath, StackOverflowNamesTheRank) {
    EXPECT_EXIT(run_ranks(3,
                          [] {
                              if (rank() == 2) recurse(0);
                          }),
                ::testing::ExitedWithCode(128 + SIGSEGV), "rank 2 overflowed its stack \\(256 KiB\\)");
}

TEST(RuntimeDeath, SegfaultNamesTheRank) {
    EXPECT_EXIT(run_ranks(4,
                          [] {
                              if (rank() == 1) {
                                  // Not null: UBSan would report a null store itself; an unmapped page must
                                  // reach us.
                                  volatile std::uintptr_t bad = 16;
                                  *reinterpret_cast<volatile int*>(bad) = 1;
                              }
                          }),
                ::testing::ExitedWithCode(128 + SIGSEGV), "rank 1 crashed: Segmentation fault");
}

TEST(RuntimeDeath, AbortNamesTheRank) {
    EXPECT_EXIT(run_ranks(3,
                          [] {
                              if (rank() == 2) std::abort();
                          }),
                ::testing::ExitedWithCode(128 + SIGABRT), "rank 2 aborted");
}

TEST(RuntimeDeath, UncaughtExceptionNamesTheRank) {
    EXPECT_EXIT(run_ranks(2,
                          [] {
                              if (rank() == 1) throw std::runtime_error("solver diverged");
                          }),
                ::testing::ExitedWithCode(1), "rank 1: uncaught exception: solver diverged");
}

TEST(RuntimeDeath, DeadlockIsReportedNotHung) {
    EXPECT_EXIT(run_ranks(2,
                          [] {
                              int v = 0;
                              MPI_Recv(&v, 1, MPI_INT, 1 - rank(), 3, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                          }),
                ::testing::ExitedWithCode(1),
                "deadlock(.|\n)*rank 0 in MPI_Recv \\(waiting for a message from rank 1, tag 3\\)");
}

TEST(RuntimeDeath, MpiAbortEndsJobWithItsCode) {
    EXPECT_EXIT(run_ranks(3,
                          [] {
                              if (rank() == 1) MPI_Abort(MPI_COMM_WORLD, 42);
                              int v;
                              MPI_Recv(&v, 1, MPI_INT, 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                          }),
                ::testing::ExitedWithCode(42), "rank 1: called MPI_Abort with error code 42");
}
