// mosexec_spawn.cc — fork/exec with an exec-failure report, and the signals mosexec takes.
#include "mosexec_spawn.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include "mosexec_options.hpp"

namespace mosexec {

sigset_t take_signals(sigset_t* old) {
    // SIGCHLD is reset in case our parent left it ignored (children would then be reaped by the
    // kernel and their status lost).
    std::signal(SIGCHLD, SIG_DFL);
    sigset_t wanted;
    sigemptyset(&wanted);
    sigaddset(&wanted, SIGCHLD);
    for (int s : {SIGINT, SIGTERM, SIGHUP}) {
        struct sigaction current {};
        if (sigaction(s, nullptr, &current) == 0 && current.sa_handler != SIG_IGN) sigaddset(&wanted, s);
    }
    sigprocmask(SIG_BLOCK, &wanted, old);
    return wanted;
}

pid_t spawn(const std::string& path, const std::vector<std::string>& args, const sigset_t& child_mask,
            int stderr_fd, int parent_death_signal, int inherit_fd) {
    // The child reports a failed exec through this close-on-exec pipe; success closes it empty.
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) usage_error("cannot create a pipe: %s", std::strerror(errno));
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);

    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) usage_error("cannot fork: %s", std::strerror(errno));
    if (pid == 0) {
        if (parent_death_signal) {
            prctl(PR_SET_PDEATHSIG, parent_death_signal);
            if (getppid() != parent) _exit(1);  // mosexec died before prctl took effect
        }
        sigprocmask(SIG_SETMASK, &child_mask, nullptr);
        std::signal(SIGPIPE, SIG_DFL);  // mosexec ignores it for itself only
        if (stderr_fd >= 0) dup2(stderr_fd, STDERR_FILENO);
        if (inherit_fd >= 0) fcntl(inherit_fd, F_SETFD, 0);
        execv(path.c_str(), argv.data());
        int err = errno;
        ssize_t ignored = write(report[1], &err, sizeof err);
        (void)ignored;
        _exit(127);
    }
    close(report[1]);
    int exec_errno = 0;
    ssize_t got;
    do got = read(report[0], &exec_errno, sizeof exec_errno);
    while (got < 0 && errno == EINTR);
    close(report[0]);
    if (got == static_cast<ssize_t>(sizeof exec_errno)) {
        waitpid(pid, nullptr, 0);
        usage_error("cannot run '%s': %s", path.c_str(), std::strerror(exec_errno));
    }
    return pid;
}

}  // namespace mosexec
