// mosexec_wire.cc — frames and the agent connection.
#include "mosexec_wire.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <utility>
#include <vector>

namespace mosexec::wire {

namespace {

constexpr int kConnectTimeoutMs = 10000;

std::string errno_text(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

long long now_ms() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

}  // namespace

std::string encode(Kind kind, std::string_view data) {
    std::string frame(8, '\0');
    frame[0] = kind;
    uint32_t len = htonl(static_cast<uint32_t>(data.size()));
    std::memcpy(&frame[4], &len, 4);
    frame.append(data);
    return frame;
}

int take_frame(std::string* buffer, Kind* kind, std::string* data) {
    if (buffer->size() < 8) return 0;
    uint32_t len;
    std::memcpy(&len, buffer->data() + 4, 4);
    len = ntohl(len);
    char k = (*buffer)[0];
    if (len > kMaxFrame ||
        (k != kHello && k != kStdout && k != kStderr && k != kStats && k != kExit && k != kControl))
        return -1;
    if (buffer->size() < 8 + len) return 0;
    *kind = static_cast<Kind>(k);
    data->assign(*buffer, 8, len);
    buffer->erase(0, 8 + len);
    return 1;
}

bool send_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t n = send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

std::string listen_for_agents(Listener* l) {
    unsigned char raw[12];
    if (getrandom(raw, sizeof raw, 0) != static_cast<ssize_t>(sizeof raw)) return errno_text("getrandom");
    l->cookie.clear();
    for (unsigned char c : raw) {
        char hex[3];
        std::snprintf(hex, sizeof hex, "%02x", c);
        l->cookie += hex;
    }
    l->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (l->fd < 0) return errno_text("socket");
    sockaddr_in any{};
    any.sin_family = AF_INET;
    any.sin_addr.s_addr = htonl(INADDR_ANY);
    socklen_t len = sizeof any;
    if (bind(l->fd, reinterpret_cast<sockaddr*>(&any), sizeof any) != 0) return errno_text("bind");
    if (listen(l->fd, SOMAXCONN) != 0) return errno_text("listen");
    if (getsockname(l->fd, reinterpret_cast<sockaddr*>(&any), &len) != 0) return errno_text("getsockname");

    // Every address this host has, loopback first (an agent on this host connects at once; an
    // agent elsewhere is refused there at once and uses another).
    std::vector<std::string> loopback, other;
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) == 0) {
        for (ifaddrs* i = list; i; i = i->ifa_next) {
            if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET || !(i->ifa_flags & IFF_UP)) continue;
            char text[INET_ADDRSTRLEN];
            inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(i->ifa_addr)->sin_addr, text, sizeof text);
            (i->ifa_flags & IFF_LOOPBACK ? loopback : other).emplace_back(text);
        }
        freeifaddrs(list);
    }
    if (loopback.empty()) loopback.emplace_back("127.0.0.1");
    l->info = l->cookie + " " + std::to_string(ntohs(any.sin_port)) + " ";
    std::string sep;
    for (const auto* group : {&loopback, &other})
        for (const std::string& a : *group) l->info += std::exchange(sep, ",") + a;
    return {};
}

int connect_to_launcher(const std::string& info, std::string* cookie, std::string* error) {
    std::istringstream in(info);
    std::string addresses;
    int port = 0;
    if (!(in >> *cookie >> port >> addresses) || port <= 0 || port > 65535) {
        *error = "malformed launcher address '" + info + "'";
        return -1;
    }
    std::vector<pollfd> tries;
    std::vector<std::string> names, failures;
    std::stringstream list(addresses);
    for (std::string a; std::getline(list, a, ',');) {
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(static_cast<uint16_t>(port));
        if (inet_pton(AF_INET, a.c_str(), &to.sin_addr) != 1) continue;
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) continue;
        if (connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0 && errno != EINPROGRESS) {
            failures.push_back(a + ": " + std::strerror(errno));
            close(fd);
            continue;
        }
        tries.push_back({fd, POLLOUT, 0});
        names.push_back(a);
    }
    int winner = -1;
    for (long long deadline = now_ms() + kConnectTimeoutMs; winner < 0;) {
        std::size_t open = 0;
        for (const pollfd& p : tries) open += p.fd >= 0;
        long long left = deadline - now_ms();
        if (open == 0 || left <= 0) break;
        if (poll(tries.data(), tries.size(), static_cast<int>(left)) < 0 && errno != EINTR) break;
        for (std::size_t i = 0; i < tries.size() && winner < 0; ++i) {
            if (tries[i].fd < 0 || !tries[i].revents) continue;
            int err = 0;
            socklen_t len = sizeof err;
            getsockopt(tries[i].fd, SOL_SOCKET, SO_ERROR, &err, &len);
            if (err == 0) {
                winner = tries[i].fd;
            } else {
                failures.push_back(names[i] + ": " + std::strerror(err));
                close(tries[i].fd);
            }
            tries[i].fd = -1;
        }
    }
    for (const pollfd& p : tries)
        if (p.fd >= 0) {
            failures.push_back(names[static_cast<std::size_t>(&p - tries.data())] + ": timed out");
            close(p.fd);
        }
    if (winner < 0) {
        *error = "port " + std::to_string(port) + " at none of its addresses answered (";
        std::string sep;
        for (const std::string& f : failures) *error += std::exchange(sep, "; ") + f;
        *error += ")";
        return -1;
    }
    fcntl(winner, F_SETFL, fcntl(winner, F_GETFL) & ~O_NONBLOCK);
    // Each frame is already a batch; waiting for more (Nagle) would only delay a lone line.
    int one = 1;
    setsockopt(winner, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return winner;
}

}  // namespace mosexec::wire
