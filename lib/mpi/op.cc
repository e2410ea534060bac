// op.cc — the operation bindings: user-defined reduction operations and MPI_Reduce_local.
// User ops live in the calling rank's table (RankState::ops); their handles follow the predefined
// ones, so the handle index minus MOSIX_OP_PREDEFINED_COUNT is the table slot.
#include <mpi.h>

#include "lib/errors.hpp"
#include "lib/handles.hpp"
#include "lib/rank_state.hpp"
#include "op_check.hpp"
#include "runtime/library_entry.hpp"

using namespace mosix::lib;

extern "C" {

int MPI_Op_create(MPI_User_function* user_fn, int commute, MPI_Op* op) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Op_create";
    if (int e = check_initialized(call)) return e;
    MOSIX_CHECK(user_fn, MPI_COMM_NULL, MPI_ERR_ARG, call, "user function is NULL");
    MOSIX_CHECK(op, MPI_COMM_NULL, MPI_ERR_ARG, call, "op is NULL");
    RankState& s = self_state();
    std::size_t i = 0;
    while (i < s.ops.size() && s.ops[i].live) ++i;
    MOSIX_CHECK(i + MOSIX_OP_PREDEFINED_COUNT <= static_cast<std::size_t>(kIndexMask), MPI_COMM_NULL,
                MPI_ERR_NO_MEM, call, "too many user-defined operations (%zu)", i);
    if (i == s.ops.size()) s.ops.emplace_back();
    s.ops[i] = UserOp{true, user_fn, commute != 0};
    *op = make_handle(HandleKind::op, MOSIX_OP_PREDEFINED_COUNT + static_cast<int>(i));
    return MPI_SUCCESS;
}

int MPI_Op_free(MPI_Op* op) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Op_free";
    if (int e = check_initialized(call)) return e;
    MOSIX_CHECK(op, MPI_COMM_NULL, MPI_ERR_ARG, call, "op is NULL");
    int index = handle_index(HandleKind::op, *op);
    MOSIX_CHECK(index >= 0, MPI_COMM_NULL, MPI_ERR_OP, call, "operation %#x is not a valid operation", *op);
    MOSIX_CHECK(index >= MOSIX_OP_PREDEFINED_COUNT, MPI_COMM_NULL, MPI_ERR_OP, call,
                "operation %#x is predefined and cannot be freed", *op);
    RankState& s = self_state();
    std::size_t u = static_cast<std::size_t>(index - MOSIX_OP_PREDEFINED_COUNT);
    MOSIX_CHECK(u < s.ops.size() && s.ops[u].live, MPI_COMM_NULL, MPI_ERR_OP, call,
                "operation %#x is not a live user-defined operation (freed already?)", *op);
    s.ops[u].live = false;
    *op = MPI_OP_NULL;
    return MPI_SUCCESS;
}

int MPI_Op_commutative(MPI_Op op, int* commute) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Op_commutative";
    if (int e = check_initialized(call)) return e;
    OpRef ref;
    MOSIX_CHECK(op_get(op, &ref), MPI_COMM_NULL, MPI_ERR_OP, call, "operation %#x is not a valid operation",
                op);
    MOSIX_CHECK(commute, MPI_COMM_NULL, MPI_ERR_ARG, call, "commute is NULL");
    *commute = ref.commutative ? 1 : 0;
    return MPI_SUCCESS;
}

int MPI_Reduce_local(const void* inbuf, void* inoutbuf, int count, MPI_Datatype datatype, MPI_Op op) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Reduce_local";
    if (int e = check_initialized(call)) return e;
    MOSIX_CHECK(count >= 0, MPI_COMM_NULL, MPI_ERR_COUNT, call, "count %d is negative", count);
    const Datatype* dt = datatype_get(datatype);
    MOSIX_CHECK(dt, MPI_COMM_NULL, MPI_ERR_TYPE, call, "datatype %#x is not a valid datatype", datatype);
    MOSIX_CHECK(dt->committed, MPI_COMM_NULL, MPI_ERR_TYPE, call, "datatype %#x is not committed", datatype);
    MOSIX_CHECK(inbuf != MPI_IN_PLACE && inoutbuf != MPI_IN_PLACE, MPI_COMM_NULL, MPI_ERR_BUFFER, call,
                "MPI_IN_PLACE is not allowed here");
    MOSIX_CHECK((inbuf && inoutbuf) || count == 0, MPI_COMM_NULL, MPI_ERR_BUFFER, call,
                "a buffer is NULL but count is %d", count);
    OpRef ref;
    if (int e = check_op(MPI_COMM_NULL, op, *dt, call, &ref)) return e;
    if (count) op_apply_in_layout(ref, inbuf, inoutbuf, count, *dt, datatype);
    return MPI_SUCCESS;
}

}  // extern "C"
