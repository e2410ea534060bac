// errors.cc — error strings and error handlers.
#include "lib/errors.hpp"

#include <mpi.h>

#include <cstdio>
#include <cstring>

#include "lib/attributes.hpp"
#include "lib/handles.hpp"
#include "lib/rank_state.hpp"
#include "lib/unsupported.hpp"
#include "runtime/library_entry.hpp"

using namespace mosix::lib;

extern "C" {

int MPI_Error_string(int errorcode, char* string, int* resultlen) {
    MOSIX_LIBRARY_ENTRY();
    MOSIX_CHECK(string && resultlen, MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Error_string",
                "string or resultlen is NULL");
    const char* text = error_class_string(errorcode);
    if (const UserError* u = user_error(errorcode)) text = u->text.c_str();  // "" until one is set
    if (const char* call = unsupported_call(errorcode))
        std::snprintf(string, MPI_MAX_ERROR_STRING, "%s is not supported by mosix (%s)", call, text);
    else if (!text)
        std::snprintf(string, MPI_MAX_ERROR_STRING, "unknown error code %d", errorcode);
    else
        std::snprintf(string, MPI_MAX_ERROR_STRING, "%s", text);
    *resultlen = static_cast<int>(std::strlen(string));
    return MPI_SUCCESS;
}

int MPI_Error_class(int errorcode, int* errorclass) {
    MOSIX_LIBRARY_ENTRY();
    MOSIX_CHECK(errorclass, MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Error_class", "errorclass is NULL");
    const UserError* u = user_error(errorcode);
    MOSIX_CHECK(u || error_class_string(errorcode), MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Error_class",
                "%d is not an error code", errorcode);
    *errorclass = u                            ? u->error_class
                  : unsupported_call(errorcode) ? MPI_ERR_UNSUPPORTED_OPERATION
                                                : errorcode;
    return MPI_SUCCESS;
}

int MPI_Comm_set_errhandler(MPI_Comm comm, MPI_Errhandler errhandler) {
    MOSIX_LIBRARY_ENTRY();
    if (int e = check_initialized("MPI_Comm_set_errhandler")) return e;
    Comm* c = comm_get(comm);
    MOSIX_CHECK(c, MPI_COMM_WORLD, MPI_ERR_COMM, "MPI_Comm_set_errhandler", "communicator %#x is not valid",
                comm);
    int i = handle_index(HandleKind::errhandler, errhandler);
    RankState& s = self_state();
    bool ok = i == 0 || i == 1 ||
              (i >= 2 && static_cast<std::size_t>(i - 2) < s.errhandlers.size() &&
               s.errhandlers[static_cast<std::size_t>(i - 2)].live);
    MOSIX_CHECK(ok, comm, MPI_ERR_ARG, "MPI_Comm_set_errhandler", "error handler %#x is not valid",
                errhandler);
    c->errhandler = errhandler;
    return MPI_SUCCESS;
}

int MPI_Comm_get_errhandler(MPI_Comm comm, MPI_Errhandler* errhandler) {
    MOSIX_LIBRARY_ENTRY();
    if (int e = check_initialized("MPI_Comm_get_errhandler")) return e;
    Comm* c = comm_get(comm);
    MOSIX_CHECK(c, MPI_COMM_WORLD, MPI_ERR_COMM, "MPI_Comm_get_errhandler", "communicator %#x is not valid",
                comm);
    MOSIX_CHECK(errhandler, comm, MPI_ERR_ARG, "MPI_Comm_get_errhandler", "errhandler is NULL");
    *errhandler = c->errhandler;
    return MPI_SUCCESS;
}

int MPI_Comm_create_errhandler(MPI_Comm_errhandler_function* function, MPI_Errhandler* errhandler) {
    MOSIX_LIBRARY_ENTRY();
    if (int e = check_initialized("MPI_Comm_create_errhandler")) return e;
    MOSIX_CHECK(function && errhandler, MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Comm_create_errhandler",
                "function or errhandler is NULL");
    RankState& s = self_state();
    s.errhandlers.push_back(UserErrhandler{true, function});
    *errhandler = make_handle(HandleKind::errhandler, static_cast<int>(s.errhandlers.size()) + 1);
    return MPI_SUCCESS;
}

int MPI_Errhandler_free(MPI_Errhandler* errhandler) {
    MOSIX_LIBRARY_ENTRY();
    if (int e = check_initialized("MPI_Errhandler_free")) return e;
    MOSIX_CHECK(errhandler, MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Errhandler_free", "errhandler is NULL");
    int i = handle_index(HandleKind::errhandler, *errhandler);
    RankState& s = self_state();
    if (i >= 2 && static_cast<std::size_t>(i - 2) < s.errhandlers.size() &&
        s.errhandlers[static_cast<std::size_t>(i - 2)].live) {
        // Communicators that use it keep calling it until they change handler (MPI semantics):
        // the slot is not reused, so the handle stays valid for them.
        *errhandler = MPI_ERRHANDLER_NULL;
        return MPI_SUCCESS;
    }
    MOSIX_CHECK(i == 0 || i == 1, MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Errhandler_free",
                "error handler %#x is not valid", *errhandler);
    *errhandler = MPI_ERRHANDLER_NULL;
    return MPI_SUCCESS;
}

int MPI_Comm_call_errhandler(MPI_Comm comm, int errorcode) {
    MOSIX_LIBRARY_ENTRY();
    if (int e = check_initialized("MPI_Comm_call_errhandler")) return e;
    MOSIX_CHECK(comm_get(comm), MPI_COMM_WORLD, MPI_ERR_COMM, "MPI_Comm_call_errhandler",
                "communicator %#x is not valid", comm);
    raise_error(comm, errorcode, "MPI_Comm_call_errhandler", "error %d raised by the program", errorcode);
    return MPI_SUCCESS;
}

}  // extern "C"
