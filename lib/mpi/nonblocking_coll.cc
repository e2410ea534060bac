// nonblocking_coll.cc — the nonblocking collective bindings: the blocking calls' argument checks
// (coll_checks.hpp), then the calling rank's schedule (lib/nbc) is built and started, and its
// request returned. Nothing here waits.
#include <mpi.h>

#include "checks.hpp"
#include "coll_checks.hpp"
#include "lib/nbc/algorithms.hpp"
#include "runtime/library_entry.hpp"

using namespace mosix::lib;

namespace {

// Derived datatypes would need packing into and out of the schedule's buffers: not yet.
int check_predefined(MPI_Comm comm, MPI_Datatype type, const char* call) {
    MOSIX_CHECK(type >= MOSIX_DT_(0) && type < MOSIX_DT_(MOSIX_DT_PREDEFINED_COUNT), comm, MPI_ERR_TYPE, call,
                "datatype %#x is not a predefined datatype: nonblocking collectives take predefined "
                "datatypes only",
                type);
    return MPI_SUCCESS;
}

// Intercommunicators are asked through the public call (PMPI_, so a profiling tool does not see
// it): the schedules address the local group only.
int check_start(MPI_Comm comm, MPI_Request* request, const char* call, Comm** c) {
    if (int e = check_comm(comm, call, c)) return e;
    int inter = 0;
    PMPI_Comm_test_inter(comm, &inter);
    MOSIX_CHECK(!inter, comm, MPI_ERR_COMM, call,
                "communicator %#x is an intercommunicator: nonblocking collectives take intracommunicators "
                "only",
                comm);
    MOSIX_CHECK(request, comm, MPI_ERR_REQUEST, call, "request is NULL");
    return MPI_SUCCESS;
}

// Reductions: the checks of the blocking call, a predefined type, and the Builder's op.
int check_nb_reduction(const Comm& c, MPI_Comm comm, const void* sendbuf, void* recvbuf, bool receives,
                       int sendcount, int recvcount, MPI_Datatype type, MPI_Op op, const char* call,
                       const Datatype** dt, OpRef* ref) {
    if (int e = check_reduction(c, comm, sendbuf, recvbuf, receives, sendcount, recvcount, type, op, call, dt,
                                ref))
        return e;
    return check_predefined(comm, type, call);
}

// The types of a call with a send and a receive side, each where it is significant.
int check_types(MPI_Comm comm, bool send_side, MPI_Datatype sendtype, bool recv_side, MPI_Datatype recvtype,
                const char* call) {
    if (send_side)
        if (int e = check_predefined(comm, sendtype, call)) return e;
    if (recv_side)
        if (int e = check_predefined(comm, recvtype, call)) return e;
    return MPI_SUCCESS;
}

}  // namespace

extern "C" {

int MPI_Ibarrier(MPI_Comm comm, MPI_Request* request) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Ibarrier";
    Comm* c = nullptr;
    if (int e = check_start(comm, request, call, &c)) return e;
    nbc::Builder b(*c, comm, call);
    nbc::barrier(b);
    *request = b.start();
    return MPI_SUCCESS;
}

int MPI_Ibcast(void* buffer, int count, MPI_Datatype datatype, int root, MPI_Comm comm,
               MPI_Request* request) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Ibcast";
    Comm* c = nullptr;
    const Datatype* dt = nullptr;
    if (int e = check_start(comm, request, call, &c)) return e;
    if (int e = check_buffer(*c, comm, buffer, count, datatype, call, &dt)) return e;
    if (int e = check_not_in_place(comm, buffer, "buffer", call)) return e;
    if (int e = check_root(*c, comm, root, call)) return e;
    if (int e = check_predefined(comm, datatype, call)) return e;
    nbc::Builder b(*c, comm, call);
    nbc::bcast(b, buffer, bytes_of(count, *dt), root);
    *request = b.start();
    return MPI_SUCCESS;
}

int MPI_Ireduce(const void* sendbuf, void* recvbuf, int count, MPI_Datatype datatype, MPI_Op op, int root,
                MPI_Comm comm, MPI_Request* request) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Ireduce";
    Comm* c = nullptr;
    const Datatype* dt = nullptr;
    OpRef ref;
    if (int e = check_start(comm, request, call, &c)) return e;
    if (int e = check_root(*c, comm, root, call)) return e;
    if (int e = check_nb_reduction(*c, comm, sendbuf, recvbuf, c->rank == root, count, count, datatype, op,
                                   call, &dt, &ref))
        return e;
    nbc::Builder b(*c, comm, call);
    b.reduction(ref, datatype);
    nbc::reduce(b, sendbuf, recvbuf, count, dt->size, root);
    *request = b.start();
    return MPI_SUCCESS;
}

int MPI_Iallreduce(const void* sendbuf, void* recvbuf, int count, MPI_Datatype datatype, MPI_Op op,
                   MPI_Comm comm, MPI_Request* request) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Iallreduce";
    Comm* c = nullptr;
    const Datatype* dt = nullptr;
    OpRef ref;
    if (int e = check_start(comm, request, call, &c)) return e;
    if (int e =
            check_nb_reduction(*c, comm, sendbuf, recvbuf, true, count, count, datatype, op, call, &dt, &ref))
        return e;
    nbc::Builder b(*c, comm, call);
    b.reduction(ref, datatype);
    nbc::allreduce(b, sendbuf, recvbuf, count, dt->size);
    *request = b.start();
    return MPI_SUCCESS;
}

int MPI_Ireduce_scatter(const void* sendbuf, void* recvbuf, const int recvcounts[], MPI_Datatype datatype,
                        MPI_Op op, MPI_Comm comm, MPI_Request* request) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Ireduce_scatter";
    Comm* c = nullptr;
    const Datatype* dt = nullptr;
    OpRef ref;
    int total = 0;
    if (int e = check_start(comm, request, call, &c)) return e;
    if (int e = check_recvcounts(*c, comm, recvcounts, call, &total)) return e;
    // In place, recvbuf holds the whole input.
    if (int e = check_nb_reduction(*c, comm, sendbuf, recvbuf, true, total,
                                   sendbuf == MPI_IN_PLACE ? total : recvcounts[c->rank], datatype, op, call,
                                   &dt, &ref))
        return e;
    nbc::Builder b(*c, comm, call);
    b.reduction(ref, datatype);
    nbc::reduce_scatter(b, sendbuf, recvbuf, recvcounts, dt->size);
    *request = b.start();
    return MPI_SUCCESS;
}

int MPI_Ireduce_scatter_block(const void* sendbuf, void* recvbuf, int recvcount, MPI_Datatype datatype,
                              MPI_Op op, MPI_Comm comm, MPI_Request* request) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Ireduce_scatter_block";
    Comm* c = nullptr;
    const Datatype* dt = nullptr;
    OpRef ref;
    int total = 0;
    if (int e = check_start(comm, request, call, &c)) return e;
    if (int e = check_block_count(*c, comm, recvcount, call, &total)) return e;
    if (int e =
            check_nb_reduction(*c, comm, sendbuf, recvbuf, true, total,
                               sendbuf == MPI_IN_PLACE ? total : recvcount, datatype, op, call, &dt, &ref))
        return e;
    RankVector<int> counts(static_cast<std::size_t>(c->size()), recvcount);
    nbc::Builder b(*c, comm, call);
    b.reduction(ref, datatype);
    nbc::reduce_scatter(b, sendbuf, recvbuf, counts.data(), dt->size);
    *request = b.start();
    return MPI_SUCCESS;
}

int MPI_Iscan(const void* sendbuf, void* recvbuf, int count, MPI_Datatype datatype, MPI_Op op, MPI_Comm comm,
              MPI_Request* request) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Iscan";
    Comm* c = nullptr;
    const Datatype* dt = nullptr;
    OpRef ref;
    if (int e = check_start(comm, request, call, &c)) return e;
    if (int e =
            check_nb_reduction(*c, comm, sendbuf, recvbuf, true, count, count, datatype, op, call, &dt, &ref))
        return e;
    nbc::Builder b(*c, comm, call);
    b.reduction(ref, datatype);
    nbc::scan(b, sendbuf, recvbuf, count, dt->size, true);
    *request = b.start();
    return MPI_SUCCESS;
}

int MPI_Iexscan(const void* sendbuf, void* recvbuf, int count, MPI_Datatype datatype, MPI_Op op,
                MPI_Comm comm, MPI_Request* request) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Iexscan";
    Comm* c = nullptr;
    const Datatype* dt = nullptr;
    OpRef ref;
    if (int e = check_start(comm, request, call, &c)) return e;
    if (int e =
            check_nb_reduction(*c, comm, sendbuf, recvbuf, true, count, count, datatype, op, call, &dt, &ref))
        return e;
    nbc::Builder b(*c, comm, call);
    b.reduction(ref, datatype);
    nbc::scan(b, sendbuf, recvbuf, count, dt->size, false);
    *request = b.start();
    return MPI_SUCCESS;
}

int MPI_Igather(const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf, int recvcount,
                MPI_Datatype recvtype, int root, MPI_Comm comm, MPI_Request* request) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Igather";
    Comm* c = nullptr;
    std::size_t sbytes = 0, rbytes = 0;
    if (int e = check_start(comm, request, call, &c)) return e;
    if (int e =
            check_rooted(*c, comm, root, RootedSide{sendbuf, sendcount, sendtype},
                         RootedSide{recvbuf, recvcount, recvtype}, true, "recvbuf", call, &sbytes, &rbytes))
        return e;
    const bool at_root = c->rank == root;
    if (int e = check_types(comm, sendbuf != MPI_IN_PLACE, sendtype, at_root, recvtype, call)) return e;
    nbc::Builder b(*c, comm, call);
    nbc::gather(b, sendbuf, sbytes, recvbuf, rbytes, root);
    *request = b.start();
    return MPI_SUCCESS;
}

int MPI_Igatherv(const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf,
                 const int recvcounts[], const int displs[], MPI_Datatype recvtype, int root, MPI_Comm comm,
                 MPI_Request* request) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Igatherv";
    Comm* c = nullptr;
    std::size_t sbytes = 0;
    RankVector<std::size_t> rbytes, rdispls;
    if (int e = check_start(comm, request, call, &c)) return e;
    if (int e = check_rooted_v(*c, comm, root, RootedSide{sendbuf, sendcount, sendtype},
                               RootedLayout{recvbuf, recvcounts, displs, recvtype}, true, "recvbuf",
                               "recvcounts", call, &sbytes, &rbytes, &rdispls))
        return e;
    const bool at_root = c->rank == root;
    if (int e = check_types(comm, sendbuf != MPI_IN_PLACE, sendtype, at_root, recvtype, call)) return e;
    nbc::Builder b(*c, comm, call);
    nbc::gatherv(b, sendbuf, sbytes, recvbuf, rbytes.data(), rdispls.data(), root);
    *request = b.start();
    return MPI_SUCCESS;
}

int MPI_Iscatter(const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf, int recvcount,
                 MPI_Datatype recvtype, int root, MPI_Comm comm, MPI_Request* request) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Iscatter";
    Comm* c = nullptr;
    std::size_t sbytes = 0, rbytes = 0;
    if (int e = check_start(comm, request, call, &c)) return e;
    if (int e =
            check_rooted(*c, comm, root, RootedSide{recvbuf, recvcount, recvtype},
                         RootedSide{sendbuf, sendcount, sendtype}, false, "sendbuf", call, &rbytes, &sbytes))
        return e;
    const bool at_root = c->rank == root;
    if (int e = check_types(comm, at_root, sendtype, recvbuf != MPI_IN_PLACE, recvtype, call)) return e;
    nbc::Builder b(*c, comm, call);
    nbc::scatter(b, sendbuf, sbytes, recvbuf, rbytes, root);
    *request = b.start();
    return MPI_SUCCESS;
}

int MPI_Iscatterv(const void* sendbuf, const int sendcounts[], const int displs[], MPI_Datatype sendtype,
                  void* recvbuf, int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm,
                  MPI_Request* request) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Iscatterv";
    Comm* c = nullptr;
    std::size_t rbytes = 0;
    RankVector<std::size_t> sbytes, sdispls;
    if (int e = check_start(comm, request, call, &c)) return e;
    if (int e = check_rooted_v(*c, comm, root, RootedSide{recvbuf, recvcount, recvtype},
                               RootedLayout{sendbuf, sendcounts, displs, sendtype}, false, "sendbuf",
                               "sendcounts", call, &rbytes, &sbytes, &sdispls))
        return e;
    const bool at_root = c->rank == root;
    if (int e = check_types(comm, at_root, sendtype, recvbuf != MPI_IN_PLACE, recvtype, call)) return e;
    nbc::Builder b(*c, comm, call);
    nbc::scatterv(b, sendbuf, sbytes.data(), sdispls.data(), recvbuf, rbytes, root);
    *request = b.start();
    return MPI_SUCCESS;
}

int MPI_Iallgather(const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf, int recvcount,
                   MPI_Datatype recvtype, MPI_Comm comm, MPI_Request* request) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Iallgather";
    Comm* c = nullptr;
    std::size_t sbytes = 0, rbytes = 0;
    if (int e = check_start(comm, request, call, &c)) return e;
    if (int e = check_uniform_blocks(*c, comm, sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype,
                                     call, &sbytes, &rbytes))
        return e;
    if (int e = check_types(comm, sendbuf != MPI_IN_PLACE, sendtype, true, recvtype, call)) return e;
    nbc::Builder b(*c, comm, call);
    nbc::allgather(b, sendbuf, sbytes, recvbuf, rbytes);
    *request = b.start();
    return MPI_SUCCESS;
}

int MPI_Iallgatherv(const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf,
                    const int recvcounts[], const int displs[], MPI_Datatype recvtype, MPI_Comm comm,
                    MPI_Request* request) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Iallgatherv";
    Comm* c = nullptr;
    std::size_t sbytes = 0;
    RankVector<std::size_t> rbytes, rdispls;
    if (int e = check_start(comm, request, call, &c)) return e;
    if (int e = check_allgatherv(*c, comm, sendbuf, sendcount, sendtype, recvbuf, recvcounts, displs,
                                 recvtype, call, &sbytes, &rbytes, &rdispls))
        return e;
    if (int e = check_types(comm, sendbuf != MPI_IN_PLACE, sendtype, true, recvtype, call)) return e;
    nbc::Builder b(*c, comm, call);
    nbc::allgatherv(b, sendbuf, sbytes, recvbuf, rbytes.data(), rdispls.data());
    *request = b.start();
    return MPI_SUCCESS;
}

int MPI_Ialltoall(const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf, int recvcount,
                  MPI_Datatype recvtype, MPI_Comm comm, MPI_Request* request) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Ialltoall";
    Comm* c = nullptr;
    std::size_t sbytes = 0, rbytes = 0;
    if (int e = check_start(comm, request, call, &c)) return e;
    if (int e = check_uniform_blocks(*c, comm, sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype,
                                     call, &sbytes, &rbytes))
        return e;
    if (int e = check_types(comm, sendbuf != MPI_IN_PLACE, sendtype, true, recvtype, call)) return e;
    nbc::Builder b(*c, comm, call);
    nbc::alltoall(b, sendbuf, sbytes, recvbuf, rbytes);
    *request = b.start();
    return MPI_SUCCESS;
}

int MPI_Ialltoallv(const void* sendbuf, const int sendcounts[], const int sdispls[], MPI_Datatype sendtype,
                   void* recvbuf, const int recvcounts[], const int rdispls[], MPI_Datatype recvtype,
                   MPI_Comm comm, MPI_Request* request) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Ialltoallv";
    Comm* c = nullptr;
    RankVector<std::size_t> rbytes, roffs, sbytes, soffs;
    if (int e = check_start(comm, request, call, &c)) return e;
    if (int e = check_alltoallv(*c, comm, sendbuf, sendcounts, sdispls, sendtype, recvbuf, recvcounts,
                                rdispls, recvtype, call, &sbytes, &soffs, &rbytes, &roffs))
        return e;
    if (int e = check_types(comm, sendbuf != MPI_IN_PLACE, sendtype, true, recvtype, call)) return e;
    nbc::Builder b(*c, comm, call);
    nbc::alltoallv(b, sendbuf, sbytes.data(), soffs.data(), recvbuf, rbytes.data(), roffs.data());
    *request = b.start();
    return MPI_SUCCESS;
}

}  // extern "C"
