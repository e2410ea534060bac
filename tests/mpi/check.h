/* check.h — self-checking for the MPI test programs: a failed check names the rank, file, line
 * and condition on stderr and aborts the job, so mosexec and mpirun both exit non-zero. Results
 * go to stdout from rank 0 only, in a fixed order, so two MPI libraries' outputs can be diffed. */
#ifndef MOSIX_TEST_CHECK_H
#define MOSIX_TEST_CHECK_H

#include <mpi.h>
#include <stdio.h>

static inline void check_failed(const char* file, int line, const char* what) {
    int rank = -1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    fprintf(stderr, "rank %d: %s:%d: check failed: %s\n", rank, file, line, what);
    fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, 1);
}

#define CHECK(cond)                                           \
    do {                                                      \
        if (!(cond)) check_failed(__FILE__, __LINE__, #cond); \
    } while (0)

/* printf from rank 0 of MPI_COMM_WORLD only. */
#define SAY(...)                                   \
    do {                                           \
        int say_rank_ = 0;                         \
        MPI_Comm_rank(MPI_COMM_WORLD, &say_rank_); \
        if (say_rank_ == 0) {                      \
            printf(__VA_ARGS__);                   \
            fflush(stdout);                        \
        }                                          \
    } while (0)

#endif
