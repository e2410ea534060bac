// mosexec_supervise.cc — the event loop of a job started through mpirun.
#include "mosexec_supervise.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <list>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <vector>

#include "mosexec_control.hpp"
#include "mosexec_output.hpp"
#include "mosexec_proctree.hpp"
#include "mosexec_report.hpp"
#include "mosexec_requests.hpp"
#include "mosexec_spawn.hpp"
#include "mosexec_wire.hpp"

namespace mosexec {

namespace {

constexpr long long kGraceMs = 3000;  // after a stop signal, before everything is killed
// After mpirun ended, the last output gets this long to arrive, counted from the last bytes that
// did: a big job's final statistics can keep mosexec reading for seconds, and the program's last
// lines wait behind them in the same connection (they were lost that way, 50,000 ranks under ASan).
constexpr long long kDrainMs = 2000;

long long now_ms() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

struct AgentConn {
    explicit AgentConn(int f) : fd(f) {}
    int fd;
    std::string in;   // bytes not yet making a whole frame
    std::string out;  // frames for the agent (operator commands) not yet sent
    bool greeted = false;
    long long pe = -1, pid = 0;
    std::string host;
    bool ended = false;  // sent its PE's end
};

class Supervisor {
public:
    Supervisor(const Launch& launch, bool tag, JobStats* stats)
        : launch_(launch),
          out_(tag),
          job_{getpid(), launch.nranks, launch.pes, launch.program, stats, [] { kill(getpid(), SIGTERM); }},
          control_([this](const std::string& request) {
              return answer_request(job_, request, [this](long long pe, const std::string& command) {
                  return send_to_pe(pe, command);
              });
          }) {}
    int run();
    bool pe_lost() const { return !stop_signal_ && (killed_ || broken_); }

private:
    void on_signal(const signalfd_siginfo& si);
    void reaped(pid_t pid, int status);
    void after_mpirun();
    void read_mpirun_errors();
    void accept_agents();
    bool read_agent(AgentConn& a);
    bool on_frame(AgentConn& a, wire::Kind kind, const std::string& data);
    void pe_ended(AgentConn& a, int status, bool forwarded);
    void agent_closed(AgentConn& a);
    std::string send_to_pe(long long pe, const std::string& command);
    void flush_agent(AgentConn& a);
    bool finished() const;
    int exit_status();

    const Launch& launch_;
    PeOutput out_;
    MpirunErrors errors_;
    wire::Listener listener_;
    int sfd_ = -1;
    int err_fd_ = -1;  // mpirun's stderr
    pid_t mpirun_ = -1;
    bool mpirun_done_ = false, cleaned_up_ = false;
    int mpirun_status_ = 0;
    int stop_signal_ = 0;  // the signal that told mosexec to end the job
    long long stop_deadline_ = 0, drain_deadline_ = 0;
    std::list<AgentConn> agents_;
    std::optional<int> killed_;  // 128+S for the first PE killed by a signal S
    std::optional<int> failed_;  // exit status of the first PE that exited non-zero by itself
    bool broken_ = false;        // mpirun or an agent vanished without a PE's report (and mosexec said so)
    JobInfo job_;
    ControlServer control_;                  // the operator's line in (mosctl)
    std::map<long long, std::string> held_;  // PE -> command frames that wait for its agent
    std::set<long long> gone_;               // PEs whose agent has come and gone
};

int Supervisor::run() {
    become_subreaper();
    std::signal(SIGPIPE, SIG_IGN);  // a reader gone is seen as EPIPE (write_fd, send_all)
    if (std::string why = wire::listen_for_agents(&listener_); !why.empty())
        usage_error("cannot listen for the PEs' agents: %s", why.c_str());
    setenv(kAgentVariable, listener_.info.c_str(), 1);
    control_.open();
    sigset_t old;
    sigset_t wanted = take_signals(&old);
    sfd_ = signalfd(-1, &wanted, SFD_CLOEXEC | SFD_NONBLOCK);
    int err[2];
    if (sfd_ < 0 || pipe2(err, O_CLOEXEC) != 0) usage_error("cannot set up: %s", std::strerror(errno));
    // If mosexec itself is killed outright, mpirun gets SIGTERM and ends the job.
    mpirun_ = spawn(launch_.path, launch_.argv, old, err[1], SIGTERM);
    close(err[1]);
    err_fd_ = err[0];

    while (!finished()) {
        std::vector<pollfd> fds = {{sfd_, POLLIN, 0}, {listener_.fd, POLLIN, 0}, {err_fd_, POLLIN, 0}};
        for (const AgentConn& a : agents_)
            fds.push_back({a.fd, static_cast<short>(POLLIN | (a.out.empty() ? 0 : POLLOUT)), 0});
        std::size_t control_at = fds.size();
        control_.watch(&fds);
        long long wake = mpirun_done_ ? drain_deadline_ : stop_signal_ ? stop_deadline_ : -1;
        int timeout = wake < 0 ? -1 : static_cast<int>(std::max(0LL, wake - now_ms()));
        if (poll(fds.data(), fds.size(), timeout) < 0 && errno != EINTR) break;

        if (fds[0].revents) {
            signalfd_siginfo si;
            while (read(sfd_, &si, sizeof si) == static_cast<ssize_t>(sizeof si)) on_signal(si);
        }
        if (fds[1].revents) accept_agents();
        if (fds[2].revents) read_mpirun_errors();
        std::size_t i = 3;  // agents_ from the start; those accepted just now have no pollfd yet
        bool heard = fds[2].revents != 0;
        for (auto it = agents_.begin(); it != agents_.end(); ++i) {
            if (i < control_at && (fds[i].revents & POLLOUT)) flush_agent(*it);
            heard = heard || (i < control_at && (fds[i].revents & ~POLLOUT));
            if (i < control_at && (fds[i].revents & ~POLLOUT) && !read_agent(*it)) {
                agent_closed(*it);
                it = agents_.erase(it);
            } else {
                ++it;
            }
        }
        if (mpirun_done_ && cleaned_up_ && heard) drain_deadline_ = now_ms() + kDrainMs;
        control_.serve(fds.data() + control_at);
        // Stopped, and mpirun has not ended the job within the grace period: end it here.
        if (stop_signal_ && !mpirun_done_ && now_ms() >= stop_deadline_)
            kill_descendants([this](pid_t pid, int status) { reaped(pid, status); });
        if (mpirun_done_) after_mpirun();
    }
    control_.close();
    for (AgentConn& a : agents_) {
        // Its PE's output did not end within kDrainMs of the last that came: say so, never drop
        // it silently.
        std::string who = a.pe >= 0 ? "PE " + std::to_string(a.pe) : std::string("a PE not yet named");
        write_fd(STDERR_FILENO, "mosexec: the output of " + who + " was still open " +
                                    std::to_string(kDrainMs / 1000) +
                                    " s after the job ended with nothing more coming; the rest is dropped\n");
        close(a.fd);
    }
    if (!cleaned_up_)
        kill_descendants([this](pid_t pid, int status) { reaped(pid, status); });  // poll failed
    errors_.finish();
    return exit_status();
}

void Supervisor::on_signal(const signalfd_siginfo& si) {
    int sig = static_cast<int>(si.ssi_signo);
    if (sig == SIGCHLD) {
        int status;
        for (pid_t pid; (pid = waitpid(-1, &status, WNOHANG)) > 0;) reaped(pid, status);
        return;
    }
    if (stop_signal_) {  // asked twice: no more waiting
        kill_descendants([this](pid_t pid, int status) { reaped(pid, status); });
        return;
    }
    stop_signal_ = sig;
    stop_deadline_ = now_ms() + kGraceMs;
    // A signal from the terminal (Ctrl-C, hangup) reached mpirun too, and comes with SI_KERNEL;
    // pass on only those sent to mosexec alone (kill, a batch system).
    if (si.ssi_code != SI_KERNEL && !mpirun_done_) kill(mpirun_, sig);
}

void Supervisor::reaped(pid_t pid, int status) {
    if (pid != mpirun_) return;  // an orphan of the job, adopted by mosexec (the subreaper)
    mpirun_done_ = true;
    mpirun_status_ = status;
}

// mpirun has ended: no new agents; what the job left on this host is killed now, not after the
// last output; what is in flight gets kDrainMs.
void Supervisor::after_mpirun() {
    if (cleaned_up_) return;
    cleaned_up_ = true;
    if (WIFSIGNALED(mpirun_status_) && !stop_signal_ && !killed_ && !failed_) {
        broken_ = true;  // its agents, killed below, are no news then
        int sig = WTERMSIG(mpirun_status_);
        write_fd(STDERR_FILENO, "mosexec: mpirun (pid " + std::to_string(mpirun_) +
                                    ") was killed by signal " + std::to_string(sig) + " (" +
                                    signal_name(sig) + "); ending the job\n");
    }
    control_.close();  // no commands for a job that has ended
    kill_descendants([this](pid_t pid, int status) { reaped(pid, status); });
    close(listener_.fd);
    listener_.fd = -1;
    drain_deadline_ = now_ms() + kDrainMs;
}

void Supervisor::read_mpirun_errors() {
    char buf[8192];
    ssize_t n = read(err_fd_, buf, sizeof buf);
    if (n > 0) {
        errors_.feed(std::string_view(buf, static_cast<std::size_t>(n)));
    } else if (n == 0 || errno != EINTR) {
        close(err_fd_);
        err_fd_ = -1;
    }
}

void Supervisor::accept_agents() {
    for (int fd; (fd = accept4(listener_.fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0;)
        agents_.emplace_back(fd);
}

// Returns false once the connection is closed (by the agent, or for talking nonsense).
bool Supervisor::read_agent(AgentConn& a) {
    char buf[65536];
    ssize_t n = read(a.fd, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
    if (n <= 0) {
        close(a.fd);
        return false;
    }
    a.in.append(buf, static_cast<std::size_t>(n));
    wire::Kind kind;
    std::string data;
    for (int got; (got = wire::take_frame(&a.in, &kind, &data)) != 0;) {
        if (got < 0 || !on_frame(a, kind, data)) {
            close(a.fd);
            return false;
        }
    }
    return true;
}

bool Supervisor::on_frame(AgentConn& a, wire::Kind kind, const std::string& data) {
    if (!a.greeted) {
        std::istringstream words(data);
        std::string cookie;
        if (kind != wire::kHello || !(words >> cookie >> a.pe >> a.pid >> a.host) ||
            cookie != listener_.cookie)
            return false;
        a.greeted = true;
        if (auto held = held_.find(a.pe); held != held_.end()) {
            a.out += held->second;
            held_.erase(held);
            flush_agent(a);
        }
        return true;
    }
    switch (kind) {
        case wire::kStdout:
            out_.write(a.pe, false, data);
            return true;
        case wire::kStderr:
            out_.write(a.pe, true, data);
            return true;
        case wire::kStats:
            if (job_.stats) job_.stats->feed(a.pe, data);
            return true;
        case wire::kExit: {
            int status = 0, forwarded = 0;
            std::istringstream(data) >> status >> forwarded;
            pe_ended(a, status, forwarded != 0);
            return true;
        }
        default:
            return false;
    }
}

// The PE that failed by itself names the job's failure: PEs that mpirun then ends (their agent
// passed its kill signal on) or that end while mosexec stops the job are consequences. A PE killed
// by a signal comes first even if it is reported second: the others may exit non-zero on their own
// when they find it gone ("its PE is gone?"), and may be quicker to say so.
void Supervisor::pe_ended(AgentConn& a, int status, bool forwarded) {
    a.ended = true;
    if (exit_code_of(status) == 0 || forwarded || stop_signal_) return;
    if (!WIFSIGNALED(status)) {
        if (!failed_) failed_ = exit_code_of(status);
    } else if (!killed_) {
        killed_ = exit_code_of(status);
        write_fd(STDERR_FILENO, death_line(a.pe, a.pid, a.host, status));
    }
}

void Supervisor::agent_closed(AgentConn& a) {
    if (a.greeted) gone_.insert(a.pe);
    if (!a.greeted || a.ended || stop_signal_ || killed_ || failed_ || broken_) return;
    broken_ = true;
    write_fd(STDERR_FILENO, "mosexec: lost PE " + std::to_string(a.pe) + " (pid " + std::to_string(a.pid) +
                                ") on host " + a.host +
                                ": its agent ended without saying how the PE ended\n");
}

// Operator commands go to the PE's agent, which writes them to the PE's control pipe. A command
// for a PE whose agent has not connected yet waits for it: mosctl may ask as soon as the job
// starts.
std::string Supervisor::send_to_pe(long long pe, const std::string& command) {
    if (stop_signal_ || mpirun_done_ || killed_ || failed_ || broken_) return "the job is ending";
    std::string frame = wire::encode(wire::kControl, command);
    for (AgentConn& a : agents_) {
        if (!a.greeted || a.pe != pe) continue;
        if (a.ended) break;
        a.out += frame;
        flush_agent(a);
        return {};
    }
    bool ended = gone_.count(pe) != 0;
    for (const AgentConn& a : agents_) ended |= a.greeted && a.pe == pe && a.ended;
    if (ended) return "PE " + std::to_string(pe) + " has ended";
    held_[pe] += frame;
    return {};
}

// Sends what fits now; poll() says when the rest does. A connection that fails is noticed (and
// dropped) by read_agent.
void Supervisor::flush_agent(AgentConn& a) {
    while (!a.out.empty()) {
        ssize_t n = send(a.fd, a.out.data(), a.out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno != EAGAIN) a.out.clear();
        if (n <= 0) return;
        a.out.erase(0, static_cast<std::size_t>(n));
    }
}

bool Supervisor::finished() const {
    if (!mpirun_done_) return false;
    return (agents_.empty() && err_fd_ < 0) || now_ms() >= drain_deadline_;
}

int Supervisor::exit_status() {
    if (stop_signal_) return 128 + stop_signal_;
    if (killed_) return *killed_;
    if (failed_) return *failed_;
    int status = exit_code_of(mpirun_status_);
    if (broken_) return status ? status : 1;
    if (status != 0 && errors_.suppressed())
        write_fd(STDERR_FILENO, "mosexec: mpirun ended the job with status " + std::to_string(status) + "\n");
    return status;
}

}  // namespace

int supervise(const Launch& launch, bool tag_output, JobStats* stats, bool* pe_lost) {
    Supervisor s(launch, tag_output, stats);
    int status = s.run();
    if (pe_lost) *pe_lost = s.pe_lost();
    return status;
}

}  // namespace mosexec
