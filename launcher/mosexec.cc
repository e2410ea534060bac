// mosexec — starts a job: `mosexec [options] -n N program [args...]`.
//
// Today a job is one PE: mosexec puts the job's shape in the environment (MOSIX_NRANKS,
// MOSIX_STACK_SIZE), starts the program once, and the runtime linked into the program runs N rank
// fibers. mosexec stays the program's parent (rather than exec'ing it) so that it can forward
// signals and say how the PE ended, and later supervise the PEs of a multi-PE job.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#ifndef MOSIX_VERSION_STRING
#define MOSIX_VERSION_STRING "unknown"
#endif

namespace {

constexpr long long kMaxRanks = 1LL << 24;  // the runtime's limit (runtime.cc, read_config)
constexpr unsigned long long kMinStack = 64ULL * 1024;

constexpr const char* kUsage = R"(Usage: mosexec [options] -n N program [args...]

Runs N ranks of an MPI program built with mosixcc/mosixcxx, CMake's mosix::mpi or pkg-config mosix.

Options:
  -n, --np N             number of ranks, 1 to 16777216 (required)
      --stack-size SIZE  stack of each rank, e.g. 512K, 8M, 1G (at least 64K; default 8M)
  -h, --help             print this help and exit
      --version          print the version and exit

Options end at the program name: everything after it is passed to the program untouched
(use -- before a program whose name starts with '-').

Exit status: the program's; 128+S if it was killed by signal S; 2 if mosexec could not start it.
)";

struct Options {
    long long nranks = 0;
    std::optional<unsigned long long> stack_size;
    std::vector<std::string> command;  // program and its arguments
};

// Every error mosexec detects before the program runs is one line, then exit status 2.
[[noreturn]] __attribute__((format(printf, 1, 2))) void usage_error(const char* fmt, ...) {
    std::va_list ap;
    va_start(ap, fmt);
    std::fputs("mosexec: ", stderr);
    std::vfprintf(stderr, fmt, ap);
    std::fputs(" (see mosexec --help)\n", stderr);
    va_end(ap);
    std::exit(2);
}

std::optional<long long> parse_count(const std::string& text) {
    long long v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return v;
}

// "512K", "8M", "1G", "65536", also "8MiB"/"8MB" — the forms the runtime accepts.
std::optional<unsigned long long> parse_size(const std::string& text) {
    unsigned long long v = 0;
    const char* p = text.data();
    const char* last = p + text.size();
    auto [end, ec] = std::from_chars(p, last, v);
    if (ec != std::errc() || end == p) return std::nullopt;
    std::string suffix(end, last);
    int shift = 0;
    if (!suffix.empty() && std::strchr("kKmMgG", suffix[0])) {
        shift = std::strchr("kK", suffix[0]) ? 10 : std::strchr("mM", suffix[0]) ? 20 : 30;
        suffix.erase(0, 1);
    }
    if (!suffix.empty() && suffix != "B" && suffix != "iB") return std::nullopt;
    if (v > (~0ULL >> shift)) return std::nullopt;
    return v << shift;
}

Options parse_options(int argc, char** argv) {
    CLI::App app{"mosexec"};
    // Stop at the first positional (the program): its own arguments must not be parsed as ours.
    app.prefix_command();
    app.set_help_flag();  // our own help text, exact and stable
    std::string np, stack;
    bool help = false, version = false;
    auto* np_opt = app.add_option("-n,--np", np)->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    auto* stack_opt =
        app.add_option("--stack-size", stack)->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    app.add_flag("-h,--help", help);
    app.add_flag("--version", version);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // Only "an option lacks its value" should reach here (unknown options land in remaining()).
        // CLI11 words it "--np: 1 required TEXT missing"; say it plainly.
        std::string what = e.what();
        std::size_t colon = what.find(':');
        if (dynamic_cast<const CLI::ArgumentMismatch*>(&e) && colon != std::string::npos)
            usage_error("option %s needs a value", what.substr(0, colon).c_str());
        usage_error("%s", what.c_str());
    }

    // With prefix_command, unknown options before the program are left, in order, in remaining().
    std::vector<std::string> rest = app.remaining();
    if (!rest.empty() && rest[0] == "--") {
        rest.erase(rest.begin());
    } else if (!rest.empty() && rest[0].size() > 1 && rest[0][0] == '-') {
        usage_error("unknown option '%s'", rest[0].c_str());
    }
    if (help) {
        std::fputs(kUsage, stdout);
        std::exit(0);
    }
    if (version) {
        std::printf("mosexec (mosix) %s\n", MOSIX_VERSION_STRING);
        std::exit(0);
    }

    Options o;
    if (np_opt->count() == 0) usage_error("missing -n N, the number of ranks");
    auto n = parse_count(np);
    if (!n || *n < 1 || *n > kMaxRanks)
        usage_error("-n needs a number of ranks from 1 to %lld, got '%s'", kMaxRanks, np.c_str());
    o.nranks = *n;
    if (stack_opt->count() > 0) {
        o.stack_size = parse_size(stack);
        if (!o.stack_size || *o.stack_size < kMinStack)
            usage_error("--stack-size needs a size like 512K, 8M or 1G, at least 64K, got '%s'",
                        stack.c_str());
    }
    if (rest.empty()) usage_error("no program given");
    o.command = std::move(rest);
    return o;
}

bool is_executable_file(const std::string& path) {
    struct stat st;
    return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0;
}

// Finds the program as a shell would (and as execvp does): a name with a '/' is used as given,
// relative to the current directory; a bare name is searched in PATH. Done before fork so that a
// wrong name is a clear usage error rather than an exit status from a child.
std::string find_program(const std::string& name) {
    if (name.find('/') != std::string::npos) {
        struct stat st;
        if (stat(name.c_str(), &st) != 0)
            usage_error("program '%s' not found: %s", name.c_str(), std::strerror(errno));
        if (S_ISDIR(st.st_mode)) usage_error("program '%s' is a directory", name.c_str());
        if (!is_executable_file(name)) usage_error("program '%s' is not executable", name.c_str());
        return name;
    }
    const char* env_path = std::getenv("PATH");
    std::string path = env_path ? env_path : "/usr/local/bin:/usr/bin:/bin";
    std::string not_executable;
    for (std::size_t start = 0;;) {
        std::size_t colon = path.find(':', start);
        std::string dir = path.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
        std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
        if (is_executable_file(candidate)) return candidate;
        if (not_executable.empty() && access(candidate.c_str(), F_OK) == 0) not_executable = candidate;
        if (colon == std::string::npos) break;
        start = colon + 1;
    }
    if (!not_executable.empty())
        usage_error("program '%s' (found as %s) is not an executable file", name.c_str(),
                    not_executable.c_str());
    usage_error("program '%s' not found in PATH", name.c_str());
}

void set_job_environment(const Options& o) {
    setenv("MOSIX_NRANKS", std::to_string(o.nranks).c_str(), 1);
    if (o.stack_size) setenv("MOSIX_STACK_SIZE", std::to_string(*o.stack_size).c_str(), 1);
    // UCX must not patch mmap or malloc: the slot allocator owns them (DESIGN.md, "Known traps").
    // They must be set before UCX loads, i.e. before the program starts; a user's own value wins.
    setenv("UCX_MEM_EVENTS", "n", 0);
    setenv("UCX_MEM_MALLOC_HOOKS", "n", 0);
    setenv("UCX_MEM_MALLOC_RELOC", "n", 0);
}

std::string signal_name(int sig) {
    if (const char* abbrev = sigabbrev_np(sig)) return std::string("SIG") + abbrev;
    if (sig >= SIGRTMIN && sig <= SIGRTMAX) return "SIGRTMIN+" + std::to_string(sig - SIGRTMIN);
    return "unknown signal";
}

// Starts the PE and waits for it; returns mosexec's exit status.
int run(const Options& o, const std::string& program) {
    // Signals are taken synchronously with sigwaitinfo, so there is no handler and no race with
    // the child's exit. SIGCHLD is reset in case our parent left it ignored (children would then
    // be reaped by the kernel and their status lost).
    std::signal(SIGCHLD, SIG_DFL);
    sigset_t wanted, old;
    sigemptyset(&wanted);
    for (int s : {SIGINT, SIGTERM, SIGHUP, SIGCHLD}) sigaddset(&wanted, s);
    sigprocmask(SIG_BLOCK, &wanted, &old);

    // The child reports a failed exec through this close-on-exec pipe; success closes it empty.
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) usage_error("cannot create a pipe: %s", std::strerror(errno));
    std::vector<char*> argv;
    for (const auto& a : o.command) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);

    pid_t pid = fork();
    if (pid < 0) usage_error("cannot fork: %s", std::strerror(errno));
    if (pid == 0) {
        sigprocmask(SIG_SETMASK, &old, nullptr);
        close(report[0]);
        execv(program.c_str(), argv.data());
        int err = errno;
        ssize_t ignored = write(report[1], &err, sizeof err);
        (void)ignored;
        _exit(127);
    }
    close(report[1]);
    int exec_errno = 0;
    ssize_t got;
    do got = read(report[0], &exec_errno, sizeof exec_errno);
    while (got < 0 && errno == EINTR);
    close(report[0]);
    if (got == static_cast<ssize_t>(sizeof exec_errno)) {
        waitpid(pid, nullptr, 0);
        usage_error("cannot run '%s': %s", program.c_str(), std::strerror(exec_errno));
    }

    int status = 0;
    for (;;) {
        siginfo_t info;
        if (sigwaitinfo(&wanted, &info) < 0) continue;  // EINTR
        if (info.si_signo == SIGCHLD) {
            if (waitpid(pid, &status, WNOHANG) == pid) break;
            continue;
        }
        // A signal from the terminal (Ctrl-C, hangup) already went to the child's process group,
        // and comes with SI_KERNEL; forward only those sent to mosexec alone (kill, a batch system).
        if (info.si_code != SI_KERNEL) kill(pid, info.si_signo);
    }
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        std::fprintf(stderr, "mosexec: PE 0 (pid %d) was killed by signal %d (%s)\n", static_cast<int>(pid),
                     sig, signal_name(sig).c_str());
        return 128 + sig;
    }
    return WEXITSTATUS(status);
}

}  // namespace

int main(int argc, char** argv) {
    Options o = parse_options(argc, argv);
    std::string program = find_program(o.command[0]);
    set_job_environment(o);
    return run(o, program);
}
