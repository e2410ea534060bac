// mosexec — starts a job: `mosexec [options] -n N program [args...]`.
//
// mosexec puts the job's shape in the environment (MOSIX_NRANKS, MOSIX_PES, MOSIX_STACK_SIZE) and
// starts the PEs; the runtime linked into the program runs the ranks as fibers on them. One PE on
// this machine is started directly (mosexec_direct); more PEs, or other hosts, go through Open
// MPI's mpirun, which serves PMIx to the PEs, with one mosexec agent beside each PE
// (mosexec_agent, mosexec_supervise). mosexec stays the parent of what it starts so that it can
// forward signals, say how a PE ended, and leave nothing of the job running.
//
//   mosexec_options   command line          mosexec_hosts     hosts, cores, Slurm
//   mosexec_command   the command to run    mosexec_spawn     fork/exec, signals
//   mosexec_direct    one PE, no mpirun     mosexec_supervise a job through mpirun
//   mosexec_agent     beside each PE        mosexec_wire      agent <-> mosexec frames
//   mosexec_output    lines to the terminal mosexec_proctree  killing what is left
//   mosexec_report    how a PE ended, in words      mosexec_topology  --topology
//
// Every job also listens for operator commands (mosctl) on a Unix socket of its own, which only
// its user can reach, and passes them on to PE 0's runtime:
//
//   control_socket    where, and the protocol   mosexec_control   the socket's server
//   mosexec_requests  what mosctl may ask       mosexec_control_pipe  the last leg, to a PE
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "control_socket.hpp"
#include "mosexec_agent.hpp"
#include "mosexec_command.hpp"
#include "mosexec_direct.hpp"
#include "mosexec_options.hpp"
#include "mosexec_run_report.hpp"
#include "mosexec_stats.hpp"
#include "mosexec_supervise.hpp"
#include "mosexec_topology.hpp"
#include "runtime/checkpoint_format.hpp"

int main(int argc, char** argv) {
    using namespace mosexec;
    if (argc > 1 && std::strcmp(argv[1], kAgentFlag) == 0) return run_agent(argc, argv);
    // A control descriptor mosexec inherited (mosexec run by a PE of another job) is that job's:
    // this job's PEs get their own, and must not see the other one.
    unsetenv(mosix::control::kFdVariable);
    Options o = parse_options(argc, argv);
    if (o.topology) return print_topology(o);
    Launch launch = plan_launch(o);
    if (o.dry_run) {
        std::printf("%s\n", command_line(launch).c_str());
        return 0;
    }
    apply_environment(launch);
    JobStats stats(getpid(), launch.nranks, launch.pes, launch.program);
    // The report covers the run as it went, whatever its end (a failed run is worth looking at).
    auto reported = [&](int status) {
        if (!o.report) return status;
        if (std::string why = write_run_report(*o.report, stats); !why.empty()) {
            std::fprintf(stderr, "mosexec: no run report: %s\n", why.c_str());
            return status ? status : 1;
        }
        return status;
    };
    if (!launch.via_mpirun) return reported(run_direct(launch, &stats));
    for (int restarts = 0;; ++restarts) {
        bool pe_lost = false;
        int status = supervise(launch, o.tag_output, &stats, &pe_lost);
        if (status == 0 || !pe_lost || restarts >= o.restart_on_failure) return reported(status);
        // Recovery: the newest committed checkpoint (a half-written one is never read).
        mosix::rt::ckpt::CheckpointReader newest(*o.checkpoint_dir);
        if (!newest.ok()) {
            std::fprintf(stderr, "mosexec: a PE was lost and there is no checkpoint to restart from (%s)\n",
                         newest.error().c_str());
            return reported(status);
        }
        std::fprintf(stderr,
                     "mosexec: a PE was lost: restarting the job from %s (restart %d of at most %d)\n",
                     newest.path().c_str(), restarts + 1, o.restart_on_failure);
        o.restart = newest.path();
        launch = plan_launch(o);
        apply_environment(launch);
    }
}
