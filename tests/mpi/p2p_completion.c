/* p2p_completion.c — request completion calls: Waitany, Waitsome, Testall (before and after the
 * message exists), Testany, Waitall with null entries, Request_free, large (rendezvous) messages. */
#include <stdlib.h>

#include "check.h"

static void waitany(int rank, int size) {
    if (rank != 0) {
        int v = rank + 1;
        MPI_Send(&v, 1, MPI_INT, 0, 5, MPI_COMM_WORLD);
        return;
    }
    int n = size - 1, seen = 0;
    int* v = calloc((size_t)(n + 1), sizeof *v);
    MPI_Request* rq = malloc((size_t)(n + 1) * sizeof *rq);
    for (int i = 0; i < n; ++i) MPI_Irecv(&v[i], 1, MPI_INT, i + 1, 5, MPI_COMM_WORLD, &rq[i]);
    for (int k = 0; k < n; ++k) {
        int idx = -1;
        MPI_Status st;
        MPI_Waitany(n, rq, &idx, &st);
        CHECK(idx >= 0 && idx < n && rq[idx] == MPI_REQUEST_NULL);
        CHECK(v[idx] == idx + 2 && st.MPI_SOURCE == idx + 1);
        ++seen;
    }
    int idx = 0;
    MPI_Waitany(n, rq, &idx, MPI_STATUS_IGNORE);
    CHECK(idx == MPI_UNDEFINED);
    SAY("waitany: %d requests, then MPI_UNDEFINED\n", seen);
    free(rq);
    free(v);
}

static void waitsome(int rank, int size) {
    if (rank != 0) {
        double v[3] = {rank, rank * 2.0, rank * 3.0};
        MPI_Send(v, 3, MPI_DOUBLE, 0, 6, MPI_COMM_WORLD);
        return;
    }
    int n = size - 1, done = 0;
    double* v = calloc((size_t)(3 * n + 1), sizeof *v);
    MPI_Request* rq = malloc((size_t)(n + 1) * sizeof *rq);
    int* idx = malloc((size_t)(n + 1) * sizeof *idx);
    MPI_Status* st = malloc((size_t)(n + 1) * sizeof *st);
    for (int i = 0; i < n; ++i) MPI_Irecv(&v[3 * i], 3, MPI_DOUBLE, i + 1, 6, MPI_COMM_WORLD, &rq[i]);
    while (done < n) {
        int out = 0;
        MPI_Waitsome(n, rq, &out, idx, st);
        CHECK(out >= 1);
        for (int k = 0; k < out; ++k) {
            int i = idx[k];
            CHECK(st[k].MPI_SOURCE == i + 1 && v[3 * i + 2] == 3.0 * (i + 1));
        }
        done += out;
    }
    int out = 0;
    MPI_Waitsome(n, rq, &out, idx, st);
    CHECK(out == MPI_UNDEFINED);
    SAY("waitsome: %d requests completed\n", done);
    free(st);
    free(idx);
    free(rq);
    free(v);
}

/* Rank 1 sends only after rank 0's "go", so rank 0's first Testall must find nothing. */
static void testall(int rank, int size) {
    if (size < 2 || rank > 1) return;
    int go = 1;
    if (rank == 1) {
        int a = 11, b = 22;
        MPI_Recv(&go, 1, MPI_INT, 0, 8, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        MPI_Send(&a, 1, MPI_INT, 0, 9, MPI_COMM_WORLD);
        MPI_Send(&b, 1, MPI_INT, 0, 10, MPI_COMM_WORLD);
        return;
    }
    int a = 0, b = 0, flag = 1;
    MPI_Request rq[3];
    MPI_Irecv(&a, 1, MPI_INT, 1, 9, MPI_COMM_WORLD, &rq[0]);
    rq[1] = MPI_REQUEST_NULL;
    MPI_Irecv(&b, 1, MPI_INT, 1, 10, MPI_COMM_WORLD, &rq[2]);
    MPI_Testall(3, rq, &flag, MPI_STATUSES_IGNORE);
    CHECK(!flag);
    int idx = 0;
    MPI_Testany(3, rq, &idx, &flag, MPI_STATUS_IGNORE);
    CHECK(!flag && idx == MPI_UNDEFINED);
    MPI_Send(&go, 1, MPI_INT, 1, 8, MPI_COMM_WORLD);
    while (!flag) MPI_Testall(3, rq, &flag, MPI_STATUSES_IGNORE);
    CHECK(a == 11 && b == 22 && rq[0] == MPI_REQUEST_NULL && rq[2] == MPI_REQUEST_NULL);
    SAY("testall: nothing before go, both after (%d, %d)\n", a, b);
}

static void large_and_free(int rank, int size) {
    const int n = 1 << 18; /* 2 MiB of doubles: past any eager limit */
    int right = (rank + 1) % size, left = (rank + size - 1) % size;
    double* out = malloc((size_t)n * sizeof *out);
    double* in = malloc((size_t)n * sizeof *in);
    for (int j = 0; j < n; ++j) out[j] = rank + j * 0.5;
    MPI_Request rq[3];
    MPI_Irecv(in, n, MPI_DOUBLE, left, 11, MPI_COMM_WORLD, &rq[0]);
    MPI_Isend(out, n, MPI_DOUBLE, right, 11, MPI_COMM_WORLD, &rq[1]);
    rq[2] = MPI_REQUEST_NULL;
    MPI_Status st[3];
    MPI_Waitall(3, rq, st);
    for (int j = 0; j < n; j += 4097) CHECK(in[j] == left + j * 0.5);
    int count = 0;
    MPI_Get_count(&st[0], MPI_DOUBLE, &count);
    CHECK(count == n && st[0].MPI_SOURCE == left);

    /* A freed send request still delivers its message. */
    int v = rank * 3;
    MPI_Request fr;
    MPI_Isend(&v, 1, MPI_INT, right, 12, MPI_COMM_WORLD, &fr);
    MPI_Request_free(&fr);
    CHECK(fr == MPI_REQUEST_NULL);
    int got = -1;
    MPI_Recv(&got, 1, MPI_INT, left, 12, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    CHECK(got == left * 3);
    MPI_Barrier(MPI_COMM_WORLD); /* v stays live until every freed send has landed */
    SAY("large: %d doubles around the ring; freed send delivered\n", n);
    free(in);
    free(out);
}

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    int rank = 0, size = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    SAY("p2p_completion on %d ranks\n", size);
    waitany(rank, size);
    waitsome(rank, size);
    testall(rank, size);
    large_and_free(rank, size);
    MPI_Finalize();
    return 0;
}
