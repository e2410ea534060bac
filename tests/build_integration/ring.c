/* ring.c — the MPI program every build-integration test builds: a token goes once around the
 * ring (each rank adds its rank), then an allreduce checks the same sum. Rank 0 prints
 * "ring on N ranks: sum S" when both agree with N(N-1)/2, and the exit status says the rest. */
#include <mpi.h>
#include <stdio.h>

int main(int argc, char** argv) {
    int rank, size, token = 0, sum = 0;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int next = (rank + 1) % size, prev = (rank + size - 1) % size;
    if (size == 1) {
        token = 0;
    } else if (rank == 0) {
        MPI_Send(&token, 1, MPI_INT, next, 0, MPI_COMM_WORLD);
        MPI_Recv(&token, 1, MPI_INT, prev, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    } else {
        MPI_Recv(&token, 1, MPI_INT, prev, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        token += rank;
        MPI_Send(&token, 1, MPI_INT, next, 0, MPI_COMM_WORLD);
    }
    MPI_Allreduce(&rank, &sum, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    int expected = size * (size - 1) / 2;
    int ok = sum == expected && (rank != 0 || token == expected);
    if (rank == 0 && ok) printf("ring on %d ranks: sum %d\n", size, sum);
    if (!ok) fprintf(stderr, "rank %d: token %d, sum %d, expected %d\n", rank, token, sum, expected);
    MPI_Finalize();
    return ok ? 0 : 1;
}
