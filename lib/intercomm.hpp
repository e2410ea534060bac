// intercomm.hpp — intercommunicators (two disjoint groups that talk across) and
// MPI_Comm_create_group: their constructors and the collectives mosix runs on them.
//
// An intercommunicator is a Comm whose `remote_group` is set. Its `group`, `rank` and size() are
// the local group's; point-to-point ranks name remote members. An envelope carries the sender's
// rank in its own (local) group, which is exactly the receiver's name for it in the remote group,
// so matching, MPI_ANY_SOURCE and status.MPI_SOURCE need nothing special.
//
// Context ids: an intercommunicator takes four consecutive ids, agreed by every member of both
// groups (each takes the maximum of all members' next_context, see comm.hpp):
//   context      point-to-point between the groups
//   context + 1  the collectives' messages between the groups (leader to leader, root to leader)
//   context + 2  the local group as an intracommunicator of its own (local_of), whose collective
//   context + 3  context carries the local phases of intercommunicator collectives.
// The two groups' local views share ids: their members are disjoint, and envelopes are delivered
// to members only.
//
// Intercommunicator collectives run in three phases: combine within each group (local_of), the
// two leaders (local rank 0) exchange, and each leader hands the result to its group.
//
// No argument checks here (lib/mpi/intercomm.cc does them).
#pragma once

#include <mpi.h>

#include <cstdint>
#include <vector>

#include "datatype.hpp"
#include "op.hpp"
#include "rank_state.hpp"

namespace mosix::lib {

// The local group of intercommunicator `ic` as an intracommunicator.
const Comm& local_of(const Comm& ic);

// The first half of MPI_Intercomm_create, collective over `local`: the leaders exchange their
// groups over `peer` (read at `local_leader` only) with `tag`, and every member learns the
// remote group's world ranks and the agreed context id (already taken from next_context).
std::vector<int> intercomm_exchange(const Comm& local, int local_leader, const Comm* peer, int remote_leader,
                                    int tag, std::uint32_t* context);

// Collective over both groups of `ic`.
MPI_Comm intercomm_merge(const Comm& ic, bool high);
MPI_Comm intercomm_dup(const Comm& ic);
MPI_Comm intercomm_split(const Comm& ic, int color, int key);

// Collective over the members of `group` (a subset of parent's group, holding the caller) only:
// a new intracommunicator of them. `tag` keeps concurrent calls on overlapping groups apart.
MPI_Comm comm_create_group(const Comm& parent, const GroupPtr& group, int tag);

namespace coll {
void inter_barrier(const Comm& ic);
// root: MPI_ROOT (the sender), MPI_PROC_NULL (the sender's group mates) or the sender's rank in
// the remote group (every member of the receiving group).
void inter_bcast(void* buf, std::size_t bytes, int root, const Comm& ic);
// Each group receives the reduction of the other group's contributions.
void inter_allreduce(const void* sbuf, void* rbuf, int count, const Datatype& dt, MPI_Datatype type,
                     const OpRef& op, const Comm& ic);
}  // namespace coll

}  // namespace mosix::lib
