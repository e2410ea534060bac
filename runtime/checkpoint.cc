// checkpoint.cc — the runtime's half of checkpoint/restart (see checkpoint.hpp).
#include "checkpoint.hpp"

#include <cstdlib>

#include "fiber.hpp"
#include "fixed_layout.hpp"
#include "runtime_internal.hpp"
#include "scheduler.hpp"

namespace mosix::rt {

namespace {
CheckpointHooks hooks{};
}  // namespace

void set_checkpoint_hooks(const CheckpointHooks& h) noexcept { hooks = h; }

bool checkpoint_supported() noexcept { return rank_memory_in_slots() && hooks.write_rank != nullptr; }

std::string checkpoint_build_id() {
    const PeState& p = pe();
    return layout_identity(p.slots.slot_size() * static_cast<std::size_t>(p.config.nranks));
}

std::string restart_source() {
    const char* path = std::getenv("MOSIX_RESTART");
    return path ? path : "";
}

void checkpoint_suspend(Rank* self) noexcept {
    self->state = RankState::checkpointing;
    fiber_suspend(self);
}

void checkpoint_suspended(Rank* rank) noexcept { hooks.write_rank(rank); }

void resume_checkpointed() noexcept {
    PeState& p = pe();
    for (int i = 0; i < p.config.nranks; ++i) {
        Rank* r = &p.ranks[static_cast<std::size_t>(i)];
        if (r->state == RankState::checkpointing) make_runnable(r);
    }
}

void checkpoint_point(Rank* rank) noexcept {
    rank->checkpoint_due = false;  // before: the checkpoint's own library calls must not come back here
    if (hooks.take_requested) hooks.take_requested(rank);
}

void checkpoint_poll() noexcept {
    if (hooks.poll) hooks.poll();
}

std::string checkpoint_requested_by_operator() {
    if (!hooks.operator_request) return "this program has no checkpoint support";
    return hooks.operator_request();
}

void restore_ranks(const std::string& path, const std::vector<Rank*>& ranks) {
    if (!hooks.restore_ranks)
        fail_job(1, "this program cannot restart from a checkpoint (no library support)");
    hooks.restore_ranks(path, ranks);
}

}  // namespace mosix::rt
