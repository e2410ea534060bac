#include "balancer.hpp"

#include <sched.h>
#include <x86intrin.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>

#include "control.hpp"
#include "gossip.hpp"
#include "measure.hpp"
#include "migration.hpp"
#include "pe_stats.hpp"
#include "program_data.hpp"
#include "rank_heap.hpp"
#include "runtime.hpp"
#include "scheduler.hpp"

namespace mosix::rt {

namespace {

struct Balancer {
    BalancerConfig config;
    bool running = false;
    double raw_speed = 1;
    double share_estimate = 1;  // of the core this PE gets (0..1), smoothed
    int share_samples = 0;
    std::uint64_t last_slept = 0;
    bool contended = false;
    bool wanted_before = false;        // the last decision wanted to move ranks off this PE
    bool settling = false;             // the last round used all its moves and had not settled
    int cpu = -1;                      // the one CPU this PE is bound to, or -1
    std::uint64_t last_core_busy = 0;  // core_busy_ns(cpu) at the last measurement
    double tsc_per_s = 2e9;            // refined at every measurement
    std::uint64_t last_tsc = 0, last_wall = 0, last_cpu = 0;
    std::uint64_t next_gossip = 0, next_balance = 0;  // time-stamp-counter deadlines
    std::vector<std::uint64_t> last_ticks;            // by rank: run_ticks at the last measurement
    std::vector<double> load;                         // by rank: CPU-seconds per second, smoothed
    std::vector<char> measured;                       // by rank: load holds a measurement from this stay
    double measured_at = 0;                           // wall seconds of the last measurement
    std::mt19937 rng;
};

Balancer b;

double seconds(std::uint64_t ns) { return static_cast<double>(ns) * 1e-9; }

[[noreturn]] void bad_setting(const char* name, const char* value, const char* want) {
    fail_job(2, "%s='%s' is not %s", name, value, want);
}

double read_seconds(const char* name, double fallback) {
    const char* v = std::getenv(name);
    if (!v) return fallback;
    char* end = nullptr;
    double s = std::strtod(v, &end);
    if (end == v || *end != '\0' || !(s >= 0.01 && s <= 3600))
        bad_setting(name, v, "a period between 0.01 and 3600 seconds");
    return s;
}

std::uint64_t read_bytes(const char* name, std::uint64_t fallback) {
    const char* v = std::getenv(name);
    if (!v) return fallback;
    char* end = nullptr;
    unsigned long long n = std::strtoull(v, &end, 10);
    if (end == v || v[0] == '-') bad_setting(name, v, "a byte count (with an optional K, M or G)");
    int shift = 0;
    if (*end == 'K' || *end == 'k') shift = 10;
    if (*end == 'M' || *end == 'm') shift = 20;
    if (*end == 'G' || *end == 'g') shift = 30;
    if (shift) ++end;
    if (*end != '\0') bad_setting(name, v, "a byte count (with an optional K, M or G)");
    return static_cast<std::uint64_t>(n) << shift;
}

std::uint64_t ticks_after(double s) { return static_cast<std::uint64_t>(s * b.tsc_per_s); }

// Bytes a move of `rank` would copy (its heap; the stack in use is small beside it).
std::uint64_t rank_memory(int rank) { return rank_heap_extent(rank); }

double since_move(const Rank* r, double now) {
    return r->arrived_at > 0 ? now - r->arrived_at : std::numeric_limits<double>::infinity();
}

// Takes this period's measurements and publishes them in the gossip table.
void measure(std::uint64_t now) {
    std::uint64_t wall = wall_ns(), cpu = thread_cpu_ns();
    double dwall = seconds(wall - b.last_wall);
    if (dwall <= 0) return;
    b.tsc_per_s = static_cast<double>(now - b.last_tsc) / dwall;
    int n = world_size();
    // The share of its core the PE can count on. Bound to one CPU: from what other programs took
    // of that CPU (core_share: what it gets when it competes, however little it used). Unbound:
    // CPU time over the wall time it was awake (running or polling; asleep it wants nothing).
    std::optional<double> now_share;
    std::optional<std::uint64_t> core_busy = b.cpu >= 0 ? core_busy_ns(b.cpu) : std::nullopt;
    if (core_busy && b.last_core_busy) {
        std::uint64_t all = *core_busy - std::min(*core_busy, b.last_core_busy);
        std::uint64_t own = cpu - b.last_cpu;
        now_share = core_share(wall - b.last_wall, own, all > own ? all - own : 0);
    } else {
        std::uint64_t awake =
            (wall - b.last_wall) - std::min(wall - b.last_wall, pe_slept_ns() - b.last_slept);
        if (awake > (wall - b.last_wall) / 5)
            now_share =
                std::clamp(static_cast<double>(cpu - b.last_cpu) / static_cast<double>(awake), 0.0, 1.0);
    }
    b.last_core_busy = core_busy.value_or(0);
    b.last_slept = pe_slept_ns();
    if (now_share)
        b.share_estimate = b.share_samples++ ? 0.5 * b.share_estimate + 0.5 * *now_share : *now_share;
    double share = b.share_estimate;
    b.contended = share < 0.8;
    double wall_s = seconds(wall);
    // The ranks' run time is wall time between two switches. It is CPU time unless the kernel took
    // the core away in between; the thread's CPU time over the ranks' total run time says how much
    // it did (a PE that shares its core mostly loses it while idle or asleep, not while running).
    double run_total = 0;
    for (int i = 0; i < n; ++i)
        if (Rank* r = local_rank(i); r && r->state != RankState::done &&
                                     b.measured[static_cast<std::size_t>(i)] &&
                                     r->arrived_at <= b.measured_at)
            run_total +=
                static_cast<double>(r->run_ticks - b.last_ticks[static_cast<std::size_t>(i)]) / b.tsc_per_s;
    double on_cpu = run_total > 0 ? std::clamp(seconds(cpu - b.last_cpu) / run_total, 0.0, 1.0) : 1.0;
    double pe_load = 0;
    int live = 0;
    for (int i = 0; i < n; ++i) {
        Rank* r = local_rank(i);
        auto k = static_cast<std::size_t>(i);
        if (!r || r->state == RankState::done) {
            b.measured[k] = 0;
            continue;
        }
        ++live;
        bool arrived = r->arrived_at > b.measured_at;  // its counter restarted at 0 then
        bool fresh = !b.measured[k] || arrived;        // no history here
        double run_s = static_cast<double>(r->run_ticks - (arrived ? 0 : b.last_ticks[k])) / b.tsc_per_s;
        // A rank that arrived during the period may have run through most of its short stay here
        // (it was runnable on arrival): judge it over the whole period, not its stay.
        double now_load = std::min(1.0, run_s / dwall) * on_cpu;
        b.load[k] = fresh ? now_load : 0.5 * b.load[k] + 0.5 * now_load;
        b.measured[k] = 1;
        b.last_ticks[k] = r->run_ticks;
        r->traffic.decay();
        pe_load += b.load[k];
    }
    b.last_tsc = now;
    b.last_wall = wall;
    b.last_cpu = cpu;
    b.measured_at = wall_s;
    PeFigures own;
    own.speed = static_cast<float>(b.raw_speed);
    own.share = static_cast<float>(share);
    own.load = static_cast<float>(pe_load);
    own.ranks = live;
    own.host = host_of_pe(this_pe());
    own.free_memory = available_memory();
    if (pe_drained()) own.flags |= PeFigures::kDrained;
    PeTotals totals = stats_totals();
    own.migrations = totals.migrations;
    own.migration_seconds = totals.migration_seconds;
    own.migration_bytes = totals.migration_bytes;
    own.sent_messages = totals.sent_messages;
    own.sent_bytes = totals.sent_bytes;
    own.received_messages = totals.received_messages;
    own.received_bytes = totals.received_bytes;
    gossip_set_own(own);
    stats_publish(false);
    if (b.config.verbose >= 2) {
        char line[240];
        std::snprintf(
            line, sizeof line,
            "load %.2f (%d ranks), core share %.2f, speed %.3g, free %.0f MiB; measuring took %.0f us, "
            "gossip %llu sent / %llu received",
            pe_load, live, share, b.raw_speed, static_cast<double>(own.free_memory) / (1 << 20),
            static_cast<double>(wall_ns() - wall) / 1e3,
            static_cast<unsigned long long>(gossip_messages_sent()),
            static_cast<unsigned long long>(gossip_messages_received()));
        balancer_log(2, line);
    }
}

void send_gossip() {
    if (npes() < 2) return;
    std::uniform_int_distribution<int> pick(0, npes() - 2);
    int peer = pick(b.rng);
    if (peer >= this_pe()) ++peer;
    gossip_count_sent();
    send_gossip_to(peer, gossip_message());
}

balance::Snapshot snapshot_for_this_pe() {
    balance::Snapshot s;
    s.pes = pe_figures();
    for (int i = 0; i < world_size(); ++i) {
        Rank* r = local_rank(i);
        if (!r || r->state == RankState::done) continue;
        s.ranks.push_back(rank_figures(i));
    }
    // Every other PE's ranks as one block that this PE cannot move (they are that PE's to move).
    std::vector<PeEntry> table = gossip_table();
    for (const balance::PeFigures& p : s.pes) {
        if (p.pe == this_pe()) continue;
        balance::RankFigures block;
        block.rank = world_size() + p.pe;
        block.pe = p.pe;
        block.cpu_load = table[static_cast<std::size_t>(p.pe)].figures.load;
        block.since_move_s = 0;
        s.ranks.push_back(block);
    }
    return s;
}

void balance_now() {
    balance::Snapshot s = snapshot_for_this_pe();
    balance::Params params = balancer_params();
    // Each PE decides alone, on its own fresh figures and the others' gossiped ones, which lag and
    // swing with the program's phases: ask for more imbalance than the collective plan does.
    params.tolerance = 0.12;
    // The last round ran out of moves before it settled: this one goes on from where it stopped,
    // without asking for the trigger's imbalance again.
    if (b.settling) params.tolerance = params.settle;
    balance::Plan plan = balance::plan(
        s, params, b.config.mode == BalanceMode::greedy ? balance::Policy::greedy : balance::Policy::refine);
    if (!plan.ok()) {
        balancer_log(1, "balancer: no plan: " + plan.error);
        return;
    }
    // With balancing off, a drained PE still empties itself (the operator's order), nothing more.
    if (b.config.mode == BalanceMode::off)
        std::erase_if(plan.moves, [](const balance::Move& m) { return m.kind != balance::MoveKind::drain; });
    // A PE that took in ranks lately sends none away for load until they have settled in: their
    // sender may not be done, and the figures (this PE's share of its core, the sender's gossip)
    // still swing with the move. Without this, two PEs on a noisy machine handed ranks back and
    // forth (scenario 1 of bench/balance.sh: ranks 0-2 went PE 0 -> 1 -> 0 within 2 s).
    bool took_in_lately = std::any_of(s.ranks.begin(), s.ranks.end(), [&](const balance::RankFigures& r) {
        return r.rank < world_size() && r.since_move_s < params.min_residence_s;
    });
    if (took_in_lately)
        std::erase_if(plan.moves,
                      [](const balance::Move& m) { return m.kind == balance::MoveKind::balance; });
    bool wants = std::any_of(plan.moves.begin(), plan.moves.end(),
                             [](const balance::Move& m) { return m.from_pe == this_pe(); });
    bool drains = std::any_of(plan.moves.begin(), plan.moves.end(), [](const balance::Move& m) {
        return m.from_pe == this_pe() && m.kind == balance::MoveKind::drain;
    });
    // Act only on an imbalance seen in two decisions in a row: one noisy period moves nothing.
    // A drain is an order, not a measurement: at once.
    bool act = wants && (b.wanted_before || drains || b.settling);
    b.wanted_before = wants && !act;
    b.settling = false;
    if (!act) return;
    int moves = 0;
    // One rank per PE: only to a PE the gossip says is empty (the destination has the last word).
    std::vector<PeEntry> table = gossip_table();
    for (const balance::Move& m : plan.moves) {
        if (m.from_pe != this_pe() || m.rank >= world_size() || !local_rank(m.rank)) continue;
        if (rank_per_pe() && table[static_cast<std::size_t>(m.to_pe)].figures.ranks > 0) continue;
        request_migration(m.rank, m.to_pe);
        ++moves;
        balancer_log(1, "balancer: rank " + std::to_string(m.rank) + " PE " + std::to_string(m.from_pe) +
                            " -> PE " + std::to_string(m.to_pe) + ": " + m.reason);
    }
    // Let the moves land and the gossip catch up before judging again.
    if (moves) b.next_balance += ticks_after(2 * b.config.period_s);
    b.settling = moves >= params.max_moves;
}

}  // namespace

BalancerConfig balancer_config_from_environment() {
    BalancerConfig c;
    if (const char* m = std::getenv("MOSIX_LB")) {
        if (std::strcmp(m, "off") == 0)
            c.mode = BalanceMode::off;
        else if (std::strcmp(m, "greedy") == 0)
            c.mode = BalanceMode::greedy;
        else if (std::strcmp(m, "refine") == 0)
            c.mode = BalanceMode::refine;
        else
            bad_setting("MOSIX_LB", m, "off, greedy or refine");
    }
    c.period_s = read_seconds("MOSIX_LB_PERIOD", 1.0);
    c.gossip_period_s = read_seconds("MOSIX_GOSSIP_PERIOD", c.period_s / 2);
    c.memory_low = read_bytes("MOSIX_LB_MEMORY_LOW", c.memory_low);
    if (const char* v = std::getenv("MOSIX_VERBOSE")) c.verbose = std::atoi(v);
    return c;
}

void balancer_start(const BalancerConfig& config) {
    b.config = config;
    b.running = npes() > 1;
    gossip_start(npes(), this_pe());
    if (!b.running) return;
    auto n = static_cast<std::size_t>(world_size());
    b.last_ticks.assign(n, 0);
    b.load.assign(n, 0);
    b.measured.assign(n, 0);
    b.rng.seed(static_cast<unsigned>(this_pe()) * 7919u + 17u);
    b.raw_speed = calibrate_pe_speed();
    b.share_estimate = 1;
    b.share_samples = 0;
    b.contended = false;
    b.wanted_before = false;
    b.settling = false;
    b.last_slept = pe_slept_ns();
    cpu_set_t allowed;
    b.cpu =
        sched_getaffinity(0, sizeof allowed, &allowed) == 0 && CPU_COUNT(&allowed) == 1 ? sched_getcpu() : -1;
    b.last_core_busy = b.cpu >= 0 ? core_busy_ns(b.cpu).value_or(0) : 0;
    b.last_tsc = __rdtsc();
    b.last_wall = wall_ns();
    b.last_cpu = thread_cpu_ns();
    b.measured_at = seconds(b.last_wall);
    b.next_gossip = b.last_tsc + ticks_after(config.gossip_period_s);
    b.next_balance = b.last_tsc + ticks_after(config.period_s);
}

void balancer_tick(std::uint64_t now) noexcept {
    if (!b.running || now < b.next_gossip) return;
    measure(now);
    send_gossip();
    b.next_gossip = now + ticks_after(b.config.gossip_period_s);
    if ((b.config.mode != BalanceMode::off || pe_drained()) && now >= b.next_balance &&
        migration_supported()) {
        b.next_balance = now + ticks_after(b.config.period_s);
        balance_now();
    }
}

balance::RankFigures rank_figures(int rank) {
    balance::RankFigures f;
    f.rank = rank;
    f.pe = this_pe();
    if (static_cast<std::size_t>(rank) < b.load.size()) f.cpu_load = b.load[static_cast<std::size_t>(rank)];
    f.memory_bytes = rank_memory(rank);
    const Rank* r = rank_control_block(rank);
    f.since_move_s = since_move(r, seconds(wall_ns()));
    for (int i = 0; i < RankTraffic::kSlots && i < static_cast<int>(f.traffic.size()); ++i)
        if (int peer = r->traffic.peer[i]; peer >= 0 && peer < world_size())
            f.traffic[static_cast<std::size_t>(i)] = {peer, pe_of(peer),
                                                      static_cast<double>(r->traffic.bytes[i])};
    return f;
}

std::vector<balance::PeFigures> pe_figures() {
    std::vector<PeEntry> table = gossip_table();
    // PEs of one host run on the same kind of core: give them one speed (the calibration's noise
    // would otherwise look like an imbalance).
    std::vector<double> host_speed(static_cast<std::size_t>(std::max(1, host_count())), 0);
    for (const PeEntry& e : table)
        if (e.known) {
            double& s = host_speed[static_cast<std::size_t>(e.figures.host)];
            s = std::max(s, static_cast<double>(e.figures.speed));
        }
    std::vector<balance::PeFigures> out;
    for (std::size_t pe = 0; pe < table.size(); ++pe) {
        const PeEntry& e = table[pe];
        if (!e.known) continue;
        balance::PeFigures f;
        f.pe = static_cast<int>(pe);
        f.host = e.figures.host;
        f.cpu_share = std::clamp(static_cast<double>(e.figures.share), 0.05, 1.0);
        f.speed = host_speed[static_cast<std::size_t>(f.host)] * f.cpu_share;
        f.host_free_bytes = e.figures.free_memory;
        f.accepts_ranks = !(e.figures.flags & PeFigures::kDrained);
        f.age_s = e.age_s;
        out.push_back(f);
    }
    return out;
}

const BalancerConfig& balancer_config() noexcept { return b.config; }

bool core_contended() noexcept { return b.contended; }

balance::Params balancer_params() {
    balance::Params p;
    p.horizon_s = std::max(5.0, 5 * b.config.period_s);
    p.min_residence_s = 6 * b.config.period_s;
    p.memory_watermark_bytes = b.config.memory_low;
    p.max_figure_age_s = std::max(2.0, 6 * b.config.gossip_period_s);
    return p;
}

void balancer_log(int level, const std::string& line) {
    if (b.config.verbose < level) return;
    std::fprintf(stderr, "mosix: PE %d: %s\n", this_pe(), line.c_str());
}

}  // namespace mosix::rt
