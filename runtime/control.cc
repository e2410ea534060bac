// control.cc — reading the control pipe and acting on its lines.
#include "control.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "checkpoint.hpp"
#include "migration.hpp"
#include "this_rank.hpp"

namespace mosix::rt {

namespace {

constexpr const char* kFdVariable = "MOSIX_CONTROL_FD";
// Longer than any command mosexec sends (launcher/control_socket.hpp: kMaxLine); a longer line is
// reported and skipped. A fixed buffer: the scheduler's path must not allocate or throw.
constexpr std::size_t kMaxLine = 1024;

int pipe_fd = -1;
bool is_socket = false;  // a socket pair (mosexec's): reports can go back the same way
bool attached = false;
bool drained = false;
char line[kMaxLine];
std::size_t line_len = 0;
bool overlong = false;  // skipping the rest of a too-long line

bool parse_int(std::string_view word, int* out) {
    auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), *out);
    return ec == std::errc() && end == word.data() + word.size() && !word.empty();
}

// Splits off the next word (separated by spaces or tabs) from the front of `text`.
std::string_view next_word(std::string_view* text) {
    std::size_t start = text->find_first_not_of(" \t");
    if (start == std::string_view::npos) {
        *text = {};
        return {};
    }
    std::size_t end = text->find_first_of(" \t", start);
    std::string_view word = text->substr(start, end == std::string_view::npos ? end : end - start);
    *text = end == std::string_view::npos ? std::string_view() : text->substr(end);
    return word;
}

void complain(std::string_view command, const char* why) {
    std::fprintf(stderr, "mosix: PE %d: operator command '%.*s' ignored: %s\n", this_pe(),
                 static_cast<int>(command.size()), command.data(), why);
}

void run_command(std::string_view command) {
    std::string_view rest = command;
    std::string_view verb = next_word(&rest);
    if (verb.empty()) return;  // a blank line
    if (verb == "migrate") {
        int rank = 0, pe = 0;
        std::string_view r = next_word(&rest), p = next_word(&rest);
        if (!parse_int(r, &rank) || !parse_int(p, &pe) || !next_word(&rest).empty())
            return complain(command, "it needs RANK and PE, two numbers");
        if (!request_migration(rank, pe)) return complain(command, "no such rank or PE in this job");
        return;
    }
    if (verb == "drain" || verb == "undrain") {
        if (!next_word(&rest).empty()) return complain(command, "it takes no argument");
        drained = verb == "drain";  // the balancer publishes it and empties this PE
        return;
    }
    if (verb == "checkpoint") {
        if (!next_word(&rest).empty()) return complain(command, "it takes no argument");
        std::string why = checkpoint_requested_by_operator();
        if (!why.empty()) return complain(command, why.c_str());
        return;
    }
    complain(command, "unknown command");
}

void close_pipe() {
    close(pipe_fd);
    pipe_fd = -1;
}

}  // namespace

void control_attach() noexcept {
    if (attached) return;
    attached = true;
    const char* value = std::getenv(kFdVariable);
    if (!value) return;
    int given = -1;
    bool number = parse_int(value, &given) && given > STDERR_FILENO;
    // Checked before use: a stale variable could name a descriptor the program opened for
    // itself, and reading that would steal its data.
    bool is_pipe = false;
    if (number) {
        struct stat st;
        is_pipe = fstat(given, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
        is_socket = is_pipe && S_ISSOCK(st.st_mode);
    }
    if (!is_pipe) {
        std::fprintf(stderr, "mosix: %s=%s is not an open pipe; operator commands (mosctl) are off\n",
                     kFdVariable, value);
    } else {
        pipe_fd = given;
        fcntl(pipe_fd, F_SETFL, fcntl(pipe_fd, F_GETFL) | O_NONBLOCK);
        fcntl(pipe_fd, F_SETFD, FD_CLOEXEC);
    }
    unsetenv(kFdVariable);
}

void control_poll() noexcept {
    if (pipe_fd < 0) return;
    char buf[512];
    ssize_t n = read(pipe_fd, buf, sizeof buf);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        close_pipe();  // the parent is gone: no more commands, and nothing to poll
        return;
    }
    for (ssize_t i = 0; i < n; ++i) {
        char c = buf[i];
        if (c != '\n') {
            if (line_len < kMaxLine)
                line[line_len++] = c;
            else
                overlong = true;
            continue;
        }
        if (overlong)
            complain(std::string_view(line, 40), "it is longer than 1024 bytes (shown: its start)");
        else
            run_command(std::string_view(line, line_len));
        line_len = 0;
        overlong = false;
    }
}

int control_fd() noexcept { return pipe_fd; }

namespace {

// The part of a report the socket had no room for: sent before anything else, so that the
// parent never sees half a line followed by another.
std::string unsent;

void send_unsent() {
    while (!unsent.empty()) {
        ssize_t n = send(pipe_fd, unsent.data(), unsent.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno != EAGAIN) unsent.clear();  // the parent is gone: nobody to tell
        if (n <= 0) return;
        unsent.erase(0, static_cast<std::size_t>(n));
    }
}

}  // namespace

bool control_report(const std::string& packet) noexcept {
    if (pipe_fd < 0 || !is_socket) return false;
    send_unsent();
    if (!unsent.empty()) return false;
    unsent = packet;
    unsent += '\n';
    send_unsent();
    return true;
}

void control_flush_reports(int timeout_ms) noexcept {
    for (int waited = 0; pipe_fd >= 0 && !unsent.empty() && waited < timeout_ms; waited += 10) {
        pollfd p{pipe_fd, POLLOUT, 0};
        poll(&p, 1, 10);
        send_unsent();
    }
}

bool pe_drained() noexcept { return drained; }

}  // namespace mosix::rt
