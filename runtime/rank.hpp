// rank.hpp — the runtime's control block of one rank (one instance of the user's program).
//
// The runtime knows a rank as a fiber with a state; what the rank is doing in the communication
// library lives behind `lib`, which the runtime never looks into (layering: runtime/ knows no lib/).
// The table of control blocks sits at the same address in every PE (runtime.cc), so a pointer to
// a rank's block kept in its own memory (a request's owner) stays right when the rank migrates.
#pragma once

#include <boost/context/detail/fcontext.hpp>
#include <cstddef>
#include <cstdint>

#include "rank_traffic.hpp"

namespace mosix::rt {

enum class RankState : std::uint8_t {
    ready,          // in the run queue
    running,        // the fiber on the CPU
    blocked,        // waiting for wake()
    done,           // its main returned; the stack is released
    departing,      // suspended at a migration point, about to be sent to another PE
    away,           // lives on another PE (or has not arrived here yet)
    checkpointing,  // suspended while its image is written; resumed once the whole job's is
};

struct Rank {
    int id = -1;  // rank in MPI_COMM_WORLD
    RankState state = RankState::ready;
    Rank* next_ready = nullptr;  // intrusive run-queue link
    boost::context::detail::fcontext_t context = nullptr;
    void* stack_low = nullptr;  // lowest usable stack byte; the guard page lies just below
    std::size_t stack_size = 0;
    const char* blocked_in = nullptr;  // the call a blocked rank waits in, for deadlock reports
    int exit_code = 0;
    bool started = false;
    int library_depth = 0;      // > 0 while the rank is inside the library (see library_entry.hpp)
    void* lib = nullptr;        // the communication library's per-rank state (opaque here)
    void* locals = nullptr;     // rank-local storage table (rank_local.hpp), in the rank's memory
    int migrate_to = -1;        // PE asked for by request_migration(), acted on at a migration point
    int departure_target = -1;  // while departing: the PE it goes to
    // The program's migration hooks (mosix_on_migration): they travel with the rank.
    void (*before_leaving)(int from_pe, int to_pe, void* arg) = nullptr;
    void (*after_arriving)(int from_pe, int to_pe, void* arg) = nullptr;
    void* hook_arg = nullptr;
    // Load measurement on the current PE (balancer.cc): time-stamp-counter ticks spent running,
    // and when the rank arrived here (monotonic seconds; hysteresis for the balancer).
    std::uint64_t run_ticks = 0;
    double arrived_at = 0;
    // Bytes it sent to the ranks it talks to most, lately (rank_traffic.hpp): which to move together.
    RankTraffic traffic;
    // Set when the rank was rebuilt from a checkpoint (mosexec --restart), for the library call
    // it was suspended in to see; cleared by that call.
    bool restored = false;
    // Set when the job agreed, inside a collective on MPI_COMM_WORLD, to take a requested
    // checkpoint (mosctl checkpoint, --checkpoint-every): taken as the rank leaves that call.
    bool checkpoint_due = false;
};

}  // namespace mosix::rt
