// job.hpp — runs a test body as every rank of a real mosix job inside the test process.
//
//   TEST(P2P, Ring) {
//       EXPECT_EQ(0, mosix::test::run_ranks(7, [] { ... MPI calls ... }));
//   }
//
// The body runs after MPI_Init and before MPI_Finalize, once per rank, as that rank's fiber.
// GoogleTest assertions work inside it (one thread); a fatal MPI error ends the test process, so
// error-path tests set MPI_ERRORS_RETURN or use EXPECT_EXIT.
#pragma once

#include <gtest/gtest.h>
#include <mpi.h>

#include <functional>

#include "runtime/runtime.hpp"

namespace mosix::test {

// Rank heaps are off by default: GoogleTest keeps failure messages a rank allocated after the job
// ends, and the next job's slots replace this one's. Tests of the rank heap turn them on.
inline int run_ranks(int nranks, std::function<void()> body, std::size_t stack_size = 256 * 1024,
                     bool rank_heaps = false) {
    mosix::rt::JobConfig config;
    config.nranks = nranks;
    config.stack_size = stack_size;
    config.rank_heaps = rank_heaps;
    static char name[] = "test";
    static char* argv[] = {name, nullptr};
    return mosix::rt::run_job(config, 1, argv, [&](int argc, char** av) {
        MPI_Init(&argc, &av);
        body();
        MPI_Finalize();
        return 0;
    });
}

// run_ranks with MPI_ERRORS_RETURN on MPI_COMM_WORLD and MPI_COMM_SELF: for the tests of argument
// errors, which check the class each call returns.
inline int run_returning(int nranks, const std::function<void()>& body) {
    return run_ranks(nranks, [&] {
        ASSERT_EQ(MPI_SUCCESS, MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN));
        ASSERT_EQ(MPI_SUCCESS, MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN));
        body();
    });
}

inline int rank() {
    int r = -1;
    MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}

inline int size() {
    int n = -1;
    MPI_Comm_size(MPI_COMM_WORLD, &n);
    return n;
}

}  // namespace mosix::test
