// mosexec_proctree.cc — descendants from /proc, killed and reaped.
#include "mosexec_proctree.hpp"

#include <dirent.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace mosexec {

namespace {

struct ProcInfo {
    pid_t ppid;
    bool zombie;
};

// Every process's parent and state, from /proc/PID/stat ("pid (comm) state ppid ...": comm may
// hold spaces and parentheses, so fields are read after its last ')').
std::map<pid_t, ProcInfo> process_table() {
    std::map<pid_t, ProcInfo> table;
    DIR* proc = opendir("/proc");
    if (!proc) return table;
    while (dirent* e = readdir(proc)) {
        char* end = nullptr;
        long pid = std::strtol(e->d_name, &end, 10);
        if (*end || pid <= 0) continue;
        std::ifstream in(std::string("/proc/") + e->d_name + "/stat");
        std::string stat;
        if (!std::getline(in, stat)) continue;
        std::size_t paren = stat.rfind(')');
        if (paren == std::string::npos || paren + 4 > stat.size()) continue;
        char state = stat[paren + 2];
        long ppid = std::strtol(stat.c_str() + paren + 4, nullptr, 10);
        table[static_cast<pid_t>(pid)] = {static_cast<pid_t>(ppid), state == 'Z' || state == 'X'};
    }
    closedir(proc);
    return table;
}

std::vector<pid_t> live_descendants() {
    std::map<pid_t, ProcInfo> table = process_table();
    std::multimap<pid_t, pid_t> children;
    for (const auto& [pid, info] : table) children.emplace(info.ppid, pid);
    std::vector<pid_t> found, todo{getpid()};
    while (!todo.empty()) {
        pid_t p = todo.back();
        todo.pop_back();
        auto [first, last] = children.equal_range(p);
        for (auto it = first; it != last; ++it) {
            todo.push_back(it->second);
            if (!table[it->second].zombie) found.push_back(it->second);
        }
    }
    return found;
}

void reap(const std::function<void(pid_t, int)>& reaped) {
    int status;
    for (pid_t pid; (pid = waitpid(-1, &status, WNOHANG)) > 0;) reaped(pid, status);
}

}  // namespace

void become_subreaper() { prctl(PR_SET_CHILD_SUBREAPER, 1); }

void kill_descendants(const std::function<void(pid_t, int)>& reaped) {
    for (int round = 0; round < 100; ++round) {  // 100 x 10 ms
        reap(reaped);
        std::vector<pid_t> live = live_descendants();
        if (live.empty()) break;
        for (pid_t pid : live) kill(pid, SIGKILL);
        usleep(10000);
    }
    reap(reaped);
}

}  // namespace mosexec
