// pe_stats.cc — the counters, the ring of migrations not yet reported, and the packets.
#include "pe_stats.hpp"

#include <algorithm>
#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <string>
#include <vector>

#include "balancer.hpp"
#include "control.hpp"
#include "gossip.hpp"
#include "measure.hpp"
#include "runtime.hpp"
#include "scheduler.hpp"
#include "this_rank.hpp"

namespace mosix::rt {

namespace detail {
std::uint64_t no_traffic[2];  // before the first job: PE 0 of one
std::uint64_t* traffic = no_traffic;
std::uint64_t received_messages = 0, received_bytes = 0;
}  // namespace detail

namespace {

struct Migration {
    double at_s;  // wall_ns() seconds
    int rank, to;
    std::uint64_t bytes;
    double seconds;
};

// Migrations not yet in a packet that reached the parent. Bounded: a PE that cannot report
// (no parent reading) keeps the newest.
constexpr std::size_t kMaxPending = 256;

struct Stats {
    std::vector<std::uint64_t> traffic;
    PeTotals moved;  // only the migration fields
    std::vector<Migration> pending;
    std::uint64_t dropped = 0;  // migrations that fell out of `pending`
};

Stats s;

void append(std::string* out, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
void append(std::string* out, const char* fmt, ...) {
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = std::vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > 0) out->append(buf, std::min<std::size_t>(static_cast<std::size_t>(n), sizeof buf - 1));
}

// Host names come from the hosts' own configuration: escape what JSON cannot hold as is.
void append_string(std::string* out, const char* text) {
    out->push_back('"');
    for (const char* p = text; *p; ++p) {
        auto c = static_cast<unsigned char>(*p);
        if (c == '"' || c == '\\')
            out->push_back('\\'), out->push_back(static_cast<char>(c));
        else if (c < 0x20)
            append(out, "\\u%04x", c);
        else
            out->push_back(static_cast<char>(c));
    }
    out->push_back('"');
}

std::string own_packet(bool final, double now) {
    std::string p;
    PeTotals t = stats_totals();
    append(&p, "{\"kind\":\"pe\",\"pe\":%d,\"final\":%s,\"ranks\":[", this_pe(), final ? "true" : "false");
    bool first = true;
    for (int i = 0; i < world_size(); ++i) {
        Rank* r = local_rank(i);
        if (!r || r->state == RankState::done) continue;
        balance::RankFigures f = rank_figures(i);
        append(&p, "%s[%d,%.3f,%" PRIu64 "]", first ? "" : ",", i, f.cpu_load, f.memory_bytes);
        first = false;
    }
    p += "],\"sent\":[";
    for (int pe = 0; pe < npes(); ++pe)
        append(&p, "%s[%" PRIu64 ",%" PRIu64 "]", pe ? "," : "", detail::traffic[2 * pe],
               detail::traffic[2 * pe + 1]);
    append(&p,
           "],\"received\":[%" PRIu64 ",%" PRIu64
           "],\"totals\":{\"migrations\":%u,\"migration_bytes\":%" PRIu64
           ",\"migration_seconds\":%.6f,\"migrations_unreported\":%" PRIu64 "},\"migrations\":[",
           t.received_messages, t.received_bytes, t.migrations, t.migration_bytes,
           static_cast<double>(t.migration_seconds), s.dropped);
    first = true;
    for (const Migration& m : s.pending) {
        // Its age, not a time: mosexec dates it by its own clock, hosts' clocks differ.
        append(&p,
               "%s{\"age\":%.3f,\"rank\":%d,\"from\":%d,\"to\":%d,\"bytes\":%" PRIu64 ",\"seconds\":%.6f}",
               first ? "" : ",", now - m.at_s, m.rank, this_pe(), m.to, m.bytes, m.seconds);
        first = false;
    }
    p += "]}";
    return p;
}

std::string table_packet() {
    std::string p;
    append(&p, "{\"kind\":\"table\",\"stale_after\":%.2f,\"hosts\":[", balancer_params().max_figure_age_s);
    for (int h = 0; h < host_count(); ++h) {
        if (h) p += ',';
        append_string(&p, host_name(h));
    }
    p += "],\"pes\":[";
    std::vector<PeEntry> table = gossip_table();
    for (std::size_t i = 0; i < table.size(); ++i) {
        const PeEntry& e = table[i];
        const PeFigures& f = e.figures;
        if (i) p += ',';
        if (!e.known) {
            append(&p, "{\"pe\":%zu,\"known\":false}", i);
            continue;
        }
        append(&p, "{\"pe\":%zu,\"known\":true,\"age\":%.3f,\"host\":%d,\"speed\":%.4g,\"share\":%.3f,", i,
               e.age_s, f.host, static_cast<double>(f.speed), static_cast<double>(f.share));
        append(&p, "\"load\":%.3f,\"ranks\":%d,\"free_memory\":%" PRIu64 ",\"drained\":%s,",
               static_cast<double>(f.load), f.ranks, f.free_memory,
               (f.flags & PeFigures::kDrained) ? "true" : "false");
        append(&p,
               "\"sent_messages\":%" PRIu64 ",\"sent_bytes\":%" PRIu64 ",\"received_messages\":%" PRIu64
               ",\"received_bytes\":%" PRIu64 ",",
               f.sent_messages, f.sent_bytes, f.received_messages, f.received_bytes);
        append(&p, "\"migrations\":%u,\"migration_bytes\":%" PRIu64 ",\"migration_seconds\":%.6f}",
               f.migrations, f.migration_bytes, static_cast<double>(f.migration_seconds));
    }
    p += "]}";
    return p;
}

}  // namespace

void stats_start(int npes) {
    s.traffic.assign(2 * static_cast<std::size_t>(npes > 0 ? npes : 1), 0);
    detail::traffic = s.traffic.data();
    detail::received_messages = detail::received_bytes = 0;
    s.moved = PeTotals{};
    s.pending.clear();
    s.dropped = 0;
}

PeTotals stats_totals() noexcept {
    PeTotals t = s.moved;
    for (std::size_t i = 0; i + 1 < s.traffic.size(); i += 2) {
        t.sent_messages += s.traffic[i];
        t.sent_bytes += s.traffic[i + 1];
    }
    t.received_messages = detail::received_messages;
    t.received_bytes = detail::received_bytes;
    return t;
}

void note_migration(int rank, int to, std::uint64_t bytes, double seconds) noexcept {
    ++s.moved.migrations;
    s.moved.migration_bytes += bytes;
    s.moved.migration_seconds += static_cast<float>(seconds);
    if (s.pending.size() >= kMaxPending) {
        s.pending.erase(s.pending.begin());
        ++s.dropped;
    }
    s.pending.push_back({static_cast<double>(wall_ns()) * 1e-9, rank, to, bytes, seconds});
}

void stats_publish(bool final) noexcept {
    if (control_fd() < 0) return;  // no parent to tell (not started by mosexec)
    double now = static_cast<double>(wall_ns()) * 1e-9;
    if (control_report(own_packet(final, now))) s.pending.clear();
    if (this_pe() == 0 && npes() > 1) control_report(table_packet());
    if (final) control_flush_reports(2000);  // the report's last figures, before the PE exits
}

}  // namespace mosix::rt
