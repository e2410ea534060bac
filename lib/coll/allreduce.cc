// allreduce.cc — small vectors: a binomial reduce to rank 0 followed by a binomial bcast;
// large ones: Rabenseifner's reduce-scatter + allgather (each rank moves about 2n bytes). Both keep
// rank order, so they serve non-commutative operations too.
//
// Why not recursive doubling for small vectors: mosix runs many ranks per PE, and there every
// message costs CPU time the ranks share. Reduce + bcast sends 2(p - 1) messages in 2 log2 p rounds;
// recursive doubling sends p log2 p in log2 p rounds. Measured on one PE, 8 bytes on 64 ranks:
// 14 us against 30 us. Doubling would only win with about one rank per PE.
#include "coll.hpp"
#include "coll_util.hpp"
#include "halving.hpp"
#include "hierarchical.hpp"

namespace mosix::lib::coll {

void allreduce(const void* sbuf, void* rbuf, int count, const Datatype& dt, MPI_Datatype type,
               const OpRef& op, const Comm& comm) {
    if (hierarchical_allreduce(sbuf, rbuf, count, dt, type, op, comm)) return;
    const int p = comm.size();
    const std::size_t n = static_cast<std::size_t>(count) * dt.size;
    Byte* work = static_cast<Byte*>(rbuf);
    if (!in_place(sbuf)) copy(work, sbuf, n);
    if (p == 1 || count == 0) return;

    Fold f(p, comm.rank);
    if (n < kLargeMessage || count < f.pof2) {
        reduce_to(MPI_IN_PLACE, work, count, dt, type, op, 0, comm, kTagAllreduce);
        bcast_with(work, n, 0, comm, kTagAllreduce);
        return;
    }
    Reduction r{comm, count, dt, type, op, kTagAllreduce};
    Scratch tmp(n);
    fold_in(r, f, work, tmp.get());
    if (f.newrank >= 0) {
        Halving h(r, f);
        h.reduce_scatter(work, tmp.get());
        h.allgather(work);
    }
    fold_out(r, f, work);
}

}  // namespace mosix::lib::coll
