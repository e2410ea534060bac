// mosmon_view.cc — the job's statistics laid out for a screen.
#include "mosmon_view.hpp"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "tool_cli.hpp"

namespace mosmon {

using nlohmann::json;

namespace {

std::string bytes_text(double b) { return tool_cli::bytes_text(b, true); }
std::string count_text(double n) { return tool_cli::count_text(n, true); }

std::string format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
std::string format(const char* fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return buf;
}

// "[#####.....   ]": `frame` of `width` cells drawn as '.', of which `fill` are '#'; the rest blank.
std::string bar(double fill, double frame, int width) {
    if (width < 3) return {};
    int inner = width - 2;
    int f = static_cast<int>(std::lround(std::clamp(fill, 0.0, 1.0) * inner));
    int fr = std::max(f, static_cast<int>(std::lround(std::clamp(frame, 0.0, 1.0) * inner)));
    // Appended to one std::string, not "[" + std::string&&: GCC 12 -O3 warns falsely (-Wrestrict).
    std::string b(1, '[');
    b.append(static_cast<std::size_t>(f), '#');
    b.append(static_cast<std::size_t>(fr - f), '.');
    b.append(static_cast<std::size_t>(inner - fr), ' ');
    b += ']';
    return b;
}

std::string fit(std::string text, int width) {
    if (static_cast<int>(text.size()) > width) text.resize(static_cast<std::size_t>(std::max(0, width)));
    return text;
}

struct Row {  // one PE or one host
    std::string name, host;
    long long number = 0, pes = 1;
    bool known = false, stale = false, drained = false;
    double load = 0, capacity = 0, speed = 0, share = 0, age = 0;
    double free_memory = 0, rank_memory = 0, sent_messages = 0, sent_bytes = 0;
    long long ranks = 0, migrations = 0;
};

std::string host_name(const json& s, long long host) {
    if (host >= 0 && static_cast<std::size_t>(host) < s["hosts"].size())
        return s["hosts"][host].get<std::string>();
    return "?";
}

std::vector<Row> pe_rows(const json& s) {
    std::vector<Row> rows;
    for (const json& p : s["pes"]) {
        Row r;
        r.number = p.value("pe", 0LL);
        r.name = "PE " + std::to_string(r.number);
        r.known = p.value("known", false);
        r.drained = p.value("drained", false);
        if (r.known) {
            r.host = host_name(s, p.value("host", 0LL));
            r.stale = p.value("stale", false);
            r.age = p.value("age", 0.0);
            r.load = p.value("load", 0.0);
            r.speed = p.value("speed", 0.0);
            r.share = p.value("share", 1.0);
            r.capacity = r.speed * r.share;
            r.free_memory = p.value("free_memory", 0.0);
            r.rank_memory = p.value("rank_memory", 0.0);
            r.ranks = p.value("ranks", 0LL);
            r.sent_messages = p.value("sent_messages", 0.0);
            r.sent_bytes = p.value("sent_bytes", 0.0);
            r.migrations = p.value("migrations", 0LL);
        }
        rows.push_back(r);
    }
    return rows;
}

std::vector<Row> host_rows(const json& s) {
    std::map<std::string, Row> hosts;
    for (const Row& p : pe_rows(s)) {
        if (!p.known) continue;
        Row& h = hosts[p.host];
        bool first = h.name.empty();
        h.name = h.host = p.host;
        h.known = true;
        h.pes = first ? 1 : h.pes + 1;
        h.stale |= p.stale;
        h.drained = first ? p.drained : h.drained && p.drained;
        h.age = std::max(h.age, p.age);
        h.load += p.load;
        h.capacity += p.capacity;
        h.free_memory = std::max(h.free_memory, p.free_memory);  // the PEs of a host share its memory
        h.rank_memory += p.rank_memory;
        h.ranks += p.ranks;
        h.sent_messages += p.sent_messages;
        h.sent_bytes += p.sent_bytes;
        h.migrations += p.migrations;
    }
    std::vector<Row> rows;
    long long n = 0;
    for (auto& [name, h] : hosts) {
        h.number = n++;
        rows.push_back(h);
    }
    return rows;
}

void sort_rows(std::vector<Row>* rows, Sort sort) {
    auto key = [sort](const Row& r) -> double {
        switch (sort) {
            case Sort::load:
                return -r.load;
            case Sort::ranks:
                return -static_cast<double>(r.ranks);
            case Sort::memory:
                return -r.rank_memory;
            case Sort::number:
                break;
        }
        return static_cast<double>(r.number);
    };
    std::stable_sort(rows->begin(), rows->end(), [&](const Row& a, const Row& b) { return key(a) < key(b); });
}

// PE and host lines: fixed columns, the two bars share what width is left.
void table(const json& s, View view, Sort sort, int width, int rows_room, std::vector<Line>* out) {
    std::vector<Row> rows = view == View::pes ? pe_rows(s) : host_rows(s);
    sort_rows(&rows, sort);
    double max_capacity = 0;  // per PE: a host's bar is its capacity against the biggest host's
    for (const Row& r : rows) max_capacity = std::max(max_capacity, r.capacity);
    const char* first = view == View::pes ? "PE" : "HOST";
    // Columns: name and host 20, load figures 11, memory figures 12, counts 26, age and marks 20;
    // each bar takes one more for the space after it.
    // A narrow screen drops the traffic columns (mosctl show has them) before the age.
    constexpr int kFixed = 20 + 11 + 12 + 26 + 20, kTraffic = 20;
    bool traffic = width >= kFixed;
    int bars = std::max(0, width - kFixed - 2 + (traffic ? 0 : kTraffic));
    // The load bar first: below 16 columns it alone gets them.
    int load_bar = bars >= 16 ? std::min(60, bars * 3 / 5) : bars >= 6 ? bars - 1 : 0;
    int mem_bar = bars >= 16 ? std::min(40, bars - load_bar) : 0;
    std::string head = format("%-7s", view == View::pes ? first : "HOST");
    if (view == View::pes)
        head += format("%-13s", "HOST");
    else
        head = format("%-12s", "HOST") + format("%-5s", "PES");
    if (load_bar) head += format("%-*s", load_bar + 1, fit("LOAD/SPEED", load_bar).c_str());
    head += "CPU xSPEED ";
    head += format("%-*s", (mem_bar ? mem_bar + 1 : 0) + 12, "MEM ranks/free");
    head += traffic ? format("%6s %6s %6s %4s %s", "RANKS", "MSGS", "SENT", "MIG", "   AGE")
                    : format("%6s %s", "RANKS", "   AGE");
    out->push_back({fit(head, width), true, false});
    int shown = 0;
    for (const Row& r : rows) {
        if (shown + 1 >= rows_room && static_cast<int>(rows.size()) > rows_room) {
            out->push_back({fit(format("... %zu more (sort with s, or make the window taller)",
                                       rows.size() - static_cast<std::size_t>(shown)),
                                width)});
            break;
        }
        ++shown;
        std::string line;
        if (view == View::pes)
            line = format("%-7s%-13.12s", r.name.c_str(), r.known ? r.host.c_str() : "?");
        else
            line = format("%-12.11s%-5lld", r.name.c_str(), r.pes);
        if (!r.known) {
            out->push_back({fit(line + "(no figures yet: the PE has not been heard from)", width)});
            continue;
        }
        double rel = max_capacity > 0 ? r.capacity / max_capacity : 1;
        double fill = r.capacity > 0 ? rel * std::min(1.0, r.load / (view == View::pes ? 1.0 : r.pes)) : 0;
        if (load_bar) line += bar(fill, rel, load_bar) + " ";
        line += format("%4.2f x%-4.2f ", r.load, rel);
        double mem_total = r.rank_memory + r.free_memory;
        if (mem_bar) line += bar(mem_total > 0 ? r.rank_memory / mem_total : 0, 1, mem_bar) + " ";
        line += format("%5s/%-5s ", bytes_text(r.rank_memory).c_str(), bytes_text(r.free_memory).c_str());
        if (traffic)
            line += format("%6lld %6s %6s %4lld ", r.ranks, count_text(r.sent_messages).c_str(),
                           bytes_text(r.sent_bytes).c_str(), r.migrations);
        else
            line += format("%6lld ", r.ranks);
        std::string age = format("%5.1fs", r.age);
        if (r.stale) age += " STALE";
        if (r.drained) age += " DRAINED";
        line += age;
        out->push_back({fit(line, width), r.stale, r.stale});
    }
}

void rank_cells(const json& s, Sort sort, int width, int rows_room, std::vector<Line>* out) {
    std::vector<json> ranks(s["ranks"].begin(), s["ranks"].end());
    auto key = [sort](const json& r) -> double {
        switch (sort) {
            case Sort::load:
                return -r.value("load", 0.0);
            case Sort::ranks:
                return static_cast<double>(r.value("pe", 0LL));  // by PE
            case Sort::memory:
                return -r.value("memory", 0.0);
            case Sort::number:
                break;
        }
        return static_cast<double>(r.value("rank", 0LL));
    };
    std::stable_sort(ranks.begin(), ranks.end(),
                     [&](const json& a, const json& b) { return key(a) < key(b); });
    const int cell = 34;  // "rank 12 PE 1 [######....] 0.45 1.2M "
    int columns = std::max(1, (width + 1) / (cell + 1));
    int cell_width = std::min(width, (width + 1) / columns - 1);
    int bar_width = std::max(3, cell_width - 28);
    out->push_back(
        {fit(format("%zu ranks (rank, its PE, its load: CPU-seconds per second, its memory)", ranks.size()),
             width),
         true, false});
    int rows = rows_room - 1;
    if (rows <= 0) return;
    std::size_t capacity = static_cast<std::size_t>(rows) * static_cast<std::size_t>(columns);
    bool cut = ranks.size() > capacity;
    std::size_t shown = cut ? capacity - 1 : ranks.size();
    std::size_t per_column =
        (shown + static_cast<std::size_t>(columns) - 1) / static_cast<std::size_t>(columns);
    for (std::size_t row = 0; row < per_column; ++row) {
        std::string line;
        for (int c = 0; c < columns; ++c) {
            std::size_t i = static_cast<std::size_t>(c) * per_column + row;
            if (i >= shown) break;
            const json& r = ranks[i];
            std::string text =
                format("rank %-4lld PE %-3lld ", r.value("rank", 0LL), r.value("pe", 0LL)) +
                bar(r.value("load", 0.0), 1, bar_width) +
                format(" %4.2f %5s", r.value("load", 0.0), bytes_text(r.value("memory", 0.0)).c_str());
            text = fit(text, cell_width);
            text.resize(static_cast<std::size_t>(cell_width), ' ');
            line += (c ? " " : "") + text;
        }
        out->push_back({fit(line, width)});
    }
    if (cut)
        out->push_back(
            {fit(format("... %zu more ranks (make the window bigger)", ranks.size() - shown), width)});
}

}  // namespace

const char* view_name(View v) {
    switch (v) {
        case View::pes:
            return "PEs";
        case View::hosts:
            return "hosts";
        case View::ranks:
            return "ranks";
    }
    return "?";
}

const char* sort_name(Sort s) {
    switch (s) {
        case Sort::number:
            return "number";
        case Sort::load:
            return "load";
        case Sort::ranks:
            return "ranks";
        case Sort::memory:
            return "memory";
    }
    return "?";
}

std::vector<Line> render(const std::string& stats_json, View view, Sort sort, int width, int height) {
    width = std::max(1, width);
    height = std::max(1, height);
    std::vector<Line> out;
    json s = json::parse(stats_json, nullptr, false);
    if (!s.is_object() || !s["pes"].is_array()) {
        out.push_back({fit("mosmon: the job's statistics are not in the expected form", width), true});
        return out;
    }
    const json& job = s["job"];
    long long known = 0;
    for (const json& p : s["pes"]) known += p.value("known", false) ? 1 : 0;
    out.push_back(
        {fit(format("mosmon  job %lld  %s", job.value("pid", 0LL), job.value("program", "").c_str()), width),
         true});
    out.push_back(
        {fit(format("%lld ranks on %lld PEs (%zu hosts), up %.1f s, %lld migrations, figures older than "
                    "%.1f s are STALE",
                    job.value("ranks", 0LL), job.value("pes", 0LL), s["hosts"].size(),
                    job.value("uptime", 0.0), s.value("migration_count", 0LL), s.value("stale_after", 0.0)),
             width)});
    out.push_back({fit(format("view: %s (p PEs, h hosts, r ranks)  sort: %s (s next, n l c m)  q quit",
                              view_name(view), sort_name(sort)),
                       width)});
    out.push_back({""});
    if (known == 0 && s["ranks"].empty()) {
        out.push_back(
            {fit("no figures yet: the PEs report at every gossip period (a one-PE job reports at its end)",
                 width)});
        return out;
    }
    // The table takes what it needs (up to all but a few lines); migrations get the rest.
    const json& migrations = s["recent_migrations"];
    int room = height - static_cast<int>(out.size());
    int want_migrations = std::min<int>(static_cast<int>(migrations.size()) + 2, std::max(0, room / 3));
    int table_room = room - want_migrations;
    if (view == View::ranks)
        rank_cells(s, sort, width, table_room, &out);
    else
        table(s, view, sort, width, table_room, &out);
    int left = height - static_cast<int>(out.size());
    if (left >= 3) {
        out.push_back({""});
        out.push_back(
            {fit(migrations.empty() ? "no migrations yet" : "recent migrations (newest last)", width), true});
        std::size_t n = std::min(migrations.size(), static_cast<std::size_t>(left - 2));
        for (std::size_t i = migrations.size() - n; i < migrations.size(); ++i) {
            const json& m = migrations[i];
            out.push_back(
                {fit(format("  %8.2f s  rank %-5lld PE %lld -> PE %lld  %s in %.2f ms", m.value("t", 0.0),
                            m.value("rank", 0LL), m.value("from", 0LL), m.value("to", 0LL),
                            bytes_text(m.value("bytes", 0.0)).c_str(), m.value("seconds", 0.0) * 1e3),
                     width)});
        }
    }
    if (static_cast<int>(out.size()) > height) out.resize(static_cast<std::size_t>(height));
    return out;
}

}  // namespace mosmon
