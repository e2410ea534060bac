// mosexec_agent.hpp — the PE agent: what mpirun starts on each host, once per PE, instead of the
// program (`mosexec --pe-agent PROGRAM ARGS...`).
//
// Why an agent: mpirun's own output forwarding reads each PE's output in arbitrary pieces and
// writes them as they come, so lines from two PEs tear mid-line (measured: a few percent of
// 100-byte lines, most 5000-byte lines); its --tag-output and --xml modes cut up output the same
// way and, worse, silently drop bytes when a piece has many short lines (ORTE's fixed tagging
// buffer). And mpirun names a PE killed by a signal with "PID 0". The agent runs the program as its
// child, with stdout on a pseudo-terminal (line-buffered, as under mpirun) and stderr on a pipe,
// sends whole lines and the PE's pid, host and end to mosexec over its own TCP connection
// (mosexec_wire.hpp), and passes on the signals mpirun sends it. The program keeps mpirun's PMIx
// environment, stdin (PE 0 gets mosexec's) and everything else.
#pragma once

namespace mosexec {

// argv: mosexec --pe-agent PROGRAM ARGS... Returns the agent's exit status (the PE's).
int run_agent(int argc, char** argv);

}  // namespace mosexec
