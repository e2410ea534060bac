// nonblocking_coll.cc — the nonblocking collective bindings: the blocking calls' argument checks
// (coll_checks.hpp), then the calling rank's schedule (lib/nbc) is built and started, and its
// request returned. Nothing here waits.
#include <mpi.h>

#include "checks.hpp"
#include "coll_checks.hpp"
#include "coll_stage.hpp"
#include "lib/nbc/algorithms.hpp"
#include "runtime/library_entry.hpp"

using namespace mosix::lib;

namespace {

// The schedules address the local group only: no intercommunicators.
int check_start(MPI_Comm comm, MPI_Request* request, const char* call, Comm** c) {
    if (int e = check_intracomm(comm, call, c, ": nonblocking collectives take intracommunicators only"))
        return e;
    MOSIX_CHECK(request, comm, MPI_ERR_REQUEST, call, "request is NULL");
    return MPI_SUCCESS;
}

// Derived datatypes, as in the blocking bindings (coll_stage.hpp): the schedule moves packed
// bytes. Its stages live as long as it does; what it receives into a non-dense type is unpacked
// when its last round is done. Dense types (every predefined one) are used in place.
const void* reads(nbc::Builder& b, const void* buf, int count, MPI_Datatype type, bool significant = true) {
    if (!significant || buf == MPI_IN_PLACE) return buf;
    return b.keep<SendStage>(buf, count, type).data();
}

// A receive side, unpacked at the end (its elements [first, first + n), or all with n < 0).
struct Unpack {
    RecvStage* stage;
    int first, n;
};

RecvStage& writes(nbc::Builder& b, void* buf, int count, MPI_Datatype type, int first = 0, int n = -1) {
    RecvStage& r = b.keep<RecvStage>(buf, count, type);
    Unpack& u = b.keep<Unpack>(Unpack{&r, first, n});
    b.at_completion(
        [](void* p) {
            auto* u = static_cast<Unpack*>(p);
            if (u->n < 0)
                u->stage->finish();
            else
                u->stage->finish(u->first, u->n);
        },
        &u);
    return r;
}

// A v-collective's side (significant on this rank); `unpack` if the schedule writes it.
struct VUnpack {
    VStage* stage;
    int p;
};

VStage& v_side(nbc::Builder& b, const void* buf, const int* counts, const int* displs, MPI_Datatype type,
               const std::size_t* layout_offsets, bool unpack) {
    b.hold(*datatype_get(type));  // VStage keeps no reference of its own
    VStage& v = b.keep<VStage>(buf, b.size(), counts, displs, type, layout_offsets);
    if (unpack) {
        VUnpack& u = b.keep<VUnpack>(VUnpack{&v, b.size()});
        b.at_completion(
            [](void* p) {
                auto* u = static_cast<VUnpack*>(p);
                u->stage->unpack_all(u->p);
            },
            &u);
    }
    return v;
}

// Reduce_scatter and its block form: the whole vector in, this rank's part out (in place, recvbuf
// holds the whole input and gets the part at its start).
int start_reduce_scatter(const Comm& c, MPI_Comm comm, const void* sendbuf, void* recvbuf, const int* counts,
                         int total, const Datatype& dt, MPI_Datatype datatype, const OpRef& ref,
                         const char* call, MPI_Request* request) {
    const int mine = counts[c.rank];
    const bool inplace = sendbuf == MPI_IN_PLACE;
    nbc::Builder b(c, comm, call);
    b.reduction(ref, datatype);
    RecvStage& r = writes(b, recvbuf, inplace ? total : mine, datatype, 0, mine);
    if (inplace) r.pack();
    nbc::reduce_scatter(b, reads(b, sendbuf, total, datatype), r.data(), counts, dt.size);
    *request = b.start();
    return MPI_SUCCESS;
}

int start_scan(const void* sendbuf, void* recvbuf, int count, MPI_Datatype datatype, MPI_Op op, MPI_Comm comm,
               MPI_Request* request, bool inclusive, const char* call) {
    Comm* c = nullptr;
    const Datatype* dt = nullptr;
    OpRef ref;
    if (int e = check_start(comm, request, call, &c)) return e;
    if (int e =
            check_reduction(*c, comm, sendbuf, recvbuf, true, count, count, datatype, op, call, &dt, &ref))
        return e;
    nbc::Builder b(*c, comm, call);
    b.reduction(ref, datatype);
    // An exclusive scan leaves rank 0's recvbuf as it was.
    RecvStage& r = writes(b, recvbuf, count, datatype, 0, inclusive || c->rank > 0 ? count : 0);
    if (sendbuf == MPI_IN_PLACE) r.pack();
    nbc::scan(b, reads(b, sendbuf, count, datatype), r.data(), count, dt->size, inclusive);
    *request = b.start();
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
    nbc::Builder b(*c, comm, call);
    void* data = c->rank == root ? const_cast<void*>(reads(b, buffer, count, datatype))
                                 : writes(b, buffer, count, datatype).data();
    nbc::bcast(b, data, bytes_of(count, *dt), root);
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
    const bool at_root = c->rank == root;
    if (int e =
            check_reduction(*c, comm, sendbuf, recvbuf, at_root, count, count, datatype, op, call, &dt, &ref))
        return e;
    nbc::Builder b(*c, comm, call);
    b.reduction(ref, datatype);
    void* rdata = recvbuf;
    if (at_root) {
        RecvStage& r = writes(b, recvbuf, count, datatype);
        if (sendbuf == MPI_IN_PLACE) r.pack();
        rdata = r.data();
    }
    nbc::reduce(b, reads(b, sendbuf, count, datatype), rdata, count, dt->size, root);
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
            check_reduction(*c, comm, sendbuf, recvbuf, true, count, count, datatype, op, call, &dt, &ref))
        return e;
    nbc::Builder b(*c, comm, call);
    b.reduction(ref, datatype);
    RecvStage& r = writes(b, recvbuf, count, datatype);
    if (sendbuf == MPI_IN_PLACE) r.pack();
    nbc::allreduce(b, reads(b, sendbuf, count, datatype), r.data(), count, dt->size);
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
    if (int e = check_reduction(*c, comm, sendbuf, recvbuf, true, total,
                                sendbuf == MPI_IN_PLACE ? total : recvcounts[c->rank], datatype, op, call,
                                &dt, &ref))
        return e;
    return start_reduce_scatter(*c, comm, sendbuf, recvbuf, recvcounts, total, *dt, datatype, ref, call,
                                request);
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
    if (int e = check_reduction(*c, comm, sendbuf, recvbuf, true, total,
                                sendbuf == MPI_IN_PLACE ? total : recvcount, datatype, op, call, &dt, &ref))
        return e;
    RankVector<int> counts(static_cast<std::size_t>(c->size()), recvcount);
    return start_reduce_scatter(*c, comm, sendbuf, recvbuf, counts.data(), total, *dt, datatype, ref, call,
                                request);
}

int MPI_Iscan(const void* sendbuf, void* recvbuf, int count, MPI_Datatype datatype, MPI_Op op, MPI_Comm comm,
              MPI_Request* request) {
    MOSIX_LIBRARY_ENTRY();
    return start_scan(sendbuf, recvbuf, count, datatype, op, comm, request, true, "MPI_Iscan");
}

int MPI_Iexscan(const void* sendbuf, void* recvbuf, int count, MPI_Datatype datatype, MPI_Op op,
                MPI_Comm comm, MPI_Request* request) {
    MOSIX_LIBRARY_ENTRY();
    return start_scan(sendbuf, recvbuf, count, datatype, op, comm, request, false, "MPI_Iexscan");
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
    nbc::Builder b(*c, comm, call);
    void* rdata = recvbuf;
    if (c->rank == root) {
        RecvStage& r = writes(b, recvbuf, recvcount * c->size(), recvtype);
        if (sendbuf == MPI_IN_PLACE) r.pack(root * recvcount, recvcount);
        rdata = r.data();
    }
    nbc::gather(b, reads(b, sendbuf, sendcount, sendtype), sbytes, rdata, rbytes, root);
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
    nbc::Builder b(*c, comm, call);
    void* rdata = recvbuf;
    const std::size_t* roffs = rdispls.data();
    if (c->rank == root) {
        VStage& r = v_side(b, recvbuf, recvcounts, displs, recvtype, rdispls.data(), true);
        if (sendbuf == MPI_IN_PLACE) r.pack(root);
        rdata = r.data();
        roffs = r.offsets();
    }
    nbc::gatherv(b, reads(b, sendbuf, sendcount, sendtype), sbytes, rdata, rbytes.data(), roffs, root);
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
    nbc::Builder b(*c, comm, call);
    const void* sdata = reads(b, sendbuf, sendcount * c->size(), sendtype, c->rank == root);
    void* rdata = recvbuf == MPI_IN_PLACE ? recvbuf : writes(b, recvbuf, recvcount, recvtype).data();
    nbc::scatter(b, sdata, sbytes, rdata, rbytes, root);
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
    nbc::Builder b(*c, comm, call);
    const void* sdata = sendbuf;
    const std::size_t* soffs = sdispls.data();
    if (c->rank == root) {
        VStage& s = v_side(b, sendbuf, sendcounts, displs, sendtype, sdispls.data(), false);
        s.pack_all(c->size());
        sdata = s.data();
        soffs = s.offsets();
    }
    void* rdata = recvbuf == MPI_IN_PLACE ? recvbuf : writes(b, recvbuf, recvcount, recvtype).data();
    nbc::scatterv(b, sdata, sbytes.data(), soffs, rdata, rbytes, root);
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
    nbc::Builder b(*c, comm, call);
    RecvStage& r = writes(b, recvbuf, recvcount * c->size(), recvtype);
    if (sendbuf == MPI_IN_PLACE) r.pack(c->rank * recvcount, recvcount);
    nbc::allgather(b, reads(b, sendbuf, sendcount, sendtype), sbytes, r.data(), rbytes);
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
    nbc::Builder b(*c, comm, call);
    VStage& r = v_side(b, recvbuf, recvcounts, displs, recvtype, rdispls.data(), true);
    if (sendbuf == MPI_IN_PLACE) r.pack(c->rank);
    nbc::allgatherv(b, reads(b, sendbuf, sendcount, sendtype), sbytes, r.data(), rbytes.data(), r.offsets());
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
    nbc::Builder b(*c, comm, call);
    RecvStage& r = writes(b, recvbuf, recvcount * c->size(), recvtype);
    if (sendbuf == MPI_IN_PLACE) r.pack();
    nbc::alltoall(b, reads(b, sendbuf, sendcount * c->size(), sendtype), sbytes, r.data(), rbytes);
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
    const bool inplace = sendbuf == MPI_IN_PLACE;
    nbc::Builder b(*c, comm, call);
    VStage& r = v_side(b, recvbuf, recvcounts, rdispls, recvtype, roffs.data(), true);
    if (inplace) r.pack_all(c->size());
    const void* sdata = sendbuf;
    const std::size_t* so = soffs.data();
    if (!inplace) {
        VStage& s = v_side(b, sendbuf, sendcounts, sdispls, sendtype, soffs.data(), false);
        s.pack_all(c->size());
        sdata = s.data();
        so = s.offsets();
    }
    nbc::alltoallv(b, sdata, sbytes.data(), so, r.data(), rbytes.data(), r.offsets());
    *request = b.start();
    return MPI_SUCCESS;
}

}  // extern "C"
