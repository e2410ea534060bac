// bench_allreduce.cc — latency of an 8-byte MPI_Allreduce(SUM) over all ranks of the job (run it
// with -n 64): the mean time of many back-to-back calls after warm-up, as rank 0 sees it, and the
// slowest rank's mean. Checks the sums so a fast wrong answer cannot pass.
//
// Plain MPI C, so Open MPI's mpicc builds it unchanged for comparison.
#include <mpi.h>
#include <stdio.h>

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    int rank = 0, size = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const int warmup = 200, iters = 5000;
    long long mine = rank, sum = 0, expected = (long long)size * (size - 1) / 2;
    int bad = 0;
    double t0 = 0;
    MPI_Barrier(MPI_COMM_WORLD);
    for (int i = 0; i < warmup + iters; ++i) {
        if (i == warmup) t0 = MPI_Wtime();
        MPI_Allreduce(&mine, &sum, 1, MPI_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
        bad |= sum != expected;
    }
    double mean = (MPI_Wtime() - t0) / iters, slowest = 0;
    int any_bad = 0;
    MPI_Reduce(&mean, &slowest, 1, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
    MPI_Reduce(&bad, &any_bad, 1, MPI_INT, MPI_LOR, 0, MPI_COMM_WORLD);
    if (rank == 0) {
        char label[64];
        snprintf(label, sizeof label, "allreduce 8 B, %d ranks", size);
        printf("%-34s %12s\n", "bench_allreduce", "value");
        printf("%-34s %9.3f us\n", label, mean * 1e6);
        printf("%-34s %9.3f us\n", "  slowest rank", slowest * 1e6);
        if (any_bad) printf("WRONG SUM: expected %lld\n", expected);
    }
    MPI_Finalize();
    return any_bad;
}
