// control_socket.hpp — the operator's line into a running job: where mosexec's control socket lives
// and what is said over it. Shared by mosexec (the server, mosexec_control) and mosctl (the client).
//
// Where: every job that mosexec starts listens on a Unix-domain stream socket DIR/PID.sock, PID
// being mosexec's process id (the job's id for mosctl). DIR is, first found:
//   $MOSIX_CONTROL_DIR          (tests, or a user who wants the sockets elsewhere)
//   $XDG_RUNTIME_DIR/mosix      (a per-user, per-login directory on systemd hosts)
//   /tmp/mosix-UID
// DIR must be a directory (not a symlink) owned by the user with no access for group or others
// (mode 0700): mosexec creates it so, and refuses one that is not (the job then runs without
// operator control, with one warning line). On top of that mosexec checks each connecting peer's
// uid (SO_PEERCRED) and answers anyone but the job's own user with an error.
//
// What: the client connects and sends one request line; mosexec answers with zero or more lines
// of output and one final line, "ok" or "error: WHY", then closes the connection. Lines end with
// '\n' and are at most kMaxLine bytes. Requests (mosexec_requests.hpp has the details):
//   info               -> "pid PID", "ranks N", "pes P", "program PATH ARGS...", "ok"
//   migrate RANK PE    -> "ok" once the request is on its way to the job's PE 0, whose runtime
//                         moves the rank wherever it lives; an error if RANK or PE is out of range
//   checkpoint         -> asks PE 0 for a checkpoint
//   stats              -> one line of JSON: the job's live statistics (mosexec_stats.hpp), "ok"
//   drain PE|HOST      -> "drain" to the PE(s): their ranks leave, none are placed there
//   undrain PE|HOST    -> "undrain": they take ranks again
//   stop               -> ends the job as SIGTERM to mosexec does
//
// The line to a PE is a stream socket pair: the PE's statistics come back up the same way, one
// line of JSON each (runtime/pe_stats.hpp), through the agent (frame 'S') for a PE that has one.
//
// Between mosexec and the PEs a command travels as the same line: over the PE agent's connection
// (mosexec_wire, frame 'C'), then through a pipe whose read end the PE inherits, its number in
// kFdVariable (runtime/control.hpp reads it).
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <optional>
#include <string>

namespace mosix::control {

inline constexpr const char* kDirVariable = "MOSIX_CONTROL_DIR";
inline constexpr const char* kFdVariable = "MOSIX_CONTROL_FD";
inline constexpr std::size_t kMaxLine = 1024;

// The directory of this user's job sockets (see above), whether or not it exists.
std::string socket_dir();

// Makes sure `dir` exists (creating it, not its parents, with mode 0700) and that only this user
// can use it. Returns "" if so, else why not, in words.
std::string prepare_dir(const std::string& dir);

// DIR/PID.sock, and back: the job id in a socket's file name ("123.sock" -> 123).
std::string socket_path(const std::string& dir, pid_t job);
std::optional<pid_t> job_of(const std::string& file_name);

}  // namespace mosix::control
