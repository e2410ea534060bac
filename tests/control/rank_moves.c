/* rank_moves.c — the program of control.migrate_running_job (tests/control.cmake): rank 3 watches
 * where it runs while the test asks from outside, with `mosctl migrate 3 1`, that it move.
 *
 * Usage: rank_moves [TARGET_PE [SECONDS]]   (defaults: 1 and 20)
 *
 * Rank 3 prints "rank 3 starts on PE P", then asks mosix_where about every 20 ms and prints each
 * change as "rank 3 moved from PE A to PE B". Every rank follows rank 3's verdict: the job ends
 * once rank 3 is on TARGET_PE (exit status 0), or after SECONDS with "rank 3 still on PE P after
 * S s" (exit status 1).
 *
 * The verdict travels by MPI_Allreduce, not MPI_Bcast from rank 3: as a broadcast's root rank 3
 * would never wait for anyone, so its PE's scheduler (which reads operator commands between rank
 * switches) would not run until the loop ended.
 */
#include <mosix.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { kWatcher = 3, kKeepGoing = 0, kArrived = 1, kTimedOut = 2 };
enum { kNapMs = 20, kMaxRounds = 100000 }; /* the round cap only bounds a clock gone wrong */

/* Sleeps the whole PE, not just rank 3: the other ranks of the PE wait in MPI_Allreduce anyway. */
static void nap(void) {
    struct timespec t = {0, kNapMs * 1000000L};
    nanosleep(&t, NULL);
}

int main(int argc, char** argv) {
    int rank, size;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int target = argc > 1 ? atoi(argv[1]) : 1;
    double limit = argc > 2 ? atof(argv[2]) : 20.0;
    if (size <= kWatcher) {
        if (rank == 0) fprintf(stderr, "rank_moves: needs at least %d ranks\n", kWatcher + 1);
        MPI_Finalize();
        return 2;
    }

    int pe = -1, last = -1, verdict = kKeepGoing;
    double start = MPI_Wtime();
    for (int round = 0; verdict == kKeepGoing; ++round) {
        int mine = kKeepGoing;
        if (rank == kWatcher) {
            mosix_where(&pe, NULL, 0);
            if (last < 0)
                printf("rank 3 starts on PE %d\n", pe);
            else if (pe != last)
                printf("rank 3 moved from PE %d to PE %d\n", last, pe);
            fflush(stdout);
            last = pe;
            if (pe == target)
                mine = kArrived;
            else if (MPI_Wtime() - start > limit || round >= kMaxRounds)
                mine = kTimedOut;
            else
                nap();
        }
        MPI_Allreduce(&mine, &verdict, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    }
    if (rank == kWatcher && verdict == kTimedOut) printf("rank 3 still on PE %d after %.0f s\n", pe, limit);
    MPI_Finalize();
    return verdict == kArrived ? 0 : 1;
}
