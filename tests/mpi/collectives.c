/* collectives.c — every collective against answers computed in closed form, with roots other than
 * 0, MPI_IN_PLACE, pair types for MINLOC/MAXLOC, and buffers large enough for the bandwidth paths. */
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* Per rank, never global: globals are shared by all ranks of a PE under mosix. */
#define WHO                               \
    int rank = 0, size = 0;               \
    MPI_Comm_rank(MPI_COMM_WORLD, &rank); \
    MPI_Comm_size(MPI_COMM_WORLD, &size); \
    (void)rank, (void)size

static void bcast_reduce(void) {
    WHO;
    int root = size - 1;
    int v[10];
    for (int j = 0; j < 10; ++j) v[j] = rank == root ? 7 * j : -1;
    MPI_Bcast(v, 10, MPI_INT, root, MPI_COMM_WORLD);
    for (int j = 0; j < 10; ++j) CHECK(v[j] == 7 * j);

    const int big = 1 << 18;
    char* b = malloc(big);
    for (int j = 0; j < big; ++j) b[j] = rank == root ? (char)(j * 31) : 0;
    MPI_Bcast(b, big, MPI_CHAR, root, MPI_COMM_WORLD);
    for (int j = 0; j < big; j += 1021) CHECK(b[j] == (char)(j * 31));
    free(b);

    long long in[5], out[5] = {0};
    for (int j = 0; j < 5; ++j) in[j] = (long long)rank * j;
    int r = size / 2;
    MPI_Reduce(in, out, 5, MPI_LONG_LONG, MPI_SUM, r, MPI_COMM_WORLD);
    if (rank == r)
        for (int j = 0; j < 5; ++j) CHECK(out[j] == (long long)j * size * (size - 1) / 2);
    SAY("bcast: ok; reduce sum to root %d: last element %lld\n", r, (long long)4 * size * (size - 1) / 2);
}

static void allreduce(void) {
    WHO;
    int mx = 0, mn = 0;
    MPI_Allreduce(&rank, &mx, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    MPI_Allreduce(&rank, &mn, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    CHECK(mx == size - 1 && mn == 0);

    double f = rank % 2 ? 2.0 : 1.0, prod = 0;
    MPI_Allreduce(&f, &prod, 1, MPI_DOUBLE, MPI_PROD, MPI_COMM_WORLD);
    double expect = 1;
    for (int i = 1; i < size; i += 2) expect *= 2;
    CHECK(prod == expect);

    int is_zero = rank == 0, land = 0, lor = 0, bx = 0, bit = 1 << (rank % 16);
    MPI_Allreduce(&is_zero, &land, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD);
    MPI_Allreduce(&is_zero, &lor, 1, MPI_INT, MPI_LOR, MPI_COMM_WORLD);
    MPI_Allreduce(&bit, &bx, 1, MPI_INT, MPI_BXOR, MPI_COMM_WORLD);
    int bx_expect = 0;
    for (int i = 0; i < size; ++i) bx_expect ^= 1 << (i % 16);
    CHECK(land == (size == 1) && lor == 1 && bx == bx_expect);

    struct {
        double v;
        int i;
    } loc = {(double)((rank + size / 2) % size), rank}, mloc;
    MPI_Allreduce(&loc, &mloc, 1, MPI_DOUBLE_INT, MPI_MAXLOC, MPI_COMM_WORLD);
    CHECK(mloc.v == size - 1 && mloc.i == size - 1 - size / 2);
    struct {
        int v, i;
    } tie = {rank / 2, rank}, mintie;
    MPI_Allreduce(&tie, &mintie, 1, MPI_2INT, MPI_MINLOC, MPI_COMM_WORLD);
    CHECK(mintie.v == 0 && mintie.i == 0); /* ties go to the lowest index */

    const int n = 100000;
    double* a = malloc((size_t)n * sizeof *a);
    for (int j = 0; j < n; ++j) a[j] = rank + j;
    MPI_Allreduce(MPI_IN_PLACE, a, n, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    double base = (double)size * (size - 1) / 2;
    for (int j = 0; j < n; j += 997) CHECK(a[j] == base + (double)j * size);
    free(a);
    SAY("allreduce: max %d min %d prod %g bxor %#x maxloc %g@%d\n", mx, mn, prod, bx, mloc.v, mloc.i);
}

static void scans(void) {
    WHO;
    int one = rank + 1, inc = 0, exc = -1;
    MPI_Scan(&one, &inc, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    MPI_Exscan(&one, &exc, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    CHECK(inc == (rank + 1) * (rank + 2) / 2);
    if (rank > 0) CHECK(exc == rank * (rank + 1) / 2);

    int* in = malloc((size_t)size * 2 * sizeof *in);
    for (int j = 0; j < 2 * size; ++j) in[j] = j + rank;
    int blk[2];
    MPI_Reduce_scatter_block(in, blk, 2, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    int sr = size * (size - 1) / 2;
    CHECK(blk[0] == 2 * rank * size + sr && blk[1] == (2 * rank + 1) * size + sr);

    int* counts = malloc((size_t)size * sizeof *counts);
    int total = 0;
    for (int i = 0; i < size; ++i) total += counts[i] = i % 3;
    int* vin = malloc((size_t)(total + 1) * sizeof *vin);
    for (int j = 0; j < total; ++j) vin[j] = 1;
    int vout[3] = {0, 0, 0};
    MPI_Reduce_scatter(vin, vout, counts, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    for (int j = 0; j < rank % 3; ++j) CHECK(vout[j] == size);
    free(vin);
    free(counts);
    free(in);
    SAY("scan: last rank %d; reduce_scatter: ok\n", size * (size + 1) / 2);
}

static void gathers(void) {
    WHO;
    int root = size > 2 ? 2 : 0;
    int* all = malloc((size_t)size * 2 * sizeof *all);
    int mine[2] = {rank, -rank};
    MPI_Gather(mine, 2, MPI_INT, all, 2, MPI_INT, root, MPI_COMM_WORLD);
    if (rank == root)
        for (int i = 0; i < size; ++i) CHECK(all[2 * i] == i && all[2 * i + 1] == -i);
    memset(all, 0, (size_t)size * 2 * sizeof *all);
    MPI_Allgather(mine, 2, MPI_INT, all, 2, MPI_INT, MPI_COMM_WORLD);
    for (int i = 0; i < size; ++i) CHECK(all[2 * i] == i && all[2 * i + 1] == -i);

    int got[2];
    for (int i = 0; i < size; ++i) all[2 * i] = 10 * i, all[2 * i + 1] = 10 * i + 1;
    MPI_Scatter(all, 2, MPI_INT, got, 2, MPI_INT, root, MPI_COMM_WORLD);
    CHECK(got[0] == 10 * rank && got[1] == 10 * rank + 1);

    /* v-variants: rank i contributes i % 4 elements of value i. */
    int* counts = malloc((size_t)size * sizeof *counts);
    int* displs = malloc((size_t)size * sizeof *displs);
    int total = 0;
    for (int i = 0; i < size; ++i) counts[i] = i % 4, displs[i] = total, total += counts[i];
    int* vall = malloc((size_t)(total + 1) * sizeof *vall);
    int vmine[3] = {rank, rank, rank};
    MPI_Gatherv(vmine, rank % 4, MPI_INT, vall, counts, displs, MPI_INT, root, MPI_COMM_WORLD);
    if (rank == root)
        for (int i = 0; i < size; ++i)
            for (int j = 0; j < counts[i]; ++j) CHECK(vall[displs[i] + j] == i);
    memset(vall, 0, (size_t)(total + 1) * sizeof *vall);
    MPI_Allgatherv(vmine, rank % 4, MPI_INT, vall, counts, displs, MPI_INT, MPI_COMM_WORLD);
    for (int i = 0; i < size; ++i)
        for (int j = 0; j < counts[i]; ++j) CHECK(vall[displs[i] + j] == i);
    int vgot[3] = {-1, -1, -1};
    MPI_Scatterv(vall, counts, displs, MPI_INT, vgot, rank % 4, MPI_INT, root, MPI_COMM_WORLD);
    for (int j = 0; j < rank % 4; ++j) CHECK(vgot[j] == rank);
    free(vall);
    free(displs);
    free(counts);
    free(all);
    SAY("gather/scatter (root %d) and v-variants: %d elements gathered\n", root, total);
}

static void alltoalls(void) {
    WHO;
    int* out = malloc((size_t)size * sizeof *out);
    int* in = malloc((size_t)size * sizeof *in);
    for (int j = 0; j < size; ++j) out[j] = rank * 1000 + j;
    MPI_Alltoall(out, 1, MPI_INT, in, 1, MPI_INT, MPI_COMM_WORLD);
    for (int i = 0; i < size; ++i) CHECK(in[i] == i * 1000 + rank);

    /* Rank r sends (j % 3) copies of r to rank j. */
    int *sc = malloc((size_t)size * sizeof *sc), *sd = malloc((size_t)size * sizeof *sd);
    int *rc = malloc((size_t)size * sizeof *rc), *rd = malloc((size_t)size * sizeof *rd);
    int st = 0, rt = 0;
    for (int j = 0; j < size; ++j) {
        sc[j] = j % 3, sd[j] = st, st += sc[j];
        rc[j] = rank % 3, rd[j] = rt, rt += rc[j];
    }
    int* sb = malloc((size_t)(st + 1) * sizeof *sb);
    int* rb = malloc((size_t)(rt + 1) * sizeof *rb);
    for (int j = 0; j < st; ++j) sb[j] = rank;
    MPI_Alltoallv(sb, sc, sd, MPI_INT, rb, rc, rd, MPI_INT, MPI_COMM_WORLD);
    for (int i = 0; i < size; ++i)
        for (int j = 0; j < rc[i]; ++j) CHECK(rb[rd[i] + j] == i);
    free(rb);
    free(sb);
    free(rd);
    free(rc);
    free(sd);
    free(sc);
    free(in);
    free(out);
    MPI_Barrier(MPI_COMM_WORLD);
    SAY("alltoall and alltoallv: ok\n");
}

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    WHO;
    SAY("collectives on %d ranks\n", size);
    bcast_reduce();
    allreduce();
    scans();
    gathers();
    alltoalls();
    MPI_Finalize();
    return 0;
}
