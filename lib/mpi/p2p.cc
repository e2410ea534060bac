// p2p.cc — the point-to-point bindings: argument checks, then the engine in lib/p2p.hpp.
#include "lib/p2p.hpp"

#include <mpi.h>

#include <climits>

#include "checks.hpp"
#include "lib/datatype_derived.hpp"
#include "lib/datatype_pack.hpp"
#include "p2p_start.hpp"
#include "runtime/library_entry.hpp"
#include "runtime/rank_memory.hpp"
#include "runtime/scheduler.hpp"

using namespace mosix::lib;

namespace mosix::lib {

int check_send(const void* buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm,
               const char* call, Comm** c, const Datatype** dt) {
    if (int e = check_comm(comm, call, c)) return e;
    if (int e = check_buffer(**c, comm, buf, count, type, call, dt)) return e;
    if (int e = check_dest(**c, comm, dest, call)) return e;
    return check_send_tag(comm, tag, call);
}

// Checks and starts a send into `req`; `req` is complete on return for MPI_PROC_NULL.
int start_send(const void* buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm,
               bool synchronous, Request* req, const char* call) {
    Comm* c = nullptr;
    const Datatype* dt = nullptr;
    if (int e = check_send(buf, count, type, dest, tag, comm, call, &c, &dt)) return e;
    req->kind = RequestKind::send;
    req->comm = comm;
    if (dest == MPI_PROC_NULL) {
        req->complete = true;
        return MPI_SUCCESS;
    }
    int world = c->peers().world_of(dest);
    req->peer = world;
    req->tag = tag;
    Envelope env{c->context, c->rank, tag, static_cast<std::size_t>(count) * dt->size};
    const void* data = byte_offset(buf, dt->true_lb);
    if (!datatype_dense(*dt, count)) {  // sent from a packed copy, freed once the send is done
        req->packed = mosix::rt::rank_alloc(env.bytes ? env.bytes : 1);
        pack(buf, count, *dt, req->packed);
        data = req->packed;
    }
    send_start(req, world, env, data, synchronous);
    if (req->packed && req->complete) {
        mosix::rt::rank_free(req->packed);
        req->packed = nullptr;
    }
    return MPI_SUCCESS;
}

int check_recv(void* buf, int count, MPI_Datatype type, int source, int tag, MPI_Comm comm, const char* call,
               Comm** c, const Datatype** dt) {
    if (int e = check_comm(comm, call, c)) return e;
    if (int e = check_buffer(**c, comm, buf, count, type, call, dt)) return e;
    if (int e = check_source(**c, comm, source, call)) return e;
    return check_recv_tag(comm, tag, call);
}

int start_recv(void* buf, int count, MPI_Datatype type, int source, int tag, MPI_Comm comm, Request* req,
               const char* call) {
    Comm* c = nullptr;
    const Datatype* dt = nullptr;
    if (int e = check_recv(buf, count, type, source, tag, comm, call, &c, &dt)) return e;
    req->kind = RequestKind::recv;
    req->comm = comm;
    if (source == MPI_PROC_NULL) {
        req->status_source = MPI_PROC_NULL;
        req->status_tag = MPI_ANY_TAG;
        req->complete = true;
        return MPI_SUCCESS;
    }
    req->context = c->context;
    req->peer = source;
    req->tag = tag;
    req->bytes = static_cast<std::size_t>(count) * dt->size;
    req->buf = byte_offset(buf, dt->true_lb);
    if (!datatype_dense(*dt, count)) {  // lands packed; request_complete unpacks it
        req->packed = mosix::rt::rank_alloc(req->bytes ? req->bytes : 1);
        req->buf = req->packed;
        req->unpack_buf = buf;
        req->unpack_count = count;
        req->unpack_type = dt;
        datatype_retain(*dt);
    }
    recv_start(req);
    return MPI_SUCCESS;
}

}  // namespace mosix::lib

namespace {

int blocking_send(const void* buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm,
                  bool synchronous, const char* call) {
    Request req;
    req.owner = mosix::rt::this_rank();
    if (int e = start_send(buf, count, type, dest, tag, comm, synchronous, &req, call)) return e;
    wait_for(&req, call);
    if (req.packed) mosix::rt::rank_free(req.packed);
    return MPI_SUCCESS;
}

int nonblocking_send(const void* buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm,
                     bool synchronous, MPI_Request* request, const char* call) {
    if (int e = check_initialized(call)) return e;
    MOSIX_CHECK(request, comm, MPI_ERR_REQUEST, call, "request is NULL");
    Request* req = request_alloc(RequestKind::send);
    if (int e = start_send(buf, count, type, dest, tag, comm, synchronous, req, call)) {
        request_release(req);
        return e;
    }
    *request = req;
    return MPI_SUCCESS;
}

}  // namespace

namespace mosix::lib {
// Reports a receive that completed with an error (truncation) for `call`.
int report_recv_error(MPI_Comm comm, const Request* req, const char* call) {
    if (req->status_error == MPI_SUCCESS) return MPI_SUCCESS;
    return raise_error(comm, req->status_error, call,
                       "message truncated: %zu bytes arrived from rank %d (tag %d) for a %zu-byte "
                       "receive buffer",
                       req->arrived_bytes, req->status_source, req->status_tag, req->bytes);
}
}  // namespace mosix::lib

extern "C" {

int MPI_Send(const void* buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm) {
    MOSIX_LIBRARY_ENTRY();
    return blocking_send(buf, count, datatype, dest, tag, comm, false, "MPI_Send");
}

int MPI_Ssend(const void* buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm) {
    MOSIX_LIBRARY_ENTRY();
    return blocking_send(buf, count, datatype, dest, tag, comm, true, "MPI_Ssend");
}

int MPI_Isend(const void* buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm,
              MPI_Request* request) {
    MOSIX_LIBRARY_ENTRY();
    return nonblocking_send(buf, count, datatype, dest, tag, comm, false, request, "MPI_Isend");
}

int MPI_Rsend(const void* buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm) {
    MOSIX_LIBRARY_ENTRY();
    return blocking_send(buf, count, datatype, dest, tag, comm, false, "MPI_Rsend");
}

int MPI_Irsend(const void* buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm,
               MPI_Request* request) {
    MOSIX_LIBRARY_ENTRY();
    return nonblocking_send(buf, count, datatype, dest, tag, comm, false, request, "MPI_Irsend");
}

int MPI_Issend(const void* buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm,
               MPI_Request* request) {
    MOSIX_LIBRARY_ENTRY();
    return nonblocking_send(buf, count, datatype, dest, tag, comm, true, request, "MPI_Issend");
}

int MPI_Recv(void* buf, int count, MPI_Datatype datatype, int source, int tag, MPI_Comm comm,
             MPI_Status* status) {
    MOSIX_LIBRARY_ENTRY();
    Request req;
    req.owner = mosix::rt::this_rank();
    if (int e = start_recv(buf, count, datatype, source, tag, comm, &req, "MPI_Recv")) return e;
    wait_for(&req, "MPI_Recv");
    status_from(&req, status);
    return report_recv_error(comm, &req, "MPI_Recv");
}

int MPI_Irecv(void* buf, int count, MPI_Datatype datatype, int source, int tag, MPI_Comm comm,
              MPI_Request* request) {
    MOSIX_LIBRARY_ENTRY();
    if (int e = check_initialized("MPI_Irecv")) return e;
    MOSIX_CHECK(request, comm, MPI_ERR_REQUEST, "MPI_Irecv", "request is NULL");
    Request* req = request_alloc(RequestKind::recv);
    if (int e = start_recv(buf, count, datatype, source, tag, comm, req, "MPI_Irecv")) {
        request_release(req);
        return e;
    }
    *request = req;
    return MPI_SUCCESS;
}

int MPI_Sendrecv(const void* sendbuf, int sendcount, MPI_Datatype sendtype, int dest, int sendtag,
                 void* recvbuf, int recvcount, MPI_Datatype recvtype, int source, int recvtag, MPI_Comm comm,
                 MPI_Status* status) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Sendrecv";
    Request recv;
    recv.owner = mosix::rt::this_rank();
    if (int e = start_recv(recvbuf, recvcount, recvtype, source, recvtag, comm, &recv, call)) return e;
    Request send;
    send.owner = recv.owner;
    if (int e = start_send(sendbuf, sendcount, sendtype, dest, sendtag, comm, false, &send, call)) {
        if (!recv.complete) cancel_recv(&recv);
        return e;
    }
    wait_for(&send, call);
    if (send.packed) mosix::rt::rank_free(send.packed);
    wait_for(&recv, call);
    status_from(&recv, status);
    return report_recv_error(comm, &recv, call);
}

int MPI_Sendrecv_replace(void* buf, int count, MPI_Datatype datatype, int dest, int sendtag, int source,
                         int recvtag, MPI_Comm comm, MPI_Status* status) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Sendrecv_replace";
    Comm* c = nullptr;
    const Datatype* dt = nullptr;
    if (int e = check_comm(comm, call, &c)) return e;
    if (int e = check_buffer(*c, comm, buf, count, datatype, call, &dt)) return e;
    // The outgoing message must leave the buffer before the incoming one lands in it: it goes from
    // a packed copy in rank memory (the rank may migrate while it waits).
    const std::size_t bytes = static_cast<std::size_t>(count) * dt->size;
    const bool dense = datatype_dense(*dt, count);
    MOSIX_CHECK(dense || bytes <= INT_MAX, comm, MPI_ERR_COUNT, call,
                "%d elements of this datatype are %zu bytes, more than one call can replace", count, bytes);
    void* copy = mosix::rt::rank_alloc(bytes ? bytes : 1);
    pack(buf, count, *dt, copy);
    int e = dense ? MPI_Sendrecv(byte_offset(copy, -dt->true_lb), count, datatype, dest, sendtag, buf, count,
                                 datatype, source, recvtag, comm, status)
                  : MPI_Sendrecv(copy, static_cast<int>(bytes), MPI_BYTE, dest, sendtag, buf, count, datatype,
                                 source, recvtag, comm, status);
    mosix::rt::rank_free(copy);
    return e;
}

int MPI_Probe(int source, int tag, MPI_Comm comm, MPI_Status* status) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Probe";
    Comm* c = nullptr;
    if (int e = check_comm(comm, call, &c)) return e;
    if (int e = check_source(*c, comm, source, call)) return e;
    if (int e = check_recv_tag(comm, tag, call)) return e;
    if (source == MPI_PROC_NULL) {
        if (status != MPI_STATUS_IGNORE) *status = MPI_Status{MPI_PROC_NULL, MPI_ANY_TAG, MPI_SUCCESS, 0, 0};
        return MPI_SUCCESS;
    }
    Envelope env;
    probe(c->context, source, tag, true, &env);
    if (status != MPI_STATUS_IGNORE)
        *status = MPI_Status{env.source, env.tag, MPI_SUCCESS, 0, static_cast<long long>(env.bytes)};
    return MPI_SUCCESS;
}

int MPI_Iprobe(int source, int tag, MPI_Comm comm, int* flag, MPI_Status* status) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Iprobe";
    Comm* c = nullptr;
    if (int e = check_comm(comm, call, &c)) return e;
    if (int e = check_source(*c, comm, source, call)) return e;
    if (int e = check_recv_tag(comm, tag, call)) return e;
    MOSIX_CHECK(flag, comm, MPI_ERR_ARG, call, "flag is NULL");
    if (source == MPI_PROC_NULL) {
        *flag = 1;
        if (status != MPI_STATUS_IGNORE) *status = MPI_Status{MPI_PROC_NULL, MPI_ANY_TAG, MPI_SUCCESS, 0, 0};
        return MPI_SUCCESS;
    }
    Envelope env;
    *flag = probe(c->context, source, tag, false, &env);
    if (!*flag)
        mosix::rt::yield();  // a polling loop must let the sender run
    else if (status != MPI_STATUS_IGNORE)
        *status = MPI_Status{env.source, env.tag, MPI_SUCCESS, 0, static_cast<long long>(env.bytes)};
    return MPI_SUCCESS;
}

int MPI_Cancel(MPI_Request* request) {
    MOSIX_LIBRARY_ENTRY();
    if (int e = check_initialized("MPI_Cancel")) return e;
    MOSIX_CHECK(request && request_valid(*request), MPI_COMM_WORLD, MPI_ERR_REQUEST, "MPI_Cancel",
                "request is not an active request");
    Request* r = *request;
    MOSIX_CHECK(r->kind != RequestKind::coll, r->comm, MPI_ERR_REQUEST, "MPI_Cancel",
                "the request is a nonblocking collective's (%s), which cannot be cancelled", r->coll_call);
    // Sends are never cancelled (the standard allows cancel to fail): they complete normally.
    if (r->kind == RequestKind::recv) cancel_recv(r);
    return MPI_SUCCESS;
}

int MPI_Test_cancelled(const MPI_Status* status, int* flag) {
    MOSIX_LIBRARY_ENTRY();
    MOSIX_CHECK(status && status != MPI_STATUS_IGNORE && flag, MPI_COMM_WORLD, MPI_ERR_ARG,
                "MPI_Test_cancelled", "status or flag is NULL");
    *flag = status->mosix_cancelled;
    return MPI_SUCCESS;
}

}  // extern "C"
