// halving.cc — the power-of-two fold and Rabenseifner's halving/doubling.
#include "halving.hpp"

namespace mosix::lib::coll {

Fold::Fold(int p, int rank) noexcept {
    pof2 = 1;
    while (pof2 * 2 <= p) pof2 *= 2;
    rem = p - pof2;
    if (rank < 2 * rem)
        newrank = rank % 2 ? rank / 2 : -1;
    else
        newrank = rank - rem;
}

void fold_in(const Reduction& r, const Fold& f, Byte* work, Byte* tmp) {
    const int me = r.comm.rank;
    if (me >= 2 * f.rem) return;
    std::size_t n = r.bytes(r.count);
    if (me % 2 == 0) {
        coll_send(r.comm, work, n, me + 1, r.tag);
    } else {
        coll_recv(r.comm, tmp, n, me - 1, r.tag);
        op_apply(r.op, tmp, work, r.count, r.dt, r.type);  // the even rank is the lower one
    }
}

void fold_out(const Reduction& r, const Fold& f, Byte* work) {
    const int me = r.comm.rank;
    if (me >= 2 * f.rem) return;
    if (me % 2)
        coll_send(r.comm, work, r.bytes(r.count), me - 1, r.tag);
    else
        coll_recv(r.comm, work, r.bytes(r.count), me + 1, r.tag);
}

Halving::Halving(const Reduction& r, const Fold& f) noexcept : r_(r), f_(f), hi_(f.pof2) {}

std::size_t Halving::start(int block) const noexcept {
    int q = r_.count / f_.pof2, extra = r_.count % f_.pof2;
    return r_.bytes(block * q + std::min(block, extra));
}

void Halving::reduce_scatter(Byte* work, Byte* tmp) {
    const int me = f_.newrank;
    for (int mask = 1; mask < f_.pof2; mask <<= 1, ++levels_) {
        parent_lo_[levels_] = lo_;
        parent_hi_[levels_] = hi_;
        int partner = me ^ mask, peer = f_.rank_of(partner), mid = (lo_ + hi_) / 2;
        // The partner holds the same range; the lower of the two keeps its lower half.
        int keep_lo = partner > me ? lo_ : mid, keep_hi = partner > me ? mid : hi_;
        int give_lo = partner > me ? mid : lo_, give_hi = partner > me ? hi_ : mid;
        coll_sendrecv(r_.comm, work + start(give_lo), span(give_lo, give_hi), peer, tmp + start(keep_lo),
                      span(keep_lo, keep_hi), peer, r_.tag);
        int elems = static_cast<int>(span(keep_lo, keep_hi) / r_.dt.size);
        combine(r_.op, tmp + start(keep_lo), work + start(keep_lo), elems, r_.dt, r_.type, partner < me);
        lo_ = keep_lo;
        hi_ = keep_hi;
    }
}

void Halving::allgather(Byte* work) {
    const int me = f_.newrank;
    for (int level = levels_ - 1; level >= 0; --level) {
        int peer = f_.rank_of(me ^ (1 << level));
        int plo = parent_lo_[level], phi = parent_hi_[level];
        // The partner holds the other half of the range both held before this level's halving.
        int olo = lo_ == plo ? hi_ : plo, ohi = lo_ == plo ? phi : lo_;
        coll_sendrecv(r_.comm, work + start(lo_), span(lo_, hi_), peer, work + start(olo), span(olo, ohi),
                      peer, r_.tag);
        lo_ = plo;
        hi_ = phi;
    }
}

void Halving::gather(Byte* work, int to) {
    const int me = f_.newrank;
    for (int level = levels_ - 1; level >= 0; --level) {
        int mask = 1 << level, peer = f_.rank_of(me ^ mask);
        if ((me ^ to) & mask) {
            coll_send(r_.comm, work + start(lo_), span(lo_, hi_), peer, r_.tag);
            return;
        }
        int plo = parent_lo_[level], phi = parent_hi_[level];
        int olo = lo_ == plo ? hi_ : plo, ohi = lo_ == plo ? phi : lo_;
        coll_recv(r_.comm, work + start(olo), span(olo, ohi), peer, r_.tag);
        lo_ = plo;
        hi_ = phi;
    }
}

}  // namespace mosix::lib::coll
