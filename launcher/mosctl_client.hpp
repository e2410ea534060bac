// mosctl_client.hpp — mosctl's side of the control socket: one request, one reply (the protocol is
// in control_socket.hpp).
#pragma once

#include <string>
#include <vector>

namespace mosctl {

struct Reply {
    bool reached = false;            // a whole reply came back (ok or error)
    bool stale = false;              // nobody listens on the socket: its mosexec is gone
    bool ok = false;                 // the final line was "ok"
    std::vector<std::string> lines;  // the output lines before it
    std::string error;               // WHY from "error: WHY", or why the job could not be asked
};

// Connects to `socket`, sends `request`, and reads the reply (at most kTimeoutMs in all).
Reply ask(const std::string& socket, const std::string& request);

// Only whether a job listens on `socket` (no request): false means the socket is stale. Any other
// failure (permissions, the socket gone meanwhile) counts as listening: never remove what may be
// a live job's.
bool listening(const std::string& socket);

}  // namespace mosctl
