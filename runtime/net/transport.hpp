// transport.hpp — moving bytes between PEs: one UCX worker per PE, active messages.
//
// The transport knows PEs and opaque headers, never ranks or matching: the library's receive
// handler decides what an arriving message is for. Eager messages carry their bytes with them;
// rendezvous messages arrive as a descriptor, and the bytes are fetched (zero-copy where the
// transport can) once the library knows where they go — which may be much later, when the
// matching receive is posted. The header and data buffers of a send must stay valid until its
// completion is reported (UCX 1.13 has no header copy).
//
// Thread/PE safety: everything here runs on the PE's one thread, from the scheduler or a rank.
// Completion and receive callbacks run inside transport_progress(), from the scheduler only; they
// must not block, switch fibers or call transport_progress() (UCX asserts on re-entry).
#pragma once

#include <cstddef>
#include <string>

#include "bootstrap.hpp"

namespace mosix::rt::net {

// `ok` is false if the operation failed (peer gone, message refused). One handler serves every
// send and one every fetch (set with transport_init), so starting an operation allocates nothing:
// the caller's context pointer is all the transport keeps.
using CompletionFn = void (*)(void* ctx, bool ok);

// An arrived message. For eager ones `data` holds `len` bytes, valid during the call only, and
// `rendezvous` is null. For rendezvous ones `rendezvous` is a descriptor to pass to
// transport_fetch() later; the handler returns true if it kept it.
using ReceiveFn = bool (*)(const void* header, std::size_t header_len, const void* data, std::size_t len,
                           void* rendezvous);

struct TransportHandlers {
    ReceiveFn receive;        // a message arrived
    CompletionFn send_done;   // a transport_send that did not complete at once has
    CompletionFn fetch_done;  // a transport_fetch that did not complete at once has
};

// Creates this PE's worker and exchanges addresses with every PE (collective over the job).
std::string transport_init(const PeIdentity& id, const TransportHandlers& handlers);

// True if the job has more than one PE and the transport is up.
bool transport_active() noexcept;

// Sends header + data to PE `pe`. Returns true if the send completed at once (no handler runs);
// otherwise send_done(ctx, ok) runs from a later transport_progress(). A send that cannot even
// start (no route to the PE) calls send_done(ctx, false) before returning false.
bool transport_send(int pe, const void* header, std::size_t header_len, const void* data, std::size_t len,
                    bool rendezvous, void* ctx);

// Fetches a kept rendezvous message into buf (len must equal the message length). Same
// completion contract as transport_send, with fetch_done.
bool transport_fetch(void* rendezvous, void* buf, std::size_t len, void* ctx);

// Runs the network once; returns the number of events handled.
unsigned transport_progress();

// Sleeps until the network has something for this PE or `timeout_ms` passes.
void transport_wait(int timeout_ms);

// Flushes and closes every endpoint, fences with all PEs, and releases the worker.
void transport_finalize();

}  // namespace mosix::rt::net
