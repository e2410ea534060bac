// tool_cli.hpp — the command-line pieces mosctl and mosmon share: whole-text integers and the
// one-line usage errors (exit status 2) they both give.
#pragma once

#include <cstdarg>
#include <optional>

namespace tool_cli {

// The integer that is all of `text`, or nothing.
std::optional<long long> number(const char* text);

// Prints "TOOL: message (see TOOL --help)" and exits with status 2.
[[noreturn]] void usage_error_v(const char* tool, const char* fmt, std::va_list ap);

// After getopt_long returned ':' (a value is missing) or anything it does not know: names the
// option as the user wrote it (without "=value") and exits through usage_error_v.
[[noreturn]] void bad_option(const char* tool, int opt, char** argv);

}  // namespace tool_cli
