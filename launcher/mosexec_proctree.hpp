// mosexec_proctree.hpp — making sure nothing of a job outlives it on this host.
//
// mpirun normally ends every PE, but not if it is itself killed, and its PEs live in process
// groups of their own, so no group kill reaches them. mosexec therefore becomes a "child
// subreaper": every process the job starts here stays mosexec's descendant even when its parent
// dies, and at the end mosexec kills whatever descendants are left. (Remote PEs are ended by their
// host's Open MPI daemon, which kills its processes when it loses mpirun.)
#pragma once

#include <sys/types.h>

#include <functional>

namespace mosexec {

void become_subreaper();

// SIGKILLs every live descendant of this process and reaps those that are its children (each
// reaped child goes to `reaped` with its wait status), until none is left or ~1 s has passed.
void kill_descendants(const std::function<void(pid_t, int)>& reaped);

}  // namespace mosexec
