// trees.cc — the O(log p) schedules: dissemination barrier, binomial bcast and reduce, allreduce
// (reduce to 0 + bcast from 0, like the blocking one: rank order is kept, so non-commutative ops
// are right), reduce_scatter (reduce to 0, then 0 sends each rank its part) and scan by recursive
// doubling. The binomial trees are those of lib/coll (coll_util.hpp).
#include <algorithm>

#include "algorithms.hpp"
#include "lib/coll/coll_util.hpp"

namespace mosix::lib::nbc {

using coll::abs_rank;
using coll::in_place;
using coll::rel;
using coll::subtree_span;

namespace {

// The reduction half of a binomial tree rooted at `troot`: receives every child's partial result
// at once, then combines them into `acc` in rank order (children cover higher ranks) and sends
// `acc` to the parent. `acc` already holds the rank's own contribution when the rounds start; a
// leaf sends `mine` instead and needs no `acc`.
void reduce_up(Builder& b, const void* mine, Byte* acc, int count, std::size_t n, int troot) {
    const int p = b.size(), vr = rel(b.rank(), troot, p);
    const int span = subtree_span(vr, p);
    int children = 0;
    for (int m = 1; m < span && vr + m < p; m <<= 1) ++children;
    if (children) {
        Byte* tmp = b.scratch(static_cast<std::size_t>(children) * n);
        int i = 0;
        for (int m = 1; m < span && vr + m < p; m <<= 1, ++i)
            b.recv(tmp + static_cast<std::size_t>(i) * n, n, abs_rank(vr + m, troot, p));
        b.end_round();
        for (i = 0; i < children; ++i) b.combine(tmp + static_cast<std::size_t>(i) * n, acc, count, false);
    }
    if (vr) b.send(children ? acc : mine, n, abs_rank(vr - span, troot, p));
    b.end_round();
}

// The bcast half: receive from the parent, then send to every child at once.
void bcast_down(Builder& b, void* buf, std::size_t n, int root) {
    const int p = b.size(), vr = rel(b.rank(), root, p);
    const int span = subtree_span(vr, p);
    if (vr) {
        b.recv(buf, n, abs_rank(vr - span, root, p));
        b.end_round();
    }
    for (int m = span >> 1; m > 0; m >>= 1)
        if (vr + m < p) b.send(buf, n, abs_rank(vr + m, root, p));
    b.end_round();
}

}  // namespace

void barrier(Builder& b) {
    const int p = b.size(), me = b.rank();
    for (int dist = 1; dist < p; dist <<= 1) {
        b.send(nullptr, 0, (me + dist) % p);
        b.recv(nullptr, 0, (me - dist + p) % p);
        b.end_round();
    }
}

void bcast(Builder& b, void* buf, std::size_t bytes, int root) {
    if (b.size() == 1 || bytes == 0) return;
    bcast_down(b, buf, bytes, root);
}

// A commutative op reduces along the tree rooted at `root`; a non-commutative one along the tree
// rooted at 0 (every partial result covers a run of consecutive ranks), and 0 sends the result on.
void reduce(Builder& b, const void* sbuf, void* rbuf, int count, std::size_t elem, int root) {
    const int p = b.size(), me = b.rank();
    const std::size_t n = static_cast<std::size_t>(count) * elem;
    const void* mine = in_place(sbuf) ? rbuf : sbuf;
    if (count == 0) return;
    if (p == 1) {
        b.copy(rbuf, mine, n);
        return;
    }
    const int troot = b.commutative() ? root : 0, vr = rel(me, troot, p);
    const bool inner = coll::has_children(vr, p);
    // The root accumulates in rbuf; if it is an inner node of the tree rooted at 0, the final
    // result overwrites its partial one in a later round, after that was sent.
    Byte* acc = nullptr;
    if (inner) {
        acc = me == root ? static_cast<Byte*>(rbuf) : b.scratch(n);
        b.copy(acc, mine, n);
    }
    reduce_up(b, mine, acc, count, n, troot);
    if (troot == root) return;
    if (vr == 0) b.send(acc, n, root);
    if (me == root) b.recv(rbuf, n, troot);
    b.end_round();
}

void allreduce(Builder& b, const void* sbuf, void* rbuf, int count, std::size_t elem) {
    const std::size_t n = static_cast<std::size_t>(count) * elem;
    if (!in_place(sbuf)) b.copy(rbuf, sbuf, n);
    if (b.size() == 1 || count == 0) return;
    reduce_up(b, rbuf, static_cast<Byte*>(rbuf), count, n, 0);
    bcast_down(b, rbuf, n, 0);
}

void reduce_scatter(Builder& b, const void* sbuf, void* rbuf, const int* recvcounts, std::size_t elem) {
    const int p = b.size(), me = b.rank();
    int total = 0;
    for (int i = 0; i < p; ++i) total += recvcounts[i];
    const std::size_t n = static_cast<std::size_t>(total) * elem;
    if (total == 0) return;
    // In place, rbuf holds the whole input and gets the rank's part at its start.
    Byte* work = b.scratch(n);
    b.copy(work, in_place(sbuf) ? rbuf : sbuf, n);
    reduce_up(b, work, work, total, n, 0);
    if (me == 0) {
        std::size_t off = 0;
        for (int i = 0; i < p; ++i) {
            const std::size_t part = static_cast<std::size_t>(recvcounts[i]) * elem;
            if (i == 0)
                b.copy(rbuf, work, part);
            else if (part)
                b.send(work + off, part, i);
            off += part;
        }
    } else if (recvcounts[me] > 0) {
        b.recv(rbuf, static_cast<std::size_t>(recvcounts[me]) * elem, 0);
    }
    b.end_round();
}

// After the round at distance d a rank's running total covers its aligned group of 2d ranks;
// contributions of lower groups are applied on the left (see coll/scan.cc).
void scan(Builder& b, const void* sbuf, void* rbuf, int count, std::size_t elem, bool inclusive) {
    const int p = b.size(), me = b.rank();
    const std::size_t n = static_cast<std::size_t>(count) * elem;
    if (count == 0) return;
    const void* mine = in_place(sbuf) ? rbuf : sbuf;
    Byte* total = b.scratch(n);
    Byte* tmp = b.scratch(n);
    b.copy(total, mine, n);
    if (inclusive) b.copy(rbuf, mine, n);
    bool have = inclusive;  // an exclusive scan has nothing until a lower group reports
    for (int mask = 1; mask < p; mask <<= 1) {
        const int peer = me ^ mask;
        if (peer >= p) continue;
        b.send(total, n, peer);
        b.recv(tmp, n, peer);
        b.end_round();
        if (peer < me) {
            if (have)
                b.reduce(tmp, rbuf, count);
            else
                b.copy(rbuf, tmp, n);
            have = true;
        }
        b.combine(tmp, total, count, peer < me);
    }
    b.end_round();
}

}  // namespace mosix::lib::nbc
