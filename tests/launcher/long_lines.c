/* long_lines.c LEN COUNT [err] — every rank prints COUNT lines of LEN copies of its letter ('a' for
 * rank 0, 'b' for rank 1, ...) to stdout (or stderr), all ranks at once: mosexec must deliver each
 * line whole even when lines from several PEs arrive together. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    long len = argc > 1 ? atol(argv[1]) : 1000, count = argc > 2 ? atol(argv[2]) : 100;
    FILE* out = argc > 3 && strcmp(argv[3], "err") == 0 ? stderr : stdout;
    char* line = malloc((size_t)len + 2);
    memset(line, 'a' + rank % 26, (size_t)len);
    line[len] = '\n';
    line[len + 1] = '\0';
    for (long i = 0; i < count; ++i) {
        fputs(line, out);
        if (i % 8 == 0) MPI_Barrier(MPI_COMM_WORLD); /* keep every rank printing at the same time */
    }
    free(line);
    MPI_Finalize();
    return 0;
}
