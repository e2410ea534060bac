// mosexec_hosts.hpp — where a job may run: host lists (--host, --hostfile), this machine's cores,
// and a Slurm allocation; each gives the default number of PEs.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace mosexec {

struct Host {
    std::string name;
    long long slots = 1;  // PEs this host is meant to hold (a host listed twice has both counts)
};

// "name[:slots],..." as --host takes it. A bad entry is a usage error (exit 2).
std::vector<Host> parse_host_list(const std::string& list);

// An Open MPI hostfile: "name [slots=N] [max_slots=M] ...", '#' comments. A missing or unreadable
// file, a bad line or a file without hosts is a usage error (exit 2).
std::vector<Host> read_hostfile(const std::string& path);

long long total_slots(const std::vector<Host>& hosts);

// The cores (or, without core information, hardware threads) this process may run on, from hwloc.
long long local_cores();

// Inside a Slurm allocation (SLURM_JOB_ID set): its task count, else its CPU count.
std::optional<long long> slurm_pes();

}  // namespace mosexec
