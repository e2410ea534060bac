// coll_checks.hpp — the argument checks of the collective bindings, shared by the blocking
// (coll.cc) and the nonblocking (nonblocking_coll.cc) calls, which take the same arguments. Each
// returns MPI_SUCCESS or the error class after reporting it for `call`; counts and displacements
// come out in bytes. Arguments that only the root uses are checked only there.
#pragma once

#include <mpi.h>

#include <cstddef>
#include <vector>

#include "lib/datatype.hpp"
#include "lib/op.hpp"
#include "lib/rank_state.hpp"
#include "runtime/rank_memory.hpp"

namespace mosix::lib {

// Rank memory: these live across the collective, during which the rank may migrate.
template <class T>
using RankVector = std::vector<T, rt::RankAllocator<T>>;

inline std::size_t bytes_of(int count, const Datatype& dt) {
    return static_cast<std::size_t>(count) * dt.size;
}

int check_root(const Comm& c, MPI_Comm comm, int root, const char* call);
int check_not_in_place(MPI_Comm comm, const void* buf, const char* which, const char* call);
int check_type(MPI_Comm comm, MPI_Datatype type, const char* call, const Datatype** out);

// What a rank sends itself must be what it receives from itself.
int check_same_size(MPI_Comm comm, std::size_t sent, std::size_t received, const char* call);

// Buffers, datatype and op of a reduction. `receives`: recvbuf is significant on this rank (and
// sendbuf may then be MPI_IN_PLACE). `sendcount` is the number of elements sendbuf holds.
int check_reduction(const Comm& c, MPI_Comm comm, const void* sendbuf, void* recvbuf, bool receives,
                    int sendcount, int recvcount, MPI_Datatype type, MPI_Op op, const char* call,
                    const Datatype** dt, OpRef* ref);

// Reduce_scatter's recvcounts (one per rank, not negative); *total is their sum.
int check_recvcounts(const Comm& c, MPI_Comm comm, const int* recvcounts, const char* call, int* total);
// Reduce_scatter_block's recvcount, and the whole vector's length (*total).
int check_block_count(const Comm& c, MPI_Comm comm, int recvcount, const char* call, int* total);

// Counts and displacements of a v-collective, converted to bytes (displacements use the extent).
int check_layout(MPI_Comm comm, int p, const void* buf, const int* counts, const int* displs,
                 const Datatype& dt, const char* counts_name, const char* displs_name, const char* call,
                 RankVector<std::size_t>* bytes, RankVector<std::size_t>* offsets);

// One side of a rooted collective (gather, scatter): a buffer, its count and its type.
struct RootedSide {
    const void* buf;
    int count;
    MPI_Datatype type;
};

// The root's side of gatherv / scatterv: per-rank counts and displacements.
struct RootedLayout {
    const void* buf;
    const int* counts;
    const int* displs;
    MPI_Datatype type;
};

// Gather and scatter (and their v forms) check the same things, mirrored: `own` is every rank's
// block (MPI_IN_PLACE allowed at the root only), `all` the root's whole buffer (named `all_name` in
// messages). The root's own block must be as large as its block of `all`; `own_is_sent` says which
// way the bytes flow (gather sends its own block, scatter receives it).
int check_rooted(const Comm& c, MPI_Comm comm, int root, RootedSide own, RootedSide all, bool own_is_sent,
                 const char* all_name, const char* call, std::size_t* own_bytes, std::size_t* all_bytes);
int check_rooted_v(const Comm& c, MPI_Comm comm, int root, RootedSide own, RootedLayout all, bool own_is_sent,
                   const char* all_name, const char* counts_name, const char* call, std::size_t* own_bytes,
                   RankVector<std::size_t>* all_bytes, RankVector<std::size_t>* all_displs);

// The send block of an allgather- or alltoall-style call against the receive block it must
// equal; with MPI_IN_PLACE the send block is the receive block.
int check_send_block(const Comm& c, MPI_Comm comm, const void* sendbuf, int sendcount, MPI_Datatype sendtype,
                     std::size_t recv_block, const char* call, std::size_t* sbytes);

// Allgather and alltoall: one block size for every rank, on both sides.
int check_uniform_blocks(const Comm& c, MPI_Comm comm, const void* sendbuf, int sendcount,
                         MPI_Datatype sendtype, void* recvbuf, int recvcount, MPI_Datatype recvtype,
                         const char* call, std::size_t* sbytes, std::size_t* rbytes);

// Allgatherv: the receive layout, and this rank's send block against its block of it.
int check_allgatherv(const Comm& c, MPI_Comm comm, const void* sendbuf, int sendcount, MPI_Datatype sendtype,
                     void* recvbuf, const int* recvcounts, const int* displs, MPI_Datatype recvtype,
                     const char* call, std::size_t* sbytes, RankVector<std::size_t>* rbytes,
                     RankVector<std::size_t>* rdispls);

// Alltoallv: both layouts (the send one is left empty with MPI_IN_PLACE).
int check_alltoallv(const Comm& c, MPI_Comm comm, const void* sendbuf, const int* sendcounts,
                    const int* sdispls, MPI_Datatype sendtype, void* recvbuf, const int* recvcounts,
                    const int* rdispls, MPI_Datatype recvtype, const char* call,
                    RankVector<std::size_t>* sbytes, RankVector<std::size_t>* soffs,
                    RankVector<std::size_t>* rbytes, RankVector<std::size_t>* roffs);

}  // namespace mosix::lib
