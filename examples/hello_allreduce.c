/* hello_allreduce.c — every rank contributes its rank to one MPI_Allreduce; the sum must be
 * n(n-1)/2 on every rank. Quiet by default so that 10000 ranks print two lines (--verbose: all). */
#include <mpi.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    int rank = 0, size = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int verbose = argc > 1 && strcmp(argv[1], "--verbose") == 0;
    if (verbose || rank == 0) printf("Hello from rank %d of %d\n", rank, size);

    long long mine = rank, sum = 0;
    MPI_Allreduce(&mine, &sum, 1, MPI_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
    long long expected = (long long)size * (size - 1) / 2;
    if (rank == 0) printf("sum %lld expected %lld\n", sum, expected);
    MPI_Finalize();
    return sum != expected;
}
