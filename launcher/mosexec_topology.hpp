// mosexec_topology.hpp — `mosexec --topology`: what hwloc finds on this host and where a job's PEs
// and ranks would go, printed without running anything.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mosexec_hosts.hpp"
#include "mosexec_options.hpp"

namespace mosexec {

// For --topology: prints this host's topology, the hosts with the PEs each gets, and for each PE
// its host, core and ranks; returns 0, the exit status, without running anything (the program, if
// given, is only skipped, so a working command line can be checked by adding --topology). Without
// -n no ranks are shown; --pes, --host and --hostfile count as for a run.
int print_topology(const Options& o);

// A host and the PEs mpirun puts on it.
struct HostPes {
    std::string name;
    long long slots = 0;     // all its slots (a host listed twice counts once, with both counts)
    long long pes = 0;       // how many PEs it gets
    long long first_pe = 0;  // its PEs are first_pe .. first_pe + pes - 1
};

// Where mpirun (Open MPI 4, default by-slot mapping, --oversubscribe as mosexec passes it) puts `pes`
// PEs on `hosts`: each host, in order, takes PEs up to its slots; PEs left over are spread evenly over
// all hosts, one more on each of the first hosts until none is left. A host's PEs are consecutive.
// Checked against `mpirun --do-not-launch --display-map`. Hosts listed twice are merged.
std::vector<HostPes> place_pes_on_hosts(const std::vector<Host>& hosts, long long pes);

}  // namespace mosexec
