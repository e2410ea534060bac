// mosexec_topology.cc — `mosexec --topology`: where mpirun puts PEs on hosts, and the report.
#include "mosexec_topology.hpp"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "mosexec_map_limit.hpp"
#include "mosexec_options.hpp"
#include "runtime/map_budget.hpp"
#include "runtime/placement.hpp"
#include "runtime/topology.hpp"

namespace mosexec {

namespace {

constexpr long long kMaxPeLines = 1024;  // beyond this many PEs the per-PE list is cut short

std::string short_name(const std::string& host) { return host.substr(0, host.find('.')); }

bool is_this_host(const std::string& name, const std::string& self) {
    return name == "localhost" || name == "127.0.0.1" || name == self || short_name(name) == short_name(self);
}

std::string range_text(long long first, long long count) {
    if (count <= 0) return "none";
    if (count == 1) return std::to_string(first);
    return std::to_string(first) + "-" + std::to_string(first + count - 1);
}

}  // namespace

std::vector<HostPes> place_pes_on_hosts(const std::vector<Host>& hosts, long long pes) {
    std::vector<HostPes> out;
    for (const Host& h : hosts) {
        auto same = std::find_if(out.begin(), out.end(), [&](const HostPes& x) { return x.name == h.name; });
        if (same != out.end())
            same->slots += h.slots;
        else
            out.push_back(HostPes{h.name, h.slots, 0, 0});
    }
    if (out.empty()) return out;
    long long left = pes;
    for (HostPes& h : out) {
        h.pes = std::min(h.slots, left);
        left -= h.pes;
    }
    // Oversubscribed: mpirun's second pass spreads the rest evenly, the first hosts taking one more.
    auto n = static_cast<long long>(out.size());
    for (long long i = 0; i < n; ++i)
        out[static_cast<std::size_t>(i)].pes += left / n + (i < left % n ? 1 : 0);
    long long next = 0;
    for (HostPes& h : out) {
        h.first_pe = next;
        next += h.pes;
    }
    return out;
}

int print_topology(const Options& o) {
    std::optional<long long> nranks;
    if (o.nranks > 0) nranks = o.nranks;

    std::vector<Host> hosts;
    const char* hosts_from = nullptr;
    if (o.host_list) {
        hosts = parse_host_list(*o.host_list);
        hosts_from = "--host";
    }
    if (o.hostfile) {
        hosts = read_hostfile(*o.hostfile);
        hosts_from = "--hostfile";
    }
    // The PE count, by plan_launch's rule (mosexec_command.cc).
    long long pes = 0;
    const char* pes_from = nullptr;
    std::optional<long long> slurm = hosts.empty() ? slurm_pes() : std::nullopt;
    if (o.pes) {
        pes = *o.pes;
        pes_from = "--pes";
    } else if (!hosts.empty()) {
        pes = total_slots(hosts);
        pes_from = "the hosts' slots";
    } else if (slurm) {
        pes = *slurm;
        pes_from = "the Slurm allocation";
    } else {
        pes = local_cores();
        pes_from = "this host's cores";
    }
    if (nranks && pes > *nranks) {
        pes = *nranks;
        pes_from = "no more PEs than ranks";
    }
    if (nranks && !o.rank_per_pe) {
        long long fitted = fit_pes_to_map_limit(*nranks, pes, o.pes.has_value(), pes,
                                                mosix::rt::read_max_map_count(), false);
        if (fitted != pes) pes_from = "enough for the ranks under vm.max_map_count; they share cores";
        pes = fitted;
    }
    bool via_mpirun = pes > 1 || !hosts.empty() || o.tag_output;
    const char* bind = std::getenv("MOSIX_BIND");
    bool bound = via_mpirun && !(bind && std::strcmp(bind, "none") == 0);

    mosix::rt::HostTopology topo = mosix::rt::discover_topology();
    std::fputs(mosix::rt::describe(topo).c_str(), stdout);

    std::printf("job: ");
    if (nranks) std::printf("%lld ranks on ", *nranks);
    std::printf("%lld PE%s (%s)%s\n", pes, pes == 1 ? "" : "s", pes_from,
                nranks ? ", ranks in blocks of neighbours" : "; give -n N to see the ranks");
    if (!bound)
        std::printf("  PEs are not bound to cores (%s)\n",
                    via_mpirun ? "MOSIX_BIND=none" : "one PE runs directly, without a launcher to place it");

    // Each PE's host and its index among that host's PEs (what its runtime binds by).
    std::vector<HostPes> placed = place_pes_on_hosts(hosts, pes);
    if (placed.empty()) placed.push_back(HostPes{slurm ? std::string() : topo.hostname, pes, pes, 0});
    if (!hosts.empty()) {
        std::printf(
            "hosts (%s), PEs as mpirun places them: each host's slots in order, then the rest "
            "evenly, first hosts first\n",
            hosts_from);
        for (const HostPes& h : placed)
            std::printf("  %-20s %4lld slot%s  PEs %s%s\n", h.name.c_str(), h.slots, h.slots == 1 ? " " : "s",
                        range_text(h.first_pe, h.pes).c_str(),
                        is_this_host(h.name, topo.hostname) ? "  (this host)" : "");
    } else if (slurm) {
        const char* nodes = std::getenv("SLURM_JOB_NODELIST");
        std::printf("hosts: the Slurm allocation's (%s); mpirun decides which PE goes where\n",
                    nodes ? nodes : "SLURM_JOB_NODELIST unset");
    }

    long long shown = 0;
    for (const HostPes& h : placed) {
        bool here = h.name.empty() ? false : is_this_host(h.name, topo.hostname);
        if (here && bound && h.pes > static_cast<long long>(topo.cores.size()))
            std::printf("  note: %lld PEs on %zu cores of %s: PEs share cores\n", h.pes, topo.cores.size(),
                        h.name.c_str());
        for (long long k = 0; k < h.pes && shown < kMaxPeLines; ++k, ++shown) {
            long long pe = h.first_pe + k;
            std::string where = h.name.empty() ? "a Slurm node" : h.name;
            std::string core;
            if (!bound) {
                core = "unbound";
            } else if (h.name.empty()) {
                core = "the core its index among its node's PEs gives";
            } else if (here) {
                auto place = mosix::rt::pe_place(topo, static_cast<int>(k));
                core = "core " + std::to_string(place.core) + " (OS core " + std::to_string(place.os_index) +
                       ", PU " + std::to_string(place.pu) + ")";
            } else {
                // Only that host knows its cores: the rule is the same, the numbers are its own.
                core = "its allowed core #" + std::to_string(k) + " (modulo its cores)";
            }
            std::printf("  PE %lld -> %s, %s", pe, where.c_str(), core.c_str());
            if (nranks) {
                int n = static_cast<int>(*nranks), p = static_cast<int>(pes), e = static_cast<int>(pe);
                int first = mosix::rt::placement_first_rank(e, n, p);
                int count = mosix::rt::placement_first_rank(e + 1, n, p) - first;
                std::printf(": rank%s %s", count == 1 ? "" : "s", range_text(first, count).c_str());
            }
            std::printf("\n");
        }
    }
    if (shown < pes) std::printf("  ... %lld more PEs not listed\n", pes - shown);
    std::fflush(stdout);
    return 0;
}

}  // namespace mosexec
