// bootstrap.hpp — how the PEs of a job find each other: PMIx, as served by Open MPI's mpirun
// (or Slurm's srun --mpi=pmix). Each PE publishes a blob (its UCX worker address), all PEs fence,
// and each reads the others'. No MPI library is involved.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace mosix::rt::net {

struct PeIdentity {
    int pe = 0;          // this PE's index in the job
    int npes = 1;        // PEs in the job
    int local_pe = 0;    // index among the PEs on this host
    int local_npes = 1;  // PEs on this host
};

// True if this process was started by a PMIx launcher (mpirun, srun --mpi=pmix).
bool launched_by_pmix() noexcept;

// Connects to the launcher's PMIx server. Returns an empty string on success, else why not.
std::string bootstrap_init(PeIdentity* id);

// Publishes `blob` under `key`, fences with every PE, and returns every PE's blob by PE index.
// Collective over all PEs. Returns an empty string on success.
std::string bootstrap_exchange(const char* key, const std::vector<unsigned char>& blob,
                               std::vector<std::vector<unsigned char>>* all);

// A fence with every PE (no data), calling `progress` while it waits so this PE keeps serving
// the network (peers may still be flushing towards it). Collective.
std::string bootstrap_fence(void (*progress)());

void bootstrap_finalize() noexcept;

}  // namespace mosix::rt::net
