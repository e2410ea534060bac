// persistent.cc — persistent requests: MPI_Send_init, Ssend_init, Bsend_init, Rsend_init,
// Recv_init, and MPI_Start/Startall.
//
// A persistent request is a pooled request that keeps its arguments (in the rank's memory, so it
// moves with the rank) and is started again and again; each start runs the same code as the
// matching nonblocking call, into the request itself. Completion (Wait/Test, wait.cc) leaves it
// allocated and inactive; MPI_Request_free releases it.
#include <mpi.h>

#include "checks.hpp"
#include "lib/datatype_derived.hpp"
#include "p2p_start.hpp"
#include "runtime/library_entry.hpp"
#include "runtime/rank_memory.hpp"

using namespace mosix::lib;

namespace {

enum Mode : std::uint8_t { kSend, kSsend, kBsend, kRsend, kRecv };

// Checks the arguments now, as the nonblocking call would, so a bad one is reported by the _init
// call rather than by a later MPI_Start.
int make(Mode mode, void* buf, int count, MPI_Datatype type, int peer, int tag, MPI_Comm comm,
         MPI_Request* request, const char* call) {
    if (int e = check_initialized(call)) return e;
    MOSIX_CHECK(request, comm, MPI_ERR_REQUEST, call, "request is NULL");
    Comm* c = nullptr;
    const Datatype* dt = nullptr;
    if (int e = mode == kRecv ? check_recv(buf, count, type, peer, tag, comm, call, &c, &dt)
                              : check_send(buf, count, type, peer, tag, comm, call, &c, &dt))
        return e;
    Request* r = request_alloc(mode == kRecv ? RequestKind::recv : RequestKind::send);
    r->comm = comm;
    r->persistent = true;
    r->op = PersistentOp{mode, buf, count, type, peer, tag, comm};
    // Starts resolve the type by its handle: hold one, so MPI_Type_free cannot invalidate it.
    if (dt->derived) {
        datatype_retain_handle(*dt);
        r->persistent_type = dt;
    }
    *request = r;
    return MPI_SUCCESS;
}

// Starts one inactive persistent request, reusing it for the operation.
int start(Request* r, const char* call) {
    MOSIX_CHECK(request_valid(r) && r->persistent, MPI_COMM_WORLD, MPI_ERR_REQUEST, call,
                "request is not a persistent request (MPI_Send_init, MPI_Recv_init, ...)");
    MOSIX_CHECK(!r->active, r->comm, MPI_ERR_REQUEST, call, "request is already started");
    // The operation stays; everything else starts afresh.
    const PersistentOp op = r->op;
    const bool pooled = r->pooled;
    mosix::rt::Rank* owner = r->owner;
    const Datatype* held = r->persistent_type;
    if (r->packed) mosix::rt::rank_free(r->packed);  // the last start's packed send
    *r = Request();
    r->pooled = pooled;
    r->owner = owner;
    r->persistent = true;
    r->op = op;
    r->persistent_type = held;
    r->active = true;
    int e = MPI_SUCCESS;
    switch (static_cast<Mode>(op.mode)) {
        case kRecv:
            e = start_recv(op.buf, op.count, op.type, op.peer, op.tag, op.comm, r, call);
            break;
        case kBsend:
            // The message is copied now; the operation is complete for the program at once.
            r->kind = RequestKind::send;
            r->comm = op.comm;
            e = buffered_send(op.buf, op.count, op.type, op.peer, op.tag, op.comm, call);
            r->complete = true;
            break;
        default:
            e = start_send(op.buf, op.count, op.type, op.peer, op.tag, op.comm, op.mode == kSsend, r, call);
            break;
    }
    if (e != MPI_SUCCESS) {
        r->active = false;
        r->complete = true;
    }
    return e;
}

}  // namespace

extern "C" {

int MPI_Send_init(const void* buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm,
                  MPI_Request* request) {
    MOSIX_LIBRARY_ENTRY();
    return make(kSend, const_cast<void*>(buf), count, datatype, dest, tag, comm, request, "MPI_Send_init");
}

int MPI_Ssend_init(const void* buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm,
                   MPI_Request* request) {
    MOSIX_LIBRARY_ENTRY();
    return make(kSsend, const_cast<void*>(buf), count, datatype, dest, tag, comm, request, "MPI_Ssend_init");
}

int MPI_Bsend_init(const void* buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm,
                   MPI_Request* request) {
    MOSIX_LIBRARY_ENTRY();
    return make(kBsend, const_cast<void*>(buf), count, datatype, dest, tag, comm, request, "MPI_Bsend_init");
}

int MPI_Rsend_init(const void* buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm,
                   MPI_Request* request) {
    MOSIX_LIBRARY_ENTRY();
    return make(kRsend, const_cast<void*>(buf), count, datatype, dest, tag, comm, request, "MPI_Rsend_init");
}

int MPI_Recv_init(void* buf, int count, MPI_Datatype datatype, int source, int tag, MPI_Comm comm,
                  MPI_Request* request) {
    MOSIX_LIBRARY_ENTRY();
    return make(kRecv, buf, count, datatype, source, tag, comm, request, "MPI_Recv_init");
}

int MPI_Start(MPI_Request* request) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Start";
    if (int e = check_initialized(call)) return e;
    MOSIX_CHECK(request, MPI_COMM_WORLD, MPI_ERR_REQUEST, call, "request is NULL");
    return start(*request, call);
}

int MPI_Startall(int count, MPI_Request requests[]) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Startall";
    if (int e = check_initialized(call)) return e;
    MOSIX_CHECK(count >= 0, MPI_COMM_WORLD, MPI_ERR_COUNT, call, "count %d is negative", count);
    MOSIX_CHECK(requests || count == 0, MPI_COMM_WORLD, MPI_ERR_REQUEST, call, "array of requests is NULL");
    for (int i = 0; i < count; ++i)
        if (int e = start(requests[i], call)) return e;
    return MPI_SUCCESS;
}

}  // extern "C"
