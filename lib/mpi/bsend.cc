// bsend.cc — buffered sends: MPI_Buffer_attach/detach, MPI_Bsend, MPI_Ibsend.
//
// A buffered send completes as soon as its message is copied: the copy goes to the rank's own heap
// (so it moves with the rank), and the attached buffer is the budget the standard gives it — a
// send that would take the attached bytes past their size, counting MPI_BSEND_OVERHEAD per
// message, fails with MPI_ERR_BUFFER, as with any MPI. The copy and its share of the budget are
// given back when the transport is done with it (request_release).
#include <mpi.h>

#include <cstring>

#include "checks.hpp"
#include "lib/datatype_pack.hpp"
#include "lib/p2p.hpp"
#include "p2p_start.hpp"
#include "runtime/library_entry.hpp"
#include "runtime/rank_memory.hpp"
#include "runtime/scheduler.hpp"

using namespace mosix::lib;

namespace mosix::lib {

int buffered_send(const void* buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm,
                  const char* call) {
    Comm* c = nullptr;  // check_send checks MPI_Init too
    const Datatype* dt = nullptr;
    if (int e = check_send(buf, count, type, dest, tag, comm, call, &c, &dt)) return e;
    if (dest == MPI_PROC_NULL) return MPI_SUCCESS;
    std::size_t bytes = static_cast<std::size_t>(count) * dt->size;
    RankState& s = self_state();
    std::size_t need = bytes + MPI_BSEND_OVERHEAD;
    if (!s.bsend_attached)
        return raise_error(comm, MPI_ERR_BUFFER, call, "no buffer is attached (MPI_Buffer_attach)");
    if (need > static_cast<std::size_t>(s.bsend_size) - s.bsend_used)
        return raise_error(comm, MPI_ERR_BUFFER, call,
                           "the attached buffer is too small: this message needs %zu bytes (%zu and "
                           "MPI_BSEND_OVERHEAD), %zu of its %d are free",
                           need, bytes, static_cast<std::size_t>(s.bsend_size) - s.bsend_used, s.bsend_size);
    Request* req = request_alloc(RequestKind::send);
    req->comm = comm;
    req->bsend_copy = mosix::rt::rank_alloc(bytes ? bytes : 1);
    req->bsend_bytes = need;
    if (bytes) pack(buf, count, *dt, req->bsend_copy);  // packed: the copy is one run of bytes
    s.bsend_used += need;
    int world = c->peers().world_of(dest);
    req->peer = world;
    req->tag = tag;
    Envelope env{c->context, c->rank, tag, bytes};
    send_start(req, world, env, req->bsend_copy, false);
    if (req->complete)
        request_release(req);
    else
        req->user_freed = true;
    return MPI_SUCCESS;
}

}  // namespace mosix::lib

extern "C" {

int MPI_Buffer_attach(void* buffer, int size) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Buffer_attach";
    if (int e = check_initialized(call)) return e;
    MOSIX_CHECK(size >= 0, MPI_COMM_WORLD, MPI_ERR_ARG, call, "size %d is negative", size);
    MOSIX_CHECK(buffer || size == 0, MPI_COMM_WORLD, MPI_ERR_BUFFER, call, "buffer is NULL");
    RankState& s = self_state();
    MOSIX_CHECK(!s.bsend_attached, MPI_COMM_WORLD, MPI_ERR_BUFFER, call,
                "a buffer is already attached (detach it first)");
    s.bsend_attached = true;
    s.bsend_buffer = buffer;
    s.bsend_size = size;
    return MPI_SUCCESS;
}

int MPI_Buffer_detach(void* buffer_addr, int* size) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Buffer_detach";
    if (int e = check_initialized(call)) return e;
    MOSIX_CHECK(buffer_addr && size, MPI_COMM_WORLD, MPI_ERR_ARG, call, "buffer_addr or size is NULL");
    MOSIX_CHECK(self_state().bsend_attached, MPI_COMM_WORLD, MPI_ERR_BUFFER, call, "no buffer is attached");
    // The standard's rule: detaching waits until every message sent from the buffer is gone.
    while (self_state().bsend_used > 0) {
        mosix::rt::progress_network();
        mosix::rt::yield();
    }
    RankState& s = self_state();
    std::memcpy(buffer_addr, &s.bsend_buffer, sizeof s.bsend_buffer);
    *size = s.bsend_size;
    s.bsend_attached = false;
    s.bsend_buffer = nullptr;
    s.bsend_size = 0;
    return MPI_SUCCESS;
}

int MPI_Bsend(const void* buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm) {
    MOSIX_LIBRARY_ENTRY();
    return buffered_send(buf, count, datatype, dest, tag, comm, "MPI_Bsend");
}

int MPI_Ibsend(const void* buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm,
               MPI_Request* request) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Ibsend";
    if (int e = check_initialized(call)) return e;
    MOSIX_CHECK(request, comm, MPI_ERR_REQUEST, call, "request is NULL");
    if (int e = buffered_send(buf, count, datatype, dest, tag, comm, call)) return e;
    // Complete at once: the message is in the library's hands.
    Request* req = request_alloc(RequestKind::send);
    req->comm = comm;
    req->complete = true;
    *request = req;
    return MPI_SUCCESS;
}

}  // extern "C"
