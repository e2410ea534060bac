// mosexec_spawn.hpp — starting the job's command and taking the signals mosexec acts on.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <string>
#include <vector>

namespace mosexec {

// Blocks, and returns, the signals mosexec waits for synchronously: SIGCHLD, and SIGINT, SIGTERM
// and SIGHUP unless mosexec's parent left them ignored (nohup, a shell's background job: the
// parent's choice stands, and the command inherits it). *old gets the mask to restore in children.
sigset_t take_signals(sigset_t* old);

// Starts `path` with `argv`, the signal mask `child_mask`, if stderr_fd >= 0 that descriptor as its
// stderr, if parent_death_signal != 0 that signal to come should mosexec die first, and if
// inherit_fd >= 0 that (close-on-exec) descriptor left open for it. A failed exec is a usage error
// (exit 2) here, not a status from the child.
pid_t spawn(const std::string& path, const std::vector<std::string>& argv, const sigset_t& child_mask,
            int stderr_fd, int parent_death_signal, int inherit_fd = -1);

}  // namespace mosexec
