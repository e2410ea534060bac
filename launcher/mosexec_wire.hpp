// mosexec_wire.hpp — how PE agents talk to the mosexec that started the job: one TCP connection
// per agent, from the agent's host back to mosexec's (the direction mpirun's own daemons already
// use), carrying frames:
//
//   'H' hello   "COOKIE PE PID HOST"   first, once: who is on the other end
//   'O' stdout  bytes                  whole lines, except a long or stalled line's pieces
//   'E' stderr  bytes                  likewise
//   'S' stats   JSON                   one statistics packet of the PE (runtime/pe_stats.hpp)
//   'X' exit    "WAITSTATUS FORWARDED" how the PE ended; FORWARDED=1 if the agent had passed
//                                      mpirun's kill signal on to it (the PE did not fail itself)
//
// and the other way, from mosexec to an agent:
//
//   'C' control "COMMAND"              an operator command for the PE's runtime (control_socket.hpp),
//                                      which the agent writes to the PE's control pipe
//
// A frame is a 1-byte kind, 3 zero bytes, a 4-byte big-endian length and the bytes. The cookie
// (random, per job) keeps stray connections out.
#pragma once

#include <string>
#include <string_view>

namespace mosexec::wire {

enum Kind : char { kHello = 'H', kStdout = 'O', kStderr = 'E', kStats = 'S', kExit = 'X', kControl = 'C' };

inline constexpr std::size_t kMaxFrame = 1 << 20;

std::string encode(Kind kind, std::string_view data);

// Takes the first whole frame off the front of `buffer`. Returns 1 with a frame, 0 if more bytes
// are needed, -1 if the bytes are not a frame.
int take_frame(std::string* buffer, Kind* kind, std::string* data);

// Writes all of `bytes` to a blocking descriptor; false once the other end is gone.
bool send_all(int fd, std::string_view bytes);

struct Listener {
    int fd = -1;       // listening socket, close-on-exec, non-blocking
    std::string info;  // "COOKIE PORT ADDR,ADDR,..." for the agents (the MOSEXEC_AGENT variable)
    std::string cookie;
};

// Listens on every IPv4 address of this host. Returns an empty string on success, else why not.
std::string listen_for_agents(Listener* listener);

// Connects to the mosexec described by `info`, trying all its addresses at once (an address
// unreachable from here must not cost a TCP time-out). Returns the blocking socket, or -1 with
// *error set. *cookie gets the job's cookie.
int connect_to_launcher(const std::string& info, std::string* cookie, std::string* error);

}  // namespace mosexec::wire
