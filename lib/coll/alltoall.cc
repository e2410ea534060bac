// alltoall.cc — Bruck's algorithm for small blocks on larger communicators (ceil(log2 p) rounds,
// at the price of packing); pairwise exchange otherwise (p - 1 rounds, every block moved once,
// straight from the send buffer into place). alltoallv: pairwise exchange.
#include "coll.hpp"
#include "coll_util.hpp"

namespace mosix::lib::coll {

namespace {

// Blocks at most this big go through Bruck's algorithm when p is at least kBruckMinRanks.
constexpr std::size_t kBruckMaxBlock = 256;
constexpr int kBruckMinRanks = 8;

// Block i sits at position (i - me) mod p while in transit; round k forwards every position with
// bit k set by 2^k ranks, so after all rounds position i holds the block rank me - i sent to me.
void alltoall_bruck(const void* src, void* rbuf, std::size_t b, const Comm& comm) {
    const int p = comm.size(), me = comm.rank;
    const std::size_t pb = static_cast<std::size_t>(p) * b, mb = static_cast<std::size_t>(me) * b;
    Scratch ts(pb), ss(pb / 2 + b), rs(pb / 2 + b);
    Byte *t = ts.get(), *out = ss.get(), *in = rs.get();
    copy(t, at(src, mb), pb - mb);
    copy(t + (pb - mb), src, mb);
    for (int d = 1; d < p; d <<= 1) {
        std::size_t n = 0;
        for (int i = d; i < p; ++i) {
            if (!(i & d)) continue;
            copy(out + n, t + static_cast<std::size_t>(i) * b, b);
            n += b;
        }
        coll_sendrecv(comm, out, n, (me + d) % p, in, n, (me - d + p) % p, kTagAlltoall);
        n = 0;
        for (int i = d; i < p; ++i) {
            if (!(i & d)) continue;
            copy(t + static_cast<std::size_t>(i) * b, in + n, b);
            n += b;
        }
    }
    for (int i = 0; i < p; ++i)
        copy(at(rbuf, static_cast<std::size_t>((me - i + p) % p) * b), t + static_cast<std::size_t>(i) * b,
             b);
}

void alltoall_pairwise(const void* src, void* rbuf, std::size_t b, const Comm& comm) {
    const int p = comm.size(), me = comm.rank;
    copy(at(rbuf, static_cast<std::size_t>(me) * b), at(src, static_cast<std::size_t>(me) * b), b);
    for (int s = 1; s < p; ++s) {
        int to = (me + s) % p, from = (me - s + p) % p;
        coll_sendrecv(comm, at(src, static_cast<std::size_t>(to) * b), b, to,
                      at(rbuf, static_cast<std::size_t>(from) * b), b, from, kTagAlltoall);
    }
}

}  // namespace

void alltoall(const void* sbuf, std::size_t sbytes, void* rbuf, std::size_t rbytes, const Comm& comm) {
    (void)sbytes;  // equals rbytes (the bindings check it); rbytes is also known in place
    const int p = comm.size();
    const std::size_t b = rbytes, pb = static_cast<std::size_t>(p) * b;
    if (b == 0) return;
    // In place, blocks are sent from a copy: the exchange overwrites blocks not yet sent.
    Scratch copy_in(in_place(sbuf) ? pb : 0);
    const void* src = sbuf;
    if (in_place(sbuf)) {
        copy(copy_in.get(), rbuf, pb);
        src = copy_in.get();
    }
    if (b <= kBruckMaxBlock && p >= kBruckMinRanks)
        alltoall_bruck(src, rbuf, b, comm);
    else
        alltoall_pairwise(src, rbuf, b, comm);
}

void alltoallv(const void* sbuf, const std::size_t* sbytes, const std::size_t* sdispls, void* rbuf,
               const std::size_t* rbytes, const std::size_t* rdispls, const Comm& comm) {
    const int p = comm.size(), me = comm.rank;
    std::size_t extent = 0;
    if (in_place(sbuf)) {
        // In place, the send layout is the receive layout; send from a copy of it.
        sbytes = rbytes;
        sdispls = rdispls;
        for (int i = 0; i < p; ++i) extent = std::max(extent, rdispls[i] + rbytes[i]);
    }
    Scratch copy_in(extent);
    if (in_place(sbuf)) {
        copy(copy_in.get(), rbuf, extent);
        sbuf = copy_in.get();
    }
    copy(at(rbuf, rdispls[me]), at(sbuf, sdispls[me]), rbytes[me]);
    for (int s = 1; s < p; ++s) {
        int to = (me + s) % p, from = (me - s + p) % p;
        coll_sendrecv(comm, at(sbuf, sdispls[to]), sbytes[to], to, at(rbuf, rdispls[from]), rbytes[from],
                      from, kTagAlltoallv);
    }
}

}  // namespace mosix::lib::coll
