#include "p2p.hpp"

#include <cstring>

#include "nbc/schedule.hpp"
#include "p2p_internal.hpp"
#include "remote.hpp"
#include "runtime/pe_stats.hpp"
#include "runtime/rank_memory.hpp"
#include "runtime/scheduler.hpp"
#include "sync_send.hpp"

namespace mosix::lib {

namespace {

int buffer_class(std::size_t bytes) noexcept {
    for (int c = 0; c < kBufferClasses; ++c)
        if (bytes <= kBufferClassBytes[c]) return c;
    return -1;
}

}  // namespace

Unexpected* unexpected_alloc(rt::Rank* receiver, RankState& s, std::size_t bytes) {
    int c = buffer_class(bytes);
    Unexpected* u = s.free_buffers[c];
    if (u) {
        s.free_buffers[c] = u->next;
    } else {
        u = static_cast<Unexpected*>(rt::rank_alloc(receiver, sizeof(Unexpected) + kBufferClassBytes[c]));
        u->capacity = kBufferClassBytes[c];
    }
    u->rendezvous = nullptr;
    u->remote = nullptr;
    u->heap_data = nullptr;
    u->sync_request = 0;
    return u;
}

void unexpected_free(RankState& s, Unexpected* u) noexcept {
    int c = buffer_class(u->capacity);
    u->next = s.free_buffers[c];
    s.free_buffers[c] = u;
}

void deliver(Request* recv, const Envelope& env, const void* data) noexcept {
    std::size_t n = env.bytes;
    if (n > recv->bytes) {
        n = recv->bytes;
        recv->status_error = MPI_ERR_TRUNCATE;
    }
    if (n) std::memcpy(recv->buf, data, n);
    recv->status_source = env.source;
    recv->status_tag = env.tag;
    recv->status_bytes = n;
    recv->arrived_bytes = env.bytes;
    request_complete(recv);
}

void send_start(Request* req, int dest_world, const Envelope& env, const void* buf, bool synchronous) {
    rt::Rank* dest = rt::local_rank(dest_world);
    req->owner->traffic.count(dest_world, env.bytes);
    if (!dest) {
        rt::count_sent(rt::pe_of(dest_world), env.bytes);
        remote_send_start(req, dest_world, env, buf, synchronous);
        return;
    }
    rt::count_sent(rt::this_pe(), env.bytes);
    rt::count_received(env.bytes);
    RankState& ds = state_of(dest);
    // Only after a migration can an earlier message of this pair still be between PEs.
    if (rt::npes() > 1 && hold_behind_remote(state_of(req->owner), req->owner->id, dest, ds, env, buf,
                                             synchronous ? req : nullptr)) {
        req->await_match = synchronous;
        req->complete = !synchronous;
        return;
    }
    if (Request* recv = ds.queues.take_posted(env)) {
        deliver(recv, env, buf);
        req->complete = true;
        return;
    }
    Unexpected* u;
    if (env.bytes <= kEagerLimit && !synchronous) {
        u = unexpected_alloc(dest, ds, env.bytes);
        if (env.bytes) std::memcpy(u->data(), buf, env.bytes);
        req->complete = true;
    } else {
        u = unexpected_alloc(dest, ds, 0);
        u->rendezvous = req;
        req->await_match = synchronous;
        req->buf = const_cast<void*>(buf);
        req->bytes = env.bytes;
        ++state_of(req->owner).local_rendezvous_sends;  // its receiver reads `buf` when it matches
    }
    u->env = env;
    ds.queues.push_unexpected(u);
    if (ds.queues.wake_on_arrival) rt::wake(dest);
}

void recv_start(Request* req) {
    RankState& s = state_of(req->owner);
    Unexpected* u = s.queues.find_unexpected(req->context, req->peer, req->tag);
    if (!u) {
        s.queues.posted.push(req);
        return;
    }
    s.queues.remove_unexpected(u);
    if (u->remote) {
        remote_fetch_into(req, u->env, u->remote);
    } else if (Request* sender = u->rendezvous) {
        deliver(req, u->env, sender->buf);
        --state_of(sender->owner).local_rendezvous_sends;
        sender->await_match = false;  // matched here and now
        send_transport_done(sender);
    } else if (u->heap_data) {
        deliver(req, u->env, u->heap_data);
        rt::rank_free(u->heap_data);
    } else {
        deliver(req, u->env, u->data());
    }
    if (u->sync_request) tell_matched(req->owner, u->sync_sender, u->sync_request);
    unexpected_free(s, u);
}

// Polls spent in the waiting rank's own context before it yields to the scheduler: about as long
// as a message takes to come back from a neighbouring PE.
constexpr int kPollBeforeBlock = 64;

// Nonblocking collectives under way go on whenever the rank waits here (each wake-up may be one of
// their messages); a nonblocking collective's own request completes only by their progress, so it
// skips the polling in place.
void wait_for(Request* req, const char* call) {
    if (req->complete) return;
    RankState& s = self_state();
    nbc::progress(s);
    if (req->complete) return;
    if (req->kind != RequestKind::coll &&
        rt::poll_in_place([req] { return req->complete; }, kPollBeforeBlock))
        return;
    s.waiting_on = req;
    do {
        rt::block(call);
        nbc::progress(s);
    } while (!req->complete);
    s.waiting_on = nullptr;
}

bool probe(std::uint32_t context, int source, int tag, bool block, Envelope* found) {
    RankState& s = self_state();
    for (;;) {
        nbc::progress(s);
        if (Unexpected* u = s.queues.find_unexpected(context, source, tag)) {
            *found = u->env;
            return true;
        }
        if (!block) return false;
        s.queues.wake_on_arrival = true;
        rt::block("MPI_Probe");
        s.queues.wake_on_arrival = false;
    }
}

bool cancel_recv(Request* req) {
    if (req->complete) return false;
    RankState& s = state_of(req->owner);
    s.queues.posted.remove(req);
    req->cancelled = true;
    req->status_source = MPI_ANY_SOURCE;
    req->status_tag = MPI_ANY_TAG;
    req->status_bytes = 0;
    request_complete(req);
    return true;
}

void coll_send(const Comm& comm, const void* buf, std::size_t bytes, int dest, int tag) {
    Request req;
    req.kind = RequestKind::send;
    req.owner = rt::this_rank();
    Envelope env{comm.coll_context(), comm.rank, tag, bytes};
    send_start(&req, comm.peers().world_of(dest), env, buf, false);  // remote group's on an intercomm
    wait_for(&req, "a collective");
}

namespace {
// Posts a receive on `comm`'s collective context into a request on the caller's stack.
void post_coll_recv(Request& req, const Comm& comm, void* buf, std::size_t bytes, int source, int tag) {
    req.owner = rt::this_rank();
    req.context = comm.coll_context();
    req.peer = source;
    req.tag = tag;
    req.buf = buf;
    req.bytes = bytes;
    recv_start(&req);
}
}  // namespace

void coll_recv(const Comm& comm, void* buf, std::size_t bytes, int source, int tag) {
    Request req;
    post_coll_recv(req, comm, buf, bytes, source, tag);
    wait_for(&req, "a collective");
}

void coll_sendrecv(const Comm& comm, const void* sbuf, std::size_t sbytes, int dest, void* rbuf,
                   std::size_t rbytes, int source, int tag) {
    Request recv;
    post_coll_recv(recv, comm, rbuf, rbytes, source,
                   tag);  // first, so two exchanging ranks never wait on each other
    coll_send(comm, sbuf, sbytes, dest, tag);
    wait_for(&recv, "a collective");
}

void status_from(const Request* req, MPI_Status* status) noexcept {
    if (status == MPI_STATUS_IGNORE) return;
    status->MPI_SOURCE = req->status_source;
    status->MPI_TAG = req->status_tag;
    status->MPI_ERROR = req->status_error;
    status->mosix_cancelled = req->cancelled ? 1 : 0;
    status->mosix_bytes = static_cast<long long>(req->status_bytes);
}

}  // namespace mosix::lib
