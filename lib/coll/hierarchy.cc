#include "hierarchy.hpp"

#include <cstdlib>
#include <cstring>
#include <unordered_map>

#include "runtime/this_rank.hpp"

namespace mosix::lib::coll {

namespace {

constexpr std::uint32_t kLocalContextBit = 0x40000000;
constexpr std::uint32_t kLeaderContextBit = 0x20000000;

// Every member of a communicator must run a collective in the same shape, whatever its PE's
// location cache says at that moment (ranks migrate, and caches learn of it at different times).
// So the two levels group members by their home PE (where they started; the same everywhere),
// not by where they are now: after migrations the shape may cross PEs more often, never wrongly.
// What every member of one group with one home PE shares: built once per (group, home), so a
// 10,000-rank communicator does not cost every rank an O(p) scan.
struct Shared {
    GroupPtr group;  // keeps the key alive, so its address cannot be reused while cached
    bool useful = false;
    bool one_per_pe = false;
    bool blocked = false;  // each PE's members are consecutive ranks of the communicator
    GroupPtr local;        // world ranks of the members on this PE
    GroupPtr leaders;      // world rank of each PE's leader
    std::vector<int> leader_of_pe;
};

struct Key {
    const Group* group;
    int home;
    bool operator==(const Key&) const = default;
};
struct KeyHash {
    std::size_t operator()(const Key& k) const noexcept {
        return std::hash<const void*>()(k.group) ^ static_cast<std::size_t>(k.home) * 0x9e3779b97f4a7c15ULL;
    }
};

std::shared_ptr<Shared> shared_for(const GroupPtr& group, int home) {
    static std::unordered_map<Key, std::shared_ptr<Shared>, KeyHash> cache;
    auto& slot = cache[Key{group.get(), home}];
    if (slot) return slot;
    auto s = std::make_shared<Shared>();
    s->group = group;
    s->leader_of_pe.assign(static_cast<std::size_t>(rt::npes()), -1);
    std::vector<int> local, leaders, members_on_pe(static_cast<std::size_t>(rt::npes()), 0);
    bool blocked = true;
    for (int r = 0, previous_pe = -1; r < group->size; ++r) {
        int world = group->world_of(r);
        int pe = rt::home_pe_of(world);
        if (pe != previous_pe && members_on_pe[static_cast<std::size_t>(pe)] > 0) blocked = false;
        previous_pe = pe;
        if (members_on_pe[static_cast<std::size_t>(pe)]++ == 0) {
            s->leader_of_pe[static_cast<std::size_t>(pe)] = static_cast<int>(leaders.size());
            leaders.push_back(world);
        }
        if (pe == home) local.push_back(world);
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
    if (comm.hierarchy) return comm.hierarchy->leaders.group ? comm.hierarchy.get() : nullptr;
    int me = comm.group->world_of(comm.rank);
    int home = rt::home_pe_of(me);
    auto s = shared_for(comm.group, home);
    auto h = std::make_shared<Hierarchy>();
    if (s->useful) {
        h->local.live = h->leaders.live = true;
        h->local.context = comm.context | kLocalContextBit;
        h->leaders.context = comm.context | kLeaderContextBit;
        h->local.group = s->local;
        h->local.rank = s->local->rank_of_world(me);
        h->is_leader = h->local.rank == 0;
        h->leaders.group = s->leaders;
        h->leaders.rank = h->is_leader ? s->leader_of_pe[static_cast<std::size_t>(home)] : MPI_UNDEFINED;
        h->leader_of_pe = s->leader_of_pe;
        h->blocked = s->blocked;
    }
    comm.hierarchy = h;
    return s->useful ? h.get() : nullptr;
}

bool spread_one_per_pe(const Comm& comm) {
    return rt::npes() > 1 && hierarchy_enabled() &&
           shared_for(comm.group, rt::home_pe_of(comm.group->world_of(comm.rank)))->one_per_pe;
}

int leader_index_of(const Hierarchy& h, const Comm& comm, int rank) {
    return h.leader_of_pe[static_cast<std::size_t>(rt::home_pe_of(comm.group->world_of(rank)))];
}

int local_rank_of(const Hierarchy& h, const Comm& comm, int rank) {
    int world = comm.group->world_of(rank);
    int my_home = rt::home_pe_of(comm.group->world_of(comm.rank));
    return rt::home_pe_of(world) == my_home ? h.local.group->rank_of_world(world) : MPI_UNDEFINED;
}

}  // namespace mosix::lib::coll
