// rank_state.hpp — everything the library keeps for one rank: its matching engine, its handle
// tables (communicators, groups, user ops, error handlers), its request pool and its lifecycle.
// It is rank-owned state: it will travel with the rank when the rank migrates.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "attributes.hpp"
#include "group.hpp"
#include "match.hpp"
#include "request.hpp"
#include "runtime/this_rank.hpp"
#include "topology.hpp"

namespace mosix::lib {

namespace coll {
struct Hierarchy;
}
namespace nbc {
struct State;
}

struct Comm {
    bool live = false;
    std::uint32_t context = 0;  // point-to-point; context + 1 carries this communicator's collectives
    GroupPtr group;
    int rank = MPI_UNDEFINED;  // this rank's rank in the communicator
    MPI_Errhandler errhandler = MPI_ERRORS_ARE_FATAL;
    std::string name;
    // Two-level view for collectives across PEs, built on first use (coll/hierarchy.hpp).
    mutable std::shared_ptr<const coll::Hierarchy> hierarchy;
    // Intercommunicators (lib/intercomm.hpp): the remote group, null for an intracommunicator.
    // Point-to-point ranks name its members; `group`, `rank` and size() stay the local group's.
    GroupPtr remote_group;
    // The local group as an intracommunicator of its own (contexts context + 2 and + 3), for the
    // local phases of intercommunicator collectives; built on first use, like `hierarchy`.
    mutable std::shared_ptr<const Comm> local_view;
    // Process topology (lib/topology.hpp), shared with the communicator's duplicates; null if none.
    TopologyPtr topology;
    std::vector<Attribute> attributes;  // in the order set (lib/attributes.hpp)
    InfoEntries hints;                  // MPI_Comm_set_info's keys

    int size() const noexcept { return group->size; }
    bool is_inter() const noexcept { return remote_group != nullptr; }
    // The group that point-to-point ranks on this communicator name.
    const Group& peers() const noexcept { return remote_group ? *remote_group : *group; }
    std::uint32_t coll_context() const noexcept { return context + 1; }
};

struct UserOp {
    bool live = false;
    MPI_User_function* fn = nullptr;
    bool commutative = true;
};

struct DerivedType;

struct UserErrhandler {
    bool live = false;
    MPI_Comm_errhandler_function* fn = nullptr;
};

// Size classes of pooled eager-message buffers; larger unexpected messages use rendezvous.
constexpr std::size_t kEagerLimit = 64 * 1024;
constexpr int kBufferClasses = 4;
constexpr std::size_t kBufferClassBytes[kBufferClasses] = {256, 4096, 16384, kEagerLimit};

struct RankState {
    MatchQueues queues;
    std::vector<Comm> comms;                  // by communicator handle index
    std::vector<GroupPtr> groups;             // by group handle index; 0 is MPI_GROUP_EMPTY
    std::vector<UserOp> ops;                  // user ops: handle index - MOSIX_OP_PREDEFINED_COUNT
    std::vector<UserErrhandler> errhandlers;  // user handlers: handle index - 2
    std::vector<Keyval> keyvals;              // by keyval handle index
    std::vector<Info> infos;                  // by info handle index; 0 is MPI_INFO_ENV
    std::vector<UserError> user_errors;       // MPI_Add_error_class/code, from MPI_ERR_LASTCODE + 1
    int last_used_code = MPI_ERR_LASTCODE;    // the MPI_LASTUSEDCODE attribute's value
    // Derived datatypes (handle index - MOSIX_DT_PREDEFINED_COUNT); the types themselves are in
    // the rank's memory and travel as such (lib/datatype_derived.hpp).
    std::vector<DerivedType*> types;
    Request* free_requests = nullptr;   // request pool (linked through `next`)
    std::vector<void*> request_chunks;  // the pool's memory, released with the state
    nbc::State* nbc = nullptr;          // nonblocking collectives (lib/nbc), in rank memory
    Unexpected* free_buffers[kBufferClasses] = {};
    std::uint32_t next_context = 4;  // 0/1 world, 2/3 self
    bool initialized = false;
    bool finalized = false;
    const Request* waiting_on = nullptr;  // for deadlock reports
    // Sends to other PEs whose buffers the transport still reads, and fetches still writing into
    // this rank's memory. A rank migrates once its fetches are done; its sends may still be in
    // flight (the old PE keeps the pages until they complete, then tells the rank).
    int sends_in_flight = 0;
    int fetches_in_flight = 0;
    int local_rendezvous_sends = 0;  // same-PE rendezvous sends waiting in a receiver's queue

    // Ordering of messages between PEs (see remote.cc): next sequence number per peer rank.
    std::unordered_map<int, std::uint64_t> send_seq;  // to each destination rank
    int last_dest = -1;                               // send_seq's entry for the last destination:
    std::uint64_t* last_dest_seq = nullptr;           // repeated sends to one peer skip the hash
    std::unordered_map<int, std::uint64_t> recv_seq;  // expected from each source rank
    int last_source = -1;                             // recv_seq's entry for the last source
    std::uint64_t* last_source_seq = nullptr;
    // Matches of synchronous sends told to each sender, and heard from each receiver: a
    // checkpoint waits until every match told has been heard (sync_send.hpp).
    std::unordered_map<int, std::uint64_t> matches_told;
    std::unordered_map<int, std::uint64_t> matches_heard;
    std::vector<struct HeldMessage*> held;        // arrived ahead of a predecessor
    std::uint64_t checkpoint_seq = 0;             // number of the last checkpoint taken (0: none yet)
    std::uint64_t world_collectives = 0;          // blocking collectives on MPI_COMM_WORLD so far
    std::uint64_t checkpoint_request_served = 0;  // id of the last requested checkpoint taken
    // MPI_Buffer_attach's buffer (the program's memory) and how much of it buffered sends in
    // flight count against (lib/mpi/bsend.cc).
    bool bsend_attached = false;
    void* bsend_buffer = nullptr;
    int bsend_size = 0;
    std::size_t bsend_used = 0;

    RankState() = default;
    RankState(const RankState&) = delete;
    RankState& operator=(const RankState&) = delete;
    ~RankState();
};

// The calling rank's state, created on first use. REQUIRES: called by a rank.
RankState& self_state();
// Any local rank's state (the receiver's, when a sender delivers to it).
RankState& state_of(rt::Rank* r);

// The communicator for handle `h` in the calling rank's table, or nullptr if `h` is not a live one.
Comm* comm_get(MPI_Comm h) noexcept;

}  // namespace mosix::lib
