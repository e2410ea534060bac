// migrate.cc — moving a rank between PEs: getting it ready at a migration point, sending its
// state and memory, and installing it on arrival. See migrate.hpp for the protocol.
#include "migrate.hpp"

#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "p2p_internal.hpp"
#include "remote.hpp"
#include "runtime/measure.hpp"
#include "runtime/migration.hpp"
#include "runtime/net/transport.hpp"
#include "runtime/pe_stats.hpp"
#include "runtime/program_data.hpp"
#include "runtime/rank_memory.hpp"
#include "runtime/runtime.hpp"
#include "runtime/scheduler.hpp"
#include "sync_send.hpp"

namespace mosix::lib {

void location_hooks(rt::MigrationHooks* hooks);  // location.cc

namespace {

// A rank on its way out: the headers and record stay here until the transport is done with them.
struct Departure {
    std::uint32_t tag = kTagDeparture;
    int rank = -1;
    int sends = 0;  // not yet completed
    int target = -1;
    std::uint64_t bytes = 0, started_ns = 0;  // the move's cost, for the operator (pe_stats.hpp)
    WireHeader headers[4]{};
    std::vector<unsigned char> record;
    std::vector<unsigned char> program_data;  // one rank per PE: the globals, as they were on leaving
};

// A rank on its way in.
struct Arrival {
    bool have_record = false;
    unsigned version = 0;
    int segments = 0;  // fetched so far
    std::vector<unsigned char> record;
    std::vector<unsigned char> program_data;  // one rank per PE: fetched here, written on install
};

struct SegmentFetch {
    std::uint32_t tag = kTagArrival;
    int rank;
};

// A rendezvous message of a departing rank being fetched into its memory.
struct Resolve {
    std::uint32_t tag = kTagResolve;
    int* pending;
    HeldMessage* held;  // the held message being fetched, or null (an unexpected one)
};

std::unordered_map<int, Arrival> arrivals;

// One rank per PE: the program's globals are the rank's and travel as one more piece (a copy,
// since the PE may take in another rank while the transport still sends them).
bool program_data_travels() { return rt::rank_per_pe() && rt::program_data_bytes() > 0; }

bool arriving(int rank) { return arrivals.count(rank) != 0; }

// By rank: this PE's sends of it still in flight plus its departures still sending its image.
// A departed rank's pages here stay until that reaches zero (the transport reads them).
std::vector<int> busy_here;

int& busy(int rank) {
    if (busy_here.size() != static_cast<std::size_t>(rt::world_size()))
        busy_here.assign(static_cast<std::size_t>(rt::world_size()), 0);
    return busy_here[static_cast<std::size_t>(rank)];
}

void release_if_unused(int rank) {
    if (busy(rank) == 0 && !rt::local_rank(rank) && !arriving(rank)) rt::release_rank_memory(rank);
    if (rt::rank_per_pe()) rank_per_pe_transport_done();
}

// A same-PE rendezvous message waiting in `receiver`'s queue, whose bytes are still in the
// sender's buffer: copies them into the receiver's memory, so neither side's move leaves the
// other with an address in memory that went away. The send completes, or, if synchronous, waits
// for the match, which the message now remembers.
void copy_local_rendezvous(rt::Rank* receiver, Unexpected* u) {
    Request* sender = u->rendezvous;
    u->heap_data = rt::rank_alloc(receiver, std::max<std::size_t>(u->env.bytes, 1));
    std::memcpy(u->heap_data, sender->buf, u->env.bytes);
    u->rendezvous = nullptr;
    --state_of(sender->owner).local_rendezvous_sends;
    if (sender->await_match) {
        u->sync_sender = sender->owner->id;
        u->sync_request = reinterpret_cast<std::uintptr_t>(sender);
    }
    send_transport_done(sender);
}

// Starts fetching a rendezvous message from another PE into `buf` (the leaving rank's memory, or
// `held`'s bytes); *pending counts the fetches still running.
void start_resolve(void* desc, void* buf, std::size_t n, int* pending, HeldMessage* held) {
    auto* f = new Resolve{kTagResolve, pending, held};
    if (held) held->fetching = true;
    if (rt::net::transport_fetch(desc, buf, n, f)) {
        if (held) held->fetching = false;
        delete f;
    } else {
        ++*pending;
    }
}

// Same-PE rendezvous sends of `r` wait in receivers' queues, which read r's buffer when they
// match: hand them over to the receivers now.
void hand_over_local_sends(rt::Rank* r, RankState& s) {
    for (int id = 0; id < rt::world_size() && s.local_rendezvous_sends > 0; ++id) {
        rt::Rank* receiver = rt::local_rank(id);
        if (!receiver || !receiver->lib) continue;
        for (Unexpected* u = state_of(receiver).queues.unexpected.head; u; u = u->next)
            if (u->rendezvous && u->rendezvous->owner == r) copy_local_rendezvous(receiver, u);
    }
}

void finish_departure(Departure* d) {
    int rank = d->rank;
    rt::note_migration(rank, d->target, d->bytes, static_cast<double>(rt::wall_ns() - d->started_ns) * 1e-9);
    delete d;
    --busy(rank);
    release_if_unused(rank);
}

void send_piece(Departure* d, int target, int i, const void* data, std::size_t bytes, bool rendezvous) {
    ++d->sends;
    if (rt::net::transport_send(target, &d->headers[i], sizeof(WireHeader), data, bytes, rendezvous, d))
        --d->sends;
}

// Runs from the scheduler once the rank has suspended at its migration point.
void depart(rt::Rank* r) {
    int target = r->departure_target;
    unsigned version = rt::location_version(r->id) + 1;
    rt::RankImage image = rt::rank_image(r);
    RankRecord rec = record_of(r, image);
    auto* d = new Departure;
    d->rank = r->id;
    d->target = target;
    d->started_ns = rt::wall_ns();
    ++busy(r->id);
    d->record.resize(sizeof rec);
    std::memcpy(d->record.data(), &rec, sizeof rec);
    if (r->lib) {
        std::vector<unsigned char> lib = pack_rank_state(static_cast<RankState*>(r->lib));
        d->record.insert(d->record.end(), lib.begin(), lib.end());
    }
    rt::rank_left(r);
    rt::set_location(r->id, target, version);

    for (WireHeader& h : d->headers) {
        h = WireHeader{};
        h.dst_world = r->id;
        h.src_world = -1;
        h.loc_version = version;
    }
    d->headers[0].kind = WireKind::migrate;
    d->headers[0].bytes = d->record.size();
    d->headers[1].kind = d->headers[2].kind = WireKind::segment;
    d->headers[1].seq = reinterpret_cast<std::uintptr_t>(image.heap);
    d->headers[1].bytes = image.heap_bytes;
    d->headers[2].seq = reinterpret_cast<std::uintptr_t>(image.stack);
    d->headers[2].bytes = image.stack_bytes;
    d->bytes = d->record.size() + image.heap_bytes + image.stack_bytes;
    ++d->sends;  // held until every piece is started, so completion cannot come early
    send_piece(d, target, 0, d->record.data(), d->record.size(), false);
    if (image.heap_bytes) send_piece(d, target, 1, image.heap, image.heap_bytes, true);
    send_piece(d, target, 2, image.stack, image.stack_bytes, true);
    if (program_data_travels()) {
        d->program_data = rt::program_data_snapshot();
        d->headers[3].kind = WireKind::program_data;
        d->headers[3].bytes = d->program_data.size();
        send_piece(d, target, 3, d->program_data.data(), d->program_data.size(), true);
    }
    if (--d->sends == 0) finish_departure(d);
    tell_location(rt::home_pe_of(r->id), r->id);
}

void try_install(int rank) {
    auto it = arrivals.find(rank);
    Arrival& a = it->second;
    if (!a.have_record) return;
    RankRecord rec;
    std::memcpy(&rec, a.record.data(), sizeof rec);
    int expected = (rec.heap_bytes ? 1 : 0) + 1 + (program_data_travels() ? 1 : 0);
    if (a.segments < expected) return;
    rt::Rank* r = rt::rank_control_block(rank);
    install_record(r, rec);
    unsigned version = a.version;
    std::vector<unsigned char> record = std::move(a.record);
    if (program_data_travels()) {
        if (std::string why = rt::program_data_restore(a.program_data.data(), a.program_data.size());
            !why.empty())
            rt::fail_job(1, "rank %d cannot arrive at PE %d: %s", rank, rt::this_pe(), why.c_str());
        rank_per_pe_arrived(rank);
    }
    arrivals.erase(it);
    rt::set_location(rank, rt::this_pe(), version);
    if (!rt::rank_arrived(r, rec.heap_bytes != 0))
        rt::fail_job(1, "rank %d arrived at PE %d with a damaged heap", rank, rt::this_pe());
    if (rec.has_lib) unpack_rank_state(r, record.data() + sizeof rec, record.size() - sizeof rec);
    replay_for_arrival(rank);
}

}  // namespace

// Runs on the rank. Brings every byte that belongs to the rank but lives elsewhere into its
// memory: same-PE rendezvous senders' buffers (copied; the sender completes) and rendezvous
// messages from other PEs (fetched), and waits for fetches into it to finish (they need nothing
// from anyone). Its own sends to other PEs may stay in flight; those to same-PE ranks are
// handed over. So a rank can always leave: a move never waits for another rank.
bool ready_to_leave(rt::Rank* r) {
    if (!r->lib) return true;
    RankState& s = state_of(r);
    hand_over_local_sends(r, s);
    // Fetching lets the network run, and new rendezvous messages may arrive meanwhile: go on
    // until a pass finds nothing left to bring in.
    for (;;) {
        int pending = 0;
        bool unresolved = false;
        for (Unexpected* u = s.queues.unexpected.head; u; u = u->next) {
            if (u->rendezvous) {
                copy_local_rendezvous(r, u);
            } else if (void* desc = u->remote) {
                u->heap_data = rt::rank_alloc(r, std::max<std::size_t>(u->env.bytes, 1));
                u->remote = nullptr;
                unresolved = true;
                start_resolve(desc, u->heap_data, u->env.bytes, &pending, nullptr);
            }
        }
        for (HeldMessage* h : s.held) {
            if (void* desc = h->rendezvous) {
                h->data.resize(h->wire.bytes);
                h->rendezvous = nullptr;
                unresolved = true;
                start_resolve(desc, h->data.data(), h->data.size(), &pending, h);
            }
        }
        bool waited = pending > 0 || s.fetches_in_flight > 0;
        while (pending > 0 || s.fetches_in_flight > 0) rt::progress_network();
        // A held message's predecessor may have come while its bytes were on their way: it was
        // left held then, deliver it now.
        if (unresolved) release_held(r, -1);
        if (!unresolved && !waited) break;  // no network ran since the pass: nothing new came
    }
    return true;
}

// The migration point's check: bytes home, and with one rank per PE, a place at the destination.
bool ready_to_move(rt::Rank* r) {
    if (rt::rank_per_pe() && !reserve_destination(r, r->migrate_to)) return false;
    return ready_to_leave(r);
}

RankRecord record_of(const rt::Rank* r, const rt::RankImage& image) {
    return RankRecord{r->id,      r->exit_code,     r->library_depth,  r->started,        r->lib != nullptr,
                      r->context, r->locals,        r->before_leaving, r->after_arriving, r->hook_arg,
                      image.heap, image.heap_bytes, image.stack,       image.stack_bytes};
}

void install_record(rt::Rank* r, const RankRecord& rec) {
    r->exit_code = rec.exit_code;
    r->library_depth = rec.library_depth;
    r->started = rec.started;
    r->context = rec.context;
    r->locals = rec.locals;
    r->before_leaving = rec.before_leaving;
    r->after_arriving = rec.after_arriving;
    r->hook_arg = rec.hook_arg;
    r->blocked_in = nullptr;
    r->migrate_to = -1;
}

bool departed_ranks_in_flight() {
    for (std::size_t i = 0; i < busy_here.size(); ++i)
        if (busy_here[i] > 0 && !rt::local_rank(static_cast<int>(i))) return true;
    return false;
}

void sent_from_here(int rank) { ++busy(rank); }

void sent_from_here_done(int rank) {
    --busy(rank);
    release_if_unused(rank);
}

void away_send_done(int rank, const Request* req) {
    WireHeader w{};
    w.kind = WireKind::request_done;
    w.dst_world = rank;
    w.src_world = -1;
    w.seq = reinterpret_cast<std::uintptr_t>(req);
    w.loc_version = rt::location_version(rank);
    send_control(rt::pe_of(rank), w, {});
}

bool complete_away_request(const WireHeader& w) {
    Request* req = send_request_named(w);
    if (!req)
        rt::fail_job(1, "internal: a send completion for rank %d names no send request of it", w.dst_world);
    send_transport_done(req);
    return false;
}

bool arrival_on_migrate(const WireHeader& w, const void* data, std::size_t len) {
    if (len < sizeof(RankRecord)) rt::fail_job(1, "a migrating rank's record arrived truncated");
    Arrival& a = arrivals[w.dst_world];
    a.have_record = true;
    a.version = w.loc_version;
    a.record.assign(static_cast<const unsigned char*>(data), static_cast<const unsigned char*>(data) + len);
    try_install(w.dst_world);
    return false;
}

bool arrival_on_segment(const WireHeader& w, void* rendezvous) {
    int rank = w.dst_world;
    arrivals[rank];  // the record may come later
    auto* addr = reinterpret_cast<void*>(static_cast<std::uintptr_t>(w.seq));
    auto bytes = static_cast<std::size_t>(w.bytes);
    if (!rt::prepare_rank_memory(rank, addr, bytes))
        rt::fail_job(1, "PE %d cannot map memory for arriving rank %d", rt::this_pe(), rank);
    auto* f = new SegmentFetch{kTagArrival, rank};
    if (rt::net::transport_fetch(rendezvous, addr, bytes, f)) migrate_fetch_done(f, true);
    return true;
}

bool arrival_on_program_data(const WireHeader& w, void* rendezvous) {
    int rank = w.dst_world;
    if (!program_data_travels() || w.bytes != rt::program_data_bytes())
        rt::fail_job(1, "rank %d brought %llu bytes of program data to PE %d, which expects %zu", rank,
                     static_cast<unsigned long long>(w.bytes), rt::this_pe(),
                     program_data_travels() ? rt::program_data_bytes() : 0);
    Arrival& a = arrivals[rank];  // the record may come later
    a.program_data.resize(static_cast<std::size_t>(w.bytes));
    auto* f = new SegmentFetch{kTagArrival, rank};
    if (rt::net::transport_fetch(rendezvous, a.program_data.data(), a.program_data.size(), f))
        migrate_fetch_done(f, true);
    return true;
}

void migrate_send_done(void* ctx, bool ok) {
    auto tag = *static_cast<std::uint32_t*>(ctx);
    if (tag != kTagDeparture) return control_send_done(ctx, ok);
    auto* d = static_cast<Departure*>(ctx);
    if (!ok) rt::fail_job(1, "rank %d could not be moved: the PE it went to is gone", d->rank);
    if (--d->sends == 0) finish_departure(d);
}

void migrate_fetch_done(void* ctx, bool ok) {
    auto tag = *static_cast<std::uint32_t*>(ctx);
    if (tag == kTagForward) return forward_fetch_done(ctx, ok);
    if (!ok) rt::fail_job(1, "a migration could not fetch its data: a PE is gone");
    if (tag == kTagResolve) {
        auto* f = static_cast<Resolve*>(ctx);
        if (f->held) f->held->fetching = false;
        --*f->pending;
        delete f;
        return;
    }
    auto* f = static_cast<SegmentFetch*>(ctx);
    int rank = f->rank;
    delete f;
    ++arrivals[rank].segments;
    try_install(rank);
}

namespace {
const bool registered = [] {
    rt::MigrationHooks hooks{};
    hooks.ready_to_leave = ready_to_move;
    hooks.depart = depart;
    location_hooks(&hooks);
    rt::set_migration_hooks(hooks);
    return true;
}();
}  // namespace

}  // namespace mosix::lib
