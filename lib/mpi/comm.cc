// comm.cc — the communicator constructors and destructor: argument checks, then lib/comm.hpp.
#include "lib/comm.hpp"

#include <mpi.h>

#include "checks.hpp"
#include "lib/attributes.hpp"
#include "lib/intercomm.hpp"
#include "runtime/library_entry.hpp"
#include "runtime/runtime.hpp"
#include "runtime/this_rank.hpp"

using namespace mosix::lib;

extern "C" {

int MPI_Comm_dup(MPI_Comm comm, MPI_Comm* newcomm) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Comm_dup";
    Comm* c = nullptr;
    if (int e = check_comm(comm, call, &c)) return e;
    MOSIX_CHECK(newcomm, comm, MPI_ERR_ARG, call, "newcomm is NULL");
    MPI_Comm dup = c->is_inter() ? intercomm_dup(*c) : comm_dup(*c);
    // The duplicate shares the topology and gets what the attributes' copy callbacks return.
    comm_get(dup)->topology = comm_get(comm)->topology;
    if (int rc = attributes_copy(comm, dup)) {
        comm_free(dup);
        return raise_error(comm, rc, call, "an attribute copy callback failed with %d", rc);
    }
    *newcomm = dup;
    return MPI_SUCCESS;
}

int MPI_Comm_split(MPI_Comm comm, int color, int key, MPI_Comm* newcomm) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Comm_split";
    Comm* c = nullptr;
    if (int e = check_comm(comm, call, &c)) return e;
    MOSIX_CHECK(color >= 0 || color == MPI_UNDEFINED, comm, MPI_ERR_ARG, call,
                "color %d is negative and not MPI_UNDEFINED", color);
    MOSIX_CHECK(newcomm, comm, MPI_ERR_ARG, call, "newcomm is NULL");
    *newcomm = c->is_inter() ? intercomm_split(*c, color, key) : comm_split(*c, color, key);
    return MPI_SUCCESS;
}

// MPI_COMM_TYPE_SHARED groups the ranks by the host they run on when they call it: the ranks that
// could share memory. Ranks migrate, so it is a snapshot, like mosix_where.
int MPI_Comm_split_type(MPI_Comm comm, int split_type, int key, MPI_Info info, MPI_Comm* newcomm) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Comm_split_type";
    Comm* c = nullptr;
    if (int e = check_intracomm(comm, call, &c)) return e;
    MOSIX_CHECK(split_type == MPI_COMM_TYPE_SHARED || split_type == MPI_UNDEFINED, comm, MPI_ERR_ARG, call,
                "split_type %d is neither MPI_COMM_TYPE_SHARED nor MPI_UNDEFINED", split_type);
    MOSIX_CHECK(info_valid_or_null(info), comm, MPI_ERR_INFO, call, "info %#x is not a valid Info object",
                info);
    MOSIX_CHECK(newcomm, comm, MPI_ERR_ARG, call, "newcomm is NULL");
    int color = split_type == MPI_UNDEFINED ? MPI_UNDEFINED : mosix::rt::host_of_pe(mosix::rt::this_pe());
    *newcomm = comm_split(*c, color, key);
    return MPI_SUCCESS;
}

int MPI_Comm_create(MPI_Comm comm, MPI_Group group, MPI_Comm* newcomm) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Comm_create";
    Comm* c = nullptr;
    if (int e = check_intracomm(comm, call, &c)) return e;
    GroupPtr g = group_get(group);
    MOSIX_CHECK(g, comm, MPI_ERR_GROUP, call, "group %#x is not a valid group", group);
    MOSIX_CHECK(newcomm, comm, MPI_ERR_ARG, call, "newcomm is NULL");
    MOSIX_CHECK(group_subset(*g, *c->group), comm, MPI_ERR_GROUP, call,
                "the group has members that are not in the communicator");
    *newcomm = comm_create(*c, g);
    return MPI_SUCCESS;
}

int MPI_Comm_compare(MPI_Comm comm1, MPI_Comm comm2, int* result) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Comm_compare";
    Comm* c = nullptr;
    if (int e = check_comm(comm1, call, &c)) return e;
    if (int e = check_comm(comm2, call, &c)) return e;
    MOSIX_CHECK(result, comm1, MPI_ERR_ARG, call, "result is NULL");
    *result = comm_compare(comm1, comm2);
    return MPI_SUCCESS;
}

int MPI_Comm_free(MPI_Comm* comm) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Comm_free";
    if (int e = check_initialized(call)) return e;
    MOSIX_CHECK(comm, MPI_COMM_WORLD, MPI_ERR_ARG, call, "comm is NULL");
    Comm* c = nullptr;
    if (int e = check_comm(*comm, call, &c)) return e;
    MOSIX_CHECK(*comm != MPI_COMM_WORLD && *comm != MPI_COMM_SELF, *comm, MPI_ERR_COMM, call,
                "%s cannot be freed", *comm == MPI_COMM_WORLD ? "MPI_COMM_WORLD" : "MPI_COMM_SELF");
    if (int rc = attributes_delete_all(*comm))
        return raise_error(*comm, rc, call, "an attribute delete callback failed with %d", rc);
    comm_free(*comm);
    *comm = MPI_COMM_NULL;
    return MPI_SUCCESS;
}

int MPI_Comm_group(MPI_Comm comm, MPI_Group* group) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Comm_group";
    Comm* c = nullptr;
    if (int e = check_comm(comm, call, &c)) return e;
    MOSIX_CHECK(group, comm, MPI_ERR_ARG, call, "group is NULL");
    *group = group_install(c->group);
    return MPI_SUCCESS;
}

}  // extern "C"
