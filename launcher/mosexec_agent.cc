// mosexec_agent.cc — one PE's agent: runs the program, relays its output in whole lines, reports
// its end.
#include "mosexec_agent.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "control_socket.hpp"
#include "mosexec_command.hpp"
#include "mosexec_control_pipe.hpp"
#include "mosexec_report.hpp"
#include "mosexec_wire.hpp"

namespace mosexec {

namespace {

constexpr std::size_t kLongLine = 256 * 1024;  // a line longer than this goes in pieces
constexpr long long kStallMs = 100;            // a partial line (a prompt) waits this long for its newline
constexpr long long kDrainMs = 2000;           // output still open this long after the PE ended is dropped
constexpr std::size_t kBatch = 256 * 1024;     // output read before it is sent

// Signals mpirun (or a batch system) may send a PE; the agent passes them on. The first four end
// the job: a PE that dies of one of those after the agent passed it on did not fail by itself.
constexpr int kForwarded[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGCONT, SIGTSTP};

long long now_ms() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

// This PE's index in the job, from the variables mpirun (or srun) gives every process it starts.
long long pe_index() {
    for (const char* name : {"PMIX_RANK", "OMPI_COMM_WORLD_RANK"})
        if (const char* v = std::getenv(name)) return std::atoll(v);
    return -1;
}

struct Stream {
    Stream(int f, wire::Kind k) : fd(f), kind(k) {}
    int fd;
    wire::Kind kind;
    std::string pending;     // bytes after the last newline sent
    long long flush_at = 0;  // when a stalled partial line goes anyway; 0 = nothing pending
};

class Relay {
public:
    Relay(int sock, pid_t child) : sock_(sock), child_(child) {}

    void send(wire::Kind kind, std::string_view data) {
        if (data.empty() && kind != wire::kExit && kind != wire::kHello) return;
        if (wire::send_all(sock_, wire::encode(kind, data))) return;
        // mosexec is gone, so is the job: end the PE rather than leave it running unwatched.
        kill(child_, SIGKILL);
        waitpid(child_, nullptr, 0);
        _exit(1);
    }

    // Sends what `s` read, up to its last newline; keeps the rest for later, unless it is long.
    void relay(Stream& s, const char* data, std::size_t len) {
        s.pending.append(data, len);
        std::size_t cut = s.pending.rfind('\n');
        cut = cut == std::string::npos ? 0 : cut + 1;
        if (s.pending.size() - cut >= kLongLine) cut = s.pending.size();
        send(s.kind, std::string_view(s.pending).substr(0, cut));
        s.pending.erase(0, cut);
        // The clock starts when a partial line starts, so one that keeps growing (a progress
        // bar redrawn with '\r') is still shown every kStallMs.
        if (s.pending.empty())
            s.flush_at = 0;
        else if (cut > 0 || !s.flush_at)
            s.flush_at = now_ms() + kStallMs;
    }

    void flush(Stream& s) {
        send(s.kind, s.pending);
        s.pending.clear();
        s.flush_at = 0;
    }

private:
    int sock_;
    pid_t child_;
};

// Reads all there is (the descriptors are non-blocking), up to kBatch, and relays it at once: a
// program printing many short lines then costs one frame per batch, not one per line. At end of
// output (EOF, or EIO from a pseudo-terminal whose other side is closed) sends the rest and
// closes the stream.
void drain(Relay& relay, Stream& s) {
    static char buf[kBatch];
    std::size_t got = 0;
    bool end = false;
    while (got < sizeof buf) {
        ssize_t n = read(s.fd, buf + got, sizeof buf - got);
        if (n > 0) {
            got += static_cast<std::size_t>(n);
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            end = n == 0 || errno != EAGAIN;
            break;
        }
    }
    if (got > 0) relay.relay(s, buf, got);
    if (end) {
        relay.flush(s);
        close(s.fd);
        s.fd = -1;
    }
}

// The PE's stdout: a pseudo-terminal in raw mode (no "\r\n"), so the program's stdio stays
// line-buffered as on a terminal. A plain pipe if none can be had.
void open_stdout(int* ours, int* theirs) {
    if (openpty(ours, theirs, nullptr, nullptr, nullptr) == 0) {
        termios t;
        if (tcgetattr(*theirs, &t) == 0) {
            cfmakeraw(&t);
            tcsetattr(*theirs, TCSANOW, &t);
        }
        fcntl(*ours, F_SETFD, FD_CLOEXEC);
        fcntl(*theirs, F_SETFD, FD_CLOEXEC);
        return;
    }
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) {
        std::perror("mosexec agent: pipe");
        std::exit(2);
    }
    *ours = p[0];
    *theirs = p[1];
}

// Operator commands from mosexec ('C' frames on the agent's connection), passed on to the PE
// through its control pipe. A command the PE cannot take is reported on the agent's stderr, which
// reaches mosexec's through mpirun.
class Commands {
public:
    Commands(int sock, ControlPipe& pipe, long long pe, const std::string& host)
        : sock_(sock), pipe_(pipe), pe_(pe), host_(host) {}
    int fd() const { return sock_; }  // -1 once there is nothing more to read

    void read() {
        char buf[4096];
        ssize_t n = ::read(sock_, buf, sizeof buf);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
        // mosexec's side is closed: stop listening, and leave the socket to the relay, whose next
        // send finds mosexec gone and ends the PE.
        if (n <= 0) {
            sock_ = -1;
            return;
        }
        in_.append(buf, static_cast<std::size_t>(n));
        wire::Kind kind;
        std::string command;
        for (int got; sock_ >= 0 && (got = wire::take_frame(&in_, &kind, &command)) != 0;) {
            if (got < 0) sock_ = -1;  // not frames: nothing more from there makes sense
            if (got < 0 || kind != wire::kControl) continue;
            if (std::string why = pipe_.send(command); !why.empty())
                std::fprintf(stderr,
                             "mosexec: PE %lld on host %s did not get the operator command '%s': %s\n", pe_,
                             host_.c_str(), command.c_str(), why.c_str());
        }
    }

private:
    int sock_;
    ControlPipe& pipe_;
    long long pe_;
    std::string host_;
    std::string in_;  // bytes not yet making a whole frame
};

// The PE: the program as the agent's child, stdout and stderr to the agent.
struct Pe {
    pid_t pid;
    int out, err;  // the agent's ends
};

// control_fd: the read end of the PE's control pipe (-1: none), which the PE inherits.
Pe start_pe(char** program, const sigset_t& child_mask, int control_fd, long long pe,
            const std::string& host) {
    int out_theirs, err[2];
    Pe p{};
    open_stdout(&p.out, &out_theirs);
    if (pipe2(err, O_CLOEXEC) != 0) {
        std::perror("mosexec agent: pipe");
        std::exit(2);
    }
    p.err = err[0];
    pid_t agent = getpid();
    p.pid = fork();
    if (p.pid < 0) {
        std::perror("mosexec agent: fork");
        std::exit(2);
    }
    if (p.pid == 0) {
        // If the agent is killed outright (mpirun's last resort is SIGKILL), the PE goes with it.
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != agent) _exit(1);
        sigprocmask(SIG_SETMASK, &child_mask, nullptr);
        dup2(out_theirs, STDOUT_FILENO);
        dup2(err[1], STDERR_FILENO);
        if (control_fd >= 0) fcntl(control_fd, F_SETFD, 0);
        execv(program[0], program);
        dprintf(STDERR_FILENO, "mosexec: PE %lld on host %s cannot run '%s': %s\n", pe, host.c_str(),
                program[0], std::strerror(errno));
        _exit(127);
    }
    close(out_theirs);
    close(err[1]);
    fcntl(p.out, F_SETFL, O_NONBLOCK);
    fcntl(p.err, F_SETFL, O_NONBLOCK);
    return p;
}

// Relays the PE's output and passes signals on until it has ended and its output is closed (or,
// if something it started keeps the output open, kDrainMs longer). Returns its wait status.
// Passes the PE's statistics packets on to mosexec. Returns false once the PE's end is closed.
bool relay_reports(Relay& relay, ControlPipe& control, short revents) {
    std::string packet;
    bool any = false;
    while (control.read_report(&packet)) {
        relay.send(wire::kStats, packet);
        any = true;
    }
    return any || !(revents & (POLLHUP | POLLERR));
}

int relay_until_end(Relay& relay, Commands& commands, ControlPipe& control, const Pe& pe, int sfd,
                    bool* forwarded) {
    bool reports = control.fd() >= 0;
    Stream streams[2] = {Stream(pe.out, wire::kStdout), Stream(pe.err, wire::kStderr)};
    int status = 0;
    bool ended = false;
    long long ended_at = 0;
    for (;;) {
        long long now = now_ms();
        bool open = streams[0].fd >= 0 || streams[1].fd >= 0;
        if (ended && (!open || now >= ended_at + kDrainMs)) break;
        long long wake = ended ? ended_at + kDrainMs : -1;
        for (Stream& s : streams)
            if (s.flush_at) wake = wake < 0 ? s.flush_at : std::min(wake, s.flush_at);
        pollfd fds[5] = {{sfd, POLLIN, 0},
                         {streams[0].fd, POLLIN, 0},
                         {streams[1].fd, POLLIN, 0},
                         {commands.fd(), POLLIN, 0},
                         {reports ? control.fd() : -1, POLLIN, 0}};
        int timeout = wake < 0 ? -1 : static_cast<int>(std::max(0LL, wake - now));
        if (poll(fds, 5, timeout) < 0) continue;  // EINTR

        signalfd_siginfo si;
        if ((fds[0].revents & POLLIN) && read(sfd, &si, sizeof si) == static_cast<ssize_t>(sizeof si)) {
            int sig = static_cast<int>(si.ssi_signo);
            if (sig != SIGCHLD) {
                kill(pe.pid, sig);
                *forwarded |= sig == SIGTERM || sig == SIGINT || sig == SIGHUP || sig == SIGQUIT;
            } else if (!ended && waitpid(pe.pid, &status, WNOHANG) == pe.pid) {
                ended = true;
                ended_at = now_ms();
            }
        }
        for (int i = 0; i < 2; ++i)
            if (streams[i].fd >= 0 && fds[i + 1].revents) drain(relay, streams[i]);
        if (commands.fd() >= 0 && fds[3].revents) commands.read();
        if (reports && fds[4].revents) reports = relay_reports(relay, control, fds[4].revents);
        now = now_ms();
        for (Stream& s : streams)
            if (s.flush_at && s.flush_at <= now) relay.flush(s);
    }
    for (Stream& s : streams) {
        relay.flush(s);
        if (s.fd >= 0) close(s.fd);
    }
    if (reports) relay_reports(relay, control, 0);  // the PE's last figures, written as it ended
    return status;
}

}  // namespace

int run_agent(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "mosexec: %s needs a program\n", kAgentFlag);
        return 2;
    }
    char** program = argv + 2;
    const char* info_env = std::getenv(kAgentVariable);
    std::string info = info_env ? info_env : "";
    unsetenv(kAgentVariable);  // the program has no use for it
    if (info.empty()) {
        unsetenv(mosix::control::kFdVariable);  // not ours to pass on: no agent, no commands
        // Not started by mosexec (a --dry-run command typed by hand): just be the program.
        execv(program[0], program);
        std::fprintf(stderr, "mosexec: cannot run '%s': %s\n", program[0], std::strerror(errno));
        return 127;
    }
    long long pe = pe_index();
    std::string host = this_host();
    std::string cookie, why;
    int sock = wire::connect_to_launcher(info, &cookie, &why);
    if (sock < 0) {
        std::fprintf(stderr, "mosexec: PE %lld on host %s cannot reach mosexec: %s\n", pe, host.c_str(),
                     why.c_str());
        return 2;
    }

    sigset_t wanted, old;
    sigemptyset(&wanted);
    sigaddset(&wanted, SIGCHLD);
    for (int s : kForwarded) sigaddset(&wanted, s);
    sigprocmask(SIG_BLOCK, &wanted, &old);
    int sfd = signalfd(-1, &wanted, SFD_CLOEXEC);
    if (sfd < 0) {
        std::perror("mosexec agent: signalfd");
        return 2;
    }
    // Every PE gets a control pipe, so that a command can go to any PE; today mosexec sends them
    // all to PE 0.
    ControlPipe control;
    int control_fd = control.open();
    Pe child = start_pe(program, old, control_fd, pe, host);
    if (control_fd >= 0) close(control_fd);
    Relay relay(sock, child.pid);
    Commands commands(sock, control, pe, host);
    relay.send(wire::kHello,
               cookie + " " + std::to_string(pe) + " " + std::to_string(child.pid) + " " + host);
    bool forwarded = false;
    int status = relay_until_end(relay, commands, control, child, sfd, &forwarded);
    relay.send(wire::kExit, std::to_string(status) + (forwarded ? " 1" : " 0"));
    close(sock);
    return exit_code_of(status);
}

}  // namespace mosexec
