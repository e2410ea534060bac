// mosexec_output.hpp — what a multi-PE job prints: the PEs' lines (from their agents) and mpirun's
// own messages, on mosexec's stdout and stderr.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mosexec {

// Writes all of `bytes` to fd; once the reader is gone (EPIPE), quietly drops the rest, as the
// job goes on regardless (a `| head` must not kill it).
void write_fd(int fd, std::string_view bytes);

// Each agent sends whole lines, so writing each piece with one write() keeps lines whole even
// when PEs print at once. With tagging, every line starts "[pe P] ".
class PeOutput {
public:
    explicit PeOutput(bool tag) : tag_(tag) {}
    void write(long long pe, bool is_stderr, std::string_view data);

private:
    bool tag_;
    std::map<std::pair<long long, bool>, bool> mid_line_;  // (pe, stderr) -> a line is open
};

// mpirun's stderr, passed through line by line, except the boxed banners (between lines of
// dashes) that only restate what mosexec reports better: "Primary job terminated normally, but 1
// process returned a non-zero exit code", "mpirun noticed that process rank 1 with PID 0 ...",
// and one warning about a race that Open MPI handles itself.
class MpirunErrors {
public:
    void feed(std::string_view data);
    void finish();  // at end of input: what is left goes out as it is
    bool suppressed() const { return suppressed_; }

private:
    void line(const std::string& text);
    std::string partial_;
    std::vector<std::string> box_;  // lines of an open box, first one the dashes
    bool suppressed_ = false;
};

}  // namespace mosexec
