// topology.cc — Cartesian and graph topologies, MPI_Dims_create and MPI_Topo_test: argument
// checks, then lib/topology.hpp.
#include "lib/topology.hpp"

#include <mpi.h>

#include <algorithm>

#include "checks.hpp"
#include "runtime/library_entry.hpp"

using namespace mosix::lib;

namespace {

// A communicator with a topology of `kind`; sets *out to it.
int check_topology(MPI_Comm comm, int kind, const char* call, const Topology** out) {
    Comm* c = nullptr;
    if (int e = check_comm(comm, call, &c)) return e;
    const char* name = kind == MPI_CART ? "a Cartesian" : "a graph";
    MOSIX_CHECK(c->topology && c->topology->kind == kind, comm, MPI_ERR_TOPOLOGY, call,
                "communicator %#x has no %s topology", comm, name);
    *out = c->topology.get();
    return MPI_SUCCESS;
}

// A grid description of Cart_create and Cart_map; sets *size to its rank count.
int check_grid(MPI_Comm comm, const Comm& c, int ndims, const int* dims, const int* periods, const char* call,
               int* size) {
    MOSIX_CHECK(ndims >= 0, comm, MPI_ERR_DIMS, call, "ndims %d is negative", ndims);
    MOSIX_CHECK(ndims == 0 || (dims && periods), comm, MPI_ERR_ARG, call, "dims or periods is NULL");
    long long n = 1;
    for (int d = 0; d < ndims; ++d) {
        MOSIX_CHECK(dims[d] > 0, comm, MPI_ERR_DIMS, call, "dims[%d] is %d, not positive", d, dims[d]);
        n *= dims[d];
        MOSIX_CHECK(n <= c.size(), comm, MPI_ERR_DIMS, call,
                    "the grid has more points than the communicator's %d ranks", c.size());
    }
    *size = static_cast<int>(n);
    return MPI_SUCCESS;
}

// A graph description of Graph_create and Graph_map.
int check_graph(MPI_Comm comm, const Comm& c, int nnodes, const int* index, const int* edges,
                const char* call) {
    MOSIX_CHECK(nnodes >= 0 && nnodes <= c.size(), comm, MPI_ERR_ARG, call, "nnodes %d is not in 0..%d",
                nnodes, c.size());
    MOSIX_CHECK(nnodes == 0 || index, comm, MPI_ERR_ARG, call, "index is NULL");
    for (int i = 0; i < nnodes; ++i)
        MOSIX_CHECK(index[i] >= (i ? index[i - 1] : 0), comm, MPI_ERR_ARG, call,
                    "index[%d] is %d, less than the entry before it", i, index[i]);
    const int nedges = nnodes ? index[nnodes - 1] : 0;
    MOSIX_CHECK(nedges == 0 || edges, comm, MPI_ERR_ARG, call, "edges is NULL");
    for (int e = 0; e < nedges; ++e)
        MOSIX_CHECK(edges[e] >= 0 && edges[e] < nnodes, comm, MPI_ERR_ARG, call,
                    "edges[%d] is %d, not in 0..%d", e, edges[e], nnodes - 1);
    return MPI_SUCCESS;
}

}  // namespace

extern "C" {

int MPI_Dims_create(int nnodes, int ndims, int dims[]) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Dims_create";
    if (int e = check_initialized(call)) return e;
    MOSIX_CHECK(nnodes > 0, MPI_COMM_NULL, MPI_ERR_ARG, call, "nnodes %d is not positive", nnodes);
    MOSIX_CHECK(ndims >= 0, MPI_COMM_NULL, MPI_ERR_DIMS, call, "ndims %d is negative", ndims);
    MOSIX_CHECK(ndims == 0 || dims, MPI_COMM_NULL, MPI_ERR_ARG, call, "dims is NULL");
    long long fixed = 1;
    bool any_free = false;
    for (int d = 0; d < ndims; ++d) {
        MOSIX_CHECK(dims[d] >= 0, MPI_COMM_NULL, MPI_ERR_DIMS, call, "dims[%d] is %d, negative", d, dims[d]);
        if (dims[d] > 0) fixed *= dims[d];
        any_free = any_free || dims[d] == 0;
        MOSIX_CHECK(fixed <= nnodes, MPI_COMM_NULL, MPI_ERR_DIMS, call,
                    "the fixed dimensions have more points than nnodes %d", nnodes);
    }
    MOSIX_CHECK(any_free ? nnodes % fixed == 0 : nnodes == fixed, MPI_COMM_NULL, MPI_ERR_DIMS, call,
                "nnodes %d is not a multiple of the fixed dimensions' product %lld", nnodes, fixed);
    dims_create(nnodes, ndims, dims);
    return MPI_SUCCESS;
}

int MPI_Topo_test(MPI_Comm comm, int* status) {
    MOSIX_LIBRARY_ENTRY();
    Comm* c = nullptr;
    if (int e = check_comm(comm, "MPI_Topo_test", &c)) return e;
    MOSIX_CHECK(status, comm, MPI_ERR_ARG, "MPI_Topo_test", "status is NULL");
    *status = c->topology ? c->topology->kind : MPI_UNDEFINED;
    return MPI_SUCCESS;
}

// ---- Cartesian ------------------------------------------------------------------------------

int MPI_Cart_create(MPI_Comm comm_old, int ndims, const int dims[], const int periods[], int /*reorder*/,
                    MPI_Comm* comm_cart) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Cart_create";
    Comm* c = nullptr;
    if (int e = check_intracomm(comm_old, call, &c, "")) return e;
    int size = 0;
    if (int e = check_grid(comm_old, *c, ndims, dims, periods, call, &size)) return e;
    MOSIX_CHECK(comm_cart, comm_old, MPI_ERR_ARG, call, "comm_cart is NULL");
    Topology t;
    t.kind = MPI_CART;
    t.dims.assign(dims, dims + ndims);
    for (int d = 0; d < ndims; ++d) t.periods.push_back(periods[d] != 0);
    *comm_cart = topology_create(*c, size, std::move(t));
    return MPI_SUCCESS;
}

int MPI_Cartdim_get(MPI_Comm comm, int* ndims) {
    MOSIX_LIBRARY_ENTRY();
    const Topology* t = nullptr;
    if (int e = check_topology(comm, MPI_CART, "MPI_Cartdim_get", &t)) return e;
    MOSIX_CHECK(ndims, comm, MPI_ERR_ARG, "MPI_Cartdim_get", "ndims is NULL");
    *ndims = t->ndims();
    return MPI_SUCCESS;
}

int MPI_Cart_get(MPI_Comm comm, int maxdims, int dims[], int periods[], int coords[]) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Cart_get";
    const Topology* t = nullptr;
    if (int e = check_topology(comm, MPI_CART, call, &t)) return e;
    MOSIX_CHECK(maxdims >= t->ndims(), comm, MPI_ERR_ARG, call, "maxdims %d is less than the %d dimensions",
                maxdims, t->ndims());
    MOSIX_CHECK(t->ndims() == 0 || (dims && periods && coords), comm, MPI_ERR_ARG, call,
                "dims, periods or coords is NULL");
    std::copy(t->dims.begin(), t->dims.end(), dims);
    std::copy(t->periods.begin(), t->periods.end(), periods);
    t->cart_coords(comm_get(comm)->rank, coords);
    return MPI_SUCCESS;
}

int MPI_Cart_rank(MPI_Comm comm, const int coords[], int* rank) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Cart_rank";
    const Topology* t = nullptr;
    if (int e = check_topology(comm, MPI_CART, call, &t)) return e;
    MOSIX_CHECK(rank && (t->ndims() == 0 || coords), comm, MPI_ERR_ARG, call, "coords or rank is NULL");
    for (int d = 0; d < t->ndims(); ++d) {
        const int extent = t->dims[static_cast<std::size_t>(d)];
        MOSIX_CHECK(t->periods[static_cast<std::size_t>(d)] || (coords[d] >= 0 && coords[d] < extent), comm,
                    MPI_ERR_ARG, call, "coords[%d] is %d, outside the non-periodic 0..%d", d, coords[d],
                    extent - 1);
    }
    *rank = t->cart_rank(coords);
    return MPI_SUCCESS;
}

int MPI_Cart_coords(MPI_Comm comm, int rank, int maxdims, int coords[]) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Cart_coords";
    const Topology* t = nullptr;
    if (int e = check_topology(comm, MPI_CART, call, &t)) return e;
    const int size = comm_get(comm)->size();
    MOSIX_CHECK(rank >= 0 && rank < size, comm, MPI_ERR_RANK, call, "rank %d is not in 0..%d", rank,
                size - 1);
    MOSIX_CHECK(maxdims >= t->ndims(), comm, MPI_ERR_ARG, call, "maxdims %d is less than the %d dimensions",
                maxdims, t->ndims());
    MOSIX_CHECK(t->ndims() == 0 || coords, comm, MPI_ERR_ARG, call, "coords is NULL");
    t->cart_coords(rank, coords);
    return MPI_SUCCESS;
}

int MPI_Cart_shift(MPI_Comm comm, int direction, int disp, int* rank_source, int* rank_dest) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Cart_shift";
    const Topology* t = nullptr;
    if (int e = check_topology(comm, MPI_CART, call, &t)) return e;
    MOSIX_CHECK(direction >= 0 && direction < t->ndims(), comm, MPI_ERR_ARG, call,
                "direction %d is not in 0..%d", direction, t->ndims() - 1);
    MOSIX_CHECK(rank_source && rank_dest, comm, MPI_ERR_ARG, call, "rank_source or rank_dest is NULL");
    std::vector<int> coords(static_cast<std::size_t>(t->ndims()));
    t->cart_coords(comm_get(comm)->rank, coords.data());
    const int mine = coords[static_cast<std::size_t>(direction)];
    // Computed in long long: a large disp must not wrap around.
    const long long extent = t->dims[static_cast<std::size_t>(direction)];
    auto at = [&](long long c) {
        if (t->periods[static_cast<std::size_t>(direction)])
            c = ((c % extent) + extent) % extent;
        else if (c < 0 || c >= extent)
            return MPI_PROC_NULL;
        coords[static_cast<std::size_t>(direction)] = static_cast<int>(c);
        return t->cart_rank(coords.data());
    };
    *rank_dest = at(static_cast<long long>(mine) + disp);
    *rank_source = at(static_cast<long long>(mine) - disp);
    return MPI_SUCCESS;
}

int MPI_Cart_sub(MPI_Comm comm, const int remain_dims[], MPI_Comm* newcomm) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Cart_sub";
    const Topology* t = nullptr;
    if (int e = check_topology(comm, MPI_CART, call, &t)) return e;
    MOSIX_CHECK(t->ndims() == 0 || remain_dims, comm, MPI_ERR_ARG, call, "remain_dims is NULL");
    MOSIX_CHECK(newcomm, comm, MPI_ERR_ARG, call, "newcomm is NULL");
    *newcomm = cart_sub(*comm_get(comm), remain_dims);
    return MPI_SUCCESS;
}

int MPI_Cart_map(MPI_Comm comm, int ndims, const int dims[], const int periods[], int* newrank) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Cart_map";
    Comm* c = nullptr;
    if (int e = check_intracomm(comm, call, &c, "")) return e;
    int size = 0;
    if (int e = check_grid(comm, *c, ndims, dims, periods, call, &size)) return e;
    MOSIX_CHECK(newrank, comm, MPI_ERR_ARG, call, "newrank is NULL");
    *newrank = c->rank < size ? c->rank : MPI_UNDEFINED;
    return MPI_SUCCESS;
}

// ---- graph ----------------------------------------------------------------------------------

int MPI_Graph_create(MPI_Comm comm_old, int nnodes, const int index[], const int edges[], int /*reorder*/,
                     MPI_Comm* comm_graph) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Graph_create";
    Comm* c = nullptr;
    if (int e = check_intracomm(comm_old, call, &c, "")) return e;
    if (int e = check_graph(comm_old, *c, nnodes, index, edges, call)) return e;
    MOSIX_CHECK(comm_graph, comm_old, MPI_ERR_ARG, call, "comm_graph is NULL");
    Topology t;
    t.kind = MPI_GRAPH;
    t.index.assign(index, index + nnodes);
    t.edges.assign(edges, edges + (nnodes ? index[nnodes - 1] : 0));
    *comm_graph = topology_create(*c, nnodes, std::move(t));
    return MPI_SUCCESS;
}

int MPI_Graphdims_get(MPI_Comm comm, int* nnodes, int* nedges) {
    MOSIX_LIBRARY_ENTRY();
    const Topology* t = nullptr;
    if (int e = check_topology(comm, MPI_GRAPH, "MPI_Graphdims_get", &t)) return e;
    MOSIX_CHECK(nnodes && nedges, comm, MPI_ERR_ARG, "MPI_Graphdims_get", "nnodes or nedges is NULL");
    *nnodes = static_cast<int>(t->index.size());
    *nedges = static_cast<int>(t->edges.size());
    return MPI_SUCCESS;
}

int MPI_Graph_get(MPI_Comm comm, int maxindex, int maxedges, int index[], int edges[]) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Graph_get";
    const Topology* t = nullptr;
    if (int e = check_topology(comm, MPI_GRAPH, call, &t)) return e;
    const int nnodes = static_cast<int>(t->index.size()), nedges = static_cast<int>(t->edges.size());
    MOSIX_CHECK(maxindex >= nnodes && maxedges >= nedges, comm, MPI_ERR_ARG, call,
                "maxindex %d or maxedges %d is less than the graph's %d nodes and %d edges", maxindex,
                maxedges, nnodes, nedges);
    MOSIX_CHECK((nnodes == 0 || index) && (nedges == 0 || edges), comm, MPI_ERR_ARG, call,
                "index or edges is NULL");
    std::copy(t->index.begin(), t->index.end(), index);
    std::copy(t->edges.begin(), t->edges.end(), edges);
    return MPI_SUCCESS;
}

int MPI_Graph_neighbors_count(MPI_Comm comm, int rank, int* nneighbors) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Graph_neighbors_count";
    const Topology* t = nullptr;
    if (int e = check_topology(comm, MPI_GRAPH, call, &t)) return e;
    const int nnodes = static_cast<int>(t->index.size());
    MOSIX_CHECK(rank >= 0 && rank < nnodes, comm, MPI_ERR_RANK, call, "rank %d is not in 0..%d", rank,
                nnodes - 1);
    MOSIX_CHECK(nneighbors, comm, MPI_ERR_ARG, call, "nneighbors is NULL");
    *nneighbors = t->graph_neighbors(rank).second;
    return MPI_SUCCESS;
}

int MPI_Graph_neighbors(MPI_Comm comm, int rank, int maxneighbors, int neighbors[]) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Graph_neighbors";
    const Topology* t = nullptr;
    if (int e = check_topology(comm, MPI_GRAPH, call, &t)) return e;
    const int nnodes = static_cast<int>(t->index.size());
    MOSIX_CHECK(rank >= 0 && rank < nnodes, comm, MPI_ERR_RANK, call, "rank %d is not in 0..%d", rank,
                nnodes - 1);
    auto [first, n] = t->graph_neighbors(rank);
    MOSIX_CHECK(maxneighbors >= n, comm, MPI_ERR_ARG, call, "maxneighbors %d is less than the %d neighbours",
                maxneighbors, n);
    MOSIX_CHECK(n == 0 || neighbors, comm, MPI_ERR_ARG, call, "neighbors is NULL");
    std::copy(first, first + n, neighbors);
    return MPI_SUCCESS;
}

int MPI_Graph_map(MPI_Comm comm, int nnodes, const int index[], const int edges[], int* newrank) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Graph_map";
    Comm* c = nullptr;
    if (int e = check_intracomm(comm, call, &c, "")) return e;
    if (int e = check_graph(comm, *c, nnodes, index, edges, call)) return e;
    MOSIX_CHECK(newrank, comm, MPI_ERR_ARG, call, "newrank is NULL");
    *newrank = c->rank < nnodes ? c->rank : MPI_UNDEFINED;
    return MPI_SUCCESS;
}

}  // extern "C"
