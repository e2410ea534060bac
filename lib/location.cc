// location.cc — finding ranks that move: forwarding, location updates, messages kept for a rank
// that is on its way here, and the job-wide bookkeeping that goes with moving ranks (migration
// requests for ranks elsewhere, finished-rank counts).
//
// Every PE's cache says where each rank is and how many moves of it that entry accounts for
// (rt::location_version). A PE that hosted a rank knows where it went next, so following the
// caches from any PE reaches the rank. A message names the version its sender routed by: a PE
// that does not hold the rank forwards the message if its own entry is at least as new (the rank
// left), and keeps it until the rank arrives if the sender knew of a newer move (the rank is on
// its way). Forwarding is a transition: the forwarding PE tells the sender's PE the new place.
#include <cstring>
#include <unordered_map>
#include <vector>

#include "checkpoint.hpp"
#include "migrate.hpp"
#include "remote.hpp"
#include "runtime/gossip.hpp"
#include "runtime/migration.hpp"
#include "runtime/net/transport.hpp"
#include "runtime/runtime.hpp"
#include "runtime/scheduler.hpp"
#include "sync_send.hpp"

namespace mosix::lib {

namespace {

// A message this PE sends on its own account: passed on to its rank's new PE (kTagForward) or a
// control message (kTagControl). The header and bytes live here until the send is done.
struct Outgoing {
    explicit Outgoing(std::uint32_t t, const WireHeader& w) : tag(t), wire(w) {}
    std::uint32_t tag;
    WireHeader wire;
    std::vector<unsigned char> data;
};

// Messages for a rank on its way here, as they arrived (eager bytes or a rendezvous descriptor).
std::unordered_map<int, std::vector<HeldMessage>> kept_for;
std::unordered_map<std::uint64_t, unsigned> told;  // (pe, rank) -> version told

void forward_send(Outgoing* f) {
    int pe = rt::pe_of(f->wire.dst_world);
    bool rendezvous = f->data.size() > kEagerLimit;
    if (rt::net::transport_send(pe, &f->wire, sizeof f->wire, f->data.data(), f->data.size(), rendezvous, f))
        delete f;
}

void forward(const WireHeader& w, const void* data, std::size_t len, void* rendezvous) {
    int rank = w.dst_world;
    if (rt::pe_of(rank) == rt::this_pe())
        rt::fail_job(1, "internal: PE %d would forward a message for rank %d to itself", rt::this_pe(), rank);
    auto* f = new Outgoing(kTagForward, w);
    f->wire.loc_version = rt::location_version(rank);
    if (rendezvous) {
        f->data.resize(len);
        if (rt::net::transport_fetch(rendezvous, f->data.data(), len, f)) forward_send(f);
    } else {
        f->data.assign(static_cast<const unsigned char*>(data),
                       static_cast<const unsigned char*>(data) + len);
        forward_send(f);
    }
}

}  // namespace

void send_control(int pe, const WireHeader& w, std::vector<unsigned char> data) {
    auto* c = new Outgoing(kTagControl, w);
    c->data = std::move(data);
    if (rt::net::transport_send(pe, &c->wire, sizeof c->wire, c->data.data(), c->data.size(), false, c))
        delete c;
}

void control_send_done(void* ctx, bool ok) {
    if (!ok) rt::fail_job(1, "a message between PEs could not be delivered: a PE is gone");
    delete static_cast<Outgoing*>(ctx);
}

void forward_fetch_done(void* ctx, bool ok) {
    if (!ok) rt::fail_job(1, "a message to forward could not be fetched: its sender's PE is gone");
    forward_send(static_cast<Outgoing*>(ctx));
}

void tell_location(int pe, int rank) {
    if (pe < 0 || pe == rt::this_pe() || pe == rt::pe_of(rank)) return;
    unsigned version = rt::location_version(rank);
    auto key = (static_cast<std::uint64_t>(pe) << 32) | static_cast<std::uint32_t>(rank);
    auto it = told.find(key);
    if (it != told.end() && it->second >= version) return;  // one update per move and PE
    told[key] = version;
    WireHeader w{};
    w.kind = WireKind::location;
    w.dst_world = rank;
    w.source = rt::pe_of(rank);
    w.loc_version = version;
    send_control(pe, w, {});
}

void keep_for_arrival(int rank, const WireHeader& w, const void* data, std::size_t len, void* rendezvous) {
    HeldMessage k{w, {}, rendezvous};
    if (!rendezvous && len)
        k.data.assign(static_cast<const unsigned char*>(data), static_cast<const unsigned char*>(data) + len);
    kept_for[rank].push_back(std::move(k));
}

void replay_for_arrival(int rank) {
    auto it = kept_for.find(rank);
    if (it == kept_for.end()) return;
    std::vector<HeldMessage> kept = std::move(it->second);
    kept_for.erase(it);
    for (HeldMessage& k : kept) {
        if (k.wire.kind == WireKind::migrate_request) {
            rt::request_migration(rank, k.wire.source);
        } else if (k.wire.kind == WireKind::request_done && rt::local_rank(rank)) {
            complete_away_request(k.wire);
        } else if (k.wire.kind == WireKind::send_matched && rt::local_rank(rank)) {
            on_send_matched(k.wire);
        } else if (rt::Rank* r = rt::local_rank(rank); r && k.wire.kind == WireKind::message) {
            receive_in_order(r, k.wire, k.data.data(), k.data.size(), k.rendezvous);
        } else {  // moved on already (cannot happen before it ran, but stay correct)
            forward(k.wire, k.data.data(), k.data.size(), k.rendezvous);
        }
    }
}

bool route_message(const WireHeader& w, const void* data, std::size_t len, void* rendezvous) {
    int rank = w.dst_world;
    if (w.loc_version > rt::location_version(rank)) {  // on its way here
        keep_for_arrival(rank, w, data, len, rendezvous);
        return rendezvous != nullptr;
    }
    forward(w, data, len, rendezvous);
    if (w.kind == WireKind::message && w.src_world >= 0) tell_location(rt::pe_of(w.src_world), rank);
    return rendezvous != nullptr;
}

bool migrate_on_control(const WireHeader& w, const void* data, std::size_t len, void* rendezvous) {
    bool rank_ok = w.dst_world >= 0 && w.dst_world < rt::world_size();
    switch (w.kind) {
        case WireKind::location:
            // A PE learns that a rank is here only by installing it.
            if (rank_ok && w.source != rt::this_pe() && !rt::local_rank(w.dst_world) &&
                w.loc_version > rt::location_version(w.dst_world))
                rt::set_location(w.dst_world, w.source, w.loc_version);
            return false;
        case WireKind::migrate_request:
            if (!rank_ok) return false;
            if (rt::local_rank(w.dst_world)) {
                rt::request_migration(w.dst_world, w.source);
                return false;
            }
            return route_message(w, data, len, rendezvous);
        case WireKind::finished:
            rt::ranks_finished_elsewhere(static_cast<int>(w.bytes));
            return false;
        case WireKind::request_done:
            if (!rank_ok) return false;
            if (rt::local_rank(w.dst_world)) return complete_away_request(w);
            return route_message(w, data, len, rendezvous);
        case WireKind::send_matched:
            if (!rank_ok) return false;
            if (rt::local_rank(w.dst_world)) {
                on_send_matched(w);
                return false;
            }
            if (rt::pe_of(w.dst_world) == rt::this_pe()) return false;  // the sender finished here
            return route_message(w, data, len, rendezvous);
        case WireKind::gossip:
            if (!rendezvous) rt::gossip_received(data, len);
            return false;
        case WireKind::migrate:
            if (rendezvous) rt::fail_job(1, "internal: a migrating rank's state arrived as a rendezvous");
            return arrival_on_migrate(w, data, len);
        case WireKind::segment:
            if (!rendezvous) rt::fail_job(1, "internal: a migrating rank's memory arrived eagerly");
            return arrival_on_segment(w, rendezvous);
        case WireKind::program_data:
            if (!rendezvous || !rank_ok) rt::fail_job(1, "internal: a rank's program data arrived malformed");
            return arrival_on_program_data(w, rendezvous);
        case WireKind::pe_reserve:
        case WireKind::pe_reserve_reply:
            if (rank_ok) rank_per_pe_on_control(w);
            return false;
        case WireKind::checkpoint_part:
        case WireKind::checkpoint_resume:
        case WireKind::checkpoint_request:
            if (rendezvous) rt::fail_job(1, "internal: a checkpoint message arrived as a rendezvous");
            return checkpoint_on_control(w, data, len);
        case WireKind::message:
            break;
    }
    rt::fail_job(1, "a message of unknown kind %u arrived", static_cast<unsigned>(w.kind));
}

namespace {

void route_request(int rank, int pe) {
    WireHeader w{};
    w.kind = WireKind::migrate_request;
    w.dst_world = rank;
    w.source = pe;
    w.src_world = -1;
    w.loc_version = rt::location_version(rank);
    send_control(rt::pe_of(rank), w, {});
}

void send_gossip(int pe, std::vector<unsigned char> message) {
    WireHeader w{};
    w.kind = WireKind::gossip;
    w.bytes = message.size();
    send_control(pe, w, std::move(message));
}

void announce_finished(int count) {
    WireHeader w{};
    w.kind = WireKind::finished;
    w.bytes = static_cast<std::uint64_t>(count);
    for (int pe = 0; pe < rt::npes(); ++pe)
        if (pe != rt::this_pe()) send_control(pe, w, {});
}

}  // namespace

void location_hooks(rt::MigrationHooks* hooks) {
    hooks->route_request = route_request;
    hooks->announce_finished = announce_finished;
    hooks->send_gossip = send_gossip;
}

}  // namespace mosix::lib
