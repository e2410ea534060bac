// coll_util.hpp — what the collective algorithms share: tags, scratch memory, byte arithmetic,
// the binomial-tree and ring building blocks, and the internal entry points one collective borrows
// from another.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <utility>

#include "coll.hpp"
#include "lib/p2p.hpp"
#include "runtime/rank_memory.hpp"

namespace mosix::lib::coll {

using Byte = unsigned char;

// One tag per collective (barrier.cc has 1). Collectives already travel on their own context, and
// messages between two ranks on one tag never overtake each other, so this only guards against two
// different collectives' messages being confused when ranks run ahead of each other.
enum Tag : int {
    kTagBarrier = 1,
    kTagBcast,
    kTagReduce,
    kTagAllreduce,
    kTagScan,
    kTagExscan,
    kTagReduceScatter,
    kTagGather,
    kTagGatherv,
    kTagScatter,
    kTagScatterv,
    kTagAllgather,
    kTagAllgatherv,
    kTagAlltoall,
    kTagAlltoallv,
    kTagBarrierFanIn,
    kTagBarrierFanOut,
};

inline bool in_place(const void* p) noexcept { return p == MPI_IN_PLACE; }

inline Byte* at(void* p, std::size_t off) noexcept { return static_cast<Byte*>(p) + off; }
inline const Byte* at(const void* p, std::size_t off) noexcept { return static_cast<const Byte*>(p) + off; }

// memmove, not memcpy: an erroneous program may pass overlapping buffers, and in-place variants
// copy within one buffer.
inline void copy(void* dst, const void* src, std::size_t n) noexcept {
    if (n && dst != src) std::memmove(dst, src, n);
}

// Temporary memory for one collective call. Tiny sizes live inline (no allocation on the latency
// path); larger ones are rank memory, so they travel with a rank that migrates while it waits
// inside the collective.
class Scratch {
public:
    explicit Scratch(std::size_t bytes)
        : p_(bytes <= kInline ? inline_ : static_cast<Byte*>(rt::rank_alloc(bytes))) {}
    ~Scratch() {
        if (p_ != inline_) rt::rank_free(p_);
    }
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;

    Byte* get() noexcept { return p_; }

private:
    static constexpr std::size_t kInline = 256;
    alignas(alignof(std::max_align_t)) Byte inline_[kInline];
    Byte* p_;
};

// Ranks relative to a root (the root is 0), and back.
inline int rel(int rank, int root, int p) noexcept { return (rank - root + p) % p; }
inline int abs_rank(int vr, int root, int p) noexcept { return (vr + root) % p; }

// In a binomial tree over relative ranks, vr's subtree is [vr, vr + subtree_span(vr)) clipped to
// p: the lowest set bit of vr, or the whole communicator at the root.
inline int subtree_span(int vr, int p) noexcept {
    if (vr) return vr & -vr;
    int m = 1;
    while (m < p) m <<= 1;
    return m;
}
inline bool has_children(int vr, int p) noexcept { return vr % 2 == 0 && vr + 1 < p; }

// `inout = in op inout` when `in` came from lower ranks; when it came from higher ranks the result
// must be `inout op in`, which for a non-commutative op is computed into `in` and copied back.
inline void combine(const OpRef& op, Byte* in, Byte* inout, int count, const Datatype& dt, MPI_Datatype type,
                    bool in_is_lower) {
    if (in_is_lower || op.commutative) {
        op_apply(op, in, inout, count, dt, type);
    } else {
        op_apply(op, inout, in, count, dt, type);
        copy(inout, in, static_cast<std::size_t>(count) * dt.size);
    }
}

// Binomial scatter over relative ranks. Block i (relative rank i) occupies bytes
// [off(i), off(i + 1)) of a layout whose total is off(p). On entry the root's `sub` holds the whole
// layout; on return every node's `sub` holds its subtree's blocks, starting with its own.
template <class Off>
void tree_scatter(const Comm& comm, int root, Off off, Byte* sub, int tag) {
    const int p = comm.size(), vr = rel(comm.rank, root, p);
    int span = subtree_span(vr, p);
    if (vr) coll_recv(comm, sub, off(std::min(vr + span, p)) - off(vr), abs_rank(vr - span, root, p), tag);
    // Largest subtree first: it has the most forwarding still to do.
    for (int m = span >> 1; m > 0; m >>= 1) {
        int c = vr + m;
        if (c < p)
            coll_send(comm, sub + (off(c) - off(vr)), off(std::min(c + m, p)) - off(c), abs_rank(c, root, p),
                      tag);
    }
}

// The mirror of tree_scatter: on entry each node's `sub` holds its own block and room for its
// subtree's; on return the root's `sub` holds every block.
template <class Off>
void tree_gather(const Comm& comm, int root, Off off, Byte* sub, int tag) {
    const int p = comm.size(), vr = rel(comm.rank, root, p);
    int span = subtree_span(vr, p);
    for (int m = 1; m < span && vr + m < p; m <<= 1) {
        int c = vr + m;
        coll_recv(comm, sub + (off(c) - off(vr)), off(std::min(c + m, p)) - off(c), abs_rank(c, root, p),
                  tag);
    }
    if (vr) coll_send(comm, sub, off(std::min(vr + span, p)) - off(vr), abs_rank(vr - span, root, p), tag);
}

// Ring allgather over relative ranks: blk(i) gives (pointer, bytes) of the block relative rank i
// starts with. p - 1 steps; each rank sends and receives every block but its own exactly once,
// which is the least any allgather can move.
template <class Blk>
void ring_allgather(const Comm& comm, int root, Blk blk, int tag) {
    const int p = comm.size(), vr = rel(comm.rank, root, p);
    const int right = abs_rank(vr + 1, root, p), left = abs_rank(vr + p - 1, root, p);
    for (int s = 0; s < p - 1; ++s) {
        std::pair<Byte*, std::size_t> out = blk((vr - s + p) % p), in = blk((vr - s - 1 + p) % p);
        coll_sendrecv(comm, out.first, out.second, right, in.first, in.second, left, tag);
    }
}

// reduce() and bcast() with the caller's tag, for collectives built from them. reduce_to accepts
// MPI_IN_PLACE on every rank (the input is then in rbuf).
void reduce_to(const void* sbuf, void* rbuf, int count, const Datatype& dt, MPI_Datatype type,
               const OpRef& op, int root, const Comm& comm, int tag);
void bcast_with(void* buf, std::size_t bytes, int root, const Comm& comm, int tag);

}  // namespace mosix::lib::coll
