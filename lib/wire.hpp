// wire.hpp — the header of a point-to-point message between PEs. Written by the sender, read by
// the receiving PE's handler; it travels as the UCX active message's header. Append fields,
// never reorder (PEs of one job always run the same binary, but checkpoints may keep messages).
#pragma once

#include <cstdint>

namespace mosix::lib {

struct WireHeader {
    std::uint32_t context;  // communicator context id
    std::int32_t source;    // sender's rank in the communicator
    std::int32_t tag;
    std::int32_t dst_world;  // receiving rank (world)
    std::int32_t src_world;  // sending rank (world)
    std::uint32_t flags;     // reserved
    std::uint64_t seq;       // per (src_world, dst_world) sequence number, from 0
    std::uint64_t bytes;     // message length
};

}  // namespace mosix::lib
