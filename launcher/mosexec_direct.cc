// mosexec_direct.cc — one PE, started and watched by mosexec itself.
#include "mosexec_direct.hpp"

#include <poll.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "mosexec_control.hpp"
#include "mosexec_control_pipe.hpp"
#include "mosexec_options.hpp"
#include "mosexec_report.hpp"
#include "mosexec_requests.hpp"
#include "mosexec_spawn.hpp"

namespace mosexec {

int run_direct(const Launch& launch, JobStats* stats) {
    sigset_t old;
    sigset_t wanted = take_signals(&old);
    int sfd = signalfd(-1, &wanted, SFD_CLOEXEC | SFD_NONBLOCK);
    if (sfd < 0) usage_error("cannot set up: %s", std::strerror(errno));

    // Operator commands (mosctl) reach the program through its control pipe; the one PE is PE 0.
    ControlPipe pipe;
    JobInfo job{getpid(), launch.nranks, launch.pes, launch.program, stats, [] { kill(getpid(), SIGTERM); }};
    ControlServer control([&](const std::string& request) {
        return answer_request(job, request,
                              [&](long long, const std::string& command) { return pipe.send(command); });
    });
    int control_fd = control.open() ? pipe.open() : -1;
    pid_t pid = spawn(launch.path, launch.argv, old, -1, 0, control_fd);
    if (control_fd >= 0) close(control_fd);

    // The PE's statistics come back on its control socket: read until it closes its end.
    bool reports = control_fd >= 0;
    auto read_reports = [&](short revents) {
        std::string packet;
        bool any = false;
        while (pipe.read_report(&packet)) {
            stats->feed(0, packet);
            any = true;
        }
        reports = any || !(revents & (POLLHUP | POLLERR));
    };
    int status = 0;
    for (bool ended = false; !ended;) {
        std::vector<pollfd> fds = {{sfd, POLLIN, 0}, {reports ? pipe.fd() : -1, POLLIN, 0}};
        control.watch(&fds);
        if (poll(fds.data(), fds.size(), -1) < 0) continue;  // EINTR
        if (fds[1].revents) read_reports(fds[1].revents);
        control.serve(fds.data() + 2);
        signalfd_siginfo si;
        while (!ended && read(sfd, &si, sizeof si) == static_cast<ssize_t>(sizeof si)) {
            if (si.ssi_signo == SIGCHLD) {
                ended = waitpid(pid, &status, WNOHANG) == pid;
                continue;
            }
            // A signal from the terminal (Ctrl-C, hangup) already went to the child's process
            // group, and comes with SI_KERNEL; forward only those sent to mosexec alone (kill, a
            // batch system).
            if (si.ssi_code != SI_KERNEL) kill(pid, static_cast<int>(si.ssi_signo));
        }
    }
    if (reports) read_reports(0);  // its last figures, written as it ended
    control.close();
    close(sfd);
    std::fputs(death_line(0, pid, this_host(), status).c_str(), stderr);
    return exit_code_of(status);
}

}  // namespace mosexec
