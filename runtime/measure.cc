// measure.cc — core speed, CPU share and available memory.
#include "measure.hpp"

#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <exception>

#include "memory_limits.hpp"

namespace mosix::rt {

namespace {

std::uint64_t read_clock(clockid_t id) noexcept {
    timespec ts{};
    clock_gettime(id, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<std::uint64_t>(ts.tv_nsec);
}

// One calibration round: 384 Ki steps, ~0.75 ms on the development VM (5.3e8 steps per second), so
// seven rounds take ~5 ms.
constexpr std::uint64_t kRoundUnits = 384u * 1024;
constexpr int kRounds = 7;

// The seed comes through a volatile read and the result leaves through a volatile write, so the
// compiler can neither compute the loop ahead of time nor drop it.
volatile std::uint64_t calibration_seed = 0x243F6A8885A308D3ULL;
volatile std::uint64_t calibration_sink;

// Two dependent chains per step: integer mixing (multiply latency bound, like hashing and index
// arithmetic) and a floating-point multiply-add (like numerical kernels). Everything stays in
// registers: this measures the core, not the memory system.
std::uint64_t calibration_round(std::uint64_t seed) noexcept {
    std::uint64_t x = seed;
    double f = 1.0;
    for (std::uint64_t i = 0; i < kRoundUnits; ++i) {
        x ^= x >> 31;
        x *= 0x9E3779B97F4A7C15ULL;
        x ^= x >> 29;
        f = f * 0.999999 + static_cast<double>(x & 0xff) * 1e-6;
    }
    return x ^ static_cast<std::uint64_t>(f);
}

}  // namespace

std::uint64_t thread_cpu_ns() noexcept { return read_clock(CLOCK_THREAD_CPUTIME_ID); }

std::uint64_t wall_ns() noexcept { return read_clock(CLOCK_MONOTONIC); }

double calibrate_pe_speed() noexcept {
    // The fastest round: everything that disturbs a round (an interrupt charged to this thread, a
    // busy hyperthread sibling, a cold cache or a clock still ramping up) only ever slows it, so the
    // best round is the figure that repeats. A core shared with another program is seen by
    // CpuShare, not here.
    double best = 0;
    for (int i = 0; i < kRounds; ++i) {
        std::uint64_t start = thread_cpu_ns();
        calibration_sink = calibration_round(calibration_seed);
        std::uint64_t used = std::max<std::uint64_t>(thread_cpu_ns() - start, 1);
        best = std::max(best, static_cast<double>(kRoundUnits) * 1e9 / static_cast<double>(used));
    }
    return best;
}

CpuShare::CpuShare() noexcept : last_wall_(wall_ns()), last_cpu_(thread_cpu_ns()) {}

void CpuShare::sample(bool was_busy) noexcept {
    std::uint64_t cpu = thread_cpu_ns();
    sample(was_busy, wall_ns(), cpu);
}

void CpuShare::sample(bool was_busy, std::uint64_t wall, std::uint64_t cpu) noexcept {
    // Clocks that went backwards (readings passed in by a caller out of order) count as no time.
    if (was_busy && wall > last_wall_) {
        busy_wall_ += wall - last_wall_;
        busy_cpu_ += cpu > last_cpu_ ? cpu - last_cpu_ : 0;
    }
    last_wall_ = wall;
    last_cpu_ = cpu;
}

double CpuShare::share() const noexcept {
    if (busy_wall_ == 0) return 1.0;
    // The two clocks are read one after the other, so CPU time can exceed wall time by a read.
    return std::min(1.0, static_cast<double>(busy_cpu_) / static_cast<double>(busy_wall_));
}

std::optional<std::uint64_t> core_busy_ns(int cpu) noexcept {
    FILE* f = std::fopen("/proc/stat", "r");
    if (!f) return std::nullopt;
    char want[32];
    std::snprintf(want, sizeof want, "cpu%d ", cpu);
    char line[512];
    std::optional<std::uint64_t> busy;
    while (std::fgets(line, sizeof line, f)) {
        if (std::strncmp(line, want, std::strlen(want)) != 0) continue;
        unsigned long long user = 0, nice = 0, sys = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
        if (std::sscanf(line + std::strlen(want), "%llu %llu %llu %llu %llu %llu %llu %llu", &user, &nice,
                        &sys, &idle, &iowait, &irq, &softirq, &steal) >= 7) {
            long hz = sysconf(_SC_CLK_TCK);
            std::uint64_t ticks = user + nice + sys + irq + softirq + steal;
            busy = ticks * (1000000000ULL / static_cast<std::uint64_t>(hz > 0 ? hz : 100));
        }
        break;
    }
    std::fclose(f);
    return busy;
}

double core_share(std::uint64_t period_ns, std::uint64_t own_cpu_ns, std::uint64_t others_ns) noexcept {
    if (period_ns == 0) return 1.0;
    double rest = static_cast<double>(period_ns > own_cpu_ns ? period_ns - own_cpu_ns : 0);
    rest = std::max(rest, 0.02 * static_cast<double>(period_ns));  // a PE that used it all: still judge
    double u = std::min(3.0, static_cast<double>(others_ns) / rest);
    // What the others did take while this PE wanted the core is a floor: a PE busy all period
    // leaves no rest to fill, and then a tick of a kernel thread (/proc/stat counts in 10 ms
    // ticks) would read as a CPU-bound program and halve its share.
    double lost = static_cast<double>(others_ns) / static_cast<double>(period_ns);
    return std::max(1.0 / (1.0 + u), 1.0 - lost);
}

std::uint64_t available_memory() noexcept {
    std::optional<std::uint64_t> host, cgroup;
    try {
        host = host_available_memory();
        cgroup = cgroup_available_memory();
    } catch (const std::exception&) {
        // Out of memory while reading the files: then there is, in effect, none available.
        return 0;
    }
    if (!host) {
        struct sysinfo si {};
        if (sysinfo(&si) == 0) host = static_cast<std::uint64_t>(si.freeram) * si.mem_unit;
    }
    if (host && cgroup) return std::min(*host, *cgroup);
    return host ? *host : cgroup.value_or(0);
}

}  // namespace mosix::rt
