// checkpoint.hpp — the runtime's half of checkpoint/restart: suspending ranks while their images
// are written, resuming them, and building a PE's ranks from a checkpoint instead of starting them.
//
// The protocol (draining messages, what a rank's image holds, PE 0 committing the checkpoint and
// telling every PE to go on) is the library's (lib/checkpoint.cc), reached through hooks, as for
// migration. The files are runtime/checkpoint_format.hpp's.
//
// Thread/PE safety: every function runs on the PE's thread, from the scheduler or a rank.
#pragma once

#include <string>
#include <vector>

#include "rank.hpp"

namespace mosix::rt {

struct CheckpointHooks {
    // Runs from the scheduler once `rank` is suspended in state checkpointing: writes its image.
    void (*write_rank)(Rank* rank);
    // Runs once at start-up of a restarted job, before any rank runs: rebuilds `ranks` (the ones
    // this PE starts with) from the checkpoint at `path` and makes them runnable. Ends the job with
    // a message if the checkpoint cannot be used.
    void (*restore_ranks)(const std::string& path, const std::vector<Rank*>& ranks);
    // Runs on a rank leaving its outermost library call with checkpoint_due set: takes the
    // checkpoint the job agreed on (see lib/checkpoint.cc).
    void (*take_requested)(Rank* rank);
    // Scheduler, now and then (with control_poll): PE 0 issues periodic checkpoint requests.
    void (*poll)();
    // An operator asked for a checkpoint (mosctl checkpoint, at PE 0). Returns an empty string, or
    // why it cannot be done (the job has no checkpoint directory).
    std::string (*operator_request)();
};

void set_checkpoint_hooks(const CheckpointHooks& hooks) noexcept;

// True if this job's ranks can be checkpointed: every byte of a rank lives in its slot (rank heaps
// on, not the sanitizer build).
bool checkpoint_supported() noexcept;

// What a checkpoint records as the program that made it: the binary's build id and the slot
// layout. A restart needs the same, or the images' code and data addresses would mean nothing.
std::string checkpoint_build_id();

// The checkpoint a restarted job starts from (MOSIX_RESTART), or empty for a fresh start.
std::string restart_source();

// Rank side: suspends the calling rank in state checkpointing; returns when resume_checkpointed()
// makes it run again — in this job, or in a restarted one (then rank->restored is set).
void checkpoint_suspend(Rank* self) noexcept;

// Scheduler side: `rank` just suspended in state checkpointing.
void checkpoint_suspended(Rank* rank) noexcept;

// Makes every rank of this PE that is suspended in state checkpointing run again.
void resume_checkpointed() noexcept;

// Start-up of a restarted job: hands this PE's initial ranks to the library to rebuild.
void restore_ranks(const std::string& path, const std::vector<Rank*>& ranks);

// LibraryEntry: `rank` leaves its outermost call with checkpoint_due set.
void checkpoint_point(Rank* rank) noexcept;

// Scheduler: periodic checkpoint requests (PE 0).
void checkpoint_poll() noexcept;

// control.cc: "checkpoint" from the operator. Empty, or why not.
std::string checkpoint_requested_by_operator();

}  // namespace mosix::rt
