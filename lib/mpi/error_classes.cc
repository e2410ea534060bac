// error_classes.cc — the program's own error classes, codes and strings, and the MPI-1 names of
// the error-handler calls.
#include <mpi.h>

#include <cstring>

#include "checks.hpp"
#include "lib/attributes.hpp"
#include "runtime/library_entry.hpp"

using namespace mosix::lib;

namespace {

int add_error(int error_class, int* out, const char* call) {
    RankState& s = self_state();
    const int code = MPI_ERR_LASTCODE + 1 + static_cast<int>(s.user_errors.size());
    MOSIX_CHECK(code > MPI_ERR_LASTCODE, MPI_COMM_NULL, MPI_ERR_OTHER, call, "no error codes are left");
    s.user_errors.push_back({error_class < 0 ? code : error_class, {}});
    s.last_used_code = code;
    *out = code;
    return MPI_SUCCESS;
}

bool is_class(int code) {
    if (code >= MPI_SUCCESS && code <= MPI_T_ERR_INVALID) return true;
    const UserError* u = user_error(code);
    return u && u->error_class == code;
}

}  // namespace

extern "C" {

int MPI_Add_error_class(int* errorclass) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Add_error_class";
    if (int e = check_initialized(call)) return e;
    MOSIX_CHECK(errorclass, MPI_COMM_NULL, MPI_ERR_ARG, call, "errorclass is NULL");
    return add_error(-1, errorclass, call);
}

int MPI_Add_error_code(int errorclass, int* errorcode) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Add_error_code";
    if (int e = check_initialized(call)) return e;
    MOSIX_CHECK(errorcode, MPI_COMM_NULL, MPI_ERR_ARG, call, "errorcode is NULL");
    MOSIX_CHECK(is_class(errorclass) && errorclass != MPI_SUCCESS, MPI_COMM_NULL, MPI_ERR_ARG, call,
                "%d is not an error class", errorclass);
    return add_error(errorclass, errorcode, call);
}

int MPI_Add_error_string(int errorcode, const char* string) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Add_error_string";
    if (int e = check_initialized(call)) return e;
    MOSIX_CHECK(string, MPI_COMM_NULL, MPI_ERR_ARG, call, "string is NULL");
    MOSIX_CHECK(strnlen(string, MPI_MAX_ERROR_STRING) < MPI_MAX_ERROR_STRING, MPI_COMM_NULL, MPI_ERR_ARG,
                call, "string is longer than MPI_MAX_ERROR_STRING - 1 (%d) characters",
                MPI_MAX_ERROR_STRING - 1);
    MOSIX_CHECK(user_error(errorcode), MPI_COMM_NULL, MPI_ERR_ARG, call,
                "%d is not an error class or code added by the program", errorcode);
    self_state().user_errors[static_cast<std::size_t>(errorcode - MPI_ERR_LASTCODE - 1)].text = string;
    return MPI_SUCCESS;
}

int MPI_Errhandler_create(MPI_Handler_function* function, MPI_Errhandler* errhandler) {
    return MPI_Comm_create_errhandler(function, errhandler);
}

int MPI_Errhandler_set(MPI_Comm comm, MPI_Errhandler errhandler) {
    return MPI_Comm_set_errhandler(comm, errhandler);
}

int MPI_Errhandler_get(MPI_Comm comm, MPI_Errhandler* errhandler) {
    return MPI_Comm_get_errhandler(comm, errhandler);
}

}  // extern "C"
