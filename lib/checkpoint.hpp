// checkpoint.hpp — checkpoint/restart, the library's half (checkpoint.cc has the protocol).
#pragma once

#include <mpi.h>

#include <cstddef>

#include "wire.hpp"

namespace mosix::lib {

// mosix_checkpoint() up to the point where the calling rank suspends: checks that a checkpoint
// can be taken (raising the error through MPI_COMM_WORLD's handler if not), agrees on its number,
// drains every message in flight and meets the other ranks. Returns MPI_SUCCESS when the caller
// should suspend (rt::checkpoint_suspend), otherwise the error class. Holds nothing of the PE's
// after it returns, so the caller's stack can be written out and rebuilt in another process.
int prepare_checkpoint(const char* call);

// Called by every blocking collective once it is done (the MPI_ functions' last act): on
// MPI_COMM_WORLD, in jobs with a checkpoint directory, every 16th such call the ranks agree (a
// bcast from rank 0) on whether a checkpoint was requested (mosctl checkpoint, --checkpoint-every)
// and, if so, all take it as they leave this call. Returns MPI_SUCCESS.
int after_collective(MPI_Comm comm);

// Transport handler for kinds checkpoint_part (at PE 0), checkpoint_resume and checkpoint_request.
bool checkpoint_on_control(const WireHeader& w, const void* data, std::size_t len);

}  // namespace mosix::lib
