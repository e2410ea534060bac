/* profiling.c — the MPI profiling interface: the program defines its own MPI_Send and
 * MPI_Allreduce, which count their calls and do the work through PMPI_Send and PMPI_Allreduce;
 * the calls the program makes must go through them, and the results must be right. */
#include "check.h"

static int sends, allreduces; /* one rank per process under Open MPI; per PE under mosix (see below) */

int MPI_Send(const void* buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm) {
    ++sends;
    return PMPI_Send(buf, count, datatype, dest, tag, comm);
}

int MPI_Allreduce(const void* sendbuf, void* recvbuf, int count, MPI_Datatype datatype, MPI_Op op,
                  MPI_Comm comm) {
    ++allreduces;
    return PMPI_Allreduce(sendbuf, recvbuf, count, datatype, op, comm);
}

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    /* Counted on rank 0 only: under mosix the counters are globals shared by the ranks of a PE,
     * and only rank 0 sends and reduces between two reads of them. */
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0) {
        int before = sends;
        for (int r = 1; r < size; ++r) MPI_Send(&r, 1, MPI_INT, r, 4, MPI_COMM_WORLD);
        CHECK(sends - before == size - 1);
    } else {
        int v = -1;
        MPI_Recv(&v, 1, MPI_INT, 0, 4, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        CHECK(v == rank);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    int mine = rank + 1, sum = 0, before = allreduces;
    MPI_Allreduce(&mine, &sum, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    CHECK(sum == size * (size + 1) / 2);
    if (rank == 0) CHECK(allreduces > before);
    SAY("profiling: MPI_Send and MPI_Allreduce went through the program's own, which called PMPI_\n");
    SAY("profiling on %d ranks\n", size);
    MPI_Finalize();
    return 0;
}
