#include "errors.hpp"

#include <cstdarg>
#include <cstdio>

#include "handles.hpp"
#include "rank_state.hpp"
#include "unsupported.hpp"
#include "runtime/runtime.hpp"

namespace mosix::lib {

namespace {

const char* const kClassText[] = {
    "MPI_SUCCESS: no error",
    "MPI_ERR_BUFFER: invalid buffer pointer",
    "MPI_ERR_COUNT: invalid count argument",
    "MPI_ERR_TYPE: invalid datatype",
    "MPI_ERR_TAG: invalid tag",
    "MPI_ERR_COMM: invalid communicator",
    "MPI_ERR_RANK: invalid rank",
    "MPI_ERR_ROOT: invalid root",
    "MPI_ERR_GROUP: invalid group",
    "MPI_ERR_OP: invalid reduction operation",
    "MPI_ERR_TOPOLOGY: invalid topology",
    "MPI_ERR_DIMS: invalid dimension argument",
    "MPI_ERR_ARG: invalid argument",
    "MPI_ERR_UNKNOWN: unknown error",
    "MPI_ERR_TRUNCATE: message truncated on receive",
    "MPI_ERR_OTHER: other error",
    "MPI_ERR_INTERN: internal error",
    "MPI_ERR_IN_STATUS: error code is in status",
    "MPI_ERR_PENDING: pending request",
    "MPI_ERR_REQUEST: invalid request",
    "MPI_ERR_ACCESS: permission denied",
    "MPI_ERR_AMODE: invalid access mode",
    "MPI_ERR_BAD_FILE: invalid file name",
    "MPI_ERR_CONVERSION: data conversion error",
    "MPI_ERR_DUP_DATAREP: duplicate data representation",
    "MPI_ERR_FILE_EXISTS: file exists",
    "MPI_ERR_FILE_IN_USE: file in use",
    "MPI_ERR_FILE: invalid file",
    "MPI_ERR_INFO: invalid info object",
    "MPI_ERR_INFO_KEY: invalid info key",
    "MPI_ERR_INFO_VALUE: invalid info value",
    "MPI_ERR_INFO_NOKEY: info key not defined",
    "MPI_ERR_IO: I/O error",
    "MPI_ERR_NAME: invalid service name",
    "MPI_ERR_NO_MEM: out of memory",
    "MPI_ERR_NOT_SAME: collective argument not identical on all processes",
    "MPI_ERR_NO_SPACE: not enough space",
    "MPI_ERR_NO_SUCH_FILE: no such file",
    "MPI_ERR_PORT: invalid port",
    "MPI_ERR_QUOTA: quota exceeded",
    "MPI_ERR_READ_ONLY: file is read-only",
    "MPI_ERR_SERVICE: invalid service",
    "MPI_ERR_SPAWN: spawn error",
    "MPI_ERR_UNSUPPORTED_DATAREP: unsupported data representation",
    "MPI_ERR_UNSUPPORTED_OPERATION: operation not supported",
    "MPI_ERR_WIN: invalid window",
    "MPI_ERR_BASE: invalid base",
    "MPI_ERR_LOCKTYPE: invalid lock type",
    "MPI_ERR_KEYVAL: invalid keyval",
    "MPI_ERR_RMA_CONFLICT: conflicting RMA accesses",
    "MPI_ERR_RMA_SYNC: wrong RMA synchronization",
    "MPI_ERR_SIZE: invalid size",
    "MPI_ERR_DISP: invalid displacement",
    "MPI_ERR_ASSERT: invalid assert",
    "MPI_ERR_RMA_RANGE: RMA access out of window",
    "MPI_ERR_RMA_ATTACH: RMA attach failed",
    "MPI_ERR_RMA_SHARED: RMA shared memory error",
    "MPI_ERR_RMA_FLAVOR: wrong RMA window flavor",
    "MPI_T_ERR_INVALID: invalid tool-interface use",
};
constexpr int kClassCount = static_cast<int>(sizeof kClassText / sizeof kClassText[0]);

}  // namespace

const char* error_class_string(int code) noexcept {
    if (unsupported_call(code)) code = MPI_ERR_UNSUPPORTED_OPERATION;  // a code of that class
    if (code < 0 || code >= kClassCount) return nullptr;
    return kClassText[code];
}

int raise_error(MPI_Comm comm, int code, const char* call, const char* fmt, ...) {
    char detail[512];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    if (!rt::this_rank()) rt::fail_job(1, "%s called outside a rank: %s", call, detail);

    // An error with no (valid) communicator goes to MPI_COMM_WORLD's handler, as the standard says.
    Comm* c = comm_get(comm);
    MPI_Comm handler_comm = c ? comm : MPI_COMM_WORLD;
    if (!c) c = comm_get(MPI_COMM_WORLD);
    MPI_Errhandler eh = c ? c->errhandler : MPI_ERRORS_ARE_FATAL;
    if (eh == MPI_ERRORS_RETURN) return code;
    int user = handle_index(HandleKind::errhandler, eh) - 2;
    if (user >= 0) {
        RankState& s = self_state();
        if (static_cast<std::size_t>(user) < s.errhandlers.size() &&
            s.errhandlers[static_cast<std::size_t>(user)].live) {
            MPI_Comm h = handler_comm;
            int e = code;
            s.errhandlers[static_cast<std::size_t>(user)].fn(&h, &e);
            return code;
        }
    }
    const char* cls = error_class_string(code);
    if (const UserError* u = user_error(code))
        cls = u->text.empty() ? "an error class of the program" : u->text.c_str();
    rt::fail_job(1, "%s: %s (%s)", call, detail, cls ? cls : "unknown error class");
}

int check_initialized(const char* call) {
    if (!rt::this_rank())
        rt::fail_job(1, "%s was called outside a rank (from a thread or a static constructor)", call);
    RankState& s = self_state();
    if (!s.initialized) return raise_error(MPI_COMM_WORLD, MPI_ERR_OTHER, call, "called before MPI_Init");
    if (s.finalized) return raise_error(MPI_COMM_WORLD, MPI_ERR_OTHER, call, "called after MPI_Finalize");
    return MPI_SUCCESS;
}

}  // namespace mosix::lib
