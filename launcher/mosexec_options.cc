// mosexec_options.cc — parsing mosexec's command line with getopt_long.
//
// getopt_long rather than a richer parser because an option's value may itself start with '-'
// (`--mpirun-arg --mca`), which getopt takes as given; "+" stops at the program's name, so the
// program's own arguments are never looked at.
#include "mosexec_options.hpp"

#include <getopt.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "runtime/checkpoint_format.hpp"

#ifndef MOSIX_VERSION_STRING
#define MOSIX_VERSION_STRING "unknown"
#endif

namespace mosexec {

namespace {

constexpr long long kMaxRanks = 1LL << 24;  // the runtime's limit (runtime.cc, read_config)
constexpr unsigned long long kMinStack = 64ULL * 1024;
constexpr int kMaxCheckpointKeep = 1000;

constexpr const char* kUsage = R"(Usage: mosexec [options] -n N program [args...]
       mosexec [options] --restart P program [args...]

Runs N ranks of an MPI program built with mosixcc/mosixcxx, CMake's mosix::mpi or pkg-config mosix,
on one or more PEs (processes), on this machine or on several hosts.

Options:
  -n, -np, --np N          number of ranks, 1 to 16777216 (required unless --restart)
      --pes P              number of PEs, 1 to N (default: the slots of --host/--hostfile, the
                           Slurm allocation's tasks, or this machine's cores; at most N; more if
                           a PE would hold more ranks than vm.max_map_count allows, ~30,000)
      --rank-per-pe        at most one rank per PE, for programs with mutable globals: the
                           program's globals then belong to its rank and move with it. Starts
                           max(N, default PEs) PEs (--pes P: at least N); ranks move only to PEs
                           that hold none. Also MOSIX_RANK_PER_PE=1 (docs/rank-memory.md)
      --host LIST          hosts as name[:slots],... e.g. node1:4,node2:4 (default: this machine)
      --hostfile FILE      hosts in an Open MPI hostfile: lines "name [slots=N]"
      --tag-output         prefix every line of output with the PE it came from: "[pe 3] "
      --mpirun-arg ARG     pass ARG on to mpirun (repeat for several: --mpirun-arg --mca ...)
      --stack-size SIZE    stack of each rank, e.g. 512K, 8M, 1G (at least 64K; default 8M)
      --dry-run            print the command that would start the job, and exit
      --lb MODE            automatic load balancing: refine (default: a few moves at a time),
                           greedy (full rebalance each period) or off
      --lb-period S        seconds between balancing decisions (default 1)
      --gossip-period S    seconds between load reports to a random PE (default: half of --lb-period)
      --checkpoint-dir D   where mosix_checkpoint() writes checkpoints, as D/ckpt-N (created if
                           missing; default with --restart: the directory P's checkpoint is in)
      --checkpoint-keep K  committed checkpoints to keep, 1 to 1000 (default 2)
      --checkpoint-every T also checkpoint every T (like 90, 30s, 10m, 2h) after the last one, at the
                           job's next collective on MPI_COMM_WORLD; needs --checkpoint-dir
      --checkpoint-compress[=L]  compress checkpoints with zstd at level L, 1 to 19 (default 1)
      --restart P          restart the job from checkpoint P, or from the newest one in directory P;
                           -n defaults to its rank count, and the program must be the same build
      --restart-on-failure[=N]  when a PE dies (killed, crashed, its host lost), start the job again
                           from the newest checkpoint in --checkpoint-dir, at most N times
                           (default 3); needs --checkpoint-dir or --restart
      --topology           print this host's topology (hwloc) and where the PEs and ranks would go,
                           then exit 0 without running anything (-n and the program are optional)
      --report FILE.html   at the end, write a report of the run: each PE's load over time, the
                           migrations, the traffic between PEs (a page with pictures), and the
                           same data as JSON in FILE.json
  -v, --verbose            log the balancer's decisions (rank, from, to, why); twice: also each
                           PE's measured load, speed and memory every period
  -h, --help               print this help and exit
      --version            print the version and exit

Options end at the program name: everything after it is passed to the program untouched
(use -- before a program whose name starts with '-').

One PE on this machine runs the program directly; more PEs, a host list or --tag-output start
through Open MPI's mpirun, which must be in PATH. The program must be at the same path on every
host, and so must mosexec, which runs beside each PE.

While the job runs, mosctl acts on it (mosctl list, mosctl migrate RANK PE; see mosctl --help).

Exit status: the program's (the first failing PE's); 128+S if a PE was killed by signal S or
mosexec was stopped by signal S; 2 if mosexec could not start the job.
)";

enum LongOnly {
    kPes = 256,
    kHost,
    kHostfile,
    kTagOutput,
    kMpirunArg,
    kStackSize,
    kDryRun,
    kVersion,
    kLb,
    kLbPeriod,
    kGossipPeriod,
    kTopology,
    kCheckpointDir,
    kCheckpointKeep,
    kRestart,
    kRestartOnFailure,
    kCheckpointCompress,
    kCheckpointEvery,
    kReport,
    kRankPerPe,
};

// A period in seconds for the runtime: a plain decimal between 0.01 and 3600.
bool valid_period(const std::string& text) {
    char* end = nullptr;
    errno = 0;
    double s = std::strtod(text.c_str(), &end);
    return !errno && end != text.c_str() && *end == '\0' && s >= 0.01 && s <= 3600;
}

// "90", "30s", "10m", "2h", "1.5h": seconds, between 1 s and 30 days.
std::optional<double> parse_duration(const std::string& text) {
    char* end = nullptr;
    errno = 0;
    double v = std::strtod(text.c_str(), &end);
    if (errno || end == text.c_str()) return std::nullopt;
    std::string unit(end);
    double scale = unit.empty() || unit == "s" ? 1 : unit == "m" ? 60 : unit == "h" ? 3600 : 0;
    double seconds = v * scale;
    if (scale == 0 || !(seconds >= 1 && seconds <= 30 * 86400.0)) return std::nullopt;
    return seconds;
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

// `given` as an absolute path, for PEs that may start in another directory (a remote host's
// daemon): "." components, repeated and trailing slashes dropped; ".." is kept, as only the
// file system knows what it leads to through a symbolic link.
std::string absolute_path(const std::string& given, const char* flag) {
    if (given.empty()) usage_error("%s needs a path, got ''", flag);
    std::error_code ec;
    std::filesystem::path whole = std::filesystem::absolute(given, ec);
    if (ec) usage_error("%s '%s': %s", flag, given.c_str(), ec.message().c_str());
    std::filesystem::path clean;
    for (const auto& part : whole)
        if (!part.empty() && part != ".") clean /= part;
    return clean.string();
}

// --checkpoint-dir: made like `mkdir -p`, so that the PEs find a directory they can write in.
std::string make_checkpoint_dir(const std::string& given) {
    std::string dir = absolute_path(given, "--checkpoint-dir");
    struct stat st;
    if (stat(dir.c_str(), &st) != 0) {
        std::error_code ec;
        std::filesystem::create_directories(dir, ec);
        if (ec || stat(dir.c_str(), &st) != 0)
            usage_error("--checkpoint-dir '%s' cannot be created: %s", given.c_str(),
                        (ec ? ec.message() : std::string(std::strerror(errno))).c_str());
    }
    if (!S_ISDIR(st.st_mode)) usage_error("--checkpoint-dir '%s' is not a directory", given.c_str());
    if (access(dir.c_str(), W_OK | X_OK) != 0)
        usage_error("--checkpoint-dir '%s' cannot be written to: %s", given.c_str(), std::strerror(errno));
    return dir;
}

}  // namespace

void usage_error(const char* fmt, ...) {
    std::va_list ap;
    va_start(ap, fmt);
    std::fputs("mosexec: ", stderr);
    std::vfprintf(stderr, fmt, ap);
    std::fputs(" (see mosexec --help)\n", stderr);
    va_end(ap);
    std::exit(2);
}

Options parse_options(int argc, char** argv) {
    static const option kLong[] = {
        {"np", required_argument, nullptr, 'n'},
        {"pes", required_argument, nullptr, kPes},
        {"host", required_argument, nullptr, kHost},
        {"hostfile", required_argument, nullptr, kHostfile},
        {"tag-output", no_argument, nullptr, kTagOutput},
        {"mpirun-arg", required_argument, nullptr, kMpirunArg},
        {"stack-size", required_argument, nullptr, kStackSize},
        {"dry-run", no_argument, nullptr, kDryRun},
        {"help", no_argument, nullptr, 'h'},
        {"version", no_argument, nullptr, kVersion},
        {"lb", required_argument, nullptr, kLb},
        {"lb-period", required_argument, nullptr, kLbPeriod},
        {"gossip-period", required_argument, nullptr, kGossipPeriod},
        {"verbose", no_argument, nullptr, 'v'},
        {"topology", no_argument, nullptr, kTopology},
        {"checkpoint-dir", required_argument, nullptr, kCheckpointDir},
        {"checkpoint-keep", required_argument, nullptr, kCheckpointKeep},
        {"restart", required_argument, nullptr, kRestart},
        {"restart-on-failure", optional_argument, nullptr, kRestartOnFailure},
        {"checkpoint-compress", optional_argument, nullptr, kCheckpointCompress},
        {"checkpoint-every", required_argument, nullptr, kCheckpointEvery},
        {"report", required_argument, nullptr, kReport},
        {"rank-per-pe", no_argument, nullptr, kRankPerPe},
        {nullptr, 0, nullptr, 0},
    };
    Options o;
    std::optional<std::string> np, pes, stack, checkpoint_dir, checkpoint_keep, restart, restart_on_failure,
        checkpoint_compress, checkpoint_every;
    bool help = false, version = false;
    opterr = 0;  // our own messages, one line each
    optind = 1;
    for (int c; (c = getopt_long(argc, argv, "+:n:hv", kLong, nullptr)) != -1;) {
        switch (c) {
            case 'n':
                // mpirun's "-np N": getopt reads it as -n with the value "p".
                if (std::strcmp(argv[optind - 1], "-np") == 0) {
                    if (optind >= argc) usage_error("option -np needs a value");
                    np = argv[optind++];
                } else {
                    np = optarg;
                }
                break;
            case kPes:
                pes = optarg;
                break;
            case kHost:
                o.host_list = optarg;
                break;
            case kHostfile:
                o.hostfile = optarg;
                break;
            case kTagOutput:
                o.tag_output = true;
                break;
            case kMpirunArg:
                o.mpirun_args.emplace_back(optarg);
                break;
            case kStackSize:
                stack = optarg;
                break;
            case kDryRun:
                o.dry_run = true;
                break;
            case 'h':
                help = true;
                break;
            case kVersion:
                version = true;
                break;
            case kLb:
                o.lb = optarg;
                break;
            case kLbPeriod:
                o.lb_period = optarg;
                break;
            case kGossipPeriod:
                o.gossip_period = optarg;
                break;
            case 'v':
                ++o.verbose;
                break;
            case kTopology:
                o.topology = true;
                break;
            case kCheckpointDir:
                checkpoint_dir = optarg;
                break;
            case kCheckpointKeep:
                checkpoint_keep = optarg;
                break;
            case kRestart:
                restart = optarg;
                break;
            case kRestartOnFailure:
                restart_on_failure = optarg ? optarg : "3";
                break;
            case kCheckpointCompress:
                checkpoint_compress = optarg ? optarg : "1";
                break;
            case kCheckpointEvery:
                checkpoint_every = optarg;
                break;
            case kReport:
                if (!*optarg) usage_error("--report needs a file name (like run.html)");
                o.report = optarg;
                break;
            case kRankPerPe:
                o.rank_per_pe = true;
                break;
            case ':': {
                std::string name = argv[optind - 1];
                usage_error("option %s needs a value", name.substr(0, name.find('=')).c_str());
            }
            default: {  // '?': not one of ours
                std::string name = optopt ? std::string("-") + static_cast<char>(optopt) : argv[optind - 1];
                usage_error("unknown option '%s'", name.substr(0, name.find('=')).c_str());
            }
        }
    }
    if (help) {
        std::fputs(kUsage, stdout);
        std::exit(0);
    }
    if (version) {
        std::printf("mosexec (mosix) %s\n", MOSIX_VERSION_STRING);
        std::exit(0);
    }

    if (!np && !restart && !o.topology) usage_error("missing -n N, the number of ranks");
    if (np) {
        auto n = parse_count(*np);
        if (!n || *n < 1 || *n > kMaxRanks)
            usage_error("-n needs a number of ranks from 1 to %lld, got '%s'", kMaxRanks, np->c_str());
        o.nranks = *n;
    }
    if (checkpoint_keep) {
        auto k = parse_count(*checkpoint_keep);
        if (!k || *k < 1 || *k > kMaxCheckpointKeep)
            usage_error("--checkpoint-keep needs a count between 1 and %d, got '%s'", kMaxCheckpointKeep,
                        checkpoint_keep->c_str());
        o.checkpoint_keep = static_cast<int>(*k);
    }
    if (restart) {
        // The checkpoint's manifest says how many ranks it holds; the PEs read the rest themselves
        // (and check that the program is the build that made it).
        o.restart = absolute_path(*restart, "--restart");
        mosix::rt::ckpt::CheckpointReader reader(*o.restart);
        if (!reader.ok()) usage_error("cannot restart from %s: %s", restart->c_str(), reader.error().c_str());
        if (reader.nranks() < 1 || reader.nranks() > kMaxRanks)
            usage_error("cannot restart from %s: checkpoint %s holds %d ranks", restart->c_str(),
                        reader.path().c_str(), reader.nranks());
        if (np && o.nranks != reader.nranks())
            usage_error("--restart %s: the checkpoint holds %d ranks, -n asked for %lld", restart->c_str(),
                        reader.nranks(), o.nranks);
        o.nranks = reader.nranks();
        o.restart = reader.path();  // the PEs open exactly the checkpoint checked here
        if (!checkpoint_dir) o.checkpoint_dir = std::filesystem::path(reader.path()).parent_path().string();
    }
    if (checkpoint_compress) {
        auto level = parse_count(*checkpoint_compress);
        if (!level || *level < 1 || *level > 19)
            usage_error("--checkpoint-compress needs a zstd level between 1 and 19, got '%s'",
                        checkpoint_compress->c_str());
        o.checkpoint_compress = static_cast<int>(*level);
    }
    if (checkpoint_every) {
        auto seconds = parse_duration(*checkpoint_every);
        if (!seconds)
            usage_error("--checkpoint-every needs a time like 90, 30s, 10m or 2h (1 s to 30 days), got '%s'",
                        checkpoint_every->c_str());
        if (!checkpoint_dir && !restart)
            usage_error("--checkpoint-every needs --checkpoint-dir (where the checkpoints go)");
        o.checkpoint_every_s = *seconds;
    }
    if (restart_on_failure) {
        auto k = parse_count(*restart_on_failure);
        if (!k || *k < 1 || *k > 100)
            usage_error("--restart-on-failure needs a count between 1 and 100, got '%s'",
                        restart_on_failure->c_str());
        if (!checkpoint_dir && !restart)
            usage_error(
                "--restart-on-failure needs --checkpoint-dir (where the checkpoints to restart from are)");
        o.restart_on_failure = static_cast<int>(*k);
    }
    if (const char* v = std::getenv("MOSIX_RANK_PER_PE"); v && !o.rank_per_pe) {
        if (std::strcmp(v, "0") != 0 && std::strcmp(v, "1") != 0)
            usage_error("MOSIX_RANK_PER_PE needs 0 or 1, got '%s'", v);
        o.rank_per_pe = v[0] == '1';
    }
    bool nranks_known = np || restart;
    if (pes) {
        auto p = parse_count(*pes);
        if ((!p || *p < 1) && nranks_known)
            usage_error("--pes needs a number of PEs from 1 to %lld, got '%s'", o.nranks, pes->c_str());
        if (!p || *p < 1) usage_error("--pes needs a number of PEs of at least 1, got '%s'", pes->c_str());
        if (nranks_known && *p > o.nranks && !o.rank_per_pe)
            usage_error("--pes %lld is more than the %lld ranks (spare PEs only with --rank-per-pe)", *p,
                        o.nranks);
        if (nranks_known && *p < o.nranks && o.rank_per_pe)
            usage_error(
                "--rank-per-pe needs at least one PE per rank: --pes %lld is fewer than the %lld ranks", *p,
                o.nranks);
        o.pes = *p;
    }
    if (stack) {
        o.stack_size = parse_size(*stack);
        if (!o.stack_size || *o.stack_size < kMinStack)
            usage_error("--stack-size needs a size like 512K, 8M or 1G, at least 64K, got '%s'",
                        stack->c_str());
    }
    if (o.lb && *o.lb != "off" && *o.lb != "greedy" && *o.lb != "refine")
        usage_error("--lb needs off, greedy or refine, got '%s'", o.lb->c_str());
    if (o.lb_period && !valid_period(*o.lb_period))
        usage_error("--lb-period needs seconds between 0.01 and 3600, got '%s'", o.lb_period->c_str());
    if (o.gossip_period && !valid_period(*o.gossip_period))
        usage_error("--gossip-period needs seconds between 0.01 and 3600, got '%s'",
                    o.gossip_period->c_str());
    if (o.host_list && o.hostfile) usage_error("--host and --hostfile cannot be used together");
    if (o.topology) return o;  // nothing runs: the program, if any, is not looked at
    // Made even for --dry-run, so that the command it prints also works typed by hand.
    if (checkpoint_dir) o.checkpoint_dir = make_checkpoint_dir(*checkpoint_dir);
    if (optind >= argc && restart)
        usage_error("no program given: --restart needs the program that made the checkpoint");
    if (optind >= argc) usage_error("no program given");
    o.command.assign(argv + optind, argv + argc);
    return o;
}

}  // namespace mosexec
