#include "topology.hpp"

#include <algorithm>
#include <functional>

#include "coll/coll.hpp"
#include "comm.hpp"

namespace mosix::lib {

int Topology::cart_size() const noexcept {
    int n = 1;
    for (int d : dims) n *= d;
    return n;
}

void Topology::cart_coords(int rank, int* coords) const noexcept {
    for (int d = ndims() - 1; d >= 0; --d) {
        const int extent = dims[static_cast<std::size_t>(d)];
        coords[d] = rank % extent;
        rank /= extent;
    }
}

int Topology::cart_rank(const int* coords) const noexcept {
    int rank = 0;
    for (int d = 0; d < ndims(); ++d) {
        const int extent = dims[static_cast<std::size_t>(d)];
        int c = coords[d];
        if (periods[static_cast<std::size_t>(d)]) {
            c %= extent;
            if (c < 0) c += extent;
        } else if (c < 0 || c >= extent) {
            return MPI_PROC_NULL;
        }
        rank = rank * extent + c;
    }
    return rank;
}

std::pair<const int*, int> Topology::graph_neighbors(int rank) const noexcept {
    const int begin = rank == 0 ? 0 : index[static_cast<std::size_t>(rank - 1)];
    const int end = index[static_cast<std::size_t>(rank)];
    return {edges.data() + begin, end - begin};
}

// The free dimensions get the prime factors of what is left, largest first, each to the dimension
// whose product is smallest so far; then they are sorted. This is Open MPI's method, and it gives
// the same answers, which programs that print their decomposition rely on.
void dims_create(int nnodes, int ndims, int* dims) {
    int fixed = 1, nfree = 0;
    for (int i = 0; i < ndims; ++i) {
        if (dims[i] > 0)
            fixed *= dims[i];
        else
            ++nfree;
    }
    if (nfree == 0) return;
    int rest = nnodes / fixed;
    std::vector<int> primes;
    for (int p = 2; static_cast<long long>(p) * p <= rest; ++p)
        while (rest % p == 0) {
            primes.push_back(p);
            rest /= p;
        }
    if (rest > 1) primes.push_back(rest);
    std::vector<int> bins(static_cast<std::size_t>(nfree), 1);
    for (auto p = primes.rbegin(); p != primes.rend(); ++p) *std::min_element(bins.begin(), bins.end()) *= *p;
    std::sort(bins.begin(), bins.end(), std::greater<int>());
    std::size_t next = 0;
    for (int i = 0; i < ndims; ++i)
        if (dims[i] == 0) dims[i] = bins[next++];
}

namespace {

MPI_Comm attach(MPI_Comm h, Topology t) {
    if (h != MPI_COMM_NULL) comm_get(h)->topology = std::make_shared<const Topology>(std::move(t));
    return h;
}

}  // namespace

MPI_Comm topology_create(const Comm& parent, int members, Topology t) {
    const bool inside = parent.rank < members;
    return attach(comm_split(parent, inside ? 0 : MPI_UNDEFINED, parent.rank), std::move(t));
}

MPI_Comm cart_sub(const Comm& parent, const int* remain) {
    const Topology& old = *parent.topology;
    std::vector<int> coords(static_cast<std::size_t>(old.ndims()));
    old.cart_coords(parent.rank, coords.data());
    // Ranks that agree on the dropped coordinates share a sub-grid; row-major order within it
    // is their order in the parent, so the parent rank is the key.
    int color = 0;
    Topology t;
    t.kind = MPI_CART;
    for (int d = 0; d < old.ndims(); ++d) {
        const auto i = static_cast<std::size_t>(d);
        if (remain[d]) {
            t.dims.push_back(old.dims[i]);
            t.periods.push_back(old.periods[i]);
        } else {
            color = color * old.dims[i] + coords[i];
        }
    }
    return attach(comm_split(parent, color, parent.rank), std::move(t));
}

MPI_Comm dist_graph_adjacent(const Comm& parent, Topology t) {
    return attach(comm_split(parent, 0, parent.rank), std::move(t));
}

MPI_Comm dist_graph_create(const Comm& parent, int n, const int* sources, const int* degrees,
                           const int* destinations, const int* weights, bool weighted) {
    // Every edge s -> d (weight w) goes to s (as an out-edge) and to d (as an in-edge): one
    // alltoall of counts, one alltoallv of (s, d, w) triples.
    const auto p = static_cast<std::size_t>(parent.size());
    std::vector<std::vector<int>> out(p);
    for (int i = 0, e = 0; i < n; ++i)
        for (int k = 0; k < degrees[i]; ++k, ++e) {
            const int s = sources[i], d = destinations[e], w = weighted ? weights[e] : 1;
            for (int to : {s, d}) {
                auto& o = out[static_cast<std::size_t>(to)];
                o.insert(o.end(), {s, d, w});
                if (s == d) break;  // a self-loop is one edge of each list, sent once
            }
        }
    std::vector<std::size_t> sbytes(p), sdispls(p), rbytes(p), rdispls(p);
    std::vector<int> send;
    for (std::size_t r = 0; r < p; ++r) {
        sdispls[r] = send.size() * sizeof(int);
        sbytes[r] = out[r].size() * sizeof(int);
        send.insert(send.end(), out[r].begin(), out[r].end());
    }
    coll::alltoall(sbytes.data(), sizeof(std::size_t), rbytes.data(), sizeof(std::size_t), parent);
    std::size_t total = 0;
    for (std::size_t r = 0; r < p; ++r) {
        rdispls[r] = total;
        total += rbytes[r];
    }
    std::vector<int> recv(total / sizeof(int));
    coll::alltoallv(send.data(), sbytes.data(), sdispls.data(), recv.data(), rbytes.data(), rdispls.data(),
                    parent);

    Topology t;
    t.kind = MPI_DIST_GRAPH;
    t.weighted = weighted;
    for (std::size_t i = 0; i + 2 < recv.size(); i += 3) {
        const int s = recv[i], d = recv[i + 1], w = recv[i + 2];
        if (d == parent.rank) {
            t.sources.push_back(s);
            if (weighted) t.sourceweights.push_back(w);
        }
        if (s == parent.rank) {
            t.destinations.push_back(d);
            if (weighted) t.destweights.push_back(w);
        }
    }
    return dist_graph_adjacent(parent, std::move(t));
}

}  // namespace mosix::lib
