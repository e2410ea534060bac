#include "fiber.hpp"

#include <cstdlib>

#if defined(MOSIX_SANITIZE)
#include <sanitizer/asan_interface.h>
#define MOSIX_ASAN 1
#endif

namespace ctx = boost::context::detail;

namespace mosix::rt {

namespace {

ctx::fcontext_t scheduler_context = nullptr;  // where a suspended rank jumps back to
void (*rank_entry)(Rank*) = nullptr;

#if MOSIX_ASAN
// The scheduler's stack, learnt at the first switch into a rank, so ranks can announce it back.
const void* sched_stack_bottom = nullptr;
std::size_t sched_stack_size = 0;
thread_local void* fake_stack = nullptr;
#endif

inline void before_switch_to_rank([[maybe_unused]] Rank* r) {
#if MOSIX_ASAN
    __sanitizer_start_switch_fiber(&fake_stack, r->stack_low, r->stack_size);
#endif
}
inline void after_switch_back_to_scheduler() {
#if MOSIX_ASAN
    __sanitizer_finish_switch_fiber(fake_stack, nullptr, nullptr);
#endif
}
inline void before_switch_to_scheduler([[maybe_unused]] bool exiting) {
#if MOSIX_ASAN
    __sanitizer_start_switch_fiber(exiting ? nullptr : &fake_stack, sched_stack_bottom, sched_stack_size);
#endif
}
inline void after_switch_to_rank() {
#if MOSIX_ASAN
    __sanitizer_finish_switch_fiber(fake_stack, &sched_stack_bottom, &sched_stack_size);
#endif
}

void trampoline(ctx::transfer_t t) {
    scheduler_context = t.fctx;
    after_switch_to_rank();
    Rank* r = static_cast<Rank*>(t.data);
    rank_entry(r);
    std::abort();  // rank_entry ends with fiber_exit
}

}  // namespace

void fiber_create(Rank* rank, void (*entry)(Rank*)) {
    rank_entry = entry;
    char* top = static_cast<char*>(rank->stack_low) + rank->stack_size;
    rank->context = ctx::make_fcontext(top, rank->stack_size, trampoline);
}

void fiber_resume(Rank* rank) {
    before_switch_to_rank(rank);
    ctx::transfer_t t = ctx::jump_fcontext(rank->context, rank);
    after_switch_back_to_scheduler();
    rank->context = t.fctx;
}

void fiber_suspend(Rank*) {
    before_switch_to_scheduler(false);
    ctx::transfer_t t = ctx::jump_fcontext(scheduler_context, nullptr);
    scheduler_context = t.fctx;
    after_switch_to_rank();
}

void fiber_exit(Rank*) {
    before_switch_to_scheduler(true);
    ctx::jump_fcontext(scheduler_context, nullptr);
    std::abort();  // a finished rank is never resumed
}

}  // namespace mosix::rt
