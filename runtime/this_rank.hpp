// this_rank.hpp — the hot accessors: which rank is running on this PE, and the job's size.
// Kept tiny so every send/receive path can include it without pulling in the scheduler.
#pragma once

#include "placement.hpp"
#include "rank.hpp"

namespace mosix::rt {

namespace detail {
extern Rank* current_rank;  // the running rank, nullptr while the scheduler itself runs
extern int world_size;
extern int this_pe;
extern int npes;
extern int* location;               // rank -> PE where it is now (this PE's cache)
extern unsigned* location_version;  // rank -> how many moves `location` knows of
extern unsigned location_epoch;     // changes whenever `location` may have changed
}  // namespace detail

inline Rank* this_rank() noexcept { return detail::current_rank; }
inline int world_size() noexcept { return detail::world_size; }
inline int this_pe() noexcept { return detail::this_pe; }
inline int npes() noexcept { return detail::npes; }
// The PE this PE believes `rank` lives on (always right until ranks migrate).
inline int pe_of(int rank) noexcept { return detail::location[rank]; }
// The PE `rank` started on. Fixed for the job, and the same on every PE: what structures that all
// ranks must agree on (collective hierarchies) are built from, since locations change under them.
inline int home_pe_of(int rank) noexcept { return placement_pe_of(rank, detail::world_size, detail::npes); }
// How many migrations of `rank` this PE's location entry accounts for: a newer report wins.
inline unsigned location_version(int rank) noexcept { return detail::location_version[rank]; }
// Anything derived from rank locations is stale once this changes.
inline unsigned location_epoch() noexcept { return detail::location_epoch; }

}  // namespace mosix::rt
