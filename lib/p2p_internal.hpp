// p2p_internal.hpp — pieces of the point-to-point engine shared by the on-PE path (p2p.cc) and the
// between-PE path (remote.cc).
#pragma once

#include "match.hpp"
#include "rank_state.hpp"

namespace mosix::lib {

// Copies an arrived message into a matched receive, sets its status (truncating to the receive
// buffer, with MPI_ERR_TRUNCATE) and completes it.
void deliver(Request* recv, const Envelope& env, const void* data) noexcept;

// An unexpected-message record from the receiver's pool (in the receiver's memory), with room for
// `bytes` inline bytes.
Unexpected* unexpected_alloc(rt::Rank* receiver, RankState& s, std::size_t bytes);
void unexpected_free(RankState& s, Unexpected* u) noexcept;

}  // namespace mosix::lib
