// bench_collectives.c — OSU-style latency of MPI_Barrier, MPI_Bcast, MPI_Allreduce (SUM of doubles)
// and MPI_Alltoall over all ranks of the job, at each message size given (bytes per rank; for
// Alltoall, bytes each rank sends to each other rank). One line per figure:
//   coll OP BYTES RANKS AVG_US MAX_US ITERS
// AVG_US is the mean time of one call, averaged over the ranks (osu_allreduce's "Avg Latency"),
// MAX_US the slowest rank's mean. Every figure runs about --time seconds (default 0.1;
// bench_timed.h), so 64 Open MPI processes time-sharing 2 cores finish too. The results of Bcast,
// Allreduce and Alltoall are checked once per figure, so a fast wrong answer cannot pass.
//
//   bench_collectives [--sizes 8,16384] [--time S]
//
// Plain MPI C, so Open MPI's mpicc builds it unchanged for comparison. bench/report.sh runs it.
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_timed.h"

enum { kMaxSizes = 16 };

typedef struct {
    const char* op;
    int rank, size;
    int bytes;     // per rank (Alltoall: per destination)
    double* send;  // bytes * size of room, for Alltoall
    double* recv;
} Coll;

static int count_of(const Coll* c) {
    return c->bytes / (int)sizeof(double) > 0 ? c->bytes / (int)sizeof(double) : 1;
}

static void call(Coll* c) {
    int n = count_of(c);
    if (strcmp(c->op, "barrier") == 0)
        MPI_Barrier(MPI_COMM_WORLD);
    else if (strcmp(c->op, "bcast") == 0)
        MPI_Bcast(c->send, n, MPI_DOUBLE, 0, MPI_COMM_WORLD);
    else if (strcmp(c->op, "allreduce") == 0)
        MPI_Allreduce(c->send, c->recv, n, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    else
        MPI_Alltoall(c->send, n, MPI_DOUBLE, c->recv, n, MPI_DOUBLE, MPI_COMM_WORLD);
}

static double batch(void* ctx, long iters) {
    Coll* c = (Coll*)ctx;
    MPI_Barrier(MPI_COMM_WORLD);
    double t0 = MPI_Wtime();
    for (long i = 0; i < iters; ++i) call(c);
    return MPI_Wtime() - t0;
}

// Fills the buffers so that one call gives known values, makes the call, checks them. Returns the
// number of wrong values on this rank.
static long check(Coll* c) {
    int n = count_of(c), p = c->size;
    long bad = 0;
    if (strcmp(c->op, "bcast") == 0) {
        for (int i = 0; i < n; ++i) c->send[i] = c->rank == 0 ? i + 0.5 : -1;
        call(c);
        for (int i = 0; i < n; ++i) bad += c->send[i] != i + 0.5;
    } else if (strcmp(c->op, "allreduce") == 0) {
        for (int i = 0; i < n; ++i) c->send[i] = c->rank + i;
        call(c);
        for (int i = 0; i < n; ++i) bad += c->recv[i] != (double)p * (p - 1) / 2 + (double)p * i;
    } else if (strcmp(c->op, "alltoall") == 0) {
        for (int d = 0; d < p; ++d)
            for (int i = 0; i < n; ++i) c->send[(size_t)d * n + i] = c->rank * 1000.0 + d + i * 1e-3;
        call(c);
        for (int s = 0; s < p; ++s)
            for (int i = 0; i < n; ++i) bad += c->recv[(size_t)s * n + i] != s * 1000.0 + c->rank + i * 1e-3;
    }
    return bad;
}

static int usage(int rank) {
    if (rank == 0)
        fprintf(stderr, "bench_collectives: usage: bench_collectives [--sizes B,B,...] [--time 0..60 s]\n");
    return 2;
}

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    int rank = 0, size = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    long sizes[kMaxSizes] = {8, 16384};
    int nsizes = 2;
    double target = 0.1;
    for (int i = 1; i < argc; ++i) {
        char* end = NULL;
        if (strcmp(argv[i], "--sizes") == 0 && i + 1 < argc) {
            nsizes = 0;
            for (char* p = argv[++i]; *p; p = end + (*end == ',')) {
                if (nsizes == kMaxSizes) return MPI_Finalize(), usage(rank);
                sizes[nsizes] = strtol(p, &end, 10);
                if (end == p || (*end && *end != ',') || sizes[nsizes] < 8 || sizes[nsizes] > (16L << 20))
                    return MPI_Finalize(), usage(rank);
                ++nsizes;
            }
            if (nsizes == 0) return MPI_Finalize(), usage(rank);
        } else if (strcmp(argv[i], "--time") == 0 && i + 1 < argc) {
            target = strtod(argv[++i], &end);
            if (*end || !(target > 0 && target <= 60)) return MPI_Finalize(), usage(rank);
        } else {
            return MPI_Finalize(), usage(rank);
        }
    }
    long biggest = 8;
    for (int i = 0; i < nsizes; ++i) biggest = sizes[i] > biggest ? sizes[i] : biggest;
    Coll c = {NULL, rank, size, 0, malloc((size_t)biggest * size), malloc((size_t)biggest * size)};
    if (!c.send || !c.recv) {
        fprintf(stderr, "bench_collectives: rank %d: cannot allocate 2 x %ld B\n", rank, biggest * size);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    memset(c.send, 0, (size_t)biggest * size);
    if (rank == 0) printf("# op bytes ranks avg_us max_us iters (target %g s)\n", target);
    static const char* const ops[] = {"barrier", "bcast", "allreduce", "alltoall"};
    long wrong = 0;
    for (int o = 0; o < 4; ++o) {
        for (int s = 0; s < nsizes; ++s) {
            if (o == 0 && s > 0) break;  // a barrier has no size
            c.op = ops[o];
            c.bytes = o == 0 ? 0 : (int)(sizes[s] / sizeof(double) * sizeof(double));
            long iters = 0;
            double mine = bench_timed(MPI_COMM_WORLD, batch, &c, target, 1L << 24, &iters), sum = 0, max = 0;
            MPI_Reduce(&mine, &sum, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
            MPI_Reduce(&mine, &max, 1, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
            long bad = check(&c), all_bad = 0;
            MPI_Reduce(&bad, &all_bad, 1, MPI_LONG, MPI_SUM, 0, MPI_COMM_WORLD);
            if (rank == 0) {
                if (all_bad)
                    fprintf(stderr, "bench_collectives: %s of %d B: %ld wrong values\n", c.op, c.bytes,
                            all_bad);
                printf("coll %s %d %d %.3f %.3f %ld\n", c.op, c.bytes, size, sum / size * 1e6, max * 1e6,
                       iters);
                fflush(stdout);
            }
            wrong += all_bad;
        }
    }
    free(c.recv);
    free(c.send);
    MPI_Finalize();
    return wrong != 0;
}
