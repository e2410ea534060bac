#include "request.hpp"

#include "rank_state.hpp"
#include "runtime/rank_memory.hpp"
#include "runtime/scheduler.hpp"

namespace mosix::lib {

namespace {
constexpr int kChunk = 64;  // requests allocated at once when the pool runs dry
}

void request_complete(Request* r) noexcept {
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
    r->magic = Request::kFreed;
    r->next = s.free_requests;
    s.free_requests = r;
}

}  // namespace mosix::lib
