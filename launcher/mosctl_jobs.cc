// mosctl_jobs.cc — the socket directory, read; stale sockets removed.
#include "mosctl_jobs.hpp"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "control_socket.hpp"
#include "mosctl_client.hpp"

namespace mosctl {

JobList find_jobs(const std::string& dir) {
    JobList list;
    DIR* d = opendir(dir.c_str());
    if (!d) {
        if (errno != ENOENT) list.error = "cannot read " + dir + ": " + std::strerror(errno);
        return list;
    }
    while (dirent* e = readdir(d)) {
        std::optional<pid_t> id = mosix::control::job_of(e->d_name);
        if (!id) continue;
        std::string socket = dir + "/" + e->d_name;
        // A socket nobody listens on is left by a mosexec that was killed outright (SIGKILL):
        // a live one binds under another name and renames only once it listens.
        if (!listening(socket)) {
            if (unlink(socket.c_str()) == 0) list.removed.push_back(*id);
            continue;
        }
        list.jobs.push_back({*id, socket});
    }
    closedir(d);
    std::sort(list.jobs.begin(), list.jobs.end(), [](const Job& a, const Job& b) { return a.id < b.id; });
    std::sort(list.removed.begin(), list.removed.end());
    return list;
}

std::optional<Job> choose_job(const std::string& dir, std::optional<pid_t> wanted, std::string* why) {
    if (wanted) {
        std::string socket = mosix::control::socket_path(dir, *wanted);
        // Only a socket known to be missing is "no such job"; any other trouble (permissions) is
        // for connecting to say, in its own words.
        if (access(socket.c_str(), F_OK) == 0 || errno != ENOENT) return Job{*wanted, socket};
        *why = "no job " + std::to_string(*wanted) + " (no socket " + socket + "; see mosctl list)";
        return std::nullopt;
    }
    JobList list = find_jobs(dir);
    if (!list.error.empty()) {
        *why = list.error;
        return std::nullopt;
    }
    if (list.jobs.size() == 1) return list.jobs.front();
    if (list.jobs.empty()) {
        *why = "no running job (no job sockets in " + dir + ")";
    } else {
        *why = std::to_string(list.jobs.size()) + " jobs are running (";
        for (const Job& j : list.jobs)
            *why += (j.id == list.jobs.front().id ? "" : ", ") + std::to_string(j.id);
        *why += "): choose one with --job ID";
    }
    return std::nullopt;
}

}  // namespace mosctl
