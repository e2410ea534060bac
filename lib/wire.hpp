// wire.hpp — the header of every message between PEs. Written by the sender, read by the receiving
// PE's handler; it travels as the UCX active message's header. Append fields, never reorder (PEs
// of one job always run the same binary, but checkpoints may keep messages).
#pragma once

#include <cstdint>

namespace mosix::lib {

// What a message between PEs is. Point-to-point messages are the hot path; the rest carry the
// migration protocol (migrate.cc) and location service (location.cc).
enum class WireKind : std::uint32_t {
    message = 0,              // a point-to-point message for rank dst_world
    migrate = 1,              // a migrating rank's control block and library state (data)
    segment = 2,              // a piece of a migrating rank's slot: `bytes` bytes for address `seq`
    location = 3,             // rank dst_world lives on PE `source` since move `loc_version`
    migrate_request = 4,      // please move rank dst_world to PE `source`
    finished = 5,             // `bytes` more ranks finished on the sending PE
    gossip = 6,               // the sending PE's load table (runtime/gossip.hpp)
    request_done = 7,         // rank dst_world's send request at address `seq` completed on an old PE
    checkpoint_part = 8,      // to PE 0: a PE wrote a part of checkpoint `seq` (data: its PartRecord)
    checkpoint_resume = 9,    // from PE 0: checkpoint `seq` is committed, resume its ranks
    checkpoint_request = 10,  // from PE 0: a checkpoint is requested, id `seq`, issue number `bytes`
    // One rank per PE (rank_per_pe.cc): may rank dst_world come to you? Asked by PE `source`.
    pe_reserve = 11,
    pe_reserve_reply = 12,  // the answer to pe_reserve for rank dst_world: `bytes` 1 yes, 0 no
    program_data = 13,      // a migrating rank's copy of the program's globals (rendezvous)
    // Rank dst_world's synchronous send request at address `seq` was matched by rank src_world
    // (lib/sync_send.hpp).
    send_matched = 14,
};

struct WireHeader {
    std::uint32_t context;  // communicator context id
    std::int32_t source;    // sender's rank in the communicator
    std::int32_t tag;
    std::int32_t dst_world;  // receiving rank (world)
    std::int32_t src_world;  // sending rank (world)
    WireKind kind;
    std::uint64_t seq;    // per (src_world, dst_world) sequence number, from 0
    std::uint64_t bytes;  // message length
    // How many moves of dst_world the sender's location entry knew of when it chose the PE: a PE
    // that gets a message for a rank it does not hold forwards it if it knows as much (the rank
    // left), and keeps it for the rank's arrival if the sender knew more (the rank is on its way).
    std::uint32_t loc_version;
    std::uint32_t reserved;
    // A synchronous send: the address of the sender's request, in the sender's memory, which the
    // receiver names when it matches the message (kind send_matched). 0 for other sends.
    std::uint64_t sync_request;
};

}  // namespace mosix::lib
