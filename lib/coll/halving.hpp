// halving.hpp — Rabenseifner's recursive halving and doubling on any communicator size, shared by
// reduce and allreduce.
//
// Both need a power-of-two number of participants. Fold pairs the first 2*rem ranks (even with
// odd): the even one hands its data to the odd one and sits out, and the pof2 survivors are
// renumbered in rank order. Every survivor's data then covers a contiguous run of ranks, and the
// exchanges below always combine "lower run op higher run", so non-commutative operations keep the
// rank order the standard requires.
#pragma once

#include "coll_util.hpp"

namespace mosix::lib::coll {

struct Fold {
    int pof2;     // largest power of two <= p
    int rem;      // p - pof2
    int newrank;  // this rank among the survivors, or -1 if it sits out

    Fold(int p, int rank) noexcept;
    // The communicator rank of survivor `nr`.
    int rank_of(int nr) const noexcept { return nr < rem ? 2 * nr + 1 : nr + rem; }
};

// The reduction every rank needs to know how to run on its buffers.
struct Reduction {
    const Comm& comm;
    int count;
    const Datatype& dt;
    MPI_Datatype type;
    const OpRef& op;
    int tag;

    std::size_t bytes(int elems) const noexcept { return static_cast<std::size_t>(elems) * dt.size; }
};

// Even ranks below 2*rem send `work` (count elements) to their odd neighbour, which combines it
// into its own `work` using `tmp` (same size) to receive.
void fold_in(const Reduction& r, const Fold& f, Byte* work, Byte* tmp);
// The odd neighbours hand the finished result back to the even ranks that sat out.
void fold_out(const Reduction& r, const Fold& f, Byte* work);

// Rabenseifner's reduce-scatter and allgather over the survivors. The vector is cut into pof2
// blocks; halving with distances 1, 2, 4, ... leaves each survivor holding the full reduction of
// one block of `work` (the others hold partial results) and records the ranges it went through,
// so allgather() or gather() can retrace them. Each rank moves about `count` elements in total.
class Halving {
public:
    Halving(const Reduction& r, const Fold& f) noexcept;

    void reduce_scatter(Byte* work, Byte* tmp);
    // Afterwards every survivor's `work` holds the full result.
    void allgather(Byte* work);
    // Afterwards survivor `to`'s `work` holds the full result (binomial: log2(pof2) rounds).
    void gather(Byte* work, int to);

private:
    std::size_t start(int block) const noexcept;  // byte offset of a block
    std::size_t span(int lo, int hi) const noexcept { return start(hi) - start(lo); }

    const Reduction& r_;
    const Fold& f_;
    int levels_ = 0;
    int lo_ = 0, hi_ = 0;                          // blocks this survivor holds now
    int parent_lo_[32] = {}, parent_hi_[32] = {};  // what it held before each halving step
};

}  // namespace mosix::lib::coll
