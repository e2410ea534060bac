// p2p_start.hpp — starting point-to-point operations after their arguments are checked, shared
// by the bindings of each mode (p2p.cc, bsend.cc) and by persistent requests (persistent.cc).
#pragma once

#include <mpi.h>

#include "lib/datatype.hpp"
#include "lib/rank_state.hpp"
#include "lib/request.hpp"

namespace mosix::lib {

// The checks of a send's arguments (communicator, buffer, destination, tag); *c and *dt are set.
int check_send(const void* buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm,
               const char* call, Comm** c, const Datatype** dt);
// The checks of a receive's arguments (communicator, buffer, source, tag); *c and *dt are set.
int check_recv(void* buf, int count, MPI_Datatype type, int source, int tag, MPI_Comm comm, const char* call,
               Comm** c, const Datatype** dt);
// Checks and starts a send into `req`; `req` is complete on return for MPI_PROC_NULL.
int start_send(const void* buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm,
               bool synchronous, Request* req, const char* call);
// Checks and starts a receive into `req` (complete on return for MPI_PROC_NULL).
int start_recv(void* buf, int count, MPI_Datatype type, int source, int tag, MPI_Comm comm, Request* req,
               const char* call);
// Checks the message, copies it and starts sending the copy (bsend.cc): complete for the caller
// at once; the copy's own request releases itself when the transport is done.
int buffered_send(const void* buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm,
                  const char* call);

}  // namespace mosix::lib
