/* stdin_rank0.c — rank 0 reads one line from stdin and prints it; the others only wait. mosexec
 * must connect its stdin to rank 0's PE (PE 0). */
#include <mpi.h>
#include <stdio.h>

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (rank == 0) {
        char line[256];
        if (fgets(line, sizeof line, stdin))
            printf("rank 0 read: %s", line);
        else
            printf("rank 0 read nothing\n");
    }
    MPI_Barrier(MPI_COMM_WORLD);
    MPI_Finalize();
    return 0;
}
