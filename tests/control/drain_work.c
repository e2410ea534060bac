/* drain_work.c — the program of control.drain_pe (tests/control.cmake): ranks compute and agree
 * round after round while the test drains a PE from outside (`mosctl drain 1`), until the file
 * STOP exists; then every rank checks the job's sums and says where it ended.
 *
 * Usage: drain_work STOP [SECONDS]   (SECONDS: give up after this long, default 60)
 *
 * Each round every rank adds rank+round to a running sum through MPI_Allreduce(SUM), and checks
 * the sum against the formula: a rank that moved mid-round, or a message lost or doubled on the
 * way, shows as a wrong sum. At the end rank 0 prints "drain_work: R rounds on N ranks ok" (or
 * what went wrong), and every rank "rank K ends on PE P".
 */
#include <mosix.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* About a millisecond of arithmetic: the balancer sees work, and a round takes a while. */
static double work(int rank, long round) {
    double x = rank + 1;
    for (int i = 0; i < 200000; ++i) x = x * 0.999999 + (double)(round % 7);
    return x;
}

int main(int argc, char** argv) {
    int rank, size;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (argc < 2) {
        if (rank == 0) fprintf(stderr, "usage: drain_work STOP [SECONDS]\n");
        MPI_Finalize();
        return 2;
    }
    double limit = argc > 2 ? atof(argv[2]) : 60.0;
    double start = MPI_Wtime();
    long round = 0, wrong = 0;
    double sink = 0;
    int stop = 0;
    for (; !stop; ++round) {
        sink += work(rank, round);
        long mine = rank + round, sum = 0;
        MPI_Allreduce(&mine, &sum, 1, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
        long want = (long)size * (size - 1) / 2 + (long)size * round;
        if (sum != want) ++wrong;
        int flag = 0;
        if (rank == 0) flag = access(argv[1], F_OK) == 0 ? 1 : MPI_Wtime() - start > limit ? 2 : 0;
        MPI_Allreduce(&flag, &stop, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    }
    if (stop == 2 && rank == 0) printf("drain_work: no stop file after %.0f s\n", limit);
    long all_wrong = 0;
    MPI_Allreduce(&wrong, &all_wrong, 1, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
    int pe = -1;
    mosix_where(&pe, NULL, 0);
    printf("rank %d ends on PE %d\n", rank, pe);
    fflush(stdout);
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0) {
        if (all_wrong)
            printf("drain_work: %ld wrong sums in %ld rounds\n", all_wrong, round);
        else
            printf("drain_work: %ld rounds on %d ranks ok\n", round, size);
    }
    MPI_Finalize();
    return all_wrong || stop == 2 || sink < 0 ? 1 : 0;
}
