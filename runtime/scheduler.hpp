// scheduler.hpp — the PE's scheduler: runs rank fibers, one at a time, on the PE's only thread.
//
// Mechanism only: a FIFO run queue, block/wake, and the switch itself. Who runs next is the run
// queue's order; the load balancer (later) decides where ranks live, not when they run.
//
// Thread safety: none needed and none taken — the scheduler, every rank fiber and every library call
// run on the PE's single thread. Callbacks from other threads must not call these functions.
#pragma once

#include "rank.hpp"
#include "this_rank.hpp"

namespace mosix::rt {

// Suspends the calling rank until someone calls wake() on it. `where` names the library call the
// rank waits in (shown if the job deadlocks). REQUIRES: called by a rank (this_rank() != nullptr).
// A wake() that arrived before block() is not lost: the rank then runs again at its next turn.
void block(const char* where) noexcept;

// True if this PE talks to others; true if some other rank is ready to run; runs the network once.
bool network_active() noexcept;
bool others_runnable() noexcept;
unsigned progress_network() noexcept;

// Runs the network (from the calling rank's own context) until `done()` holds or another rank
// becomes runnable, for at most `spins` polls; returns done(). Saves the two switches through the
// scheduler when a rank waits for a message from another PE and nothing else could run anyway.
// The transport's callbacks then run on the rank's stack; they never switch or block.
template <class Done>
bool poll_in_place(Done done, int spins) noexcept {
    if (!network_active()) return done();
    for (int i = 0; i < spins && !done() && !others_runnable(); ++i) progress_network();
    return done();
}

// Makes a blocked rank runnable. Idempotent; a no-op for a rank that is running, ready or done.
void wake(Rank* rank) noexcept;

// Lets the other runnable ranks run once, then returns. REQUIRES: called by a rank.
void yield() noexcept;

// The rank with world id `id` if it lives on this PE, else nullptr.
Rank* local_rank(int id) noexcept;

}  // namespace mosix::rt
