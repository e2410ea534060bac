// algorithms.hpp — the schedules of the nonblocking collectives. Each adds the calling rank's part
// of one collective to a Builder; no argument checks here (lib/mpi/nonblocking_coll.cc does them).
// Buffers are raw bytes of contiguous elements, counts and displacements in bytes except where a
// reduction needs elements (`count`, with `elem` bytes each; the Builder knows the op and type).
//
// Rounds: the dissemination barrier, binomial bcast and reduce, allreduce as reduce + bcast and
// scan by recursive doubling take O(log p) rounds; allgather is Bruck's dissemination (log p
// rounds). Gather, scatter, alltoall and the v-variants post every message at once (one round):
// the root or every rank talks to every other anyway, and nothing waits on anything else.
// sbuf may be MPI_IN_PLACE wherever the standard allows it.
#pragma once

#include <cstddef>

#include "schedule.hpp"

namespace mosix::lib::nbc {

void barrier(Builder& b);
void bcast(Builder& b, void* buf, std::size_t bytes, int root);
void reduce(Builder& b, const void* sbuf, void* rbuf, int count, std::size_t elem, int root);
void allreduce(Builder& b, const void* sbuf, void* rbuf, int count, std::size_t elem);
// recvcounts in elements; rank i gets recvcounts[i] of the reduced vector.
void reduce_scatter(Builder& b, const void* sbuf, void* rbuf, const int* recvcounts, std::size_t elem);
void scan(Builder& b, const void* sbuf, void* rbuf, int count, std::size_t elem, bool inclusive);

void gather(Builder& b, const void* sbuf, std::size_t sbytes, void* rbuf, std::size_t rbytes, int root);
void gatherv(Builder& b, const void* sbuf, std::size_t sbytes, void* rbuf, const std::size_t* rbytes,
             const std::size_t* rdispls, int root);
void scatter(Builder& b, const void* sbuf, std::size_t sbytes, void* rbuf, std::size_t rbytes, int root);
void scatterv(Builder& b, const void* sbuf, const std::size_t* sbytes, const std::size_t* sdispls, void* rbuf,
              std::size_t rbytes, int root);
void allgather(Builder& b, const void* sbuf, std::size_t sbytes, void* rbuf, std::size_t rbytes);
void allgatherv(Builder& b, const void* sbuf, std::size_t sbytes, void* rbuf, const std::size_t* rbytes,
                const std::size_t* rdispls);
void alltoall(Builder& b, const void* sbuf, std::size_t sbytes, void* rbuf, std::size_t rbytes);
void alltoallv(Builder& b, const void* sbuf, const std::size_t* sbytes, const std::size_t* sdispls,
               void* rbuf, const std::size_t* rbytes, const std::size_t* rdispls);

}  // namespace mosix::lib::nbc
