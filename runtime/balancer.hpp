// balancer.hpp — automatic load balancing while a job runs: each PE measures itself, gossips, and
// moves its own ranks to faster, idler or roomier PEs (DESIGN.md, "Load balancing and resource
// discovery"). The decisions are balance_policy.hpp's; this file turns measurements into its
// snapshot and its moves into migration requests, on a period, without any user call.
//
// Per PE, every gossip period: thread CPU time and wall time give the share of its core the PE got
// (a core shared with another program counts as slower), the ranks' time-stamp-counter ticks
// (counted at every switch by the scheduler) give each rank's CPU load, and the host's (or cgroup's)
// available memory is read; the figures go into the gossip table and to one random peer. Every
// balance period, the PE plans with its own ranks in detail and every other PE's total load from
// the table, and asks its ranks that should leave to move (they do at their next library call).
// Each PE only moves its own ranks, so no PE waits for another to decide.
//
// Configuration (mosexec sets these from --lb, --lb-period, --gossip-period, -v):
//   MOSIX_LB=off|greedy|refine (default refine), MOSIX_LB_PERIOD=seconds (default 1),
//   MOSIX_GOSSIP_PERIOD=seconds (default: the balance period / 2), MOSIX_LB_MEMORY_LOW=bytes
//   (with K/M/G; default 512M: a host with less free moves ranks away), MOSIX_VERBOSE=0|1|2.
//
// Thread/PE safety: the PE's thread only, from the scheduler (tick) or a rank in the library.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "balance_policy.hpp"

namespace mosix::rt {

enum class BalanceMode { off, greedy, refine };

struct BalancerConfig {
    BalanceMode mode = BalanceMode::refine;
    double period_s = 1.0;
    double gossip_period_s = 0.5;
    std::uint64_t memory_low = std::uint64_t{512} << 20;
    int verbose = 0;
};

// Reads the configuration from the environment; a malformed value ends the job with a message.
BalancerConfig balancer_config_from_environment();

// Starts measuring for a job (at the start of each job, after the transport is up).
void balancer_start(const BalancerConfig& config);

// The scheduler's clock tick: `now` is a time-stamp-counter reading it already has. Returns at
// once unless a gossip or balance period has passed.
void balancer_tick(std::uint64_t now) noexcept;

// True while this PE shares its core with other programs (its share is clearly below one). The
// scheduler then sleeps as soon as it is idle instead of polling first: a spinning PE spends its
// turn on the core, the kernel then keeps it waiting behind the other program, and every PE that
// waits for one of its messages waits too; a sleeping one is woken at once when a message comes.
bool core_contended() noexcept;

// What the collective mosix_balance() needs from this PE: the calling rank's figures and this
// PE's view of every PE (its own measured now, the others from gossip). Deterministic planning on
// these (the same on every rank) is the library's job.
balance::RankFigures rank_figures(int rank);
std::vector<balance::PeFigures> pe_figures();
const BalancerConfig& balancer_config() noexcept;
balance::Params balancer_params();

// Writes one line to stderr if the verbose level is at least `level` ("mosix: PE n: ...").
void balancer_log(int level, const std::string& line);

}  // namespace mosix::rt
