// rank_local.hpp — rank-local storage: one pointer-sized slot per (rank, id), the documented
// answer to mutable globals (which the ranks of a PE share). The table lives in the rank's own
// heap when rank heaps are on, so it travels with the rank like the rest of its memory.
#pragma once

#include "rank.hpp"

namespace mosix::rt {

// The address of `rank`'s slot for `id` (zero on first use); nullptr if memory runs out.
void** rank_local_slot(Rank* rank, const void* id) noexcept;

}  // namespace mosix::rt
