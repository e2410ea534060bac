/* memory_split.c — MPI_Alloc_mem/MPI_Free_mem, MPI_Get_address with the MPI_Aint helpers, and
 * MPI_Comm_split_type(MPI_COMM_TYPE_SHARED), which on one host holds every rank. */
#include "check.h"

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    double* mem = NULL;
    MPI_Alloc_mem(1000 * (MPI_Aint)sizeof(double), MPI_INFO_NULL, &mem);
    CHECK(mem != NULL);
    for (int i = 0; i < 1000; ++i) mem[i] = rank + i;
    double sum = 0;
    for (int i = 0; i < 1000; ++i) sum += mem[i];
    CHECK(sum == 1000.0 * rank + 999.0 * 1000 / 2);
    MPI_Aint a0, a9;
    MPI_Get_address(&mem[0], &a0);
    MPI_Get_address(&mem[9], &a9);
    CHECK(MPI_Aint_diff(a9, a0) == 9 * (MPI_Aint)sizeof(double));
    CHECK(MPI_Aint_add(a0, 9 * (MPI_Aint)sizeof(double)) == a9);
    MPI_Free_mem(mem);
    SAY("memory: MPI_Alloc_mem, MPI_Get_address, MPI_Aint_add and MPI_Aint_diff\n");

    MPI_Comm shared;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, size - rank, MPI_INFO_NULL, &shared);
    int ssize = 0, srank = -1;
    MPI_Comm_size(shared, &ssize);
    MPI_Comm_rank(shared, &srank);
    CHECK(ssize == size);            /* the tests run on one host */
    CHECK(srank == size - 1 - rank); /* ordered by key */
    int one = 1, total = 0;
    MPI_Allreduce(&one, &total, 1, MPI_INT, MPI_SUM, shared);
    CHECK(total == size);
    MPI_Comm_free(&shared);
    MPI_Comm none;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_UNDEFINED, 0, MPI_INFO_NULL, &none);
    CHECK(none == MPI_COMM_NULL);
    SAY("split_type: MPI_COMM_TYPE_SHARED holds the %d ranks of this host, in key order\n", size);
    SAY("memory_split on %d ranks\n", size);
    MPI_Finalize();
    return 0;
}
