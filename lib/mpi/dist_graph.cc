// dist_graph.cc — distributed graph topologies: argument checks, then lib/topology.hpp.
#include <mpi.h>

#include <algorithm>

#include "checks.hpp"
#include "lib/topology.hpp"
#include "runtime/library_entry.hpp"

using namespace mosix::lib;

namespace {

// `n` ranks of the communicator, and their weights if `weighted`.
int check_ranks(MPI_Comm comm, const Comm& c, int n, const int* ranks, const int* weights, bool weighted,
                const char* what, const char* call) {
    MOSIX_CHECK(n >= 0, comm, MPI_ERR_ARG, call, "the number of %s %d is negative", what, n);
    MOSIX_CHECK(n == 0 || ranks, comm, MPI_ERR_ARG, call, "%s is NULL", what);
    MOSIX_CHECK(n == 0 || !weighted || (weights && weights != MPI_WEIGHTS_EMPTY), comm, MPI_ERR_ARG, call,
                "the weights of %s are missing", what);
    for (int i = 0; i < n; ++i) {
        MOSIX_CHECK(ranks[i] >= 0 && ranks[i] < c.size(), comm, MPI_ERR_RANK, call,
                    "%s[%d] is %d, not in 0..%d", what, i, ranks[i], c.size() - 1);
        MOSIX_CHECK(!weighted || weights[i] >= 0, comm, MPI_ERR_ARG, call, "weight %d of %s is negative (%d)",
                    i, what, weights[i]);
    }
    return MPI_SUCCESS;
}

int check_dist_graph(MPI_Comm comm, const char* call, const Topology** out) {
    Comm* c = nullptr;
    if (int e = check_comm(comm, call, &c)) return e;
    MOSIX_CHECK(c->topology && c->topology->kind == MPI_DIST_GRAPH, comm, MPI_ERR_TOPOLOGY, call,
                "communicator %#x has no distributed graph topology", comm);
    *out = c->topology.get();
    return MPI_SUCCESS;
}

}  // namespace

extern "C" {

int mosix_unweighted[1], mosix_weights_empty[1];

int MPI_Dist_graph_create_adjacent(MPI_Comm comm_old, int indegree, const int sources[],
                                   const int sourceweights[], int outdegree, const int destinations[],
                                   const int destweights[], MPI_Info info, int /*reorder*/,
                                   MPI_Comm* comm_dist_graph) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Dist_graph_create_adjacent";
    Comm* c = nullptr;
    if (int e = check_intracomm(comm_old, call, &c, "")) return e;
    const bool weighted = sourceweights != MPI_UNWEIGHTED && destweights != MPI_UNWEIGHTED;
    MOSIX_CHECK(weighted || (sourceweights == MPI_UNWEIGHTED && destweights == MPI_UNWEIGHTED), comm_old,
                MPI_ERR_ARG, call, "sourceweights and destweights must both be MPI_UNWEIGHTED, or neither");
    if (int e = check_ranks(comm_old, *c, indegree, sources, sourceweights, weighted, "sources", call))
        return e;
    if (int e =
            check_ranks(comm_old, *c, outdegree, destinations, destweights, weighted, "destinations", call))
        return e;
    MOSIX_CHECK(info_valid_or_null(info), comm_old, MPI_ERR_INFO, call, "info %#x is not a valid Info object",
                info);
    MOSIX_CHECK(comm_dist_graph, comm_old, MPI_ERR_ARG, call, "comm_dist_graph is NULL");
    Topology t;
    t.kind = MPI_DIST_GRAPH;
    t.weighted = weighted;
    t.sources.assign(sources, sources + indegree);
    t.destinations.assign(destinations, destinations + outdegree);
    if (weighted) {
        t.sourceweights.assign(sourceweights, sourceweights + (indegree ? indegree : 0));
        t.destweights.assign(destweights, destweights + (outdegree ? outdegree : 0));
    }
    *comm_dist_graph = dist_graph_adjacent(*c, std::move(t));
    return MPI_SUCCESS;
}

int MPI_Dist_graph_create(MPI_Comm comm_old, int n, const int sources[], const int degrees[],
                          const int destinations[], const int weights[], MPI_Info info, int /*reorder*/,
                          MPI_Comm* comm_dist_graph) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Dist_graph_create";
    Comm* c = nullptr;
    if (int e = check_intracomm(comm_old, call, &c, "")) return e;
    MOSIX_CHECK(n >= 0, comm_old, MPI_ERR_ARG, call, "n %d is negative", n);
    MOSIX_CHECK(n == 0 || (sources && degrees), comm_old, MPI_ERR_ARG, call, "sources or degrees is NULL");
    if (int e = check_ranks(comm_old, *c, n, sources, nullptr, false, "sources", call)) return e;
    long long nedges = 0;
    for (int i = 0; i < n; ++i) {
        MOSIX_CHECK(degrees[i] >= 0, comm_old, MPI_ERR_ARG, call, "degrees[%d] is %d, negative", i,
                    degrees[i]);
        nedges += degrees[i];
    }
    MOSIX_CHECK(nedges <= (1 << 28), comm_old, MPI_ERR_ARG, call, "%lld edges are too many", nedges);
    const bool weighted = weights != MPI_UNWEIGHTED;
    if (int e = check_ranks(comm_old, *c, static_cast<int>(nedges), destinations, weights, weighted,
                            "destinations", call))
        return e;
    MOSIX_CHECK(info_valid_or_null(info), comm_old, MPI_ERR_INFO, call, "info %#x is not a valid Info object",
                info);
    MOSIX_CHECK(comm_dist_graph, comm_old, MPI_ERR_ARG, call, "comm_dist_graph is NULL");
    *comm_dist_graph = dist_graph_create(*c, n, sources, degrees, destinations, weights, weighted);
    return MPI_SUCCESS;
}

int MPI_Dist_graph_neighbors_count(MPI_Comm comm, int* indegree, int* outdegree, int* weighted) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Dist_graph_neighbors_count";
    const Topology* t = nullptr;
    if (int e = check_dist_graph(comm, call, &t)) return e;
    MOSIX_CHECK(indegree && outdegree && weighted, comm, MPI_ERR_ARG, call,
                "indegree, outdegree or weighted is NULL");
    *indegree = static_cast<int>(t->sources.size());
    *outdegree = static_cast<int>(t->destinations.size());
    *weighted = t->weighted;
    return MPI_SUCCESS;
}

int MPI_Dist_graph_neighbors(MPI_Comm comm, int maxindegree, int sources[], int sourceweights[],
                             int maxoutdegree, int destinations[], int destweights[]) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Dist_graph_neighbors";
    const Topology* t = nullptr;
    if (int e = check_dist_graph(comm, call, &t)) return e;
    const int in = static_cast<int>(t->sources.size()), out = static_cast<int>(t->destinations.size());
    MOSIX_CHECK(maxindegree >= in && maxoutdegree >= out, comm, MPI_ERR_ARG, call,
                "maxindegree %d or maxoutdegree %d is less than the degrees %d and %d", maxindegree,
                maxoutdegree, in, out);
    MOSIX_CHECK((in == 0 || sources) && (out == 0 || destinations), comm, MPI_ERR_ARG, call,
                "sources or destinations is NULL");
    std::copy(t->sources.begin(), t->sources.end(), sources);
    std::copy(t->destinations.begin(), t->destinations.end(), destinations);
    // Weights only where the graph has them and the caller asked for them.
    auto wanted = [](const int* w) { return w && w != MPI_UNWEIGHTED && w != MPI_WEIGHTS_EMPTY; };
    if (t->weighted && wanted(sourceweights))
        std::copy(t->sourceweights.begin(), t->sourceweights.end(), sourceweights);
    if (t->weighted && wanted(destweights))
        std::copy(t->destweights.begin(), t->destweights.end(), destweights);
    return MPI_SUCCESS;
}

}  // extern "C"
