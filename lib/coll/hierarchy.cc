#include "hierarchy.hpp"

#include <cstdlib>
#include <cstring>
#include <unordered_map>

#include "runtime/this_rank.hpp"

namespace mosix::lib::coll {

namespace {

constexpr std::uint32_t kLocalContextBit = 0x40000000;
constexpr std::uint32_t kLeaderContextBit = 0x20000000;

// What every member of one group on this PE shares: built once per group and epoch, so a
// 10,000-rank communicator does not cost every rank an O(p) scan.
struct Shared {
    GroupPtr group;  // keeps the key alive, so its address cannot be reused while cached
    unsigned epoch = 0;
    bool useful = false;
    bool one_per_pe = false;
    bool blocked = false;  // each PE's members are consecutive ranks of the communicator
    GroupPtr local;        // world ranks of the members on this PE
    GroupPtr leaders;      // world rank of each PE's leader
    std::vector<int> leader_of_pe;
};

std::shared_ptr<Shared> shared_for(const GroupPtr& group) {
    static std::unordered_map<const Group*, std::shared_ptr<Shared>> cache;
    auto& slot = cache[group.get()];
    if (slot && slot->epoch == rt::location_epoch()) return slot;
    auto s = std::make_shared<Shared>();
    s->group = group;
    s->epoch = rt::location_epoch();
    s->leader_of_pe.assign(static_cast<std::size_t>(rt::npes()), -1);
    std::vector<int> local, leaders, members_on_pe(static_cast<std::size_t>(rt::npes()), 0);
    bool blocked = true;
    for (int r = 0, previous_pe = -1; r < group->size; ++r) {
        int world = group->world_of(r);
        int pe = rt::pe_of(world);
        if (pe != previous_pe && members_on_pe[static_cast<std::size_t>(pe)] > 0) blocked = false;
        previous_pe = pe;
        if (members_on_pe[static_cast<std::size_t>(pe)]++ == 0) {
            s->leader_of_pe[static_cast<std::size_t>(pe)] = static_cast<int>(leaders.size());
            leaders.push_back(world);
        }
        if (pe == rt::this_pe()) local.push_back(world);
    }
    bool crowded = false;
    for (int n : members_on_pe) crowded |= n > 1;
    s->useful = leaders.size() > 1 && crowded;
    s->one_per_pe = leaders.size() > 1 && !crowded;
    s->blocked = blocked;
    s->local = group_from(std::move(local));
    s->leaders = group_from(std::move(leaders));
    slot = s;
    return s;
}

bool hierarchy_enabled() {
    static const bool enabled = [] {
        const char* v = std::getenv("MOSIX_COLL_HIERARCHY");
        return !(v && (std::strcmp(v, "0") == 0 || std::strcmp(v, "off") == 0));
    }();
    return enabled;
}

}  // namespace

const Hierarchy* hierarchy_of(const Comm& comm) {
    if (rt::npes() == 1 || !hierarchy_enabled()) return nullptr;
    if (comm.hierarchy && comm.hierarchy->epoch == rt::location_epoch())
        return comm.hierarchy->leaders.group ? comm.hierarchy.get() : nullptr;
    auto s = shared_for(comm.group);
    auto h = std::make_shared<Hierarchy>();
    h->epoch = s->epoch;
    if (s->useful) {
        int me = comm.group->world_of(comm.rank);
        h->local.live = h->leaders.live = true;
        h->local.context = comm.context | kLocalContextBit;
        h->leaders.context = comm.context | kLeaderContextBit;
        h->local.group = s->local;
        h->local.rank = s->local->rank_of_world(me);
        h->is_leader = h->local.rank == 0;
        h->leaders.group = s->leaders;
        h->leaders.rank =
            h->is_leader ? s->leader_of_pe[static_cast<std::size_t>(rt::this_pe())] : MPI_UNDEFINED;
        h->leader_of_pe = s->leader_of_pe;
        h->blocked = s->blocked;
    }
    comm.hierarchy = h;
    return s->useful ? h.get() : nullptr;
}

bool spread_one_per_pe(const Comm& comm) {
    return rt::npes() > 1 && hierarchy_enabled() && shared_for(comm.group)->one_per_pe;
}

int leader_index_of(const Hierarchy& h, const Comm& comm, int rank) {
    return h.leader_of_pe[static_cast<std::size_t>(rt::pe_of(comm.group->world_of(rank)))];
}

int local_rank_of(const Hierarchy& h, const Comm& comm, int rank) {
    int world = comm.group->world_of(rank);
    return rt::pe_of(world) == rt::this_pe() ? h.local.group->rank_of_world(world) : MPI_UNDEFINED;
}

}  // namespace mosix::lib::coll
