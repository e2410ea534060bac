// topology.cc — the host's topology from hwloc, the PE placement rule, and its description.
#include "topology.hpp"

#include <hwloc.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>

namespace mosix::rt {

namespace {

// The kernel's count of usable RAM. hwloc's per-NUMA-node figures come from the node files in
// sysfs, which do not always add up to it (memory hot-plugged into a VM, for one).
std::uint64_t meminfo_total() {
    std::ifstream in("/proc/meminfo");
    std::string key;
    std::uint64_t kib = 0;
    std::string unit;
    while (in >> key >> kib >> unit)
        if (key == "MemTotal:") return kib * 1024;
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    return pages > 0 && page > 0 ? static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page) : 0;
}

std::string host_name() {
    char name[256] = {};
    if (gethostname(name, sizeof name - 1) != 0) return "localhost";
    return name;
}

std::vector<int> bitmap_list(hwloc_const_bitmap_t set) {
    std::vector<int> out;
    for (int i = hwloc_bitmap_first(set); i >= 0; i = hwloc_bitmap_next(set, i)) out.push_back(i);
    return out;
}

int ancestor_index(hwloc_topology_t topo, hwloc_obj_type_t type, hwloc_obj_t obj) {
    hwloc_obj_t a = hwloc_get_ancestor_obj_by_type(topo, type, obj);
    return a ? static_cast<int>(a->logical_index) : -1;
}

// The first NUMA node local to obj. In hwloc 2 NUMA nodes hang off the tree as memory children, so
// they are not ancestors of a core; the core's nodeset names them.
int numa_index(hwloc_topology_t topo, hwloc_obj_t obj) {
    if (!obj->nodeset) return -1;
    int os = hwloc_bitmap_first(obj->nodeset);
    if (os < 0) return -1;
    hwloc_obj_t node = hwloc_get_numanode_obj_by_os_index(topo, static_cast<unsigned>(os));
    return node ? static_cast<int>(node->logical_index) : -1;
}

// When hwloc cannot run: the CPUs the process may run on, each its own core.
void fill_from_affinity(HostTopology& t) {
    t.cores.clear();
    cpu_set_t allowed;
    CPU_ZERO(&allowed);
    if (sched_getaffinity(0, sizeof allowed, &allowed) == 0)
        for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
            if (CPU_ISSET(cpu, &allowed))
                t.cores.push_back(TopologyCore{static_cast<int>(t.cores.size()), cpu, -1, -1, {cpu}});
    if (t.cores.empty()) t.cores.push_back(TopologyCore{0, 0, -1, -1, {0}});  // still runs somewhere
    t.pus = static_cast<int>(t.cores.size());
    t.cores_from_pus = true;
    if (t.machine_cores == 0) t.machine_cores = t.pus;
    if (t.machine_pus == 0) t.machine_pus = t.pus;
}

// Reads everything but the memory total from a loaded hwloc topology.
void fill_from_hwloc(hwloc_topology_t topo, HostTopology& t) {
    // The cgroup's cpuset (hwloc has already dropped what it forbids) narrowed to the process's
    // binding, exactly as mosexec counts cores. For a process, hwloc reports the union of its threads'
    // bindings, so helper threads that never bound themselves keep the original set visible.
    hwloc_bitmap_t allowed = hwloc_bitmap_dup(hwloc_topology_get_allowed_cpuset(topo));
    hwloc_bitmap_t bound = hwloc_bitmap_alloc();
    if (allowed && bound && hwloc_get_cpubind(topo, bound, HWLOC_CPUBIND_PROCESS) == 0 &&
        hwloc_bitmap_intersects(allowed, bound))
        hwloc_bitmap_and(allowed, allowed, bound);

    t.packages = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PACKAGE);
    t.machine_cores = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
    t.machine_pus = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU);
    for (hwloc_obj_t n = nullptr; (n = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_NUMANODE, n));)
        t.numa_nodes.push_back(TopologyNumaNode{static_cast<int>(n->logical_index),
                                                static_cast<int>(n->os_index),
                                                n->attr->numanode.local_memory});
    for (const TopologyNumaNode& n : t.numa_nodes) t.numa_memory += n.memory;

    hwloc_obj_type_t unit = t.machine_cores > 0 ? HWLOC_OBJ_CORE : HWLOC_OBJ_PU;
    t.cores_from_pus = unit == HWLOC_OBJ_PU;
    hwloc_bitmap_t pus = hwloc_bitmap_alloc();
    for (hwloc_obj_t c = nullptr; allowed && pus && (c = hwloc_get_next_obj_by_type(topo, unit, c));) {
        hwloc_bitmap_and(pus, c->cpuset, allowed);
        if (hwloc_bitmap_iszero(pus)) continue;
        TopologyCore core;
        core.logical_index = static_cast<int>(c->logical_index);
        core.os_index = c->os_index == HWLOC_UNKNOWN_INDEX ? -1 : static_cast<int>(c->os_index);
        core.package = ancestor_index(topo, HWLOC_OBJ_PACKAGE, c);
        core.numa_node = numa_index(topo, c);
        core.pus = bitmap_list(pus);
        t.pus += static_cast<int>(core.pus.size());
        t.cores.push_back(std::move(core));
    }
    hwloc_bitmap_free(pus);
    hwloc_bitmap_free(bound);
    hwloc_bitmap_free(allowed);
}

std::string bytes_text(std::uint64_t bytes) {
    char buf[32];
    if (bytes >= (1ULL << 30))
        std::snprintf(buf, sizeof buf, "%.1f GiB", static_cast<double>(bytes) / (1ULL << 30));
    else
        std::snprintf(buf, sizeof buf, "%.0f MiB", static_cast<double>(bytes) / (1ULL << 20));
    return buf;
}

std::string plural(int n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

HostTopology discover_topology() {
    HostTopology t;
    t.hostname = host_name();
    t.total_memory = meminfo_total();
    // The release built against: the library only reports its API version, which stays the same
    // across releases (2.8.0 for hwloc 2.9).
    t.hwloc_version = HWLOC_VERSION;
    hwloc_topology_t topo;
    if (hwloc_topology_init(&topo) != 0) {
        fill_from_affinity(t);
        return t;
    }
    // Caches are not reported: leaving them out makes loading quicker (I/O objects are left out by
    // default).
    hwloc_topology_set_cache_types_filter(topo, HWLOC_TYPE_FILTER_KEEP_NONE);
    hwloc_topology_set_icache_types_filter(topo, HWLOC_TYPE_FILTER_KEEP_NONE);
    if (hwloc_topology_load(topo) == 0) fill_from_hwloc(topo, t);
    hwloc_topology_destroy(topo);
    if (t.cores.empty()) fill_from_affinity(t);
    return t;
}

PePlace pe_place(const HostTopology& topo, int local_pe) {
    PePlace p;
    if (topo.cores.empty()) return p;
    int n = static_cast<int>(topo.cores.size());
    p.core = (local_pe < 0 ? 0 : local_pe) % n;
    const TopologyCore& core = topo.cores[static_cast<std::size_t>(p.core)];
    p.os_index = core.os_index;
    p.pu = core.pus.empty() ? -1 : core.pus.front();
    return p;
}

std::string format_cpu_list(const std::vector<int>& sorted) {
    std::string out;
    for (std::size_t i = 0; i < sorted.size();) {
        std::size_t j = i;
        while (j + 1 < sorted.size() && sorted[j + 1] == sorted[j] + 1) ++j;
        if (!out.empty()) out += ",";
        out += std::to_string(sorted[i]);
        if (j > i) {
            out += j == i + 1 ? ',' : '-';
            out += std::to_string(sorted[j]);
        }
        i = j + 1;
    }
    return out;
}

std::string describe(const HostTopology& t) {
    // Per-core lines only while they fit on a screen; the NUMA and package lines say the rest.
    constexpr std::size_t kMaxCoreLines = 64;
    std::string s = "host " + t.hostname + " (hwloc " + t.hwloc_version + ")\n";
    s += "  machine: " + plural(t.packages, "package", "packages") + ", " +
         plural(static_cast<int>(t.numa_nodes.size()), "NUMA node", "NUMA nodes") + ", " +
         plural(t.machine_cores, "core", "cores") + ", " + plural(t.machine_pus, "PU", "PUs") + ", memory " +
         bytes_text(t.total_memory);
    if (t.numa_memory != 0 && t.numa_memory != t.total_memory)
        s += " (" + bytes_text(t.numa_memory) + " in NUMA nodes)";
    s += "\n";

    std::vector<int> all_pus;
    for (const TopologyCore& c : t.cores) all_pus.insert(all_pus.end(), c.pus.begin(), c.pus.end());
    std::sort(all_pus.begin(), all_pus.end());
    s += "  this process may use: " + plural(static_cast<int>(t.cores.size()), "core", "cores") + ", " +
         plural(t.pus, "PU", "PUs") + " (PUs " + format_cpu_list(all_pus) + ")" +
         (t.cores_from_pus ? ", no core information: one PU counts as one core" : "") + "\n";

    // Cores are numbered by their place in the allowed list, as PE placement counts them, which is
    // not hwloc's or the OS's numbering when the process may use only some of the cores.
    auto cores_where = [&t](auto&& pick, int index) {
        std::vector<int> list;
        for (std::size_t i = 0; i < t.cores.size(); ++i)
            if (pick(t.cores[i]) == index) list.push_back(static_cast<int>(i));
        return list;
    };
    for (int p = 0; p < t.packages; ++p) {
        auto list = cores_where([](const TopologyCore& c) { return c.package; }, p);
        s += "  package " + std::to_string(p) + ": " +
             (list.empty() ? "no allowed cores" : "cores " + format_cpu_list(list)) + "\n";
    }
    for (const TopologyNumaNode& n : t.numa_nodes) {
        auto list = cores_where([](const TopologyCore& c) { return c.numa_node; }, n.logical_index);
        s += "  NUMA node " + std::to_string(n.logical_index) + " (OS " + std::to_string(n.os_index) +
             "): " + bytes_text(n.memory) + ", " +
             (list.empty() ? "no allowed cores" : "cores " + format_cpu_list(list)) + "\n";
    }
    if (t.cores.size() > kMaxCoreLines) {
        s += "  (" + std::to_string(t.cores.size()) + " cores: per-core lines left out)\n";
        return s;
    }
    for (std::size_t i = 0; i < t.cores.size(); ++i) {
        const TopologyCore& c = t.cores[i];
        s += "  core " + std::to_string(i) + ": hwloc L#" + std::to_string(c.logical_index) + ", OS core " +
             std::to_string(c.os_index) + ", package " + std::to_string(c.package) + ", NUMA node " +
             std::to_string(c.numa_node) + ", PUs " + format_cpu_list(c.pus) + "\n";
    }
    return s;
}

}  // namespace mosix::rt
