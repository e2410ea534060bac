// topology.hpp — what this host is made of (packages, NUMA nodes, cores, PUs, memory), as hwloc
// finds it, and which core each PE of the host runs on.
//
// One rule places PEs, used by both the PE binding itself (affinity.cc) and every report of where
// PEs go (mosexec --topology): PE k of a host runs on the host's allowed cores in hwloc's order,
// round-robin, on the first allowed PU (hardware thread) of its core. Cores rather than PUs, so that
// two PEs never share a core's execution units through SMT while a core is free; hwloc's order
// rather than the OS's CPU numbers, because on many machines CPU n and n+1 are SMT siblings.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mosix::rt {

// A core this process may run on.
struct TopologyCore {
    int logical_index = -1;  // hwloc's logical index of the core among the machine's cores
    int os_index = -1;       // the core's number as the OS gives it (core_id), -1 if unknown
    int package = -1;        // logical index of its package, -1 if hwloc reports none
    int numa_node = -1;      // logical index of its (first) local NUMA node, -1 if none
    std::vector<int> pus;    // OS numbers of its PUs this process may run on, ascending; never empty
};

struct TopologyNumaNode {
    int logical_index = -1;
    int os_index = -1;
    std::uint64_t memory = 0;  // bytes local to the node, as hwloc reports them (0 if unknown)
};

struct HostTopology {
    std::string hostname;
    std::string hwloc_version;                 // the hwloc release built against, e.g. "2.9.0"
    int packages = 0;                          // of the machine (as far as hwloc sees it, see below)
    int machine_cores = 0;                     // all cores hwloc sees
    int machine_pus = 0;                       // all PUs hwloc sees
    std::vector<TopologyNumaNode> numa_nodes;  // all NUMA nodes hwloc sees, in logical order
    // The cores this process may run on: the cgroup's cpuset narrowed to the process's binding
    // (taskset, a batch system), as mosexec counts them for the default number of PEs. In hwloc's
    // logical order. Without core information from hwloc each allowed PU counts as a core.
    std::vector<TopologyCore> cores;
    int pus = 0;                     // allowed PUs (what `nproc` counts)
    bool cores_from_pus = false;     // true if hwloc reported no cores (see `cores`)
    std::uint64_t total_memory = 0;  // bytes of RAM the kernel manages (/proc/meminfo MemTotal)
    std::uint64_t numa_memory = 0;   // sum of the NUMA nodes' memory (hwloc); may differ from
                                     // total_memory, e.g. in a VM with hot-plugged memory
};

// Reads this host's topology with hwloc. hwloc itself leaves out what the cgroup forbids; the
// process's CPU binding narrows the allowed cores further. Call it before the PE binds itself (or in a
// process that is not a bound PE): once bound, a PE's allowed set is its one core. Never throws:
// if hwloc fails, the result is built from the CPUs the process may run on, one core each.
HostTopology discover_topology();

// Where PE `local_pe` (its index among the PEs of this host) runs.
struct PePlace {
    int core = -1;      // index into HostTopology::cores
    int os_index = -1;  // that core's OS number
    int pu = -1;        // OS number of the PU it is bound to: the core's first allowed PU
};

// The placement rule above. Several PEs share cores only when the host has more PEs than cores.
// `topo.cores` must not be empty (discover_topology never returns it empty).
PePlace pe_place(const HostTopology& topo, int local_pe);

// Several lines for people: the host's name, its packages, NUMA nodes with their memory and cores,
// the allowed cores with their PUs. Ends with a newline.
std::string describe(const HostTopology& topo);

// "0-3,6,8-9": a list of numbers, ascending, runs joined — how CPU lists are usually written.
std::string format_cpu_list(const std::vector<int>& sorted);

}  // namespace mosix::rt
