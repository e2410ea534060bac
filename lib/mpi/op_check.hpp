// op_check.hpp — the reduction-operation check shared by the collective bindings and
// MPI_Reduce_local.
#pragma once

#include <mpi.h>

#include "lib/datatype.hpp"
#include "lib/datatype_derived.hpp"
#include "lib/errors.hpp"
#include "lib/op.hpp"

namespace mosix::lib {

inline const char* op_name(const OpRef& op) noexcept {
    static const char* const kNames[MOSIX_OP_PREDEFINED_COUNT] = {
        "MPI_MAX", "MPI_MIN",  "MPI_SUM",  "MPI_PROD",   "MPI_LAND",   "MPI_BAND",    "MPI_LOR",
        "MPI_BOR", "MPI_LXOR", "MPI_BXOR", "MPI_MINLOC", "MPI_MAXLOC", "MPI_REPLACE", "MPI_NO_OP",
    };
    return op.user ? "the user-defined operation" : kNames[op.builtin];
}

// `op` is a live operation usable in a reduction over `dt`; sets *out.
inline int check_op(MPI_Comm comm, MPI_Op op, const Datatype& dt, const char* call, OpRef* out) {
    MOSIX_CHECK(op_get(op, out), comm, MPI_ERR_OP, call, "operation %#x is not a valid operation", op);
    MOSIX_CHECK(op != MPI_REPLACE && op != MPI_NO_OP, comm, MPI_ERR_OP, call,
                "%s is only valid in one-sided accumulate operations", op_name(*out));
    MOSIX_CHECK(op_defined_for(*out, dt), comm, MPI_ERR_OP, call, "%s is not defined for datatype %s%s",
                op_name(*out), datatype_label(dt),
                dt.derived && !dt.derived->element ? " (its basic elements are of several types)" : "");
    return MPI_SUCCESS;
}

}  // namespace mosix::lib
