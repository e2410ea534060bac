// hierarchical.hpp — two-level collectives across PEs; each returns false (and does nothing) when
// the communicator does not benefit, and the caller runs its flat algorithm.
#pragma once

#include "coll.hpp"

namespace mosix::lib::coll {

bool hierarchical_barrier(const Comm& comm);
bool hierarchical_bcast(void* buf, std::size_t bytes, int root, const Comm& comm);
bool hierarchical_reduce(const void* sbuf, void* rbuf, int count, const Datatype& dt, MPI_Datatype type,
                         const OpRef& op, int root, const Comm& comm);
bool hierarchical_allreduce(const void* sbuf, void* rbuf, int count, const Datatype& dt, MPI_Datatype type,
                            const OpRef& op, const Comm& comm);

}  // namespace mosix::lib::coll
