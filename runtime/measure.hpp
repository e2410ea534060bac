// measure.hpp — what a PE measures about itself for load balancing (DESIGN.md, "Load balancing and
// resource discovery"): the speed of its core, the share of that core it actually gets, and the
// memory it can still use. Each is cheap enough to repeat while the job runs; none needs another PE.
//
// Clock costs on the 2-core development VM (bench/bench_clocks.c, best of 5): CLOCK_MONOTONIC
// ~22 ns (vDSO), rdtsc ~9 ns, CLOCK_THREAD_CPUTIME_ID ~390 ns (a system call on Linux). So the thread
// CPU clock is for scheduler ticks (every few ms), not for every fiber switch.
#pragma once

#include <cstdint>
#include <optional>

namespace mosix::rt {

// CPU time the calling thread has used, in ns (CLOCK_THREAD_CPUTIME_ID). ~0.4 µs a read (above).
std::uint64_t thread_cpu_ns() noexcept;

// Monotonic wall-clock time in ns (CLOCK_MONOTONIC, through the vDSO).
std::uint64_t wall_ns() noexcept;

// The raw speed of the core the calling thread runs on, in work units per CPU-second: a fixed,
// deterministic CPU-bound loop (integer mixing and a floating-point chain, in cache; ~5 ms on the
// development VM) timed by the thread CPU clock, median of 7 rounds. Because only CPU time counts, a
// core shared with other programs measures as fast as an idle one: CpuShare says how much of it the
// PE gets. Only ratios between PEs mean anything; one unit is one step of the loop.
double calibrate_pe_speed() noexcept;

// How much of the wall-clock time the PE's thread was on its core while it had work: thread CPU time
// over wall time, summed over the intervals the caller says were busy. About 1 on a core of its own,
// about 0.5 on a core shared with one CPU-bound program, less with more. Intervals in which the PE
// had no work (it polled or slept) are left out, so an idle PE does not look like a slow one.
//
//     CpuShare share;              // first reading now
//     ... run ranks ...
//     share.sample(true);          // the time since the last sample was spent with work to do
//     ... wait for messages ...
//     share.sample(false);         // that interval was idle: not counted
//     double s = share.share();    // then restart() to begin the next window (e.g. per gossip)
//
// Not thread-safe: one per PE thread, sampled by that thread (the CPU clock is the caller's).
class CpuShare {
public:
    // Takes the first reading of both clocks.
    CpuShare() noexcept;

    // Closes the interval since the previous sample (or construction, or restart), counting it if
    // was_busy, and starts the next one. Reads both clocks (~0.4 µs).
    void sample(bool was_busy) noexcept;

    // The same with readings the caller has already taken (wall_ns(), thread_cpu_ns()).
    void sample(bool was_busy, std::uint64_t wall, std::uint64_t cpu) noexcept;

    // Busy CPU time over busy wall time since the last restart, in [0, 1]; 1 if no busy time has
    // been counted yet (nothing says the core is shared). Trust it once busy_wall_ns() covers several
    // scheduler time slices (tens of ms): over one slice it is 0 or 1.
    double share() const noexcept;

    std::uint64_t busy_wall_ns() const noexcept { return busy_wall_; }
    std::uint64_t busy_cpu_ns() const noexcept { return busy_cpu_; }

    // Forgets the counted time; the next interval starts at the last reading.
    void restart() noexcept { busy_wall_ = busy_cpu_ = 0; }

private:
    std::uint64_t last_wall_ = 0;
    std::uint64_t last_cpu_ = 0;
    std::uint64_t busy_wall_ = 0;
    std::uint64_t busy_cpu_ = 0;
};

// CPU time everything on one CPU used so far (user, nice, system, irq, softirq and a hypervisor's
// steal), in ns, from /proc/stat (10 ms resolution); nothing if it cannot be read. Subtracting
// what the PE itself used gives what other programs took from its core.
std::optional<std::uint64_t> core_busy_ns(int cpu) noexcept;

// The share of its core a PE can count on when it wants the whole core, from one period's
// figures: the CPU it used, and what everything else on the core used in the rest of the period.
// The kernel's fair scheduler splits a core evenly among those that want it, so other programs
// that filled the time this PE left (u = other / rest, 1 for one CPU-bound program) leave it
// 1 / (1 + u) when it competes — however little it happened to use this period. It never counts
// for less than what the others left it (1 - other / period): others that did not fill the rest
// want no more, and a PE that used it all is not judged on the crumbs that were left.
double core_share(std::uint64_t period_ns, std::uint64_t own_cpu_ns, std::uint64_t others_ns) noexcept;

// Bytes this PE can still allocate: the smaller of the host's MemAvailable (/proc/meminfo) and the
// headroom of the memory cgroup the process is in (memory_limits.hpp: cgroup v2 or v1, every
// ancestor that sets a limit). Reads a few small files (~0.1 ms on the development VM): call it per
// load report, not per switch. If /proc/meminfo cannot be read and no cgroup sets a limit, the free RAM that
// sysinfo(2) reports.
std::uint64_t available_memory() noexcept;

}  // namespace mosix::rt
