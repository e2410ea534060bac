// mosexec_direct.cc — one PE, started and watched by mosexec itself.
#include "mosexec_direct.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

#include "mosexec_report.hpp"
#include "mosexec_spawn.hpp"

namespace mosexec {

int run_direct(const Launch& launch) {
    sigset_t old;
    sigset_t wanted = take_signals(&old);
    pid_t pid = spawn(launch.path, launch.argv, old, -1, 0);

    int status = 0;
    for (;;) {
        siginfo_t info;
        if (sigwaitinfo(&wanted, &info) < 0) continue;  // EINTR
        if (info.si_signo == SIGCHLD) {
            if (waitpid(pid, &status, WNOHANG) == pid) break;
            continue;
        }
        // A signal from the terminal (Ctrl-C, hangup) already went to the child's process group,
        // and comes with SI_KERNEL; forward only those sent to mosexec alone (kill, a batch system).
        if (info.si_code != SI_KERNEL) kill(pid, info.si_signo);
    }
    std::fputs(death_line(0, pid, this_host(), status).c_str(), stderr);
    return exit_code_of(status);
}

}  // namespace mosexec
