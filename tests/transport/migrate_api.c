/* migrate_api.c — mosix_migrate_to, mosix_npes and mosix_on_migration between PEs: bad arguments
 * are reported; the hooks run on the right PEs with the rank's own argument; and what a rank has
 * pending when it moves goes with it: a posted nonblocking receive, an unexpected eager message,
 * an unexpected rendezvous message from another PE (fetched before it leaves) and one from a rank
 * on its own PE (copied), its heap, stack and rank-local data. Then it moves back and a ring of
 * messages checks that everyone still finds everyone. A rank also moves while its own rendezvous
 * sends wait for receivers that first wait for it (the move must not wait for them).
 * Prints "migrate_api on N ranks: moved", or ": unsupported" in builds without migration. */
#include <mosix.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../mpi/check.h"

struct hook_log {
    int before, after, from, to, where_after;
};

static void before_leaving(int from, int to, void* arg) {
    struct hook_log* log = arg;
    int pe = -1;
    mosix_where(&pe, NULL, 0);
    CHECK(pe == from);
    log->before++;
    log->from = from;
    log->to = to;
}

static void after_arriving(int from, int to, void* arg) {
    struct hook_log* log = arg;
    CHECK(from == log->from && to == log->to);
    mosix_where(&log->where_after, NULL, 0);
    log->after++;
}

enum { kBig = 200000 }; /* ints: a rendezvous message */

static int* pattern(int n, int seed) {
    int* b = malloc(sizeof(int) * (size_t)n);
    for (int i = 0; i < n; ++i) b[i] = seed * 7919 + i;
    return b;
}

static void expect(const int* b, int n, int seed) {
    for (int i = 0; i < n; ++i) CHECK(b[i] == seed * 7919 + i);
}

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    int rank = 0, size = 0, npes = 0, pe = -1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    CHECK(mosix_npes(&npes) == MPI_SUCCESS && npes >= 2);
    CHECK(mosix_npes(NULL) == MPI_ERR_ARG);
    int cls = -1;
    MPI_Error_class(mosix_migrate_to(-1), &cls);
    CHECK(cls == MPI_ERR_ARG);
    MPI_Error_class(mosix_migrate_to(npes), &cls);
    CHECK(cls == MPI_ERR_ARG);
    mosix_where(&pe, NULL, 0);
    CHECK(mosix_migrate_to(pe) == MPI_SUCCESS); /* already there: nothing moves */

    /* Rank 0 (PE 0) is the mover; rank 1 shares its PE, rank size-1 is on the last PE. */
    const int mover = 0, near = 1, far = size - 1;
    int target = npes - 1;
    struct hook_log* log = calloc(1, sizeof *log); /* in the rank's own memory: it travels */
    static char local_id;
    void** local = mosix_rank_local(&local_id);
    *local = pattern(100, rank + 1000);

    int supported = 1;
    if (rank == mover) {
        mosix_on_migration(before_leaving, after_arriving, log);
        int on_stack[64];
        for (int i = 0; i < 64; ++i) on_stack[i] = i * i;
        int* heap = pattern(1000, rank);
        int posted = -1, unexpected_small = -1;
        int* from_far = malloc(sizeof(int) * kBig);
        int* from_near = malloc(sizeof(int) * kBig);
        MPI_Request req;
        MPI_Irecv(&posted, 1, MPI_INT, far, 10, MPI_COMM_WORLD, &req);
        MPI_Barrier(MPI_COMM_WORLD); /* after it: the three messages below are on their way */
        MPI_Barrier(MPI_COMM_WORLD); /* ... and have arrived (their senders' sends are done or waiting) */
        int rc = mosix_migrate_to(target);
        MPI_Error_class(rc, &cls);
        if (cls == MPI_ERR_UNSUPPORTED_OPERATION) {
            supported = 0;
        } else {
            CHECK(rc == MPI_SUCCESS);
            mosix_where(&pe, NULL, 0);
            CHECK(pe == target);
            CHECK(log->before == 1 && log->after == 1 && log->from == 0 && log->to == target &&
                  log->where_after == target);
        }
        MPI_Recv(&unexpected_small, 1, MPI_INT, far, 11, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        MPI_Recv(from_far, kBig, MPI_INT, far, 12, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        MPI_Recv(from_near, kBig, MPI_INT, near, 13, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        MPI_Wait(&req, MPI_STATUS_IGNORE);
        CHECK(posted == 42 && unexpected_small == 43);
        expect(from_far, kBig, 12);
        expect(from_near, kBig, 13);
        expect(heap, 1000, rank);
        for (int i = 0; i < 64; ++i) CHECK(on_stack[i] == i * i);
        expect(*mosix_rank_local(&local_id), 100, rank + 1000);
        if (supported) {
            CHECK(mosix_migrate_to(0) == MPI_SUCCESS); /* and back */
            mosix_where(&pe, NULL, 0);
            CHECK(pe == 0 && log->before == 2 && log->after == 2 && log->where_after == 0);
        }
        free(heap);
        free(from_far);
        free(from_near);
    } else if (rank == far || rank == near) {
        MPI_Barrier(MPI_COMM_WORLD);
        int* big = pattern(kBig, rank == far ? 12 : 13);
        MPI_Request reqs[3];
        int n = 0, v42 = 42, v43 = 43;
        if (rank == far) {
            MPI_Isend(&v43, 1, MPI_INT, mover, 11, MPI_COMM_WORLD, &reqs[n++]);
            MPI_Isend(big, kBig, MPI_INT, mover, 12, MPI_COMM_WORLD, &reqs[n++]);
        } else {
            MPI_Isend(big, kBig, MPI_INT, mover, 13, MPI_COMM_WORLD, &reqs[n++]);
        }
        MPI_Barrier(MPI_COMM_WORLD);
        if (rank == far) MPI_Isend(&v42, 1, MPI_INT, mover, 10, MPI_COMM_WORLD, &reqs[n++]);
        MPI_Waitall(n, reqs, MPI_STATUSES_IGNORE);
        free(big);
    } else {
        MPI_Barrier(MPI_COMM_WORLD);
        MPI_Barrier(MPI_COMM_WORLD);
    }
    MPI_Bcast(&supported, 1, MPI_INT, mover, MPI_COMM_WORLD);

    /* A move while the rank's own rendezvous sends wait for receivers that first wait for it: the
     * move must not wait for them (that would deadlock), and they must still arrive intact. */
    if (rank == mover && supported) {
        int* to_near = pattern(kBig, 30);
        int* to_far = pattern(kBig, 31);
        MPI_Request reqs[2];
        MPI_Isend(to_near, kBig, MPI_INT, near, 30, MPI_COMM_WORLD, &reqs[0]);
        MPI_Isend(to_far, kBig, MPI_INT, far, 31, MPI_COMM_WORLD, &reqs[1]);
        CHECK(mosix_migrate_to(target) == MPI_SUCCESS);
        int go = 1;
        MPI_Send(&go, 1, MPI_INT, near, 32, MPI_COMM_WORLD);
        MPI_Send(&go, 1, MPI_INT, far, 33, MPI_COMM_WORLD);
        MPI_Waitall(2, reqs, MPI_STATUSES_IGNORE);
        CHECK(mosix_migrate_to(0) == MPI_SUCCESS);
        free(to_near);
        free(to_far);
    } else if ((rank == near || rank == far) && supported) {
        int go = 0, tag = rank == near ? 30 : 31;
        int* got = malloc(sizeof(int) * kBig);
        MPI_Recv(&go, 1, MPI_INT, mover, tag + 2, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        MPI_Recv(got, kBig, MPI_INT, mover, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        CHECK(go == 1);
        expect(got, kBig, tag);
        free(got);
    }

    /* Everyone still finds everyone: a ring in both directions, then a reduction. */
    for (int dir = 1; dir <= 2; ++dir) {
        int next = (rank + (dir == 1 ? 1 : size - 1)) % size, prev = (rank + (dir == 1 ? size - 1 : 1)) % size;
        int got = -1;
        MPI_Sendrecv(&rank, 1, MPI_INT, next, 20 + dir, &got, 1, MPI_INT, prev, 20 + dir, MPI_COMM_WORLD,
                     MPI_STATUS_IGNORE);
        CHECK(got == prev);
    }
    int sum = 0;
    MPI_Allreduce(&rank, &sum, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    CHECK(sum == size * (size - 1) / 2);
    free(*local);
    free(log);
    SAY("migrate_api on %d ranks: %s\n", size, supported ? "moved" : "unsupported");
    MPI_Finalize();
    return 0;
}
