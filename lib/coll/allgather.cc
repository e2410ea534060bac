// allgather.cc — Bruck's algorithm while the whole result is small (ceil(log2 p) rounds on any p);
// a ring for large results (each rank receives every other block exactly once, straight into
// place). allgatherv: the ring.
#include "coll.hpp"
#include "coll_util.hpp"

namespace mosix::lib::coll {

namespace {

// Round k hands the first min(2^k, p - 2^k) blocks gathered so far to rank me - 2^k; blocks are
// kept in the order me, me + 1, ... and rotated into place at the end.
void allgather_bruck(void* rbuf, std::size_t b, const Comm& comm) {
    const int p = comm.size(), me = comm.rank;
    const std::size_t pb = static_cast<std::size_t>(p) * b, mb = static_cast<std::size_t>(me) * b;
    Scratch s(pb);
    Byte* t = s.get();
    copy(t, at(rbuf, mb), b);
    for (int d = 1; d < p; d <<= 1) {
        std::size_t n = static_cast<std::size_t>(std::min(d, p - d)) * b;
        coll_sendrecv(comm, t, n, (me - d + p) % p, t + static_cast<std::size_t>(d) * b, n, (me + d) % p,
                      kTagAllgather);
    }
    copy(at(rbuf, mb), t, pb - mb);
    copy(rbuf, t + (pb - mb), mb);
}

}  // namespace

void allgather(const void* sbuf, std::size_t sbytes, void* rbuf, std::size_t rbytes, const Comm& comm) {
    (void)sbytes;  // equals rbytes (the bindings check it); rbytes is also known in place
    const int p = comm.size(), me = comm.rank;
    const std::size_t b = rbytes;
    if (b == 0) return;
    if (!in_place(sbuf)) copy(at(rbuf, static_cast<std::size_t>(me) * b), sbuf, b);
    if (p == 1) return;
    if (static_cast<std::size_t>(p) * b < kLargeMessage)
        allgather_bruck(rbuf, b, comm);
    else
        ring_allgather(
            comm, 0, [&](int i) { return std::make_pair(at(rbuf, static_cast<std::size_t>(i) * b), b); },
            kTagAllgather);
}

void allgatherv(const void* sbuf, std::size_t sbytes, void* rbuf, const std::size_t* rbytes,
                const std::size_t* rdispls, const Comm& comm) {
    (void)sbytes;  // equals rbytes[me] (the bindings check it)
    const int me = comm.rank;
    if (!in_place(sbuf)) copy(at(rbuf, rdispls[me]), sbuf, rbytes[me]);
    ring_allgather(
        comm, 0, [&](int i) { return std::make_pair(at(rbuf, rdispls[i]), rbytes[i]); }, kTagAllgatherv);
}

}  // namespace mosix::lib::coll
