// remote.hpp — point-to-point between ranks on different PEs, over the transport.
//
// Ordering: the transport may deliver a later message of a (sender, receiver) pair before an
// earlier one (rendezvous and eager take different paths; after a migration a forwarded message
// can be overtaken by a direct one). Every message between PEs therefore carries a per-pair
// sequence number, and a message that arrives ahead of its predecessor is held back until the
// predecessor has been matched into the queues. Two ranks on one PE skip the numbering while
// nothing of theirs is in transit; when one of them has just migrated, a same-PE message can find
// an earlier one still on its way, and then it takes a number and waits behind it too.
// Protocol: eager up to kEagerLimit; rendezvous above it and for synchronous sends. A synchronous
// send completes once the receiver has matched it (sync_send.hpp), which a fetch alone is not.
#pragma once

#include <cstdint>
#include <vector>

#include "rank_state.hpp"
#include "request.hpp"
#include "wire.hpp"

namespace mosix::lib {

// A message that arrived ahead of its predecessor (PE heap; serialized when its rank migrates).
struct HeldMessage {
    WireHeader wire;
    std::vector<unsigned char> data;  // eager bytes
    void* rendezvous = nullptr;       // or the transport's descriptor of a rendezvous message
    // Its bytes are being fetched into `data` (its rank is getting ready to leave): it must stay
    // held, even once it is next in order, until they are all there.
    bool fetching = false;
};

// Starts a send to a rank on another PE; `req` completes when the transport is done with `buf`.
void remote_send_start(Request* req, int dest_world, const Envelope& env, const void* buf, bool synchronous);

// Matches a receive to an unexpected message that is a rendezvous from another PE: starts the
// fetch of its bytes into the receive (completing it when they are there) and consumes `desc`.
void remote_fetch_into(Request* recv, const Envelope& env, void* desc);

// A same-PE send from `src_world` to `dest` while an earlier message of the pair may still be on
// its way between PEs (see above): if so, copies the message into `dest`'s held messages behind
// it and returns true (the send is complete, unless `sync` names the synchronous send's request,
// which then waits for the match); else returns false and the caller delivers.
bool hold_behind_remote(RankState& sender, int src_world, rt::Rank* dest, RankState& ds, const Envelope& env,
                        const void* buf, const Request* sync);

// A message (kind `message`) for a rank that lives on this PE: matched in sequence order.
// Returns true if it kept the rendezvous descriptor.
bool receive_in_order(rt::Rank* dst, const WireHeader& w, const void* data, std::size_t len,
                      void* rendezvous);

// Delivers the held messages from `src_world` that are next in order (all sources if -1) and no
// longer being fetched.
void release_held(rt::Rank* dst, int src_world);

// The first bytes of every context pointer handed to the transport say what it is, so one pair
// of completion handlers serves requests and the migration protocol's own records.
enum CompletionTag : std::uint32_t {
    kTagForward = 0x6d667764,    // a message passed on to a rank's new PE (location.cc)
    kTagControl = 0x6d63746c,    // a control message (location.cc)
    kTagDeparture = 0x6d646570,  // a departing rank's image (migrate.cc)
    kTagArrival = 0x6d617272,    // a segment of an arriving rank (migrate.cc)
    kTagResolve = 0x6d72736c,    // a rendezvous message fetched before its rank leaves (migrate.cc)
};

}  // namespace mosix::lib
