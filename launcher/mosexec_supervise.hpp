// mosexec_supervise.hpp — a job started through mpirun: mosexec runs mpirun, takes each PE agent's
// connection (output, pid, host, how the PE ended), and ends the job on a PE failure or a signal.
//
//   * a PE killed by a signal: one line, "mosexec: PE 1 (pid 12345) on host foo was killed by
//     signal 9 (SIGKILL)"; mpirun then ends the other PEs (~1 s), and mosexec exits 128+S;
//   * else a PE that exits non-zero: mosexec exits with that status (the first failing PE's);
//   * SIGINT/SIGTERM/SIGHUP to mosexec: passed to mpirun, which ends the job; whatever is still
//     running 3 s later is killed (SIGKILL); exit 128+S;
//   * at the end, every process of the job still running on this host is killed.
#pragma once

#include "mosexec_command.hpp"
#include "mosexec_stats.hpp"

namespace mosexec {

// Runs the launch (launch.via_mpirun); returns mosexec's exit status. *pe_lost (if given) says
// whether the job ended because a PE died (killed by a signal, or its agent or mpirun vanished)
// rather than by its own exit or an operator's signal: what --restart-on-failure recovers from.
// `stats` gets the PEs' statistics packets and serves the "stats" request.
int supervise(const Launch& launch, bool tag_output, JobStats* stats, bool* pe_lost = nullptr);

}  // namespace mosexec
