/* solver.c — 2D Jacobi heat solver: an NX x NY plate, top edge held at 100, other edges at 0.
 *
 *   mosexec -n 64 ./solver --nx 256 --ny 256 --iters 1000 --tol 1e-6
 *   mosexec -n 64 --pes 2 ./solver --migrate-every 50     # ranks hop between PEs as they work
 *
 * Rows are dealt out in contiguous blocks, so any rank count works, including more ranks than
 * rows (the extra ranks own nothing but still join every collective). Each iteration exchanges
 * one halo row with each neighbour and agrees on the largest change with MPI_Allreduce(MAX).
 *
 * The printed checksum is bit-identical for every rank count: each cell's update reads the same
 * inputs in the same order whatever the decomposition, max is exact (so the iteration count is the
 * same), and the final sum is formed at rank 0 row by row in global order, never per rank.
 *
 * --imbalance F makes a hot region of the plate (a quarter of its rows, starting at the top) cost F
 * times as much per cell — a realistic imbalance, like a refined region or costlier physics there:
 * with block placement the ranks holding it crowd some PEs. --hot-rows H sets the region's size and
 * --hot-moves K moves it down by its own height every K iterations (the costly part wanders, as a
 * shock front does). The extra work repeats the cell update into a scratch row, so the checksum
 * stays the same. mosix's balancer should even this out by moving ranks.
 *
 * --migrate-every K (mosix only) moves each rank to another PE, chosen pseudo-randomly, every K
 * iterations while it computes; the checksum must not change, since a rank's memory, its messages in
 * flight and its place in the collectives move with it. */
#include <errno.h>
#include <math.h>
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef MOSIX_MPI /* defined by mosix's mpi.h: the program still builds with any MPI */
#include <mosix.h>
#endif

enum { MAX_EDGE = 1 << 20 };

struct options {
    long nx, ny, iters;
    double tol;
    long migrate_every; /* 0: ranks stay where they start */
    long imbalance;     /* cost factor of the hot rows; 1: none */
    long hot_rows;      /* 0: a quarter of the rows */
    long hot_moves;     /* 0: the hot region stays */
    long checkpoint_at; /* 0: no checkpoint */
};

static const char usage[] =
    "usage: solver [--nx N] [--ny N] [--iters N] [--tol X] [--migrate-every K]\n"
    "              [--imbalance F [--hot-rows H] [--hot-moves K]] [--checkpoint-at K]\n"
    "  --nx, --ny         grid width and height, 3..1048576 (default 256)\n"
    "  --iters            most iterations, >= 1 (default 1000)\n"
    "  --tol              stop once no cell changes by more than X, >= 0 (default 1e-6)\n"
    "  --migrate-every K  mosix only: every K iterations each rank moves to another PE, >= 1\n"
    "  --imbalance F      cells of the hot region cost F times as much, 1..1000 (default 1)\n"
    "  --hot-rows H       rows in the hot region, >= 1 (default a quarter of --ny)\n"
    "  --hot-moves K      every K iterations the hot region moves down by H rows, >= 1\n"
    "  --checkpoint-at K  mosix only: checkpoint the job before iteration K, >= 1 (needs mosexec\n"
    "                     --checkpoint-dir; mosexec --restart then resumes from there)\n";

static int parse_long(const char* text, long lo, long hi, long* out) {
    char* end = NULL;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || end == text || *end || v < lo || v > hi) return 0;
    *out = v;
    return 1;
}

/* Returns 0 to run, 1 after --help, 2 on a bad argument (reported by rank 0 only: every rank
 * parses the same argv, so all reach the same verdict without talking). */
static int parse(int argc, char** argv, int rank, struct options* o) {
    for (int i = 1; i < argc; ++i) {
        const char* name = argv[i];
        if (!strcmp(name, "--help") || !strcmp(name, "-h")) {
            if (rank == 0) fputs(usage, stdout);
            return 1;
        }
        int known = !strcmp(name, "--nx") || !strcmp(name, "--ny") || !strcmp(name, "--iters") ||
                    !strcmp(name, "--tol") || !strcmp(name, "--migrate-every") ||
                    !strcmp(name, "--imbalance") || !strcmp(name, "--hot-rows") ||
                    !strcmp(name, "--hot-moves") || !strcmp(name, "--checkpoint-at");
        if (!known) {
            if (rank == 0) fprintf(stderr, "solver: unknown option '%s'\n%s", name, usage);
            return 2;
        }
        const char* value = i + 1 < argc ? argv[i + 1] : NULL;
        int ok = 0; /* stays 0 when the option is last, without its value */
        if (!value) {
        } else if (!strcmp(name, "--nx")) {
            ok = parse_long(value, 3, MAX_EDGE, &o->nx);
        } else if (!strcmp(name, "--ny")) {
            ok = parse_long(value, 3, MAX_EDGE, &o->ny);
        } else if (!strcmp(name, "--iters")) {
            ok = parse_long(value, 1, 1000000000L, &o->iters);
        } else if (!strcmp(name, "--migrate-every")) {
            ok = parse_long(value, 1, 1000000000L, &o->migrate_every);
        } else if (!strcmp(name, "--imbalance")) {
            ok = parse_long(value, 1, 1000, &o->imbalance);
        } else if (!strcmp(name, "--hot-rows")) {
            ok = parse_long(value, 1, MAX_EDGE, &o->hot_rows);
        } else if (!strcmp(name, "--hot-moves")) {
            ok = parse_long(value, 1, 1000000000L, &o->hot_moves);
        } else if (!strcmp(name, "--checkpoint-at")) {
            ok = parse_long(value, 1, 1000000000L, &o->checkpoint_at);
        } else {
            char* end = NULL;
            errno = 0;
            o->tol = strtod(value, &end);
            ok = !errno && end != value && !*end && isfinite(o->tol) && o->tol >= 0;
        }
        if (!ok) {
            if (rank == 0)
                fprintf(stderr, "solver: %s needs a valid value, got '%s'\n%s", name,
                        value ? value : "nothing", usage);
            return 2;
        }
        ++i;
    }
#ifndef MOSIX_MPI
    if (o->migrate_every) {
        if (rank == 0) fprintf(stderr, "solver: --migrate-every needs mosix (mosix_migrate_to)\n");
        return 2;
    }
    if (o->checkpoint_at) {
        if (rank == 0) fprintf(stderr, "solver: --checkpoint-at needs mosix (mosix_checkpoint)\n");
        return 2;
    }
#endif
    if (o->nx * o->ny > (1L << 32)) {
        if (rank == 0) fprintf(stderr, "solver: a %ld x %ld grid is too large\n", o->nx, o->ny);
        return 2;
    }
    return 0;
}

#ifdef MOSIX_MPI
/* How many PEs the job has. mosix.h has no call for it, but every PE starts with at least one rank
 * (a job never has more PEs than ranks), so it is one more than the highest PE a rank starts on.
 * Collective: every rank calls it. */
static int job_pes(void) {
    int here = 0, top = 0;
    mosix_where(&here, NULL, 0);
    MPI_Allreduce(&here, &top, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return top + 1;
}

/* Moves the calling rank to another of the npes PEs, picked by the rank's own generator *state (it
 * lives on the rank's stack: globals are shared by the ranks of a PE). Returns 1 if it moved. A
 * failed move ends the job: errors are fatal under the default handler. */
static int hop(int npes, uint64_t* state) {
    if (npes < 2) return 0;
    *state = *state * 6364136223846793005ULL + 1442695040888963407ULL; /* Knuth's MMIX LCG */
    int here = -1, now = -1;
    mosix_where(&here, NULL, 0);
    int to = (here + 1 + (int)((*state >> 33) % (uint64_t)(npes - 1))) % npes;
    mosix_migrate_to(to);
    mosix_where(&now, NULL, 0);
    if (now != to) {
        fprintf(stderr, "solver: mosix_migrate_to(%d) returned, but the rank runs on PE %d\n", to, now);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    return 1;
}
#endif

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    int rank = 0, size = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    struct options o = {256, 256, 1000, 1e-6, 0, 1, 0, 0, 0};
    int verdict = parse(argc, argv, rank, &o);
    if (verdict) {
        MPI_Finalize();
        return verdict == 1 ? 0 : 2;
    }
    const long nx = o.nx, ny = o.ny;

    /* Block decomposition of rows: the first ny % size ranks get one extra row. */
    long base = ny / size, extra = ny % size;
    long rows = base + (rank < extra);
    long first = rank * base + (rank < extra ? rank : extra);
    int owners = size < ny ? size : (int)ny; /* ranks 0..owners-1 own rows */
    int up = rank > 0 && rank < owners ? rank - 1 : MPI_PROC_NULL;
    int down = rank + 1 < owners ? rank + 1 : MPI_PROC_NULL;

    /* Local rows 1..rows, halos at 0 and rows+1. */
    size_t cells = (size_t)(rows + 2) * (size_t)nx;
    double* u = calloc(cells, sizeof *u);
    double* v = calloc(cells, sizeof *v);
    if (!u || !v) {
        fprintf(stderr, "solver: rank %d: out of memory for %ld rows\n", rank, rows);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    for (long i = 1; i <= rows; ++i)
        if (first + i - 1 == 0)
            for (long j = 0; j < nx; ++j) u[i * nx + j] = v[i * nx + j] = 100.0;

#ifdef MOSIX_MPI
    const int npes = o.migrate_every ? job_pes() : 1;
    uint64_t rng = (uint64_t)rank; /* this rank's own sequence of PEs */
#endif
    long moves = 0;
    const long hot_rows = o.hot_rows ? (o.hot_rows < ny ? o.hot_rows : ny) : (ny / 4 > 0 ? ny / 4 : 1);
    double* scratch = malloc((size_t)nx * sizeof *scratch); /* where the hot region's extra work goes */
    volatile double sink = 0;                               /* keeps that work from being optimized away */

    double t0 = MPI_Wtime();
    long iter = 0;
    double residual = 0;
    while (iter < o.iters) {
#ifdef MOSIX_MPI
        /* Staggered by rank, so some rank moves in most iterations while its neighbours' halos are
         * on the way to it, rather than all at once. */
        if (o.migrate_every && iter > 0 && (iter + rank) % o.migrate_every == 0) moves += hop(npes, &rng);
        /* Everything the rest of the run needs is in this rank's memory (stack and heap): a job
         * restarted from here, on any number of PEs, finishes exactly as this one does. */
        if (o.checkpoint_at && iter == o.checkpoint_at) mosix_checkpoint();
#endif
        MPI_Sendrecv(u + nx, rows ? (int)nx : 0, MPI_DOUBLE, up, 0, u + (rows + 1) * nx, (int)nx, MPI_DOUBLE,
                     down, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        MPI_Sendrecv(u + rows * nx, rows ? (int)nx : 0, MPI_DOUBLE, down, 1, u, (int)nx, MPI_DOUBLE, up, 1,
                     MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        double local = 0;
        long hot_first = o.hot_moves ? (iter / o.hot_moves * hot_rows) % ny : 0;
        for (long i = 1; i <= rows; ++i) {
            long g = first + i - 1;
            if (g == 0 || g == ny - 1) continue; /* fixed edges: v already holds them */
            const double* c = u + i * nx;
            double* out = v + i * nx;
            for (long j = 1; j < nx - 1; ++j) {
                out[j] = 0.25 * (c[j - nx] + c[j + nx] + c[j - 1] + c[j + 1]);
                double d = fabs(out[j] - c[j]);
                if (d > local) local = d;
            }
            long offset = (g - hot_first + ny) % ny;
            if (o.imbalance > 1 && offset < hot_rows) {
                /* The same arithmetic as the real update, so a hot cell costs F times a cold one. */
                for (long rep = 1; rep < o.imbalance; ++rep) {
                    double most = 0;
                    for (long j = 1; j < nx - 1; ++j) {
                        scratch[j] = 0.25 * (c[j - nx] + c[j + nx] + c[j - 1] + c[j + 1]) + (double)rep;
                        double d = fabs(scratch[j] - c[j]);
                        if (d > most) most = d;
                    }
                    sink = sink + most;
                }
            }
        }
        MPI_Allreduce(&local, &residual, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
        double* t = u;
        u = v;
        v = t;
        ++iter;
        if (residual <= o.tol) break;
    }
    double elapsed = MPI_Wtime() - t0;
    long all_moves = 0;
    if (o.migrate_every) MPI_Reduce(&moves, &all_moves, 1, MPI_LONG, MPI_SUM, 0, MPI_COMM_WORLD);

    /* Row sums gathered in global row order and added at rank 0 in that order. */
    double* sums = malloc((size_t)(rows ? rows : 1) * sizeof *sums);
    for (long i = 1; i <= rows; ++i) {
        double s = 0;
        for (long j = 0; j < nx; ++j) s += u[i * nx + j];
        sums[i - 1] = s;
    }
    int* counts = NULL;
    int* displs = NULL;
    double* all = NULL;
    if (rank == 0) {
        counts = malloc((size_t)size * sizeof *counts);
        displs = malloc((size_t)size * sizeof *displs);
        all = malloc((size_t)ny * sizeof *all);
        for (int r = 0; r < size; ++r) {
            counts[r] = (int)(base + (r < extra));
            displs[r] = (int)(r * base + (r < extra ? r : extra));
        }
    }
    MPI_Gatherv(sums, (int)rows, MPI_DOUBLE, all, counts, displs, MPI_DOUBLE, 0, MPI_COMM_WORLD);
    if (rank == 0) {
        double checksum = 0;
        for (long i = 0; i < ny; ++i) checksum += all[i];
        printf("grid %ld x %ld, %d ranks\n", nx, ny, size);
        printf("iterations %ld residual %.17g\n", iter, residual);
        printf("checksum %.17g\n", checksum);
        printf("time %.3f s\n", elapsed);
        if (o.migrate_every) printf("migrations %ld\n", all_moves);
    }
    free(all);
    free(displs);
    free(counts);
    free(sums);
    free(u);
    free(v);
    free(scratch);
    MPI_Finalize();
    return 0;
}
