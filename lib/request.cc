#include "request.hpp"

#include "datatype_derived.hpp"
#include "datatype_pack.hpp"
#include "rank_state.hpp"
#include "runtime/rank_memory.hpp"
#include "runtime/scheduler.hpp"

namespace mosix::lib {

namespace {
constexpr int kChunk = 64;  // requests allocated at once when the pool runs dry
}

namespace {

// A receive in a derived type: its packed bytes into the program's buffer (only what arrived, so
// a short message fills the first elements), then the copy and the type go.
void unpack_received(Request* r) noexcept {
    if (!r->cancelled) unpack(r->packed, r->status_bytes, r->unpack_buf, r->unpack_count, *r->unpack_type);
    rt::rank_free(r->packed);
    r->packed = nullptr;
    datatype_release(*r->unpack_type);
    r->unpack_type = nullptr;
}

}  // namespace

void request_complete(Request* r) noexcept {
    if (r->unpack_type) unpack_received(r);
    r->complete = true;
    if (r->in_flight) {
        r->in_flight = false;
        RankState& s = state_of(r->owner);
        --(r->kind == RequestKind::send ? s.sends_in_flight : s.fetches_in_flight);
    }
    if (r->user_freed) {
        request_release(r);
        return;
    }
    rt::wake(r->owner);
}

Request* request_alloc(RequestKind kind) {
    RankState& s = self_state();
    if (!s.free_requests) {
        auto* chunk = static_cast<Request*>(rt::rank_alloc(rt::this_rank(), sizeof(Request) * kChunk));
        s.request_chunks.push_back(chunk);
        for (int i = 0; i < kChunk; ++i) {
            Request* r = new (&chunk[i]) Request();
            r->magic = Request::kFreed;
            r->next = s.free_requests;
            s.free_requests = r;
        }
    }
    Request* r = s.free_requests;
    s.free_requests = r->next;
    *r = Request();
    r->kind = kind;
    r->pooled = true;
    r->owner = rt::this_rank();
    return r;
}

void request_release(Request* r) noexcept {
    RankState& s = state_of(r->owner);
    if (r->bsend_copy) {
        rt::rank_free(r->bsend_copy);
        r->bsend_copy = nullptr;
        s.bsend_used -= r->bsend_bytes;
    }
    if (r->packed) {
        rt::rank_free(r->packed);
        r->packed = nullptr;
    }
    if (r->persistent_type) {
        datatype_release_handle(*r->persistent_type);
        r->persistent_type = nullptr;
    }
    r->magic = Request::kFreed;
    r->next = s.free_requests;
    s.free_requests = r;
}

}  // namespace mosix::lib
