// coll.hpp — the collective algorithms, over the point-to-point engine on a communicator's
// collective context (so they never match the program's own messages). No argument checks here:
// the bindings in lib/mpi/coll.cc do them. Buffers are raw bytes of contiguous elements; `count`
// and `type` are passed where the operation needs element arithmetic.
//
// Every algorithm is correct for any communicator size (not only powers of two), takes O(log p)
// rounds for small messages and moves O(n) bytes per rank for large ones.
#pragma once

#include <mpi.h>

#include <cstddef>

#include "lib/datatype.hpp"
#include "lib/op.hpp"
#include "lib/rank_state.hpp"

namespace mosix::lib::coll {

// Message sizes at which algorithms switch from latency- to bandwidth-optimal.
constexpr std::size_t kLargeMessage = 16 * 1024;

void barrier(const Comm& comm);
void bcast(void* buf, std::size_t bytes, int root, const Comm& comm);

// `sbuf` may equal MPI_IN_PLACE where the standard allows it; the bindings pass it through.
void reduce(const void* sbuf, void* rbuf, int count, const Datatype& dt, MPI_Datatype type, const OpRef& op,
            int root, const Comm& comm);
void allreduce(const void* sbuf, void* rbuf, int count, const Datatype& dt, MPI_Datatype type,
               const OpRef& op, const Comm& comm);
void scan(const void* sbuf, void* rbuf, int count, const Datatype& dt, MPI_Datatype type, const OpRef& op,
          const Comm& comm);
void exscan(const void* sbuf, void* rbuf, int count, const Datatype& dt, MPI_Datatype type, const OpRef& op,
            const Comm& comm);
void reduce_scatter(const void* sbuf, void* rbuf, const int* recvcounts, const Datatype& dt,
                    MPI_Datatype type, const OpRef& op, const Comm& comm);

// Counts and displacements below are in bytes (the bindings convert from elements).
void gather(const void* sbuf, std::size_t sbytes, void* rbuf, std::size_t rbytes, int root, const Comm& comm);
void gatherv(const void* sbuf, std::size_t sbytes, void* rbuf, const std::size_t* rbytes,
             const std::size_t* rdispls, int root, const Comm& comm);
void scatter(const void* sbuf, std::size_t sbytes, void* rbuf, std::size_t rbytes, int root,
             const Comm& comm);
void scatterv(const void* sbuf, const std::size_t* sbytes, const std::size_t* sdispls, void* rbuf,
              std::size_t rbytes, int root, const Comm& comm);
void allgather(const void* sbuf, std::size_t sbytes, void* rbuf, std::size_t rbytes, const Comm& comm);
void allgatherv(const void* sbuf, std::size_t sbytes, void* rbuf, const std::size_t* rbytes,
                const std::size_t* rdispls, const Comm& comm);
void alltoall(const void* sbuf, std::size_t sbytes, void* rbuf, std::size_t rbytes, const Comm& comm);
void alltoallv(const void* sbuf, const std::size_t* sbytes, const std::size_t* sdispls, void* rbuf,
               const std::size_t* rbytes, const std::size_t* rdispls, const Comm& comm);

}  // namespace mosix::lib::coll
