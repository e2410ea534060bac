/* collective.c — issue 5: the collective balance point mosix_balance() moves ranks off a loaded PE.
 *
 *   mosexec -n 16 --pes 2 --lb-period 3600 --gossip-period 0.1 collective [--iters N] [--every K]
 *           [--unit STEPS] [--heavy F]
 *
 * Ranks 0..n/2-1 do F times (default 4) the work of the others in every iteration: a chain of STEPS
 * (default 1000000) steps of a 64-bit linear congruential generator per unit of work, a computation
 * the compiler cannot shortcut (each step needs the previous one). Block placement puts the heavy
 * ranks together on the first PEs, so the job starts out of balance. Every K iterations (default 10)
 * every rank calls mosix_balance() (every other time as MPIX_Migrate(MPI_INFO_NULL)) and compares
 * mosix_where() before and after it.
 *
 * Checked, by the program itself:
 *  - after every iteration, an MPI_Allreduce(SUM) of every rank's generator state equals the sum
 *    each rank works out alone, by jumping every rank's generator ahead in O(log steps) (so a rank
 *    whose state did not survive a move, or a collective that lost a contribution, is caught);
 *  - with the balancer on (MOSIX_LB unset or not "off"): at least one rank changed PE inside a
 *    mosix_balance() call; with MOSIX_LB=off (mosexec --lb off): nobody moved at all;
 *  - moves outside mosix_balance() are counted and printed ("elsewhere"): with --lb-period 3600 the
 *    periodic balancer never decides, so the test expects 0 there and every move is the collective's.
 *
 * Output: rank 0 prints one line,
 *   collective ok: N ranks, lb MODE, C balance calls, M ranks moved at mosix_balance, E moved
 *   elsewhere, checksum 0x...
 * or "collective FAILED: ..." (and the job ends with status 1). Status 2: bad usage.
 *
 * Rank state lives on the stack and in the rank's heap, never in mutable globals (those belong to a
 * PE and would not travel with the rank).
 */
#include <inttypes.h>
#include <mosix.h>
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Knuth's MMIX generator: x' = A x + C (mod 2^64). */
static const uint64_t kA = 6364136223846793005ULL;
static const uint64_t kC = 1442695040888963407ULL;

struct options {
    long iters, every, unit, heavy;
};

/* STEPS steps of the generator, one after the other: the busy work. */
static uint64_t run_steps(uint64_t x, long steps) {
    for (long i = 0; i < steps; ++i) x = x * kA + kC;
    return x;
}

/* The same result as run_steps(x, steps), in O(log steps): the affine map x -> A x + C composed
 * with itself by squaring (Brown, "Random number generation with arbitrary strides"). */
static uint64_t jump(uint64_t x, uint64_t steps) {
    uint64_t acc_mult = 1, acc_plus = 0, cur_mult = kA, cur_plus = kC;
    while (steps > 0) { /* bounded: one pass per bit of steps */
        if (steps & 1) {
            acc_mult *= cur_mult;
            acc_plus = acc_plus * cur_mult + cur_plus;
        }
        cur_plus = (cur_mult + 1) * cur_plus;
        cur_mult *= cur_mult;
        steps >>= 1;
    }
    return acc_mult * x + acc_plus;
}

static uint64_t seed_of(int rank) { return 0x9e3779b97f4a7c15ULL * (uint64_t)(rank + 1); }

static long units_of(int rank, int size, const struct options* o) { return rank < size / 2 ? o->heavy : 1; }

static int where(void) {
    int pe = -1;
    mosix_where(&pe, NULL, 0);
    return pe;
}

static int parse_long(const char* text, long lo, long hi, long* out) {
    char* end = NULL;
    long v = text ? strtol(text, &end, 10) : 0;
    if (!text || end == text || *end || v < lo || v > hi) return 0;
    *out = v;
    return 1;
}

/* 0: run; 2: bad usage (reported by rank 0 only: every rank parses the same argv). */
static int parse(int argc, char** argv, int rank, struct options* o) {
    for (int i = 1; i < argc; i += 2) {
        const char* v = i + 1 < argc ? argv[i + 1] : NULL;
        int ok = !strcmp(argv[i], "--iters")   ? parse_long(v, 1, 100000, &o->iters)
                 : !strcmp(argv[i], "--every") ? parse_long(v, 1, 100000, &o->every)
                 : !strcmp(argv[i], "--unit")  ? parse_long(v, 1, 1000000000L, &o->unit)
                 : !strcmp(argv[i], "--heavy") ? parse_long(v, 1, 1000, &o->heavy)
                                               : 0;
        if (!ok) {
            if (rank == 0)
                fprintf(stderr,
                        "usage: collective [--iters N] [--every K] [--unit STEPS] [--heavy F] (bad '%s')\n",
                        argv[i]);
            return 2;
        }
    }
    return 0;
}

static void fail(int rank, const char* what, long iter, uint64_t got, uint64_t want) {
    fprintf(stderr,
            "collective FAILED: rank %d on PE %d, iteration %ld: %s: 0x%016" PRIx64 ", want 0x%016" PRIx64
            "\n",
            rank, where(), iter, what, got, want);
    MPI_Abort(MPI_COMM_WORLD, 1);
}

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    int rank = 0, size = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    struct options o = {40, 10, 1000000, 4};
    if (parse(argc, argv, rank, &o)) {
        MPI_Finalize();
        return 2;
    }
    const char* lb = getenv("MOSIX_LB"); /* mosexec --lb sets it; unset means the default, refine */
    const int lb_off = lb && !strcmp(lb, "off");

    /* The generator state lives in the rank's heap, so it must travel with the rank. */
    uint64_t* state = malloc(sizeof *state);
    if (!state) fail(rank, "out of memory", -1, 0, 0);
    *state = seed_of(rank);
    long calls = 0, moved_at_balance = 0, moved_elsewhere = 0;
    int pe = where();

    for (long iter = 0; iter < o.iters; ++iter) {
        *state = run_steps(*state, o.unit * units_of(rank, size, &o));
        uint64_t sum = 0;
        MPI_Allreduce(state, &sum, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
        uint64_t want = 0, own = 0;
        for (int r = 0; r < size; ++r) {
            uint64_t steps = (uint64_t)o.unit * (uint64_t)units_of(r, size, &o) * (uint64_t)(iter + 1);
            uint64_t x = jump(seed_of(r), steps);
            want += x;
            if (r == rank) own = x;
        }
        if (*state != own) fail(rank, "own generator state", iter, *state, own);
        if (sum != want) fail(rank, "Allreduce of the generator states", iter, sum, want);

        int before = where();
        if (before != pe) ++moved_elsewhere; /* moved by someone other than mosix_balance */
        if (iter % o.every == o.every - 1) {
            ++calls;
            /* Every other time through the MPI-style name an MPI program would use. */
            if (calls % 2)
                mosix_balance();
            else
                MPIX_Migrate(MPI_INFO_NULL);
            int after = where();
            if (after != before) ++moved_at_balance;
            before = after;
        }
        pe = before;
    }

    long mine[2] = {moved_at_balance, moved_elsewhere}, all[2] = {0, 0};
    MPI_Reduce(mine, all, 2, MPI_LONG, MPI_SUM, 0, MPI_COMM_WORLD);
    uint64_t check = 0;
    MPI_Allreduce(state, &check, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
    if (rank == 0) {
        const char* mode = lb ? lb : "refine";
        if (!lb_off && all[0] == 0) {
            fprintf(stderr, "collective FAILED: lb %s, %ld mosix_balance calls, no rank moved at any\n", mode,
                    calls);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
        if (lb_off && all[0] + all[1] != 0) {
            fprintf(stderr, "collective FAILED: lb off, yet %ld moves at mosix_balance and %ld elsewhere\n",
                    all[0], all[1]);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
        printf(
            "collective ok: %d ranks, lb %s, %ld balance calls, %ld ranks moved at mosix_balance, %ld moved "
            "elsewhere, checksum 0x%016" PRIx64 "\n",
            size, mode, calls, all[0], all[1], check);
    }
    free(state);
    MPI_Finalize();
    return 0;
}
