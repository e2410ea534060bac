// mosctl_jobs.hpp — finding this user's running jobs: one control socket each, DIR/ID.sock
// (control_socket.hpp), ID being the job's mosexec pid.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace mosctl {

struct Job {
    pid_t id;
    std::string socket;
};

struct JobList {
    std::vector<Job> jobs;       // by id
    std::vector<pid_t> removed;  // stale sockets (their mosexec is gone) removed on the way
    std::string error;           // the directory could not be read; then jobs is empty
};

// The jobs with a live socket in `dir`. A missing directory means no jobs, not an error.
JobList find_jobs(const std::string& dir);

// The job to act on: `wanted` if given and it has a socket, else the only running job. Returns
// nothing, with *why, if there is no such job, none, or several.
std::optional<Job> choose_job(const std::string& dir, std::optional<pid_t> wanted, std::string* why);

}  // namespace mosctl
