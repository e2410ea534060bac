/* persistent.c — persistent requests: a ring exchange made once with MPI_Send_init/MPI_Recv_init
 * and started many times (MPI_Startall, MPI_Waitall), each of the four send modes as a persistent
 * request, and what an inactive persistent request does in Wait, Test and Waitany. */
#include <stdlib.h>

#include "check.h"

static void ring(int rank, int size) {
    const int to = (rank + 1) % size, from = (rank + size - 1) % size;
    enum { kIters = 20, kN = 5000 }; /* 40 KB: eager on some paths, not on others */
    double* out = malloc(kN * sizeof *out);
    double* in = malloc(kN * sizeof *in);
    MPI_Request rq[2];
    MPI_Recv_init(in, kN, MPI_DOUBLE, from, 7, MPI_COMM_WORLD, &rq[0]);
    MPI_Send_init(out, kN, MPI_DOUBLE, to, 7, MPI_COMM_WORLD, &rq[1]);
    for (int it = 0; it < kIters; ++it) {
        for (int i = 0; i < kN; ++i) out[i] = rank * 1000.0 + it + i * 1e-3; /* new data each time */
        MPI_Startall(2, rq);
        MPI_Status st[2];
        MPI_Waitall(2, rq, st);
        CHECK(rq[0] != MPI_REQUEST_NULL && rq[1] != MPI_REQUEST_NULL); /* kept, inactive */
        CHECK(st[0].MPI_SOURCE == from && st[0].MPI_TAG == 7);
        for (int i = 0; i < kN; ++i) CHECK(in[i] == from * 1000.0 + it + i * 1e-3);
    }
    MPI_Request_free(&rq[0]);
    MPI_Request_free(&rq[1]);
    CHECK(rq[0] == MPI_REQUEST_NULL && rq[1] == MPI_REQUEST_NULL);
    SAY("ring: %d rounds of one persistent send and receive each\n", kIters);
    free(in);
    free(out);
}

static void modes(int rank, int size) {
    const int to = (rank + 1) % size, from = (rank + size - 1) % size;
    int bytes = 3 * (int)(sizeof(int) + MPI_BSEND_OVERHEAD);
    char* attached = malloc((size_t)bytes);
    MPI_Buffer_attach(attached, bytes);
    int got[4] = {-1, -1, -1, -1}, v[4];
    MPI_Request rq[8];
    for (int m = 0; m < 4; ++m) MPI_Recv_init(&got[m], 1, MPI_INT, from, 20 + m, MPI_COMM_WORLD, &rq[m]);
    MPI_Send_init(&v[0], 1, MPI_INT, to, 20, MPI_COMM_WORLD, &rq[4]);
    MPI_Ssend_init(&v[1], 1, MPI_INT, to, 21, MPI_COMM_WORLD, &rq[5]);
    MPI_Bsend_init(&v[2], 1, MPI_INT, to, 22, MPI_COMM_WORLD, &rq[6]);
    MPI_Rsend_init(&v[3], 1, MPI_INT, to, 23, MPI_COMM_WORLD, &rq[7]);
    for (int it = 0; it < 3; ++it) {
        for (int m = 0; m < 4; ++m) v[m] = rank * 100 + it * 10 + m;
        MPI_Startall(4, rq);         /* receives first, */
        MPI_Barrier(MPI_COMM_WORLD); /* so the ready send finds its receive posted */
        MPI_Startall(4, rq + 4);
        MPI_Waitall(8, rq, MPI_STATUSES_IGNORE);
        for (int m = 0; m < 4; ++m) CHECK(got[m] == from * 100 + it * 10 + m);
    }
    for (int i = 0; i < 8; ++i) MPI_Request_free(&rq[i]);
    void* back;
    int back_size;
    MPI_Buffer_detach(&back, &back_size);
    free(attached);
    SAY("modes: standard, synchronous, buffered and ready persistent sends, 3 rounds\n");
}

static void inactive(int rank) {
    int x = 0;
    MPI_Request rq;
    MPI_Recv_init(&x, 1, MPI_INT, rank, 9, MPI_COMM_WORLD, &rq);
    MPI_Status st;
    MPI_Wait(&rq, &st); /* never started: returns at once with an empty status */
    int count = -1;
    MPI_Get_count(&st, MPI_INT, &count);
    CHECK(rq != MPI_REQUEST_NULL && st.MPI_SOURCE == MPI_ANY_SOURCE && st.MPI_TAG == MPI_ANY_TAG &&
          count == 0);
    int flag = 0;
    MPI_Test(&rq, &flag, MPI_STATUS_IGNORE);
    CHECK(flag);
    int index = 0;
    MPI_Waitany(1, &rq, &index, MPI_STATUS_IGNORE);
    CHECK(index == MPI_UNDEFINED);
    MPI_Request_free(&rq);
    SAY("inactive: Wait, Test and Waitany treat a request not started like a null one\n");
}

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    ring(rank, size);
    modes(rank, size);
    inactive(rank);
    SAY("persistent on %d ranks\n", size);
    MPI_Finalize();
    return 0;
}
