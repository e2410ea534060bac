// rank_traffic.hpp — which ranks a rank talks to, for the balancer's choice of which rank to move.
//
// A stencil code's rank exchanges halos with a few neighbours; a balancer that moves ranks without
// looking at them scatters neighbours over PEs, and every halo that crosses PEs then couples their
// schedules (a rank on PE 0 waits for one on PE 1 that waits for PE 0 ...). So each rank counts the
// bytes it sends to its peers, in a few slots: the ranks it talks to most (the space-saving sketch:
// a peer not in a slot takes over the smallest count and adds to it, so a heavy peer always gets in
// and a light one may be overestimated, never a heavy one missed). Peers, not PEs: the balancer
// plans several moves at once, and a peer it has just planned to move counts where it goes.
// The balancer halves the counts at every measurement, so they follow the program's current
// pattern, and clears them when the rank arrives on another PE. Counting is a short scan of four
// slots on the send path: no allocation.
#pragma once

#include <cstdint>

namespace mosix::rt {

struct RankTraffic {
    static constexpr int kSlots = 4;
    std::int32_t peer[kSlots] = {-1, -1, -1, -1};  // world ranks; -1: an empty slot
    std::uint64_t bytes[kSlots] = {};

    void count(int to_rank, std::uint64_t n) noexcept {
        int smallest = 0;
        for (int i = 0; i < kSlots; ++i) {
            if (peer[i] == to_rank) {
                bytes[i] += n;
                return;
            }
            if (bytes[i] < bytes[smallest]) smallest = i;
        }
        peer[smallest] = to_rank;
        bytes[smallest] += n;
    }
    void decay() noexcept {
        for (std::uint64_t& b : bytes) b /= 2;
    }
    void clear() noexcept { *this = RankTraffic{}; }
};

}  // namespace mosix::rt
