// p2p_test.cc — point-to-point semantics on one PE: matching, wildcards, non-overtaking order,
// unexpected messages of every size, probe, cancel, and request completion calls.
#include <gtest/gtest.h>

#include "support/job.hpp"

#include <vector>

using mosix::test::rank;
using mosix::test::run_ranks;
using mosix::test::size;

TEST(P2P, RingPassesTokenAroundAllRanks) {
    for (int n : {1, 2, 7, 64}) {
        int final_token = -1;
        EXPECT_EQ(0, run_ranks(n, [&] {
            int r = rank(), p = size(), tok = 0;
            if (r == 0) {
                tok = 1;
                MPI_Send(&tok, 1, MPI_INT, 1 % p, 0, MPI_COMM_WORLD);
                MPI_Recv(&tok, 1, MPI_INT, p - 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                final_token = tok;
            } else {
                MPI_Recv(&tok, 1, MPI_INT, r - 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                ++tok;
                MPI_Send(&tok, 1, MPI_INT, (r + 1) % p, 0, MPI_COMM_WORLD);
            }
        }));
        EXPECT_EQ(n, final_token) << "ranks: " << n;
    }
}
