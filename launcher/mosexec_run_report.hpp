// mosexec_run_report.hpp — `mosexec --report FILE.html`: at the end of the run, a page a person can
// look at, and the same data as JSON (FILE.json, beside it).
//
// The page is self-contained (inline SVG and CSS drawn here; no script, nothing fetched): the load
// of each PE over time, one strip per PE, with the migrations as arrows from the strip of the PE a
// rank left to the one it reached; the communication between PEs as a PE x PE heat map of bytes
// (row: sender, column: receiver; each cell's figures in its tooltip); and the job's totals. The
// JSON is JobStats::report() (mosexec_stats.hpp), also embedded in the page.
#pragma once

#include <string>

#include "mosexec_stats.hpp"

namespace mosexec {

// FILE.html -> FILE.json; any other name gets ".json" appended.
std::string report_json_path(const std::string& html_path);

// Writes both files. Returns "" on success, else why not (in words, naming the file).
std::string write_run_report(const std::string& html_path, const JobStats& stats);

}  // namespace mosexec
