// gossip.hpp — resource discovery, MOSIX style: what this PE knows of every PE's load, speed and
// memory, kept fresh by gossip instead of a central collector.
//
// Every PE measures its own figures (balancer.cc) and, each gossip interval, sends its whole
// table — its own entry brand new, the others as old as they are — to one PE picked at random.
// A receiver keeps, for each PE, whichever entry is younger. Information about any PE reaches all
// the others in O(log P) intervals on average, each PE sends one small message per interval, and
// nothing waits for anyone: a dead or slow PE just has an ageing entry.
//
// Thread/PE safety: the PE's thread only (scheduler context or a rank inside the library).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace mosix::rt {

// One PE's figures as gossip carries them.
struct PeFigures {
    float speed = 0;  // raw speed of its core, work units per CPU-second (measure.hpp)
    float share = 1;  // the share of that core it gets (0..1): it delivers speed x share
    float load = 0;   // CPU seconds per second its ranks used over the last window
    std::int32_t ranks = 0;
    std::int32_t host = 0;          // host index in the job (PEs with the same host name share one)
    std::uint64_t free_memory = 0;  // bytes still available to it (host or cgroup limit)
    std::uint32_t flags = 0;        // kDrained: accepts no ranks
    static constexpr std::uint32_t kDrained = 1;
    // For the operator (pe_stats.hpp), not the balancer: totals since the job started.
    std::uint32_t migrations = 0;  // ranks it sent away
    float migration_seconds = 0;
    std::uint64_t migration_bytes = 0;
    std::uint64_t sent_messages = 0, sent_bytes = 0;
    std::uint64_t received_messages = 0, received_bytes = 0;
};

// An entry of the table: the figures and how old they are now.
struct PeEntry {
    bool known = false;
    PeFigures figures;
    double age_s = 0;
};

// Starts the table for a job of `npes` PEs (this PE's own entry is unknown until set_own()).
void gossip_start(int npes, int this_pe);

// Records this PE's newly measured figures (age 0).
void gossip_set_own(const PeFigures& figures);

// Everything this PE knows now, by PE index.
std::vector<PeEntry> gossip_table();

// Serializes the table for one gossip message; merges one received.
std::vector<unsigned char> gossip_message();
void gossip_received(const void* data, std::size_t len);

// Messages sent and received so far (the overhead figure).
std::uint64_t gossip_messages_sent();
std::uint64_t gossip_messages_received();
void gossip_count_sent();

}  // namespace mosix::rt
