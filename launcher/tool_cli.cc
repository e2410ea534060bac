#include "tool_cli.hpp"

#include <getopt.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace tool_cli {

namespace {

std::string scaled(double v, double step, const char* const (&units)[5], bool narrow) {
    int u = 0;
    while (v >= step && u < 4) v /= step, ++u;
    char buf[32];
    std::snprintf(buf, sizeof buf, u && (!narrow || v < 100) ? "%.1f%s" : "%.0f%s", v, units[u]);
    return buf;
}

[[noreturn]] __attribute__((format(printf, 2, 3))) void usage_error(const char* tool, const char* fmt, ...) {
    std::va_list ap;
    va_start(ap, fmt);
    usage_error_v(tool, fmt, ap);
}

}  // namespace

std::optional<long long> number(const char* text) {
    long long v = 0;
    const char* end = text + std::strlen(text);
    auto [stop, ec] = std::from_chars(text, end, v);
    if (ec != std::errc() || stop != end || stop == text) return std::nullopt;
    return v;
}

void usage_error_v(const char* tool, const char* fmt, std::va_list ap) {
    std::fprintf(stderr, "%s: ", tool);
    std::vfprintf(stderr, fmt, ap);
    std::fprintf(stderr, " (see %s --help)\n", tool);
    std::exit(2);
}

void bad_option(const char* tool, int opt, char** argv) {
    if (opt == ':') {
        std::string name = argv[optind - 1];
        usage_error(tool, "option %s needs a value", name.substr(0, name.find('=')).c_str());
    }
    std::string name = optopt ? std::string("-") + static_cast<char>(optopt) : argv[optind - 1];
    usage_error(tool, "unknown option '%s'", name.substr(0, name.find('=')).c_str());
}

std::string bytes_text(double bytes, bool narrow) {
    static const char* const units[5] = {"B", "K", "M", "G", "T"};
    return scaled(bytes, 1024, units, narrow);
}

std::string count_text(double count, bool narrow) {
    static const char* const units[5] = {"", "k", "M", "G", "T"};
    return scaled(count, 1000, units, narrow);
}

}  // namespace tool_cli
