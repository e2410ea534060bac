// migration.cc — the runtime's half of moving a rank: the migration point, the rank's image, and
// giving up or taking over its slot memory. The protocol between PEs is the library's
// (lib/migrate.cc), reached through the hooks it registers.
#include "migration.hpp"

#include <sys/mman.h>

#include <cstdint>

#include "fiber.hpp"
#include "measure.hpp"
#include "rank_heap.hpp"
#include "runtime_internal.hpp"
#include "scheduler.hpp"

namespace mosix::rt {

namespace {

MigrationHooks hooks{};

// The System V ABI lets a function use 128 bytes below its stack pointer without moving it; the
// saved context is a stack pointer, so copy from that far below it.
constexpr std::uintptr_t kRedZone = 128;

bool in_slot(int rank, const void* addr, std::size_t bytes) {
    const SlotRegion& slots = pe().slots;
    auto base = reinterpret_cast<std::uintptr_t>(slots.slot_base(rank));
    auto a = reinterpret_cast<std::uintptr_t>(addr);
    return a >= base && bytes <= slots.slot_size() && a - base <= slots.slot_size() - bytes;
}

// The transport writes the image into fresh pages: fault them in with one call instead of one
// fault per page as the bytes land (measured: most of a large move's time otherwise).
void populate(void* addr, std::size_t bytes) {
#ifdef MADV_POPULATE_WRITE
    madvise(addr, bytes, MADV_POPULATE_WRITE);  // Linux 5.14+; without it the faults just come later
#else
    (void)addr;
    (void)bytes;
#endif
}

}  // namespace

void set_migration_hooks(const MigrationHooks& h) noexcept { hooks = h; }

bool migration_supported() noexcept {
    return pe().networked && rank_memory_in_slots() && hooks.depart != nullptr;
}

bool in_rank_slot(int rank, const void* addr, std::size_t bytes) noexcept {
    return rank >= 0 && rank < world_size() && in_slot(rank, addr, bytes);
}

Rank* rank_control_block(int rank) noexcept { return &pe().ranks[rank]; }

void set_location(int rank, int where, unsigned version) noexcept {
    PeState& p = pe();
    p.location[static_cast<std::size_t>(rank)] = where;
    p.location_version[static_cast<std::size_t>(rank)] = version;
    ++detail::location_epoch;
}

bool request_migration(int rank, int target) noexcept {
    if (rank < 0 || rank >= world_size() || target < 0 || target >= npes()) return false;
    if (Rank* r = local_rank(rank)) {
        if (r->state == RankState::done) return true;
        // A rank waiting inside the library moves at its next call, when the wait is over.
        r->migrate_to = target == this_pe() ? -1 : target;
        return true;
    }
    if (hooks.route_request) hooks.route_request(rank, target);
    return true;
}

namespace {
// Runs one of the program's hooks as the rank's own code (its allocations in its memory), with
// no migration request pending so that a library call inside is not a migration point.
void run_hook(Rank* r, void (*hook)(int, int, void*), int from, int to) {
    if (!hook) return;
    int depth = r->library_depth;
    r->library_depth = 0;
    hook(from, to, r->hook_arg);
    r->library_depth = depth;
}
}  // namespace

void migration_point(Rank* r) noexcept {
    int target = r->migrate_to;
    if (target < 0 || target == this_pe() || !migration_supported()) {
        r->migrate_to = -1;
        return;
    }
    if (!hooks.ready_to_leave(r)) return;  // try again at the next library call
    int from = this_pe();
    if (r->before_leaving) {
        r->migrate_to = -1;
        run_hook(r, r->before_leaving, from, target);
        r->migrate_to = target;
        if (!hooks.ready_to_leave(r)) return;  // the hook started something: next time
    }
    r->migrate_to = -1;
    r->state = RankState::departing;
    r->departure_target = target;
    fiber_suspend(r);  // the scheduler sends us; we return on the new PE
    run_hook(r, r->after_arriving, from, this_pe());
}

namespace {
Rank* refused = nullptr;  // the rank whose last move was refused, until move_self_to sees it
}  // namespace

void migration_refused(Rank* r) noexcept {
    r->migrate_to = -1;
    refused = r;
}

bool move_self_to(int target) noexcept {
    Rank* self = this_rank();
    // A loop, not one call: another request (an operator's, the balancer's) may replace ours.
    while (this_pe() != target) {
        self->migrate_to = target;
        refused = nullptr;
        migration_point(self);
        if (refused == self) {
            refused = nullptr;
            return false;
        }
        if (this_pe() != target) yield();
    }
    return true;
}

RankImage rank_image(const Rank* r) noexcept {
    RankImage image;
    image.heap = pe().slots.slot_base(r->id);
    image.heap_bytes = rank_heap_extent(r->id);
    auto sp = reinterpret_cast<std::uintptr_t>(r->context) - kRedZone;
    auto top = reinterpret_cast<std::uintptr_t>(r->stack_low) + r->stack_size;
    auto low = reinterpret_cast<std::uintptr_t>(r->stack_low);
    if (sp < low) sp = low;
    image.stack = reinterpret_cast<void*>(sp);
    image.stack_bytes = top - sp;
    return image;
}

void rank_left(Rank* r) noexcept {
    r->state = RankState::away;
    r->lib = nullptr;  // the library serialized and released its state
    r->locals = nullptr;
    --pe().live_ranks;
}

void release_rank_memory(int rank) noexcept {
    rank_heap_release(rank);
    pe().slots.release_stack(rank);
}

bool prepare_rank_memory(int rank, void* addr, std::size_t bytes) noexcept {
    if (bytes == 0) return true;
    if (!in_slot(rank, addr, bytes)) return false;
    SlotRegion& slots = pe().slots;
    auto base = reinterpret_cast<std::uintptr_t>(slots.slot_base(rank));
    auto a = reinterpret_cast<std::uintptr_t>(addr);
    // The pages are written over, not replaced: if the rank was here before, the transport may
    // still be reading a send buffer of its old copy here, whose bytes the new image repeats.
    if (a < base + slots.heap_bytes()) {
        rank_heap_forget(rank);
        if (mprotect(addr, bytes, PROT_READ | PROT_WRITE) != 0) return false;
        populate(addr, bytes);
        // The heap's relocation contract: everything above the copied extent reads as zero.
        auto end = base + slots.heap_bytes();
        auto upper = reinterpret_cast<void*>(a + bytes);
        madvise(upper, end - (a + bytes), MADV_DONTNEED);
        return mprotect(upper, end - (a + bytes), PROT_NONE) == 0;
    }
    return slots.map_stack(rank) != nullptr;
}

void depart(Rank* r) noexcept { hooks.depart(r); }

void send_gossip_to(int pe, std::vector<unsigned char> message) noexcept {
    if (hooks.send_gossip) hooks.send_gossip(pe, std::move(message));
}

void announce_finished(int count) noexcept {
    if (hooks.announce_finished) hooks.announce_finished(count);
}

bool rank_arrived(Rank* r, bool has_heap) noexcept {
    if (has_heap && !rank_heap_adopt(r->id)) return false;
    r->stack_low = reinterpret_cast<char*>(pe().slots.slot_base(r->id)) + pe().slots.slot_size() -
                   pe().slots.stack_size();
    r->stack_size = pe().slots.stack_size();
    r->run_ticks = 0;  // load is measured afresh on every PE
    r->traffic.clear();
    r->arrived_at = static_cast<double>(wall_ns()) * 1e-9;
    ++pe().live_ranks;
    make_runnable(r);
    return true;
}

}  // namespace mosix::rt
