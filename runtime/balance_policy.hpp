// balance_policy.hpp — the load balancer's decisions: which ranks move where, and why.
//
// The runtime gathers figures (each PE's speed, its host's free memory, each rank's CPU use and
// memory; see DESIGN.md "Load balancing and resource discovery") into a Snapshot, and a policy
// turns it into a Plan: a short list of moves, each with a reason for the verbose log.
//
// Everything here is a pure function: no I/O, no clock, no globals, no randomness. The same
// snapshot and parameters give the same plan on every PE (the order of the input does not matter:
// PEs and ranks are sorted by index and id first), so at a collective balance point every PE can
// compute the plan itself and agree on it without another round of messages.
//
// The model. A rank's *work* is what it asks of a CPU, in work units per second: the CPU time it
// used per second times the raw speed of its core (work units per CPU-second). A PE's predicted
// *time* is the work assigned to it divided by its speed (what it delivers, its share of the core
// counted): how long it needs for what its ranks do in one second. The job goes at the pace of its
// slowest PE, so the policies minimise the *makespan*, the largest PE time; the *ideal* is total
// work over total speed (every PE equally busy), raised to what the biggest rank alone needs on the
// fastest PE when one rank is too big to share. A PE with half the speed gets half the work.
//
// Each round, in this order, every policy:
//  1. relieves memory pressure: a host whose free memory is below the watermark sends ranks away,
//     largest memory first, each to the PE that finishes its work soonest among those on hosts that
//     stay above the watermark after taking it, until the host is back at the watermark or no
//     rank fits anywhere (a host's free memory is the figure of its freshest PE);
//  2. empties drained PEs (they accept no ranks), longest work first, each to the open PE that
//     finishes it soonest;
//  3. balances load, with `Policy::greedy` (a full rebalance) or `Policy::refine` (a few moves),
//     only if the makespan is more than `tolerance` above the ideal and only with moves that pay
//     for themselves within the horizon.
// Rules that hold for every move: never onto a drained PE or one with stale figures; a rank moves
// at most once per round; a rank that moved less than `min_residence_s` ago stays (except off a
// drained PE: the operator's order, and it cannot come back); a move to another host never takes
// that host below the memory watermark; at most `max_moves` moves per round, forced ones first.
//
// Thread safety: the functions only read their arguments; call them from anywhere.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace mosix::rt::balance {

// What one PE reports of itself (through gossip, so possibly some time ago).
struct PeFigures {
    int pe = 0;    // PE index in the job
    int host = 0;  // index of the host it runs on; PEs of one host share its memory
    // Work units per second it can deliver now: the core's raw speed times the share of the core
    // this PE gets (a core shared with a CPU hog delivers about half). Must be > 0 unless stale.
    double speed = 1.0;
    // That share, in (0, 1] (CpuShare::share() in measure.hpp; 1 = a core of its own). Only used to
    // turn its ranks' CPU time into work: a CPU-second on this PE does speed / cpu_share work units.
    double cpu_share = 1.0;
    // Free memory of its host, in bytes, as this PE last saw it (available_memory() in measure.hpp).
    std::uint64_t host_free_bytes = 0;
    // False once the PE is drained (`mosctl drain`): it takes no ranks and its ranks leave.
    bool accepts_ranks = true;
    // Seconds since these figures were measured. Older than Params::max_figure_age_s, the PE is
    // ignored: nothing moves to it, its ranks stay (unless it is drained) and it counts neither in
    // the makespan nor in the ideal. Infinity means "never heard of".
    double age_s = 0.0;
};

// What the runtime knows of one rank.
struct RankFigures {
    int rank = 0;  // rank id, unique
    int pe = 0;    // the PE it is on (must be one of Snapshot::pes)
    // CPU-seconds per wall second it used over the last window on its current PE (its thread CPU
    // time). Its work is cpu_load × speed / cpu_share of that PE: on a core shared half with a hog,
    // a rank that could use it all shows 0.5 and is 0.5 × the raw speed of work.
    double cpu_load = 0.0;
    // Bytes a move copies (touched heap and stack): drives the move's cost and memory pressure.
    std::uint64_t memory_bytes = 0;
    // Seconds since it last moved; infinity if it never did.
    double since_move_s = std::numeric_limits<double>::infinity();
    // Bytes it sent lately to each of the ranks it talks to most (runtime/rank_traffic.hpp), with
    // the PE each peer was on (peer -1: an empty slot). A peer listed in the snapshot counts where
    // the plan puts it. Refine moves, of ranks whose moves help about as much, the one that talks
    // most to where it goes and least to where it is, so neighbours end up together.
    struct Peer {
        int rank = -1;
        int pe = -1;
        double bytes = 0;
    };
    std::array<Peer, 4> traffic{};
};

// The whole job as one PE sees it at a decision point.
struct Snapshot {
    std::vector<PeFigures> pes;
    std::vector<RankFigures> ranks;
};

// What a move costs: the rank stops for `seconds(bytes, same_host)` (and, in a job that
// synchronises, everyone waits for it). Defaults are rough figures for this machine's shared
// memory and veth links; the runtime should fill them from measurement (bench_migrate).
struct MigrationCost {
    double latency_s = 0.5e-3;            // fixed part: suspend, handshakes, resume
    double same_host_bytes_per_s = 4e9;   // copy between PEs of one host
    double other_host_bytes_per_s = 1e9;  // copy over the network

    double seconds(std::uint64_t bytes, bool same_host) const noexcept {
        return latency_s +
               static_cast<double>(bytes) / (same_host ? same_host_bytes_per_s : other_host_bytes_per_s);
    }
};

struct Params {
    // Balance only if the makespan is more than this fraction above the ideal (0.10 = 10%). Also
    // the slack that lets ranks stay put under the greedy policy: a PE whose time is within it of
    // the ideal keeps all its ranks.
    double tolerance = 0.10;
    // Once refine acts, it goes on until the makespan is within this fraction of the ideal (or no
    // move pays, or the round's moves run out): hysteresis with two thresholds. Stopping at the
    // trigger would leave a job that was clearly out of balance just inside it, up to `tolerance`
    // slower than it needs to be (a PE sharing its core with a CPU hog kept 23 of 64 ranks where
    // 21 was right); a balanced job is judged against `tolerance` again, so noise below it still
    // moves nothing. 0 <= settle <= tolerance.
    double settle = 0.03;
    MigrationCost cost;
    // The planning horizon, normally the balance period: a load move must save more time over it
    // than it costs. Greedy's rebalance as a whole, taking the makespan from M to M', saves
    // horizon × (1 − M'/M) against the sum of its moves' costs; a refine move, taking the busiest
    // PE's time from T to T' (and the receiving PE staying below T), saves horizon × (1 − T'/T).
    double horizon_s = 5.0;
    // Hysteresis: a rank that moved less than this long ago does not move for load or memory.
    double min_residence_s = 10.0;
    // A host whose free memory is below this sends ranks away, and no move may take a host below
    // it (bytes).
    std::uint64_t memory_watermark_bytes = std::uint64_t{512} << 20;
    // At most this many moves per round, forced ones (memory, drain) included; the rest waits for
    // the next round.
    int max_moves = 8;
    // Figures older than this (seconds) are ignored (see PeFigures::age_s).
    double max_figure_age_s = 5.0;
};

enum class Policy {
    // Full rebalance, for a job far out of balance or a balance point the program asked for.
    // A PE within tolerance of the ideal keeps all its ranks; one above it keeps its largest ranks
    // up to the ideal and puts the rest in a pool; the pool, longest work first (LPT), goes rank
    // by rank to the PE that finishes it soonest (speed counted; at equal times its own PE, then
    // its own host). Only the ranks whose PE changed move. A balanced job gives no moves, and
    // ranks that share a PE (neighbours, by the initial placement) mostly stay together.
    greedy,
    // Incremental, a few moves per round: take the PE with the highest predicted time, move the
    // rank and pick the destination whose move saves the most (time saved over the horizon less
    // the move's cost; of moves within a factor of two of the best, the rank that sends most to
    // ranks at the destination and least to ranks here, so a stencil's strips peel off at their
    // boundary instead of scattering; at equal effect the smaller rank goes) while the destination stays
    // below
    // the old time; start only above `tolerance`, then repeat until within `settle`, no move pays,
    // or max_moves.
    refine,
};

enum class MoveKind {
    memory,   // its host was below the memory watermark
    drain,    // its PE was drained
    balance,  // load balance
};

struct Move {
    int rank = 0;
    int from_pe = 0;
    int to_pe = 0;
    MoveKind kind = MoveKind::balance;
    double cost_s = 0.0;  // MigrationCost::seconds of the rank's memory
    // One line for the verbose log, e.g. "PE 0 time 2.00 (work 2.00, speed 1.00) vs PE 1 time
    // 0.50 (speed 1.00): rank 3 (work 0.25) moves; predicted makespan 2.00 -> 1.75 (ideal 1.25), ..."
    // or "host 0 free memory 100 MiB < 512 MiB watermark: rank 1 (300 MiB) to PE 2 on host 1 (free
    // 1.0 GiB -> 724 MiB)" or "PE 1 is drained: rank 4 (work 0.30) to PE 2 time ...".
    std::string reason;
};

struct Plan {
    std::vector<Move> moves;  // in the order to request them
    // Predicted times (see the model above) over the PEs whose figures are fresh.
    double makespan_before = 0.0;
    double makespan_after = 0.0;
    double ideal = 0.0;  // of the snapshot as given (ranks that may not move counted where they are)
    // Why something expected did not happen ("rank 4 stays on drained PE 2: no open PE has room
    // for 2.0 GiB", "full rebalance ... does not pay for itself: refining instead"), for the
    // verbose log.
    std::vector<std::string> notes;
    // Non-empty if the input was refused (then there are no moves): see validate().
    std::string error;

    bool ok() const noexcept { return error.empty(); }
};

// Checks the input: unique PE indices and rank ids, every rank on a listed PE, numbers finite
// and in range (ages and since_move_s may be infinite). Returns "" if usable, else what is wrong.
std::string validate(const Snapshot& snapshot, const Params& params);

// The plan for this round with the chosen policy (memory pressure and drains first, then load).
// Greedy falls back to refine when its full rebalance would need more than the moves left in the
// round, would not improve the makespan, or would not pay for itself.
Plan plan(const Snapshot& snapshot, const Params& params, Policy policy);

inline Plan plan_greedy(const Snapshot& snapshot, const Params& params) {
    return plan(snapshot, params, Policy::greedy);
}
inline Plan plan_refine(const Snapshot& snapshot, const Params& params) {
    return plan(snapshot, params, Policy::refine);
}

// The snapshot as it will be once the plan's moves are done: each moved rank on its new PE with
// the same work (cpu_load rescaled to the new PE's raw speed) and since_move_s = 0, host free memory
// shifted by the bytes moved between hosts. For predicting, logging and testing.
Snapshot apply(const Snapshot& snapshot, const Plan& plan);

// The predicted makespan and ideal of a snapshot as it stands (fresh PEs only; ranks that moved
// less than min_residence_s ago count as unable to move); 0 if the input is invalid.
double predicted_makespan(const Snapshot& snapshot, const Params& params);
double ideal_time(const Snapshot& snapshot, const Params& params);

}  // namespace mosix::rt::balance
