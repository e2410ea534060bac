// mosexec_hosts.cc — host lists, hostfiles, cores and Slurm allocations.
#include "mosexec_hosts.hpp"

#include <hwloc.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "mosexec_options.hpp"

namespace mosexec {

namespace {

// Host names and IPv4 addresses: letters, digits, '-', '.', '_', not starting with '-' or '.'.
bool valid_host_name(const std::string& name) {
    if (name.empty() || name.size() > 253 || name[0] == '-' || name[0] == '.') return false;
    for (unsigned char c : name)
        if (!std::isalnum(c) && c != '-' && c != '.' && c != '_') return false;
    return true;
}

std::optional<long long> parse_slots(const std::string& text) {
    long long v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || v < 1) return std::nullopt;
    return v;
}

}  // namespace

std::vector<Host> parse_host_list(const std::string& list) {
    std::vector<Host> hosts;
    std::size_t start = 0;
    do {
        std::size_t comma = list.find(',', start);
        std::string entry =
            list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        start = comma == std::string::npos ? list.size() + 1 : comma + 1;
        Host h;
        std::size_t colon = entry.find(':');
        h.name = entry.substr(0, colon);
        std::optional<long long> slots = 1;
        if (colon != std::string::npos) slots = parse_slots(entry.substr(colon + 1));
        if (!valid_host_name(h.name) || !slots)
            usage_error("--host entry '%s' is not name[:slots] with slots a number >= 1", entry.c_str());
        h.slots = *slots;
        hosts.push_back(std::move(h));
    } while (start <= list.size());
    return hosts;
}

std::vector<Host> read_hostfile(const std::string& path) {
    struct stat st;
    if (stat(path.c_str(), &st) != 0) usage_error("--hostfile '%s': %s", path.c_str(), std::strerror(errno));
    if (!S_ISREG(st.st_mode)) usage_error("--hostfile '%s' is not a regular file", path.c_str());
    std::ifstream in(path);
    if (!in) usage_error("--hostfile '%s' cannot be read: %s", path.c_str(), std::strerror(errno));
    std::vector<Host> hosts;
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        line = line.substr(0, line.find('#'));
        std::istringstream words(line);
        std::string word;
        if (!(words >> word)) continue;  // blank or comment
        if (!valid_host_name(word))
            usage_error("--hostfile %s line %d: '%s' is not a host name", path.c_str(), number, word.c_str());
        Host h{word, 1};
        // Only the slot counts matter here; mpirun reads (and checks) the other fields itself.
        while (words >> word) {
            std::size_t eq = word.find('=');
            if (eq == std::string::npos || eq == 0)
                usage_error("--hostfile %s line %d: '%s' is not key=value", path.c_str(), number,
                            word.c_str());
            std::string key = word.substr(0, eq);
            if (key != "slots" && key != "max_slots" && key != "max-slots") continue;
            auto v = parse_slots(word.substr(eq + 1));
            if (!v)
                usage_error("--hostfile %s line %d: %s needs a number >= 1, got '%s'", path.c_str(), number,
                            key.c_str(), word.substr(eq + 1).c_str());
            if (key == "slots") h.slots = *v;
        }
        hosts.push_back(std::move(h));
    }
    if (in.bad()) usage_error("--hostfile '%s' cannot be read: %s", path.c_str(), std::strerror(errno));
    if (hosts.empty()) usage_error("--hostfile %s names no hosts", path.c_str());
    return hosts;
}

long long total_slots(const std::vector<Host>& hosts) {
    long long total = 0;
    for (const Host& h : hosts) total += h.slots;
    return total;
}

long long local_cores() {
    long long count = 0;
    hwloc_topology_t topo;
    if (hwloc_topology_init(&topo) == 0) {
        if (hwloc_topology_load(topo) == 0) {
            // The topology holds only what the cgroup allows; narrow that to the CPUs this process is
            // bound to (taskset, a batch system), since every PE inherits that binding.
            hwloc_bitmap_t cpus = hwloc_bitmap_dup(hwloc_topology_get_allowed_cpuset(topo));
            hwloc_bitmap_t bound = hwloc_bitmap_alloc();
            if (hwloc_get_cpubind(topo, bound, HWLOC_CPUBIND_PROCESS) == 0 &&
                hwloc_bitmap_intersects(cpus, bound))
                hwloc_bitmap_and(cpus, cpus, bound);
            for (hwloc_obj_t core = nullptr; (core = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_CORE, core));)
                if (hwloc_bitmap_intersects(core->cpuset, cpus)) ++count;
            if (count == 0) count = hwloc_bitmap_weight(cpus);  // no core objects: count PUs
            hwloc_bitmap_free(bound);
            hwloc_bitmap_free(cpus);
        }
        hwloc_topology_destroy(topo);
    }
    if (count <= 0) count = sysconf(_SC_NPROCESSORS_ONLN);
    return count > 0 ? count : 1;
}

std::optional<long long> slurm_pes() {
    if (!std::getenv("SLURM_JOB_ID")) return std::nullopt;
    for (const char* name : {"SLURM_NTASKS", "SLURM_NPROCS"}) {
        if (const char* v = std::getenv(name))
            if (auto n = parse_slots(v)) return n;
    }
    // "72(x2),36": 72 CPUs on each of two nodes, 36 on a third.
    if (const char* v = std::getenv("SLURM_JOB_CPUS_PER_NODE")) {
        long long total = 0;
        for (const char* p = v; *p;) {
            char* end = nullptr;
            long long cpus = std::strtoll(p, &end, 10), times = 1;
            if (end == p || cpus < 1) return std::nullopt;
            p = end;
            if (std::strncmp(p, "(x", 2) == 0) {
                times = std::strtoll(p + 2, &end, 10);
                if (end == p + 2 || *end != ')' || times < 1) return std::nullopt;
                p = end + 1;
            }
            total += cpus * times;
            if (*p == ',')
                ++p;
            else if (*p)
                return std::nullopt;
        }
        if (total > 0) return total;
    }
    return std::nullopt;
}

}  // namespace mosexec
