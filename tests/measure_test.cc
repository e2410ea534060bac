// measure_test.cc — what a PE measures about itself: the thread CPU clock, a calibration that
// repeats, the CPU share (about 1 alone, about 0.5 beside a CPU hog on the same core), and available
// memory, from made-up /proc and cgroup trees and inside a real cgroup with a 256 MiB limit.
//
// Timing bounds are coarse on purpose: this machine is shared. The CPU share tests run their
// threads under SCHED_RR when allowed (root), so that other programs' load, which CFS would mix in,
// cannot move the figures; without that privilege they run under the normal scheduler.
#include "runtime/measure.hpp"

#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "runtime/memory_limits.hpp"

using mosix::rt::CgroupVersion;
using mosix::rt::CpuShare;
using mosix::rt::thread_cpu_ns;
using mosix::rt::wall_ns;

namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t kMiB = 1ULL << 20;

void write_file(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
}

// A fresh directory under the test temp dir, removed when the test ends.
struct TempTree {
    fs::path root;
    TempTree() {
        std::string templ = (fs::temp_directory_path() / "mosix-measure-XXXXXX").string();
        char* made = mkdtemp(templ.data());
        EXPECT_NE(made, nullptr);
        root = templ;
    }
    ~TempTree() {
        std::error_code ec;
        fs::remove_all(root, ec);
    }
};

// Spins for `ms` of wall time, sampling `share` as busy every ~2 ms, as a scheduler would at ticks.
void busy_for(CpuShare& share, std::uint64_t ms) {
    std::uint64_t end = wall_ns() + ms * 1'000'000;
    for (std::uint64_t now = wall_ns(); now < end; now = wall_ns()) {
        std::uint64_t tick = now + 2'000'000;
        while (wall_ns() < tick) {
        }
        share.sample(true);
    }
}

// Pins the calling thread to one CPU (the one it is on) and, where allowed, makes it SCHED_RR;
// undoes both when it goes out of scope. Children forked meanwhile inherit both.
class PinnedRealtime {
public:
    PinnedRealtime() {
        CPU_ZERO(&saved_);
        sched_getaffinity(0, sizeof saved_, &saved_);
        cpu_ = sched_getcpu();
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(cpu_, &one);
        pinned_ = sched_setaffinity(0, sizeof one, &one) == 0;
        sched_param p{};
        p.sched_priority = 1;
        realtime_ = sched_setscheduler(0, SCHED_RR, &p) == 0;
    }
    ~PinnedRealtime() {
        sched_param p{};
        if (realtime_) sched_setscheduler(0, SCHED_OTHER, &p);
        sched_setaffinity(0, sizeof saved_, &saved_);
    }
    bool pinned() const { return pinned_; }
    bool realtime() const { return realtime_; }
    int cpu() const { return cpu_; }

private:
    cpu_set_t saved_;
    int cpu_ = 0;
    bool pinned_ = false;
    bool realtime_ = false;
};

}  // namespace

TEST(Measure, ThreadCpuClockCountsOnlyThisThreadsWork) {
    std::uint64_t cpu0 = thread_cpu_ns(), wall0 = wall_ns();
    while (wall_ns() - wall0 < 20'000'000) {
    }
    std::uint64_t cpu_busy = thread_cpu_ns() - cpu0;
    EXPECT_GT(cpu_busy, 0u);
    EXPECT_LE(cpu_busy, wall_ns() - wall0 + 1'000'000);
    // Sleeping uses no CPU time.
    std::uint64_t cpu1 = thread_cpu_ns();
    usleep(20'000);
    EXPECT_LT(thread_cpu_ns() - cpu1, 5'000'000u);
}

// How well the figure repeats is a benchmark's question (bench_calibration prints the spread); a
// test on a shared machine can only ask that the figure is a real rate.
TEST(Measure, CalibrationGivesAFiniteRate) {
    double speed = mosix::rt::calibrate_pe_speed();
    std::printf("[ speed    ] %.3g units per CPU-second\n", speed);
    EXPECT_TRUE(std::isfinite(speed));
    // One unit is a handful of dependent multiplies: no core runs it at under 1e6 or over 1e11 a second.
    EXPECT_GT(speed, 1e6);
    EXPECT_LT(speed, 1e11);
}

TEST(CpuShare, CountsOnlyBusyIntervals) {
    CpuShare s;
    EXPECT_EQ(s.share(), 1.0);  // nothing measured: no reason to think the core is shared
    s.sample(false, 1000, 1000);
    s.sample(true, 2000, 1500);  // busy: 1000 ns of wall, 500 of CPU
    EXPECT_DOUBLE_EQ(s.share(), 0.5);
    s.sample(false, 10'000, 1600);  // idle: the PE slept; not counted
    EXPECT_DOUBLE_EQ(s.share(), 0.5);
    s.sample(true, 11'000, 2600);  // busy and alone: 1000 of 1000
    EXPECT_DOUBLE_EQ(s.share(), 0.75);
    EXPECT_EQ(s.busy_wall_ns(), 2000u);
    EXPECT_EQ(s.busy_cpu_ns(), 1500u);
    s.sample(true, 12'000, 3700);  // CPU a little ahead of wall (read order): capped at 1
    s.restart();
    EXPECT_EQ(s.share(), 1.0);
    s.sample(true, 13'000, 3950);
    EXPECT_DOUBLE_EQ(s.share(), 0.25);
    s.sample(true, 12'500, 4000);  // a wall clock going backwards counts as no time
    EXPECT_DOUBLE_EQ(s.share(), 0.25);
}

TEST(CpuShare, AboutOneOnACoreOfItsOwn) {
    PinnedRealtime pin;
    CpuShare s;
    busy_for(s, 300);
    std::printf("[ share    ] alone on CPU %d%s: %.3f\n", pin.cpu(), pin.realtime() ? " (SCHED_RR)" : "",
                s.share());
    EXPECT_GT(s.share(), 0.8);
}

TEST(CpuShare, AboutHalfBesideACpuHogOnTheSameCore) {
    PinnedRealtime pin;
    if (!pin.pinned()) GTEST_SKIP() << "cannot pin this thread to one CPU";
    int ready[2];
    ASSERT_EQ(pipe(ready), 0);
    pid_t hog = fork();
    ASSERT_GE(hog, 0);
    if (hog == 0) {
        // Same CPU and policy as the parent (inherited). Bounded even if the parent dies.
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        alarm(10);
        char c = 1;
        (void)!write(ready[1], &c, 1);
        for (unsigned long spin = 0;; ++spin) asm volatile("" : "+r"(spin));  // a loop kept
    }
    close(ready[1]);
    char c = 0;
    ASSERT_EQ(read(ready[0], &c, 1), 1);
    close(ready[0]);
    CpuShare s;
    busy_for(s, 1000);
    kill(hog, SIGKILL);
    int status = 0;
    waitpid(hog, &status, 0);
    std::printf("[ share    ] beside a hog on CPU %d%s: %.3f\n", pin.cpu(),
                pin.realtime() ? " (SCHED_RR)" : "", s.share());
    EXPECT_GT(s.share(), 0.3);
    EXPECT_LT(s.share(), 0.7);
}

TEST(MemoryLimits, HostAvailableIsMemAvailable) {
    TempTree t;
    write_file(t.root / "meminfo",
               "MemTotal:       1000 kB\nMemFree:         300 kB\nMemAvailable:    600 kB\n");
    EXPECT_EQ(mosix::rt::host_available_memory((t.root / "meminfo").string()), 600u * 1024);
    write_file(t.root / "old", "MemTotal:       1000 kB\nMemFree:         300 kB\nHugePages_Total: 0\n");
    EXPECT_EQ(mosix::rt::host_available_memory((t.root / "old").string()), 300u * 1024);
    EXPECT_FALSE(mosix::rt::host_available_memory((t.root / "missing").string()));
}

TEST(MemoryLimits, V2HeadroomIsTheTightestLevel) {
    TempTree t;
    fs::path mount = t.root, a = mount / "a", b = a / "b";
    write_file(mount / "cgroup.procs", "");  // the root cgroup has no memory.* files
    write_file(a / "memory.max", "1000000\n");
    write_file(a / "memory.high", "max\n");
    write_file(a / "memory.current", "400000\n");
    write_file(a / "memory.stat", "anon 300000\nfile 100000\ninactive_file 100000\n");
    write_file(b / "memory.max", "max\n");
    write_file(b / "memory.high", "max\n");
    write_file(b / "memory.current", "50\n");
    auto headroom = [&] { return mosix::rt::cgroup_headroom(mount.string(), b.string(), CgroupVersion::v2); };
    // b sets nothing; a allows 1000000 - (400000 - 100000 inactive file cache).
    EXPECT_EQ(headroom(), 700000u);
    write_file(b / "memory.high", "300000\n");  // memory.high limits too
    EXPECT_EQ(headroom(), 299950u);
    write_file(a / "memory.current", "1200000\n");  // a is over its limit
    write_file(a / "memory.stat", "inactive_file 0\n");
    EXPECT_EQ(headroom(), 0u);
    // No level with a limit: nothing.
    fs::remove(a / "memory.max");
    fs::remove(b / "memory.high");
    EXPECT_FALSE(headroom());
    EXPECT_FALSE(mosix::rt::cgroup_headroom(mount.string(), (mount / "gone").string(), CgroupVersion::v2));
}

TEST(MemoryLimits, V1HeadroomIgnoresItsNoLimitValue) {
    TempTree t;
    fs::path mount = t.root, job = mount / "job", pe = job / "pe";
    write_file(mount / "memory.limit_in_bytes", "9223372036854771712\n");
    write_file(mount / "memory.usage_in_bytes", "5000000000\n");
    write_file(job / "memory.limit_in_bytes", "2000000\n");
    write_file(job / "memory.usage_in_bytes", "600000\n");
    write_file(job / "memory.stat", "cache 0\ninactive_file 7\ntotal_inactive_file 100000\n");
    write_file(pe / "memory.limit_in_bytes", "9223372036854771712\n");
    write_file(pe / "memory.usage_in_bytes", "1000\n");
    EXPECT_EQ(mosix::rt::cgroup_headroom(mount.string(), pe.string(), CgroupVersion::v1), 1500000u);
}

TEST(MemoryLimits, FindsTheMemoryCgroupOfEitherVersion) {
    TempTree t;
    const std::string mounts =
        "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
        "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime shared:9 - cgroup cgroup rw,cpu\n"
        "35 31 0:32 / /sys/fs/cgroup/mem\\040ory rw,relatime - cgroup cgroup rw,memory\n"
        "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
    // v1 memory controller mounted: it is the one that limits memory.
    write_file(t.root / "v1/cgroup", "4:memory:/jobs/42\n1:cpu:/\n0::/user.slice\n");
    write_file(t.root / "v1/mountinfo", mounts);
    auto v1 = mosix::rt::memory_cgroup((t.root / "v1").string());
    ASSERT_TRUE(v1);
    EXPECT_EQ(v1->version, CgroupVersion::v1);
    EXPECT_EQ(v1->mount, "/sys/fs/cgroup/mem ory");
    EXPECT_EQ(v1->dir, "/sys/fs/cgroup/mem ory/jobs/42");
    // Pure v2, the process in a cgroup namespace whose mount shows only its own subtree.
    write_file(t.root / "v2/cgroup", "0::/job/pe\n");
    write_file(t.root / "v2/mountinfo",
               "29 23 0:26 /job /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n");
    auto v2 = mosix::rt::memory_cgroup((t.root / "v2").string());
    ASSERT_TRUE(v2);
    EXPECT_EQ(v2->version, CgroupVersion::v2);
    EXPECT_EQ(v2->dir, "/sys/fs/cgroup/pe");
    // Nothing mounted: nothing found.
    write_file(t.root / "none/cgroup", "0::/\n");
    write_file(t.root / "none/mountinfo", "31 23 0:28 / / rw - ext4 /dev/vda rw\n");
    EXPECT_FALSE(mosix::rt::memory_cgroup((t.root / "none").string()));
}

TEST(Measure, AvailableMemoryIsAtMostTheHostsAvailable) {
    std::uint64_t avail = mosix::rt::available_memory();
    auto host = mosix::rt::host_available_memory();
    ASSERT_TRUE(host);
    EXPECT_GT(avail, 0u);
    // The host's figure moves between the two reads: allow it some slack.
    EXPECT_LE(avail, *host + 64 * kMiB);
}

// A child moved into a new cgroup with memory.max (v2) or memory.limit_in_bytes (v1) = 256 MiB
// reports at most that much.
TEST(Measure, AvailableMemoryStaysWithinA256MiBCgroup) {
    if (geteuid() != 0) GTEST_SKIP() << "needs root to create a cgroup";
    auto where = mosix::rt::memory_cgroup();
    if (!where) GTEST_SKIP() << "no memory cgroup hierarchy is mounted";
    bool v2 = where->version == CgroupVersion::v2;
    std::string dir = where->dir + "/mosix-measure-test-" + std::to_string(getpid());
    if (v2) {
        // Children may limit memory only if the parent passes the controller down, which v2 allows
        // only in a cgroup without processes of its own (or the root).
        std::ifstream controllers(where->dir + "/cgroup.subtree_control");
        std::string list;
        std::getline(controllers, list);
        if (list.find("memory") == std::string::npos) {
            std::ofstream enable(where->dir + "/cgroup.subtree_control");
            enable << "+memory" << std::flush;
            if (!enable)
                GTEST_SKIP() << "cgroup v2 at " << where->dir
                             << " cannot pass the memory controller to a child (it holds processes)";
        }
    }
    if (mkdir(dir.c_str(), 0755) != 0)
        GTEST_SKIP() << "cannot create cgroup " << dir << ": " << std::strerror(errno);
    const std::uint64_t limit = 256 * kMiB;
    {
        std::ofstream l(dir + (v2 ? "/memory.max" : "/memory.limit_in_bytes"));
        l << limit << std::flush;
        EXPECT_TRUE(l) << "cannot set the limit in " << dir;
    }
    int out[2];
    ASSERT_EQ(pipe(out), 0);
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        // The child moves itself, then measures from inside.
        std::uint64_t result[2] = {0, 0};
        {
            std::ofstream procs(dir + "/cgroup.procs");
            procs << getpid() << std::flush;
            result[1] = procs ? 1 : 0;
        }
        auto now = mosix::rt::memory_cgroup();
        if (!now || now->dir != dir) result[1] = 0;
        result[0] = mosix::rt::available_memory();
        (void)!write(out[1], result, sizeof result);
        _exit(0);
    }
    close(out[1]);
    std::uint64_t result[2] = {0, 0};
    ssize_t got = read(out[0], result, sizeof result);
    close(out[0]);
    int status = 0;
    waitpid(child, &status, 0);
    // The cgroup can take a moment to notice its last process has gone.
    for (int i = 0; i < 100 && rmdir(dir.c_str()) != 0 && errno == EBUSY; ++i) usleep(10'000);
    ASSERT_EQ(got, static_cast<ssize_t>(sizeof result));
    ASSERT_EQ(result[1], 1u) << "the child could not move itself into " << dir;
    std::printf("[ cgroup   ] %s: available %.1f MiB\n", v2 ? "v2" : "v1",
                static_cast<double>(result[0]) / kMiB);
    EXPECT_LE(result[0], limit);
    EXPECT_GT(result[0], limit / 2);  // the child itself uses a few pages, not half
}

// core_share: what the balancer counts on for a PE beside other programs (fair-scheduler split).
TEST(CoreShare, OtherProgramsFillingTheRestLeaveHalf) {
    constexpr std::uint64_t kSecond = 1000000000ULL;
    // Alone: nobody else used the CPU, whatever the PE itself used.
    EXPECT_DOUBLE_EQ(1.0, mosix::rt::core_share(kSecond, kSecond / 10, 0));
    EXPECT_DOUBLE_EQ(1.0, mosix::rt::core_share(kSecond, kSecond, 0));
    // One CPU-bound program took all the time the PE left: half, however little the PE used.
    EXPECT_DOUBLE_EQ(0.5, mosix::rt::core_share(kSecond, kSecond / 5, kSecond * 4 / 5));
    EXPECT_DOUBLE_EQ(0.5, mosix::rt::core_share(kSecond, kSecond / 2, kSecond / 2));
    // A program that took half of what was left wants no more than that: the PE keeps the rest.
    EXPECT_DOUBLE_EQ(0.75, mosix::rt::core_share(kSecond, kSecond / 2, kSecond / 4));
    // A PE busy all period and one 10 ms tick of a kernel thread: still (nearly) all of the core,
    // not the half a program that filled the rest would leave it.
    EXPECT_DOUBLE_EQ(0.99, mosix::rt::core_share(kSecond, kSecond * 99 / 100, kSecond / 100));
    // Beyond three programs' worth it stops falling (a bound, not a measurement), and an empty
    // period says nothing.
    EXPECT_DOUBLE_EQ(0.25, mosix::rt::core_share(kSecond, kSecond / 2, 10 * kSecond));
    EXPECT_DOUBLE_EQ(1.0, mosix::rt::core_share(0, 0, 0));
}

TEST(CoreShare, BusyTimeOfACpuCountsWhatRunsThere) {
    cpu_set_t old_set, one;
    ASSERT_EQ(0, sched_getaffinity(0, sizeof old_set, &old_set));
    int cpu = sched_getcpu();
    ASSERT_GE(cpu, 0);
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    ASSERT_EQ(0, sched_setaffinity(0, sizeof one, &one));  // stay on it while spinning
    std::optional<std::uint64_t> before = mosix::rt::core_busy_ns(cpu);
    std::uint64_t spin = 0;
    for (std::uint64_t end = mosix::rt::thread_cpu_ns() + 100000000ULL; mosix::rt::thread_cpu_ns() < end;)
        spin = spin + 1;
    std::optional<std::uint64_t> after = mosix::rt::core_busy_ns(cpu);
    sched_setaffinity(0, sizeof old_set, &old_set);
    ASSERT_TRUE(before.has_value() && after.has_value());
    // 100 ms of this thread's CPU time on that CPU; /proc/stat counts in 10 ms ticks.
    EXPECT_GE(*after - *before, 80000000ULL) << "spun " << spin << " times";
    EXPECT_FALSE(mosix::rt::core_busy_ns(1 << 20).has_value());  // no such CPU
}
