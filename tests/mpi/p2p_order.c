/* p2p_order.c — matching semantics: non-overtaking order under wildcards, tag selection, probe of
 * unknown-length messages, MPI_PROC_NULL, receive cancel, Sendrecv_replace ring shift. */
#include <stdlib.h>

#include "check.h"

enum { PER_SENDER = 20 };

static void ordering(int rank, int size) {
    if (rank != 0) {
        for (int i = 0; i < PER_SENDER; ++i) {
            int msg[2] = {rank, i};
            MPI_Send(msg, 2, MPI_INT, 0, i % 3, MPI_COMM_WORLD);
        }
        return;
    }
    int* next = calloc((size_t)size, sizeof *next);
    for (int k = 0; k < (size - 1) * PER_SENDER; ++k) {
        int msg[2];
        MPI_Status st;
        MPI_Recv(msg, 2, MPI_INT, MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
        CHECK(st.MPI_SOURCE == msg[0] && st.MPI_TAG == msg[1] % 3);
        CHECK(msg[1] == next[msg[0]]); /* never overtaken by a later message of the same sender */
        ++next[msg[0]];
    }
    free(next);
    SAY("ordering: %d messages from %d senders in order\n", (size - 1) * PER_SENDER, size - 1);
}

static void tag_selection(int rank, int size) {
    if (size < 2 || rank > 1) return;
    if (rank == 1) {
        int v[3] = {10, 20, 30};
        MPI_Request rq[3];
        for (int t = 0; t < 3; ++t) MPI_Isend(&v[t], 1, MPI_INT, 0, t + 1, MPI_COMM_WORLD, &rq[t]);
        MPI_Waitall(3, rq, MPI_STATUSES_IGNORE);
        return;
    }
    int got[3];
    for (int t = 3; t >= 1; --t) MPI_Recv(&got[t - 1], 1, MPI_INT, 1, t, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    CHECK(got[0] == 10 && got[1] == 20 && got[2] == 30);
    SAY("tags: received in reverse tag order: %d %d %d\n", got[2], got[1], got[0]);
}

static void probe(int rank, int size) {
    if (rank != 0) {
        int n = rank + 1;
        int* v = malloc((size_t)n * sizeof *v);
        for (int j = 0; j < n; ++j) v[j] = rank * 100 + j;
        MPI_Send(v, n, MPI_INT, 0, 7, MPI_COMM_WORLD);
        free(v);
        return;
    }
    int flag = 1;
    MPI_Iprobe(MPI_ANY_SOURCE, 12345, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE);
    CHECK(flag == 0);
    long total = 0;
    for (int k = 1; k < size; ++k) {
        MPI_Status st;
        int n = 0;
        MPI_Probe(MPI_ANY_SOURCE, 7, MPI_COMM_WORLD, &st);
        MPI_Get_count(&st, MPI_INT, &n);
        CHECK(n == st.MPI_SOURCE + 1);
        int* v = malloc((size_t)n * sizeof *v);
        MPI_Recv(v, n, MPI_INT, st.MPI_SOURCE, 7, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        for (int j = 0; j < n; ++j) CHECK(v[j] == st.MPI_SOURCE * 100 + j);
        total += n;
        free(v);
    }
    SAY("probe: %ld ints in %d messages of probed length\n", total, size - 1);
}

static void proc_null(void) {
    int v = 42, n = -1;
    MPI_Status st;
    MPI_Send(&v, 1, MPI_INT, MPI_PROC_NULL, 0, MPI_COMM_WORLD);
    MPI_Recv(&v, 1, MPI_INT, MPI_PROC_NULL, 0, MPI_COMM_WORLD, &st);
    MPI_Get_count(&st, MPI_INT, &n);
    CHECK(v == 42 && st.MPI_SOURCE == MPI_PROC_NULL && st.MPI_TAG == MPI_ANY_TAG && n == 0);
    SAY("proc_null: receive completes empty\n");
}

static void cancel(void) {
    int v = 0, cancelled = 0;
    MPI_Request rq;
    MPI_Status st;
    MPI_Irecv(&v, 1, MPI_INT, MPI_ANY_SOURCE, 999, MPI_COMM_WORLD, &rq);
    MPI_Cancel(&rq);
    MPI_Wait(&rq, &st);
    MPI_Test_cancelled(&st, &cancelled);
    CHECK(cancelled && rq == MPI_REQUEST_NULL);
    SAY("cancel: unmatched receive cancelled\n");
}

static void shift(int rank, int size) {
    long long v[4];
    for (int j = 0; j < 4; ++j) v[j] = rank * 10 + j;
    int right = (rank + 1) % size, left = (rank + size - 1) % size;
    MPI_Status st;
    MPI_Sendrecv_replace(v, 4, MPI_LONG_LONG, right, 3, left, 3, MPI_COMM_WORLD, &st);
    for (int j = 0; j < 4; ++j) CHECK(v[j] == left * 10 + j);
    CHECK(st.MPI_SOURCE == left && st.MPI_TAG == 3);
    SAY("sendrecv_replace: ring shift ok, rank 0 holds %lld..%lld\n", v[0], v[3]);
}

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    int rank = 0, size = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    SAY("p2p_order on %d ranks\n", size);
    ordering(rank, size);
    MPI_Barrier(MPI_COMM_WORLD); /* later phases' messages must not meet ordering()'s wildcards */
    tag_selection(rank, size);
    probe(rank, size);
    proc_null();
    cancel();
    shift(rank, size);
    MPI_Finalize();
    return 0;
}
