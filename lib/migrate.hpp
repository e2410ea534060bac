// migrate.hpp — the library's half of live migration: the protocol that moves a rank between PEs
// (migrate.cc), the location service that finds it afterwards (location.cc), and the travelling
// form of its library state (migrate_state.cc). The runtime's half is runtime/migration.hpp.
//
// A move of rank r from PE A to PE B:
//  1. r, at a migration point on A, gets its in-transit bytes home: a rendezvous message waiting
//     in its queues is fetched into its heap, a same-PE sender's buffer copied, fetches into its
//     memory finish. Its own sends need not: same-PE ones are copied to their receivers, and for
//     ones to other PEs A keeps r's old pages until the transport is done, then tells r
//     (`request_done`, routed like a message). So a move never waits for another rank.
//  2. A serializes r's library state, sends it with r's control block (kind `migrate`), then the
//     touched heap and the stack in use (kind `segment`, rendezvous: B fetches them straight into
//     the same addresses), and from then on forwards whatever arrives for r to B.
//  3. B installs r once all pieces are there, delivers what arrived for r meanwhile, and r runs.
//  A PE that forwarded a message tells the sender's PE where r went, so later messages go directly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "rank_state.hpp"
#include "runtime/migration.hpp"
#include "wire.hpp"

namespace mosix::lib {

// What travels ahead of a rank's memory when it moves (and heads its image in a checkpoint): the
// control block's fields and where the memory goes.
struct RankRecord {
    int rank;
    int exit_code;
    int library_depth;
    bool started;
    bool has_lib;
    boost::context::detail::fcontext_t context;
    void* locals;
    void (*before_leaving)(int, int, void*);
    void (*after_arriving)(int, int, void*);
    void* hook_arg;
    void* heap;
    std::uint64_t heap_bytes;
    void* stack;
    std::uint64_t stack_bytes;
};
RankRecord record_of(const rt::Rank* r, const rt::RankImage& image);
// Sets the control block's fields from a record (the rank is not runnable yet).
void install_record(rt::Rank* r, const RankRecord& rec);

// Transport receive handler for every kind but `message`, and for messages whose rank is not
// here. Returns true if it kept the rendezvous descriptor.
bool migrate_on_control(const WireHeader& w, const void* data, std::size_t len, void* rendezvous);
bool route_message(const WireHeader& w, const void* data, std::size_t len, void* rendezvous);

// Completion of the protocol's own sends and fetches (ctx starts with a CompletionTag).
void migrate_send_done(void* ctx, bool ok);
void migrate_fetch_done(void* ctx, bool ok);

// location.cc: a message for this PE kept until its rank arrives; replayed by the arrival.
void keep_for_arrival(int rank, const WireHeader& w, const void* data, std::size_t len, void* rendezvous);
void replay_for_arrival(int rank);
// location.cc: tells PE `pe` where `rank` is now (after a forward, or its home after a move).
void tell_location(int pe, int rank);
// location.cc: the protocol's sends that carry a header (and bytes) owned by a record.
void send_control(int pe, const WireHeader& w, std::vector<unsigned char> data);
void control_send_done(void* ctx, bool ok);
void forward_fetch_done(void* ctx, bool ok);
// migrate.cc: a rank's sends that this PE's transport still reads. The rank may migrate meanwhile;
// this PE then keeps its pages until they are done and tells it (away_send_done) where it is.
void sent_from_here(int rank);
void sent_from_here_done(int rank);
void away_send_done(int rank, const Request* req);
bool complete_away_request(const WireHeader& w);  // kind request_done, for a rank that is here
// migrate.cc: the arrival side.
bool arrival_on_migrate(const WireHeader& w, const void* data, std::size_t len);
bool arrival_on_segment(const WireHeader& w, void* rendezvous);
bool arrival_on_program_data(const WireHeader& w, void* rendezvous);

// rank_per_pe.cc: with one rank per PE, a rank leaves only for a PE that has promised it a place.
// Runs on the rank at its migration point: asks PE `pe` and waits for the answer; on a refusal,
// drops the request (rt::migration_refused) and returns false.
bool reserve_destination(rt::Rank* r, int pe);
// rank_per_pe.cc: kinds pe_reserve and pe_reserve_reply.
void rank_per_pe_on_control(const WireHeader& w);
// rank_per_pe.cc: `rank` is installed here, which ends the place kept for it.
void rank_per_pe_arrived(int rank);
// rank_per_pe.cc: the transport finished reading something of a departed rank here.
void rank_per_pe_transport_done();
// migrate.cc: true while this PE's transport still reads memory of ranks that left (a send from
// their buffers, their images): one rank per PE, their buffers may be in the program's globals.
bool departed_ranks_in_flight();

// migrate.cc: brings home every byte of `r` that lives elsewhere and waits for fetches into it
// (a migration point, and a checkpoint's drain). Always returns true.
bool ready_to_leave(rt::Rank* r);

// migrate_state.cc: the library state of a rank, as bytes that rebuild it on another PE. pack
// releases everything of `s` that lives on this PE's heap and leaves the records in the rank's own
// memory (requests, unexpected messages, buffers) to travel with it; `s` is destroyed.
std::vector<unsigned char> pack_rank_state(RankState* s);
RankState* unpack_rank_state(rt::Rank* r, const unsigned char* data, std::size_t len);

}  // namespace mosix::lib
