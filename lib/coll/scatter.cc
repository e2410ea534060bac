// scatter.cc — scatter: a binomial tree for small blocks (log2 p rounds); for large blocks the root
// sends each straight to its owner (a tree would only add forwarding copies). scatterv: linear at
// the root.
#include "coll.hpp"
#include "coll_util.hpp"

namespace mosix::lib::coll {

namespace {

void scatter_binomial(const void* sbuf, void* own, std::size_t b, int root, const Comm& comm) {
    const int p = comm.size(), vr = rel(comm.rank, root, p);
    auto off = [b](int i) { return static_cast<std::size_t>(i) * b; };
    // The tree hands out blocks in relative-rank order: a root other than 0 rotates them first;
    // leaves receive straight into their receive buffer.
    std::size_t hold = vr == 0               ? (root == 0 ? 0 : off(p))
                       : has_children(vr, p) ? off(std::min(vr + subtree_span(vr, p), p)) - off(vr)
                                             : 0;
    Scratch s(hold);
    Byte* sub = hold      ? s.get()
                : vr == 0 ? const_cast<Byte*>(static_cast<const Byte*>(sbuf))
                          : static_cast<Byte*>(own);
    if (vr == 0 && root != 0) {
        copy(sub, at(sbuf, off(root)), off(p - root));
        copy(sub + off(p - root), sbuf, off(root));
    }
    tree_scatter(comm, root, off, sub, kTagScatter);
    copy(own, sub, b);
}

}  // namespace

void scatter(const void* sbuf, std::size_t sbytes, void* rbuf, std::size_t rbytes, int root,
             const Comm& comm) {
    const int p = comm.size(), me = comm.rank;
    const std::size_t b = me == root ? sbytes : rbytes;
    if (b == 0) return;
    // In place, the root's own block stays where it is in sbuf.
    void* own = in_place(rbuf) ? const_cast<Byte*>(at(sbuf, static_cast<std::size_t>(root) * b)) : rbuf;
    if (b < kLargeMessage) {
        scatter_binomial(sbuf, own, b, root, comm);
    } else if (me != root) {
        coll_recv(comm, rbuf, b, root, kTagScatter);
    } else {
        for (int i = 0; i < p; ++i)
            if (i != root) coll_send(comm, at(sbuf, static_cast<std::size_t>(i) * b), b, i, kTagScatter);
        copy(own, at(sbuf, static_cast<std::size_t>(root) * b), b);
    }
}

void scatterv(const void* sbuf, const std::size_t* sbytes, const std::size_t* sdispls, void* rbuf,
              std::size_t rbytes, int root, const Comm& comm) {
    const int p = comm.size(), me = comm.rank;
    if (me != root) {
        coll_recv(comm, rbuf, rbytes, root, kTagScatterv);
        return;
    }
    for (int i = 0; i < p; ++i)
        if (i != root) coll_send(comm, at(sbuf, sdispls[i]), sbytes[i], i, kTagScatterv);
    if (!in_place(rbuf)) copy(rbuf, at(sbuf, sdispls[root]), sbytes[root]);
}

}  // namespace mosix::lib::coll
