// comm.hpp — making and unmaking communicators, and the calling rank's group handle table.
//
// A communicator needs a context id that none of its members uses yet. Every constructor is
// collective over the parent, and every member of the parent (also one that ends up outside the
// new communicator) takes the maximum of the members' next_context as the new id and moves its own
// next_context past it. So the id is fresh for each member without any global counter, and ranks
// that land in different split colors may share an id: envelopes carry (context, source rank) and
// are delivered to members only, so such communicators still never see each other's messages.
//
// No argument checks here (the bindings in lib/mpi/comm.cc and lib/mpi/group.cc do them).
#pragma once

#include <mpi.h>

#include <utility>
#include <vector>

#include "group.hpp"
#include "rank_state.hpp"

namespace mosix::lib {

// Collective over `parent`: the same group in a new context; the error handler is inherited.
MPI_Comm comm_dup(const Comm& parent);

// Collective over `parent`: the members that passed the same `color`, ordered by (key, parent
// rank). MPI_COMM_NULL for a rank that passed MPI_UNDEFINED.
MPI_Comm comm_split(const Comm& parent, int color, int key);

// Collective over `parent`, which every rank calls with the same `group`. REQUIRES: `group` is a
// subset of parent's group (group_subset). MPI_COMM_NULL for ranks outside `group`.
MPI_Comm comm_create(const Comm& parent, const GroupPtr& group);

// Frees a live user communicator; its table slot may be reused.
void comm_free(MPI_Comm h) noexcept;

// MPI_IDENT, MPI_CONGRUENT, MPI_SIMILAR or MPI_UNEQUAL for two live communicators (for two
// intercommunicators, the less alike of their local and their remote groups).
int comm_compare(MPI_Comm a, MPI_Comm b) noexcept;

// Enters a communicator made elsewhere (lib/intercomm.cc) in the calling rank's table, with a
// context id taken as described above; `remote_group` makes it an intercommunicator.
MPI_Comm comm_install(GroupPtr group, int rank, std::uint32_t context, MPI_Errhandler errhandler,
                      GroupPtr remote_group = nullptr);

// The group behind handle `h` in the calling rank's table, or nullptr if `h` is not a live group.
// Returned by value: installing another group may move the table.
GroupPtr group_get(MPI_Group h) noexcept;
// Enters `g` in the calling rank's table (an empty group is always MPI_GROUP_EMPTY).
MPI_Group group_install(GroupPtr g);
// Frees a live group handle other than MPI_GROUP_EMPTY (freeing that one is a no-op).
void group_release(MPI_Group h) noexcept;

// A group of these world ranks. Member lists that are the identity 0..n-1 are stored as a range,
// so groups like MPI_COMM_WORLD's cost no memory per member.
GroupPtr group_of(std::vector<int> members);

// MPI_IDENT (same members, same order), MPI_SIMILAR (same members) or MPI_UNEQUAL.
int group_compare(const Group& a, const Group& b);

// True if every member of `sub` is a member of `g`.
bool group_subset(const Group& sub, const Group& g);

// World rank -> group rank in O(log n), for the set operations on groups; a plain scan would make
// them quadratic in the group size.
class GroupIndex {
public:
    explicit GroupIndex(const Group& g);
    // `world`'s rank in the group, or MPI_UNDEFINED.
    int rank_of(int world) const noexcept;

private:
    int identity_size_ = -1;                     // >= 0 when the group is the range 0..n-1
    std::vector<std::pair<int, int>> by_world_;  // (world rank, group rank), sorted by world rank
};

}  // namespace mosix::lib
