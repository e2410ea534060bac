/* attributes_migrate.c — what a rank caches in the library travels with it: each rank sets up a
 * Cartesian communicator carrying attributes, Info hints and a freed-but-used keyval, an Info
 * object and an error class of its own, then moves to another PE several times; after every move
 * all of it must read back the same, the topology must still route a halo exchange, MPI_Comm_dup
 * must run the copy callback, and MPI_Comm_free the delete callback. */
#include <mosix.h>
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(int rank, int line, const char* what) {
    fprintf(stderr, "rank %d: attributes_migrate.c:%d: check failed: %s\n", rank, line, what);
    MPI_Abort(MPI_COMM_WORLD, 1);
    return 1;
}
#define CHECK(c) ((c) ? 0 : fail(rank, __LINE__, #c))

struct counts {
    int copies, deletes;
};

static int copy_fn(MPI_Comm old, int key, void* extra, void* in, void* out, int* flag) {
    (void)old;
    (void)key;
    ((struct counts*)extra)->copies++;
    *(void**)out = in;
    *flag = 1;
    return MPI_SUCCESS;
}

static int delete_fn(MPI_Comm comm, int key, void* value, void* extra) {
    (void)comm;
    (void)key;
    (void)value;
    ((struct counts*)extra)->deletes++;
    return MPI_SUCCESS;
}

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    int rank, size, npes, moves = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mosix_npes(&npes);

    int dims[2] = {0, 0}, periods[2] = {1, 1};
    MPI_Dims_create(size, 2, dims);
    MPI_Comm cart;
    MPI_Cart_create(MPI_COMM_WORLD, 2, dims, periods, 0, &cart);
    struct counts counts = {0, 0};
    int key, freed_key;
    MPI_Comm_create_keyval(copy_fn, delete_fn, &key, &counts);
    MPI_Comm_create_keyval(copy_fn, delete_fn, &freed_key, &counts);
    MPI_Comm_set_attr(cart, key, (void*)(intptr_t)(1000 + rank));
    MPI_Comm_set_attr(cart, freed_key, (void*)(intptr_t)(2000 + rank));
    MPI_Comm_free_keyval(&freed_key);
    MPI_Info info, hints;
    MPI_Info_create(&info);
    char value[32];
    snprintf(value, sizeof value, "rank %d", rank);
    MPI_Info_set(info, "owner", value);
    MPI_Comm_set_info(cart, info);
    int cls, code;
    MPI_Add_error_class(&cls);
    MPI_Add_error_code(cls, &code);
    MPI_Add_error_string(code, "moved with the rank");

    for (int round = 0; round < 6; ++round) {
        int pe;
        mosix_where(&pe, NULL, 0);
        int to = (pe + 1 + round % 2) % npes;
        if ((rank + round) % 2 == 0 && to != pe) {
            CHECK(mosix_migrate_to(to) == MPI_SUCCESS);
            ++moves;
        }
        void* v = NULL;
        int flag = 0, len = 0, status;
        MPI_Comm_get_attr(cart, key, &v, &flag);
        CHECK(flag && v == (void*)(intptr_t)(1000 + rank));
        MPI_Topo_test(cart, &status);
        CHECK(status == MPI_CART);
        int coords[2], src, dst, got = -1;
        MPI_Cart_coords(cart, rank, 2, coords);
        MPI_Cart_shift(cart, round % 2, 1, &src, &dst);
        MPI_Sendrecv(&rank, 1, MPI_INT, dst, round, &got, 1, MPI_INT, src, round, cart, MPI_STATUS_IGNORE);
        CHECK(got == src);
        MPI_Info_get(info, "owner", sizeof value - 1, value, &flag);
        CHECK(flag && atoi(value + 5) == rank);
        MPI_Comm_get_info(cart, &hints);
        MPI_Info_get(hints, "owner", sizeof value - 1, value, &flag);
        CHECK(flag && atoi(value + 5) == rank);
        MPI_Info_free(&hints);
        char text[MPI_MAX_ERROR_STRING];
        int got_class;
        MPI_Error_string(code, text, &len);
        MPI_Error_class(code, &got_class);
        CHECK(strcmp(text, "moved with the rank") == 0 && got_class == cls);
        /* A duplicate made after the move copies both attributes (the freed keyval's too). */
        MPI_Comm dup;
        int before = counts.copies;
        MPI_Comm_dup(cart, &dup);
        CHECK(counts.copies == before + 2);
        MPI_Cart_shift(dup, 0, 1, &src, &dst);
        MPI_Comm_free(&dup);
    }
    MPI_Comm_free(&cart);
    CHECK(counts.deletes == 2 * 6 + 2);
    MPI_Comm_free_keyval(&key);
    MPI_Info_free(&info);
    int total = 0;
    MPI_Reduce(&moves, &total, 1, MPI_INT, MPI_SUM, 0, MPI_COMM_WORLD);
    if (rank == 0) printf("attributes_migrate ok: %d ranks, %d migrations\n", size, total);
    MPI_Finalize();
    return 0;
}
