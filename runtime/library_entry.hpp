// library_entry.hpp — marks the library's entry points, so the malloc family knows whose memory an
// allocation is: while a rank's own code runs, malloc serves it from the rank's slot (the memory
// travels with the rank); inside the library (and in the scheduler, network callbacks and other
// threads) it serves from the PE's heap. Every public call of the library opens with
// MOSIX_LIBRARY_ENTRY(); nesting is fine.
//
// The outermost entry is also a migration point: no library frame is on the rank's stack yet, so
// a rank asked to move (request_migration) can be packed there and resume on its new PE.
#pragma once

#include "this_rank.hpp"

namespace mosix::rt {

void migration_point(Rank* rank) noexcept;   // migration.hpp: the rare path, out of line
void checkpoint_point(Rank* rank) noexcept;  // checkpoint.hpp: likewise

class LibraryEntry {
public:
    LibraryEntry() noexcept : rank_(this_rank()) {
        if (rank_ && rank_->library_depth++ == 0 && rank_->migrate_to >= 0) migration_point(rank_);
    }
    // Leaving the outermost call is where a requested checkpoint is taken: every local of the
    // call is destroyed by then (this object is its first), so nothing of the PE's is held.
    ~LibraryEntry() {
        if (rank_ && --rank_->library_depth == 0 && rank_->checkpoint_due) checkpoint_point(rank_);
    }
    LibraryEntry(const LibraryEntry&) = delete;
    LibraryEntry& operator=(const LibraryEntry&) = delete;

private:
    Rank* rank_;  // the rank that entered: the same fiber leaves, whatever ran in between
};

// True while a rank's own code (not the library) is running on this thread of control.
inline bool in_rank_code() noexcept {
    Rank* r = this_rank();
    return r && r->library_depth == 0;
}

}  // namespace mosix::rt

#define MOSIX_LIBRARY_ENTRY() ::mosix::rt::LibraryEntry mosix_library_entry_
