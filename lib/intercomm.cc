#include "intercomm.hpp"

#include <algorithm>
#include <climits>
#include <memory>
#include <utility>

#include "coll/coll.hpp"
#include "comm.hpp"
#include "p2p.hpp"

namespace mosix::lib {

namespace {

// Tags on an intercommunicator's context + 1 (nothing else travels there).
enum InterTag : int {
    kTagInterBarrier = 1,
    kTagInterBcast,
    kTagInterAllreduce,
    kTagInterAllgather,
};

// An intercommunicator takes four ids (intercomm.hpp), a merged intracommunicator two.
constexpr std::uint32_t kInterContexts = 4;
constexpr std::uint32_t kIntraContexts = 2;

std::uint32_t take_context(std::uint32_t max_next, std::uint32_t width) {
    self_state().next_context = max_next + width;
    return max_next;
}

// Every member's contribution of `bytes`: the local group's in local rank order, the remote
// group's in remote rank order.
template <class T>
void inter_allgather(const Comm& ic, const T& mine, std::vector<T>* local_all, std::vector<T>* remote_all) {
    const Comm& local = local_of(ic);
    local_all->resize(static_cast<std::size_t>(ic.size()));
    remote_all->resize(static_cast<std::size_t>(ic.remote_group->size));
    coll::allgather(&mine, sizeof(T), local_all->data(), sizeof(T), local);
    if (ic.rank == 0)
        coll_sendrecv(ic, local_all->data(), local_all->size() * sizeof(T), 0, remote_all->data(),
                      remote_all->size() * sizeof(T), 0, kTagInterAllgather);
    coll::bcast(remote_all->data(), remote_all->size() * sizeof(T), 0, local);
}

template <class T>
std::uint32_t max_next_context(const std::vector<T>& a, const std::vector<T>& b) {
    std::uint32_t m = 0;
    for (const T& e : a) m = std::max(m, e.next_context);
    for (const T& e : b) m = std::max(m, e.next_context);
    return m;
}

std::vector<int> world_ranks(const Group& g) {
    std::vector<int> w(static_cast<std::size_t>(g.size));
    for (int i = 0; i < g.size; ++i) w[static_cast<std::size_t>(i)] = g.world_of(i);
    return w;
}

// Point-to-point on `peer`'s own context (MPI_Intercomm_create's exchange travels there, under
// the program's tag, as the standard says).
void peer_exchange(const Comm& peer, int other, int tag, const void* sbuf, std::size_t sbytes, void* rbuf,
                   std::size_t rbytes) {
    Request send;
    send.kind = RequestKind::send;
    send.owner = rt::this_rank();
    send_start(&send, peer.peers().world_of(other), Envelope{peer.context, peer.rank, tag, sbytes}, sbuf,
               false);
    Request recv;
    recv.owner = rt::this_rank();
    recv.context = peer.context;
    recv.peer = other;
    recv.tag = tag;
    recv.buf = rbuf;
    recv.bytes = rbytes;
    recv_start(&recv);
    wait_for(&recv, "MPI_Intercomm_create");
    wait_for(&send, "MPI_Intercomm_create");
}

}  // namespace

const Comm& local_of(const Comm& ic) {
    if (!ic.local_view) {
        auto v = std::make_shared<Comm>();
        v->live = true;
        v->context = ic.context + 2;
        v->group = ic.group;
        v->rank = ic.rank;
        v->errhandler = ic.errhandler;
        ic.local_view = std::move(v);
    }
    return *ic.local_view;
}

std::vector<int> intercomm_exchange(const Comm& local, int local_leader, const Comm* peer, int remote_leader,
                                    int tag, std::uint32_t* context) {
    // The local group agrees on its own maximum first; the leaders then take the larger one.
    std::uint32_t mine = self_state().next_context, local_max = 0;
    OpRef max;
    op_get(MPI_MAX, &max);
    coll::allreduce(&mine, &local_max, 1, *datatype_get(MPI_UNSIGNED), MPI_UNSIGNED, max, local);

    struct Header {
        std::uint32_t max_next;
        int size;
    } head{local_max, local.size()};
    std::vector<int> remote;
    if (local.rank == local_leader) {
        Header theirs{};
        peer_exchange(*peer, remote_leader, tag, &head, sizeof head, &theirs, sizeof theirs);
        std::vector<int> ours = world_ranks(*local.group);
        remote.resize(static_cast<std::size_t>(theirs.size));
        peer_exchange(*peer, remote_leader, tag, ours.data(), ours.size() * sizeof(int), remote.data(),
                      remote.size() * sizeof(int));
        head = Header{std::max(local_max, theirs.max_next), theirs.size};
    }
    coll::bcast(&head, sizeof head, local_leader, local);
    remote.resize(static_cast<std::size_t>(head.size));
    coll::bcast(remote.data(), remote.size() * sizeof(int), local_leader, local);
    *context = take_context(head.max_next, kInterContexts);
    return remote;
}

MPI_Comm intercomm_merge(const Comm& ic, bool high) {
    struct Entry {
        int high;
        std::uint32_t next_context;
    };
    std::vector<Entry> mine_all, theirs_all;
    inter_allgather(ic, Entry{high ? 1 : 0, self_state().next_context}, &mine_all, &theirs_all);
    std::uint32_t ctx = take_context(max_next_context(mine_all, theirs_all), kIntraContexts);
    // The group that passed high = false comes first; if both passed the same, the group whose
    // first member has the lower world rank (both groups decide alike).
    const int mine_high = mine_all[0].high, theirs_high = theirs_all[0].high;
    const bool local_first = mine_high != theirs_high ? mine_high < theirs_high
                                                      : ic.group->world_of(0) < ic.remote_group->world_of(0);
    std::vector<int> members = world_ranks(local_first ? *ic.group : *ic.remote_group);
    std::vector<int> second = world_ranks(local_first ? *ic.remote_group : *ic.group);
    members.insert(members.end(), second.begin(), second.end());
    int me = local_first ? ic.rank : ic.remote_group->size + ic.rank;
    return comm_install(group_of(std::move(members)), me, ctx, ic.errhandler);
}

MPI_Comm intercomm_dup(const Comm& ic) {
    struct Entry {
        std::uint32_t next_context;
    };
    std::vector<Entry> mine_all, theirs_all;
    inter_allgather(ic, Entry{self_state().next_context}, &mine_all, &theirs_all);
    std::uint32_t ctx = take_context(max_next_context(mine_all, theirs_all), kInterContexts);
    return comm_install(ic.group, ic.rank, ctx, ic.errhandler, ic.remote_group);
}

MPI_Comm intercomm_split(const Comm& ic, int color, int key) {
    struct Entry {
        int color;
        int key;
        std::uint32_t next_context;
    };
    std::vector<Entry> mine_all, theirs_all;
    inter_allgather(ic, Entry{color, key, self_state().next_context}, &mine_all, &theirs_all);
    std::uint32_t ctx = take_context(max_next_context(mine_all, theirs_all), kInterContexts);
    if (color == MPI_UNDEFINED) return MPI_COMM_NULL;
    // Each side's members of this color, ordered by (key, rank in their group).
    auto pick = [color](const std::vector<Entry>& all, const Group& g) {
        std::vector<std::pair<int, int>> order;
        for (std::size_t r = 0; r < all.size(); ++r)
            if (all[r].color == color) order.emplace_back(all[r].key, static_cast<int>(r));
        std::sort(order.begin(), order.end());
        std::vector<int> members;
        for (const auto& [k, r] : order) members.push_back(g.world_of(r));
        return members;
    };
    std::vector<int> local = pick(mine_all, *ic.group), remote = pick(theirs_all, *ic.remote_group);
    if (remote.empty()) return MPI_COMM_NULL;
    const int me_world = ic.group->world_of(ic.rank);
    int me = static_cast<int>(std::find(local.begin(), local.end(), me_world) - local.begin());
    return comm_install(group_of(std::move(local)), me, ctx, ic.errhandler, group_of(std::move(remote)));
}

// A binomial tree over the group's members, addressed by their parent ranks (so messages of
// different groups' calls never pass for each other), on the parent's collective context under a
// tag of its own (negative: the collective algorithms' tags are small positive numbers).
MPI_Comm comm_create_group(const Comm& parent, const GroupPtr& group, int tag) {
    const int n = group->size, me = group->rank_of_world(parent.group->world_of(parent.rank));
    const int internal_tag = INT_MIN + (tag & 0x3fffffff);
    auto parent_rank = [&](int i) { return parent.group->rank_of_world(group->world_of(i)); };
    std::uint32_t max_next = self_state().next_context;
    int low = 1;  // the lowest set bit of `me` (for member 0: past the last member)
    while (low < n && !(me & low)) low <<= 1;
    for (int m = 1; m < low; m <<= 1) {  // combine the subtree below
        if (me + m >= n) break;
        std::uint32_t theirs = 0;
        coll_recv(parent, &theirs, sizeof theirs, parent_rank(me + m), internal_tag);
        max_next = std::max(max_next, theirs);
    }
    if (me != 0) {
        coll_send(parent, &max_next, sizeof max_next, parent_rank(me - low), internal_tag);
        coll_recv(parent, &max_next, sizeof max_next, parent_rank(me - low), internal_tag);
    }
    for (int m = low >> 1; m > 0; m >>= 1)
        if (me + m < n) coll_send(parent, &max_next, sizeof max_next, parent_rank(me + m), internal_tag);
    std::uint32_t ctx = take_context(max_next, kIntraContexts);
    return comm_install(group, me, ctx, parent.errhandler);
}

namespace coll {

void inter_barrier(const Comm& ic) {
    const Comm& local = local_of(ic);
    barrier(local);
    char token = 0;
    if (ic.rank == 0) coll_sendrecv(ic, &token, 1, 0, &token, 1, 0, kTagInterBarrier);
    bcast(&token, 1, 0, local);
}

void inter_bcast(void* buf, std::size_t bytes, int root, const Comm& ic) {
    if (root == MPI_PROC_NULL) return;
    if (root == MPI_ROOT) {
        coll_send(ic, buf, bytes, 0, kTagInterBcast);
        return;
    }
    if (ic.rank == 0) coll_recv(ic, buf, bytes, root, kTagInterBcast);
    bcast(buf, bytes, 0, local_of(ic));
}

void inter_allreduce(const void* sbuf, void* rbuf, int count, const Datatype& dt, MPI_Datatype type,
                     const OpRef& op, const Comm& ic) {
    const Comm& local = local_of(ic);
    const std::size_t bytes = static_cast<std::size_t>(count) * dt.size;
    std::vector<unsigned char> ours(bytes);
    reduce(sbuf, ours.data(), count, dt, type, op, 0, local);
    if (ic.rank == 0) coll_sendrecv(ic, ours.data(), bytes, 0, rbuf, bytes, 0, kTagInterAllreduce);
    bcast(rbuf, bytes, 0, local);
}

}  // namespace coll

}  // namespace mosix::lib
