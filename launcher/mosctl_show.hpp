// mosctl_show.hpp — `mosctl show`: a running job's statistics (the "stats" request's JSON,
// launcher/mosexec_stats.hpp) as text, one line per PE.
#pragma once

#include <string>

namespace mosctl {

// The text for `mosctl show`, or "" with *why if `stats_json` is not the job's statistics.
std::string show_text(const std::string& stats_json, std::string* why);

}  // namespace mosctl
