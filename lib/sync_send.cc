#include "sync_send.hpp"

#include "migrate.hpp"
#include "rank_state.hpp"
#include "runtime/migration.hpp"
#include "runtime/rank_memory.hpp"
#include "runtime/runtime.hpp"
#include "runtime/scheduler.hpp"

namespace mosix::lib {

void send_transport_done(Request* req) noexcept {
    req->sending = false;
    if (req->in_flight) {
        req->in_flight = false;
        --state_of(req->owner).sends_in_flight;
    }
    if (!req->await_match) request_complete(req);
}

void tell_matched(rt::Rank* receiver, int sender, std::uint64_t request) {
    ++state_of(receiver).matches_told[sender];
    WireHeader w{};
    w.kind = WireKind::send_matched;
    w.dst_world = sender;
    w.src_world = receiver->id;
    w.seq = request;
    if (rt::local_rank(sender)) return on_send_matched(w);
    if (rt::pe_of(sender) == rt::this_pe()) return;  // it finished here: nobody waits any more
    w.loc_version = rt::location_version(sender);
    send_control(rt::pe_of(sender), w, {});
}

Request* send_request_named(const WireHeader& w) noexcept {
    auto* req = reinterpret_cast<Request*>(static_cast<std::uintptr_t>(w.seq));
    if (!rt::in_rank_slot(w.dst_world, req, sizeof *req) || !request_valid(req) ||
        req->owner->id != w.dst_world || req->kind != RequestKind::send)
        return nullptr;
    return req;
}

void on_send_matched(const WireHeader& w) {
    Request* req = send_request_named(w);
    if (!req || !req->await_match)
        rt::fail_job(1, "internal: rank %d's match of a synchronous send names no such send of rank %d",
                     w.src_world, w.dst_world);
    ++state_of(req->owner).matches_heard[w.src_world];
    req->await_match = false;
    if (!req->sending) request_complete(req);
}

}  // namespace mosix::lib
