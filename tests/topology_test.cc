// topology_test.cc — the host topology agrees with what the kernel (sched_getaffinity, sysfs) and
// hwloc's own tool say, PEs go round-robin over cores on each core's first PU, and bind_to_core binds
// by that rule.
#include "runtime/topology.hpp"

#include <gtest/gtest.h>
#include <sched.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "runtime/affinity.hpp"

using mosix::rt::describe;
using mosix::rt::discover_topology;
using mosix::rt::format_cpu_list;
using mosix::rt::HostTopology;
using mosix::rt::pe_place;
using mosix::rt::TopologyCore;

namespace {

std::set<int> affinity_cpus() {
    cpu_set_t set;
    CPU_ZERO(&set);
    EXPECT_EQ(sched_getaffinity(0, sizeof set, &set), 0);
    std::set<int> cpus;
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
        if (CPU_ISSET(cpu, &set)) cpus.insert(cpu);
    return cpus;
}

std::optional<int> read_int(const std::string& path) {
    std::ifstream in(path);
    int v = 0;
    if (!(in >> v)) return std::nullopt;
    return v;
}

// The number hwloc-calc prints for `hwloc-calc -N TYPE all`, or nothing if it cannot be run.
std::optional<int> hwloc_calc_count(const char* type) {
    std::string cmd = std::string("hwloc-calc -N ") + type + " all 2>/dev/null";
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return std::nullopt;
    int n = -1;
    bool ok = std::fscanf(p, "%d", &n) == 1;
    return pclose(p) == 0 && ok ? std::optional<int>(n) : std::nullopt;
}

}  // namespace

TEST(Topology, PusAreTheCpusThisProcessMayUse) {
    HostTopology t = discover_topology();
    std::set<int> cpus = affinity_cpus();  // what nproc counts
    ASSERT_FALSE(t.cores.empty());
    EXPECT_EQ(t.pus, static_cast<int>(cpus.size()));
    std::set<int> seen;
    for (const TopologyCore& c : t.cores) {
        ASSERT_FALSE(c.pus.empty());
        for (int pu : c.pus) {
            EXPECT_TRUE(cpus.count(pu)) << "PU " << pu << " is not in the process's affinity";
            EXPECT_TRUE(seen.insert(pu).second) << "PU " << pu << " is in two cores";
        }
    }
    EXPECT_EQ(seen, cpus);
    EXPECT_LE(static_cast<int>(t.cores.size()), t.machine_cores);
    EXPECT_LE(t.pus, t.machine_pus);
    EXPECT_GE(t.packages, 1);
    EXPECT_GE(t.numa_nodes.size(), 1u);
    EXPECT_FALSE(t.hostname.empty());
    EXPECT_FALSE(t.hwloc_version.empty());
}

TEST(Topology, MachineCountsMatchHwlocCalc) {
    if (!hwloc_calc_count("pu")) GTEST_SKIP() << "hwloc-calc (package hwloc) is not installed";
    HostTopology t = discover_topology();
    EXPECT_EQ(hwloc_calc_count("pu"), t.machine_pus);
    EXPECT_EQ(hwloc_calc_count("core"), t.machine_cores);
    EXPECT_EQ(hwloc_calc_count("package"), t.packages);
    EXPECT_EQ(hwloc_calc_count("numa"), static_cast<int>(t.numa_nodes.size()));
}

TEST(Topology, CoresAreTheKernelsCores) {
    // sysfs names each CPU's package and core: CPUs with the same pair are one core's PUs.
    std::map<std::pair<int, int>, std::set<int>> by_core;
    for (int cpu : affinity_cpus()) {
        std::string dir = "/sys/devices/system/cpu/cpu" + std::to_string(cpu) + "/topology/";
        auto package = read_int(dir + "physical_package_id");
        auto core = read_int(dir + "core_id");
        if (!package || !core) GTEST_SKIP() << "no CPU topology in " << dir;
        by_core[{*package, *core}].insert(cpu);
    }
    HostTopology t = discover_topology();
    if (t.cores_from_pus) GTEST_SKIP() << "hwloc reports no cores here";
    ASSERT_EQ(t.cores.size(), by_core.size());
    std::set<std::set<int>> expected, got;
    for (const auto& [key, pus] : by_core) expected.insert(pus);
    for (const TopologyCore& c : t.cores) got.insert(std::set<int>(c.pus.begin(), c.pus.end()));
    EXPECT_EQ(got, expected);
}

TEST(Topology, MemoryIsReported) {
    HostTopology t = discover_topology();
    auto pages = static_cast<std::uint64_t>(sysconf(_SC_PHYS_PAGES));
    auto page = static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
    EXPECT_EQ(t.total_memory / page, pages) << "MemTotal and _SC_PHYS_PAGES disagree";
    EXPECT_GT(t.numa_memory, 0u);
    std::uint64_t sum = 0;
    for (const auto& n : t.numa_nodes) sum += n.memory;
    EXPECT_EQ(sum, t.numa_memory);
}

TEST(Topology, PesGoRoundRobinOverCoresOnTheirFirstPu) {
    HostTopology t = discover_topology();
    int n = static_cast<int>(t.cores.size());
    std::set<int> pus;
    for (int pe = 0; pe < 3 * n; ++pe) {
        auto place = pe_place(t, pe);
        ASSERT_EQ(place.core, pe % n);
        EXPECT_EQ(place.pu, t.cores[static_cast<std::size_t>(pe % n)].pus.front());
        if (pe < n) {
            EXPECT_TRUE(pus.insert(place.pu).second) << "two PEs share a core while one is free";
        }
    }
    EXPECT_EQ(pe_place(t, -1).core, 0);
}

TEST(Topology, SmtSiblingsAreUsedOnlyOnceEveryCoreHasAPe) {
    // A made-up 2-core, 2-thread machine numbered like many Intel servers: CPUs 0 and 2 share core 0.
    HostTopology t;
    t.cores = {TopologyCore{0, 0, 0, 0, {0, 2}}, TopologyCore{1, 1, 0, 0, {1, 3}}};
    EXPECT_EQ(pe_place(t, 0).pu, 0);
    EXPECT_EQ(pe_place(t, 1).pu, 1);  // not 2, core 0's sibling, which the old CPU-order rule chose
    EXPECT_EQ(pe_place(t, 2).pu, 0);
    EXPECT_EQ(pe_place(HostTopology{}, 0).core, -1);
}

TEST(Topology, DescribeNamesTheHostItsCoresAndMemory) {
    HostTopology t = discover_topology();
    std::string s = describe(t);
    EXPECT_NE(s.find("host " + t.hostname), std::string::npos) << s;
    EXPECT_NE(s.find("NUMA node 0"), std::string::npos) << s;
    EXPECT_NE(s.find("core 0:"), std::string::npos) << s;
    EXPECT_NE(s.find("GiB"), std::string::npos) << s;
    EXPECT_EQ(s.back(), '\n');
}

TEST(Topology, CpuListsJoinRuns) {
    EXPECT_EQ(format_cpu_list({}), "");
    EXPECT_EQ(format_cpu_list({5}), "5");
    EXPECT_EQ(format_cpu_list({0, 1}), "0,1");
    EXPECT_EQ(format_cpu_list({0, 1, 2, 3, 6, 8, 9}), "0-3,6,8,9");
}

TEST(Affinity, BindToCoreBindsTheThreadToItsPlacesPu) {
    HostTopology t = discover_topology();
    int pe = static_cast<int>(t.cores.size()) + 1;  // wraps round: the rule's modulo is used too
    int want = pe_place(t, pe).pu;
    std::set<int> before = affinity_cpus();
    std::set<int> bound, unbound;
    // In threads of their own: binding affects only the calling thread, and this one stays as it was.
    std::thread([&] {
        mosix::rt::bind_to_core(pe);
        bound = affinity_cpus();
    }).join();
    EXPECT_EQ(bound, std::set<int>{want});
    EXPECT_EQ(affinity_cpus(), before);

    const char* old = std::getenv("MOSIX_BIND");
    std::string saved = old ? old : "";
    setenv("MOSIX_BIND", "none", 1);
    std::thread([&] {
        mosix::rt::bind_to_core(pe);
        unbound = affinity_cpus();
    }).join();
    if (old)
        setenv("MOSIX_BIND", saved.c_str(), 1);
    else
        unsetenv("MOSIX_BIND");
    EXPECT_EQ(unbound, before);
}
