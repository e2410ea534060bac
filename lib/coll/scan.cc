// scan.cc — inclusive and exclusive prefix reductions by recursive doubling: log2 p rounds on any
// communicator size. After the round at distance d a rank's running total covers its aligned group
// of 2d ranks, and contributions from lower groups are always applied on the left, so the result
// is x0 op x1 op ... in rank order even for non-commutative operations.
#include "coll.hpp"
#include "coll_util.hpp"

namespace mosix::lib::coll {

namespace {

void prefix(const void* mine, void* rbuf, bool inclusive, int count, const Datatype& dt, MPI_Datatype type,
            const OpRef& op, const Comm& comm, int tag) {
    const int p = comm.size(), me = comm.rank;
    const std::size_t n = static_cast<std::size_t>(count) * dt.size;
    Scratch total(n), tmp(n);
    copy(total.get(), mine, n);
    if (inclusive) copy(rbuf, mine, n);
    bool have = inclusive;  // an exclusive scan has nothing until a lower group reports
    for (int mask = 1; mask < p; mask <<= 1) {
        int peer = me ^ mask;
        if (peer >= p) continue;
        coll_sendrecv(comm, total.get(), n, peer, tmp.get(), n, peer, tag);
        if (peer < me) {
            if (have)
                op_apply(op, tmp.get(), rbuf, count, dt, type);
            else
                copy(rbuf, tmp.get(), n);
            have = true;
        }
        combine(op, tmp.get(), total.get(), count, dt, type, peer < me);
    }
}

}  // namespace

void scan(const void* sbuf, void* rbuf, int count, const Datatype& dt, MPI_Datatype type, const OpRef& op,
          const Comm& comm) {
    if (count == 0) return;
    prefix(in_place(sbuf) ? rbuf : sbuf, rbuf, true, count, dt, type, op, comm, kTagScan);
}

void exscan(const void* sbuf, void* rbuf, int count, const Datatype& dt, MPI_Datatype type, const OpRef& op,
            const Comm& comm) {
    if (count == 0) return;
    prefix(in_place(sbuf) ? rbuf : sbuf, rbuf, false, count, dt, type, op, comm, kTagExscan);
}

}  // namespace mosix::lib::coll
