// mosexec_control.cc — the control socket: listening, the peer check, one request per connection.
#include "mosexec_control.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "control_socket.hpp"

namespace mosexec {

namespace {

// What the exit and signal handlers remove. A fixed buffer, because a signal handler may only
// call async-signal-safe functions (unlink, getpid), and the owner's pid, because a child between
// fork and exec still has the handlers and must not remove its parent's socket.
char g_socket_path[sizeof(sockaddr_un::sun_path)];
pid_t g_owner = 0;

void remove_socket() {
    if (g_socket_path[0] && getpid() == g_owner) unlink(g_socket_path);
}

// Installed with SA_RESETHAND | SA_NODEFER: the raise() meets the default action at once.
void remove_socket_and_die(int sig) {
    remove_socket();
    raise(sig);
}

// The signals that would end mosexec without it running its own code. SIGINT, SIGTERM and SIGHUP
// are not among them: the launcher takes those itself (signalfd) and ends the job in order.
void remove_socket_on_fatal_signals() {
    static bool installed = false;
    if (installed) return;
    installed = true;
    std::atexit(remove_socket);
    for (int sig : {SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGVTALRM, SIGPROF, SIGXCPU, SIGXFSZ, SIGIO, SIGSYS,
                    SIGTRAP, SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGPIPE}) {
        // Only default dispositions: an ignored signal stays ignored (children inherit that), and
        // a caught one stays with its catcher.
        struct sigaction current {};
        if (sigaction(sig, nullptr, &current) != 0 || current.sa_handler != SIG_DFL) continue;
        struct sigaction act {};
        act.sa_handler = remove_socket_and_die;
        act.sa_flags = SA_RESETHAND | SA_NODEFER;
        sigemptyset(&act.sa_mask);
        sigaction(sig, &act, nullptr);
    }
}

std::string errno_text(const std::string& what) { return what + ": " + std::strerror(errno); }

// Listens on `path`: bound under a temporary name and renamed into place once listening, so that
// a client never finds the socket before it accepts (mosctl takes a socket that refuses for a
// stale one). Returns the descriptor, or -1 with *why.
int listen_at(const std::string& path, std::string* why) {
    std::string temporary = path + ".new";
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (temporary.size() >= sizeof addr.sun_path) {
        *why = "the socket path " + path + " is too long for a Unix socket";
        return -1;
    }
    std::memcpy(addr.sun_path, temporary.c_str(), temporary.size() + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        *why = errno_text("socket");
        return -1;
    }
    unlink(temporary.c_str());  // left by a mosexec killed while starting, whose pid we now have
    // The directory already keeps others out; the file's own mode does too, in case it is moved.
    mode_t old_mask = umask(0077);
    int bound = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    umask(old_mask);
    if (bound != 0)
        *why = errno_text("bind " + temporary);
    else if (listen(fd, SOMAXCONN) != 0)
        *why = errno_text("listen on " + temporary);
    else if (rename(temporary.c_str(), path.c_str()) != 0)
        *why = errno_text("rename " + temporary + " to " + path);
    else
        return fd;
    unlink(temporary.c_str());
    ::close(fd);
    return -1;
}

}  // namespace

bool ControlServer::open() {
    if (is_open()) return true;
    std::string dir = mosix::control::socket_dir();
    std::string why = mosix::control::prepare_dir(dir);
    if (why.empty()) {
        path_ = mosix::control::socket_path(dir, getpid());
        listen_fd_ = listen_at(path_, &why);
    }
    if (listen_fd_ < 0) {
        std::fprintf(stderr, "mosexec: no operator control for this job (mosctl): %s\n", why.c_str());
        return false;
    }
    std::memcpy(g_socket_path, path_.c_str(), path_.size() + 1);
    g_owner = getpid();
    remove_socket_on_fatal_signals();
    return true;
}

void ControlServer::close() {
    for (Client& c : clients_) ::close(c.fd);
    clients_.clear();
    if (listen_fd_ < 0) return;
    ::close(listen_fd_);
    listen_fd_ = -1;
    remove_socket();
    g_socket_path[0] = '\0';
}

void ControlServer::watch(std::vector<pollfd>* fds) const {
    fds->push_back({listen_fd_, POLLIN, 0});  // -1 once closed: poll() skips it
    for (const Client& c : clients_)
        fds->push_back({c.fd, static_cast<short>(c.answered ? POLLOUT : POLLIN), 0});
}

void ControlServer::serve(const pollfd* watched) {
    // Clients first: those accepted below have no entry in `watched` yet.
    const pollfd* p = watched + 1;
    for (auto it = clients_.begin(); it != clients_.end(); ++p) {
        bool keep = true;
        if (p->revents && !it->answered) read_request(*it);
        if (p->revents && it->answered) keep = flush(*it);
        if (keep) {
            ++it;
        } else {
            ::close(it->fd);
            it = clients_.erase(it);
        }
    }
    if (watched[0].revents) accept_clients();
}

void ControlServer::accept_clients() {
    for (int fd; listen_fd_ >= 0 &&
                 (fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0;) {
        if (clients_.size() >= kMaxClients) {  // the oldest has had the longest to say something
            ::close(clients_.front().fd);
            clients_.pop_front();
        }
        Client& c = clients_.emplace_back();
        c.fd = fd;
        // The directory's mode keeps other users out; the peer's credentials make sure (root, or a
        // directory someone made readable, must not hand the job to another user).
        ucred peer{};
        socklen_t len = sizeof peer;
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &len) != 0 || peer.uid != geteuid())
            c.refusal = "error: this job belongs to uid " + std::to_string(geteuid()) + "; uid " +
                        std::to_string(peer.uid) + " may not control it\n";
    }
}

void ControlServer::read_request(Client& c) {
    char buf[512];
    ssize_t n = read(c.fd, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
    if (n <= 0) {  // gone before asking: nothing to answer, flush() drops it
        c.answered = true;
        return;
    }
    c.in.append(buf, static_cast<std::size_t>(n));
    std::size_t end = c.in.find('\n');
    // A refused client is answered only once its request is read: closing a Unix socket with
    // unread data resets the connection, and the client would never see why.
    if (end != std::string::npos && end < mosix::control::kMaxLine) {
        answer(c, c.refusal.empty() ? handler_(c.in.substr(0, end)) : c.refusal);
    } else if (c.in.size() >= mosix::control::kMaxLine) {
        answer(c, "error: request longer than " + std::to_string(mosix::control::kMaxLine) + " bytes\n");
    }
}

void ControlServer::answer(Client& c, const std::string& reply) {
    c.answered = true;
    c.out = reply;
    c.in.clear();
}

bool ControlServer::flush(Client& c) {
    while (!c.out.empty()) {
        ssize_t n = send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) return true;  // the rest when poll() says it fits
        if (n <= 0) return false;
        c.out.erase(0, static_cast<std::size_t>(n));
    }
    return false;
}

}  // namespace mosexec
