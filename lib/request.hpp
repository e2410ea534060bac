// request.hpp — request objects: one per pending send or receive, owned by the rank that started
// it. MPI_Request is a pointer to one. Blocking calls keep theirs on the rank's stack (which is
// rank memory); nonblocking calls take one from the rank's pool, so neither path allocates.
#pragma once

#include <mpi.h>

#include <cstddef>
#include <cstdint>

#include "runtime/rank.hpp"
#include "wire.hpp"

namespace mosix::lib {

struct Datatype;

struct Envelope {
    std::uint32_t context;  // communicator context id (point-to-point or collective)
    int source;             // sender's rank in the communicator
    int tag;
    std::size_t bytes;
};

// coll: a nonblocking collective (lib/nbc/schedule.hpp); it completes when its schedule is done.
enum class RequestKind : std::uint8_t { send, recv, coll };

// The operation a persistent request repeats: its call's arguments (lib/mpi/persistent.cc).
struct PersistentOp {
    std::uint8_t mode = 0;  // persistent.cc's Mode
    void* buf = nullptr;
    int count = 0;
    MPI_Datatype type = MPI_DATATYPE_NULL;
    int peer = 0;  // destination or source, in the communicator
    int tag = 0;
    MPI_Comm comm = MPI_COMM_NULL;
};

}  // namespace mosix::lib

// Named at global scope because mpi.h's MPI_Request is `struct mosix_request*`.
struct mosix_request {
    static constexpr std::uint32_t kLive = 0x6d6f7271;  // "morq"
    static constexpr std::uint32_t kFreed = 0x66726565;

    std::uint32_t magic = kLive;
    mosix::lib::RequestKind kind = mosix::lib::RequestKind::recv;
    bool complete = false;
    bool cancelled = false;
    bool pooled = false;      // returns to the rank's pool when done
    bool user_freed = false;  // MPI_Request_free before completion: release on completion
    bool in_flight = false;   // counted in the owner's sends/fetches_in_flight until complete
    // A send completes when the transport is done with its buffer (`sending` clears) and, if it is
    // synchronous, when its receiver has matched it (`await_match` clears): lib/sync_send.hpp.
    bool sending = false;
    bool await_match = false;
    mosix::rt::Rank* owner = nullptr;
    MPI_Comm comm = MPI_COMM_NULL;  // whose error handler reports errors found at completion

    // Match specification (receive) or envelope (send).
    std::uint32_t context = 0;
    int peer = 0;  // receive: source or MPI_ANY_SOURCE; send: destination world rank
    int tag = 0;

    // Receive: where the data goes. Send (rendezvous): where it comes from.
    void* buf = nullptr;
    std::size_t bytes = 0;  // receive: capacity; send: message size

    // Result (receive).
    int status_source = MPI_ANY_SOURCE;
    int status_tag = MPI_ANY_TAG;
    int status_error = MPI_SUCCESS;
    std::size_t status_bytes = 0;
    std::size_t arrived_bytes = 0;  // differs from status_bytes when truncated

    // A send to another PE: the header must stay valid until the transport completes the send.
    mosix::lib::WireHeader wire{};
    // A truncated rendezvous receive from another PE lands here first (rank memory), then the part
    // that fits is copied to `buf`.
    void* scratch = nullptr;
    // A buffered send's copy of the message (rank memory) and its share of the attached buffer:
    // both given back when the request is released.
    void* bsend_copy = nullptr;
    std::size_t bsend_bytes = 0;

    // A persistent request (MPI_Send_init and kin): the operation MPI_Start repeats, and whether
    // it is started. An inactive one is treated like MPI_REQUEST_NULL by the Wait/Test calls.
    bool persistent = false;
    bool active = false;
    mosix::lib::PersistentOp op{};

    // A nonblocking collective: the call that started it (MPI_Ibcast, ...), for error reports.
    const char* coll_call = nullptr;

    // A derived datatype whose data is not one run (lib/datatype_pack.hpp): a send's packed copy
    // of the message, or the packed bytes a receive lands in (its `buf`), unpacked into
    // `unpack_buf` when it completes. Rank memory; the receive holds a reference on the type.
    void* packed = nullptr;
    void* unpack_buf = nullptr;
    int unpack_count = 0;
    const mosix::lib::Datatype* unpack_type = nullptr;
    // A persistent request's derived type, held (a handle reference) while the request exists, so
    // MPI_Type_free does not stop its later starts.
    const mosix::lib::Datatype* persistent_type = nullptr;

    // Posted-receive queue links (intrusive, so cancel is O(1)).
    mosix_request* prev = nullptr;
    mosix_request* next = nullptr;
};

namespace mosix::lib {

using Request = mosix_request;

// Completes `r` and wakes its owner if it waits.
void request_complete(Request* r) noexcept;

// A request from the calling rank's pool, initialised for `kind`.
Request* request_alloc(RequestKind kind);
// Returns a completed pooled request to its owner's pool.
void request_release(Request* r) noexcept;

// True if `r` looks like a live request object (not null, not freed, not garbage with our magic).
inline bool request_valid(const Request* r) noexcept { return r && r->magic == Request::kLive; }

}  // namespace mosix::lib
