// op.hpp — reduction operations: the predefined ones over the predefined types, and user functions.
#pragma once

#include <mpi.h>

#include "datatype.hpp"

namespace mosix::lib {

struct OpRef {
    MPI_Op handle = MPI_OP_NULL;
    int builtin = -1;                   // index of a predefined op (MPI_MAX..MPI_NO_OP), or -1
    MPI_User_function* user = nullptr;  // set for user-defined ops
    bool commutative = true;
};

// Resolves `op` for the calling rank; false if it is not a valid (live) operation.
bool op_get(MPI_Op op, OpRef* out) noexcept;

// True if `op` is defined on elements of `dt` (e.g. MPI_BAND needs an integer type, MPI_MINLOC a
// pair type). User ops are defined on every type.
bool op_defined_for(const OpRef& op, const Datatype& dt) noexcept;

// inout[i] = in[i] op inout[i] for `count` elements. `in` is the lower-ranked operand, as the
// standard requires for non-commutative operations. REQUIRES op_defined_for(op, dt).
void op_apply(const OpRef& op, const void* in, void* inout, int count, const Datatype& dt, MPI_Datatype type);

}  // namespace mosix::lib
