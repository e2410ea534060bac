// group.hpp — process groups: an ordered set of world ranks. Shared read-only between the ranks of
// a PE that hold the same group (a world group of 100,000 ranks exists once, as a range).
#pragma once

#include <memory>
#include <vector>

namespace mosix::lib {

struct Group {
    int size = 0;
    std::vector<int> members;  // group rank -> world rank; empty means the identity 0..size-1

    int world_of(int r) const noexcept { return members.empty() ? r : members[static_cast<std::size_t>(r)]; }
    // This world rank's rank in the group, or MPI_UNDEFINED.
    int rank_of_world(int world) const noexcept;
};

using GroupPtr = std::shared_ptr<const Group>;

GroupPtr group_world(int size);
GroupPtr group_from(std::vector<int> members);

}  // namespace mosix::lib
