// checks.hpp — the argument checks shared by the point-to-point and collective bindings. Each
// returns MPI_SUCCESS or the error class after reporting it for `call` (see errors.hpp).
#pragma once

#include <mpi.h>

#include "lib/datatype.hpp"
#include "lib/errors.hpp"
#include "lib/rank_state.hpp"

namespace mosix::lib {

// Initialized + `comm` is live; sets *out.
inline int check_comm(MPI_Comm comm, const char* call, Comm** out) {
    if (int e = check_initialized(call)) return e;
    Comm* c = comm_get(comm);
    MOSIX_CHECK(c, MPI_COMM_WORLD, MPI_ERR_COMM, call, "communicator %#x is not a valid communicator", comm);
    *out = c;
    return MPI_SUCCESS;
}

// check_comm, and `comm` is an intracommunicator. Without `why` the message says mosix does not
// run the call on intercommunicators (lib/intercomm.hpp has the ones it does); with it, the call is
// one the standard defines on intracommunicators only, and `why` ends the message (may be "").
inline int check_intracomm(MPI_Comm comm, const char* call, Comm** out, const char* why = nullptr) {
    if (int e = check_comm(comm, call, out)) return e;
    if (why) {
        MOSIX_CHECK(!(*out)->is_inter(), comm, MPI_ERR_COMM, call,
                    "communicator %#x is an intercommunicator%s", comm, why);
    }
    MOSIX_CHECK(!(*out)->is_inter(), comm, MPI_ERR_COMM, call,
                "%s is not supported on intercommunicators by mosix (communicator %#x is one)", call, comm);
    return MPI_SUCCESS;
}

// A datatype that data may be moved in: valid and committed; sets *out.
inline int check_datatype(MPI_Comm comm, MPI_Datatype type, const char* call, const Datatype** out) {
    const Datatype* dt = datatype_get(type);
    MOSIX_CHECK(dt, comm, MPI_ERR_TYPE, call, "datatype %#x is not a valid datatype", type);
    MOSIX_CHECK(dt->committed, comm, MPI_ERR_TYPE, call,
                "datatype %#x is not committed (call MPI_Type_commit before using it to move data)", type);
    *out = dt;
    return MPI_SUCCESS;
}

// A (buffer, count, datatype) triple; sets *out to the datatype. A derived type may address its
// data from MPI_BOTTOM (NULL) with absolute displacements.
inline int check_buffer(const Comm& c, MPI_Comm comm, const void* buf, int count, MPI_Datatype type,
                        const char* call, const Datatype** out) {
    (void)c;
    MOSIX_CHECK(count >= 0, comm, MPI_ERR_COUNT, call, "count %d is negative", count);
    const Datatype* dt = nullptr;
    if (int e = check_datatype(comm, type, call, &dt)) return e;
    MOSIX_CHECK(buf || count == 0 || dt->size == 0 || dt->derived, comm, MPI_ERR_BUFFER, call,
                "buffer is NULL but count is %d", count);
    *out = dt;
    return MPI_SUCCESS;
}

// Point-to-point ranks: on an intercommunicator they name the remote group's members.
inline int check_dest(const Comm& c, MPI_Comm comm, int rank, const char* call) {
    const int n = c.peers().size;
    MOSIX_CHECK(rank == MPI_PROC_NULL || (rank >= 0 && rank < n), comm, MPI_ERR_RANK, call,
                "destination rank %d is not in 0..%d", rank, n - 1);
    return MPI_SUCCESS;
}

inline int check_source(const Comm& c, MPI_Comm comm, int rank, const char* call) {
    const int n = c.peers().size;
    MOSIX_CHECK(rank == MPI_PROC_NULL || rank == MPI_ANY_SOURCE || (rank >= 0 && rank < n), comm,
                MPI_ERR_RANK, call, "source rank %d is not in 0..%d", rank, n - 1);
    return MPI_SUCCESS;
}

inline int check_send_tag(MPI_Comm comm, int tag, const char* call) {
    MOSIX_CHECK(tag >= 0, comm, MPI_ERR_TAG, call, "tag %d is negative", tag);
    return MPI_SUCCESS;
}

inline int check_recv_tag(MPI_Comm comm, int tag, const char* call) {
    MOSIX_CHECK(tag >= 0 || tag == MPI_ANY_TAG, comm, MPI_ERR_TAG, call,
                "tag %d is negative and not MPI_ANY_TAG", tag);
    return MPI_SUCCESS;
}

}  // namespace mosix::lib
