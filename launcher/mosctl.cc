// mosctl — operator actions on running mosix jobs: `mosctl list`, `show`, `migrate RANK PE`,
// `drain PE|HOST`, `undrain PE|HOST`, `checkpoint`, `stop`.
//
// Each job's mosexec listens on a control socket (control_socket.hpp: where it is, and the line
// protocol); mosctl finds the jobs there (mosctl_jobs), sends one request and prints the reply
// (mosctl_client). mosexec checks each request against the job (a rank or PE out of range) and
// passes commands on to the job's runtime, so mosctl needs to know nothing about the job itself.
//
// Only the job's own user can act on it: the socket's directory is that user's alone, and
// mosexec checks each client's uid (SO_PEERCRED; control_socket.hpp).
#include <getopt.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "control_socket.hpp"
#include "mosctl_client.hpp"
#include "mosctl_jobs.hpp"
#include "mosctl_show.hpp"
#include "tool_cli.hpp"

#ifndef MOSIX_VERSION_STRING
#define MOSIX_VERSION_STRING "unknown"
#endif

namespace {

constexpr const char* kUsage = R"(Usage: mosctl [options] COMMAND [ARGS...]

Operator actions on the running mosix jobs (started by mosexec) of this user.

Commands:
  list                 the running jobs: id, ranks, PEs, program; removes the sockets of
                       jobs whose mosexec was killed
  show                 the job's PEs now: load, speed, ranks, free memory, messages, migrations,
                       and how old each PE's figures are (mosmon shows them live)
  migrate RANK PE      move rank RANK of the job to PE PE while it runs (the rank moves at its
                       next library call)
  drain PE|HOST        move every rank off PE (or off every PE of host HOST), and place none
                       there until undrain; the job goes on on its other PEs
  undrain PE|HOST      let the PE (or the host's PEs) take ranks again
  checkpoint           ask the job for a checkpoint (it needs mosexec --checkpoint-dir; the
                       ranks take it at their next collective on MPI_COMM_WORLD)
  stop                 end the job (as mosexec ends it on SIGTERM)

Options:
  -j, --job ID         the job to act on: its id from mosctl list (its mosexec's process id);
                       default: the only running job
  -h, --help           print this help and exit
      --version        print the version and exit

Jobs are found through their control sockets in $MOSIX_CONTROL_DIR if set, else in
$XDG_RUNTIME_DIR/mosix, else in /tmp/mosix-UID.

Exit status: 0 done; 1 no such job, several jobs and no --job, the job could not be reached,
or it refused the request (the message says why); 2 a bad command line.
)";

[[noreturn]] __attribute__((format(printf, 1, 2))) void usage_error(const char* fmt, ...) {
    std::va_list ap;
    va_start(ap, fmt);
    tool_cli::usage_error_v("mosctl", fmt, ap);
}

int fail(const std::string& why) {
    std::fprintf(stderr, "mosctl: %s\n", why.c_str());
    return 1;
}

struct Context {
    std::string dir;
    std::optional<pid_t> job;
    std::vector<std::string> args;  // the command's own arguments
};

// Sends `request` to the chosen job and prints its reply: output lines on stdout, an error on
// stderr with exit status 1.
int request(const Context& c, const std::string& request) {
    std::string why;
    std::optional<mosctl::Job> job = mosctl::choose_job(c.dir, c.job, &why);
    if (!job) return fail(why);
    mosctl::Reply r = mosctl::ask(job->socket, request);
    if (r.stale) return fail("job " + std::to_string(job->id) + " is gone (its mosexec was killed)");
    for (const std::string& line : r.lines) std::printf("%s\n", line.c_str());
    if (!r.reached) return fail("cannot reach job " + std::to_string(job->id) + ": " + r.error);
    if (!r.ok) return fail("job " + std::to_string(job->id) + ": " + r.error);
    return 0;
}

int list(const Context& c) {
    if (!c.args.empty()) usage_error("list takes no arguments, got '%s'", c.args[0].c_str());
    if (c.job) usage_error("list shows every job: --job does not apply");
    mosctl::JobList l = mosctl::find_jobs(c.dir);
    if (!l.error.empty()) return fail(l.error);
    for (pid_t id : l.removed)
        std::fprintf(stderr, "mosctl: removed the socket of job %d, whose mosexec is gone\n",
                     static_cast<int>(id));
    if (l.jobs.empty()) {
        std::printf("no running jobs\n");
        return 0;
    }
    std::printf("%-8s %8s %5s  %s\n", "JOB", "RANKS", "PES", "PROGRAM");
    for (const mosctl::Job& job : l.jobs) {
        mosctl::Reply r = mosctl::ask(job.socket, "info");
        // Appended piece by piece: GCC 12 at -O3 warns (wrongly, -Wrestrict) on "literal" + string&&.
        std::string ranks = "-", pes = "-", program = "(";
        program += r.ok ? std::string("no program") : r.error;
        program += ')';
        for (const std::string& line : r.lines) {
            std::size_t space = line.find(' ');
            std::string key = line.substr(0, space),
                        value = space == std::string::npos ? "" : line.substr(space + 1);
            if (key == "ranks") ranks = value;
            if (key == "pes") pes = value;
            if (key == "program") program = value;
        }
        std::printf("%-8d %8s %5s  %s\n", static_cast<int>(job.id), ranks.c_str(), pes.c_str(),
                    program.c_str());
    }
    return 0;
}

int migrate(const Context& c) {
    if (c.args.size() != 2)
        usage_error("migrate needs RANK and PE, got %zu argument%s", c.args.size(),
                    c.args.size() == 1 ? "" : "s");
    for (const char* what : {"RANK", "PE"}) {
        const std::string& arg = c.args[what[0] == 'R' ? 0 : 1];
        auto v = tool_cli::number(arg.c_str());
        if (!v || *v < 0) usage_error("migrate: %s must be a number from 0, got '%s'", what, arg.c_str());
    }
    return request(c, "migrate " + c.args[0] + " " + c.args[1]);
}

int show(const Context& c) {
    if (!c.args.empty()) usage_error("show takes no arguments, got %zu", c.args.size());
    std::string why;
    std::optional<mosctl::Job> job = mosctl::choose_job(c.dir, c.job, &why);
    if (!job) return fail(why);
    mosctl::Reply r = mosctl::ask(job->socket, "stats");
    if (r.stale) return fail("job " + std::to_string(job->id) + " is gone (its mosexec was killed)");
    if (!r.reached) return fail("cannot reach job " + std::to_string(job->id) + ": " + r.error);
    if (!r.ok) return fail("job " + std::to_string(job->id) + ": " + r.error);
    std::string text = mosctl::show_text(r.lines.empty() ? "" : r.lines.front(), &why);
    if (text.empty()) return fail("job " + std::to_string(job->id) + ": " + why);
    std::fputs(text.c_str(), stdout);
    return 0;
}

// drain and undrain: PE is a number, HOST a host name of the job (mosexec resolves it).
int drain(const Context& c, const char* verb) {
    if (c.args.size() != 1) usage_error("%s needs one PE or HOST, got %zu arguments", verb, c.args.size());
    if (c.args[0].empty()) usage_error("%s: the PE or HOST is empty", verb);
    return request(c, std::string(verb) + " " + c.args[0]);
}
int drain(const Context& c) { return drain(c, "drain"); }
int undrain(const Context& c) { return drain(c, "undrain"); }

int stop(const Context& c) {
    if (!c.args.empty()) usage_error("stop takes no arguments, got %zu", c.args.size());
    return request(c, "stop");
}

int checkpoint(const Context& c) {
    if (!c.args.empty()) usage_error("checkpoint takes no arguments, got %zu", c.args.size());
    return request(c, "checkpoint");
}

struct Command {
    const char* name;
    int (*run)(const Context&);
};
constexpr Command kCommands[] = {{"list", list},   {"show", show},       {"migrate", migrate},
                                 {"drain", drain}, {"undrain", undrain}, {"checkpoint", checkpoint},
                                 {"stop", stop}};

constexpr const char* kCommandNames = "list, show, migrate, drain, undrain, checkpoint or stop";

enum LongOnly { kVersion = 256 };

// Options may come before or after the command: `mosctl --job 12 migrate 3 1` and
// `mosctl migrate --job 12 3 1` are the same.
void parse_options(int argc, char** argv, Context* c, bool stop_at_command) {
    static const option kLong[] = {
        {"job", required_argument, nullptr, 'j'},
        {"help", no_argument, nullptr, 'h'},
        {"version", no_argument, nullptr, kVersion},
        {nullptr, 0, nullptr, 0},
    };
    opterr = 0;  // our own messages, one line each
    optind = 0;  // glibc: start over (the second parse sees another argv)
    for (int opt;
         (opt = getopt_long(argc, argv, stop_at_command ? "+:j:h" : ":j:h", kLong, nullptr)) != -1;) {
        switch (opt) {
            case 'j': {
                auto id = tool_cli::number(optarg);
                if (!id || *id <= 0 || *id > 0x7fffffff)
                    usage_error("--job needs a job id (a number from mosctl list), got '%s'", optarg);
                c->job = static_cast<pid_t>(*id);
                break;
            }
            case 'h':
                std::fputs(kUsage, stdout);
                std::exit(0);
            case kVersion:
                std::printf("mosctl (mosix) %s\n", MOSIX_VERSION_STRING);
                std::exit(0);
            default:  // ':' (a value missing), '?' (not one of ours)
                tool_cli::bad_option("mosctl", opt, argv);
        }
    }
}

}  // namespace

int main(int argc, char** argv) {
    Context c;
    parse_options(argc, argv, &c, true);
    if (optind >= argc) usage_error("missing command (%s)", kCommandNames);
    std::string name = argv[optind];
    const Command* command = nullptr;
    for (const Command& known : kCommands)
        if (name == known.name) command = &known;
    if (!command) usage_error("unknown command '%s' (%s)", name.c_str(), kCommandNames);
    // The command's own options and arguments, with the command word standing in for argv[0].
    int sub_argc = argc - optind;
    char** sub_argv = argv + optind;
    parse_options(sub_argc, sub_argv, &c, false);
    c.args.assign(sub_argv + optind, sub_argv + sub_argc);
    c.dir = mosix::control::socket_dir();
    return command->run(c);
}
