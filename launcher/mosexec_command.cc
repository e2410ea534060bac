// mosexec_command.cc — building the job's command line.
#include "mosexec_command.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <set>

#include "mosexec_hosts.hpp"
#include "mosexec_map_limit.hpp"
#include "runtime/map_budget.hpp"

extern char** environ;

namespace mosexec {

namespace {

bool is_executable_file(const std::string& path) {
    struct stat st;
    return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0;
}

// Searches PATH like execvp; returns the first executable match, or nothing.
std::optional<std::string> search_path(const std::string& name, std::string* not_executable) {
    const char* env_path = std::getenv("PATH");
    std::string path = env_path ? env_path : "/usr/local/bin:/usr/bin:/bin";
    for (std::size_t start = 0;;) {
        std::size_t colon = path.find(':', start);
        std::string dir = path.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
        std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
        if (is_executable_file(candidate)) return candidate;
        if (not_executable && not_executable->empty() && access(candidate.c_str(), F_OK) == 0)
            *not_executable = candidate;
        if (colon == std::string::npos) return std::nullopt;
        start = colon + 1;
    }
}

// Finds the program as a shell would (and as execvp does): a name with a '/' is used as given,
// relative to the current directory; a bare name is searched in PATH. Done before anything starts
// so that a wrong name is a clear usage error rather than an exit status from a PE.
std::string find_program(const std::string& name) {
    if (name.find('/') != std::string::npos) {
        struct stat st;
        if (stat(name.c_str(), &st) != 0)
            usage_error("program '%s' not found: %s", name.c_str(), std::strerror(errno));
        if (S_ISDIR(st.st_mode)) usage_error("program '%s' is a directory", name.c_str());
        if (!is_executable_file(name)) usage_error("program '%s' is not executable", name.c_str());
        return name;
    }
    std::string not_executable;
    if (auto found = search_path(name, &not_executable)) return *found;
    if (!not_executable.empty())
        usage_error("program '%s' (found as %s) is not an executable file", name.c_str(),
                    not_executable.c_str());
    usage_error("program '%s' not found in PATH", name.c_str());
}

// PEs may start in another directory (a remote host's daemon), so they get absolute paths.
std::string absolute(const std::string& path) {
    if (path.starts_with('/')) return path;
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd)) usage_error("cannot tell the current directory: %s", std::strerror(errno));
    return std::string(cwd) + "/" + (path.starts_with("./") ? path.substr(2) : path);
}

std::string self_path() {
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) usage_error("cannot find mosexec's own path: %s", std::strerror(errno));
    return std::string(buf, static_cast<std::size_t>(n));
}

// Debian installs Open MPI's as mpirun.openmpi; a bare mpirun may be another MPI's.
std::string find_mpirun(long long pes) {
    for (const char* name : {"mpirun.openmpi", "mpirun"})
        if (auto found = search_path(name, nullptr)) return *found;
    usage_error(
        "cannot find Open MPI's mpirun in PATH, which starts the %lld PEs (Debian package openmpi-bin)", pes);
}

std::string effective(const char* name, const char* fallback) {
    const char* v = std::getenv(name);
    return v ? v : fallback;
}

std::string shell_quote(const std::string& word) {
    if (!word.empty() && word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                "0123456789-_./:=,+@%") == std::string::npos)
        return word;
    std::string quoted = "'";
    for (char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

}  // namespace

Launch plan_launch(const Options& o) {
    std::vector<Host> hosts;
    if (o.host_list) hosts = parse_host_list(*o.host_list);
    if (o.hostfile) hosts = read_hostfile(*o.hostfile);

    Launch l;
    l.nranks = o.nranks;
    long long cores = 0;  // where PEs can each have a core of their own
    if (!hosts.empty())
        cores = total_slots(hosts);
    else if (auto slurm = slurm_pes())
        cores = *slurm;
    else
        cores = local_cores();
    l.pes = o.pes ? *o.pes : cores;
    // One rank per PE: a PE for every rank, and the cores' spare PEs to move ranks to.
    l.pes = o.rank_per_pe ? std::max(l.pes, o.nranks) : std::min(l.pes, o.nranks);
    // A PE maps two areas per rank: enough PEs that each stays under the kernel's mapping limit.
    if (!o.rank_per_pe)
        l.pes = fit_pes_to_map_limit(o.nranks, l.pes, o.pes.has_value(), cores,
                                     mosix::rt::read_max_map_count(), true);
    if (o.rank_per_pe && o.nranks > cores)
        std::fprintf(
            stderr, "mosexec: warning: --rank-per-pe with %lld ranks on %lld cores: ranks share cores%s\n",
            o.nranks, cores, l.pes > o.nranks ? "" : "; no spare PE to move a rank to (--pes adds some)");
    // One PE here needs no launcher: the runtime runs all ranks in this process (and starts fast).
    // --tag-output goes through the agent even then, since the agent is what tags lines.
    l.via_mpirun = l.pes > 1 || !hosts.empty() || o.tag_output;

    l.env.emplace_back("MOSIX_NRANKS", std::to_string(o.nranks));
    l.env.emplace_back("MOSIX_PES", std::to_string(l.pes));
    if (o.stack_size) l.env.emplace_back("MOSIX_STACK_SIZE", std::to_string(*o.stack_size));
    if (o.lb) l.env.emplace_back("MOSIX_LB", *o.lb);
    if (o.lb_period) l.env.emplace_back("MOSIX_LB_PERIOD", *o.lb_period);
    if (o.gossip_period) l.env.emplace_back("MOSIX_GOSSIP_PERIOD", *o.gossip_period);
    if (o.checkpoint_dir) l.env.emplace_back("MOSIX_CHECKPOINT_DIR", *o.checkpoint_dir);
    if (o.checkpoint_keep) l.env.emplace_back("MOSIX_CHECKPOINT_KEEP", std::to_string(*o.checkpoint_keep));
    if (o.checkpoint_every_s)
        l.env.emplace_back("MOSIX_CHECKPOINT_EVERY", std::to_string(*o.checkpoint_every_s));
    if (o.checkpoint_compress)
        l.env.emplace_back("MOSIX_CHECKPOINT_COMPRESS", "zstd:" + std::to_string(*o.checkpoint_compress));
    if (o.restart) l.env.emplace_back("MOSIX_RESTART", *o.restart);
    if (o.verbose) l.env.emplace_back("MOSIX_VERBOSE", std::to_string(o.verbose));
    if (o.rank_per_pe) l.env.emplace_back("MOSIX_RANK_PER_PE", "1");
    // UCX must not patch mmap or malloc: the slot allocator owns them (DESIGN.md, "Known traps").
    // They must be set before UCX loads, i.e. before the program starts; a user's own value wins.
    for (const char* name : {"UCX_MEM_EVENTS", "UCX_MEM_MALLOC_HOOKS", "UCX_MEM_MALLOC_RELOC"})
        l.env.emplace_back(name, effective(name, "n"));

    std::string program = find_program(o.command[0]);
    l.program = o.command;
    l.program[0] = absolute(program);
    if (!l.via_mpirun) {
        l.path = program;
        l.argv = o.command;
        return l;
    }

    l.env.emplace_back(kAgentVariable, "");  // filled in by the supervisor once it listens
    l.path = find_mpirun(l.pes);
    l.argv = {l.path, "-np", std::to_string(l.pes), "--bind-to", "none", "--oversubscribe"};
    // PEs bind themselves, one per core of their host (runtime/affinity.cc); mpirun binding them too
    // would put every remote host's first PE on core 0.
    if (geteuid() == 0) l.argv.emplace_back("--allow-run-as-root");
    // mpirun passes only the variables named with -x to other hosts: the job's own and every
    // MOSIX_* and UCX_* setting the user made.
    std::set<std::string> names;
    for (const auto& [name, value] : l.env) names.insert(name);
    for (char** e = environ; *e; ++e) {
        std::string var = *e;
        std::string name = var.substr(0, var.find('='));
        if (name.starts_with("MOSIX_") || name.starts_with("UCX_")) names.insert(name);
    }
    for (const std::string& name : names) l.argv.insert(l.argv.end(), {"-x", name});
    if (o.host_list) l.argv.insert(l.argv.end(), {"--host", *o.host_list});
    if (o.hostfile) l.argv.insert(l.argv.end(), {"--hostfile", *o.hostfile});
    l.argv.insert(l.argv.end(), o.mpirun_args.begin(), o.mpirun_args.end());
    l.argv.insert(l.argv.end(), {self_path(), kAgentFlag, absolute(program)});
    l.argv.insert(l.argv.end(), o.command.begin() + 1, o.command.end());
    return l;
}

void apply_environment(const Launch& launch) {
    for (const auto& [name, value] : launch.env) setenv(name.c_str(), value.c_str(), 1);
}

std::string command_line(const Launch& launch) {
    std::string line;
    // Appended piece by piece: GCC 12 at -O3 warns (wrongly, -Wrestrict) on "literal" + string&&.
    for (const auto& [name, value] : launch.env) {
        line += name;
        line += '=';
        line += shell_quote(value);
        line += ' ';
    }
    line += shell_quote(launch.path);
    for (std::size_t i = 1; i < launch.argv.size(); ++i) {
        line += ' ';
        line += shell_quote(launch.argv[i]);
    }
    return line;
}

}  // namespace mosexec
