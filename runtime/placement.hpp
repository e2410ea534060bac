// placement.hpp — where ranks start: in blocks, so neighbouring ranks (who usually talk most) share
// a PE. With N = q * P + r ranks on P PEs, the first r PEs hold q + 1 ranks and the rest q. Every
// PE computes the same placement, so every location cache starts correct.
#pragma once

namespace mosix::rt {

inline int placement_first_rank(int pe, int nranks, int npes) noexcept {
    int q = nranks / npes, r = nranks % npes;
    return pe * q + (pe < r ? pe : r);
}

inline int placement_pe_of(int rank, int nranks, int npes) noexcept {
    int q = nranks / npes, r = nranks % npes;
    int big = r * (q + 1);  // ranks held by the PEs that got one extra
    if (rank < big) return rank / (q + 1);
    return q == 0 ? npes - 1 : r + (rank - big) / q;
}

}  // namespace mosix::rt
