// hierarchical.cc — the two-level versions of barrier, bcast, reduce and allreduce (see
// hierarchy.hpp). Each returns false, doing nothing, when the flat algorithm should run instead.
// Reductions are hierarchical only for commutative operations: grouping by PE reorders operands.
#include "hierarchical.hpp"

#include "coll.hpp"
#include "coll_util.hpp"
#include "hierarchy.hpp"

namespace mosix::lib::coll {

namespace {

// Among leaders (one rank per PE) every message crosses PEs and no CPU is shared, so recursive
// doubling's log2 P concurrent exchanges beat a reduce + bcast's 2 log2 P sequential steps.
void leaders_allreduce(Byte* buf, int count, const Datatype& dt, MPI_Datatype type, const OpRef& op,
                       const Comm& leaders) {
    const int p = leaders.size();
    const std::size_t n = static_cast<std::size_t>(count) * dt.size;
    if ((p & (p - 1)) != 0 || n >= kLargeMessage) {
        allreduce(MPI_IN_PLACE, buf, count, dt, type, op, leaders);
        return;
    }
    Scratch tmp(n);
    for (int mask = 1; mask < p; mask <<= 1) {
        int peer = leaders.rank ^ mask;
        coll_sendrecv(leaders, buf, n, peer, tmp.get(), n, peer, kTagAllreduce);
        combine(op, tmp.get(), buf, count, dt, type, peer < leaders.rank);
    }
}

}  // namespace

bool hierarchical_barrier(const Comm& comm) {
    const Hierarchy* h = hierarchy_of(comm);
    if (!h) return false;
    // Fan in to the PE's leader along a binomial tree, leaders synchronise, then fan out.
    const Comm& local = h->local;
    const int p = local.size(), vr = local.rank;
    char token = 0;
    for (int mask = 1; mask < p; mask <<= 1) {
        if (vr & mask) {
            coll_send(local, &token, 1, vr - mask, kTagBarrierFanIn);
            break;
        }
        if (vr + mask < p) coll_recv(local, &token, 1, vr + mask, kTagBarrierFanIn);
    }
    if (h->is_leader) barrier(h->leaders);
    bcast_with(&token, 1, 0, local, kTagBarrierFanOut);
    return true;
}

bool hierarchical_bcast(void* buf, std::size_t bytes, int root, const Comm& comm) {
    const Hierarchy* h = hierarchy_of(comm);
    if (!h || h->blocked || bytes == 0) return false;
    int root_local = local_rank_of(*h, comm, root);
    if (root_local != MPI_UNDEFINED && root_local != 0) {  // the root is on this PE but not its leader
        if (comm.rank == root)
            coll_send(h->local, buf, bytes, 0, kTagBcast);
        else if (h->is_leader)
            coll_recv(h->local, buf, bytes, root_local, kTagBcast);
    }
    if (h->is_leader) bcast(buf, bytes, leader_index_of(*h, comm, root), h->leaders);
    bcast(buf, bytes, 0, h->local);
    return true;
}

bool hierarchical_reduce(const void* sbuf, void* rbuf, int count, const Datatype& dt, MPI_Datatype type,
                         const OpRef& op, int root, const Comm& comm) {
    const Hierarchy* h = hierarchy_of(comm);
    if (!h || h->blocked || !op.commutative) return false;
    const std::size_t n = static_cast<std::size_t>(count) * dt.size;
    const bool is_root = comm.rank == root;
    const int root_local = local_rank_of(*h, comm, root);
    // Leaders accumulate in the root's receive buffer when they are the root, else in scratch.
    Scratch partial(h->is_leader && !is_root ? n : 0);
    void* acc = is_root ? rbuf : partial.get();
    // The root's input is in rbuf when in place; a non-leader root keeps rbuf for the final result.
    const void* mine = in_place(sbuf) ? rbuf : sbuf;
    const bool save_input = is_root && !h->is_leader && in_place(sbuf);
    Scratch input(save_input ? n : 0);
    if (save_input) {
        copy(input.get(), rbuf, n);
        mine = input.get();
    }
    reduce(h->is_leader && is_root && in_place(sbuf) ? MPI_IN_PLACE : mine, acc, count, dt, type, op, 0,
           h->local);
    if (h->is_leader)
        reduce(MPI_IN_PLACE, acc, count, dt, type, op, leader_index_of(*h, comm, root), h->leaders);
    if (root_local != MPI_UNDEFINED && root_local != 0) {
        if (h->is_leader) coll_send(h->local, acc, n, root_local, kTagReduce);
        if (is_root) coll_recv(h->local, rbuf, n, 0, kTagReduce);
    }
    return true;
}

bool hierarchical_allreduce(const void* sbuf, void* rbuf, int count, const Datatype& dt, MPI_Datatype type,
                            const OpRef& op, const Comm& comm) {
    if (!op.commutative || count == 0) return false;
    const std::size_t n = static_cast<std::size_t>(count) * dt.size;
    const Hierarchy* h = hierarchy_of(comm);
    if (h && h->blocked) return false;
    if (!h) {
        // One member per PE: the members are leaders already.
        if (!spread_one_per_pe(comm) || n >= kLargeMessage || (comm.size() & (comm.size() - 1)) != 0)
            return false;
        if (!in_place(sbuf)) copy(rbuf, sbuf, n);
        leaders_allreduce(static_cast<Byte*>(rbuf), count, dt, type, op, comm);
        return true;
    }
    reduce(sbuf, rbuf, count, dt, type, op, 0, h->local);
    if (h->is_leader) leaders_allreduce(static_cast<Byte*>(rbuf), count, dt, type, op, h->leaders);
    bcast(rbuf, n, 0, h->local);
    return true;
}

}  // namespace mosix::lib::coll
