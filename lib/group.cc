#include "group.hpp"

#include <mpi.h>

namespace mosix::lib {

int Group::rank_of_world(int world) const noexcept {
    if (members.empty()) return world >= 0 && world < size ? world : MPI_UNDEFINED;
    for (std::size_t i = 0; i < members.size(); ++i)
        if (members[i] == world) return static_cast<int>(i);
    return MPI_UNDEFINED;
}

GroupPtr group_world(int size) {
    static GroupPtr world;  // one per PE, shared by every rank's MPI_COMM_WORLD
    if (!world || world->size != size) {
        auto g = std::make_shared<Group>();
        g->size = size;
        world = g;
    }
    return world;
}

GroupPtr group_from(std::vector<int> members) {
    auto g = std::make_shared<Group>();
    g->size = static_cast<int>(members.size());
    g->members = std::move(members);
    return g;
}

}  // namespace mosix::lib
