// mosmon — the live monitor of a running mosix job, in the terminal: every PE's load (a bar
// normalized to its speed), memory, ranks, traffic and migrations, with the age of each figure
// (mosmon_view.hpp has the layout). It asks the job's mosexec for its statistics (the "stats"
// request on the control socket, control_socket.hpp) once per interval; mosexec has them from the
// PEs' gossip, so watching a job costs its PEs nothing.
//
// Keys: p, h, r switch between the PE, host and rank views; s cycles the sort order (n number, l
// load, c rank count, m memory directly); q or Ctrl-C quits. The screen follows the terminal's size.
// `mosmon --plain` prints one snapshot as text and exits (for scripts).
#include <curses.h>
#include <getopt.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

#include "control_socket.hpp"
#include "mosctl_client.hpp"
#include "mosctl_jobs.hpp"
#include "mosmon_view.hpp"
#include "tool_cli.hpp"

#ifndef MOSIX_VERSION_STRING
#define MOSIX_VERSION_STRING "unknown"
#endif

namespace {

constexpr const char* kUsage = R"(Usage: mosmon [options]

A live view of a running mosix job (started by mosexec) of this user: each PE's load, speed,
memory, ranks, messages and migrations, and how old each figure is (STALE past the job's limit).

Options:
  -j, --job ID         the job to watch (its id from mosctl list); default: the only running job
      --plain          print one snapshot as text and exit (no terminal needed)
      --view VIEW      start with pes (default), hosts or ranks
      --sort KEY       sort by number (default), load, ranks or memory
  -d, --delay S        seconds between updates, 0.1 to 60 (default 1)
      --width N        with --plain: the line width (default: the terminal's, or 100)
  -h, --help           print this help and exit
      --version        print the version and exit

Keys: p PEs, h hosts, r ranks; s next sort order (or n number, l load, c rank count, m memory);
q quit.

Exit status: 0 done; 1 no such job, several jobs and no --job, or the job could not be reached;
2 a bad command line.
)";

[[noreturn]] __attribute__((format(printf, 1, 2))) void usage_error(const char* fmt, ...) {
    std::va_list ap;
    va_start(ap, fmt);
    tool_cli::usage_error_v("mosmon", fmt, ap);
}

struct Options {
    std::optional<pid_t> job;
    bool plain = false;
    mosmon::View view = mosmon::View::pes;
    mosmon::Sort sort = mosmon::Sort::number;
    double delay_s = 1;
    int width = 0;
};

Options parse(int argc, char** argv) {
    enum { kPlain = 256, kView, kSort, kWidth, kVersion };
    static const option kLong[] = {
        {"job", required_argument, nullptr, 'j'},
        {"plain", no_argument, nullptr, kPlain},
        {"view", required_argument, nullptr, kView},
        {"sort", required_argument, nullptr, kSort},
        {"delay", required_argument, nullptr, 'd'},
        {"width", required_argument, nullptr, kWidth},
        {"help", no_argument, nullptr, 'h'},
        {"version", no_argument, nullptr, kVersion},
        {nullptr, 0, nullptr, 0},
    };
    Options o;
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":j:d:h", kLong, nullptr)) != -1;) {
        switch (c) {
            case 'j': {
                auto id = tool_cli::number(optarg);
                if (!id || *id <= 0 || *id > 0x7fffffff)
                    usage_error("--job needs a job id (a number from mosctl list), got '%s'", optarg);
                o.job = static_cast<pid_t>(*id);
                break;
            }
            case kPlain:
                o.plain = true;
                break;
            case kView: {
                std::string v = optarg;
                if (v == "pes")
                    o.view = mosmon::View::pes;
                else if (v == "hosts")
                    o.view = mosmon::View::hosts;
                else if (v == "ranks")
                    o.view = mosmon::View::ranks;
                else
                    usage_error("--view must be pes, hosts or ranks, got '%s'", optarg);
                break;
            }
            case kSort: {
                std::string v = optarg;
                if (v == "number")
                    o.sort = mosmon::Sort::number;
                else if (v == "load")
                    o.sort = mosmon::Sort::load;
                else if (v == "ranks")
                    o.sort = mosmon::Sort::ranks;
                else if (v == "memory")
                    o.sort = mosmon::Sort::memory;
                else
                    usage_error("--sort must be number, load, ranks or memory, got '%s'", optarg);
                break;
            }
            case 'd': {
                char* end = nullptr;
                double d = std::strtod(optarg, &end);
                if (end == optarg || *end || !(d >= 0.1 && d <= 60))
                    usage_error("--delay needs seconds from 0.1 to 60, got '%s'", optarg);
                o.delay_s = d;
                break;
            }
            case kWidth: {
                auto w = tool_cli::number(optarg);
                if (!w || *w < 20 || *w > 1000)
                    usage_error("--width needs a number from 20 to 1000, got '%s'", optarg);
                o.width = static_cast<int>(*w);
                break;
            }
            case 'h':
                std::fputs(kUsage, stdout);
                std::exit(0);
            case kVersion:
                std::printf("mosmon (mosix) %s\n", MOSIX_VERSION_STRING);
                std::exit(0);
            default:  // ':' (a value missing), '?' (not one of ours)
                tool_cli::bad_option("mosmon", c, argv);
        }
    }
    if (optind < argc) usage_error("unexpected argument '%s'", argv[optind]);
    if (o.width && !o.plain) usage_error("--width applies to --plain only");
    return o;
}

// The statistics as JSON, or nothing with *why (the job is gone, or refused).
std::optional<std::string> fetch(const mosctl::Job& job, std::string* why) {
    mosctl::Reply r = mosctl::ask(job.socket, "stats");
    if (r.stale || !r.reached) {
        *why = "job " + std::to_string(job.id) + " has ended (or cannot be reached: " + r.error + ")";
        return std::nullopt;
    }
    if (!r.ok || r.lines.empty()) {
        *why = "job " + std::to_string(job.id) + ": " + (r.ok ? std::string("no statistics") : r.error);
        return std::nullopt;
    }
    return r.lines.front();
}

int plain(const Options& o, const mosctl::Job& job) {
    std::string why;
    auto stats = fetch(job, &why);
    if (!stats) {
        std::fprintf(stderr, "mosmon: %s\n", why.c_str());
        return 1;
    }
    int width = o.width;
    if (!width) {
        const char* columns = std::getenv("COLUMNS");
        width = columns && std::atoi(columns) >= 20 ? std::atoi(columns) : 100;
    }
    for (const mosmon::Line& line : mosmon::render(*stats, o.view, o.sort, width, 100000))
        std::printf("%s\n", line.text.c_str());
    return 0;
}

int live(Options o, const mosctl::Job& job) {
    initscr();
    cbreak();
    noecho();
    keypad(stdscr, TRUE);
    curs_set(0);
    timeout(100);  // getch waits at most this long: keys and resizes are seen at once
    std::string stats, why;
    auto last = std::chrono::steady_clock::time_point{};
    bool dirty = true;
    int status = 0;
    for (bool running = true; running;) {
        auto now = std::chrono::steady_clock::now();
        if (now - last >= std::chrono::duration<double>(o.delay_s)) {
            last = now;
            auto got = fetch(job, &why);
            if (!got) {
                status = 1;
                break;
            }
            stats = *got;
            dirty = true;
        }
        if (dirty) {
            erase();
            int row = 0;
            for (const mosmon::Line& line : mosmon::render(stats, o.view, o.sort, COLS, LINES)) {
                int attr = line.stale ? A_REVERSE : line.emphasis ? A_BOLD : A_NORMAL;
                attron(attr);
                mvaddnstr(row++, 0, line.text.c_str(), COLS);
                attroff(attr);
            }
            refresh();
            dirty = false;
        }
        int key = getch();
        dirty = key != ERR;
        switch (key) {
            case 'q':
            case 'Q':
                running = false;
                break;
            case 'p':
                o.view = mosmon::View::pes;
                break;
            case 'h':
                o.view = mosmon::View::hosts;
                break;
            case 'r':
                o.view = mosmon::View::ranks;
                break;
            case 'n':
                o.sort = mosmon::Sort::number;
                break;
            case 'l':
                o.sort = mosmon::Sort::load;
                break;
            case 'c':
                o.sort = mosmon::Sort::ranks;
                break;
            case 'm':
                o.sort = mosmon::Sort::memory;
                break;
            case 's':
                o.sort = static_cast<mosmon::Sort>((static_cast<int>(o.sort) + 1) % 4);
                break;
            default:
                break;  // KEY_RESIZE included: ncurses has updated LINES and COLS, redraw
        }
    }
    endwin();
    if (status) std::fprintf(stderr, "mosmon: %s\n", why.c_str());
    return status;
}

}  // namespace

int main(int argc, char** argv) {
    Options o = parse(argc, argv);
    std::string why;
    std::optional<mosctl::Job> job = mosctl::choose_job(mosix::control::socket_dir(), o.job, &why);
    if (!job) {
        std::fprintf(stderr, "mosmon: %s\n", why.c_str());
        return 1;
    }
    if (o.plain) return plain(o, *job);
    if (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO)) {
        std::fprintf(stderr, "mosmon: not a terminal (use --plain for text)\n");
        return 1;
    }
    return live(o, *job);
}
