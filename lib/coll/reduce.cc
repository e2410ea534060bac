// reduce.cc — reduce: a binomial tree for small vectors; Rabenseifner's reduce-scatter followed by
// a binomial gather of the reduced blocks for large ones, so each rank moves O(n) bytes.
#include "coll.hpp"
#include "coll_util.hpp"
#include "halving.hpp"
#include "hierarchical.hpp"

namespace mosix::lib::coll {

namespace {

// A commutative op may reduce along a tree rooted anywhere. A non-commutative one uses the tree
// rooted at 0, where every partial result covers a contiguous run of ranks, and 0 forwards the
// result to the root.
void reduce_binomial(const void* sbuf, void* rbuf, int count, const Datatype& dt, MPI_Datatype type,
                     const OpRef& op, int root, const Comm& comm, int tag) {
    const int p = comm.size(), me = comm.rank;
    const std::size_t n = static_cast<std::size_t>(count) * dt.size;
    const int troot = op.commutative ? root : 0, vr = rel(me, troot, p);
    const void* mine = in_place(sbuf) ? rbuf : sbuf;

    const bool inner = has_children(vr, p);
    // The root accumulates in its receive buffer (if it is an inner node of a tree rooted at 0, the
    // final result overwrites its partial one after that was sent).
    Scratch a(inner && me != root ? n : 0), b(inner ? n : 0);
    Byte* acc = me == root ? static_cast<Byte*>(rbuf) : a.get();
    Byte* tmp = b.get();
    if (inner) copy(acc, mine, n);
    const void* result = inner ? acc : mine;

    for (int mask = 1; mask < p; mask <<= 1) {
        if (vr & mask) {
            coll_send(comm, result, n, abs_rank(vr - mask, troot, p), tag);
            break;
        }
        if (vr + mask >= p) continue;
        coll_recv(comm, tmp, n, abs_rank(vr + mask, troot, p), tag);
        combine(op, tmp, acc, count, dt, type, false);
    }
    if (vr == 0 && troot == root) copy(rbuf, result, n);
    if (troot != root) {
        if (vr == 0) coll_send(comm, result, n, root, tag);
        if (me == root) coll_recv(comm, rbuf, n, troot, tag);
    }
}

void reduce_halving(const void* sbuf, void* rbuf, int count, const Datatype& dt, MPI_Datatype type,
                    const OpRef& op, int root, const Comm& comm, int tag) {
    const int p = comm.size(), me = comm.rank;
    const std::size_t n = static_cast<std::size_t>(count) * dt.size;
    Scratch w(me == root ? 0 : n), t(n);
    Byte* work = me == root ? static_cast<Byte*>(rbuf) : w.get();
    copy(work, in_place(sbuf) ? rbuf : sbuf, n);

    Reduction r{comm, count, dt, type, op, tag};
    Fold f(p, me);
    fold_in(r, f, work, t.get());
    // Gather at the root's survivor: the root itself, or its odd neighbour if it sat out.
    int to = root >= 2 * f.rem ? root - f.rem : root / 2, holder = f.rank_of(to);
    if (f.newrank >= 0) {
        Halving h(r, f);
        h.reduce_scatter(work, t.get());
        h.gather(work, to);
    }
    if (holder != root) {
        if (me == holder) coll_send(comm, work, n, root, tag);
        if (me == root) coll_recv(comm, rbuf, n, holder, tag);
    }
}

}  // namespace

void reduce_to(const void* sbuf, void* rbuf, int count, const Datatype& dt, MPI_Datatype type,
               const OpRef& op, int root, const Comm& comm, int tag) {
    if (count == 0) return;
    const std::size_t n = static_cast<std::size_t>(count) * dt.size;
    if (n >= kLargeMessage && count >= Fold(comm.size(), 0).pof2)
        reduce_halving(sbuf, rbuf, count, dt, type, op, root, comm, tag);
    else
        reduce_binomial(sbuf, rbuf, count, dt, type, op, root, comm, tag);
}

void reduce(const void* sbuf, void* rbuf, int count, const Datatype& dt, MPI_Datatype type, const OpRef& op,
            int root, const Comm& comm) {
    if (hierarchical_reduce(sbuf, rbuf, count, dt, type, op, root, comm)) return;
    reduce_to(sbuf, rbuf, count, dt, type, op, root, comm, kTagReduce);
}

}  // namespace mosix::lib::coll
