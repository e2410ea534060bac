// runtime_internal.hpp — state and helpers shared by the runtime's own files (not the library's).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "balancer.hpp"
#include "rank.hpp"
#include "runtime.hpp"
#include "slots.hpp"

namespace mosix::rt {

struct PeState {
    JobConfig config;
    BalancerConfig balancer;
    SlotRegion slots;
    Rank* ranks = nullptr;      // every rank of the job, at a fixed address; only this PE's are live
    std::vector<int> location;  // rank -> PE
    std::vector<unsigned> location_version;
    std::vector<int> host_of_pe;          // host index of each PE (first PE with the same name)
    std::vector<std::string> host_names;  // by host index
    int pe = 0;
    int npes = 1;
    bool networked = false;       // more than one PE: the transport is up
    int live_ranks = 0;           // running here now
    int finished_ranks = 0;       // in the whole job, as far as this PE knows
    int finished_unreported = 0;  // finished here, not yet announced to the other PEs
    std::uint64_t slept_ns = 0;   // wall time spent asleep waiting for the network (idle)
    int exit_status = 0;          // the first failing rank's status
    int argc = 0;
    char** argv = nullptr;
    std::function<int(int, char**)> body;
    RankExitCheck exit_check = nullptr;
    BlockedDescriber describe_blocked = nullptr;
    RankRelease release_lib = nullptr;
};

PeState& pe() noexcept;

// True if every byte a rank owns is in its slot, so that the slot is the whole rank: what moving
// it and writing it to a checkpoint need. Not with rank heaps off, nor in the sanitizer build
// (AddressSanitizer owns malloc, so user allocations stay on the PE heap).
inline bool rank_memory_in_slots() noexcept {
#if defined(MOSIX_SANITIZE)
    return false;
#else
    return pe().config.rank_heaps;
#endif
}

void make_runnable(Rank* r) noexcept;
void run_scheduler();
void finish_rank(Rank* r);
[[noreturn]] void report_deadlock_and_exit();

}  // namespace mosix::rt
