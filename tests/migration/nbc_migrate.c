/* nbc_migrate.c — ranks migrate while their nonblocking collectives are under way.
 *
 *   mosexec -n 64 --pes 2 nbc_migrate [--rounds R] [--no-migrate]
 *
 * Every round each rank starts, on MPI_COMM_WORLD and on a communicator split three ways: small
 * and large (rendezvous-sized) Iallreduce, a large Ibcast from a root that changes every round,
 * Ialltoall, Igather, Iscan and Ibarrier. With all of them under way it moves to another PE
 * (mosix_migrate_to) about every other round, lets them advance a little (MPI_Testany, a ring of
 * MPI_Sendrecv), may move again with them half done, and only then waits for all of them. Every
 * result is compared with its closed form. Then an NBX exchange (MPI_Issend, an MPI_Iprobe loop,
 * MPI_Ibarrier) in which ranks move between starting the Ibarrier and its completion.
 *
 * Rank state lives on the stack and the rank's heap, never in globals (those stay with the PE).
 * Output: rank 0 prints `nbc_migrate ok: N ranks, R rounds, M migrations`; a wrong result names the
 * rank and check and ends the job with status 1. Status 2: bad usage.
 */
#include <mosix.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                                          \
    do {                                                                                                     \
        if (!(cond)) {                                                                                       \
            fprintf(stderr, "rank %d: round %d: %s:%d: check failed: %s\n", rank, round, __FILE__, __LINE__, \
                    #cond);                                                                                  \
            MPI_Abort(MPI_COMM_WORLD, 1);                                                                    \
        }                                                                                                    \
    } while (0)

enum { kLarge = 20000, kBcastBytes = 100000, kNbc = 8 };

static unsigned next_random(unsigned* s) {
    *s = *s * 1103515245u + 12345u;
    return *s >> 8;
}

/* Moves to another PE with probability 1/2; returns 1 if it moved (checked with mosix_where). */
static int maybe_move(unsigned* rng, int npes, int migrate, int rank, int round) {
    if (!migrate || npes < 2 || next_random(rng) % 2) return 0;
    int here = -1;
    mosix_where(&here, NULL, 0);
    int to = (here + 1 + (int)(next_random(rng) % (unsigned)(npes - 1))) % npes;
    CHECK(mosix_migrate_to(to) == MPI_SUCCESS);
    int now = -1;
    mosix_where(&now, NULL, 0);
    CHECK(now == to);
    return 1;
}

int main(int argc, char** argv) {
    int rounds = 12, migrate = 1;
    for (int i = 1; i < argc; ++i) {
        if (!strcmp(argv[i], "--rounds") && i + 1 < argc && atoi(argv[i + 1]) > 0) {
            rounds = atoi(argv[++i]);
        } else if (!strcmp(argv[i], "--no-migrate")) {
            migrate = 0;
        } else {
            fprintf(stderr, "usage: nbc_migrate [--rounds R] [--no-migrate]\n");
            return 2;
        }
    }
    MPI_Init(&argc, &argv);
    int rank = 0, size = 0, npes = 1, round = -1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mosix_npes(&npes);
    MPI_Comm third;
    MPI_Comm_split(MPI_COMM_WORLD, rank % 3, rank, &third);
    int trank = 0, tsize = 0;
    MPI_Comm_rank(third, &trank);
    MPI_Comm_size(third, &tsize);

    unsigned rng = 0x9e3779b9u * (unsigned)(rank + 1);
    int moves = 0;
    int* big = malloc(kLarge * sizeof(int));
    int* big_sum = malloc(kLarge * sizeof(int));
    unsigned char* bc = malloc(kBcastBytes);
    int* a2a_out = malloc(size * sizeof(int));
    int* a2a_in = malloc(size * sizeof(int));
    int* gathered = malloc(size * sizeof(int));
    for (round = 0; round < rounds; ++round) {
        MPI_Request req[kNbc];
        int small = rank + round, small_sum = -1;
        for (int j = 0; j < kLarge; ++j) big[j] = rank * (j % 7) + round;
        const int root = round % size, groot = (round * 7 + 3) % size;
        for (int j = 0; j < kBcastBytes; ++j) bc[j] = rank == root ? (unsigned char)(j * 13 + round) : 0;
        for (int i = 0; i < size; ++i) a2a_out[i] = 1000 * rank + i + round;
        int scan_in = trank + 1, scan_out = -1, tsum_in = rank, tsum = -1;
        MPI_Iallreduce(&small, &small_sum, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD, &req[0]);
        MPI_Iallreduce(big, big_sum, kLarge, MPI_INT, MPI_SUM, MPI_COMM_WORLD, &req[1]);
        MPI_Ibcast(bc, kBcastBytes, MPI_UNSIGNED_CHAR, root, MPI_COMM_WORLD, &req[2]);
        MPI_Ialltoall(a2a_out, 1, MPI_INT, a2a_in, 1, MPI_INT, MPI_COMM_WORLD, &req[3]);
        MPI_Igather(&rank, 1, MPI_INT, gathered, 1, MPI_INT, groot, MPI_COMM_WORLD, &req[4]);
        MPI_Iscan(&scan_in, &scan_out, 1, MPI_INT, MPI_SUM, third, &req[5]);
        MPI_Iallreduce(&tsum_in, &tsum, 1, MPI_INT, MPI_SUM, third, &req[6]);
        MPI_Ibarrier(MPI_COMM_WORLD, &req[7]);

        moves += maybe_move(&rng, npes, migrate, rank, round);
        for (int k = 0; k < 3; ++k) {
            int idx = -1, flag = 0;
            MPI_Testany(kNbc, req, &idx, &flag, MPI_STATUS_IGNORE);
        }
        int right = (rank + 1) % size, left = (rank + size - 1) % size, got = -1;
        MPI_Sendrecv(&rank, 1, MPI_INT, right, round, &got, 1, MPI_INT, left, round, MPI_COMM_WORLD,
                     MPI_STATUS_IGNORE);
        CHECK(got == left);
        moves += maybe_move(&rng, npes, migrate, rank, round);
        MPI_Waitall(kNbc, req, MPI_STATUSES_IGNORE);

        CHECK(small_sum == size * (size - 1) / 2 + size * round);
        for (int j = 0; j < kLarge; j += 37)
            CHECK(big_sum[j] == (j % 7) * size * (size - 1) / 2 + size * round);
        for (int j = 0; j < kBcastBytes; j += 101) CHECK(bc[j] == (unsigned char)(j * 13 + round));
        for (int i = 0; i < size; ++i) CHECK(a2a_in[i] == 1000 * i + rank + round);
        if (rank == groot)
            for (int i = 0; i < size; ++i) CHECK(gathered[i] == i);
        CHECK(scan_out == (trank + 1) * (trank + 2) / 2);
        int expect_tsum = 0;
        for (int i = rank % 3; i < size; i += 3) expect_tsum += i;
        CHECK(tsum == expect_tsum);
    }

    /* NBX with moves between starting the Ibarrier and its completion, whether or not every message
     * to the moving rank is in yet: an MPI_Issend completes only when its receive matches it
     * (lib/sync_send.hpp), so one whose bytes moved with its receiver, or were forwarded, still holds
     * its sender out of the Ibarrier until then, and none is lost. */
    round = rounds;
    int expected = 0;
    for (int r = 0; r < size && size > 1; ++r) {
        int t0 = (r + 1) % size, t1 = (r + 5) % size;
        expected += t0 == rank;
        expected += t1 == rank && t1 != r && t1 != t0;
    }
    int targets[2] = {(rank + 1) % size, (rank + 5) % size}, nt = 0;
    if (size > 1) nt = targets[1] == rank || targets[1] == targets[0] ? 1 : 2;
    int payload[2] = {rank, rank};
    MPI_Request sends[2];
    for (int k = 0; k < nt; ++k)
        MPI_Issend(&payload[k], 1, MPI_INT, targets[k], 99, MPI_COMM_WORLD, &sends[k]);
    MPI_Request barrier = MPI_REQUEST_NULL;
    int received = 0, done = 0, in_barrier = 0, moved_in_barrier = 0;
    while (!done) {
        int flag = 0;
        MPI_Status st;
        MPI_Iprobe(MPI_ANY_SOURCE, 99, MPI_COMM_WORLD, &flag, &st);
        if (flag) {
            int v = -1;
            MPI_Recv(&v, 1, MPI_INT, st.MPI_SOURCE, 99, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            CHECK(v == st.MPI_SOURCE);
            ++received;
        }
        if (!in_barrier) {
            int sent = 0;
            MPI_Testall(nt, sends, &sent, MPI_STATUSES_IGNORE);
            if (sent) {
                MPI_Ibarrier(MPI_COMM_WORLD, &barrier);
                in_barrier = 1;
            }
        } else {
            if (!moved_in_barrier) {
                moves += maybe_move(&rng, npes, migrate, rank, round);
                moved_in_barrier = 1;
            }
            MPI_Test(&barrier, &done, MPI_STATUS_IGNORE);
        }
    }
    CHECK(received == expected);

    int total_moves = 0;
    MPI_Reduce(&moves, &total_moves, 1, MPI_INT, MPI_SUM, 0, MPI_COMM_WORLD);
    if (rank == 0) printf("nbc_migrate ok: %d ranks, %d rounds, %d migrations\n", size, rounds, total_moves);
    free(big), free(big_sum), free(bc), free(a2a_out), free(a2a_in), free(gathered);
    MPI_Comm_free(&third);
    MPI_Finalize();
    return 0;
}
