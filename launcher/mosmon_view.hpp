// mosmon_view.hpp — what mosmon shows, as lines of text for a screen of a given size: shared by the
// live terminal view (ncurses, mosmon.cc) and `mosmon --plain` (the same lines, printed once).
//
// The input is the job's statistics, the JSON of mosexec's "stats" request (mosexec_stats.hpp).
// Views:
//   pes    one line per PE: its host, a load bar normalized to speed (the bar's frame is as long
//          as the PE's share of the fastest PE's capacity, the filled part is the work it does), a
//          memory bar (its ranks' memory against what is still free), ranks, messages and bytes
//          sent, migrations, and the age of its figures ("STALE" once older than the job's limit)
//   hosts  the same per host (PEs summed)
//   ranks  one cell per rank: its PE, a load bar, its memory; in as many columns as fit
// and under each, the newest migrations, as many as fit.
#pragma once

#include <string>
#include <vector>

namespace mosmon {

enum class View { pes, hosts, ranks };
enum class Sort { number, load, ranks, memory };

const char* view_name(View v);
const char* sort_name(Sort s);

struct Line {
    std::string text;
    bool emphasis = false;  // a title or a stale figure: bold (reverse video for stale) on a terminal
    bool stale = false;
};

// At most `height` lines, none wider than `width` (both at least 1).
std::vector<Line> render(const std::string& stats_json, View view, Sort sort, int width, int height);

}  // namespace mosmon
