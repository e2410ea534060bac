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
// Buffers hold packed elements (lib/datatype_pack.hpp): for a derived type, a predefined op runs
// on its basic elements (it must have one element type) and a user op gets the elements unpacked
// into the type's own layout, as the standard requires.
void op_apply(const OpRef& op, const void* in, void* inout, int count, const Datatype& dt, MPI_Datatype type);
// The same for a derived type (op_derived.cc); op_apply calls it.
void op_apply_derived(const OpRef& op, const void* in, void* inout, int count, const Datatype& dt,
                      MPI_Datatype type);
// For buffers in the type's own layout (MPI_Reduce_local): the same results as op_apply on them packed.
void op_apply_in_layout(const OpRef& op, const void* in, void* inout, int count, const Datatype& dt,
                        MPI_Datatype type);

}  // namespace mosix::lib
