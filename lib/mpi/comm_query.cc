// comm_query.cc — the hot communicator queries (rank, size), attribute lookup and names.
#include <mpi.h>

#include <climits>
#include <cstring>

#include "checks.hpp"
#include "lib/attributes.hpp"
#include "runtime/library_entry.hpp"

using namespace mosix::lib;

namespace mosix::lib {

int comm_get_attr(MPI_Comm comm, int keyval, void* attribute_val, int* flag, const char* call) {
    Comm* c = nullptr;
    if (int e = check_comm(comm, call, &c)) return e;
    MOSIX_CHECK(attribute_val && flag, comm, MPI_ERR_ARG, call, "attribute_val or flag is NULL");
    // Predefined attributes are pointers to values that live as long as the library (or, for
    // MPI_LASTUSEDCODE, as the rank).
    static int tag_ub = INT_MAX, host = MPI_PROC_NULL, io = MPI_ANY_SOURCE, wtime_global = 0;
    static int universe_size = 0;
    int* value = nullptr;
    switch (keyval) {
        case MPI_TAG_UB:
            value = &tag_ub;
            break;
        case MPI_HOST:
            value = &host;
            break;
        case MPI_IO:
            value = &io;
            break;
        case MPI_WTIME_IS_GLOBAL:
            value = &wtime_global;
            break;
        case MPI_UNIVERSE_SIZE:
            universe_size = mosix::rt::world_size();
            value = &universe_size;
            break;
        case MPI_LASTUSEDCODE:
            value = &self_state().last_used_code;
            break;
        default: {
            MOSIX_CHECK(keyval_get(keyval), comm, MPI_ERR_KEYVAL, call, "keyval %#x is not a valid keyval",
                        keyval);
            *flag = 0;
            for (const Attribute& a : c->attributes)
                if (a.keyval == keyval) {
                    *static_cast<void**>(attribute_val) = a.value;
                    *flag = 1;
                }
            return MPI_SUCCESS;
        }
    }
    *static_cast<int**>(attribute_val) = value;
    *flag = 1;
    return MPI_SUCCESS;
}

}  // namespace mosix::lib

extern "C" {

int MPI_Comm_rank(MPI_Comm comm, int* rank) {
    MOSIX_LIBRARY_ENTRY();
    Comm* c = nullptr;
    if (int e = check_comm(comm, "MPI_Comm_rank", &c)) return e;
    MOSIX_CHECK(rank, comm, MPI_ERR_ARG, "MPI_Comm_rank", "rank is NULL");
    *rank = c->rank;
    return MPI_SUCCESS;
}

int MPI_Comm_size(MPI_Comm comm, int* size) {
    MOSIX_LIBRARY_ENTRY();
    Comm* c = nullptr;
    if (int e = check_comm(comm, "MPI_Comm_size", &c)) return e;
    MOSIX_CHECK(size, comm, MPI_ERR_ARG, "MPI_Comm_size", "size is NULL");
    *size = c->size();
    return MPI_SUCCESS;
}

int MPI_Comm_test_inter(MPI_Comm comm, int* flag) {
    MOSIX_LIBRARY_ENTRY();
    Comm* c = nullptr;
    if (int e = check_comm(comm, "MPI_Comm_test_inter", &c)) return e;
    MOSIX_CHECK(flag, comm, MPI_ERR_ARG, "MPI_Comm_test_inter", "flag is NULL");
    *flag = c->is_inter() ? 1 : 0;
    return MPI_SUCCESS;
}

int MPI_Comm_get_attr(MPI_Comm comm, int keyval, void* attribute_val, int* flag) {
    MOSIX_LIBRARY_ENTRY();
    return comm_get_attr(comm, keyval, attribute_val, flag, "MPI_Comm_get_attr");
}

int MPI_Comm_set_name(MPI_Comm comm, const char* name) {
    MOSIX_LIBRARY_ENTRY();
    Comm* c = nullptr;
    if (int e = check_comm(comm, "MPI_Comm_set_name", &c)) return e;
    MOSIX_CHECK(name, comm, MPI_ERR_ARG, "MPI_Comm_set_name", "name is NULL");
    c->name.assign(name, strnlen(name, MPI_MAX_OBJECT_NAME - 1));
    return MPI_SUCCESS;
}

int MPI_Comm_get_name(MPI_Comm comm, char* name, int* resultlen) {
    MOSIX_LIBRARY_ENTRY();
    Comm* c = nullptr;
    if (int e = check_comm(comm, "MPI_Comm_get_name", &c)) return e;
    MOSIX_CHECK(name && resultlen, comm, MPI_ERR_ARG, "MPI_Comm_get_name", "name or resultlen is NULL");
    std::memcpy(name, c->name.c_str(), c->name.size() + 1);
    *resultlen = static_cast<int>(c->name.size());
    return MPI_SUCCESS;
}

}  // extern "C"
