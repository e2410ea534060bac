/* datatypes.c — derived datatypes through the whole API: every constructor and what can be asked
 * of it, pack/unpack, MPI_Get_elements on a short message, derived types in point-to-point
 * (blocking, nonblocking, persistent, buffered, Sendrecv_replace, freed while a receive is pending),
 * in collectives with their v-variants, and in reductions with predefined ops (a vector of doubles,
 * MPI_2INT pairs with MPI_MINLOC) and a user op on an array of padded structs. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#define WHO                               \
    int rank = 0, size = 0;               \
    MPI_Comm_rank(MPI_COMM_WORLD, &rank); \
    MPI_Comm_size(MPI_COMM_WORLD, &size); \
    (void)rank, (void)size

/* A struct with padding after `c` and after `n`: 24 bytes, 17 of them data. */
struct particle {
    char c;
    double x;
    int n[2];
};

static MPI_Datatype particle_type(void) {
    int lens[3] = {1, 1, 2};
    MPI_Aint disps[3] = {offsetof(struct particle, c), offsetof(struct particle, x),
                         offsetof(struct particle, n)};
    MPI_Datatype types[3] = {MPI_CHAR, MPI_DOUBLE, MPI_INT}, raw, t;
    MPI_Type_create_struct(3, lens, disps, types, &raw);
    MPI_Type_create_resized(raw, 0, sizeof(struct particle), &t);
    MPI_Type_free(&raw); /* t stays valid */
    MPI_Type_commit(&t);
    return t;
}

static struct particle make_particle(int seed) {
    struct particle p;
    memset(&p, 0x5a, sizeof p); /* padding: anything, never looked at */
    p.c = (char)('a' + seed % 26);
    p.x = seed * 0.5;
    p.n[0] = seed;
    p.n[1] = -seed;
    return p;
}

static int same_particle(const struct particle* a, const struct particle* b) {
    return a->c == b->c && a->x == b->x && a->n[0] == b->n[0] && a->n[1] == b->n[1];
}

static void report(const char* what, MPI_Datatype t) {
    int size;
    MPI_Aint lb, extent, tlb, textent;
    MPI_Type_size(t, &size);
    MPI_Type_get_extent(t, &lb, &extent);
    MPI_Type_get_true_extent(t, &tlb, &textent);
    SAY("%-16s size %3d lb %3ld extent %3ld true_lb %3ld true_extent %3ld\n", what, size, (long)lb,
        (long)extent, (long)tlb, (long)textent);
}

static void constructors(void) {
    MPI_Datatype t[12];
    int lens2[2] = {2, 1}, disp2[2] = {1, 5};
    int hlens[2] = {1, 2};
    MPI_Aint hdisp[2] = {8, 0};
    int bdisp[3] = {0, 3, 7};
    MPI_Aint hbdisp[2] = {0, 16};
    int sizes[2] = {4, 5}, subs[2] = {2, 3}, starts[2] = {1, 1};
    MPI_Type_contiguous(3, MPI_INT, &t[0]);
    MPI_Type_vector(3, 2, 4, MPI_DOUBLE, &t[1]);
    MPI_Type_create_hvector(2, 1, 24, MPI_INT, &t[2]);
    MPI_Type_indexed(2, lens2, disp2, MPI_INT, &t[3]);
    MPI_Type_create_hindexed(2, hlens, hdisp, MPI_INT, &t[4]);
    MPI_Type_create_indexed_block(3, 2, bdisp, MPI_SHORT, &t[5]);
    MPI_Type_create_hindexed_block(2, 1, hbdisp, MPI_DOUBLE, &t[6]);
    MPI_Type_create_subarray(2, sizes, subs, starts, MPI_ORDER_C, MPI_INT, &t[7]);
    MPI_Type_create_subarray(2, sizes, subs, starts, MPI_ORDER_FORTRAN, MPI_INT, &t[8]);
    MPI_Type_create_resized(MPI_INT, -4, 12, &t[9]);
    MPI_Type_vector(2, 1, 3, t[1], &t[10]); /* a vector of vectors */
    t[11] = particle_type();
    const char* names[12] = {"contiguous",       "vector",        "hvector",           "indexed",
                             "hindexed",         "indexed_block", "hindexed_block",    "subarray C",
                             "subarray Fortran", "resized",       "vector of vectors", "particle"};
    for (int i = 0; i < 12; ++i) report(names[i], t[i]);

    /* Envelopes and contents. */
    int ni, na, nd, combiner;
    MPI_Type_get_envelope(MPI_INT, &ni, &na, &nd, &combiner);
    CHECK(combiner == MPI_COMBINER_NAMED && ni == 0 && na == 0 && nd == 0);
    MPI_Type_get_envelope(t[1], &ni, &na, &nd, &combiner);
    CHECK(combiner == MPI_COMBINER_VECTOR && ni == 3 && na == 0 && nd == 1);
    int ints[16];
    MPI_Aint addrs[4];
    MPI_Datatype types[4];
    MPI_Type_get_contents(t[1], ni, na, nd, ints, addrs, types); /* Open MPI 4.1 needs exact sizes */
    CHECK(ints[0] == 3 && ints[1] == 2 && ints[2] == 4 && types[0] == MPI_DOUBLE);
    MPI_Type_get_envelope(t[4], &ni, &na, &nd, &combiner);
    CHECK(combiner == MPI_COMBINER_HINDEXED && ni == 3 && na == 2 && nd == 1);
    MPI_Type_get_contents(t[4], ni, na, nd, ints, addrs, types);
    CHECK(ints[0] == 2 && ints[1] == 1 && ints[2] == 2 && addrs[0] == 8 && addrs[1] == 0);
    MPI_Type_get_envelope(t[7], &ni, &na, &nd, &combiner);
    CHECK(combiner == MPI_COMBINER_SUBARRAY && ni == 8 && na == 0 && nd == 1);
    MPI_Type_get_envelope(t[9], &ni, &na, &nd, &combiner);
    CHECK(combiner == MPI_COMBINER_RESIZED && ni == 0 && na == 2 && nd == 1);
    MPI_Type_get_contents(t[9], ni, na, nd, ints, addrs, types);
    CHECK(addrs[0] == -4 && addrs[1] == 12 && types[0] == MPI_INT);
    /* A derived type in the contents is a new reference the program frees. */
    MPI_Type_get_envelope(t[10], &ni, &na, &nd, &combiner);
    CHECK(combiner == MPI_COMBINER_VECTOR && nd == 1);
    MPI_Type_get_contents(t[10], ni, na, nd, ints, addrs, types);
    int inner_size;
    MPI_Type_size(types[0], &inner_size);
    CHECK(inner_size == 48);
    MPI_Type_free(&types[0]);
    MPI_Type_size(t[1], &inner_size); /* the original handle still works */
    CHECK(inner_size == 48);

    /* Names, dup, the _x queries, match_size. */
    char name[MPI_MAX_OBJECT_NAME];
    int len;
    MPI_Type_set_name(t[11], "particle");
    MPI_Type_get_name(t[11], name, &len);
    CHECK(len == 8 && strcmp(name, "particle") == 0);
    MPI_Type_get_name(MPI_DOUBLE, name, &len);
    CHECK(strcmp(name, "MPI_DOUBLE") == 0);
    MPI_Datatype d;
    MPI_Type_dup(t[11], &d);
    MPI_Type_get_envelope(d, &ni, &na, &nd, &combiner);
    CHECK(combiner == MPI_COMBINER_DUP && nd == 1);
    MPI_Count xs, xlb, xext;
    MPI_Type_size_x(d, &xs);
    MPI_Type_get_extent_x(d, &xlb, &xext);
    CHECK(xs == 17 && xlb == 0 && xext == (MPI_Count)sizeof(struct particle));
    MPI_Type_get_true_extent_x(t[9], &xlb, &xext);
    CHECK(xlb == 0 && xext == 4);
    MPI_Type_free(&d);
    CHECK(d == MPI_DATATYPE_NULL);
    MPI_Datatype m;
    int msize;
    MPI_Type_match_size(MPI_TYPECLASS_REAL, 8, &m);
    MPI_Type_size(m, &msize);
    CHECK(msize == 8);
    MPI_Type_match_size(MPI_TYPECLASS_INTEGER, 4, &m);
    MPI_Type_size(m, &msize);
    CHECK(msize == 4);
    for (int i = 0; i < 12; ++i) MPI_Type_free(&t[i]);
    SAY("constructors: ok\n");
}

static void packing(void) {
    /* hindexed {1 int at byte 8, 2 ints at byte 0}: type-map order, not address order. */
    int hlens[2] = {1, 2};
    MPI_Aint hdisp[2] = {8, 0};
    MPI_Datatype h, col;
    MPI_Type_create_hindexed(2, hlens, hdisp, MPI_INT, &h);
    MPI_Type_commit(&h);
    MPI_Type_vector(4, 1, 5, MPI_INT, &col); /* a column of a 4x5 matrix */
    MPI_Type_commit(&col);
    int src[3] = {10, 20, 30}, matrix[20];
    for (int i = 0; i < 20; ++i) matrix[i] = i;
    int packsize = 0, s1, s2;
    MPI_Pack_size(2, h, MPI_COMM_WORLD, &s1);
    MPI_Pack_size(1, col, MPI_COMM_WORLD, &s2);
    packsize = s1 + s2;
    CHECK(packsize >= 40);
    char* buf = malloc((size_t)packsize);
    int pos = 0;
    int two[6] = {1, 2, 3, 4, 5, 6};
    MPI_Pack(src, 1, h, buf, packsize, &pos, MPI_COMM_WORLD);
    MPI_Pack(&matrix[2], 1, col, buf, packsize, &pos, MPI_COMM_WORLD);
    MPI_Pack(two + 3, 1, h, buf, packsize, &pos, MPI_COMM_WORLD);
    int flat[10];
    int upos = 0;
    MPI_Unpack(buf, packsize, &upos, flat, 3, MPI_INT, MPI_COMM_WORLD);
    CHECK(flat[0] == 30 && flat[1] == 10 && flat[2] == 20);
    MPI_Unpack(buf, packsize, &upos, flat, 4, MPI_INT, MPI_COMM_WORLD);
    CHECK(flat[0] == 2 && flat[1] == 7 && flat[2] == 12 && flat[3] == 17);
    int back[3] = {0, 0, 0};
    MPI_Unpack(buf, packsize, &upos, back, 1, h, MPI_COMM_WORLD);
    CHECK(back[0] == 4 && back[1] == 5 && back[2] == 6);
    CHECK(upos == pos);
    free(buf);
    MPI_Type_free(&h);
    MPI_Type_free(&col);
    SAY("pack/unpack: ok, %d bytes\n", pos);
}

/* A matrix column travels as a vector and lands contiguous, and back. */
static void point_to_point(void) {
    WHO;
    const int right = (rank + 1) % size, left = (rank + size - 1) % size;
    MPI_Datatype col;
    MPI_Type_vector(4, 1, 5, MPI_INT, &col);
    MPI_Type_commit(&col);
    int m[20], got[4], back[20];
    for (int i = 0; i < 20; ++i) m[i] = 100 * rank + i;
    MPI_Sendrecv(&m[1], 1, col, right, 1, got, 4, MPI_INT, left, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    for (int i = 0; i < 4; ++i) CHECK(got[i] == 100 * left + 1 + 5 * i);

    /* Nonblocking both ways; the receive's type is freed before the receive completes. */
    MPI_Datatype rcol;
    MPI_Type_dup(col, &rcol);
    memset(back, -1, sizeof back);
    MPI_Request reqs[2];
    MPI_Irecv(&back[3], 1, rcol, left, 2, MPI_COMM_WORLD, &reqs[0]);
    MPI_Type_free(&rcol);
    MPI_Isend(&m[0], 1, col, right, 2, MPI_COMM_WORLD, &reqs[1]);
    MPI_Status st[2];
    MPI_Waitall(2, reqs, st);
    for (int i = 0; i < 20; ++i) CHECK(back[i] == (i % 5 == 3 ? 100 * left + 5 * (i / 5) : -1));
    int count;
    MPI_Get_count(&st[0], col, &count);
    CHECK(count == 1);
    MPI_Get_elements(&st[0], col, &count);
    CHECK(count == 4);

    /* Persistent requests, started twice, with new data each time. */
    MPI_Request p[2];
    int pin[20], pout[20];
    MPI_Recv_init(pin, 1, col, left, 3, MPI_COMM_WORLD, &p[0]);
    MPI_Send_init(pout, 1, col, right, 3, MPI_COMM_WORLD, &p[1]);
    for (int round = 0; round < 2; ++round) {
        for (int i = 0; i < 20; ++i) pout[i] = 1000 * round + 10 * rank + i, pin[i] = -1;
        MPI_Startall(2, p);
        MPI_Waitall(2, p, MPI_STATUSES_IGNORE);
        for (int i = 0; i < 20; ++i) CHECK(pin[i] == (i % 5 == 0 ? 1000 * round + 10 * left + i : -1));
    }
    MPI_Request_free(&p[0]);
    MPI_Request_free(&p[1]);

    /* Synchronous and buffered modes. */
    int sbuf[20], rbuf[4];
    for (int i = 0; i < 20; ++i) sbuf[i] = 7 * rank + i;
    MPI_Request r;
    MPI_Irecv(rbuf, 4, MPI_INT, left, 4, MPI_COMM_WORLD, &r);
    MPI_Ssend(&sbuf[4], 1, col, right, 4, MPI_COMM_WORLD);
    MPI_Wait(&r, MPI_STATUS_IGNORE);
    for (int i = 0; i < 4; ++i) CHECK(rbuf[i] == 7 * left + 4 + 5 * i);
    int bsize = 0;
    MPI_Pack_size(1, col, MPI_COMM_WORLD, &bsize);
    bsize += MPI_BSEND_OVERHEAD;
    void* attached = malloc((size_t)bsize);
    MPI_Buffer_attach(attached, bsize);
    MPI_Irecv(rbuf, 4, MPI_INT, left, 5, MPI_COMM_WORLD, &r);
    MPI_Bsend(&sbuf[2], 1, col, right, 5, MPI_COMM_WORLD);
    MPI_Wait(&r, MPI_STATUS_IGNORE);
    for (int i = 0; i < 4; ++i) CHECK(rbuf[i] == 7 * left + 2 + 5 * i);
    void* detached;
    MPI_Buffer_detach(&detached, &bsize);
    free(attached);

    /* Sendrecv_replace of a column in place. */
    for (int i = 0; i < 20; ++i) m[i] = 100 * rank + i;
    MPI_Sendrecv_replace(&m[2], 1, col, right, 6, left, 6, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    for (int i = 0; i < 20; ++i) CHECK(m[i] == (i % 5 == 2 ? 100 * left + i : 100 * rank + i));

    /* A short message: one particle and one more int, received as particles. */
    MPI_Datatype pt = particle_type(), longer;
    int lens[2] = {1, 1};
    MPI_Aint disps[2] = {0, sizeof(struct particle)};
    MPI_Datatype parts[2] = {pt, MPI_CHAR};
    MPI_Type_create_struct(2, lens, disps, parts, &longer);
    MPI_Type_commit(&longer);
    struct particle out[2], in[2];
    out[0] = make_particle(rank);
    out[1] = make_particle(rank + 1);
    memset(in, 0, sizeof in);
    MPI_Irecv(in, 2, pt, left, 7, MPI_COMM_WORLD, &r);
    MPI_Send(out, 1, longer, right, 7, MPI_COMM_WORLD);
    MPI_Status s;
    MPI_Wait(&r, &s);
    struct particle expect = make_particle(left);
    CHECK(same_particle(&in[0], &expect));
    CHECK(in[1].c == make_particle(left + 1).c && in[1].x == 0);
    int elements;
    MPI_Get_count(&s, pt, &count);
    MPI_Get_elements(&s, pt, &elements);
    CHECK(count == MPI_UNDEFINED && elements == 5);
    MPI_Type_free(&longer);
    MPI_Type_free(&pt);
    MPI_Type_free(&col);
    SAY("point-to-point: ok; short message: count undefined, %d elements\n", elements);
}

static void collectives(void) {
    WHO;
    MPI_Datatype pt = particle_type();
    const int root = size - 1;

    /* Bcast of particles. */
    struct particle ps[3];
    for (int i = 0; i < 3; ++i) ps[i] = rank == root ? make_particle(i + 40) : make_particle(0);
    MPI_Bcast(ps, 3, pt, root, MPI_COMM_WORLD);
    for (int i = 0; i < 3; ++i) {
        struct particle e = make_particle(i + 40);
        CHECK(same_particle(&ps[i], &e));
    }

    /* Gather columns into a transposed matrix: each rank sends column 1 of its 3x4 matrix (a
     * vector), the root receives rows of ints. Then the same with a resized column type at the
     * root (a classic transpose: rank i's data becomes column i). */
    MPI_Datatype col, rcol, rcol1;
    MPI_Type_vector(3, 1, 4, MPI_INT, &col);
    MPI_Type_commit(&col);
    int mine[12];
    for (int i = 0; i < 12; ++i) mine[i] = 1000 * rank + i;
    int* rows = malloc((size_t)size * 3 * sizeof *rows);
    MPI_Gather(&mine[1], 1, col, rows, 3, MPI_INT, root, MPI_COMM_WORLD);
    if (rank == root)
        for (int i = 0; i < size; ++i)
            for (int j = 0; j < 3; ++j) CHECK(rows[3 * i + j] == 1000 * i + 1 + 4 * j);
    MPI_Type_vector(3, 1, size, MPI_INT, &rcol);
    MPI_Type_create_resized(rcol, 0, sizeof(int), &rcol1);
    MPI_Type_commit(&rcol1);
    int* cols = malloc((size_t)size * 3 * sizeof *cols);
    int three[3] = {rank, rank + 1, rank + 2};
    MPI_Gather(three, 3, MPI_INT, cols, 1, rcol1, root, MPI_COMM_WORLD);
    if (rank == root)
        for (int i = 0; i < size; ++i)
            for (int j = 0; j < 3; ++j) CHECK(cols[j * size + i] == i + j);
    /* ... and scattered back. */
    int back[3] = {-1, -1, -1};
    MPI_Scatter(cols, 1, rcol1, back, 3, MPI_INT, root, MPI_COMM_WORLD);
    for (int j = 0; j < 3; ++j) CHECK(back[j] == rank + j);

    /* Allgather and alltoall with derived types on both sides. */
    memset(cols, 0, (size_t)size * 3 * sizeof *cols);
    MPI_Allgather(&mine[2], 1, col, cols, 1, rcol1, MPI_COMM_WORLD);
    for (int i = 0; i < size; ++i)
        for (int j = 0; j < 3; ++j) CHECK(cols[j * size + i] == 1000 * i + 2 + 4 * j);
    MPI_Datatype pair;
    MPI_Type_contiguous(2, MPI_INT, &pair);
    MPI_Type_commit(&pair);
    int* a2a_in = malloc((size_t)size * 2 * sizeof(int));
    int* a2a_out = malloc((size_t)size * 2 * sizeof(int));
    for (int i = 0; i < size; ++i) a2a_in[2 * i] = 10 * rank + i, a2a_in[2 * i + 1] = -(10 * rank + i);
    MPI_Alltoall(a2a_in, 1, pair, a2a_out, 2, MPI_INT, MPI_COMM_WORLD);
    for (int i = 0; i < size; ++i)
        CHECK(a2a_out[2 * i] == 10 * i + rank && a2a_out[2 * i + 1] == -(10 * i + rank));
    MPI_Alltoall(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, a2a_out, 1, pair, MPI_COMM_WORLD);
    for (int i = 0; i < size; ++i) CHECK(a2a_out[2 * i] == 10 * rank + i);

    /* v-variants: displacements count in the receive type's extent (a particle, 24 bytes). Rank i
     * gives i % 3 particles, placed at displs[i] = 3 * i, in reverse rank order. */
    int* counts = malloc((size_t)size * sizeof *counts);
    int* displs = malloc((size_t)size * sizeof *displs);
    for (int i = 0; i < size; ++i) counts[i] = i % 3, displs[i] = 3 * (size - 1 - i);
    struct particle* all = malloc((size_t)size * 3 * sizeof *all);
    struct particle own[2];
    for (int j = 0; j < 2; ++j) own[j] = make_particle(10 * rank + j);
    memset(all, 0, (size_t)size * 3 * sizeof *all);
    MPI_Gatherv(own, rank % 3, pt, all, counts, displs, pt, root, MPI_COMM_WORLD);
    if (rank == root)
        for (int i = 0; i < size; ++i)
            for (int j = 0; j < counts[i]; ++j) {
                struct particle e = make_particle(10 * i + j);
                CHECK(same_particle(&all[displs[i] + j], &e));
            }
    memset(all, 0, (size_t)size * 3 * sizeof *all);
    MPI_Allgatherv(own, rank % 3, pt, all, counts, displs, pt, MPI_COMM_WORLD);
    for (int i = 0; i < size; ++i)
        for (int j = 0; j < counts[i]; ++j) {
            struct particle e = make_particle(10 * i + j);
            CHECK(same_particle(&all[displs[i] + j], &e));
        }
    struct particle got[2];
    memset(got, 0, sizeof got);
    MPI_Scatterv(all, counts, displs, pt, got, rank % 3, pt, root, MPI_COMM_WORLD);
    for (int j = 0; j < rank % 3; ++j) CHECK(same_particle(&got[j], &own[j]));
    /* alltoallv: one particle to every rank, at reversed displacements on the receive side. */
    struct particle* sp = malloc((size_t)size * sizeof *sp);
    struct particle* rp = malloc((size_t)size * sizeof *rp);
    int* ones = malloc((size_t)size * sizeof *ones);
    int* sd = malloc((size_t)size * sizeof *sd);
    int* rd = malloc((size_t)size * sizeof *rd);
    for (int i = 0; i < size; ++i)
        sp[i] = make_particle(100 * rank + i), ones[i] = 1, sd[i] = i, rd[i] = size - 1 - i;
    MPI_Alltoallv(sp, ones, sd, pt, rp, ones, rd, pt, MPI_COMM_WORLD);
    for (int i = 0; i < size; ++i) {
        struct particle e = make_particle(100 * i + rank);
        CHECK(same_particle(&rp[size - 1 - i], &e));
    }
    free(sp), free(rp), free(ones), free(sd), free(rd);
    free(all), free(counts), free(displs), free(a2a_in), free(a2a_out), free(rows), free(cols);
    MPI_Type_free(&pair);
    MPI_Type_free(&rcol);
    MPI_Type_free(&rcol1);
    MPI_Type_free(&col);
    MPI_Type_free(&pt);
    SAY("collectives: ok\n");
}

/* The user op sees whole particles, padding and all: it adds x, keeps the larger c, and sums n. */
static void particle_sum(void* in, void* inout, int* len, MPI_Datatype* type) {
    (void)type;
    struct particle* a = in;
    struct particle* b = inout;
    for (int i = 0; i < *len; ++i) {
        b[i].x += a[i].x;
        if (a[i].c > b[i].c) b[i].c = a[i].c;
        b[i].n[0] += a[i].n[0];
        b[i].n[1] += a[i].n[1];
    }
}

/* Predefined ops on derived types whose basic elements are all one predefined type. mosix applies
 * them to the basic elements (as MPICH does); Open MPI 4.1 refuses them (MPI_ERR_OP, "not defined
 * for non-intrinsic datatypes"), so these checks run under mosix only and print the same line. */
static void predefined_ops(void) {
#ifdef MOSIX_MPI
    WHO;
    const long long tri = (long long)size * (size - 1) / 2;
    /* A vector of doubles: every other element of 2 * n. */
    const int n = 4096; /* 32 KiB of data: the large-message algorithms */
    MPI_Datatype every_other, eo;
    MPI_Type_vector(1, 1, 2, MPI_DOUBLE, &every_other);
    MPI_Type_create_resized(every_other, 0, 2 * sizeof(double), &eo);
    MPI_Type_commit(&eo);
    double* v = malloc((size_t)n * 2 * sizeof *v);
    double* w = malloc((size_t)n * 2 * sizeof *w);
    for (int i = 0; i < 2 * n; ++i) v[i] = rank + i, w[i] = -1;
    MPI_Allreduce(v, w, n, eo, MPI_SUM, MPI_COMM_WORLD);
    for (int i = 0; i < 2 * n; ++i) CHECK(w[i] == (i % 2 ? -1 : (double)tri + (double)i * size));
    for (int i = 0; i < 2 * n; ++i) w[i] = rank + i;
    MPI_Allreduce(MPI_IN_PLACE, w, 3, eo, MPI_MAX, MPI_COMM_WORLD);
    for (int i = 0; i < 6; ++i) CHECK(w[i] == (i % 2 ? rank + i : size - 1 + i));
    for (int i = 0; i < 2 * n; ++i) w[i] = -1;
    MPI_Reduce(v, w, 5, eo, MPI_MIN, 0, MPI_COMM_WORLD);
    if (rank == 0)
        for (int i = 0; i < 10; ++i) CHECK(w[i] == (i % 2 ? -1 : i));
    /* MPI_Reduce_local works on the program's layout. */
    double a[4] = {1, 2, 3, 4}, b[4] = {10, 20, 30, 40};
    MPI_Reduce_local(a, b, 2, eo, MPI_SUM);
    CHECK(b[0] == 11 && b[1] == 20 && b[2] == 33 && b[3] == 40);

    /* MINLOC on a contiguous type of pairs. */
    MPI_Datatype pairs;
    MPI_Type_contiguous(2, MPI_2INT, &pairs);
    MPI_Type_commit(&pairs);
    int loc[4] = {(rank + 1) % size, rank, size - rank, rank}, best[4];
    MPI_Allreduce(loc, best, 1, pairs, MPI_MINLOC, MPI_COMM_WORLD);
    CHECK(best[0] == 0 && best[1] == size - 1 && best[2] == 1 && best[3] == size - 1);
    free(v), free(w);
    MPI_Type_free(&pairs);
    MPI_Type_free(&eo);
    MPI_Type_free(&every_other);
#endif
    SAY("predefined ops on derived types: ok\n");
}

static void reductions(void) {
    WHO;
    const long long tri = (long long)size * (size - 1) / 2;
    /* A user op on padded structs: small and large, allreduce, reduce, scans, reduce_scatter. */
    MPI_Datatype pt = particle_type();
    MPI_Op op;
    MPI_Op_create(particle_sum, 1, &op);
    const int np = 2048;
    const int room = np > 2 * size ? np : 2 * size;
    struct particle* in = malloc((size_t)room * sizeof *in);
    struct particle* out = malloc((size_t)room * sizeof *out);
    for (int i = 0; i < room; ++i) in[i] = make_particle(rank + i);
    MPI_Allreduce(in, out, np, pt, op, MPI_COMM_WORLD);
    for (int i = 0; i < np; i += 97) {
        CHECK(out[i].x == 0.5 * (double)(tri + (long long)i * size));
        char c = 0;
        for (int r = 0; r < size; ++r)
            if (make_particle(r + i).c > c) c = make_particle(r + i).c;
        CHECK(out[i].c == c);
        CHECK(out[i].n[0] == tri + (long long)i * size && out[i].n[1] == -out[i].n[0]);
    }
    memset(out, 0, (size_t)np * sizeof *out);
    MPI_Reduce(in, out, 3, pt, op, size / 2, MPI_COMM_WORLD);
    if (rank == size / 2)
        for (int i = 0; i < 3; ++i) CHECK(out[i].n[0] == tri + (long long)i * size);
    MPI_Scan(in, out, 2, pt, op, MPI_COMM_WORLD);
    CHECK(out[1].n[0] == (long long)rank * (rank + 1) / 2 + (rank + 1));
    MPI_Exscan(in, out, 2, pt, op, MPI_COMM_WORLD);
    if (rank > 0) CHECK(out[1].n[0] == (long long)(rank - 1) * rank / 2 + rank);
    MPI_Reduce_scatter_block(in, out, 2, pt, op, MPI_COMM_WORLD);
    CHECK(out[0].n[0] == tri + (long long)2 * rank * size &&
          out[1].n[0] == tri + (long long)(2 * rank + 1) * size);
    struct particle sum = make_particle(rank);
    MPI_Allreduce(MPI_IN_PLACE, &sum, 1, pt, op, MPI_COMM_WORLD);
    CHECK(sum.n[0] == tri && sum.x == 0.5 * (double)tri);

    /* MPI_Reduce_local gives the user op the program's own layout. */
    struct particle x = make_particle(3), y = make_particle(4);
    MPI_Reduce_local(&x, &y, 1, pt, op);
    CHECK(y.n[0] == 7 && y.x == 3.5 && y.c == 'e');

    MPI_Op_free(&op);
    free(in), free(out);
    MPI_Type_free(&pt);
    SAY("reductions: ok; particle sum of n %lld\n", tri);
}

/* Without MPI_Type_create_resized, a struct type's extent is padded to its strictest member's
 * alignment, as C pads the struct: an array of them can be sent as `count` elements. */
struct pair_di {
    double d;
    int i;
};
struct pair_sc {
    short s;
    char c;
};
struct nested {
    struct pair_di p;
    char tail;
};

static void struct_padding(void) {
    WHO;
    int lens[2] = {1, 1};
    MPI_Aint di_disps[2] = {offsetof(struct pair_di, d), offsetof(struct pair_di, i)};
    MPI_Aint sc_disps[2] = {offsetof(struct pair_sc, s), offsetof(struct pair_sc, c)};
    MPI_Aint nested_disps[2] = {offsetof(struct nested, p), offsetof(struct nested, tail)};
    MPI_Datatype di_types[2] = {MPI_DOUBLE, MPI_INT}, sc_types[2] = {MPI_SHORT, MPI_CHAR}, di, sc, nested;
    MPI_Type_create_struct(2, lens, di_disps, di_types, &di);
    MPI_Type_create_struct(2, lens, sc_disps, sc_types, &sc);
    MPI_Datatype nested_types[2] = {di, MPI_CHAR};
    MPI_Type_create_struct(2, lens, nested_disps, nested_types, &nested);
    report("struct{d,i}", di);
    report("struct{s,c}", sc);
    report("struct{{d,i},c}", nested);
    MPI_Aint lb, extent;
    MPI_Type_get_extent(di, &lb, &extent);
    CHECK(extent == sizeof(struct pair_di));
    MPI_Type_get_extent(sc, &lb, &extent);
    CHECK(extent == sizeof(struct pair_sc));
    MPI_Type_get_extent(nested, &lb, &extent);
    CHECK(extent == sizeof(struct nested));

    /* An array of them around the ring, no resizing. */
    MPI_Type_commit(&nested);
    struct nested out[3], in[3];
    memset(in, 0, sizeof in);
    for (int k = 0; k < 3; ++k) {
        memset(&out[k], 0x5a, sizeof out[k]);
        out[k].p.d = rank + k * 0.25;
        out[k].p.i = rank * 10 + k;
        out[k].tail = (char)('a' + k);
    }
    int right = (rank + 1) % size, left = (rank + size - 1) % size;
    MPI_Sendrecv(out, 3, nested, right, 7, in, 3, nested, left, 7, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    for (int k = 0; k < 3; ++k)
        CHECK(in[k].p.d == left + k * 0.25 && in[k].p.i == left * 10 + k && in[k].tail == 'a' + k);
    MPI_Type_free(&di);
    MPI_Type_free(&sc);
    MPI_Type_free(&nested);
    SAY("struct padding: ok\n");
}

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    constructors();
    struct_padding();
    packing();
    point_to_point();
    collectives();
    predefined_ops();
    reductions();
    int size;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    SAY("datatypes on %d ranks\n", size);
    MPI_Finalize();
    return 0;
}
