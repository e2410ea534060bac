// tool_cli.hpp — the command-line pieces mosctl and mosmon share: whole-text integers, the
// one-line usage errors (exit status 2) they both give, and figures written for people.
#pragma once

#include <cstdarg>
#include <optional>
#include <string>

namespace tool_cli {

// The integer that is all of `text`, or nothing.
std::optional<long long> number(const char* text);

// Prints "TOOL: message (see TOOL --help)" and exits with status 2.
[[noreturn]] void usage_error_v(const char* tool, const char* fmt, std::va_list ap);

// After getopt_long returned ':' (a value is missing) or anything it does not know: names the
// option as the user wrote it (without "=value") and exits through usage_error_v.
[[noreturn]] void bad_option(const char* tool, int opt, char** argv);

// Bytes in binary units (512B, 1.5K, 23.1G) and counts in decimal ones (980, 1.3M), with one
// decimal once scaled; `narrow` (mosmon's columns) keeps it only below 100 (1.5K, 230M).
std::string bytes_text(double bytes, bool narrow);
std::string count_text(double count, bool narrow);

}  // namespace tool_cli
