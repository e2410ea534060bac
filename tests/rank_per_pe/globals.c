/* globals.c — a program with mutable globals, as many MPI codes have them: a global counter, a
 * global table each rank fills with its own data, a static pointer to memory the rank allocated.
 *
 * Each round every rank bumps the counter, rewrites the table with values only it would write,
 * meets the others (MPI_Allreduce: a yield point, where other ranks of the same PE run) and then
 * checks that its globals still hold what it wrote. That holds only if no other rank shares its
 * process: under plain mosexec (several ranks per PE) the program reports the globals WRONG and
 * exits 1 — the documented limit; under mosexec --rank-per-pe it prints "globals ok".
 *
 *   --rounds R          rounds (default 20)
 *   --migrate           each round one rank moves to a PE that holds no rank (there must be one)
 *   --collide           rank 0 first asks to move onto rank 1's PE and must be refused
 *   --checkpoint-round K  mosix_checkpoint() in round K (needs mosexec --checkpoint-dir)
 *
 * Rank 0 prints "globals ok: N ranks, R rounds, M migrations (H between hosts), checksum 0x..." when every rank
 * kept its globals (the checksum sums every rank's table: a restarted job must reach the same). */
#include <mosix.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TABLE 4096

int counter;                       /* .bss */
int generation = 1000;             /* .data */
static double table[TABLE];        /* .bss, filled by each rank with its own values */
static long *history;              /* the rank's own heap memory, reached through a global */
static unsigned long long checksum = 0x9e3779b97f4a7c15ULL;

static double value(int rank, int round, int i) { return rank * 1e6 + round * 1e3 + i; }

static void fill(int rank, int round) {
    for (int i = 0; i < TABLE; ++i) table[i] = value(rank, round, i);
    history[round] = (long)rank * 100000 + round;
    ++counter;
    ++generation;
}

/* 1 if this rank's globals hold what it wrote in `round`. */
static int intact(int rank, int round) {
    if (counter != round + 1 || generation != 1000 + round + 1) return 0;
    for (int i = 0; i < TABLE; ++i)
        if (table[i] != value(rank, round, i)) return 0;
    for (int k = 0; k <= round; ++k)
        if (history[k] != (long)rank * 100000 + k) return 0;
    return 1;
}

static void mix(unsigned long long v) { checksum = (checksum ^ v) * 0x100000001b3ULL; }

/* The PE of every rank, and the lowest PE none is on (-1 if all hold one). */
static int free_pe(int size, int npes) {
    int *where = malloc(sizeof(int) * (size_t)size);
    int me;
    mosix_where(&me, NULL, 0);
    MPI_Allgather(&me, 1, MPI_INT, where, 1, MPI_INT, MPI_COMM_WORLD);
    int found = -1;
    for (int pe = 0; pe < npes && found < 0; ++pe) {
        int taken = 0;
        for (int r = 0; r < size; ++r) taken |= where[r] == pe;
        if (!taken) found = pe;
    }
    free(where);
    return found;
}

int main(int argc, char **argv) {
    int rounds = 20, migrate = 0, collide = 0, checkpoint_round = -1;
    for (int i = 1; i < argc; ++i) {
        if (!strcmp(argv[i], "--rounds") && i + 1 < argc) rounds = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--migrate")) migrate = 1;
        else if (!strcmp(argv[i], "--collide")) collide = 1;
        else if (!strcmp(argv[i], "--checkpoint-round") && i + 1 < argc) checkpoint_round = atoi(argv[++i]);
        else {
            fprintf(stderr, "globals: unknown argument '%s'\n", argv[i]);
            return 2;
        }
    }
    if (rounds < 1 || rounds > 10000) {
        fprintf(stderr, "globals: --rounds needs 1 to 10000\n");
        return 2;
    }
    MPI_Init(&argc, &argv);
    int rank, size, npes;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mosix_npes(&npes);
    long *own = malloc(sizeof(long) * (size_t)rounds); /* freed through a local: the global may be another rank's */
    history = own;

    if (collide && size > 1) {
        int pe1 = -1, mine = -1;
        mosix_where(&mine, NULL, 0);
        if (rank == 1) mosix_where(&pe1, NULL, 0);
        MPI_Bcast(&pe1, 1, MPI_INT, 1, MPI_COMM_WORLD);
        if (rank == 0) {
            MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
            int err = mosix_migrate_to(pe1);
            int now = -1;
            mosix_where(&now, NULL, 0);
            MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL);
            if (err != MPI_ERR_OTHER || now != mine) {
                printf("globals: rank 0 was let onto rank 1's PE %d (error %d, now on PE %d)\n", pe1, err, now);
                MPI_Abort(MPI_COMM_WORLD, 1);
            }
            printf("globals: the move onto PE %d, which holds rank 1, was refused\n", pe1);
        }
    }

    int wrong = 0, moves = 0, host_moves = 0;
    for (int round = 0; round < rounds; ++round) {
        fill(rank, round);
        int fine = 1;
        MPI_Allreduce(MPI_IN_PLACE, &fine, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD); /* others run here */
        if (migrate) {
            int target = free_pe(size, npes);
            if (target >= 0 && rank == round % size) {
                char before[256], after[256];
                mosix_where(NULL, before, sizeof before);
                if (mosix_migrate_to(target) != MPI_SUCCESS) MPI_Abort(MPI_COMM_WORLD, 1);
                mosix_where(NULL, after, sizeof after);
                host_moves += strcmp(before, after) != 0;
            }
            moves += target >= 0;
        }
        if (round == checkpoint_round) mosix_checkpoint();
        if (!intact(rank, round)) ++wrong;
        for (int i = 0; i < TABLE; i += 64) mix((unsigned long long)table[i]);
    }

    int wrong_ranks = wrong > 0, total_wrong = 0;
    MPI_Reduce(&wrong_ranks, &total_wrong, 1, MPI_INT, MPI_SUM, 0, MPI_COMM_WORLD);
    int all_host_moves = 0;
    MPI_Reduce(&host_moves, &all_host_moves, 1, MPI_INT, MPI_SUM, 0, MPI_COMM_WORLD);
    unsigned long long all[2] = {checksum, 0}, sum = 0;
    MPI_Reduce(&all[0], &sum, 1, MPI_UNSIGNED_LONG_LONG, MPI_BXOR, 0, MPI_COMM_WORLD);
    if (rank == 0) {
        if (total_wrong)
            printf("globals WRONG: %d of %d ranks found other ranks' data in their globals\n", total_wrong, size);
        else
            printf("globals ok: %d ranks, %d rounds, %d migrations (%d between hosts), checksum 0x%llx\n", size,
                   rounds, moves, all_host_moves, sum);
    }
    free(own);
    MPI_Finalize();
    return total_wrong ? 1 : 0;
}
