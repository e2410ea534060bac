// p2p.hpp — the point-to-point engine under every binding and collective. No argument checks
// here (the bindings do them); ranks are addressed by world rank for delivery and by communicator
// rank in envelopes.
//
// Protocols on one PE (no transport involved):
//   receive already posted  -> one copy, straight from the send buffer into the receive buffer;
//   unexpected, <= kEagerLimit and not synchronous -> copied into a pooled buffer, send completes;
//   unexpected, larger or synchronous -> rendezvous: the send stays pending until the receive
//                                        matches it and copies from the sender's buffer.
#pragma once

#include "rank_state.hpp"
#include "request.hpp"

namespace mosix::lib {

// Starts a send; `req` (kind send, owner set) completes when the send buffer may be reused.
void send_start(Request* req, int dest_world, const Envelope& env, const void* buf, bool synchronous);

// Starts a receive; `req` has context, peer (source in comm or MPI_ANY_SOURCE), tag, buf and bytes.
void recv_start(Request* req);

// Blocks the calling rank until `req` completes. `call` names the waiting MPI call.
void wait_for(Request* req, const char* call);

// Looks for a matching unexpected message; fills *found_env and returns true if one is there.
// With `block`, waits until one arrives.
bool probe(std::uint32_t context, int source, int tag, bool block, Envelope* found_env);

// Cancels a pending receive: true if it was still unmatched (it completes as cancelled).
bool cancel_recv(Request* req);

// Convenience for collectives: blocking send and receive of raw bytes on `comm`'s collective
// context, to and from communicator ranks (the remote group's on an intercommunicator).
void coll_send(const Comm& comm, const void* buf, std::size_t bytes, int dest, int tag);
void coll_recv(const Comm& comm, void* buf, std::size_t bytes, int source, int tag);
void coll_sendrecv(const Comm& comm, const void* sbuf, std::size_t sbytes, int dest, void* rbuf,
                   std::size_t rbytes, int source, int tag);

// Fills a user's MPI_Status from a completed receive request (ignores MPI_STATUS_IGNORE).
void status_from(const Request* req, MPI_Status* status) noexcept;

}  // namespace mosix::lib
