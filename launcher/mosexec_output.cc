// mosexec_output.cc — writing the job's output.
#include "mosexec_output.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

namespace mosexec {

namespace {

bool is_rule(const std::string& line) {
    return line.size() >= 20 && line.find_first_not_of('-') == std::string::npos;
}

// Open MPI's messages (help-orterun.txt, help-errmgr-base.txt) about a process that failed;
// mosexec names the PE, its pid, host and signal itself.
constexpr const char* kRestated[] = {
    "terminated normally, but",
    "noticed that process rank",
    "exited with non-zero status, thus causing",
    "has exited due to process rank",
    "noticed that the job aborted",
};

// A race Open MPI reports but handles: mpirun and its ssh/rsh child both call setpgid on the
// child, and the parent's call fails (EACCES) once the child has exec'd.
bool is_harmless(const std::string& line) {
    return line.find("plm:rsh: Warning: setpgid(") != std::string::npos &&
           line.find("failed in parent with errno=Permission denied") != std::string::npos;
}

}  // namespace

void write_fd(int fd, std::string_view bytes) {
    static bool gone[3] = {false, false, false};
    if (fd < 3 && gone[fd]) return;
    while (!bytes.empty()) {
        ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n > 0) {
            bytes.remove_prefix(static_cast<std::size_t>(n));
        } else if (n < 0 && errno == EAGAIN) {  // a terminal someone made non-blocking
            pollfd p{fd, POLLOUT, 0};
            poll(&p, 1, 100);
        } else if (n < 0 && errno != EINTR) {
            if (fd < 3) gone[fd] = true;
            return;
        }
    }
}

void PeOutput::write(long long pe, bool is_stderr, std::string_view data) {
    int fd = is_stderr ? STDERR_FILENO : STDOUT_FILENO;
    if (!tag_) {
        write_fd(fd, data);
        return;
    }
    std::string prefix = "[pe " + std::to_string(pe) + "] ";
    bool& mid_line = mid_line_[{pe, is_stderr}];
    std::string out;
    out.reserve(data.size() + prefix.size() * 4);
    for (char c : data) {
        if (!mid_line) out += prefix;
        out += c;
        mid_line = c != '\n';
    }
    write_fd(fd, out);
}

void MpirunErrors::feed(std::string_view data) {
    partial_.append(data);
    std::size_t start = 0;
    for (std::size_t nl; (nl = partial_.find('\n', start)) != std::string::npos; start = nl + 1)
        line(partial_.substr(start, nl - start));
    partial_.erase(0, start);
}

void MpirunErrors::line(const std::string& text) {
    if (box_.empty()) {
        if (is_rule(text))
            box_.push_back(text);
        else if (!is_harmless(text))
            write_fd(STDERR_FILENO, text + "\n");
        return;
    }
    box_.push_back(text);
    if (!is_rule(text)) return;
    bool restated = false;
    for (const std::string& l : box_)
        for (const char* phrase : kRestated) restated |= l.find(phrase) != std::string::npos;
    if (restated) {
        suppressed_ = true;
    } else {
        std::string all;
        for (const std::string& l : box_) all += l + "\n";
        write_fd(STDERR_FILENO, all);
    }
    box_.clear();
}

void MpirunErrors::finish() {
    std::string all;
    for (const std::string& l : box_) all += l + "\n";
    all += partial_;
    write_fd(STDERR_FILENO, all);
    box_.clear();
    partial_.clear();
}

}  // namespace mosexec
