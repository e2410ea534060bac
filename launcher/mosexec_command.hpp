// mosexec_command.hpp — from the options to the command that starts the job: the program run
// directly (one PE here), or Open MPI's mpirun starting one mosexec agent per PE, each of which runs
// the program (mosexec_agent.hpp says why the agent is there).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "mosexec_options.hpp"

namespace mosexec {

// The variable through which PE agents learn where mosexec listens (mosexec_wire.hpp). Empty or
// unset: the agent simply runs the program, so a --dry-run command also works typed by hand.
inline constexpr const char* kAgentVariable = "MOSEXEC_AGENT";
// argv[1] that makes mosexec a PE agent instead of a launcher.
inline constexpr const char* kAgentFlag = "--pe-agent";

struct Launch {
    long long nranks = 0;
    long long pes = 1;
    bool via_mpirun = false;
    std::vector<std::pair<std::string, std::string>> env;  // what mosexec sets for the job
    std::string path;                                      // the file to execute
    std::vector<std::string> argv;                         // its argv
    std::vector<std::string> program;                      // the user's program, as found, and its args
};

// Works out PEs and hosts, finds the program (and mpirun), and builds the command. Errors in what
// the user asked for are usage errors (exit 2).
Launch plan_launch(const Options& o);

// Puts the job's variables in mosexec's environment, so the command inherits them.
void apply_environment(const Launch& launch);

// The command as one shell line (variables first), what --dry-run prints.
std::string command_line(const Launch& launch);

}  // namespace mosexec
