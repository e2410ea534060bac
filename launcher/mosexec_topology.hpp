// mosexec_topology.hpp — `mosexec --topology`: what hwloc finds on this host and where a job's PEs
// and ranks would go, printed without running anything.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mosexec_hosts.hpp"

namespace mosexec {

// The option, as it must be written (in full: the rest of mosexec's options do not know it).
inline constexpr const char* kTopologyFlag = "--topology";

// If --topology is among mosexec's options (anywhere before the program), prints this host's
// topology, the hosts with the PEs each gets, and for each PE its host, core and ranks; then returns
// 0, the exit status, without running anything: the program and its arguments, if given, are only
// skipped (so a working command line can be checked by adding --topology). -n is optional (without it
// no ranks are shown); --pes, --host and --hostfile count as for a run; the other options are accepted
// and ignored. Returns nothing when --topology is not there. Usage errors exit 2, like every other.
std::optional<int> topology_flag(int argc, char** argv);

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
