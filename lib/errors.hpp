// errors.hpp — how a call reports an error: it names itself, the error class and the exact cause;
// the communicator's error handler then decides (MPI_ERRORS_ARE_FATAL ends the job with that line,
// MPI_ERRORS_RETURN returns the class, a user handler is called and then the class is returned).
#pragma once

#include <mpi.h>

namespace mosix::lib {

// Reports error class `code` found by `call` on communicator `comm` (MPI_COMM_NULL if the call has
// none; the error then goes to MPI_COMM_WORLD's handler, as the standard says). Returns `code` for
// the call to return. Under MPI_ERRORS_ARE_FATAL it does not return.
int raise_error(MPI_Comm comm, int code, const char* call, const char* fmt, ...)
    __attribute__((format(printf, 4, 5)));

// The standard's description of an error class, e.g. "MPI_ERR_RANK: invalid rank".
const char* error_class_string(int code) noexcept;

// Checks that the calling code runs inside a rank between MPI_Init and MPI_Finalize; returns
// MPI_SUCCESS or reports MPI_ERR_OTHER for `call`.
int check_initialized(const char* call);

}  // namespace mosix::lib

// Argument checks read as one line each in the bindings: return the reported error if `cond`.
#define MOSIX_CHECK(cond, comm, code, call, ...)                                   \
    do {                                                                           \
        if (__builtin_expect(!(cond), 0))                                          \
            return ::mosix::lib::raise_error((comm), (code), (call), __VA_ARGS__); \
    } while (0)
