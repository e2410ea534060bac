// gather.cc — gather: a binomial tree for small blocks (log2 p rounds); for large blocks the root
// receives each straight into place, since forwarding through a tree would only add copies of data
// the root must take in anyway. gatherv: linear at the root.
#include "coll.hpp"
#include "coll_util.hpp"

namespace mosix::lib::coll {

namespace {

void gather_binomial(const void* own, void* rbuf, std::size_t b, int root, const Comm& comm) {
    const int p = comm.size(), vr = rel(comm.rank, root, p);
    auto off = [b](int i) { return static_cast<std::size_t>(i) * b; };
    if (vr != 0 && !has_children(vr, p)) {
        tree_gather(comm, root, off, const_cast<Byte*>(static_cast<const Byte*>(own)), kTagGather);
        return;
    }
    // Blocks are collected in relative-rank order; only a root other than 0 must rotate them.
    std::size_t hold = off(std::min(vr + subtree_span(vr, p), p));
    bool direct = vr == 0 && root == 0;
    Scratch s(direct ? 0 : hold);
    Byte* sub = direct ? static_cast<Byte*>(rbuf) : s.get();
    copy(sub, own, b);
    tree_gather(comm, root, off, sub, kTagGather);
    if (vr == 0 && !direct) {
        copy(at(rbuf, off(root)), sub, off(p - root));
        copy(rbuf, sub + off(p - root), off(root));
    }
}

}  // namespace

void gather(const void* sbuf, std::size_t sbytes, void* rbuf, std::size_t rbytes, int root,
            const Comm& comm) {
    const int p = comm.size(), me = comm.rank;
    const std::size_t b = me == root ? rbytes : sbytes;
    if (b == 0) return;
    const void* own = in_place(sbuf) ? at(rbuf, static_cast<std::size_t>(root) * b) : sbuf;
    if (b < kLargeMessage) {
        gather_binomial(own, rbuf, b, root, comm);
    } else if (me != root) {
        coll_send(comm, sbuf, b, root, kTagGather);
    } else {
        copy(at(rbuf, static_cast<std::size_t>(root) * b), own, b);
        for (int i = 0; i < p; ++i)
            if (i != root) coll_recv(comm, at(rbuf, static_cast<std::size_t>(i) * b), b, i, kTagGather);
    }
}

void gatherv(const void* sbuf, std::size_t sbytes, void* rbuf, const std::size_t* rbytes,
             const std::size_t* rdispls, int root, const Comm& comm) {
    const int p = comm.size(), me = comm.rank;
    if (me != root) {
        coll_send(comm, sbuf, sbytes, root, kTagGatherv);
        return;
    }
    if (!in_place(sbuf)) copy(at(rbuf, rdispls[root]), sbuf, rbytes[root]);
    for (int i = 0; i < p; ++i)
        if (i != root) coll_recv(comm, at(rbuf, rdispls[i]), rbytes[i], i, kTagGatherv);
}

}  // namespace mosix::lib::coll
