// mosexec_requests.hpp — what mosexec answers on its control socket (the line protocol itself is in
// control_socket.hpp). One function per request, one table: issue 8's list/show/drain/checkpoint/
// stop are new entries in mosexec_requests.cc.
//
//   info             the job: "pid PID", "ranks N", "pes P", "program PATH ARGS...", then "ok"
//   migrate RANK PE  checks 0 <= RANK < N and 0 <= PE < P, sends "migrate RANK PE" to PE 0
//                    (whose runtime moves the rank, wherever it lives, at its next library call),
//                    answers one line saying so and "ok"; else "error: WHY". A drained PE is refused.
//   checkpoint       sends "checkpoint" to PE 0
//   stats            one line of JSON: the job's live statistics (mosexec_stats.hpp), then "ok"
//   drain PE|HOST    sends "drain" to the PE (or every PE of the host): its ranks move off and
//                    nothing is placed there; refused if no PE would be left to take ranks
//   undrain PE|HOST  sends "undrain": the PE takes ranks again
//   stop             ends the job as a SIGTERM to mosexec does (the PEs get it, then a grace period)
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include "mosexec_stats.hpp"

namespace mosexec {

struct JobInfo {
    pid_t pid = 0;
    long long nranks = 0;
    long long npes = 0;
    std::vector<std::string> program;  // the program as found, and its arguments
    JobStats* stats = nullptr;         // the job's statistics (mosexec_stats.hpp); none: stats refused
    std::function<void()> stop;        // ends the job in order; none: stop refused
};

// Passes a command line on to PE `pe`'s runtime. Returns "" once it is on its way, else why not.
using SendToPe = std::function<std::string(long long pe, const std::string& command)>;

// The whole reply to one request line: output lines, then "ok\n" or "error: WHY\n".
std::string answer_request(const JobInfo& job, const std::string& request, const SendToPe& send);

}  // namespace mosexec
