#include "comm.hpp"

#include <algorithm>
#include <cstdint>

#include "coll/coll.hpp"
#include "datatype.hpp"
#include "handles.hpp"
#include "op.hpp"

namespace mosix::lib {

namespace {

// The first index a user communicator may take: 0 and 1 are MPI_COMM_WORLD and MPI_COMM_SELF.
constexpr std::size_t kFirstUserComm = 2;

// Takes the new context id (see comm.hpp) from the members' next_context values.
std::uint32_t take_context(std::uint32_t max_next) {
    self_state().next_context = max_next + 2;
    return max_next;
}

std::uint32_t agree_context(const Comm& parent) {
    std::uint32_t mine = self_state().next_context, max_next = 0;
    OpRef max;
    op_get(MPI_MAX, &max);
    coll::allreduce(&mine, &max_next, 1, *datatype_get(MPI_UNSIGNED), MPI_UNSIGNED, max, parent);
    return take_context(max_next);
}

MPI_Comm install(GroupPtr group, int rank, std::uint32_t context, MPI_Errhandler errhandler) {
    RankState& s = self_state();
    std::size_t i = kFirstUserComm;
    while (i < s.comms.size() && s.comms[i].live) ++i;
    if (i == s.comms.size()) s.comms.emplace_back();
    Comm& c = s.comms[i];
    c = Comm{};
    c.live = true;
    c.context = context;
    c.group = std::move(group);
    c.rank = rank;
    c.errhandler = errhandler;
    return make_handle(HandleKind::comm, static_cast<int>(i));
}

// What each member contributes to a split; next_context rides along so one allgather also agrees
// on the context id.
struct SplitEntry {
    int color;
    int key;
    std::uint32_t next_context;
};

}  // namespace

MPI_Comm comm_dup(const Comm& parent) {
    std::uint32_t ctx = agree_context(parent);
    return install(parent.group, parent.rank, ctx, parent.errhandler);
}

MPI_Comm comm_split(const Comm& parent, int color, int key) {
    const int p = parent.size();
    std::vector<SplitEntry> all(static_cast<std::size_t>(p));
    SplitEntry mine{color, key, self_state().next_context};
    coll::allgather(&mine, sizeof mine, all.data(), sizeof mine, parent);

    std::uint32_t max_next = 0;
    for (const SplitEntry& e : all) max_next = std::max(max_next, e.next_context);
    std::uint32_t ctx = take_context(max_next);
    if (color == MPI_UNDEFINED) return MPI_COMM_NULL;

    std::vector<std::pair<int, int>> order;  // (key, parent rank) of my color
    for (int r = 0; r < p; ++r)
        if (all[static_cast<std::size_t>(r)].color == color)
            order.emplace_back(all[static_cast<std::size_t>(r)].key, r);
    std::sort(order.begin(), order.end());

    int me = MPI_UNDEFINED;
    bool same_as_parent = static_cast<int>(order.size()) == p;
    std::vector<int> members(order.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        int r = order[i].second;
        if (r == parent.rank) me = static_cast<int>(i);
        same_as_parent = same_as_parent && r == static_cast<int>(i);
        members[i] = parent.group->world_of(r);
    }
    // A split that keeps everyone in order (split(comm, 0, rank)) shares the parent's group.
    GroupPtr group = same_as_parent ? parent.group : group_of(std::move(members));
    return install(std::move(group), me, ctx, parent.errhandler);
}

MPI_Comm comm_create(const Comm& parent, const GroupPtr& group) {
    std::uint32_t ctx = agree_context(parent);
    int me = group->rank_of_world(parent.group->world_of(parent.rank));
    if (me == MPI_UNDEFINED) return MPI_COMM_NULL;
    return install(group, me, ctx, parent.errhandler);
}

void comm_free(MPI_Comm h) noexcept {
    RankState& s = self_state();
    s.comms[static_cast<std::size_t>(handle_index(HandleKind::comm, h))] = Comm{};
}

MPI_Comm comm_install(GroupPtr group, int rank, std::uint32_t context, MPI_Errhandler errhandler,
                      GroupPtr remote_group) {
    MPI_Comm h = install(std::move(group), rank, context, errhandler);
    comm_get(h)->remote_group = std::move(remote_group);
    return h;
}

int comm_compare(MPI_Comm a, MPI_Comm b) noexcept {
    if (a == b) return MPI_IDENT;
    const Comm *ca = comm_get(a), *cb = comm_get(b);
    if (ca->is_inter() != cb->is_inter()) return MPI_UNEQUAL;
    int g = group_compare(*ca->group, *cb->group);  // MPI_IDENT < MPI_SIMILAR < MPI_UNEQUAL
    if (ca->is_inter()) g = std::max(g, group_compare(*ca->remote_group, *cb->remote_group));
    return g == MPI_IDENT ? MPI_CONGRUENT : g;
}

GroupPtr group_get(MPI_Group h) noexcept {
    int i = handle_index(HandleKind::group, h);
    if (i < 0) return nullptr;
    RankState& s = self_state();
    if (static_cast<std::size_t>(i) >= s.groups.size()) return nullptr;
    return s.groups[static_cast<std::size_t>(i)];
}

MPI_Group group_install(GroupPtr g) {
    if (g->size == 0) return MPI_GROUP_EMPTY;
    RankState& s = self_state();
    std::size_t i = 1;  // 0 is MPI_GROUP_EMPTY
    while (i < s.groups.size() && s.groups[i]) ++i;
    if (i == s.groups.size()) s.groups.emplace_back();
    s.groups[i] = std::move(g);
    return make_handle(HandleKind::group, static_cast<int>(i));
}

void group_release(MPI_Group h) noexcept {
    int i = handle_index(HandleKind::group, h);
    if (i > 0) self_state().groups[static_cast<std::size_t>(i)].reset();
}

GroupPtr group_of(std::vector<int> members) {
    bool identity = true;
    for (std::size_t i = 0; i < members.size() && identity; ++i) identity = members[i] == static_cast<int>(i);
    if (!identity) return group_from(std::move(members));
    auto g = std::make_shared<Group>();
    g->size = static_cast<int>(members.size());
    return g;
}

int group_compare(const Group& a, const Group& b) {
    if (a.size != b.size) return MPI_UNEQUAL;
    bool same_order = true;
    if (&a != &b && !(a.members.empty() && b.members.empty()))
        for (int i = 0; i < a.size && same_order; ++i) same_order = a.world_of(i) == b.world_of(i);
    if (same_order) return MPI_IDENT;
    return group_subset(b, a) ? MPI_SIMILAR : MPI_UNEQUAL;
}

bool group_subset(const Group& sub, const Group& g) {
    GroupIndex index(g);
    for (int i = 0; i < sub.size; ++i)
        if (index.rank_of(sub.world_of(i)) == MPI_UNDEFINED) return false;
    return true;
}

GroupIndex::GroupIndex(const Group& g) {
    if (g.members.empty()) {
        identity_size_ = g.size;
        return;
    }
    by_world_.reserve(g.members.size());
    for (std::size_t i = 0; i < g.members.size(); ++i)
        by_world_.emplace_back(g.members[i], static_cast<int>(i));
    std::sort(by_world_.begin(), by_world_.end());
}

int GroupIndex::rank_of(int world) const noexcept {
    if (identity_size_ >= 0) return world >= 0 && world < identity_size_ ? world : MPI_UNDEFINED;
    auto it = std::lower_bound(by_world_.begin(), by_world_.end(), std::make_pair(world, -1));
    return it != by_world_.end() && it->first == world ? it->second : MPI_UNDEFINED;
}

}  // namespace mosix::lib
