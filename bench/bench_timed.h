// bench_timed.h — how many iterations a measurement runs, chosen at run time so each lasts about
// the same wall-clock time whatever it costs: 200 000 round trips take 20 ms on one PE of mosix but
// ~15 minutes between two Open MPI processes time-sharing one core (every round trip waits for a
// time slice). OSU's fixed iteration counts cannot serve both; a time target can.
//
// Shared by the sweeps of bench_p2p.c and bench_collectives.c. Plain MPI C, so Open MPI's mpicc
// builds it unchanged. Every rank of `comm` must call bench_timed() with the same arguments.
#ifndef MOSIX_BENCH_TIMED_H
#define MOSIX_BENCH_TIMED_H

#include <mpi.h>

// One batch of `iters` iterations of the measured operation; returns the seconds it took as the
// calling rank saw it.
typedef double (*bench_batch_fn)(void* ctx, long iters);

// Warms up and calibrates with batches of 1, 2, 4, ... iterations until one is long enough to go by
// (16 iterations and a tenth of `target` seconds, or 4 and `target`, or 4 times `target`, or
// `max_iters`), then runs the measured batch: about `target` seconds at the fastest calibration
// batch's pace (at least 1, at most `max_iters` iterations), stopped after 3 times `target`. Rank 0
// of `comm` decides and broadcasts every step, so all ranks run the same counts. Returns the measured
// batch's seconds per iteration on this rank and its iteration count in *iters_out.
static inline double bench_timed(MPI_Comm comm, bench_batch_fn batch, void* ctx, double target,
                                 long max_iters, long* iters_out) {
    int rank = 0;
    MPI_Comm_rank(comm, &rank);
    long n = 1;
    double per_iter = 0;
    for (;;) {
        double t = batch(ctx, n);
        int done = 0;
        if (rank == 0) {
            // The fastest batch so far: one that a busy machine preempted must not shrink the count.
            if (per_iter == 0 || t / (double)n < per_iter) per_iter = t / (double)n;
            // At least 16 iterations, or 4 when they already last the target: a batch of 1 or 2 is
            // mostly first-time costs, and on a busy machine one preemption makes it look slow. One
            // that lasts 4 targets is neither.
            done =
                (t >= target / 10 && n >= 16) || (t >= target && n >= 4) || t >= 4 * target || n >= max_iters;
        }
        MPI_Bcast(&done, 1, MPI_INT, 0, comm);
        if (done) break;
        n *= 2;
    }
    long iters = 1;
    if (rank == 0 && per_iter > 0) {
        double want = target / per_iter;
        iters = want < 1 ? 1 : want > (double)max_iters ? max_iters : (long)want;
    }
    MPI_Bcast(&iters, 1, MPI_LONG, 0, comm);
    // In 8 parts, so that a batch the fastest calibration underestimated (a machine that got busy)
    // stops after 3 times the target instead of running on.
    long part = iters / 8 > 0 ? iters / 8 : 1, done_iters = 0;
    double seconds = 0;
    while (done_iters < iters) {
        long k = iters - done_iters < part ? iters - done_iters : part;
        seconds += batch(ctx, k);
        done_iters += k;
        int stop = rank == 0 && seconds >= 3 * target;
        MPI_Bcast(&stop, 1, MPI_INT, 0, comm);
        if (stop) break;
    }
    *iters_out = done_iters;
    return seconds / (double)done_iters;
}

#endif
