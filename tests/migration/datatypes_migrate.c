/* datatypes_migrate.c — derived datatypes move with their rank.
 *
 *   mosexec -n 8 --pes 2 datatypes_migrate
 *
 * Every rank builds a column type and a padded-struct type, posts a receive of a column from its
 * left neighbour (it lands packed and is unpacked when it completes) and makes a persistent send
 * of a column, then moves to another PE (mosix_migrate_to) with all of that pending, frees the
 * receive's type, and only then lets its right neighbour's message come. After the move the types
 * serve a collective (an allgather into columns) and a user-op reduction over the structs. Output:
 * rank 0 prints `datatypes_migrate ok: N ranks, M migrations`; a wrong result ends the job with 1.
 */
#include <mosix.h>
#include <mpi.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK(c)                                                                                     \
    do {                                                                                             \
        if (!(c)) {                                                                                  \
            fprintf(stderr, "datatypes_migrate: %s:%d: check failed: %s\n", __FILE__, __LINE__, #c); \
            MPI_Abort(MPI_COMM_WORLD, 1);                                                            \
        }                                                                                            \
    } while (0)

struct item {
    char tag;
    double value;
};

static void add_items(void* in, void* inout, int* len, MPI_Datatype* type) {
    (void)type;
    struct item* a = in;
    struct item* b = inout;
    for (int i = 0; i < *len; ++i) b[i].value += a[i].value;
}

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    int rank, size, npes, pe = -1, moved_to = -1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mosix_npes(&npes);
    const int left = (rank + size - 1) % size, right = (rank + 1) % size;

    MPI_Datatype col, rcol, item_raw, item;
    MPI_Type_vector(4, 1, 5, MPI_INT, &col);
    MPI_Type_commit(&col);
    MPI_Type_dup(col, &rcol);
    int lens[2] = {1, 1};
    MPI_Aint disps[2] = {offsetof(struct item, tag), offsetof(struct item, value)};
    MPI_Datatype types[2] = {MPI_CHAR, MPI_DOUBLE};
    MPI_Type_create_struct(2, lens, disps, types, &item_raw);
    MPI_Type_create_resized(item_raw, 0, sizeof(struct item), &item);
    MPI_Type_free(&item_raw);
    MPI_Type_commit(&item);

    int* in = malloc(20 * sizeof *in);
    int* out = malloc(20 * sizeof *out);
    for (int i = 0; i < 20; ++i) in[i] = -1, out[i] = 1000 * rank + i;
    MPI_Request reqs[2];
    MPI_Irecv(&in[2], 1, rcol, left, 0, MPI_COMM_WORLD, &reqs[0]);
    MPI_Send_init(&out[1], 1, col, right, 0, MPI_COMM_WORLD, &reqs[1]);

    mosix_where(&pe, NULL, 0);
    mosix_migrate_to((pe + 1 + rank % (npes > 1 ? npes - 1 : 1)) % npes);
    mosix_where(&moved_to, NULL, 0);
    MPI_Type_free(&rcol); /* the pending receive keeps it */
    MPI_Barrier(MPI_COMM_WORLD);

    MPI_Start(&reqs[1]);
    MPI_Waitall(2, reqs, MPI_STATUSES_IGNORE);
    for (int i = 0; i < 20; ++i) CHECK(in[i] == (i % 5 == 2 ? 1000 * left + i - 1 : -1));
    MPI_Request_free(&reqs[1]);

    /* The types, made on the old PE, in a collective and a reduction on the new one. */
    MPI_Datatype colsz, one;
    MPI_Type_vector(4, 1, size, MPI_INT, &colsz);
    MPI_Type_create_resized(colsz, 0, sizeof(int), &one);
    MPI_Type_commit(&one);
    int* all = malloc((size_t)size * 4 * sizeof *all);
    MPI_Allgather(&out[0], 1, col, all, 1, one, MPI_COMM_WORLD);
    for (int r = 0; r < size; ++r)
        for (int j = 0; j < 4; ++j) CHECK(all[j * size + r] == 1000 * r + 5 * j);
    MPI_Op op;
    MPI_Op_create(add_items, 1, &op);
    struct item mine[3], sum[3];
    for (int i = 0; i < 3; ++i) mine[i].tag = 'x', mine[i].value = rank + i;
    MPI_Allreduce(mine, sum, 3, item, op, MPI_COMM_WORLD);
    for (int i = 0; i < 3; ++i) CHECK(sum[i].value == (double)size * (size - 1) / 2 + (double)i * size);

    int moves = moved_to != pe, total = 0;
    MPI_Reduce(&moves, &total, 1, MPI_INT, MPI_SUM, 0, MPI_COMM_WORLD);
    if (rank == 0) printf("datatypes_migrate ok: %d ranks, %d migrations\n", size, total);
    MPI_Op_free(&op);
    MPI_Type_free(&one);
    MPI_Type_free(&colsz);
    MPI_Type_free(&item);
    MPI_Type_free(&col);
    free(all), free(in), free(out);
    MPI_Finalize();
    return 0;
}
