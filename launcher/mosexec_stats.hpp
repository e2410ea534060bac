// mosexec_stats.hpp — what mosexec knows of its running job, for the operator: gathered from the
// statistics packets the PEs send up their control sockets (runtime/pe_stats.hpp), served live as
// JSON on the control socket (the "stats" request: mosmon, mosctl show) and, at the end, written
// as the run report (mosexec_run_report.hpp).
//
// The PE-level figures (load, speed, memory, ranks, message and migration totals) come from the
// gossip table that PE 0 sends at every gossip period, with each figure's age; what only a PE
// itself knows (its ranks' loads, its row of the traffic matrix, the migrations it made) comes in
// its own packet at the same period. mosexec never asks a PE for anything.
//
// JSON shapes (all keys always present; numbers are plain JSON numbers):
//   live():   {"job":{"pid","ranks","pes","program","uptime"}, "stale_after": seconds,
//              "hosts":[name...], "pes":[{"pe","known","age","stale","host","speed","share","load",
//              "ranks","free_memory","rank_memory","drained","sent_messages","sent_bytes",
//              "received_messages","received_bytes","migrations","migration_bytes",
//              "migration_seconds"}...], "ranks":[{"rank","pe","load","memory"}...],
//              "recent_migrations":[{"t","rank","from","to","bytes","seconds"}...] (newest last),
//              "migration_count", "traffic":{"messages":[[...]...],"bytes":[[...]...]}}  (row = sender)
//   report(): {"job":{...,"duration"}, "hosts", "pes":[{"pe","host"}], "timeline":{"t":[...],
//              "load":[[load of each PE at t]...], "ranks":[[...]...]}, "migrations":[...all...],
//              "migration_count", "traffic":{...}}
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace mosexec {

class JobStats {
public:
    JobStats(pid_t pid, long long nranks, long long npes, std::vector<std::string> program);
    ~JobStats();
    JobStats(const JobStats&) = delete;
    JobStats& operator=(const JobStats&) = delete;

    // One packet from PE `pe` (a malformed one is ignored: a PE must never break mosexec).
    void feed(long long pe, const std::string& packet);

    // The operator's drains, as mosexec sent them (the PEs' own flag follows in the gossip).
    void set_drained(long long pe, bool drained);
    bool drained(long long pe) const { return drained_.count(pe) != 0; }
    std::size_t drained_count() const { return drained_.size(); }

    // PEs of the host called `name` (from the gossip table's host names), by PE.
    std::vector<long long> pes_of_host(const std::string& name) const;

    std::string live() const;    // one line of JSON
    std::string report() const;  // the whole run, JSON

private:
    struct Data;
    std::unique_ptr<Data> d_;
    std::set<long long> drained_;
};

}  // namespace mosexec
