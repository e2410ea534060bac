// scheduler.cc — run queue, block/wake and the PE's scheduling loop.
//
// The loop is the PE's only thread of control: it pops the oldest runnable rank and switches to
// it; the rank runs until it blocks in the library, yields or returns from main, and then switches
// back. FIFO order gives every runnable rank a turn before any runs twice, which keeps collectives
// (where every rank must reach the same point) progressing in O(ranks) switches.
// When the queue is empty but ranks remain, every one of them waits for another: on a single PE
// nothing else can wake them, so that is a deadlock and the job ends with a report of who waits
// where, instead of hanging.
#include "scheduler.hpp"

#include <x86intrin.h>

#include <cstdio>
#include <string>

#include "balancer.hpp"
#include "checkpoint.hpp"
#include "control.hpp"
#include "fiber.hpp"
#include "measure.hpp"
#include "migration.hpp"
#include "net/transport.hpp"
#include "runtime_internal.hpp"

namespace mosix::rt {

namespace detail {
Rank* current_rank = nullptr;
int world_size = 0;
int this_pe = 0;
int npes = 1;
int* location = nullptr;
unsigned* location_version = nullptr;
unsigned location_epoch = 0;
}  // namespace detail

namespace {
Rank* ready_head = nullptr;
Rank* ready_tail = nullptr;

inline void push_ready(Rank* r) noexcept {
    r->state = RankState::ready;
    r->next_ready = nullptr;
    if (ready_tail)
        ready_tail->next_ready = r;
    else
        ready_head = r;
    ready_tail = r;
}

inline Rank* pop_ready() noexcept {
    Rank* r = ready_head;
    if (r) {
        ready_head = r->next_ready;
        if (!ready_head) ready_tail = nullptr;
    }
    return r;
}
}  // namespace

bool network_active() noexcept { return pe().networked; }
bool others_runnable() noexcept { return ready_head != nullptr; }
unsigned progress_network() noexcept { return net::transport_progress(); }

void block(const char* where) noexcept {
    Rank* self = detail::current_rank;
    self->blocked_in = where;
    self->state = RankState::blocked;
    fiber_suspend(self);
}

void wake(Rank* r) noexcept {
    if (r->state == RankState::blocked) push_ready(r);
}

void yield() noexcept {
    Rank* self = detail::current_rank;
    push_ready(self);
    fiber_suspend(self);
}

Rank* local_rank(int id) noexcept {
    if (id < 0 || id >= detail::world_size || detail::location[id] != detail::this_pe) return nullptr;
    return &pe().ranks[static_cast<std::size_t>(id)];
}

void make_runnable(Rank* r) noexcept { push_ready(r); }

namespace {

// Idle policy: poll the network this many times before sleeping on its event fd. Waking from the
// fd costs microseconds, so a PE that just ran out of work spins briefly first.
constexpr int kIdleSpins = 2000;
constexpr int kIdleSleepMs = 100;

// Ranks migrate, so a PE with none left may still receive some: it runs until every rank of the
// job has finished somewhere. Each PE reports its own finishes (in batches) to the others.
bool job_running(PeState& p) {
    if (p.finished_unreported > 0 && p.networked) {
        announce_finished(p.finished_unreported);
        p.finished_unreported = 0;
    }
    return p.live_ranks > 0 || p.finished_ranks < p.config.nranks;
}

// The next rank to run, or nullptr once the job is over.
Rank* next_runnable(PeState& p) {
    if (!p.networked) {
        if (p.live_ranks == 0) return nullptr;
        Rank* r = pop_ready();
        if (!r) report_deadlock_and_exit();
        return r;
    }
    // Busy-poll while ranks are runnable: every switch also gives the network one turn, so a
    // rank spinning on MPI_Test still sees its message arrive.
    net::transport_progress();
    if (Rank* r = pop_ready()) return r;
    for (int spin = 0, spins = core_contended() ? 0 : kIdleSpins; spin < spins; ++spin) {
        net::transport_progress();
        if (Rank* r = pop_ready()) return r;
        if (!job_running(p)) return nullptr;
    }
    for (;;) {
        if (!job_running(p)) return nullptr;
        balancer_tick(__rdtsc());  // an idle PE still measures and gossips
        control_poll();
        checkpoint_poll();
        std::uint64_t asleep = wall_ns();
        net::transport_wait(kIdleSleepMs);
        p.slept_ns += wall_ns() - asleep;  // time it did not want the CPU (the balancer's share)
        net::transport_progress();
        if (Rank* r = pop_ready()) return r;
    }
}

}  // namespace

void ranks_finished_elsewhere(int count) noexcept { pe().finished_ranks += count; }

void run_scheduler() {
    PeState& p = pe();
    for (unsigned switches = 0;; ++switches) {
        if (switches % 64 == 0) {
            control_poll();  // operator commands: a read that finds nothing
            checkpoint_poll();
        }
        Rank* r = next_runnable(p);
        if (!r) break;
        r->state = RankState::running;
        detail::current_rank = r;
        if (p.networked) {
            // One counter read on each side of the switch: what the balancer's per-rank load is
            // made of (the thread CPU clock is a system call here, ~0.46 us; this is ~0.02 us).
            // A single PE has nowhere to move ranks to, and skips it.
            std::uint64_t started = __rdtsc();
            fiber_resume(r);
            std::uint64_t stopped = __rdtsc();
            r->run_ticks += stopped - started;
            detail::current_rank = nullptr;
            balancer_tick(stopped);
        } else {
            fiber_resume(r);
            detail::current_rank = nullptr;
        }
        if (r->state == RankState::done)
            finish_rank(r);
        else if (r->state == RankState::departing)
            depart(r);
        else if (r->state == RankState::checkpointing)
            checkpoint_suspended(r);
    }
}

}  // namespace mosix::rt
