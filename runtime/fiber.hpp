// fiber.hpp — the context switch between the scheduler and a rank fiber (Boost.Context fcontext).
//
// Switches are symmetric jumps; a rank always jumps back to the scheduler, never to another rank,
// so a rank can be suspended, packed or moved while the scheduler holds no pointer into its stack.
// Under AddressSanitizer every switch is announced so ASan tracks which stack is in use.
#pragma once

#include "rank.hpp"

namespace mosix::rt {

// Prepares `rank` to start at `entry(rank)` on its stack [stack_low, stack_low + stack_size).
void fiber_create(Rank* rank, void (*entry)(Rank*));

// Scheduler side: runs `rank` until it blocks, yields or finishes.
void fiber_resume(Rank* rank);

// Rank side: returns control to the scheduler; returns when the scheduler resumes this rank.
void fiber_suspend(Rank* rank);

// Rank side: leaves for good (after its main returned). Never returns.
[[noreturn]] void fiber_exit(Rank* rank);

}  // namespace mosix::rt
