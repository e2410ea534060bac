// mosexec_options.hpp — mosexec's command line: what the user asked for, checked, and the one-line
// usage errors (exit status 2) every part of mosexec reports before the job starts.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace mosexec {

struct Options {
    long long nranks = 0;
    std::optional<long long> pes;  // --pes; unset = choose from the hosts or this machine's cores
    std::optional<unsigned long long> stack_size;
    std::optional<std::string> host_list;  // --host, as given
    std::optional<std::string> hostfile;   // --hostfile, as given
    bool dry_run = false;
    bool tag_output = false;
    std::vector<std::string> mpirun_args;      // --mpirun-arg, in order
    std::optional<std::string> lb;             // --lb: off, greedy or refine
    std::optional<std::string> lb_period;      // --lb-period, seconds as given (checked)
    std::optional<std::string> gossip_period;  // --gossip-period, seconds as given (checked)
    // --checkpoint-dir, made absolute and created; with --restart alone, the restored checkpoint's
    // root, so that the restarted job goes on checkpointing where it left off.
    std::optional<std::string> checkpoint_dir;
    std::optional<int> checkpoint_keep;        // --checkpoint-keep, 1..1000
    std::optional<int> checkpoint_compress;    // --checkpoint-compress: zstd level 1..19
    std::optional<double> checkpoint_every_s;  // --checkpoint-every, in seconds
    std::optional<std::string> restart;        // --restart, made absolute; -n is the checkpoint's rank count
    // --restart-on-failure: how many times a job whose PE died is started again from its newest
    // checkpoint (0: never).
    int restart_on_failure = 0;
    // --rank-per-pe (or MOSIX_RANK_PER_PE=1): at most one rank per PE, at least as many PEs as ranks.
    bool rank_per_pe = false;
    std::optional<std::string> report;  // --report FILE.html (and FILE.json beside it)
    int verbose = 0;                   // -v, repeatable
    bool topology = false;             // --topology: report where things would go (-n and program optional)
    std::vector<std::string> command;  // program and its arguments
};

// Parses and validates argv; prints help or version and exits 0 when asked, exits 2 on an error.
Options parse_options(int argc, char** argv);

// Every error mosexec detects before the program runs is one line on stderr, then exit status 2.
[[noreturn]] __attribute__((format(printf, 1, 2))) void usage_error(const char* fmt, ...);

}  // namespace mosexec
