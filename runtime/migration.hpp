// migration.hpp — moving a live rank from this PE to another: the runtime's half.
//
// A rank moves only at a migration point: the start of a library call (every MPI_/mosix_ call is
// one, see library_entry.hpp). There no library frame is on its stack, so everything it holds is
// either in its slot (stack, heap, requests, unexpected messages: copied byte for byte to the same
// addresses) or in the library's per-rank state (serialized by the library and rebuilt there).
//
// The runtime provides the mechanism — suspend at a migration point, the rank's image (touched heap
// and stack in use), release and re-map of slot memory, install and resume on arrival — and the
// library (lib/migrate.cc) runs the protocol between PEs: what travels, forwarding, location updates.
//
// Thread/PE safety: every function here runs on the PE's thread, from the scheduler or a rank.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "rank.hpp"

namespace mosix::rt {

// True if ranks of this job can move: several PEs, and every rank's memory in its slot (the
// sanitizer build and jobs without rank heaps leave user allocations on the PE heap).
bool migration_supported() noexcept;

// Asks for `rank` to move to PE `pe` at its next migration point. Works for any rank of the job,
// wherever it lives: a rank on another PE is reached through the location caches (the request
// follows the rank if it is moving). A request for a rank that has finished, or for the PE it is
// on, is dropped. Returns false (and does nothing) if rank or pe is out of range.
// Safe from the scheduler's context (operator commands) and from a rank.
bool request_migration(int rank, int pe) noexcept;

// The parts of a suspended rank's slot that hold data: the heap's touched prefix and the stack in
// use (from the saved context, less a red zone, to the top). Everything else in the slot is
// unmapped or zero, so these bytes at the same addresses on another PE recreate the rank.
struct RankImage {
    void* heap = nullptr;
    std::size_t heap_bytes = 0;
    void* stack = nullptr;
    std::size_t stack_bytes = 0;
};

// Library side of a migration, registered once (lib/migrate.cc).
struct MigrationHooks {
    // Runs on the rank, at a migration point with a pending request (rank->migrate_to >= 0).
    // Returns true if the rank may leave now (its in-transit bytes are home); then the rank suspends
    // and `depart` runs from the scheduler. Returns false to try again at the next point.
    bool (*ready_to_leave)(Rank* rank);
    // Runs from the scheduler once the rank is suspended for good on this PE (state departing,
    // departure_target set): sends it.
    void (*depart)(Rank* rank);
    // request_migration() for a rank that is not here: pass the request on to where it lives.
    void (*route_request)(int rank, int pe);
    // `count` more ranks finished on this PE: tell the other PEs (the job ends when all did).
    void (*announce_finished)(int count);
    // Sends this PE's gossip message (runtime/gossip.hpp) to PE `pe`.
    void (*send_gossip)(int pe, std::vector<unsigned char> message);
};
void set_migration_hooks(const MigrationHooks& hooks) noexcept;

// Scheduler side: hooks.depart and hooks.announce_finished.
void depart(Rank* rank) noexcept;
void announce_finished(int count) noexcept;
// Ranks that finished on other PEs, as they report it; the PE's loop ends when every rank is done.
void ranks_finished_elsewhere(int count) noexcept;

// Sends a gossip message to PE `pe` (through the library's transport handlers).
void send_gossip_to(int pe, std::vector<unsigned char> message) noexcept;

// Moves the calling rank to PE `pe` now and returns true once it runs there, letting the others
// run while it cannot leave yet. Returns false if PE `pe` refused it (one rank per PE: it holds
// one). REQUIRES: called by a rank inside the library, migration_supported(), and no PE-heap
// memory held across the call (it does not travel).
bool move_self_to(int pe) noexcept;

// The library refused `rank`'s pending move (its destination has no place for it): the request
// is dropped, and a move_self_to waiting on it returns false.
void migration_refused(Rank* rank) noexcept;

// Called by LibraryEntry when a rank with a pending request enters the library (out of line: the
// rare path). Returns on this PE (not ready, or the move failed) or on the new one.
void migration_point(Rank* rank) noexcept;

// True if [addr, addr + bytes) lies inside `rank`'s slot.
bool in_rank_slot(int rank, const void* addr, std::size_t bytes) noexcept;

// The control block of any rank of the job (at the same address on every PE).
Rank* rank_control_block(int rank) noexcept;

// Records that `rank` is on `pe` as of its `version`-th move (see lib/location.cc).
void set_location(int rank, int pe, unsigned version) noexcept;

// The image of a rank that is suspended (state departing).
RankImage rank_image(const Rank* rank) noexcept;

// This PE no longer runs `rank`: it stops counting it as live. Its slot memory stays until
// release_rank_memory (the bytes may still be read by the transport).
void rank_left(Rank* rank) noexcept;
// Gives a departed rank's pages back to the system (MADV_DONTNEED) and makes its slot PROT_NONE.
void release_rank_memory(int rank) noexcept;

// Arrival: makes [addr, addr + bytes) of `rank`'s slot fresh (zero) and writable, so the image's
// bytes can be written there. Returns false if the range is not inside the rank's slot.
bool prepare_rank_memory(int rank, void* addr, std::size_t bytes) noexcept;
// Arrival: the image is in place (the control block's fields too); takes over the rank's heap (if
// it had one) and makes the rank runnable here. Returns false (the job cannot continue) if the
// heap copied in is not a valid one.
bool rank_arrived(Rank* rank, bool has_heap) noexcept;

}  // namespace mosix::rt
