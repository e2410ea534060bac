/* nonblocking_coll.c — every nonblocking collective against answers computed in closed form:
 * roots other than 0, MPI_IN_PLACE where the standard allows it, a non-commutative user op,
 * messages past the eager limit, several collectives outstanding at once on two communicators
 * (completed out of order, by Wait, Waitall, Waitany and Test loops), point-to-point traffic while
 * they are under way, and the NBX pattern (sparse data exchange: synchronous sends, an Iprobe
 * loop, MPI_Ibarrier once the sends are done) that a blocking barrier would deadlock; derived
 * datatypes freed while their collectives are under way. */
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* Per rank, never global: globals are shared by all ranks of a PE under mosix. */
#define WHO                               \
    int rank = 0, size = 0;               \
    MPI_Comm_rank(MPI_COMM_WORLD, &rank); \
    MPI_Comm_size(MPI_COMM_WORLD, &size); \
    (void)rank, (void)size

/* Completes `req` by polling MPI_Test, as a program overlapping work would. */
static void test_until_done(MPI_Request* req) {
    int done = 0;
    while (!done) MPI_Test(req, &done, MPI_STATUS_IGNORE);
    CHECK(*req == MPI_REQUEST_NULL);
}

static void barrier_bcast(void) {
    WHO;
    MPI_Request req;
    MPI_Ibarrier(MPI_COMM_WORLD, &req);
    MPI_Wait(&req, MPI_STATUS_IGNORE);
    CHECK(req == MPI_REQUEST_NULL);

    int root = size - 1, v[10];
    for (int j = 0; j < 10; ++j) v[j] = rank == root ? 7 * j + 1 : -1;
    MPI_Ibcast(v, 10, MPI_INT, root, MPI_COMM_WORLD, &req);
    test_until_done(&req);
    for (int j = 0; j < 10; ++j) CHECK(v[j] == 7 * j + 1);

    const int big = 1 << 18; /* past the eager limit: rendezvous messages inside the schedule */
    char* b = malloc(big);
    for (int j = 0; j < big; ++j) b[j] = rank == size / 2 ? (char)(j * 31) : 0;
    MPI_Ibcast(b, big, MPI_CHAR, size / 2, MPI_COMM_WORLD, &req);
    MPI_Wait(&req, MPI_STATUS_IGNORE);
    for (int j = 0; j < big; j += 1021) CHECK(b[j] == (char)(j * 31));
    free(b);
    SAY("ibarrier: ok; ibcast from %d and %d: ok\n", root, size / 2);
}

/* 2x2 integer matrices (4 MPI_INTs each) multiplied mod 1009: associative, not commutative. */
static void matmul(void* in, void* inout, int* len, MPI_Datatype* type) {
    (void)type;
    int* a = in;
    int* b = inout;
    for (int i = 0; i + 4 <= *len; i += 4, a += 4, b += 4) {
        int r[4] = {(a[0] * b[0] + a[1] * b[2]) % 1009, (a[0] * b[1] + a[1] * b[3]) % 1009,
                    (a[2] * b[0] + a[3] * b[2]) % 1009, (a[2] * b[1] + a[3] * b[3]) % 1009};
        memcpy(b, r, sizeof r);
    }
}

static void matrix_of(int r, int m[4]) {
    m[0] = 1 + r % 5;
    m[1] = r % 3;
    m[2] = (r * 7) % 4;
    m[3] = 2 + r % 2;
}

static void reductions(void) {
    WHO;
    MPI_Request req[4];
    long long in[5], out[5] = {0};
    for (int j = 0; j < 5; ++j) in[j] = (long long)rank * j + 1;
    int r = size / 2;
    MPI_Ireduce(in, out, 5, MPI_LONG_LONG, MPI_SUM, r, MPI_COMM_WORLD, &req[0]);
    int mx = -1, mn = -1;
    MPI_Iallreduce(&rank, &mx, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD, &req[1]);
    MPI_Iallreduce(&rank, &mn, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD, &req[2]);
    double d = rank + 0.5, dsum = 0;
    MPI_Iallreduce(&d, &dsum, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD, &req[3]);
    MPI_Waitall(4, req, MPI_STATUSES_IGNORE);
    if (rank == r)
        for (int j = 0; j < 5; ++j) CHECK(out[j] == (long long)j * size * (size - 1) / 2 + size);
    CHECK(mx == size - 1 && mn == 0);
    CHECK(dsum == (double)size * size / 2);

    /* Non-commutative: the product in rank order, at a root other than 0, and everywhere. */
    MPI_Op op;
    MPI_Op_create(matmul, 0, &op);
    int mine[4], prod[4] = {0}, all[4] = {0}, expect[4] = {1, 0, 0, 1};
    matrix_of(rank, mine);
    for (int i = 0; i < size; ++i) {
        int m[4];
        matrix_of(i, m);
        int len = 4;
        MPI_Datatype t = MPI_INT;
        matmul(expect, m, &len, &t); /* m = expect * m */
        memcpy(expect, m, sizeof m);
    }
    MPI_Ireduce(mine, prod, 4, MPI_INT, op, size - 1, MPI_COMM_WORLD, &req[0]);
    MPI_Iallreduce(mine, all, 4, MPI_INT, op, MPI_COMM_WORLD, &req[1]);
    MPI_Waitall(2, req, MPI_STATUSES_IGNORE);
    if (rank == size - 1) CHECK(memcmp(prod, expect, sizeof expect) == 0);
    CHECK(memcmp(all, expect, sizeof expect) == 0);

    /* Large vectors, MPI_IN_PLACE. */
    const int n = 40000;
    int* v = malloc(n * sizeof(int));
    for (int j = 0; j < n; ++j) v[j] = rank + j;
    MPI_Iallreduce(MPI_IN_PLACE, v, n, MPI_INT, MPI_SUM, MPI_COMM_WORLD, &req[0]);
    test_until_done(&req[0]);
    for (int j = 0; j < n; j += 97) CHECK(v[j] == size * (size - 1) / 2 + size * j);
    for (int j = 0; j < n; ++j) v[j] = rank == 0 ? j : 1;
    MPI_Ireduce(rank == 0 ? MPI_IN_PLACE : v, rank == 0 ? v : NULL, n, MPI_INT, MPI_MAX, 0, MPI_COMM_WORLD,
                &req[0]);
    MPI_Wait(&req[0], MPI_STATUS_IGNORE);
    if (rank == 0)
        for (int j = 0; j < n; j += 97) CHECK(v[j] == (size > 1 && j < 1 ? 1 : j));
    free(v);
    MPI_Op_free(&op);
    SAY("ireduce to %d, iallreduce, non-commutative op, in place: ok (product %d %d %d %d)\n", r, expect[0],
        expect[1], expect[2], expect[3]);
}

static void scans(void) {
    WHO;
    MPI_Request req[3];
    int x = rank + 1, inc = 0, exc = -7, ip = rank % 4;
    MPI_Iscan(&x, &inc, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD, &req[0]);
    MPI_Iexscan(&x, &exc, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD, &req[1]);
    MPI_Iscan(MPI_IN_PLACE, &ip, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD, &req[2]);
    MPI_Waitall(3, req, MPI_STATUSES_IGNORE);
    CHECK(inc == (rank + 1) * (rank + 2) / 2);
    if (rank > 0) CHECK(exc == rank * (rank + 1) / 2);
    CHECK(ip == (rank < 3 ? rank : 3));

    /* reduce_scatter: rank i gets i + 1 elements; the block form in place. */
    int total = size * (size + 1) / 2;
    int* counts = malloc(size * sizeof(int));
    int* in = malloc(total * sizeof(int));
    int* out = malloc((rank + 1) * sizeof(int));
    for (int i = 0; i < size; ++i) counts[i] = i + 1;
    for (int j = 0; j < total; ++j) in[j] = j + rank;
    MPI_Ireduce_scatter(in, out, counts, MPI_INT, MPI_SUM, MPI_COMM_WORLD, &req[0]);
    int* blk = malloc(2 * size * sizeof(int));
    for (int j = 0; j < 2 * size; ++j) blk[j] = j * rank;
    MPI_Ireduce_scatter_block(MPI_IN_PLACE, blk, 2, MPI_INT, MPI_SUM, MPI_COMM_WORLD, &req[1]);
    MPI_Waitall(2, req, MPI_STATUSES_IGNORE);
    int first = rank * (rank + 1) / 2;
    for (int j = 0; j <= rank; ++j) CHECK(out[j] == size * (first + j) + size * (size - 1) / 2);
    for (int j = 0; j < 2; ++j) CHECK(blk[j] == (2 * rank + j) * size * (size - 1) / 2);
    free(counts), free(in), free(out), free(blk);
    SAY("iscan, iexscan, ireduce_scatter, ireduce_scatter_block: ok\n");
}

static void gathers(void) {
    WHO;
    MPI_Request req[4];
    int root = size - 1;
    int pair[2] = {rank, -rank};
    int* all = malloc(2 * size * sizeof(int));
    int* ag = malloc(2 * size * sizeof(int));
    MPI_Igather(pair, 2, MPI_INT, all, 2, MPI_INT, root, MPI_COMM_WORLD, &req[0]);
    MPI_Iallgather(pair, 2, MPI_INT, ag, 2, MPI_INT, MPI_COMM_WORLD, &req[1]);
    int* sc = malloc(3 * size * sizeof(int));
    for (int j = 0; j < 3 * size; ++j) sc[j] = rank == 0 ? 5 * j : -1;
    int got[3] = {-1, -1, -1};
    MPI_Iscatter(sc, 3, MPI_INT, got, 3, MPI_INT, 0, MPI_COMM_WORLD, &req[2]);
    int* ip = malloc(size * sizeof(int));
    for (int i = 0; i < size; ++i) ip[i] = i == rank ? 100 + rank : -1;
    MPI_Iallgather(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, ip, 1, MPI_INT, MPI_COMM_WORLD, &req[3]);
    for (int done = 0; done < 4; ++done) {
        int idx = -1;
        MPI_Waitany(4, req, &idx, MPI_STATUS_IGNORE);
        CHECK(idx >= 0 && idx < 4 && req[idx] == MPI_REQUEST_NULL);
    }
    for (int i = 0; i < size; ++i) {
        if (rank == root) CHECK(all[2 * i] == i && all[2 * i + 1] == -i);
        CHECK(ag[2 * i] == i && ag[2 * i + 1] == -i);
        CHECK(ip[i] == 100 + i);
    }
    for (int j = 0; j < 3; ++j) CHECK(got[j] == 5 * (3 * rank + j));

    /* In place at the root. */
    for (int i = 0; i < size; ++i) all[i] = rank == 0 ? (i == 0 ? 42 : -1) : -1;
    int v = 42 + rank;
    MPI_Igather(rank == 0 ? MPI_IN_PLACE : &v, 1, MPI_INT, all, 1, MPI_INT, 0, MPI_COMM_WORLD, &req[0]);
    MPI_Wait(&req[0], MPI_STATUS_IGNORE);
    if (rank == 0)
        for (int i = 0; i < size; ++i) CHECK(all[i] == 42 + i);
    for (int i = 0; i < size; ++i) all[i] = 9 * i;
    int s = -1;
    MPI_Iscatter(all, 1, MPI_INT, rank == 0 ? MPI_IN_PLACE : &s, 1, MPI_INT, 0, MPI_COMM_WORLD, &req[0]);
    MPI_Wait(&req[0], MPI_STATUS_IGNORE);
    if (rank != 0) CHECK(s == 9 * rank);

    /* v-variants: rank i contributes i % 3 + 1 elements. */
    int* counts = malloc(size * sizeof(int));
    int* displs = malloc(size * sizeof(int));
    int total = 0;
    for (int i = 0; i < size; ++i) {
        counts[i] = i % 3 + 1;
        displs[i] = total; /* a gap of one element after each block */
        total += counts[i] + 1;
    }
    int mine[3];
    for (int j = 0; j < 3; ++j) mine[j] = 1000 * rank + j;
    int* gv = malloc(total * sizeof(int));
    int* agv = malloc(total * sizeof(int));
    for (int j = 0; j < total; ++j) gv[j] = agv[j] = -5;
    MPI_Igatherv(mine, counts[rank], MPI_INT, gv, counts, displs, MPI_INT, root, MPI_COMM_WORLD, &req[0]);
    MPI_Iallgatherv(mine, counts[rank], MPI_INT, agv, counts, displs, MPI_INT, MPI_COMM_WORLD, &req[1]);
    int* sv = malloc(total * sizeof(int));
    for (int j = 0; j < total; ++j) sv[j] = 3 * j;
    int back[3] = {-1, -1, -1};
    MPI_Iscatterv(sv, counts, displs, MPI_INT, back, counts[rank], MPI_INT, root, MPI_COMM_WORLD, &req[2]);
    MPI_Waitall(3, req, MPI_STATUSES_IGNORE);
    for (int i = 0; i < size; ++i)
        for (int j = 0; j < counts[i]; ++j) {
            if (rank == root) CHECK(gv[displs[i] + j] == 1000 * i + j);
            CHECK(agv[displs[i] + j] == 1000 * i + j);
        }
    for (int j = 0; j < counts[rank]; ++j) CHECK(back[j] == 3 * (displs[rank] + j));
    free(all), free(ag), free(sc), free(ip), free(counts), free(displs), free(gv), free(agv), free(sv);
    SAY("igather, iscatter, iallgather (also in place), igatherv, iscatterv, iallgatherv: ok\n");
}

static void alltoalls(void) {
    WHO;
    MPI_Request req[3];
    int* out = malloc(2 * size * sizeof(int));
    int* in = malloc(2 * size * sizeof(int));
    int* ip = malloc(size * sizeof(int));
    for (int i = 0; i < size; ++i) {
        out[2 * i] = 100 * rank + i;
        out[2 * i + 1] = -(100 * rank + i);
        ip[i] = 7 * rank + 1000 * i;
    }
    MPI_Ialltoall(out, 2, MPI_INT, in, 2, MPI_INT, MPI_COMM_WORLD, &req[0]);
    MPI_Ialltoall(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, ip, 1, MPI_INT, MPI_COMM_WORLD, &req[1]);
    /* alltoallv: rank r sends (r + d) % 2 + 1 elements to rank d. */
    int *sc = malloc(size * sizeof(int)), *sd = malloc(size * sizeof(int));
    int *rc = malloc(size * sizeof(int)), *rd = malloc(size * sizeof(int));
    int st = 0, rt = 0;
    for (int i = 0; i < size; ++i) {
        sc[i] = (rank + i) % 2 + 1;
        rc[i] = (i + rank) % 2 + 1;
        sd[i] = st;
        rd[i] = rt + 1;
        st += sc[i];
        rt += rc[i] + 1;
    }
    int *sv = malloc(st * sizeof(int)), *rv = malloc(rt * sizeof(int));
    for (int i = 0; i < size; ++i)
        for (int j = 0; j < sc[i]; ++j) sv[sd[i] + j] = 10000 * rank + 10 * i + j;
    for (int j = 0; j < rt; ++j) rv[j] = -1;
    MPI_Ialltoallv(sv, sc, sd, MPI_INT, rv, rc, rd, MPI_INT, MPI_COMM_WORLD, &req[2]);
    MPI_Waitall(3, req, MPI_STATUSES_IGNORE);
    for (int i = 0; i < size; ++i) {
        CHECK(in[2 * i] == 100 * i + rank && in[2 * i + 1] == -(100 * i + rank));
        CHECK(ip[i] == 7 * i + 1000 * rank);
        for (int j = 0; j < rc[i]; ++j) CHECK(rv[rd[i] + j] == 10000 * i + 10 * rank + j);
    }
    free(out), free(in), free(ip), free(sc), free(sd), free(rc), free(rd), free(sv), free(rv);
    SAY("ialltoall (also in place), ialltoallv: ok\n");
}

/* Derived datatypes: strided and resized types are packed into the schedule and unpacked when it
 * completes; the program may free its type handles while the collectives are under way. */
static void derived(void) {
    WHO;
    MPI_Request req[4];
    MPI_Datatype every_other, spaced;
    MPI_Type_vector(4, 1, 2, MPI_INT, &every_other);
    MPI_Type_create_resized(MPI_INT, 0, 2 * (MPI_Aint)sizeof(int), &spaced);
    MPI_Type_commit(&every_other);
    MPI_Type_commit(&spaced);

    int root = size - 1, v[8];
    for (int j = 0; j < 8; ++j) v[j] = rank == root ? 3 * j + 1 : -1;
    MPI_Ibcast(v, 1, every_other, root, MPI_COMM_WORLD, &req[0]);
    /* Block i of rank 0's buffer starts at 7 * i (the vector's extent); every other int of it goes. */
    int* sv = malloc((7 * size + 1) * sizeof(int));
    for (int j = 0; j < 7 * size + 1; ++j) sv[j] = rank == 0 ? j : -1;
    int got[4] = {-1, -1, -1, -1};
    MPI_Iscatter(sv, 1, every_other, got, 4, MPI_INT, 0, MPI_COMM_WORLD, &req[1]);
    int* all = malloc(2 * size * sizeof(int));
    int* gv = malloc(2 * size * sizeof(int));
    int *counts = malloc(size * sizeof(int)), *displs = malloc(size * sizeof(int));
    for (int i = 0; i < size; ++i) counts[i] = 1, displs[i] = i;
    for (int j = 0; j < 2 * size; ++j) all[j] = gv[j] = -1;
    int mine = 10 * rank;
    MPI_Iallgather(&mine, 1, MPI_INT, all, 1, spaced, MPI_COMM_WORLD, &req[2]);
    MPI_Igatherv(&mine, 1, MPI_INT, gv, counts, displs, spaced, 0, MPI_COMM_WORLD, &req[3]);
    MPI_Type_free(&every_other); /* the collectives keep what they need */
    MPI_Type_free(&spaced);
    MPI_Waitall(4, req, MPI_STATUSES_IGNORE);
    for (int j = 0; j < 8; ++j) CHECK(v[j] == (j % 2 == 0 || rank == root ? 3 * j + 1 : -1));
    for (int k = 0; k < 4; ++k) CHECK(got[k] == 7 * rank + 2 * k);
    for (int i = 0; i < size; ++i) {
        CHECK(all[2 * i] == 10 * i && all[2 * i + 1] == -1);
        if (rank == 0) CHECK(gv[2 * i] == 10 * i && gv[2 * i + 1] == -1);
    }
    free(all), free(gv), free(counts), free(displs), free(sv);
    SAY("derived datatypes (vector, resized; freed while pending): ok\n");
}

/* Several collectives under way at once on two communicators, completed in another order than
 * they were started, with point-to-point traffic in between. */
static void overlap(void) {
    WHO;
    MPI_Comm dup;
    MPI_Comm_dup(MPI_COMM_WORLD, &dup);
    MPI_Request req[6];
    int a = rank, sum_a = 0, b = 2 * rank, sum_b = 0, bc = rank == 0 ? 99 : 0;
    int* a2a_in = malloc(size * sizeof(int));
    int* a2a_out = malloc(size * sizeof(int));
    for (int i = 0; i < size; ++i) a2a_out[i] = rank * size + i;
    MPI_Iallreduce(&a, &sum_a, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD, &req[0]);
    MPI_Iallreduce(&b, &sum_b, 1, MPI_INT, MPI_SUM, dup, &req[1]);
    MPI_Ibcast(&bc, 1, MPI_INT, 0, MPI_COMM_WORLD, &req[2]);
    MPI_Ialltoall(a2a_out, 1, MPI_INT, a2a_in, 1, MPI_INT, dup, &req[3]);
    MPI_Ibarrier(MPI_COMM_WORLD, &req[4]);
    MPI_Ibarrier(dup, &req[5]);

    /* A ring of blocking and nonblocking point-to-point messages meanwhile, on both communicators. */
    int right = (rank + 1) % size, left = (rank + size - 1) % size, got = -1, got2 = -1;
    MPI_Sendrecv(&rank, 1, MPI_INT, right, 5, &got, 1, MPI_INT, left, 5, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    CHECK(got == left);
    MPI_Request p2p[2];
    MPI_Irecv(&got2, 1, MPI_INT, left, 6, dup, &p2p[0]);
    MPI_Isend(&rank, 1, MPI_INT, right, 6, dup, &p2p[1]);
    MPI_Waitall(2, p2p, MPI_STATUSES_IGNORE);
    CHECK(got2 == left);
    /* A blocking collective in the middle. */
    int blocking = 0;
    MPI_Allreduce(&rank, &blocking, 1, MPI_INT, MPI_MAX, dup);
    CHECK(blocking == size - 1);

    for (int i = 5; i >= 0; --i) MPI_Wait(&req[i], MPI_STATUS_IGNORE);
    CHECK(sum_a == size * (size - 1) / 2 && sum_b == size * (size - 1) && bc == 99);
    for (int i = 0; i < size; ++i) CHECK(a2a_in[i] == i * size + rank);
    free(a2a_in), free(a2a_out);

    /* Many outstanding on one communicator. */
    enum { kMany = 20 };
    int vals[kMany], sums[kMany];
    MPI_Request many[kMany];
    for (int k = 0; k < kMany; ++k) {
        vals[k] = rank * k;
        MPI_Iallreduce(&vals[k], &sums[k], 1, MPI_INT, MPI_SUM, dup, &many[k]);
    }
    int flag = 0;
    while (!flag) MPI_Testall(kMany, many, &flag, MPI_STATUSES_IGNORE);
    for (int k = 0; k < kMany; ++k) CHECK(sums[k] == k * size * (size - 1) / 2);
    MPI_Comm_free(&dup);
    SAY("6 collectives at once on 2 communicators with point-to-point between, %d more at once: ok\n", kMany);
}

/* NBX (Hoefler et al.): each rank sends to a few peers it chooses, none knows how many messages it
 * will get. Synchronous sends complete only once received; when a rank's have, it joins an
 * Ibarrier and keeps receiving; when the Ibarrier completes, every message has been received. */
static void nbx(void) {
    WHO;
    int targets[3], nt = 0;
    const int cand[3] = {(rank + 1) % size, (rank + 3) % size, (rank * 7 + 2) % size};
    for (int k = 0; k < 3; ++k) {
        int t = cand[k], dup = t == rank;
        for (int j = 0; j < nt; ++j) dup |= targets[j] == t;
        if (!dup) targets[nt++] = t;
    }
    int payload[3];
    MPI_Request sends[3];
    for (int k = 0; k < nt; ++k) {
        payload[k] = 1000 * rank + targets[k];
        MPI_Issend(&payload[k], 1, MPI_INT, targets[k], 77, MPI_COMM_WORLD, &sends[k]);
    }
    int expected = 0; /* worked out only to check the result: NBX itself does not know it */
    long long expected_sum = 0;
    for (int r = 0; r < size; ++r) {
        int seen[3], n = 0;
        const int c[3] = {(r + 1) % size, (r + 3) % size, (r * 7 + 2) % size};
        for (int k = 0; k < 3; ++k) {
            int t = c[k], dup = t == r;
            for (int j = 0; j < n; ++j) dup |= seen[j] == t;
            if (dup) continue;
            seen[n++] = t;
            if (t == rank) ++expected, expected_sum += 1000 * r + rank;
        }
    }
    MPI_Request barrier = MPI_REQUEST_NULL;
    int received = 0, done = 0, in_barrier = 0;
    long long sum = 0;
    while (!done) {
        int flag = 0;
        MPI_Status st;
        MPI_Iprobe(MPI_ANY_SOURCE, 77, MPI_COMM_WORLD, &flag, &st);
        if (flag) {
            int v = 0;
            MPI_Recv(&v, 1, MPI_INT, st.MPI_SOURCE, 77, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            CHECK(v == 1000 * st.MPI_SOURCE + rank);
            ++received;
            sum += v;
        }
        if (!in_barrier) {
            int sent = 0;
            MPI_Testall(nt, sends, &sent, MPI_STATUSES_IGNORE);
            if (sent) {
                MPI_Ibarrier(MPI_COMM_WORLD, &barrier);
                in_barrier = 1;
            }
        } else {
            MPI_Test(&barrier, &done, MPI_STATUS_IGNORE);
        }
    }
    CHECK(received == expected && sum == expected_sum);
    long long total = 0;
    MPI_Allreduce(&sum, &total, 1, MPI_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
    SAY("nbx: every message received, payload sum %lld\n", total);
}

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    WHO;
    barrier_bcast();
    reductions();
    scans();
    gathers();
    alltoalls();
    derived();
    overlap();
    nbx();
    SAY("nonblocking_coll on %d ranks\n", size);
    MPI_Finalize();
    return 0;
}
