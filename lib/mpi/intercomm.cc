// intercomm.cc — the intercommunicator bindings and MPI_Comm_create_group: argument checks, then
// lib/intercomm.hpp.
#include "lib/intercomm.hpp"

#include <mpi.h>

#include "checks.hpp"
#include "lib/comm.hpp"
#include "runtime/library_entry.hpp"

using namespace mosix::lib;

namespace {

int check_intercomm(MPI_Comm comm, const char* call, Comm** out) {
    if (int e = check_comm(comm, call, out)) return e;
    MOSIX_CHECK((*out)->is_inter(), comm, MPI_ERR_COMM, call, "communicator %#x is not an intercommunicator",
                comm);
    return MPI_SUCCESS;
}

}  // namespace

extern "C" {

int MPI_Intercomm_create(MPI_Comm local_comm, int local_leader, MPI_Comm peer_comm, int remote_leader,
                         int tag, MPI_Comm* newintercomm) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Intercomm_create";
    Comm* local = nullptr;
    if (int e = check_intracomm(local_comm, call, &local)) return e;
    MOSIX_CHECK(newintercomm, local_comm, MPI_ERR_ARG, call, "newintercomm is NULL");
    MOSIX_CHECK(local_leader >= 0 && local_leader < local->size(), local_comm, MPI_ERR_RANK, call,
                "local_leader %d is not in 0..%d", local_leader, local->size() - 1);
    Comm* peer = nullptr;
    if (local->rank == local_leader) {  // the other arguments are significant at the leader only
        if (int e = check_comm(peer_comm, call, &peer)) return e;
        const int n = peer->peers().size;
        MOSIX_CHECK(remote_leader >= 0 && remote_leader < n, local_comm, MPI_ERR_RANK, call,
                    "remote_leader %d is not a rank of peer_comm (0..%d)", remote_leader, n - 1);
        MOSIX_CHECK(peer->is_inter() || remote_leader != peer->rank, local_comm, MPI_ERR_RANK, call,
                    "remote_leader %d is the local leader itself", remote_leader);
        if (int e = check_send_tag(local_comm, tag, call)) return e;
    }
    std::uint32_t context = 0;
    std::vector<int> remote = intercomm_exchange(*local, local_leader, peer, remote_leader, tag, &context);
    // Every member sees both groups now, so every member reports an overlap alike.
    GroupIndex ours(*local->group);
    for (int w : remote)
        MOSIX_CHECK(ours.rank_of(w) == MPI_UNDEFINED, local_comm, MPI_ERR_GROUP, call,
                    "the local and remote groups overlap (MPI_COMM_WORLD rank %d is in both)", w);
    *newintercomm =
        comm_install(local->group, local->rank, context, local->errhandler, group_of(std::move(remote)));
    return MPI_SUCCESS;
}

int MPI_Intercomm_merge(MPI_Comm intercomm, int high, MPI_Comm* newintracomm) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Intercomm_merge";
    Comm* c = nullptr;
    if (int e = check_intercomm(intercomm, call, &c)) return e;
    MOSIX_CHECK(newintracomm, intercomm, MPI_ERR_ARG, call, "newintracomm is NULL");
    *newintracomm = intercomm_merge(*c, high != 0);
    return MPI_SUCCESS;
}

int MPI_Comm_remote_size(MPI_Comm comm, int* size) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Comm_remote_size";
    Comm* c = nullptr;
    if (int e = check_intercomm(comm, call, &c)) return e;
    MOSIX_CHECK(size, comm, MPI_ERR_ARG, call, "size is NULL");
    *size = c->remote_group->size;
    return MPI_SUCCESS;
}

int MPI_Comm_remote_group(MPI_Comm comm, MPI_Group* group) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Comm_remote_group";
    Comm* c = nullptr;
    if (int e = check_intercomm(comm, call, &c)) return e;
    MOSIX_CHECK(group, comm, MPI_ERR_ARG, call, "group is NULL");
    *group = group_install(c->remote_group);
    return MPI_SUCCESS;
}

int MPI_Comm_create_group(MPI_Comm comm, MPI_Group group, int tag, MPI_Comm* newcomm) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Comm_create_group";
    Comm* c = nullptr;
    if (int e = check_intracomm(comm, call, &c)) return e;
    GroupPtr g = group_get(group);
    MOSIX_CHECK(g, comm, MPI_ERR_GROUP, call, "group %#x is not a valid group", group);
    MOSIX_CHECK(newcomm, comm, MPI_ERR_ARG, call, "newcomm is NULL");
    if (int e = check_send_tag(comm, tag, call)) return e;
    MOSIX_CHECK(group_subset(*g, *c->group), comm, MPI_ERR_GROUP, call,
                "the group has members that are not in the communicator");
    // A rank outside the group takes no part (and learns nothing): its result is MPI_COMM_NULL.
    if (g->size == 0 || g->rank_of_world(c->group->world_of(c->rank)) == MPI_UNDEFINED) {
        *newcomm = MPI_COMM_NULL;
        return MPI_SUCCESS;
    }
    *newcomm = comm_create_group(*c, g, tag);
    return MPI_SUCCESS;
}

}  // extern "C"
