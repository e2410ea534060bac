// sync_send.hpp — a synchronous send (MPI_Ssend, MPI_Issend) completes when its receiver has
// matched it, not earlier: wherever the message is when that happens.
//
// The transport's completion of a rendezvous send is not a match: a receiving rank that migrates
// fetches its waiting messages into its own memory first, a PE forwarding a message to a rank's
// new PE fetches it to pass it on, and a same-PE send that has to wait behind one in transit is
// copied. Each of those frees the sender's buffer long before any receive matches. NBX-style
// programs (Issend, Iprobe, Ibarrier) count on the match: a send completed early lets the sender
// reach a barrier its receiver leaves without the message.
//
// So a synchronous send carries its request's address (WireHeader::sync_request, or the record of
// a waiting same-PE send), the message keeps it wherever it goes (held, forwarded, kept for an
// arriving rank, resolved into a departing rank's memory, checkpointed), and the receive that
// matches it tells the sender (kind send_matched, routed like a message to wherever the sender is
// by then). The send request completes once both halves are in: the transport done with the
// buffer, and the match told.
#pragma once

#include <cstdint>

#include "request.hpp"
#include "runtime/rank.hpp"
#include "wire.hpp"

namespace mosix::lib {

// The transport (or a copy) is done with a send's buffer: it completes unless it still awaits its
// match.
void send_transport_done(Request* req) noexcept;

// Rank `receiver` matched a synchronous send of rank `sender` whose request is at `request` in the
// sender's memory: tells the sender (directly if it is on this PE).
void tell_matched(rt::Rank* receiver, int sender, std::uint64_t request);

// Kind send_matched arrived for a rank on this PE (routed by location.cc otherwise).
void on_send_matched(const WireHeader& w);

// The send request of rank w.dst_world at address w.seq, as another PE names it (send_matched,
// request_done), or nullptr if that is not one: an address from the wire is checked, not trusted.
Request* send_request_named(const WireHeader& w) noexcept;

}  // namespace mosix::lib
