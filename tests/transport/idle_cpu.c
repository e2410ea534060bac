/* idle_cpu.c — a PE whose ranks all wait must sleep, not spin: rank 0 (PE 0) computes nothing for
 * two seconds before it sends, while the last rank (on the last PE) waits in MPI_Recv. The waiting
 * PE's CPU time over those seconds must stay far below the wall time. */
#include <mpi.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

static double cpu_seconds(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 + (double)ru.ru_stime.tv_sec +
           ru.ru_stime.tv_usec * 1e-6;
}

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    int rank = 0, size = 0, token = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0) {
        sleep(2); /* the whole of PE 0 sleeps: nothing for the other PE to receive meanwhile */
        token = 42;
        MPI_Send(&token, 1, MPI_INT, size - 1, 0, MPI_COMM_WORLD);
    } else if (rank == size - 1) {
        double cpu0 = cpu_seconds(), wall0 = MPI_Wtime();
        MPI_Recv(&token, 1, MPI_INT, 0, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        double cpu = cpu_seconds() - cpu0, wall = MPI_Wtime() - wall0;
        printf("waiting PE used %.3f s of CPU in %.3f s (token %d)\n", cpu, wall, token);
        if (token != 42 || wall < 1.5 || cpu > 0.25 * wall) {
            printf("FAIL: an idle PE must not burn CPU\n");
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
        printf("idle ok\n");
    }
    MPI_Finalize();
    return 0;
}
