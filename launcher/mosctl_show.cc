// mosctl_show.cc — the job's statistics as a table.
#include "mosctl_show.hpp"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "tool_cli.hpp"

namespace mosctl {

namespace {

std::string human_bytes(double b) { return tool_cli::bytes_text(b, false); }
std::string human_count(double n) { return tool_cli::count_text(n, false); }

}  // namespace

std::string show_text(const std::string& stats_json, std::string* why) {
    using nlohmann::json;
    json s = json::parse(stats_json, nullptr, false);
    if (!s.is_object() || !s.contains("job") || !s["pes"].is_array()) {
        *why = "the job's statistics are not in the expected form";
        return {};
    }
    std::string out;
    char line[512];
    const json& job = s["job"];
    std::snprintf(line, sizeof line, "job %lld: %s\n%lld ranks on %lld PEs, running for %.1f s\n",
                  job.value("pid", 0LL), job.value("program", "").c_str(), job.value("ranks", 0LL),
                  job.value("pes", 0LL), job.value("uptime", 0.0));
    out += line;
    std::snprintf(line, sizeof line, "%-4s %-16s %5s %6s %5s %6s %9s %9s %9s %5s %7s  %s\n", "PE", "HOST",
                  "LOAD", "SPEED", "SHARE", "RANKS", "FREE MEM", "SENT MSG", "SENT", "MIGR", "AGE", "STATE");
    out += line;
    double fastest = 0;  // speeds are shown relative to the fastest PE's capacity
    for (const json& p : s["pes"]) fastest = std::max(fastest, p.value("speed", 0.0) * p.value("share", 1.0));
    for (const json& p : s["pes"]) {
        std::string state = p.value("drained", false) ? "drained" : "";
        if (!p.value("known", false)) {
            std::snprintf(line, sizeof line, "%-4lld %-16s %5s %6s %5s %6s %9s %9s %9s %5s %7s  %s\n",
                          p.value("pe", 0LL), "?", "-", "-", "-", "-", "-", "-", "-", "-", "-",
                          state.empty() ? "no figures yet" : state.c_str());
            out += line;
            continue;
        }
        if (p.value("stale", false)) state += state.empty() ? "stale" : ", stale";
        long long host = p.value("host", 0LL);
        std::string host_name = host >= 0 && static_cast<std::size_t>(host) < s["hosts"].size()
                                    ? s["hosts"][host].get<std::string>()
                                    : "?";
        char age[16];
        std::snprintf(age, sizeof age, "%.1fs", p.value("age", 0.0));
        std::snprintf(
            line, sizeof line, "%-4lld %-16.16s %5.2f %6.2f %5.2f %6lld %9s %9s %9s %5lld %7s  %s\n",
            p.value("pe", 0LL), host_name.c_str(), p.value("load", 0.0),
            fastest > 0 ? p.value("speed", 0.0) * p.value("share", 1.0) / fastest : 0.0,
            p.value("share", 0.0), p.value("ranks", 0LL), human_bytes(p.value("free_memory", 0.0)).c_str(),
            human_count(p.value("sent_messages", 0.0)).c_str(),
            human_bytes(p.value("sent_bytes", 0.0)).c_str(), p.value("migrations", 0LL), age, state.c_str());
        out += line;
    }
    std::snprintf(line, sizeof line, "migrations: %lld\n", s.value("migration_count", 0LL));
    out += line;
    for (const json& m : s["recent_migrations"]) {
        std::snprintf(line, sizeof line, "  %7.2fs  rank %lld  PE %lld -> PE %lld  %s in %.2f ms\n",
                      m.value("t", 0.0), m.value("rank", 0LL), m.value("from", 0LL), m.value("to", 0LL),
                      human_bytes(m.value("bytes", 0.0)).c_str(), m.value("seconds", 0.0) * 1e3);
        out += line;
    }
    return out;
}

}  // namespace mosctl
