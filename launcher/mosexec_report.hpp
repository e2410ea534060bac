// mosexec_report.hpp — how a PE ended, in the words and exit status mosexec uses for it.
#pragma once

#include <string>

namespace mosexec {

// "SIGKILL", "SIGRTMIN+3".
std::string signal_name(int sig);

// The exit status mosexec passes on for a wait status: the exit code, or 128+S for signal S.
int exit_code_of(int wait_status);

// "mosexec: PE 1 (pid 12345) on host foo was killed by signal 9 (SIGKILL)\n" if the wait status
// is a death by signal, else "". Exits with a status need no line: the program (or the runtime's
// own message) has said why.
std::string death_line(long long pe, long long pid, const std::string& host, int wait_status);

std::string this_host();

}  // namespace mosexec
