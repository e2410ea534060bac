// mosexec_stats.cc — the packets, kept and reshaped as JSON (nlohmann::json).
#include "mosexec_stats.hpp"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

namespace mosexec {

using nlohmann::json;

namespace {

double now_s() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// A long run keeps its whole timeline at half the resolution rather than only its end.
constexpr std::size_t kMaxSamples = 4000;
constexpr std::size_t kRecentMigrations = 20;

}  // namespace

struct JobStats::Data {
    pid_t pid;
    long long nranks, npes;
    std::vector<std::string> program;
    double started = now_s();
    double ended = 0;  // when the last PE's final packet came; 0 while running

    json table = json::array();  // PE 0's gossip table: one object per PE
    json hosts = json::array();
    double table_at = 0;  // our clock when it came
    double stale_after = 2;
    std::vector<json> own;  // by PE: its last own packet, or null
    std::vector<json> migrations;
    std::vector<double> sample_t;
    std::vector<std::vector<double>> sample_load, sample_ranks;

    double since_start(double t) const { return t - started; }

    void sample(double t) {
        std::vector<double> load(static_cast<std::size_t>(npes), 0), ranks(load.size(), 0);
        for (const json& e : table) {
            auto pe = e.value("pe", -1LL);
            if (pe < 0 || pe >= npes || !e.value("known", false)) continue;
            load[static_cast<std::size_t>(pe)] = e.value("load", 0.0);
            ranks[static_cast<std::size_t>(pe)] = e.value("ranks", 0.0);
        }
        sample_t.push_back(since_start(t));
        sample_load.push_back(std::move(load));
        sample_ranks.push_back(std::move(ranks));
        if (sample_t.size() < kMaxSamples) return;
        std::size_t kept = 0;
        for (std::size_t i = 0; i < sample_t.size(); i += 2, ++kept) {
            sample_t[kept] = sample_t[i];
            sample_load[kept] = std::move(sample_load[i]);
            sample_ranks[kept] = std::move(sample_ranks[i]);
        }
        sample_t.resize(kept);
        sample_load.resize(kept);
        sample_ranks.resize(kept);
    }

    json traffic() const {
        auto n = static_cast<std::size_t>(npes);
        json messages = json::array(), bytes = json::array();
        for (std::size_t from = 0; from < n; ++from) {
            std::vector<unsigned long long> m(n, 0), b(n, 0);
            if (from < own.size() && own[from].is_object())
                for (std::size_t to = 0; to < n && to < own[from]["sent"].size(); ++to) {
                    m[to] = own[from]["sent"][to].at(0).get<unsigned long long>();
                    b[to] = own[from]["sent"][to].at(1).get<unsigned long long>();
                }
            messages.push_back(m);
            bytes.push_back(b);
        }
        return {{"messages", messages}, {"bytes", bytes}};
    }

    long long migration_count() const {
        long long count = 0;
        for (std::size_t pe = 0; pe < static_cast<std::size_t>(npes); ++pe) {
            long long c = 0;
            if (pe < own.size() && own[pe].is_object()) c = own[pe]["totals"].value("migrations", 0LL);
            for (const json& e : table)
                if (e.value("pe", -1LL) == static_cast<long long>(pe))
                    c = std::max(c, e.value("migrations", 0LL));
            count += c;
        }
        return count;
    }

    json job(double now) const {
        std::string text;
        for (const std::string& w : program) text += (text.empty() ? "" : " ") + w;
        return {{"pid", pid},
                {"ranks", nranks},
                {"pes", npes},
                {"program", text},
                {"uptime", since_start(ended ? ended : now)}};
    }
};

JobStats::JobStats(pid_t pid, long long nranks, long long npes, std::vector<std::string> program)
    : d_(std::make_unique<Data>()) {
    d_->pid = pid;
    d_->nranks = nranks;
    d_->npes = npes;
    d_->program = std::move(program);
    d_->own.assign(static_cast<std::size_t>(std::max(0LL, npes)), json());
}

JobStats::~JobStats() = default;

void JobStats::feed(long long pe, const std::string& packet) {
    if (pe < 0 || pe >= d_->npes) return;
    json p = json::parse(packet, nullptr, false);
    if (!p.is_object()) return;
    double now = now_s();
    try {
        std::string kind = p.value("kind", "");
        if (kind == "table" && p["pes"].is_array()) {
            d_->table = p["pes"];
            d_->hosts = p["hosts"];
            d_->stale_after = p.value("stale_after", 2.0);
            d_->table_at = now;
            d_->sample(now);
        } else if (kind == "pe") {
            for (const json& m : p["migrations"]) {
                json e = m;
                e["t"] = std::max(0.0, d_->since_start(now) - m.value("age", 0.0));
                e.erase("age");
                d_->migrations.push_back(e);
            }
            p.erase("migrations");
            d_->own[static_cast<std::size_t>(pe)] = p;
            if (p.value("final", false)) {
                bool all = std::all_of(d_->own.begin(), d_->own.end(), [](const json& o) {
                    return o.is_object() && o.value("final", false);
                });
                if (all) d_->ended = now;
            }
        }
    } catch (const json::exception&) {
        // A packet of an unexpected shape: skip it, keep what we had.
    }
}

void JobStats::set_drained(long long pe, bool drained) {
    if (drained)
        drained_.insert(pe);
    else
        drained_.erase(pe);
}

std::vector<long long> JobStats::pes_of_host(const std::string& name) const {
    std::vector<long long> pes;
    for (const json& e : d_->table) {
        if (!e.value("known", false)) continue;
        auto host = e.value("host", -1LL);
        if (host >= 0 && static_cast<std::size_t>(host) < d_->hosts.size() &&
            d_->hosts[static_cast<std::size_t>(host)] == name)
            pes.push_back(e.value("pe", -1LL));
    }
    return pes;
}

std::string JobStats::live() const {
    const Data& d = *d_;
    double now = now_s();
    json pes = json::array(), ranks = json::array();
    for (long long pe = 0; pe < d.npes; ++pe) {
        json e = {{"pe", pe}, {"known", false}};
        for (const json& t : d.table)
            if (t.value("pe", -1LL) == pe && t.value("known", false)) e = t;
        if (e["known"]) {
            double age = e.value("age", 0.0) + (now - d.table_at);
            e["age"] = age;
            e["stale"] = age > d.stale_after;
        }
        e["drained"] = e.value("drained", false) || drained(pe);
        e["drain_ordered"] = drained(pe);
        double rank_memory = 0;
        const json& o = d.own[static_cast<std::size_t>(pe)];
        if (o.is_object())
            for (const json& r : o["ranks"]) {
                rank_memory += r.at(2).get<double>();
                ranks.push_back({{"rank", r.at(0)}, {"pe", pe}, {"load", r.at(1)}, {"memory", r.at(2)}});
            }
        e["rank_memory"] = rank_memory;
        pes.push_back(e);
    }
    std::sort(ranks.begin(), ranks.end(), [](const json& a, const json& b) {
        return a["rank"].get<long long>() < b["rank"].get<long long>();
    });
    std::size_t first = d.migrations.size() > kRecentMigrations ? d.migrations.size() - kRecentMigrations : 0;
    json recent = json::array();
    for (std::size_t i = first; i < d.migrations.size(); ++i) recent.push_back(d.migrations[i]);
    json out = {{"job", d.job(now)},
                {"stale_after", d.stale_after},
                {"hosts", d.hosts},
                {"pes", pes},
                {"ranks", ranks},
                {"recent_migrations", recent},
                {"migration_count", d.migration_count()},
                {"traffic", d.traffic()}};
    return out.dump();
}

std::string JobStats::report() const {
    const Data& d = *d_;
    double now = now_s();
    json job = d.job(now);
    job["duration"] = job["uptime"];
    job.erase("uptime");
    json pes = json::array();
    for (long long pe = 0; pe < d.npes; ++pe) {
        long long host = 0;
        for (const json& t : d.table)
            if (t.value("pe", -1LL) == pe) host = t.value("host", 0LL);
        pes.push_back({{"pe", pe}, {"host", host}});
    }
    json out = {{"job", job},
                {"hosts", d.hosts},
                {"pes", pes},
                {"timeline", {{"t", d.sample_t}, {"load", d.sample_load}, {"ranks", d.sample_ranks}}},
                {"migrations", d.migrations},
                {"migration_count", d.migration_count()},
                {"traffic", d.traffic()}};
    return out.dump(1);
}

}  // namespace mosexec
