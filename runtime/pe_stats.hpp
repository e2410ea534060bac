// pe_stats.hpp — what a PE counts for the operator (mosmon, mosctl show, mosexec --report): the
// messages and bytes it sent to each PE and received, and the migrations it sent off with their
// cost; and how those figures, with the gossip table, reach mosexec.
//
// Counting is on the send path, so it is two array increments: no allocation, no lock, no
// branch. The arrays are sized for the job's PEs when it starts (stats_start).
//
// Reporting: at every gossip period (balancer.cc) and once when the job ends on this PE, the PE
// writes one packet of JSON to its control socket (control.hpp), which its parent passes on to
// mosexec. Every PE writes its own part ("kind":"pe": its ranks, its row of the traffic matrix,
// its new migrations); PE 0 also writes the gossip table ("kind":"table"), which is where mosexec
// gets every PE's load, speed and memory from: it never asks a PE. A packet that finds the one
// before still on its way is dropped (the next replaces it); migrations wait until one carries them.
//
// Thread/PE safety: the PE's thread only.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mosix::rt {

namespace detail {
// [2 * npes]: messages, bytes sent to each PE (this PE's own index counts same-PE messages).
extern std::uint64_t* traffic;
extern std::uint64_t received_messages, received_bytes;
}  // namespace detail

inline void count_sent(int pe, std::size_t bytes) noexcept {
    std::uint64_t* t = detail::traffic + 2 * pe;
    ++t[0];
    t[1] += bytes;
}

inline void count_received(std::size_t bytes) noexcept {
    ++detail::received_messages;
    detail::received_bytes += bytes;
}

// This PE's totals, for the gossip table.
struct PeTotals {
    std::uint64_t sent_messages = 0, sent_bytes = 0;
    std::uint64_t received_messages = 0, received_bytes = 0;
    std::uint32_t migrations = 0;  // ranks this PE sent away
    std::uint64_t migration_bytes = 0;
    float migration_seconds = 0;  // from the start of a departure to its last byte sent
};

// Zeroes the counters for a job of `npes` PEs (before its ranks run).
void stats_start(int npes);

PeTotals stats_totals() noexcept;

// A departure of `rank` to PE `to` has finished: `bytes` sent in `seconds`.
void note_migration(int rank, int to, std::uint64_t bytes, double seconds) noexcept;

// Writes this PE's packets to mosexec (see above); `final` at the job's end on this PE.
void stats_publish(bool final) noexcept;

}  // namespace mosix::rt
