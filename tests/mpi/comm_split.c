/* comm_split.c — communicator construction: split with reversed keys, MPI_UNDEFINED colours,
 * nested splits, dup isolation, compare, groups and MPI_Comm_create. */
#include "check.h"

/* Per rank, never global: globals are shared by all ranks of a PE under mosix. */
#define WHO                               \
    int rank = 0, size = 0;               \
    MPI_Comm_rank(MPI_COMM_WORLD, &rank); \
    MPI_Comm_size(MPI_COMM_WORLD, &size); \
    (void)rank, (void)size

static void split_by_colour(void) {
    WHO;
    MPI_Comm sub;
    int colour = rank % 3;
    MPI_Comm_split(MPI_COMM_WORLD, colour, -rank, &sub); /* reversed: highest world rank first */
    int srank = -1, ssize = -1;
    MPI_Comm_rank(sub, &srank);
    MPI_Comm_size(sub, &ssize);
    CHECK(ssize == (size - colour + 2) / 3);
    CHECK(srank == (size - 1 - rank) / 3);
    int sum = 0;
    MPI_Allreduce(&rank, &sum, 1, MPI_INT, MPI_SUM, sub);
    int expect = 0;
    for (int i = colour; i < size; i += 3) expect += i;
    CHECK(sum == expect);

    /* Split again inside the split: halves of each colour. */
    MPI_Comm half;
    MPI_Comm_split(sub, srank < ssize / 2, srank, &half);
    int hsize = 0;
    MPI_Comm_size(half, &hsize);
    CHECK(hsize == (srank < ssize / 2 ? ssize / 2 : ssize - ssize / 2));
    MPI_Comm_free(&half);
    MPI_Comm_free(&sub);
    CHECK(sub == MPI_COMM_NULL);
    SAY("split: colour 0 has %d ranks, world rank 0 is its rank %d, sum %d\n", (size + 2) / 3, (size - 1) / 3,
        sum);
}

static void undefined_colour(void) {
    WHO;
    MPI_Comm sub;
    MPI_Comm_split(MPI_COMM_WORLD, rank % 4 == 3 ? MPI_UNDEFINED : 0, rank, &sub);
    if (rank % 4 == 3) {
        CHECK(sub == MPI_COMM_NULL);
    } else {
        int n = 0;
        MPI_Comm_size(sub, &n);
        CHECK(n == size - size / 4);
        MPI_Comm_free(&sub);
    }
    SAY("undefined colour: %d ranks left out\n", size / 4);
}

static void dup_isolation(void) {
    WHO;
    MPI_Comm d;
    MPI_Comm_dup(MPI_COMM_WORLD, &d);
    int res = -1;
    MPI_Comm_compare(MPI_COMM_WORLD, d, &res);
    CHECK(res == MPI_CONGRUENT);
    MPI_Comm_compare(MPI_COMM_WORLD, MPI_COMM_WORLD, &res);
    CHECK(res == MPI_IDENT);
    /* Same source and tag on two communicators: each receive matches its own communicator. */
    int to = (rank + 1) % size, from = (rank + size - 1) % size;
    int a = 1, b = 2, ga = 0, gb = 0;
    MPI_Request rq[2];
    MPI_Isend(&a, 1, MPI_INT, to, 0, d, &rq[0]);
    MPI_Isend(&b, 1, MPI_INT, to, 0, MPI_COMM_WORLD, &rq[1]);
    MPI_Recv(&gb, 1, MPI_INT, from, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    MPI_Recv(&ga, 1, MPI_INT, from, 0, d, MPI_STATUS_IGNORE);
    MPI_Waitall(2, rq, MPI_STATUSES_IGNORE);
    CHECK(ga == 1 && gb == 2);
    MPI_Comm_free(&d);
    SAY("dup: congruent, messages kept apart\n");
}

static void groups(void) {
    WHO;
    MPI_Group world, evens;
    MPI_Comm_group(MPI_COMM_WORLD, &world);
    int n = (size + 1) / 2;
    int ranks[1024];
    for (int i = 0; i < n && i < 1024; ++i) ranks[i] = 2 * i;
    if (n > 1024) n = 1024;
    MPI_Group_incl(world, n, ranks, &evens);
    int gsize = 0, grank = -2;
    MPI_Group_size(evens, &gsize);
    MPI_Group_rank(evens, &grank);
    CHECK(gsize == n && grank == (rank % 2 || rank / 2 >= n ? MPI_UNDEFINED : rank / 2));
    int probe[2] = {0, n - 1}, out[2];
    MPI_Group_translate_ranks(evens, 2, probe, world, out);
    CHECK(out[0] == 0 && out[1] == 2 * (n - 1));

    MPI_Comm ec;
    MPI_Comm_create(MPI_COMM_WORLD, evens, &ec);
    if (grank == MPI_UNDEFINED) {
        CHECK(ec == MPI_COMM_NULL);
    } else {
        int r = -1, total = 0;
        MPI_Comm_rank(ec, &r);
        CHECK(r == grank);
        MPI_Allreduce(&rank, &total, 1, MPI_INT, MPI_SUM, ec);
        CHECK(total == n * (n - 1));
        MPI_Comm_free(&ec);
    }
    MPI_Group_free(&evens);
    MPI_Group_free(&world);
    SAY("groups: %d even ranks, last is world rank %d\n", n, out[1]);
}

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    WHO;
    SAY("comm_split on %d ranks\n", size);
    split_by_colour();
    undefined_colour();
    dup_isolation();
    groups();
    MPI_Finalize();
    return 0;
}
