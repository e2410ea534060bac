// balance.hpp — mosix_balance(): a collective full rebalance of MPI_COMM_WORLD.
#pragma once

namespace mosix::lib {

// Every rank gathers every rank's load and memory and rank 0's view of the PEs, plans with the
// greedy policy (the same input on every rank, so the same plan everywhere), moves itself if the
// plan says so, and waits for the others. With the balancer off (MOSIX_LB=off) or without
// migration it is a barrier. REQUIRES: called by every rank of MPI_COMM_WORLD, inside the library.
void balance_collective();

}  // namespace mosix::lib
