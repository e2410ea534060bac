// mosexec_direct.hpp — a job of one PE on this machine: mosexec starts the program itself (no
// mpirun, so it starts in milliseconds) and stays its parent to forward signals and say how it
// ended.
#pragma once

#include "mosexec_command.hpp"
#include "mosexec_stats.hpp"

namespace mosexec {

// Runs the command and waits for it; returns mosexec's exit status.
// `stats` gets the PE's statistics packets and serves the "stats" request.
int run_direct(const Launch& launch, JobStats* stats);

}  // namespace mosexec
