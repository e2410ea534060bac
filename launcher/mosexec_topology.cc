// mosexec_topology.cc — `mosexec --topology`: its own reading of the command line, where mpirun puts
// PEs on hosts, and the report.
//
// It reads the command line itself, before parse_options, because it needs neither a program nor
// -n, which a run requires. The option table repeats mosexec_options.cc's so that any command line
// mosexec runs can be checked by adding --topology; an option added there and not here is refused
// here with the usual "unknown option" message.
#include "mosexec_topology.hpp"

#include <getopt.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "mosexec_options.hpp"
#include "runtime/placement.hpp"
#include "runtime/topology.hpp"

namespace mosexec {

namespace {

constexpr long long kMaxRanks = 1LL << 24;  // as mosexec_options.cc
constexpr long long kMaxPeLines = 1024;     // beyond this many PEs the per-PE list is cut short

struct TopologyRequest {
    std::optional<long long> nranks;
    std::optional<long long> pes;
    std::optional<std::string> host_list, hostfile;
    bool tag_output = false;
};

std::optional<long long> parse_count(const std::string& text) {
    long long v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return v;
}

// Whether --topology is one of mosexec's own arguments. Returns the request if so; the program and
// everything after it are never looked at ("+" in the option string, as in parse_options).
std::optional<TopologyRequest> read_request(int argc, char** argv) {
    enum { kPes = 256, kHost, kHostfile, kTagOutput, kMpirunArg, kStackSize, kDryRun, kVersion, kTopology };
    static const option kLong[] = {
        {"np", required_argument, nullptr, 'n'},
        {"pes", required_argument, nullptr, kPes},
        {"host", required_argument, nullptr, kHost},
        {"hostfile", required_argument, nullptr, kHostfile},
        {"tag-output", no_argument, nullptr, kTagOutput},
        {"mpirun-arg", required_argument, nullptr, kMpirunArg},
        {"stack-size", required_argument, nullptr, kStackSize},
        {"dry-run", no_argument, nullptr, kDryRun},
        {"help", no_argument, nullptr, 'h'},
        {"version", no_argument, nullptr, kVersion},
        {"topology", no_argument, nullptr, kTopology},
        {nullptr, 0, nullptr, 0},
    };
    // Quick way out for every ordinary run: the flag must be there, written in full.
    bool mentioned = false;
    for (int i = 1; i < argc && !mentioned; ++i) mentioned = std::strcmp(argv[i], kTopologyFlag) == 0;
    if (!mentioned) return std::nullopt;

    TopologyRequest r;
    std::optional<std::string> np, pes;
    bool topology = false;
    opterr = 0;
    optind = 1;
    for (int c; (c = getopt_long(argc, argv, "+:n:h", kLong, nullptr)) != -1;) {
        switch (c) {
            case 'n':
                np = optarg;
                break;
            case kPes:
                pes = optarg;
                break;
            case kHost:
                r.host_list = optarg;
                break;
            case kHostfile:
                r.hostfile = optarg;
                break;
            case kTagOutput:
                r.tag_output = true;
                break;
            case kTopology:
                topology = true;
                break;
            case kMpirunArg:
            case kStackSize:
            case kDryRun:
            case 'h':
            case kVersion:
                break;  // they change how a job runs or what is printed instead; nothing runs here
            case ':': {
                std::string name = argv[optind - 1];
                usage_error("option %s needs a value", name.substr(0, name.find('=')).c_str());
            }
            default: {
                std::string name = optopt ? std::string("-") + static_cast<char>(optopt) : argv[optind - 1];
                usage_error("unknown option '%s'", name.substr(0, name.find('=')).c_str());
            }
        }
    }
    optind = 1;  // parse_options starts over if it is called after all
    // "--topology" only among the program's arguments: the job is the program's business.
    if (!topology) return std::nullopt;

    if (np) {
        auto n = parse_count(*np);
        if (!n || *n < 1 || *n > kMaxRanks)
            usage_error("-n needs a number of ranks from 1 to %lld, got '%s'", kMaxRanks, np->c_str());
        r.nranks = *n;
    }
    if (pes) {
        auto p = parse_count(*pes);
        if (!p || *p < 1) usage_error("--pes needs a number of PEs of at least 1, got '%s'", pes->c_str());
        if (r.nranks && *p > *r.nranks) usage_error("--pes %lld is more than the %lld ranks", *p, *r.nranks);
        r.pes = *p;
    }
    if (r.host_list && r.hostfile) usage_error("--host and --hostfile cannot be used together");
    return r;
}

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

std::optional<int> topology_flag(int argc, char** argv) {
    std::optional<TopologyRequest> r = read_request(argc, argv);
    if (!r) return std::nullopt;

    std::vector<Host> hosts;
    const char* hosts_from = nullptr;
    if (r->host_list) {
        hosts = parse_host_list(*r->host_list);
        hosts_from = "--host";
    }
    if (r->hostfile) {
        hosts = read_hostfile(*r->hostfile);
        hosts_from = "--hostfile";
    }
    // The PE count, by plan_launch's rule (mosexec_command.cc).
    long long pes = 0;
    const char* pes_from = nullptr;
    std::optional<long long> slurm = hosts.empty() ? slurm_pes() : std::nullopt;
    if (r->pes) {
        pes = *r->pes;
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
    if (r->nranks && pes > *r->nranks) {
        pes = *r->nranks;
        pes_from = "no more PEs than ranks";
    }
    bool via_mpirun = pes > 1 || !hosts.empty() || r->tag_output;
    const char* bind = std::getenv("MOSIX_BIND");
    bool bound = via_mpirun && !(bind && std::strcmp(bind, "none") == 0);

    mosix::rt::HostTopology topo = mosix::rt::discover_topology();
    std::fputs(mosix::rt::describe(topo).c_str(), stdout);

    std::printf("job: ");
    if (r->nranks) std::printf("%lld ranks on ", *r->nranks);
    std::printf("%lld PE%s (%s)%s\n", pes, pes == 1 ? "" : "s", pes_from,
                r->nranks ? ", ranks in blocks of neighbours" : "; give -n N to see the ranks");
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
            if (r->nranks) {
                int n = static_cast<int>(*r->nranks), p = static_cast<int>(pes), e = static_cast<int>(pe);
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
