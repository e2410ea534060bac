// linear.cc — the one-round schedules: gather, scatter, alltoall, the v-variants and allgatherv post
// every message at once; allgather is Bruck's dissemination (ceil(log2 p) rounds, every rank
// sends p - 1 blocks in all).
#include <algorithm>

#include "algorithms.hpp"
#include "lib/coll/coll_util.hpp"

namespace mosix::lib::nbc {

using coll::at;
using coll::in_place;

namespace {

std::size_t block(int i, std::size_t b) { return static_cast<std::size_t>(i) * b; }

}  // namespace

void gather(Builder& b, const void* sbuf, std::size_t sbytes, void* rbuf, std::size_t rbytes, int root) {
    const int p = b.size(), me = b.rank();
    const std::size_t n = me == root ? rbytes : sbytes;
    if (n == 0) return;
    if (me != root) {
        b.send(sbuf, n, root);
        return;
    }
    if (!in_place(sbuf)) b.copy(at(rbuf, block(root, n)), sbuf, n);
    for (int i = 0; i < p; ++i)
        if (i != root) b.recv(at(rbuf, block(i, n)), n, i);
}

void gatherv(Builder& b, const void* sbuf, std::size_t sbytes, void* rbuf, const std::size_t* rbytes,
             const std::size_t* rdispls, int root) {
    const int p = b.size(), me = b.rank();
    if (me != root) {
        if (sbytes) b.send(sbuf, sbytes, root);
        return;
    }
    if (!in_place(sbuf)) b.copy(at(rbuf, rdispls[root]), sbuf, rbytes[root]);
    for (int i = 0; i < p; ++i)
        if (i != root && rbytes[i]) b.recv(at(rbuf, rdispls[i]), rbytes[i], i);
}

void scatter(Builder& b, const void* sbuf, std::size_t sbytes, void* rbuf, std::size_t rbytes, int root) {
    const int p = b.size(), me = b.rank();
    const std::size_t n = me == root ? sbytes : rbytes;
    if (n == 0) return;
    if (me != root) {
        b.recv(rbuf, n, root);
        return;
    }
    if (!in_place(rbuf)) b.copy(rbuf, at(sbuf, block(root, n)), n);
    for (int i = 0; i < p; ++i)
        if (i != root) b.send(at(sbuf, block(i, n)), n, i);
}

void scatterv(Builder& b, const void* sbuf, const std::size_t* sbytes, const std::size_t* sdispls, void* rbuf,
              std::size_t rbytes, int root) {
    const int p = b.size(), me = b.rank();
    if (me != root) {
        if (rbytes) b.recv(rbuf, rbytes, root);
        return;
    }
    if (!in_place(rbuf)) b.copy(rbuf, at(sbuf, sdispls[root]), sbytes[root]);
    for (int i = 0; i < p; ++i)
        if (i != root && sbytes[i]) b.send(at(sbuf, sdispls[i]), sbytes[i], i);
}

// Bruck: tmp block i holds rank me + i's block. In the round at distance d a rank sends the blocks
// it has (at most d) to me - d and gets as many from me + d; a final rotation puts them in place.
void allgather(Builder& b, const void* sbuf, std::size_t sbytes, void* rbuf, std::size_t rbytes) {
    (void)sbytes;  // equals rbytes (the binding checks it)
    const int p = b.size(), me = b.rank();
    const std::size_t n = rbytes;
    if (n == 0) return;
    const void* own = in_place(sbuf) ? at(rbuf, block(me, n)) : sbuf;
    if (p == 1) {
        b.copy(rbuf, own, n);
        return;
    }
    Byte* tmp = b.scratch(block(p, n));
    b.copy(tmp, own, n);
    for (int d = 1; d < p; d <<= 1) {
        const int cnt = std::min(d, p - d);
        b.send(tmp, block(cnt, n), (me - d + p) % p);
        b.recv(tmp + block(d, n), block(cnt, n), (me + d) % p);
        b.end_round();
    }
    b.copy(at(rbuf, block(me, n)), tmp, block(p - me, n));
    b.copy(rbuf, tmp + block(p - me, n), block(me, n));
}

void allgatherv(Builder& b, const void* sbuf, std::size_t sbytes, void* rbuf, const std::size_t* rbytes,
                const std::size_t* rdispls) {
    const int p = b.size(), me = b.rank();
    const void* own = in_place(sbuf) ? at(rbuf, rdispls[me]) : sbuf;
    b.copy(at(rbuf, rdispls[me]), own, rbytes[me]);
    for (int s = 1; s < p; ++s) {
        const int to = (me + s) % p, from = (me - s + p) % p;
        if (sbytes) b.send(own, sbytes, to);
        if (rbytes[from]) b.recv(at(rbuf, rdispls[from]), rbytes[from], from);
    }
}

void alltoall(Builder& b, const void* sbuf, std::size_t sbytes, void* rbuf, std::size_t rbytes) {
    (void)sbytes;  // equals rbytes (the binding checks it); rbytes is also known in place
    const int p = b.size(), me = b.rank();
    const std::size_t n = rbytes;
    if (n == 0) return;
    // In place, blocks are sent from a copy: the receives overwrite blocks not yet sent.
    const void* src = sbuf;
    if (in_place(sbuf)) {
        Byte* copy = b.scratch(block(p, n));
        b.copy(copy, rbuf, block(p, n));
        src = copy;
    }
    b.copy(at(rbuf, block(me, n)), at(src, block(me, n)), n);
    for (int s = 1; s < p; ++s) {
        const int to = (me + s) % p, from = (me - s + p) % p;
        b.recv(at(rbuf, block(from, n)), n, from);
        b.send(at(src, block(to, n)), n, to);
    }
}

void alltoallv(Builder& b, const void* sbuf, const std::size_t* sbytes, const std::size_t* sdispls,
               void* rbuf, const std::size_t* rbytes, const std::size_t* rdispls) {
    const int p = b.size(), me = b.rank();
    if (in_place(sbuf)) {
        // In place, the send layout is the receive layout; send from a copy of it.
        std::size_t extent = 0;
        for (int i = 0; i < p; ++i) extent = std::max(extent, rdispls[i] + rbytes[i]);
        Byte* copy = b.scratch(extent);
        b.copy(copy, rbuf, extent);
        sbuf = copy;
        sbytes = rbytes;
        sdispls = rdispls;
    }
    b.copy(at(rbuf, rdispls[me]), at(sbuf, sdispls[me]), rbytes[me]);
    for (int s = 1; s < p; ++s) {
        const int to = (me + s) % p, from = (me - s + p) % p;
        if (rbytes[from]) b.recv(at(rbuf, rdispls[from]), rbytes[from], from);
        if (sbytes[to]) b.send(at(sbuf, sdispls[to]), sbytes[to], to);
    }
}

}  // namespace mosix::lib::nbc
