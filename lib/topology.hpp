// topology.hpp — process topologies (Cartesian, graph, distributed graph) attached to
// communicators, and the arithmetic on them. The bindings (lib/mpi/topology.cc,
// lib/mpi/dist_graph.cc) check arguments; nothing here does.
//
// A topology never changes once made, so MPI_Comm_dup shares it between the two communicators.
// Ranks are never reordered (see mpi_topology.h): rank i of the topology is rank i of the
// communicator it was made from.
#pragma once

#include <mpi.h>

#include <memory>
#include <vector>

namespace mosix::lib {

struct Comm;

struct Topology {
    int kind = MPI_UNDEFINED;  // MPI_CART, MPI_GRAPH or MPI_DIST_GRAPH
    // MPI_CART: extent and periodicity (0/1) of each dimension; row-major rank order.
    std::vector<int> dims, periods;
    // MPI_GRAPH: the whole graph as given (index[i] is the end of node i's edges).
    std::vector<int> index, edges;
    // MPI_DIST_GRAPH: this rank's own neighbours only (weights empty when unweighted).
    std::vector<int> sources, sourceweights, destinations, destweights;
    bool weighted = false;

    int ndims() const noexcept { return static_cast<int>(dims.size()); }
    int cart_size() const noexcept;
    // Coordinates of `rank` (ndims() entries).
    void cart_coords(int rank, int* coords) const noexcept;
    // Rank at `coords`; periodic dimensions wrap, others must be in range (else MPI_PROC_NULL).
    int cart_rank(const int* coords) const noexcept;
    // The graph neighbours of node `rank`.
    std::pair<const int*, int> graph_neighbors(int rank) const noexcept;
};

using TopologyPtr = std::shared_ptr<const Topology>;

// MPI_Dims_create's factorization: fills the zero entries of dims[0..ndims) so that their product
// times the product of the fixed ones is nnodes, as close to each other as possible and in
// non-increasing order. REQUIRES: the fixed entries are positive and divide nnodes.
void dims_create(int nnodes, int ndims, int* dims);

// Collective over `parent`: the first `t.cart_size()` (or graph node count) ranks of `parent` in a
// new communicator that carries `t`; MPI_COMM_NULL for the others.
MPI_Comm topology_create(const Comm& parent, int members, Topology t);

// Collective over a Cartesian `parent`: the sub-grids that keep the dimensions with remain[d] set.
MPI_Comm cart_sub(const Comm& parent, const int* remain);

// Collective over `parent`: MPI_Dist_graph_create's edges (each rank names any edges) delivered to
// the ranks they concern; returns the new communicator with each rank's neighbour lists.
MPI_Comm dist_graph_create(const Comm& parent, int n, const int* sources, const int* degrees,
                           const int* destinations, const int* weights, bool weighted);

// Collective over `parent`: MPI_Dist_graph_create_adjacent.
MPI_Comm dist_graph_adjacent(const Comm& parent, Topology t);

}  // namespace mosix::lib
