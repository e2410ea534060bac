// allreduce.cc — recursive doubling for small vectors (log2 p rounds); Rabenseifner's
// reduce-scatter + allgather for large ones (each rank moves about 2n bytes). Both fold a
// non-power-of-two communicator onto its largest power of two first, and both keep rank order, so
// they serve non-commutative operations too.
#include "coll.hpp"

#include "coll_util.hpp"
#include "halving.hpp"

namespace mosix::lib::coll {

void allreduce(const void* sbuf, void* rbuf, int count, const Datatype& dt, MPI_Datatype type,
               const OpRef& op, const Comm& comm) {
    const int p = comm.size();
    const std::size_t n = static_cast<std::size_t>(count) * dt.size;
    Byte* work = static_cast<Byte*>(rbuf);
    if (!in_place(sbuf)) copy(work, sbuf, n);
    if (p == 1 || count == 0) return;

    Reduction r{comm, count, dt, type, op, kTagAllreduce};
    Fold f(p, comm.rank);
    Scratch tmp(n);
    fold_in(r, f, work, tmp.get());
    if (f.newrank >= 0) {
        if (n >= kLargeMessage && count >= f.pof2) {
            Halving h(r, f);
            h.reduce_scatter(work, tmp.get());
            h.allgather(work);
        } else {
            doubling_allreduce(r, f, work, tmp.get());
        }
    }
    fold_out(r, f, work);
}

}  // namespace mosix::lib::coll
