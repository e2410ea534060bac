// reduce_scatter.cc — a ring for large vectors under a commutative op (p - 1 rounds, each rank
// moves about n bytes); otherwise a reduce to rank 0 (itself O(log p) rounds and O(n) bytes per
// rank) followed by a binomial scatter of the blocks, which also keeps non-commutative order.
#include <vector>

#include "coll.hpp"
#include "coll_util.hpp"

namespace mosix::lib::coll {

namespace {

// Rank i's block starts at element `first[i]` (first[p] is the total).
void ring(const void* src, void* rbuf, const std::size_t* first, const Datatype& dt, MPI_Datatype type,
          const OpRef& op, const Comm& comm) {
    const int p = comm.size(), me = comm.rank;
    const std::size_t sz = dt.size;
    std::size_t largest = 0;
    for (int i = 0; i < p; ++i) largest = std::max(largest, first[i + 1] - first[i]);
    // In place, the input already sits in rbuf and can be reduced there.
    Scratch w(src == rbuf ? 0 : first[p] * sz), t(largest * sz);
    Byte* work = src == rbuf ? static_cast<Byte*>(rbuf) : w.get();
    copy(work, src, first[p] * sz);

    // Block b's partial sum starts at rank b + 1 and travels right, ending complete at rank b.
    const int right = (me + 1) % p, left = (me + p - 1) % p;
    for (int s = 0; s < p - 1; ++s) {
        int out = (me - s - 1 + 2 * p) % p, in = (me - s - 2 + 2 * p) % p;
        std::size_t in_elems = first[in + 1] - first[in];
        coll_sendrecv(comm, work + first[out] * sz, (first[out + 1] - first[out]) * sz, right, t.get(),
                      in_elems * sz, left, kTagReduceScatter);
        op_apply(op, t.get(), work + first[in] * sz, static_cast<int>(in_elems), dt, type);
    }
    copy(rbuf, work + first[me] * sz, (first[me + 1] - first[me]) * sz);
}

void reduce_then_scatter(const void* src, void* rbuf, const std::size_t* first, const Datatype& dt,
                         MPI_Datatype type, const OpRef& op, const Comm& comm) {
    const int p = comm.size(), me = comm.rank;
    const std::size_t sz = dt.size, mine = (first[me + 1] - first[me]) * sz;
    auto off = [&](int i) { return first[i] * sz; };
    // Rank 0 holds the whole result; inner tree nodes hold their subtree's blocks; leaves receive
    // straight into rbuf.
    std::size_t hold = me == 0               ? off(p)
                       : has_children(me, p) ? off(std::min(me + subtree_span(me, p), p)) - off(me)
                                             : 0;
    Scratch s(hold);
    Byte* sub = hold ? s.get() : static_cast<Byte*>(rbuf);
    reduce_to(src, sub, static_cast<int>(first[p]), dt, type, op, 0, comm, kTagReduceScatter);
    tree_scatter(comm, 0, off, sub, kTagReduceScatter);
    copy(rbuf, sub, mine);
}

}  // namespace

void reduce_scatter(const void* sbuf, void* rbuf, const int* recvcounts, const Datatype& dt,
                    MPI_Datatype type, const OpRef& op, const Comm& comm) {
    const int p = comm.size();
    std::vector<std::size_t, rt::RankAllocator<std::size_t>> first(static_cast<std::size_t>(p) + 1);
    for (int i = 0; i < p; ++i) first[i + 1] = first[i] + static_cast<std::size_t>(recvcounts[i]);
    const void* src = in_place(sbuf) ? rbuf : sbuf;
    const std::size_t total = first.back() * dt.size;
    if (total == 0) return;
    if (p == 1)
        copy(rbuf, src, total);
    else if (op.commutative && total >= kLargeMessage)
        ring(src, rbuf, first.data(), dt, type, op, comm);
    else
        reduce_then_scatter(src, rbuf, first.data(), dt, type, op, comm);
}

}  // namespace mosix::lib::coll
