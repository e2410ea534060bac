// mosexec_control_pipe.cc — the pipe to a PE, written without blocking and without SIGPIPE.
#include "mosexec_control_pipe.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "control_socket.hpp"

namespace mosexec {

ControlPipe::~ControlPipe() {
    if (write_fd_ >= 0) close(write_fd_);
}

int ControlPipe::open() {
    int p[2];
    if (write_fd_ >= 0 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p) != 0) {
        unsetenv(mosix::control::kFdVariable);
        return -1;
    }
    write_fd_ = p[1];
    // Room for a burst of reports while the parent is busy (a 64-PE table is ~16 KiB).
    int room = 1 << 20;
    setsockopt(p[0], SOL_SOCKET, SO_SNDBUF, &room, sizeof room);
    setsockopt(write_fd_, SOL_SOCKET, SO_RCVBUF, &room, sizeof room);
    fcntl(write_fd_, F_SETFL, O_NONBLOCK);
    setenv(mosix::control::kFdVariable, std::to_string(p[0]).c_str(), 1);
    return p[0];
}

std::string ControlPipe::send(const std::string& command) {
    if (write_fd_ < 0) return "the PE has no control pipe";
    // A line this short goes into a socket with room for it whole (one buffer), or not at all.
    static_assert(mosix::control::kMaxLine <= PIPE_BUF);
    std::string line = command + "\n";
    // A PE that has closed its end makes write() raise SIGPIPE, which would end the parent. Block
    // it for the write and take it back if it came, rather than change the process's disposition
    // (which the PEs started later would inherit).
    sigset_t pipe_only, old;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    sigprocmask(SIG_BLOCK, &pipe_only, &old);
    ssize_t n;
    do n = write(write_fd_, line.data(), line.size());
    while (n < 0 && errno == EINTR);
    int err = errno;
    if (n < 0 && err == EPIPE) {
        timespec now{};
        sigtimedwait(&pipe_only, nullptr, &now);
    }
    sigprocmask(SIG_SETMASK, &old, nullptr);
    // A short line goes in whole or not at all, so no half command.
    if (n == static_cast<ssize_t>(line.size())) return {};
    if (n < 0 && err == EAGAIN) return "the PE is not reading operator commands (its control pipe is full)";
    if (n < 0 && (err == EPIPE || err == ECONNRESET)) return "the PE no longer reads operator commands";
    return std::string("cannot write to the PE's control pipe: ") + std::strerror(err);
}

bool ControlPipe::read_report(std::string* packet) {
    if (write_fd_ < 0) return false;
    for (;;) {
        if (std::size_t end = reports_.find('\n'); end != std::string::npos) {
            packet->assign(reports_, 0, end);
            reports_.erase(0, end + 1);
            return true;
        }
        char buf[65536];
        ssize_t n = recv(write_fd_, buf, sizeof buf, MSG_DONTWAIT);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        reports_.append(buf, static_cast<std::size_t>(n));
        if (reports_.size() > (16u << 20)) reports_.clear();  // not reports: a PE gone wrong
    }
}

}  // namespace mosexec
