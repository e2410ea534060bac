/* send_modes.c — the send modes besides standard and synchronous: ready (Rsend, Irsend) and
 * buffered (Buffer_attach/detach, Bsend, Ibsend), including buffered messages that wait until
 * after a barrier for their receive, large ones, and the errors of a missing or full buffer. */
#include <stdlib.h>
#include <string.h>

#include "check.h"

enum { kBig = 100000 }; /* doubles: larger than any eager limit */

static void ready(int rank, int size) {
    int got = -1;
    MPI_Request rq = MPI_REQUEST_NULL;
    if (rank != 0) MPI_Irecv(&got, 1, MPI_INT, 0, 3, MPI_COMM_WORLD, &rq);
    MPI_Barrier(MPI_COMM_WORLD); /* every receive is posted: ready mode is allowed */
    if (rank == 0) {
        for (int r = 1; r < size; ++r) {
            int v = 1000 + r;
            if (r % 2)
                MPI_Rsend(&v, 1, MPI_INT, r, 3, MPI_COMM_WORLD);
            else {
                MPI_Request s;
                MPI_Irsend(&v, 1, MPI_INT, r, 3, MPI_COMM_WORLD, &s);
                MPI_Wait(&s, MPI_STATUS_IGNORE);
            }
        }
    } else {
        MPI_Wait(&rq, MPI_STATUS_IGNORE);
        CHECK(got == 1000 + rank);
    }
    SAY("ready: rank 0 sent %d messages in ready mode\n", size - 1);
}

static void buffered(int rank, int size) {
    const int to = (rank + 1) % size, from = (rank + size - 1) % size;
    int small[4];
    double* big = malloc(kBig * sizeof *big);
    for (int i = 0; i < 4; ++i) small[i] = rank * 10 + i;
    for (int i = 0; i < kBig; ++i) big[i] = rank + i * 0.5;
    int bytes = 4 * ((int)sizeof(int) + MPI_BSEND_OVERHEAD) + kBig * (int)sizeof(double) + MPI_BSEND_OVERHEAD;
    char* attached = malloc((size_t)bytes);
    MPI_Buffer_attach(attached, bytes);
    for (int i = 0; i < 3; ++i) MPI_Bsend(&small[i], 1, MPI_INT, to, 10 + i, MPI_COMM_WORLD);
    MPI_Request rq;
    MPI_Ibsend(&small[3], 1, MPI_INT, to, 13, MPI_COMM_WORLD, &rq);
    MPI_Wait(&rq, MPI_STATUS_IGNORE);
    MPI_Bsend(big, kBig, MPI_DOUBLE, to, 20, MPI_COMM_WORLD);
    /* The sends are done; the program may reuse its buffers before anyone receives. */
    memset(small, 0, sizeof small);
    for (int i = 0; i < kBig; ++i) big[i] = -1;
    MPI_Barrier(MPI_COMM_WORLD);
    for (int i = 3; i >= 0; --i) { /* distinct tags: any order */
        int v = -1;
        MPI_Recv(&v, 1, MPI_INT, from, 10 + i, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        CHECK(v == from * 10 + i);
    }
    MPI_Recv(big, kBig, MPI_DOUBLE, from, 20, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    for (int i = 0; i < kBig; ++i) CHECK(big[i] == from + i * 0.5);
    void* back = NULL;
    int back_size = -1;
    MPI_Buffer_detach(&back, &back_size);
    CHECK(back == attached && back_size == bytes);
    SAY("buffered: 5 messages each (one of %d doubles) sent before their receives were posted\n", kBig);
    free(attached);
    free(big);
}

static void buffer_errors(int rank) {
    (void)rank; /* used only where mosix checks what Open MPI does not */
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
#ifdef MOSIX_MPI
    int cls = -1, rc;
    /* To itself, with no buffer attached: an error, and nothing is sent. (The standard calls this
     * erroneous without requiring a report; Open MPI sends small messages anyway.) */
    int v = rank;
    rc = MPI_Bsend(&v, 1, MPI_INT, rank, 30, MPI_COMM_WORLD);
    MPI_Error_class(rc, &cls);
    CHECK(rc != MPI_SUCCESS && cls == MPI_ERR_BUFFER);
#endif
    char tiny[MPI_BSEND_OVERHEAD + 8];
    MPI_Buffer_attach(tiny, (int)sizeof tiny);
#ifdef MOSIX_MPI
    /* Larger than the buffer: refused. (Open MPI sends a message to self without the buffer.) */
    double many[64] = {0};
    rc = MPI_Bsend(many, 64, MPI_DOUBLE, rank, 31, MPI_COMM_WORLD);
    MPI_Error_class(rc, &cls);
    CHECK(rc != MPI_SUCCESS && cls == MPI_ERR_BUFFER);
#endif
    void* back = NULL;
    int back_size = 0;
    MPI_Buffer_detach(&back, &back_size);
    CHECK(back == (void*)tiny && back_size == (int)sizeof tiny);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL);
    SAY("buffer errors: a message larger than the free buffer is MPI_ERR_BUFFER\n");
}

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    ready(rank, size);
    buffered(rank, size);
    buffer_errors(rank);
    SAY("send_modes on %d ranks\n", size);
    MPI_Finalize();
    return 0;
}
