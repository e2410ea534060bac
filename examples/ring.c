/* ring.c — passes a token around all ranks for several laps; each rank adds (its rank + 1), so
 * after L laps on n ranks the token must be L * n * (n + 1) / 2. Rank 0 checks and reports. */
#include <mpi.h>
#include <stdio.h>

enum { LAPS = 10 };

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    int rank = 0, size = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int next = (rank + 1) % size, prev = (rank + size - 1) % size;

    long long token = 0;
    for (int lap = 0; lap < LAPS; ++lap) {
        if (rank == 0) {
            token += 1;
            /* Sendrecv, not Send then Recv: with one rank, rank 0 is its own neighbour. */
            MPI_Sendrecv_replace(&token, 1, MPI_LONG_LONG, next, lap, prev, lap, MPI_COMM_WORLD,
                                 MPI_STATUS_IGNORE);
        } else {
            MPI_Recv(&token, 1, MPI_LONG_LONG, prev, lap, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            token += rank + 1;
            MPI_Send(&token, 1, MPI_LONG_LONG, next, lap, MPI_COMM_WORLD);
        }
    }

    int status = 0;
    if (rank == 0) {
        long long expected = (long long)LAPS * size * (size + 1) / 2;
        status = token != expected;
        printf("ring %s: %d ranks, %d laps, token %lld, expected %lld\n", status ? "FAILED" : "ok", size,
               LAPS, token, expected);
    }
    MPI_Finalize();
    return status;
}
