// bcast.cc — a binomial tree for small messages (log2 p rounds); for large ones van de Geijn's
// scatter + ring allgather, which sends each rank about 2n bytes instead of n log2 p down a tree.
#include "coll.hpp"
#include "coll_util.hpp"
#include "hierarchical.hpp"

namespace mosix::lib::coll {

namespace {

void bcast_binomial(Byte* buf, std::size_t bytes, int root, const Comm& comm, int tag) {
    const int p = comm.size(), vr = rel(comm.rank, root, p);
    int span = subtree_span(vr, p);
    if (vr) coll_recv(comm, buf, bytes, abs_rank(vr - span, root, p), tag);
    for (int m = span >> 1; m > 0; m >>= 1)
        if (vr + m < p) coll_send(comm, buf, bytes, abs_rank(vr + m, root, p), tag);
}

// Relative rank i first receives chunk i; chunks past the end of the buffer are empty.
void bcast_scatter_allgather(Byte* buf, std::size_t bytes, int root, const Comm& comm, int tag) {
    const int p = comm.size(), vr = rel(comm.rank, root, p);
    const std::size_t chunk = (bytes + static_cast<std::size_t>(p) - 1) / static_cast<std::size_t>(p);
    auto off = [&](int i) { return std::min(static_cast<std::size_t>(i) * chunk, bytes); };
    tree_scatter(comm, root, off, buf + off(vr), tag);
    ring_allgather(
        comm, root, [&](int i) { return std::make_pair(buf + off(i), off(i + 1) - off(i)); }, tag);
}

}  // namespace

void bcast_with(void* buf, std::size_t bytes, int root, const Comm& comm, int tag) {
    if (comm.size() == 1 || bytes == 0) return;
    if (bytes >= kLargeMessage && comm.size() > 2)
        bcast_scatter_allgather(static_cast<Byte*>(buf), bytes, root, comm, tag);
    else
        bcast_binomial(static_cast<Byte*>(buf), bytes, root, comm, tag);
}

void bcast(void* buf, std::size_t bytes, int root, const Comm& comm) {
    if (hierarchical_bcast(buf, bytes, root, comm)) return;
    bcast_with(buf, bytes, root, comm, kTagBcast);
}

}  // namespace mosix::lib::coll
