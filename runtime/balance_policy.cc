// balance_policy.cc — see balance_policy.hpp for the model and the rules.
//
// Determinism: every loop runs over PEs sorted by index and ranks sorted by id, every choice has a
// complete tie-break, and no floating-point result depends on the order of the caller's vectors.
#include "runtime/balance_policy.hpp"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <map>
#include <numeric>
#include <optional>
#include <set>
#include <utility>

namespace mosix::rt::balance {
namespace {

// Relative slack for comparing predicted times: sums of the same figures taken in a different
// order differ in the last bits, and such a difference must never decide a move.
constexpr double kEps = 1e-9;
// Refine: moves whose gain is within this fraction of the best one's are equally good, and the
// rank's traffic decides among them (see balance_refine). Half: beside a CPU hog the measured
// loads of a stencil's equal ranks spread over 1.5x from one period to the next.
constexpr double kNearGain = 0.5;

bool same(double a, double b) { return std::abs(a - b) <= kEps * std::max({1.0, std::abs(a), std::abs(b)}); }

std::string format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
std::string format(const char* fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return buf;
}

std::string bytes_text(std::uint64_t b) {
    double v = static_cast<double>(b);
    if (b >= (std::uint64_t{1} << 30)) return format("%.1f GiB", v / (1 << 30));
    if (b >= (std::uint64_t{1} << 20)) return format("%.0f MiB", v / (1 << 20));
    return format("%.0f KiB", v / (1 << 10));
}

// free - taken, stopping at 0; and free + given, stopping at the top.
std::uint64_t minus(std::uint64_t free, std::uint64_t taken) { return free > taken ? free - taken : 0; }
std::uint64_t plus(std::uint64_t free, std::uint64_t given) {
    return free > UINT64_MAX - given ? UINT64_MAX : free + given;
}

// Work units per CPU-second of a PE's core (PeFigures::cpu_share).
double raw_speed(const PeFigures& pe) { return pe.speed / pe.cpu_share; }

// The working state of one planning round. PEs and ranks are addressed by their position in the
// sorted copies, never by the caller's indices.
class Round {
public:
    Round(const Snapshot& s, const Params& p) : params_(p), pes_(s.pes), ranks_(s.ranks) {
        std::sort(pes_.begin(), pes_.end(), [](auto& a, auto& b) { return a.pe < b.pe; });
        std::sort(ranks_.begin(), ranks_.end(), [](auto& a, auto& b) { return a.rank < b.rank; });
        for (std::size_t i = 0; i < pes_.size(); ++i) pos_of_pe_[pes_[i].pe] = i;
        for (std::size_t r = 0; r < ranks_.size(); ++r) pos_of_rank_[ranks_[r].rank] = r;
        fresh_.resize(pes_.size());
        for (std::size_t i = 0; i < pes_.size(); ++i) fresh_[i] = !(pes_[i].age_s > p.max_figure_age_s);
        at_.resize(ranks_.size());
        work_.resize(ranks_.size());
        assigned_.assign(pes_.size(), 0.0);
        moved_.assign(ranks_.size(), false);
        for (std::size_t r = 0; r < ranks_.size(); ++r) {
            at_[r] = pos_of_pe_.at(ranks_[r].pe);
            work_[r] = ranks_[r].cpu_load * raw_speed(pes_[at_[r]]);
            assigned_[at_[r]] += work_[r];
        }
        // A host's free memory is what its freshest PE saw (the lowest figure on a tie, to be on
        // the safe side); a host with no fresh PE is unknown: neither starved nor a destination.
        std::map<int, std::pair<double, std::uint64_t>> seen;
        for (std::size_t i = 0; i < pes_.size(); ++i) {
            if (!fresh_[i]) continue;
            auto key = std::make_pair(pes_[i].age_s, pes_[i].host_free_bytes);
            auto [it, inserted] = seen.emplace(pes_[i].host, key);
            if (!inserted && key < it->second) it->second = key;
        }
        for (auto& [host, figures] : seen) host_free_[host] = figures.second;
        makespan_before_ = makespan();
        ideal_before_ = ideal(true);
    }

    void relieve_memory_pressure();
    void empty_drained_pes();
    void balance_greedy();
    void balance_refine();

    Plan result() {
        Plan plan;
        plan.moves = std::move(moves_);
        plan.makespan_before = makespan_before_;
        plan.makespan_after = makespan();
        plan.ideal = ideal_before_;
        plan.notes = std::move(notes_);
        return plan;
    }

    double makespan() const {
        double m = 0.0;
        for (std::size_t i = 0; i < pes_.size(); ++i)
            if (fresh_[i]) m = std::max(m, time_of(i));
        return m;
    }

    double ideal_before() const { return ideal_before_; }

    // Total work over total speed of the PEs that may take ranks, raised to what the largest
    // rank, or the ranks that cannot move, need on their own: no placement beats that. Before the
    // drains are planned (drains_pending), ranks on drained PEs count as able to move: they will
    // try to leave; afterwards those still there could not.
    double ideal(bool drains_pending = false) const {
        double work = 0.0, speed = 0.0, fastest = 0.0;
        for (std::size_t i = 0; i < pes_.size(); ++i) {
            if (!open(i)) continue;
            speed += pes_[i].speed;
            fastest = std::max(fastest, pes_[i].speed);
        }
        if (speed <= 0.0) return 0.0;
        double bound = 0.0;
        std::vector<double> pinned(pes_.size(), 0.0);
        for (std::size_t r = 0; r < ranks_.size(); ++r) {
            if (!fresh_[at_[r]]) continue;
            work += work_[r];
            bool leaving = drains_pending && !pes_[at_[r]].accepts_ranks && !moved_[r];
            if (movable(r) || leaving)
                bound = std::max(bound, work_[r] / fastest);
            else
                pinned[at_[r]] += work_[r];
        }
        for (std::size_t i = 0; i < pes_.size(); ++i)
            if (fresh_[i]) bound = std::max(bound, pinned[i] / pes_[i].speed);
        return std::max(work / speed, bound);
    }

private:
    bool open(std::size_t pe) const { return fresh_[pe] && pes_[pe].accepts_ranks; }
    double time_of(std::size_t pe) const { return assigned_[pe] / pes_[pe].speed; }
    int host(std::size_t pe) const { return pes_[pe].host; }
    bool recent(std::size_t r) const { return ranks_[r].since_move_s < params_.min_residence_s; }
    // May the rank move for load or memory this round?
    bool movable(std::size_t r) const { return !moved_[r] && !recent(r) && open(at_[r]); }
    int budget() const { return params_.max_moves - static_cast<int>(moves_.size()); }

    // True if `bytes` more on `to_host` keeps it above the watermark (free memory known).
    bool room(const std::map<int, std::uint64_t>& free, int to_host, std::uint64_t bytes) const {
        auto it = free.find(to_host);
        if (it == free.end()) return false;
        std::uint64_t mark = params_.memory_watermark_bytes;
        return it->second > mark && it->second - mark > bytes;
    }
    // May rank r go to PE q memory-wise? Within one host nothing changes.
    bool fits(const std::map<int, std::uint64_t>& free, std::size_t r, std::size_t q) const {
        return host(q) == host(at_[r]) || room(free, host(q), ranks_[r].memory_bytes);
    }
    // Bytes rank r sent lately to ranks on PE q (index into pes_), each peer where the plan has
    // it now: a peer in this snapshot at its planned PE, any other at the PE it was seen on.
    double bytes_to(std::size_t r, std::size_t q) const {
        double n = 0.0;
        for (const RankFigures::Peer& t : ranks_[r].traffic) {
            if (t.rank < 0) continue;
            auto planned = pos_of_rank_.find(t.rank);
            bool there = planned != pos_of_rank_.end() ? at_[planned->second] == q : t.pe == pes_[q].pe;
            if (there) n += t.bytes;
        }
        return n;
    }
    double cost(std::size_t r, std::size_t q) const {
        return params_.cost.seconds(ranks_[r].memory_bytes, host(q) == host(at_[r]));
    }

    // The open PE that finishes rank r soonest and has room for it; ties go to r's own host
    // (a cheaper move, and it keeps neighbours on one host), then to the host with more free
    // memory, then to the lower index. nullopt if none.
    std::optional<std::size_t> soonest(std::size_t r) const {
        std::optional<std::size_t> best;
        double best_f = 0.0;
        auto preferred = [&](std::size_t a, std::size_t b) {  // a over b, at equal finish times
            bool a_home = host(a) == host(at_[r]), b_home = host(b) == host(at_[r]);
            if (a_home != b_home) return a_home;
            auto fa = host_free_.find(host(a)), fb = host_free_.find(host(b));
            std::uint64_t va = fa == host_free_.end() ? 0 : fa->second;
            std::uint64_t vb = fb == host_free_.end() ? 0 : fb->second;
            if (va != vb) return va > vb;
            return a < b;
        };
        for (std::size_t q = 0; q < pes_.size(); ++q) {
            if (q == at_[r] || !open(q) || !fits(host_free_, r, q)) continue;
            double f = (assigned_[q] + work_[r]) / pes_[q].speed;
            if (!best || f < best_f * (1 - kEps) || (f <= best_f * (1 + kEps) && preferred(q, *best))) {
                best = q;
                best_f = f;
            }
        }
        return best;
    }

    void move(std::size_t r, std::size_t q, MoveKind kind, std::string reason) {
        std::size_t p = at_[r];
        if (host(p) != host(q)) {
            std::uint64_t bytes = ranks_[r].memory_bytes;
            if (auto it = host_free_.find(host(p)); it != host_free_.end())
                it->second = plus(it->second, bytes);
            if (auto it = host_free_.find(host(q)); it != host_free_.end())
                it->second = minus(it->second, bytes);
        }
        moves_.push_back(Move{ranks_[r].rank, pes_[p].pe, pes_[q].pe, kind, cost(r, q), std::move(reason)});
        assigned_[p] -= work_[r];
        assigned_[q] += work_[r];
        at_[r] = q;
        moved_[r] = true;
    }

    std::string pe_text(std::size_t pe) const {
        return format("PE %d time %.2f (work %.2f, speed %.2f)", pes_[pe].pe, time_of(pe), assigned_[pe],
                      pes_[pe].speed);
    }

    // Applies a target placement of the ranks (from the greedy pass) if it is worth it; false if
    // not, with nothing changed.
    bool take_target(const std::vector<std::size_t>& target, const std::vector<std::size_t>& order);

    const Params& params_;
    std::vector<PeFigures> pes_;
    std::vector<RankFigures> ranks_;
    std::map<int, std::size_t> pos_of_pe_;
    std::map<int, std::size_t> pos_of_rank_;
    std::vector<bool> fresh_;
    std::vector<std::size_t> at_;             // rank -> PE position, as moves are planned
    std::vector<double> work_;                // rank -> work units per second (fixed)
    std::vector<double> assigned_;            // PE position -> work on it, as moves are planned
    std::vector<bool> moved_;                 // rank moved in this round
    std::map<int, std::uint64_t> host_free_;  // host -> free bytes, as moves are planned
    std::vector<Move> moves_;
    std::vector<std::string> notes_;
    double makespan_before_ = 0.0;
    double ideal_before_ = 0.0;
};

void Round::relieve_memory_pressure() {
    std::uint64_t mark = params_.memory_watermark_bytes;
    // Most starved host first: it is the closest to running out.
    std::vector<std::pair<std::uint64_t, int>> starved;  // (free, host)
    for (auto& [h, free] : host_free_)
        if (free < mark) starved.emplace_back(free, h);
    std::sort(starved.begin(), starved.end());
    for (auto& [free_then, h] : starved) {
        // Largest first: fewest moves to get back above the mark.
        std::vector<std::size_t> order;
        for (std::size_t r = 0; r < ranks_.size(); ++r)
            if (host(at_[r]) == h && !moved_[r] && !recent(r) && fresh_[at_[r]]) order.push_back(r);
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            return ranks_[a].memory_bytes > ranks_[b].memory_bytes;
        });
        for (std::size_t r : order) {
            if (host_free_[h] >= mark || budget() <= 0) break;
            // Only another host helps, and only one that stays above the mark after taking the
            // rank; among those, the PE that finishes the rank's work soonest.
            std::optional<std::size_t> best;
            double best_f = 0.0;
            for (std::size_t q = 0; q < pes_.size(); ++q) {
                if (host(q) == h || !open(q) || !room(host_free_, host(q), ranks_[r].memory_bytes)) continue;
                double f = (assigned_[q] + work_[r]) / pes_[q].speed;
                bool better = !best || f < best_f * (1 - kEps) ||
                              (f <= best_f * (1 + kEps) && host_free_[host(q)] > host_free_[host(*best)]);
                if (better) best = q, best_f = f;
            }
            if (!best) continue;  // too big for every other host: a smaller one may fit
            std::uint64_t had = host_free_[h], target_had = host_free_[host(*best)];
            std::uint64_t bytes = ranks_[r].memory_bytes;
            move(
                r, *best, MoveKind::memory,
                format(
                    "host %d free memory %s < %s watermark: rank %d (%s) to PE %d on host %d (free %s -> %s)",
                    h, bytes_text(had).c_str(), bytes_text(mark).c_str(), ranks_[r].rank,
                    bytes_text(bytes).c_str(), pes_[*best].pe, host(*best), bytes_text(target_had).c_str(),
                    bytes_text(minus(target_had, bytes)).c_str()));
        }
        if (host_free_[h] < mark)
            notes_.push_back(
                format("host %d free memory %s still < %s watermark: %s", h,
                       bytes_text(host_free_[h]).c_str(), bytes_text(mark).c_str(),
                       budget() <= 0 ? "move limit reached" : "no other host has room for its ranks"));
    }
}

void Round::empty_drained_pes() {
    // Longest work first, each where it finishes soonest: the LPT rule, so a drain does not
    // create the next imbalance. Recent movers leave too (the drain is an order, and a drained PE
    // takes nothing back, so there is no ping-pong to fear).
    std::vector<std::size_t> order;
    for (std::size_t r = 0; r < ranks_.size(); ++r)
        if (!pes_[at_[r]].accepts_ranks && !moved_[r]) order.push_back(r);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return work_[a] > work_[b]; });
    std::size_t waiting = 0;
    for (std::size_t r : order) {
        std::size_t p = at_[r];
        if (budget() <= 0) {
            ++waiting;
            continue;
        }
        std::optional<std::size_t> q = soonest(r);
        if (!q) {
            notes_.push_back(format("rank %d stays on drained PE %d: no open PE has room for %s",
                                    ranks_[r].rank, pes_[p].pe, bytes_text(ranks_[r].memory_bytes).c_str()));
            continue;
        }
        std::string before = pe_text(*q);
        move(r, *q, MoveKind::drain, "");
        moves_.back().reason = format("PE %d is drained: rank %d (work %.2f) to %s -> time %.2f", pes_[p].pe,
                                      ranks_[r].rank, work_[r], before.c_str(), time_of(*q));
    }
    if (waiting) notes_.push_back(format("%zu ranks wait on drained PEs: move limit reached", waiting));
}

void Round::balance_greedy() {
    if (budget() <= 0) return;
    double m = makespan(), ideal_t = ideal();
    if (ideal_t <= 0.0 || m <= ideal_t * (1 + params_.tolerance) * (1 + kEps))
        return;  // nowhere to go, or balanced

    // Pass 1, stay. A PE already within tolerance of the ideal keeps all its ranks: for them the
    // current PE is a near-tie with the best one, and near-ties go to the current PE. A PE above
    // that keeps its largest ranks up to the ideal (the fewest, cheapest ranks leave) and puts the
    // rest in the pool. Ranks that may not move stay wherever they are. So a balanced job keeps
    // every rank where it is, and ranks that share a PE (neighbours, by the initial placement)
    // mostly stay together.
    std::vector<double> load(pes_.size(), 0.0);
    std::vector<std::size_t> target = at_, pool;
    std::vector<std::size_t> by_work(ranks_.size());
    std::iota(by_work.begin(), by_work.end(), std::size_t{0});
    std::stable_sort(by_work.begin(), by_work.end(),
                     [&](std::size_t a, std::size_t b) { return work_[a] > work_[b]; });
    for (std::size_t r : by_work)
        if (!movable(r)) load[at_[r]] += work_[r];
    double near = ideal_t * (1 + params_.tolerance) * (1 + kEps), cap = ideal_t * (1 + kEps);
    for (std::size_t r : by_work) {
        if (!movable(r)) continue;
        std::size_t p = at_[r];
        if (time_of(p) <= near || (load[p] + work_[r]) / pes_[p].speed <= cap)
            load[p] += work_[r];
        else
            pool.push_back(r);
    }
    // Pass 2, place: the pool, longest first, each on the PE that finishes it soonest (speed
    // counted); at equal times its own PE, then its own host. Host memory is tracked as ranks leave
    // and arrive so no host is planned below the watermark.
    std::map<int, std::uint64_t> free = host_free_;
    for (std::size_t r : pool) {
        std::size_t p = at_[r], best = p;
        double best_f = (load[p] + work_[r]) / pes_[p].speed;
        for (std::size_t q = 0; q < pes_.size(); ++q) {
            if (q == p || !open(q) || !fits(free, r, q)) continue;
            double f = (load[q] + work_[r]) / pes_[q].speed;
            bool same_host_tie = f <= best_f * (1 + kEps) && host(q) == host(p) && host(best) != host(p);
            if (f < best_f * (1 - kEps) || same_host_tie) best = q, best_f = f;
        }
        load[best] += work_[r];
        target[r] = best;
        if (host(best) != host(p)) {
            free[host(p)] = plus(free[host(p)], ranks_[r].memory_bytes);
            free[host(best)] = minus(free[host(best)], ranks_[r].memory_bytes);
        }
    }
    if (!take_target(target, pool)) balance_refine();
}

bool Round::take_target(const std::vector<std::size_t>& target, const std::vector<std::size_t>& order) {
    double m = makespan(), ideal_t = ideal();
    std::vector<std::size_t> movers;
    double total_cost = 0.0;
    std::vector<double> load = assigned_;
    for (std::size_t r : order) {
        if (target[r] == at_[r]) continue;
        movers.push_back(r);
        total_cost += cost(r, target[r]);
        load[at_[r]] -= work_[r];
        load[target[r]] += work_[r];
    }
    if (movers.empty()) return true;
    double after = 0.0;
    for (std::size_t i = 0; i < pes_.size(); ++i)
        if (fresh_[i]) after = std::max(after, load[i] / pes_[i].speed);
    double saved = params_.horizon_s * (1 - after / m);
    const char* why = nullptr;
    if (static_cast<int>(movers.size()) > budget())
        why = "needs more moves than the round allows";
    else if (after >= m * (1 - kEps))
        why = "does not improve the makespan";
    else if (saved <= total_cost)
        why = "does not pay for itself";
    if (why) {
        notes_.push_back(
            format("full rebalance (%zu moves, makespan %.2f -> %.2f, saves %.3g s over %.3g s, costs "
                   "%.3g s) %s: refining instead",
                   movers.size(), m, after, saved, params_.horizon_s, total_cost, why));
        return false;
    }
    // Reasons quote the PEs as they were before the rebalance: that is what the operator saw.
    std::vector<std::string> from_text(pes_.size());
    std::vector<double> time_then(pes_.size());
    for (std::size_t i = 0; i < pes_.size(); ++i) from_text[i] = pe_text(i), time_then[i] = time_of(i);
    for (std::size_t r : movers) {
        std::size_t p = at_[r], q = target[r];
        move(r, q, MoveKind::balance,
             format("%s vs PE %d time %.2f (speed %.2f): rank %d (work %.2f) moves; predicted makespan %.2f "
                    "-> %.2f "
                    "(ideal %.2f)",
                    from_text[p].c_str(), pes_[q].pe, time_then[q], pes_[q].speed, ranks_[r].rank, work_[r],
                    m, after, ideal_t));
    }
    return true;
}

void Round::balance_refine() {
    // Every move lowers the busiest PE's time and leaves the PE it goes to below that old time, so
    // the sorted list of PE times falls strictly with each move: no cycle, no A -> B -> A.
    for (double limit = params_.tolerance; budget() > 0; limit = params_.settle) {
        double m = makespan(), ideal_t = ideal();
        if (ideal_t <= 0.0 || m <= ideal_t * (1 + limit) * (1 + kEps)) return;
        std::size_t p = 0;
        bool found = false;
        for (std::size_t i = 0; i < pes_.size(); ++i)
            if (fresh_[i] && (!found || time_of(i) > time_of(p))) p = i, found = true;
        double tp = time_of(p);
        struct Choice {
            std::size_t r, q;
            double gain, newmax, locality;
        };
        std::vector<Choice> choices;
        for (std::size_t r = 0; r < ranks_.size(); ++r) {
            if (at_[r] != p || !movable(r)) continue;
            for (std::size_t q = 0; q < pes_.size(); ++q) {
                if (q == p || !open(q) || !fits(host_free_, r, q)) continue;
                double newmax = std::max((assigned_[p] - work_[r]) / pes_[p].speed,
                                         (assigned_[q] + work_[r]) / pes_[q].speed);
                if (newmax >= tp * (1 - kEps)) continue;
                // Time saved over the horizon by this PE no longer holding the job back, less what
                // the move costs: bigger ranks cost more, so at equal effect the smaller one goes.
                double gain = params_.horizon_s * (tp - newmax) / tp - cost(r, q);
                if (gain <= 0.0) continue;
                choices.push_back(Choice{r, q, gain, newmax, bytes_to(r, q) - bytes_to(r, p)});
            }
        }
        // Of the moves that help about as much as the best one (kNearGain), the rank that talks
        // most to where it goes and least to where it is; then the bigger gain; at equal effect
        // the smaller rank goes.
        const Choice* best = nullptr;
        double top = 0.0;
        for (const Choice& c : choices) top = std::max(top, c.gain);
        for (const Choice& c : choices) {
            if (c.gain < top * (1 - kNearGain)) continue;
            bool better =
                !best || (!same(c.locality, best->locality) && c.locality > best->locality) ||
                (same(c.locality, best->locality) &&
                 ((!same(c.gain, best->gain) && c.gain > best->gain) ||
                  (same(c.gain, best->gain) && ranks_[c.r].memory_bytes < ranks_[best->r].memory_bytes)));
            if (better) best = &c;
        }
        if (!best) {
            notes_.push_back(format(
                "makespan %.2f vs ideal %.2f: no move off PE %d both lowers its time and pays for itself", m,
                ideal_t, pes_[p].pe));
            return;
        }
        std::string from = pe_text(p);
        std::size_t r = best->r, q = best->q;
        double tq = time_of(q), cost_s = cost(r, q);
        auto there = static_cast<std::uint64_t>(bytes_to(r, q)),
             here = static_cast<std::uint64_t>(bytes_to(r, p));
        move(r, q, MoveKind::balance, "");
        moves_.back().reason = format(
            "%s vs PE %d time %.2f (speed %.2f): rank %d (work %.2f) moves; predicted makespan %.2f -> %.2f "
            "(ideal %.2f), saves %.3g s over %.3g s, costs %.3g s; it sent %s to ranks there, %s to ranks "
            "here",
            from.c_str(), pes_[q].pe, tq, pes_[q].speed, ranks_[r].rank, work_[r], m, makespan(), ideal_t,
            best->gain + cost_s, params_.horizon_s, cost_s, bytes_text(there).c_str(),
            bytes_text(here).c_str());
    }
}

bool bad(double v) { return std::isnan(v); }

}  // namespace

std::string validate(const Snapshot& s, const Params& p) {
    if (bad(p.tolerance) || p.tolerance < 0 || std::isinf(p.tolerance))
        return "tolerance must be a finite number >= 0";
    if (bad(p.settle) || p.settle < 0 || p.settle > p.tolerance)
        return "settle must be between 0 and the tolerance";
    if (bad(p.cost.latency_s) || p.cost.latency_s < 0 || std::isinf(p.cost.latency_s))
        return "migration latency must be a finite number >= 0";
    if (!(p.cost.same_host_bytes_per_s > 0) || !(p.cost.other_host_bytes_per_s > 0))
        return "migration bandwidths must be > 0";
    if (!(p.horizon_s >= 0) || std::isinf(p.horizon_s)) return "horizon must be a finite number >= 0";
    if (!(p.min_residence_s >= 0)) return "min_residence_s must be >= 0";
    if (p.max_moves < 0) return "max_moves must be >= 0";
    if (!(p.max_figure_age_s >= 0)) return "max_figure_age_s must be >= 0";
    std::set<int> pes, ranks;
    for (auto& pe : s.pes) {
        if (!pes.insert(pe.pe).second) return format("PE %d listed twice", pe.pe);
        if (!(pe.age_s >= 0)) return format("PE %d: age must be >= 0", pe.pe);
        bool fresh = !(pe.age_s > p.max_figure_age_s);
        if (bad(pe.speed) || std::isinf(pe.speed) || pe.speed < 0 || (fresh && pe.speed == 0))
            return format("PE %d: speed must be a finite number > 0", pe.pe);
        if (!(pe.cpu_share > 0 && pe.cpu_share <= 1))
            return format("PE %d: cpu_share must be in (0, 1]", pe.pe);
    }
    for (auto& r : s.ranks) {
        if (!ranks.insert(r.rank).second) return format("rank %d listed twice", r.rank);
        if (!pes.count(r.pe)) return format("rank %d is on PE %d, which is not listed", r.rank, r.pe);
        if (bad(r.cpu_load) || std::isinf(r.cpu_load) || r.cpu_load < 0)
            return format("rank %d: cpu_load must be a finite number >= 0", r.rank);
        if (!(r.since_move_s >= 0)) return format("rank %d: since_move_s must be >= 0", r.rank);
        for (const RankFigures::Peer& t : r.traffic)
            if (bad(t.bytes) || std::isinf(t.bytes) || t.bytes < 0)
                return format("rank %d: traffic bytes must be a finite number >= 0", r.rank);
    }
    return "";
}

Plan plan(const Snapshot& snapshot, const Params& params, Policy policy) {
    if (std::string error = validate(snapshot, params); !error.empty()) {
        Plan refused;
        refused.error = std::move(error);
        return refused;
    }
    Round round(snapshot, params);
    round.relieve_memory_pressure();
    round.empty_drained_pes();
    if (policy == Policy::greedy)
        round.balance_greedy();
    else
        round.balance_refine();
    return round.result();
}

Snapshot apply(const Snapshot& snapshot, const Plan& plan) {
    Snapshot out = snapshot;
    std::map<int, const PeFigures*> pe;
    for (auto& f : snapshot.pes) pe.emplace(f.pe, &f);
    std::map<int, RankFigures*> rank;
    for (auto& r : out.ranks) rank.emplace(r.rank, &r);
    for (const Move& m : plan.moves) {
        auto r = rank.find(m.rank);
        auto from = pe.find(m.from_pe), to = pe.find(m.to_pe);
        if (r == rank.end() || from == pe.end() || to == pe.end() || r->second->pe != m.from_pe) continue;
        RankFigures& f = *r->second;
        if (to->second->speed > 0) f.cpu_load *= raw_speed(*from->second) / raw_speed(*to->second);
        f.pe = m.to_pe;
        f.since_move_s = 0.0;
        int from_host = from->second->host, to_host = to->second->host;
        if (from_host == to_host) continue;
        for (auto& x : out.pes) {
            if (x.host == from_host) x.host_free_bytes = plus(x.host_free_bytes, f.memory_bytes);
            if (x.host == to_host) x.host_free_bytes = minus(x.host_free_bytes, f.memory_bytes);
        }
    }
    return out;
}

double predicted_makespan(const Snapshot& snapshot, const Params& params) {
    if (!validate(snapshot, params).empty()) return 0.0;
    return Round(snapshot, params).makespan();
}

double ideal_time(const Snapshot& snapshot, const Params& params) {
    if (!validate(snapshot, params).empty()) return 0.0;
    return Round(snapshot, params).ideal_before();
}

}  // namespace mosix::rt::balance
