// remote.hpp — point-to-point between ranks on different PEs, over the transport.
//
// Ordering: the transport may deliver a later message of a (sender, receiver) pair before an
// earlier one (rendezvous and eager take different paths; after migration a forwarded message can
// be overtaken by a direct one). Every message therefore carries a per-pair sequence number, and
// the receiving PE holds back a message until its predecessor has been matched into the queues.
// Protocol: eager up to kEagerLimit; rendezvous above it and for synchronous sends, so a
// synchronous send completes exactly when the receiver has matched it and fetched the bytes.
#pragma once

#include "rank_state.hpp"
#include "request.hpp"

namespace mosix::lib {

// Starts a send to a rank on another PE; `req` completes when the transport is done with `buf`.
void remote_send_start(Request* req, int dest_world, const Envelope& env, const void* buf, bool synchronous);

// Matches a receive to an unexpected message that is a rendezvous from another PE: starts the
// fetch of its bytes into the receive (completing it when they are there) and consumes `desc`.
void remote_fetch_into(Request* recv, const Envelope& env, void* desc);

}  // namespace mosix::lib
