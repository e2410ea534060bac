#include "remote.hpp"

#include <cstring>

#include "migrate.hpp"
#include "p2p_internal.hpp"
#include "runtime/net/transport.hpp"
#include "runtime/pe_stats.hpp"
#include "runtime/rank_memory.hpp"
#include "runtime/runtime.hpp"
#include "runtime/scheduler.hpp"
#include "sync_send.hpp"

namespace mosix::lib {

namespace {

std::uint64_t& send_seq_of(RankState& s, int dest) {
    if (s.last_dest != dest) {
        s.last_dest = dest;
        s.last_dest_seq = &s.send_seq[dest];  // unordered_map values never move
    }
    return *s.last_dest_seq;
}

std::uint64_t& recv_seq_of(RankState& s, int source) {
    if (s.last_source != source) {
        s.last_source = source;
        s.last_source_seq = &s.recv_seq[source];
    }
    return *s.last_source_seq;
}

void send_done(void* ctx, bool ok) {
    if (*static_cast<std::uint32_t*>(ctx) != Request::kLive) return migrate_send_done(ctx, ok);
    auto* req = static_cast<Request*>(ctx);
    if (!ok)
        rt::fail_job(1, "a message to rank %d could not be delivered: its PE %d is gone", req->wire.dst_world,
                     rt::pe_of(req->wire.dst_world));
    int owner = req->owner->id;
    bool counted = req->in_flight;
    if (!rt::local_rank(owner)) {  // its rank migrated meanwhile: this is the old copy
        away_send_done(owner, req);
        if (counted) sent_from_here_done(owner);  // may give the old copy's pages back
        return;
    }
    if (counted) sent_from_here_done(owner);
    send_transport_done(req);
}

void fetch_done(void* ctx, bool ok) {
    if (*static_cast<std::uint32_t*>(ctx) != Request::kLive) return migrate_fetch_done(ctx, ok);
    auto* recv = static_cast<Request*>(ctx);
    if (!ok)
        rt::fail_job(1,
                     "the bytes of a message from rank %d of its communicator could not be fetched: "
                     "the sender's PE is gone",
                     recv->status_source);
    if (recv->scratch) {  // truncated: keep what fits
        if (recv->bytes) std::memcpy(recv->buf, recv->scratch, recv->bytes);
        rt::rank_free(recv->scratch);
        recv->scratch = nullptr;
    }
    request_complete(recv);
}

// Hands an in-order message to the matching engine. Returns true if it kept the rendezvous
// descriptor (queued as unexpected) for a later fetch.
bool arrive(rt::Rank* dst, const WireHeader& w, const void* data, void* rendezvous) {
    RankState& ds = state_of(dst);
    Envelope env{w.context, w.source, w.tag, static_cast<std::size_t>(w.bytes)};
    if (Request* recv = ds.queues.take_posted(env)) {
        if (rendezvous)
            remote_fetch_into(recv, env, rendezvous);
        else
            deliver(recv, env, data);
        if (w.sync_request) tell_matched(dst, w.src_world, w.sync_request);
        return false;
    }
    bool inline_bytes = rendezvous || env.bytes <= kEagerLimit;
    Unexpected* u = unexpected_alloc(dst, ds, inline_bytes && !rendezvous ? env.bytes : 0);
    u->env = env;
    u->sync_request = w.sync_request;
    u->sync_sender = w.src_world;
    if (rendezvous) {
        u->remote = rendezvous;
    } else if (!inline_bytes) {  // a large message held back as bytes (a same-PE one, or forwarded)
        u->heap_data = rt::rank_alloc(dst, env.bytes);
        std::memcpy(u->heap_data, data, env.bytes);
    } else if (env.bytes) {
        std::memcpy(u->data(), data, env.bytes);
    }
    ds.queues.push_unexpected(u);
    if (ds.queues.wake_on_arrival) rt::wake(dst);
    return rendezvous != nullptr;
}

// The transport's receive handler (runs inside transport progress, from the scheduler or from a
// rank polling in place).
bool on_message(const void* header, std::size_t header_len, const void* data, std::size_t len,
                void* rendezvous) {
    WireHeader w;
    if (header_len != sizeof w)
        rt::fail_job(1, "a message with a malformed header arrived (%zu bytes)", header_len);
    std::memcpy(&w, header, sizeof w);
    if (w.kind != WireKind::message) return migrate_on_control(w, data, len, rendezvous);
    if (w.dst_world < 0 || w.dst_world >= rt::world_size())
        rt::fail_job(1, "a message for rank %d arrived, which is not a rank of this job", w.dst_world);
    if (rt::Rank* dst = rt::local_rank(w.dst_world)) {
        rt::count_received(static_cast<std::size_t>(w.bytes));
        return receive_in_order(dst, w, data, len, rendezvous);
    }
    return route_message(w, data, len, rendezvous);
}

// Registered when the library is loaded, before any job starts.
const bool registered = (rt::set_message_handlers({on_message, send_done, fetch_done}), true);

}  // namespace

bool receive_in_order(rt::Rank* dst, const WireHeader& w, const void* data, std::size_t len,
                      void* rendezvous) {
    RankState& ds = state_of(dst);
    std::uint64_t& expected = recv_seq_of(ds, w.src_world);
    if (w.seq != expected) {
        auto* h = new HeldMessage{w, {}, rendezvous};
        if (!rendezvous)
            h->data.assign(static_cast<const unsigned char*>(data),
                           static_cast<const unsigned char*>(data) + len);
        ds.held.push_back(h);
        return rendezvous != nullptr;
    }
    bool kept = arrive(dst, w, data, rendezvous);
    ++expected;
    release_held(dst, w.src_world);
    return kept;
}

void release_held(rt::Rank* dst, int src_world) {
    RankState& ds = state_of(dst);
    for (bool progressed = true; progressed && !ds.held.empty();) {
        progressed = false;
        for (std::size_t i = 0; i < ds.held.size(); ++i) {
            HeldMessage* h = ds.held[i];
            int src = h->wire.src_world;
            if ((src_world >= 0 && src != src_world) || h->fetching || h->wire.seq != recv_seq_of(ds, src))
                continue;
            ds.held.erase(ds.held.begin() + static_cast<std::ptrdiff_t>(i));
            arrive(dst, h->wire, h->data.data(), h->rendezvous);
            ++recv_seq_of(ds, src);
            delete h;
            progressed = true;
            break;
        }
    }
}

bool hold_behind_remote(RankState& sender, int src_world, rt::Rank* dest, RankState& ds, const Envelope& env,
                        const void* buf, const Request* sync) {
    std::uint64_t& next = send_seq_of(sender, dest->id);
    if (next == recv_seq_of(ds, src_world)) return false;  // nothing of the pair is in transit
    WireHeader w{env.context,
                 env.source,
                 env.tag,
                 dest->id,
                 src_world,
                 WireKind::message,
                 next++,
                 env.bytes,
                 0,
                 0,
                 reinterpret_cast<std::uintptr_t>(sync)};
    auto* h = new HeldMessage{w, {}, nullptr};
    h->data.assign(static_cast<const unsigned char*>(buf),
                   static_cast<const unsigned char*>(buf) + env.bytes);
    ds.held.push_back(h);
    return true;
}

void remote_send_start(Request* req, int dest_world, const Envelope& env, const void* buf, bool synchronous) {
    RankState& s = state_of(req->owner);
    req->kind = RequestKind::send;
    req->peer = dest_world;
    req->wire = WireHeader{env.context,
                           env.source,
                           env.tag,
                           dest_world,
                           req->owner->id,
                           WireKind::message,
                           send_seq_of(s, dest_world)++,
                           env.bytes,
                           rt::location_version(dest_world),
                           0,
                           synchronous ? reinterpret_cast<std::uintptr_t>(req) : 0};
    req->bytes = env.bytes;
    req->await_match = synchronous;
    req->sending = true;
    bool rendezvous = synchronous || env.bytes > kEagerLimit;
    if (rt::net::transport_send(rt::pe_of(dest_world), &req->wire, sizeof req->wire, buf, env.bytes,
                                rendezvous, req)) {
        req->sending = false;
        req->complete = !req->await_match;
    } else if (req->sending) {
        req->in_flight = true;
        ++s.sends_in_flight;
        sent_from_here(req->owner->id);
    }
}

void remote_fetch_into(Request* recv, const Envelope& env, void* desc) {
    recv->status_source = env.source;
    recv->status_tag = env.tag;
    recv->arrived_bytes = env.bytes;
    void* target = recv->buf;
    if (env.bytes <= recv->bytes) {
        recv->status_bytes = env.bytes;
    } else {
        recv->status_bytes = recv->bytes;
        recv->status_error = MPI_ERR_TRUNCATE;
        recv->scratch = rt::rank_alloc(recv->owner, env.bytes);
        target = recv->scratch;
    }
    if (rt::net::transport_fetch(desc, target, env.bytes, recv)) {
        fetch_done(recv, true);
    } else if (!recv->complete) {
        recv->in_flight = true;
        ++state_of(recv->owner).fetches_in_flight;
    }
}

}  // namespace mosix::lib
