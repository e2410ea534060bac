// mosexec_control_pipe.hpp — the last leg of an operator command: a pipe from the PE's parent
// (mosexec for a one-PE job, the PE agent otherwise) to the PE, whose runtime reads it
// (runtime/control.hpp). The PE inherits the read end; its number is in MOSIX_CONTROL_FD.
//
// The "pipe" is a stream socket pair: commands go down it as lines, and the PE's statistics
// (runtime/pe_stats.hpp) come back up it, one line of JSON per packet.
//
// Writes never block the parent: a PE that does not read its commands (not a mosix program, or
// stopped) fills the pipe, and further commands are refused with a reason instead.
#pragma once

#include <string>

namespace mosexec {

class ControlPipe {
public:
    ControlPipe() = default;
    ~ControlPipe();
    ControlPipe(const ControlPipe&) = delete;
    ControlPipe& operator=(const ControlPipe&) = delete;

    // Creates the pipe and sets MOSIX_CONTROL_FD in this process's environment for the PE about to
    // be started. Returns the read end, which the PE must inherit (clear its FD_CLOEXEC in the
    // child) and the parent close once the PE has started; -1 if there is no pipe, and then the
    // variable is unset so the PE never reads a descriptor that is not its.
    int open();
    // Writes one command (a newline is added). Returns "" once written, else why not.
    std::string send(const std::string& command);

    // The parent's end, readable when the PE has reported (-1 if none); read_report() takes one
    // whole packet, false once none waits (or the PE's end is closed and all are read).
    int fd() const { return write_fd_; }
    bool read_report(std::string* packet);

private:
    int write_fd_ = -1;
    std::string reports_;  // bytes of reports not yet making a whole line
};

}  // namespace mosexec
