// control.hpp — operator commands reaching a running PE (`mosctl migrate RANK PE`).
//
// The path: mosctl -> mosexec's control socket -> the PE's parent (mosexec for a one-PE job, the
// PE agent otherwise) -> a pipe whose read end the PE inherits, its descriptor number in the
// environment variable MOSIX_CONTROL_FD (launcher/control_socket.hpp describes the whole line).
// Commands arrive as text lines, sent to PE 0: "migrate RANK PE", handed to request_migration
// (the request then follows the rank to wherever it lives), "checkpoint" (checkpoint.hpp), and,
// sent to the PE concerned, "drain" / "undrain" (the balancer empties a drained PE, and no PE
// moves ranks to it: the flag travels in its gossip figures).
//
// mosexec's descriptor is one end of a stream socket pair, so the PE also reports back on it
// (control_report, pe_stats.hpp: one line per report); a plain pipe only carries commands.
//
// A bad command is reported on stderr ("mosix: ...") and ignored: an operator's typo must never
// end a job. mosexec already checks ranges, so this is the second line of defence.
//
// Thread/PE safety: every function runs on the PE's thread (start-up, then the scheduler), never
// from a rank's user code or another thread.
#pragma once

#include <string>

namespace mosix::rt {

// Takes over the control pipe named by MOSIX_CONTROL_FD: makes it non-blocking and close-on-exec
// (the program's own children must not hold it) and removes the variable from the environment.
// Without the variable (a PE not started by mosexec) there is no control, and control_poll does
// nothing. Reads the variable once per process; later calls do nothing.
// REQUIRES: called after the runtime's re-execution (fixed_layout.hpp; the descriptor must survive
// that exec) and before other threads start (it edits the environment).
void control_attach() noexcept;

// Reads what has arrived (one non-blocking read; nothing else when the pipe is empty) and acts on
// every whole line. Cheap enough for the scheduler to call between rank switches.
void control_poll() noexcept;

// The pipe's descriptor, for the scheduler's idle wait (readable = a command waits); -1 if none.
int control_fd() noexcept;

// Sends one report (a line without its newline) to the parent without blocking: what does not
// fit now goes first at the next call. False if there is no way back (a pipe, or none) or the
// last report is still going: the caller drops this one or tries again later.
bool control_report(const std::string& packet) noexcept;

// Waits up to `timeout_ms` for what control_report could not send yet (at the job's end).
void control_flush_reports(int timeout_ms) noexcept;

// True between an operator's "drain" and "undrain" for this PE.
bool pe_drained() noexcept;

}  // namespace mosix::rt
