// runtime.hpp — the PE runtime's entry point and job-wide services for the layers above it.
//
// The user's program is linked with `-Wl,--wrap=main` and libmosix_main.a, whose __wrap_main calls
// mosix_runtime_main(): the runtime reads the job's shape from the environment mosexec set
// (MOSIX_NRANKS, MOSIX_STACK_SIZE), creates one fiber per rank, runs the user's real main once in
// each, and returns the job's exit status.
#pragma once

#include <cstddef>
#include <functional>

#include "rank.hpp"

extern "C" {
// Runs `user_main` as every rank of this PE; returns the process's exit status.
int mosix_runtime_main(int argc, char** argv, int (*user_main)(int, char**));
}

namespace mosix::rt {

struct JobConfig {
    int nranks = 1;
    std::size_t stack_size = 8ULL << 20;
    // Serve each rank's own allocations from its slot (so they can travel with it). Tests that
    // keep what a rank allocated after the job (GoogleTest's failure records) turn it off.
    bool rank_heaps = true;
    // At most one rank per PE (mosexec --rank-per-pe, MOSIX_RANK_PER_PE=1): the program's
    // globals are then its rank's and travel with it (program_data.hpp).
    bool rank_per_pe = false;
};

const JobConfig& job_config() noexcept;

// Where the PEs run: the host index of PE `pe` (PEs on one host share it; 0 is PE 0's host) and
// a host's name. A single-PE job has one host, this one.
int host_of_pe(int pe) noexcept;
const char* host_name(int host) noexcept;
int host_count() noexcept;

// Wall-clock nanoseconds this PE has slept waiting for the network since the job started: the
// time it did not want its core (the rest it ran ranks or polled).
std::uint64_t pe_slept_ns() noexcept;

// Reads the job's shape from the environment mosexec sets; a malformed value ends the process
// with a message (exit status 2).
JobConfig config_from_environment();

// Runs one job of `config.nranks` ranks on this PE, each calling `body(argc, argv)` on its own
// copy of argv; returns the job's exit status (0, or the first failing rank's). Can be called
// again once it returned (tests run many jobs in one process). REQUIRES: not called by a rank.
int run_job(const JobConfig& config, int argc, char** argv, std::function<int(int, char**)> body);

// Ends the whole job now: prints "mosix: rank R: <message>" (or "mosix: <message>" outside a rank)
// as one line on stderr and exits with `status`. Safe to call from any rank or the scheduler.
[[noreturn]] void fail_job(int status, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

// Called on the rank's own stack when its main has returned, before its stack is released; returns
// nullptr if the rank ended well, or why it did not (the job then fails with that message).
using RankExitCheck = const char* (*)(Rank*);
void set_rank_exit_check(RankExitCheck check) noexcept;

// Called when every rank left on this PE is blocked: appends to `out` (size n) what `rank` waits
// for, so a deadlock report says more than the call's name.
using BlockedDescriber = void (*)(Rank* rank, char* out, std::size_t n);
void set_blocked_describer(BlockedDescriber describe) noexcept;

// The library's handlers for the transport (see net/transport.hpp): what to do when a message
// arrives from another PE and when a send or fetch completes. Must be set before a multi-PE job
// starts; the library sets them when it is loaded.
struct MessageHandlers {
    bool (*receive)(const void* header, std::size_t header_len, const void* data, std::size_t len,
                    void* rendezvous);
    void (*send_done)(void* ctx, bool ok);
    void (*fetch_done)(void* ctx, bool ok);
};
void set_message_handlers(const MessageHandlers& handlers) noexcept;

// Frees the library's per-rank state when a finished job is torn down (before the next run_job).
using RankRelease = void (*)(Rank*);
void set_rank_release(RankRelease release) noexcept;

}  // namespace mosix::rt
