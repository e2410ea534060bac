// mosexec_report.cc — words for how a PE ended.
#include "mosexec_report.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstring>

namespace mosexec {

std::string signal_name(int sig) {
    if (const char* abbrev = sigabbrev_np(sig)) return std::string("SIG") + abbrev;
    if (sig >= SIGRTMIN && sig <= SIGRTMAX) return "SIGRTMIN+" + std::to_string(sig - SIGRTMIN);
    return "unknown signal";
}

int exit_code_of(int wait_status) {
    if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
    return WEXITSTATUS(wait_status);
}

std::string death_line(long long pe, long long pid, const std::string& host, int wait_status) {
    if (!WIFSIGNALED(wait_status)) return {};
    int sig = WTERMSIG(wait_status);
    return "mosexec: PE " + std::to_string(pe) + " (pid " + std::to_string(pid) + ") on host " + host +
           " was killed by signal " + std::to_string(sig) + " (" + signal_name(sig) + ")\n";
}

std::string this_host() {
    char name[256] = "";
    if (gethostname(name, sizeof name - 1) != 0) return "?";
    return name;
}

}  // namespace mosexec
