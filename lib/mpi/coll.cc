// coll.cc — the collective bindings: argument checks (coll_checks.hpp, shared with the
// nonblocking collectives), element counts and displacements to bytes, then the algorithms in
// lib/coll.
#include "lib/coll/coll.hpp"

#include <mpi.h>

#include <climits>
#include <vector>

#include "checks.hpp"
#include "coll_checks.hpp"
#include "coll_stage.hpp"
#include "lib/checkpoint.hpp"
#include "lib/intercomm.hpp"
#include "op_check.hpp"
#include "runtime/library_entry.hpp"
#include "runtime/rank_memory.hpp"

using namespace mosix::lib;

// MPI_Bcast on an intercommunicator: the root passes MPI_ROOT, its group mates MPI_PROC_NULL
// (their buffers are not used), the other group the root's rank in it.
int inter_bcast(void* buffer, int count, MPI_Datatype datatype, int root, MPI_Comm comm, const Comm& c) {
    const char* call = "MPI_Bcast";
    const int remote = c.remote_group->size;
    MOSIX_CHECK(root == MPI_ROOT || root == MPI_PROC_NULL || (root >= 0 && root < remote), comm, MPI_ERR_ROOT,
                call, "root %d is not MPI_ROOT, MPI_PROC_NULL or a rank of the remote group (0..%d)", root,
                remote - 1);
    if (root == MPI_PROC_NULL) return after_collective(comm);
    const Datatype* dt = nullptr;
    if (int e = check_buffer(c, comm, buffer, count, datatype, call, &dt)) return e;
    if (int e = check_not_in_place(comm, buffer, "buffer", call)) return e;
    coll::inter_bcast(buffer, bytes_of(count, *dt), root, c);
    return after_collective(comm);
}

extern "C" {

int MPI_Barrier(MPI_Comm comm) {
    MOSIX_LIBRARY_ENTRY();
    Comm* c = nullptr;
    if (int e = check_comm(comm, "MPI_Barrier", &c)) return e;
    if (c->is_inter())
        coll::inter_barrier(*c);
    else
        coll::barrier(*c);
    return after_collective(comm);
}

int MPI_Bcast(void* buffer, int count, MPI_Datatype datatype, int root, MPI_Comm comm) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Bcast";
    Comm* c = nullptr;
    const Datatype* dt = nullptr;
    if (int e = check_comm(comm, call, &c)) return e;
    if (c->is_inter()) return inter_bcast(buffer, count, datatype, root, comm, *c);
    if (int e = check_buffer(*c, comm, buffer, count, datatype, call, &dt)) return e;
    if (int e = check_not_in_place(comm, buffer, "buffer", call)) return e;
    if (int e = check_root(*c, comm, root, call)) return e;
    RecvStage b(buffer, count, datatype);
    if (c->rank == root) b.pack();
    coll::bcast(b.data(), bytes_of(count, *dt), root, *c);
    if (c->rank != root) b.finish();
    return after_collective(comm);
}

int MPI_Reduce(const void* sendbuf, void* recvbuf, int count, MPI_Datatype datatype, MPI_Op op, int root,
               MPI_Comm comm) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Reduce";
    Comm* c = nullptr;
    const Datatype* dt = nullptr;
    OpRef ref;
    if (int e = check_intracomm(comm, call, &c)) return e;
    if (int e = check_root(*c, comm, root, call)) return e;
    if (int e = check_reduction(*c, comm, sendbuf, recvbuf, c->rank == root, count, count, datatype, op, call,
                                &dt, &ref))
        return e;
    RecvStage r(recvbuf, count, datatype, c->rank == root);
    if (c->rank == root && sendbuf == MPI_IN_PLACE) r.pack();
    SendStage s(sendbuf, count, datatype);
    coll::reduce(s.data(), r.data(), count, *dt, datatype, ref, root, *c);
    if (c->rank == root) r.finish();
    return after_collective(comm);
}

int MPI_Allreduce(const void* sendbuf, void* recvbuf, int count, MPI_Datatype datatype, MPI_Op op,
                  MPI_Comm comm) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Allreduce";
    Comm* c = nullptr;
    const Datatype* dt = nullptr;
    OpRef ref;
    if (int e = check_comm(comm, call, &c)) return e;
    MOSIX_CHECK(!c->is_inter() || sendbuf != MPI_IN_PLACE, comm, MPI_ERR_BUFFER, call,
                "MPI_IN_PLACE is not allowed on an intercommunicator");
    if (int e =
            check_reduction(*c, comm, sendbuf, recvbuf, true, count, count, datatype, op, call, &dt, &ref))
        return e;
    RecvStage r(recvbuf, count, datatype);
    if (sendbuf == MPI_IN_PLACE) r.pack();
    SendStage s(sendbuf, count, datatype);
    if (c->is_inter())
        coll::inter_allreduce(s.data(), r.data(), count, *dt, datatype, ref, *c);
    else
        coll::allreduce(s.data(), r.data(), count, *dt, datatype, ref, *c);
    r.finish();
    return after_collective(comm);
}

int MPI_Scan(const void* sendbuf, void* recvbuf, int count, MPI_Datatype datatype, MPI_Op op, MPI_Comm comm) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Scan";
    Comm* c = nullptr;
    const Datatype* dt = nullptr;
    OpRef ref;
    if (int e = check_intracomm(comm, call, &c)) return e;
    if (int e =
            check_reduction(*c, comm, sendbuf, recvbuf, true, count, count, datatype, op, call, &dt, &ref))
        return e;
    RecvStage r(recvbuf, count, datatype);
    if (sendbuf == MPI_IN_PLACE) r.pack();
    SendStage s(sendbuf, count, datatype);
    coll::scan(s.data(), r.data(), count, *dt, datatype, ref, *c);
    r.finish();
    return after_collective(comm);
}

int MPI_Exscan(const void* sendbuf, void* recvbuf, int count, MPI_Datatype datatype, MPI_Op op,
               MPI_Comm comm) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Exscan";
    Comm* c = nullptr;
    const Datatype* dt = nullptr;
    OpRef ref;
    if (int e = check_intracomm(comm, call, &c)) return e;
    if (int e =
            check_reduction(*c, comm, sendbuf, recvbuf, true, count, count, datatype, op, call, &dt, &ref))
        return e;
    RecvStage r(recvbuf, count, datatype);
    if (sendbuf == MPI_IN_PLACE) r.pack();
    SendStage s(sendbuf, count, datatype);
    coll::exscan(s.data(), r.data(), count, *dt, datatype, ref, *c);
    if (c->rank > 0) r.finish();  // rank 0's recvbuf is undefined: left as it was
    return after_collective(comm);
}

int MPI_Reduce_scatter(const void* sendbuf, void* recvbuf, const int recvcounts[], MPI_Datatype datatype,
                       MPI_Op op, MPI_Comm comm) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Reduce_scatter";
    Comm* c = nullptr;
    const Datatype* dt = nullptr;
    OpRef ref;
    if (int e = check_intracomm(comm, call, &c)) return e;
    MOSIX_CHECK(recvcounts, comm, MPI_ERR_ARG, call, "recvcounts is NULL");
    long long total = 0;
    for (int i = 0; i < c->size(); ++i) {
        MOSIX_CHECK(recvcounts[i] >= 0, comm, MPI_ERR_COUNT, call, "recvcounts[%d] is %d (negative)", i,
                    recvcounts[i]);
        total += recvcounts[i];
    }
    MOSIX_CHECK(total <= INT_MAX, comm, MPI_ERR_COUNT, call,
                "recvcounts add up to %lld elements, more than one call can reduce", total);
    int mine = recvcounts[c->rank];
    // In place, recvbuf holds the whole input.
    if (int e = check_reduction(*c, comm, sendbuf, recvbuf, true, static_cast<int>(total),
                                sendbuf == MPI_IN_PLACE ? static_cast<int>(total) : mine, datatype, op, call,
                                &dt, &ref))
        return e;
    const bool inplace = sendbuf == MPI_IN_PLACE;
    RecvStage r(recvbuf, inplace ? static_cast<int>(total) : mine, datatype);
    if (inplace) r.pack();
    SendStage s(sendbuf, static_cast<int>(total), datatype);
    coll::reduce_scatter(s.data(), r.data(), recvcounts, *dt, datatype, ref, *c);
    r.finish(0, mine);
    return after_collective(comm);
}

int MPI_Reduce_scatter_block(const void* sendbuf, void* recvbuf, int recvcount, MPI_Datatype datatype,
                             MPI_Op op, MPI_Comm comm) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Reduce_scatter_block";
    Comm* c = nullptr;
    const Datatype* dt = nullptr;
    OpRef ref;
    if (int e = check_intracomm(comm, call, &c)) return e;
    MOSIX_CHECK(recvcount >= 0, comm, MPI_ERR_COUNT, call, "recvcount %d is negative", recvcount);
    long long total = static_cast<long long>(recvcount) * c->size();
    MOSIX_CHECK(total <= INT_MAX, comm, MPI_ERR_COUNT, call,
                "recvcount %d times %d ranks is more than one call can reduce", recvcount, c->size());
    if (int e = check_reduction(*c, comm, sendbuf, recvbuf, true, static_cast<int>(total),
                                sendbuf == MPI_IN_PLACE ? static_cast<int>(total) : recvcount, datatype, op,
                                call, &dt, &ref))
        return e;
    RankVector<int> counts(static_cast<std::size_t>(c->size()), recvcount);
    const bool inplace = sendbuf == MPI_IN_PLACE;
    RecvStage r(recvbuf, inplace ? static_cast<int>(total) : recvcount, datatype);
    if (inplace) r.pack();
    SendStage s(sendbuf, static_cast<int>(total), datatype);
    coll::reduce_scatter(s.data(), r.data(), counts.data(), *dt, datatype, ref, *c);
    r.finish(0, recvcount);
    return after_collective(comm);
}

int MPI_Gather(const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf, int recvcount,
               MPI_Datatype recvtype, int root, MPI_Comm comm) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Gather";
    Comm* c = nullptr;
    std::size_t sbytes = 0, rbytes = 0;
    if (int e = check_intracomm(comm, call, &c)) return e;
    if (int e =
            check_rooted(*c, comm, root, RootedSide{sendbuf, sendcount, sendtype},
                         RootedSide{recvbuf, recvcount, recvtype}, true, "recvbuf", call, &sbytes, &rbytes))
        return e;
    const bool at_root = c->rank == root;
    RecvStage r(recvbuf, recvcount * c->size(), recvtype, at_root);
    if (at_root && sendbuf == MPI_IN_PLACE) r.pack(root * recvcount, recvcount);
    SendStage s(sendbuf, sendcount, sendtype);
    coll::gather(s.data(), sbytes, r.data(), rbytes, root, *c);
    if (at_root) r.finish();
    return after_collective(comm);
}

int MPI_Gatherv(const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf,
                const int recvcounts[], const int displs[], MPI_Datatype recvtype, int root, MPI_Comm comm) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Gatherv";
    Comm* c = nullptr;
    std::size_t sbytes = 0;
    RankVector<std::size_t> rbytes, rdispls;
    if (int e = check_intracomm(comm, call, &c)) return e;
    if (int e = check_rooted_v(*c, comm, root, RootedSide{sendbuf, sendcount, sendtype},
                               RootedLayout{recvbuf, recvcounts, displs, recvtype}, true, "recvbuf",
                               "recvcounts", call, &sbytes, &rbytes, &rdispls))
        return e;
    const bool at_root = c->rank == root;
    VStage r(recvbuf, c->size(), recvcounts, displs, recvtype, rdispls.data(), at_root);
    if (at_root && sendbuf == MPI_IN_PLACE) r.pack(root);
    SendStage s(sendbuf, sendcount, sendtype);
    coll::gatherv(s.data(), sbytes, r.data(), rbytes.data(), r.offsets(), root, *c);
    if (at_root) r.unpack_all(c->size());
    return after_collective(comm);
}

int MPI_Scatter(const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf, int recvcount,
                MPI_Datatype recvtype, int root, MPI_Comm comm) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Scatter";
    Comm* c = nullptr;
    std::size_t sbytes = 0, rbytes = 0;
    if (int e = check_intracomm(comm, call, &c)) return e;
    if (int e =
            check_rooted(*c, comm, root, RootedSide{recvbuf, recvcount, recvtype},
                         RootedSide{sendbuf, sendcount, sendtype}, false, "sendbuf", call, &rbytes, &sbytes))
        return e;
    SendStage s(sendbuf, sendcount * c->size(), sendtype, c->rank == root);
    RecvStage r(recvbuf, recvcount, recvtype, recvbuf != MPI_IN_PLACE);
    coll::scatter(s.data(), sbytes, r.data(), rbytes, root, *c);
    r.finish();
    return after_collective(comm);
}

int MPI_Scatterv(const void* sendbuf, const int sendcounts[], const int displs[], MPI_Datatype sendtype,
                 void* recvbuf, int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Scatterv";
    Comm* c = nullptr;
    std::size_t rbytes = 0;
    RankVector<std::size_t> sbytes, sdispls;
    if (int e = check_intracomm(comm, call, &c)) return e;
    if (int e = check_rooted_v(*c, comm, root, RootedSide{recvbuf, recvcount, recvtype},
                               RootedLayout{sendbuf, sendcounts, displs, sendtype}, false, "sendbuf",
                               "sendcounts", call, &rbytes, &sbytes, &sdispls))
        return e;
    const bool at_root = c->rank == root;
    VStage s(sendbuf, c->size(), sendcounts, displs, sendtype, sdispls.data(), at_root);
    if (at_root) s.pack_all(c->size());
    RecvStage r(recvbuf, recvcount, recvtype, recvbuf != MPI_IN_PLACE);
    coll::scatterv(s.data(), sbytes.data(), s.offsets(), r.data(), rbytes, root, *c);
    r.finish();
    return after_collective(comm);
}

int MPI_Allgather(const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf, int recvcount,
                  MPI_Datatype recvtype, MPI_Comm comm) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Allgather";
    Comm* c = nullptr;
    std::size_t sbytes = 0, rbytes = 0;
    if (int e = check_intracomm(comm, call, &c)) return e;
    if (int e = check_uniform_blocks(*c, comm, sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype,
                                     call, &sbytes, &rbytes))
        return e;
    RecvStage r(recvbuf, recvcount * c->size(), recvtype);
    if (sendbuf == MPI_IN_PLACE) r.pack(c->rank * recvcount, recvcount);
    SendStage s(sendbuf, sendcount, sendtype);
    coll::allgather(s.data(), sbytes, r.data(), rbytes, *c);
    r.finish();
    return after_collective(comm);
}

int MPI_Allgatherv(const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf,
                   const int recvcounts[], const int displs[], MPI_Datatype recvtype, MPI_Comm comm) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Allgatherv";
    Comm* c = nullptr;
    const Datatype* rdt = nullptr;
    if (int e = check_intracomm(comm, call, &c)) return e;
    if (int e = check_type(comm, recvtype, call, &rdt)) return e;
    if (int e = check_not_in_place(comm, recvbuf, "recvbuf", call)) return e;
    RankVector<std::size_t> rbytes, rdispls;
    if (int e = check_layout(comm, c->size(), recvbuf, recvcounts, displs, *rdt, "recvcounts", "displs", call,
                             &rbytes, &rdispls))
        return e;
    std::size_t sbytes = 0;
    if (int e = check_send_block(*c, comm, sendbuf, sendcount, sendtype,
                                 rbytes[static_cast<std::size_t>(c->rank)], call, &sbytes))
        return e;
    VStage r(recvbuf, c->size(), recvcounts, displs, recvtype, rdispls.data());
    if (sendbuf == MPI_IN_PLACE) r.pack(c->rank);
    SendStage s(sendbuf, sendcount, sendtype);
    coll::allgatherv(s.data(), sbytes, r.data(), rbytes.data(), r.offsets(), *c);
    r.unpack_all(c->size());
    return after_collective(comm);
}

int MPI_Alltoall(const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf, int recvcount,
                 MPI_Datatype recvtype, MPI_Comm comm) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Alltoall";
    Comm* c = nullptr;
    std::size_t sbytes = 0, rbytes = 0;
    if (int e = check_intracomm(comm, call, &c)) return e;
    if (int e = check_uniform_blocks(*c, comm, sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype,
                                     call, &sbytes, &rbytes))
        return e;
    RecvStage r(recvbuf, recvcount * c->size(), recvtype);
    if (sendbuf == MPI_IN_PLACE) r.pack();
    SendStage s(sendbuf, sendcount * c->size(), sendtype);
    coll::alltoall(s.data(), sbytes, r.data(), rbytes, *c);
    r.finish();
    return after_collective(comm);
}

int MPI_Alltoallv(const void* sendbuf, const int sendcounts[], const int sdispls[], MPI_Datatype sendtype,
                  void* recvbuf, const int recvcounts[], const int rdispls[], MPI_Datatype recvtype,
                  MPI_Comm comm) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Alltoallv";
    Comm* c = nullptr;
    const Datatype *sdt = nullptr, *rdt = nullptr;
    if (int e = check_intracomm(comm, call, &c)) return e;
    const int p = c->size();
    const auto me = static_cast<std::size_t>(c->rank);
    if (int e = check_type(comm, recvtype, call, &rdt)) return e;
    if (int e = check_not_in_place(comm, recvbuf, "recvbuf", call)) return e;
    RankVector<std::size_t> rbytes, roffs, sbytes, soffs;
    if (int e = check_layout(comm, p, recvbuf, recvcounts, rdispls, *rdt, "recvcounts", "rdispls", call,
                             &rbytes, &roffs))
        return e;
    if (sendbuf != MPI_IN_PLACE) {
        if (int e = check_type(comm, sendtype, call, &sdt)) return e;
        if (int e = check_layout(comm, p, sendbuf, sendcounts, sdispls, *sdt, "sendcounts", "sdispls", call,
                                 &sbytes, &soffs))
            return e;
        if (int e = check_same_size(comm, sbytes[me], rbytes[me], call)) return e;
    }
    VStage r(recvbuf, p, recvcounts, rdispls, recvtype, roffs.data());
    if (sendbuf == MPI_IN_PLACE) r.pack_all(p);
    VStage s(sendbuf, p, sendcounts, sdispls, sendtype, soffs.data(), sendbuf != MPI_IN_PLACE);
    if (sendbuf != MPI_IN_PLACE) s.pack_all(p);
    coll::alltoallv(s.data(), sbytes.data(), s.offsets(), r.data(), rbytes.data(), r.offsets(), *c);
    r.unpack_all(p);
    return after_collective(comm);
}

}  // extern "C"
