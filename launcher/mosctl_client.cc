// mosctl_client.cc — connecting to a job's control socket and reading its reply.
#include "mosctl_client.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mosctl {

namespace {

constexpr long long kTimeoutMs = 10000;      // mosexec answers at once; this is for a stopped one
constexpr std::size_t kMaxReply = 16 << 20;  // far above any reply; a bound on a confused peer

long long now_ms() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

// A connected socket, or -1 with errno set.
int connect_to(const std::string& path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        int err = errno;
        close(fd);
        errno = err;
        return -1;
    }
    return fd;
}

// Reads until the job closes the connection, or the deadline. Returns false on a time-out or error.
bool read_all(int fd, long long deadline, std::string* text, std::string* why) {
    for (;;) {
        long long left = deadline - now_ms();
        pollfd p{fd, POLLIN, 0};
        int ready = left > 0 ? poll(&p, 1, static_cast<int>(left)) : 0;
        if (ready < 0 && errno == EINTR) continue;
        if (ready == 0) {
            *why = "it did not answer within " + std::to_string(kTimeoutMs / 1000) + " s";
            return false;
        }
        char buf[4096];
        ssize_t n = ready < 0 ? -1 : read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            *why = std::string("reading its reply: ") + std::strerror(errno);
            return false;
        }
        if (n == 0) return true;
        text->append(buf, static_cast<std::size_t>(n));
        if (text->size() > kMaxReply) {
            *why = "its reply is too long";
            return false;
        }
    }
}

}  // namespace

Reply ask(const std::string& socket, const std::string& request) {
    Reply r;
    int fd = connect_to(socket);
    if (fd < 0) {
        r.stale = errno == ECONNREFUSED;
        r.error = std::string("cannot connect to ") + socket + ": " + std::strerror(errno);
        return r;
    }
    std::string line = request + "\n";
    std::string text;
    bool sent = send(fd, line.data(), line.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(line.size());
    // Even if the send failed, mosexec may have answered first (a refused user).
    bool got = read_all(fd, now_ms() + kTimeoutMs, &text, &r.error);
    close(fd);
    if (!got) return r;
    std::size_t start = 0;
    for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1)
        r.lines.push_back(text.substr(start, end - start));
    std::string last = r.lines.empty() ? "" : r.lines.back();
    if (start != text.size() || (last != "ok" && !last.starts_with("error: "))) {
        r.error = sent ? "its reply was cut short" : "it closed the connection without an answer";
        return r;
    }
    r.lines.pop_back();
    r.reached = true;
    r.ok = last == "ok";
    if (!r.ok) r.error = last.substr(7);
    return r;
}

bool listening(const std::string& socket) {
    int fd = connect_to(socket);
    if (fd >= 0) close(fd);
    return fd >= 0 || errno != ECONNREFUSED;
}

}  // namespace mosctl
