// barrier.cc — dissemination barrier: ceil(log2 p) rounds, any p.
#include "coll.hpp"
#include "coll_util.hpp"
#include "hierarchical.hpp"
#include "lib/p2p.hpp"

namespace mosix::lib::coll {

void barrier(const Comm& comm) {
    if (hierarchical_barrier(comm)) return;
    int p = comm.size(), me = comm.rank;
    char token = 0, got = 0;
    for (int dist = 1; dist < p; dist <<= 1)
        coll_sendrecv(comm, &token, 1, (me + dist) % p, &got, 1, (me - dist + p) % p, kTagBarrier);
}

}  // namespace mosix::lib::coll
