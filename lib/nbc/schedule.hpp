// schedule.hpp — the engine under the nonblocking collectives (MPI_Ibarrier, MPI_Ibcast, ...).
//
// A nonblocking collective is a schedule: rounds of actions, each a send or receive of raw bytes
// to or from a communicator rank, or a local step (a copy, a reduction). Starting a round does its
// local steps in order and starts its sends and receives; the next round starts once all of them
// are complete. The first round starts in the call itself; later ones start whenever the rank is
// inside the library and something may have moved: in every Wait, Test, Probe and Iprobe call and
// each time a blocked rank is woken (progress(), called from lib/p2p.cc and lib/mpi/wait.cc). The
// program's request completes when the last round is done.
//
// Messages travel on the communicator's collective context with a tag of their own per
// collective: kTagBase plus the communicator's count of nonblocking collectives so far. Every rank
// starts the collectives of a communicator in the same order (the standard requires it), so the
// count agrees; blocking collectives use small tags (coll_util.hpp), so neither they nor another
// nonblocking collective under way on the same communicator can take these messages.
//
// Everything a schedule holds — its actions, its requests, its scratch buffers, the list of
// schedules under way and the per-communicator counts — is rank memory (rt::rank_alloc), reached
// from RankState::nbc, which migration and checkpoints carry as a pointer. So a rank with
// collectives under way migrates like any other: its posted receives and in-flight sends are
// ordinary requests (migrate.cc's ready_to_leave brings their bytes home), and the schedules go
// on from where they were on the new PE.
//
// Derived datatypes: the bindings stage them (lib/mpi/coll_stage.hpp) into objects the schedule
// keeps (Builder::keep), holding a reference on each type, and unpack what was received when the
// last round is done (Builder::at_completion); the rounds move packed bytes only.
#pragma once

#include <mpi.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <new>
#include <unordered_map>
#include <utility>
#include <vector>

#include "lib/op.hpp"
#include "lib/rank_state.hpp"
#include "runtime/rank_memory.hpp"

namespace mosix::lib::nbc {

using Byte = unsigned char;

template <class T>
using RankVector = std::vector<T, rt::RankAllocator<T>>;

// Tags of nonblocking collectives: kTagBase + (count mod kTagSpan). Far above the blocking ones.
constexpr int kTagBase = 1 << 30;
constexpr std::uint32_t kTagSpan = 1u << 29;

struct Action {
    enum class Kind : std::uint8_t { send, recv, copy, reduce };
    Kind kind;
    int peer;         // send, recv: the peer's rank in the communicator
    int peer_world;   // send: its world rank
    const void* src;  // send: the bytes; copy: source; reduce: the left operand
    void* dst;        // recv: where the bytes go; copy: destination; reduce: operand and result
    std::size_t bytes;
    int count;  // reduce: elements
};

// An object the schedule owns (destroy) or a step it runs when its last round is done (finish).
struct Kept {
    void* obj;
    void (*fn)(void*);
};

struct Schedule {
    Schedule* next = nullptr;    // in State::head's list
    Request* request = nullptr;  // the program's handle
    const char* call = nullptr;  // "MPI_Ibcast", ...
    std::uint32_t context = 0;
    int rank = 0;  // the caller's rank in the communicator: the envelopes' source
    int tag = 0;
    OpRef op{};  // reductions: the operation and element type
    MPI_Datatype type = MPI_DATATYPE_NULL;
    const Datatype* dt = nullptr;
    RankVector<Action> actions;
    RankVector<std::uint32_t> round_ends;  // round r is actions [round_ends[r-1], round_ends[r])
    std::size_t next_round = 0;
    Request* reqs = nullptr;  // the current round's sends and receives
    int max_reqs = 0;
    int nreqs = 0;
    bool truncated = false;             // a receive got more than its buffer holds (ranks disagree on sizes)
    RankVector<void*> buffers;          // scratch, freed with the schedule
    RankVector<Kept> kept;              // destroyed with the schedule (datatype stages)
    RankVector<Kept> finish;            // run when it is done, in order (unpacking into derived types)
    RankVector<const Datatype*> types;  // held (a reference each) while it lives
};

// A rank's nonblocking collectives under way, and how many each communicator has started.
struct State {
    Schedule* head = nullptr;
    int held = 0;  // Hold objects alive: no schedule advances
    std::unordered_map<std::uint32_t, std::uint32_t, std::hash<std::uint32_t>, std::equal_to<std::uint32_t>,
                       rt::RankAllocator<std::pair<const std::uint32_t, std::uint32_t>>>
        started;  // by collective context
};

// Builds one schedule for the calling rank, on `comm` (handle `handle`, whose error handler reports
// what goes wrong after the start); start() sets it going.
class Builder {
public:
    Builder(const Comm& comm, MPI_Comm handle, const char* call);
    ~Builder();
    Builder(const Builder&) = delete;
    Builder& operator=(const Builder&) = delete;

    int size() const noexcept { return comm_.size(); }
    int rank() const noexcept { return comm_.rank; }

    // The operation and element type of the reduce() steps.
    void reduction(const OpRef& op, MPI_Datatype type);
    bool commutative() const noexcept { return s_->op.commutative; }
    // Rank memory that lives as long as the schedule.
    Byte* scratch(std::size_t bytes);
    // Keeps `dt` alive while the schedule is (the program may free its handle first).
    void hold(const Datatype& dt);
    // An object that lives as long as the schedule, in rank memory (a datatype stage).
    template <class T, class... Args>
    T& keep(Args&&... args) {
        T* t = new (rt::rank_alloc(sizeof(T))) T(std::forward<Args>(args)...);
        s_->kept.push_back(Kept{t, [](void* p) {
                                    static_cast<T*>(p)->~T();
                                    rt::rank_free(p);
                                }});
        return *t;
    }
    // Runs fn(obj) when the last round is done, before the request completes.
    void at_completion(void (*fn)(void*), void* obj) { s_->finish.push_back(Kept{obj, fn}); }

    void send(const void* buf, std::size_t bytes, int peer);
    void recv(void* buf, std::size_t bytes, int peer);
    void copy(void* dst, const void* src, std::size_t bytes);
    // inout = in op inout, over `count` elements (`in` is the lower-ranked operand).
    void reduce(const void* in, void* inout, int count);
    // Like coll::combine: `in` came from lower ranks or higher ones (non-commutative ops then
    // compute into `in` and copy back).
    void combine(Byte* in, Byte* inout, int count, bool in_is_lower);
    // Closes the current round (an empty one is dropped).
    void end_round();

    // Starts the schedule and returns the program's request (already complete if nothing had to
    // wait). The builder is spent.
    Request* start();

private:
    const Comm& comm_;
    MPI_Comm handle_;
    Schedule* s_;
};

// Advances every schedule of the calling rank that can go on; completes finished ones.
void progress_all(RankState& s);
inline void progress(RankState& s) {
    if (s.nbc && s.nbc->head && !s.nbc->held) progress_all(s);
}

// While one lives, the calling rank's schedules send nothing new: a checkpoint counts the messages
// in flight and waits for them (lib/checkpoint.cc), and a round started meanwhile would put a
// message on the wire that no count includes. They go on after the checkpoint.
class Hold {
public:
    Hold();
    ~Hold();
    Hold(const Hold&) = delete;
    Hold& operator=(const Hold&) = delete;

private:
    State& st_;
};

// Frees a rank's state (RankState's destructor).
void release(State* st) noexcept;

}  // namespace mosix::lib::nbc
