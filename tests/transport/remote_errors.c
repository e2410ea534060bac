/* remote_errors.c — errors and cancellation have the same meaning between PEs as on one: a
 * truncated eager or rendezvous message from another PE is reported (and what fits arrives), a
 * receive cancelled before a remote message arrives stays cancelled and the message goes to the
 * next receive, and MPI_ANY_SOURCE keeps each sender's order when senders are on other PEs. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

#include "../mpi/check.h"

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    int rank = 0, size = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    const int last = size - 1; /* on the last PE, rank 0 on the first */

    /* Truncation, eager (16 ints into 8) and rendezvous (100000 ints into 50000). */
    for (int big = 0; big < 2; ++big) {
        int n = big ? 100000 : 16;
        int* buf = malloc(sizeof(int) * (size_t)n);
        if (rank == 0) {
            for (int i = 0; i < n; ++i) buf[i] = i + 1;
            CHECK(MPI_Send(buf, n, MPI_INT, last, 1, MPI_COMM_WORLD) == MPI_SUCCESS);
        } else if (rank == last) {
            for (int i = 0; i < n; ++i) buf[i] = 0;
            MPI_Status st;
            int rc = MPI_Recv(buf, n / 2, MPI_INT, 0, 1, MPI_COMM_WORLD, &st);
            int cls = -1;
            MPI_Error_class(rc, &cls);
            CHECK(cls == MPI_ERR_TRUNCATE);
            CHECK(buf[0] == 1 && buf[n / 2 - 1] == n / 2 && buf[n / 2] == 0);
        }
        free(buf);
        MPI_Barrier(MPI_COMM_WORLD);
    }
    SAY("truncation across PEs: reported\n");

    /* Cancel a receive, then the remote message must go to the next receive. */
    if (rank == last) {
        int v = -1, cancelled = 0;
        MPI_Request req;
        MPI_Status st;
        MPI_Irecv(&v, 1, MPI_INT, 0, 9, MPI_COMM_WORLD, &req);
        MPI_Cancel(&req);
        MPI_Wait(&req, &st);
        MPI_Test_cancelled(&st, &cancelled);
        CHECK(cancelled == 1);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0) {
        int v = 5;
        MPI_Send(&v, 1, MPI_INT, last, 9, MPI_COMM_WORLD);
    } else if (rank == last) {
        int v = -1;
        MPI_Recv(&v, 1, MPI_INT, 0, 9, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        CHECK(v == 5);
    }
    SAY("cancel across PEs: ok\n");

    /* Every rank but the last sends mixed-size messages to the last; per-sender order must hold. */
    enum { kPerSender = 40 };
    if (rank != last) {
        int* big = malloc(sizeof(int) * 30000);
        for (int i = 0; i < kPerSender; ++i) {
            int n = (i % 5 == 0) ? 30000 : 2; /* rendezvous and eager interleaved */
            big[0] = rank;
            big[1] = i;
            MPI_Send(big, n, MPI_INT, last, i % 3, MPI_COMM_WORLD);
        }
        free(big);
    } else {
        int* next = calloc((size_t)size, sizeof(int));
        int* buf = malloc(sizeof(int) * 30000);
        for (int k = 0; k < kPerSender * (size - 1); ++k) {
            MPI_Status st;
            MPI_Recv(buf, 30000, MPI_INT, MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
            CHECK(buf[0] == st.MPI_SOURCE);
            CHECK(buf[1] == next[st.MPI_SOURCE]);
            CHECK(st.MPI_TAG == buf[1] % 3);
            next[st.MPI_SOURCE]++;
        }
        free(next);
        free(buf);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    SAY("any-source order across PEs: ok\n");
    SAY("remote_errors on %d ranks\n", size);
    MPI_Finalize();
    return 0;
}
