/* topology.c — process topologies: MPI_Dims_create's factorizations (printed, so the comparison
 * run holds them against Open MPI's), Cartesian grids (coordinates, shifts with and without
 * wrap-around, a halo exchange, sub-grids, duplicates, grids smaller than the communicator),
 * graphs and distributed graphs (adjacent and general, weighted and not). */
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* The caller's rank and size in MPI_COMM_WORLD (not globals: mosix ranks may share a process). */
#define WORLD_RANK_AND_SIZE               \
    int rank, size;                       \
    MPI_Comm_rank(MPI_COMM_WORLD, &rank); \
    MPI_Comm_size(MPI_COMM_WORLD, &size)

/* The rank MPI_Cart_map / MPI_Graph_map must give a process outside a grid of n: MPI_UNDEFINED,
 * as the standard says. Open MPI 4.1 gives the process its own rank instead, so that one answer
 * is only checked under mosix. */
static int outside_ok(int rank, int newrank) {
#ifdef MOSIX_MPI
    (void)rank;
    return newrank == MPI_UNDEFINED;
#else
    return newrank == MPI_UNDEFINED || newrank == rank;
#endif
}

static void dims_cases(void) {
    WORLD_RANK_AND_SIZE;
    const int cases[][2] = {{0, 1},  {0, 2},  {0, 3}, {0, 4}, {64, 3},   {12, 2},  {1000, 3},
                            {56, 3}, {90, 4}, {7, 2}, {1, 3}, {1024, 5}, {360, 3}, {97, 2}};
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
        int n = cases[i][0] ? cases[i][0] : size, d = cases[i][1], dims[5] = {0, 0, 0, 0, 0};
        CHECK(MPI_Dims_create(n, d, dims) == MPI_SUCCESS);
        int product = 1;
        for (int k = 0; k < d; ++k) {
            product *= dims[k];
            if (k) CHECK(dims[k] <= dims[k - 1]);
        }
        CHECK(product == n);
        SAY("dims_create(%d, %d):", n, d);
        for (int k = 0; k < d; ++k) SAY(" %d", dims[k]);
        SAY("\n");
    }
    /* Fixed entries stay; the free ones share what is left. */
    int dims[3] = {0, 2, 0};
    CHECK(MPI_Dims_create(24, 3, dims) == MPI_SUCCESS);
    CHECK(dims[1] == 2 && dims[0] * dims[2] == 12 && dims[0] >= dims[2]);
    SAY("dims_create(24, 3, {0, 2, 0}): %d %d %d\n", dims[0], dims[1], dims[2]);
}

static void cartesian_2d(void) {
    WORLD_RANK_AND_SIZE;
    int dims[2] = {0, 0}, periods[2] = {1, 0};
    MPI_Dims_create(size, 2, dims);
    MPI_Comm cart;
    CHECK(MPI_Cart_create(MPI_COMM_WORLD, 2, dims, periods, 0, &cart) == MPI_SUCCESS);
    CHECK(cart != MPI_COMM_NULL);
    int status, nd, crank, csize;
    MPI_Topo_test(cart, &status);
    CHECK(status == MPI_CART);
    MPI_Topo_test(MPI_COMM_WORLD, &status);
    CHECK(status == MPI_UNDEFINED);
    MPI_Cartdim_get(cart, &nd);
    CHECK(nd == 2);
    MPI_Comm_rank(cart, &crank);
    MPI_Comm_size(cart, &csize);
    CHECK(crank == rank && csize == size); /* reorder 0: the ranks stay */

    int gdims[2], gperiods[2], coords[2];
    MPI_Cart_get(cart, 2, gdims, gperiods, coords);
    CHECK(gdims[0] == dims[0] && gdims[1] == dims[1] && gperiods[0] == 1 && gperiods[1] == 0);
    CHECK(coords[0] == rank / dims[1] && coords[1] == rank % dims[1]); /* row-major */
    for (int r = 0; r < size; ++r) {
        int c[2], back;
        MPI_Cart_coords(cart, r, 2, c);
        MPI_Cart_rank(cart, c, &back);
        CHECK(back == r);
    }
    /* A periodic dimension wraps coordinates outside its range. */
    int wrap[2] = {-1, coords[1]}, wrapped;
    MPI_Cart_rank(cart, wrap, &wrapped);
    CHECK(wrapped == (dims[0] - 1) * dims[1] + coords[1]);

    /* Shifts: periodic along 0, open along 1. */
    int src, dst;
    MPI_Cart_shift(cart, 0, 1, &src, &dst);
    CHECK(dst == ((coords[0] + 1) % dims[0]) * dims[1] + coords[1]);
    CHECK(src == ((coords[0] - 1 + dims[0]) % dims[0]) * dims[1] + coords[1]);
    MPI_Cart_shift(cart, 0, dims[0] + 1, &src, &dst); /* more than once around */
    CHECK(dst == ((coords[0] + 1) % dims[0]) * dims[1] + coords[1]);
    MPI_Cart_shift(cart, 1, 1, &src, &dst);
    CHECK(dst == (coords[1] + 1 < dims[1] ? rank + 1 : MPI_PROC_NULL));
    CHECK(src == (coords[1] > 0 ? rank - 1 : MPI_PROC_NULL));
    MPI_Cart_shift(cart, 1, -2, &src, &dst);
    CHECK(dst == (coords[1] - 2 >= 0 ? rank - 2 : MPI_PROC_NULL));
    CHECK(src == (coords[1] + 2 < dims[1] ? rank + 2 : MPI_PROC_NULL));

    /* A halo exchange along the open dimension: what arrives is the neighbour's rank. */
    MPI_Cart_shift(cart, 1, 1, &src, &dst);
    int got = -7;
    MPI_Sendrecv(&rank, 1, MPI_INT, dst, 3, &got, 1, MPI_INT, src, 3, cart, MPI_STATUS_IGNORE);
    CHECK(got == (src == MPI_PROC_NULL ? -7 : src));

    /* Rows and columns. */
    int keep_cols[2] = {0, 1}, keep_rows[2] = {1, 0};
    MPI_Comm row, col;
    MPI_Cart_sub(cart, keep_cols, &row);
    MPI_Cart_sub(cart, keep_rows, &col);
    int rrank, rsize, sub_dims[1], sub_periods[1], sub_coords[1];
    MPI_Comm_rank(row, &rrank);
    MPI_Comm_size(row, &rsize);
    CHECK(rsize == dims[1] && rrank == coords[1]);
    MPI_Topo_test(row, &status);
    CHECK(status == MPI_CART);
    MPI_Cart_get(row, 1, sub_dims, sub_periods, sub_coords);
    CHECK(sub_dims[0] == dims[1] && sub_periods[0] == 0 && sub_coords[0] == coords[1]);
    int sum = 0;
    MPI_Allreduce(&rank, &sum, 1, MPI_INT, MPI_SUM, row);
    CHECK(sum == coords[0] * dims[1] * dims[1] + dims[1] * (dims[1] - 1) / 2);
    MPI_Comm_rank(col, &rrank);
    MPI_Comm_size(col, &rsize);
    CHECK(rsize == dims[0] && rrank == coords[0]);
    MPI_Cart_get(col, 1, sub_dims, sub_periods, sub_coords);
    CHECK(sub_dims[0] == dims[0] && sub_periods[0] == 1 && sub_coords[0] == coords[0]);
    MPI_Allreduce(&rank, &sum, 1, MPI_INT, MPI_SUM, col);
    CHECK(sum == dims[0] * coords[1] + dims[1] * dims[0] * (dims[0] - 1) / 2);

    /* A duplicate keeps the topology. */
    MPI_Comm dup;
    MPI_Comm_dup(cart, &dup);
    MPI_Topo_test(dup, &status);
    CHECK(status == MPI_CART);
    MPI_Cart_get(dup, 2, gdims, gperiods, coords);
    CHECK(gdims[0] == dims[0] && gdims[1] == dims[1] && gperiods[0] == 1);

    MPI_Comm_free(&dup);
    MPI_Comm_free(&row);
    MPI_Comm_free(&col);
    MPI_Comm_free(&cart);
    SAY("cart 2d: %d x %d\n", dims[0], dims[1]);
}

static void cartesian_3d_and_small(void) {
    WORLD_RANK_AND_SIZE;
    int dims[3] = {0, 0, 0}, periods[3] = {1, 1, 1};
    MPI_Dims_create(size, 3, dims);
    MPI_Comm cart;
    MPI_Cart_create(MPI_COMM_WORLD, 3, dims, periods, 0, &cart);
    /* On a torus every shift has both neighbours, and they agree with each other. */
    for (int d = 0; d < 3; ++d) {
        int src, dst, back_src, back_dst;
        MPI_Cart_shift(cart, d, 1, &src, &dst);
        MPI_Cart_shift(cart, d, -1, &back_src, &back_dst);
        CHECK(src != MPI_PROC_NULL && dst != MPI_PROC_NULL && back_src == dst && back_dst == src);
        int from = -1;
        MPI_Sendrecv(&rank, 1, MPI_INT, dst, d, &from, 1, MPI_INT, src, d, cart, MPI_STATUS_IGNORE);
        CHECK(from == src);
    }
    MPI_Comm_free(&cart);

    /* A grid smaller than the communicator: the ranks outside get MPI_COMM_NULL. */
    int n = size > 1 ? size - 1 : 1, one_dim[1] = {n}, open[1] = {0};
    CHECK(MPI_Cart_create(MPI_COMM_WORLD, 1, one_dim, open, 0, &cart) == MPI_SUCCESS);
    CHECK((cart == MPI_COMM_NULL) == (rank >= n));
    if (cart != MPI_COMM_NULL) {
        int csize;
        MPI_Comm_size(cart, &csize);
        CHECK(csize == n);
        MPI_Comm_free(&cart);
    }
    int newrank, full[1] = {size};
    MPI_Cart_map(MPI_COMM_WORLD, 1, one_dim, open, &newrank);
    CHECK(rank < n ? newrank == rank : outside_ok(rank, newrank));
    MPI_Cart_map(MPI_COMM_WORLD, 1, full, open, &newrank);
    CHECK(newrank == rank);
    SAY("cart 3d: %d x %d x %d\n", dims[0], dims[1], dims[2]);
}

static void graphs(void) {
    WORLD_RANK_AND_SIZE;
    /* A ring as a graph: node r's neighbours are r - 1 and r + 1. */
    int* index = malloc(sizeof(int) * (size_t)size);
    int* edges = malloc(sizeof(int) * 2 * (size_t)size);
    for (int r = 0; r < size; ++r) {
        index[r] = 2 * (r + 1);
        edges[2 * r] = (r - 1 + size) % size;
        edges[2 * r + 1] = (r + 1) % size;
    }
    MPI_Comm g;
    CHECK(MPI_Graph_create(MPI_COMM_WORLD, size, index, edges, 0, &g) == MPI_SUCCESS);
    int status, nnodes, nedges, count, nb[2];
    MPI_Topo_test(g, &status);
    CHECK(status == MPI_GRAPH);
    MPI_Graphdims_get(g, &nnodes, &nedges);
    CHECK(nnodes == size && nedges == 2 * size);
    int* gi = malloc(sizeof(int) * (size_t)size);
    int* ge = malloc(sizeof(int) * 2 * (size_t)size);
    MPI_Graph_get(g, size, 2 * size, gi, ge);
    CHECK(memcmp(gi, index, sizeof(int) * (size_t)size) == 0);
    CHECK(memcmp(ge, edges, sizeof(int) * 2 * (size_t)size) == 0);
    MPI_Graph_neighbors_count(g, rank, &count);
    CHECK(count == 2);
    MPI_Graph_neighbors(g, rank, 2, nb);
    CHECK(nb[0] == (rank - 1 + size) % size && nb[1] == (rank + 1) % size);
    int newrank;
    MPI_Graph_map(MPI_COMM_WORLD, size, index, edges, &newrank);
    CHECK(newrank == rank);
    /* Pass a token to the right neighbour. */
    int from = -1;
    MPI_Sendrecv(&rank, 1, MPI_INT, nb[1], 5, &from, 1, MPI_INT, nb[0], 5, g, MPI_STATUS_IGNORE);
    CHECK(from == nb[0]);
    MPI_Comm dup;
    MPI_Comm_dup(g, &dup);
    MPI_Topo_test(dup, &status);
    CHECK(status == MPI_GRAPH);
    MPI_Comm_free(&dup);
    MPI_Comm_free(&g);

    /* A star over the first half of the ranks; the others are left out. */
    int half = (size + 1) / 2;
    for (int r = 0; r < half; ++r) index[r] = half - 1 + r; /* node 0: half - 1 edges, the rest 1 */
    for (int r = 1; r < half; ++r) {
        edges[r - 1] = r;        /* node 0's edges */
        edges[half - 2 + r] = 0; /* node r's edge */
    }
    CHECK(MPI_Graph_create(MPI_COMM_WORLD, half, index, edges, 0, &g) == MPI_SUCCESS);
    CHECK((g == MPI_COMM_NULL) == (rank >= half));
    if (g != MPI_COMM_NULL) {
        MPI_Graph_neighbors_count(g, 0, &count);
        CHECK(count == half - 1);
        if (rank > 0) {
            MPI_Graph_neighbors_count(g, rank, &count);
            MPI_Graph_neighbors(g, rank, 1, nb);
            CHECK(count == 1 && nb[0] == 0);
        }
        MPI_Comm_free(&g);
    }
    MPI_Graph_map(MPI_COMM_WORLD, half, index, edges, &newrank);
    CHECK(rank < half ? newrank == rank : outside_ok(rank, newrank));
    free(gi);
    free(ge);
    free(index);
    free(edges);
    SAY("graph: ring of %d, star of %d\n", size, half);
}

/* MPI_UNWEIGHTED through a variable: GCC warns when a library's sentinel is a small constant
 * address (Open MPI's is (int*)2) passed where it expects an array. */
static int* unweighted(void) {
    int* volatile p = MPI_UNWEIGHTED;
    return p;
}

static int cmp_long(const void* a, const void* b) {
    long x = *(const long*)a, y = *(const long*)b;
    return (x > y) - (x < y);
}

static void dist_graphs(void) {
    WORLD_RANK_AND_SIZE;
    /* Adjacent: in from the left, out to the right, weighted by the sender's rank. */
    int left = (rank - 1 + size) % size, right = (rank + 1) % size, wl = left, wr = rank;
    MPI_Comm dg;
    CHECK(MPI_Dist_graph_create_adjacent(MPI_COMM_WORLD, 1, &left, &wl, 1, &right, &wr, MPI_INFO_NULL, 0,
                                         &dg) == MPI_SUCCESS);
    int status, in, out, weighted, srcs[4], sw[4], dsts[4], dw[4];
    MPI_Topo_test(dg, &status);
    CHECK(status == MPI_DIST_GRAPH);
    MPI_Dist_graph_neighbors_count(dg, &in, &out, &weighted);
    CHECK(in == 1 && out == 1 && weighted);
    MPI_Dist_graph_neighbors(dg, 1, srcs, sw, 1, dsts, dw);
    CHECK(srcs[0] == left && sw[0] == left && dsts[0] == right && dw[0] == rank);
    MPI_Comm dup;
    MPI_Comm_dup(dg, &dup);
    MPI_Dist_graph_neighbors_count(dup, &in, &out, &weighted);
    CHECK(in == 1 && out == 1 && weighted);
    MPI_Comm_free(&dup);
    MPI_Comm_free(&dg);

    /* General: rank 0 names every edge r -> r + 1 and r -> r + 2 (weights 10 r + 1, 10 r + 2). */
    int n = rank == 0 ? size : 0;
    int* sources = malloc(sizeof(int) * (size_t)size);
    int* degrees = malloc(sizeof(int) * (size_t)size);
    int* destinations = malloc(sizeof(int) * 2 * (size_t)size);
    int* weights = malloc(sizeof(int) * 2 * (size_t)size);
    for (int r = 0; r < size; ++r) {
        sources[r] = r;
        degrees[r] = 2;
        for (int k = 1; k <= 2; ++k) {
            destinations[2 * r + k - 1] = (r + k) % size;
            weights[2 * r + k - 1] = 10 * r + k;
        }
    }
    CHECK(MPI_Dist_graph_create(MPI_COMM_WORLD, n, sources, degrees, destinations, weights, MPI_INFO_NULL, 0,
                                &dg) == MPI_SUCCESS);
    MPI_Dist_graph_neighbors_count(dg, &in, &out, &weighted);
    CHECK(in == 2 && out == 2 && weighted);
    MPI_Dist_graph_neighbors(dg, 2, srcs, sw, 2, dsts, dw);
    /* The order of neighbours is the library's: compare (neighbour, weight) pairs as sets. */
    long got_in[2], got_out[2], want_in[2], want_out[2];
    for (int k = 0; k < 2; ++k) {
        int from = (rank - (k + 1) + 2 * size) % size, to = (rank + k + 1) % size;
        want_in[k] = 100000L * from + 10 * from + k + 1;
        want_out[k] = 100000L * to + 10 * rank + k + 1;
        got_in[k] = 100000L * srcs[k] + sw[k];
        got_out[k] = 100000L * dsts[k] + dw[k];
    }
    qsort(got_in, 2, sizeof(long), cmp_long);
    qsort(got_out, 2, sizeof(long), cmp_long);
    qsort(want_in, 2, sizeof(long), cmp_long);
    qsort(want_out, 2, sizeof(long), cmp_long);
    CHECK(memcmp(got_in, want_in, sizeof got_in) == 0 && memcmp(got_out, want_out, sizeof got_out) == 0);
    MPI_Comm_free(&dg);

    /* Unweighted, each rank naming its own out-edge. */
    int one = 1;
    CHECK(MPI_Dist_graph_create(MPI_COMM_WORLD, 1, &rank, &one, &right, unweighted(), MPI_INFO_NULL, 0,
                                &dg) == MPI_SUCCESS);
    MPI_Dist_graph_neighbors_count(dg, &in, &out, &weighted);
    CHECK(in == 1 && out == 1 && !weighted);
    MPI_Dist_graph_neighbors(dg, 1, srcs, unweighted(), 1, dsts, unweighted());
    CHECK(srcs[0] == left && dsts[0] == right);
    MPI_Comm_free(&dg);
    free(sources);
    free(degrees);
    free(destinations);
    free(weights);
    SAY("dist graph: adjacent, general, unweighted\n");
}

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    WORLD_RANK_AND_SIZE;
    (void)rank;
    dims_cases();
    cartesian_2d();
    cartesian_3d_and_small();
    graphs();
    dist_graphs();
    SAY("topology on %d ranks\n", size);
    MPI_Finalize();
    return 0;
}
