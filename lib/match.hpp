// match.hpp — the matching engine of one rank: posted receives and unexpected messages.
//
// Matching is on (context, source, tag) with MPI_ANY_SOURCE and MPI_ANY_TAG. Both queues are kept
// in arrival order and searched from the oldest entry, which is what makes the non-overtaking rule
// hold: two messages from one sender on one communicator are matched in the order they were sent,
// as long as they are delivered to this engine in that order (the transport's job).
// The engine knows ranks only as numbers in a communicator; it never asks where a rank lives.
//
// A deep unexpected queue (ranks that send ahead, e.g. the leaves of a reduction called in a loop,
// pile up thousands of messages at their parent) would make every receive scan past other senders'
// messages. Past kIndexAt entries the queue is also indexed by (context, source): a receive for a
// specific source then scans only that sender's messages, still oldest first. Short queues — the
// common case — are scanned directly, so the fast path pays nothing for the index.
#pragma once

#include <cstdint>
#include <unordered_map>

#include "request.hpp"

namespace mosix::lib {

// A message that arrived before its receive was posted. Eager messages carry their bytes inline
// (after the struct); rendezvous messages point at the sender's request and buffer.
struct Unexpected {
    Envelope env;
    Request* rendezvous = nullptr;  // local rendezvous: the sender's pending request
    void* remote = nullptr;         // rendezvous from another PE: the transport's descriptor
    void* heap_data = nullptr;      // bytes too large for the inline buffer, in the receiver's heap
                                    // (a rendezvous message resolved before its rank migrated)
    std::size_t capacity = 0;       // inline data capacity (pool size class)
    // A synchronous send whose sender waits for this match: its rank and request (sync_send.hpp).
    std::uint64_t sync_request = 0;
    int sync_sender = -1;
    Unexpected* prev = nullptr;
    Unexpected* next = nullptr;
    Unexpected* source_prev = nullptr;  // links in the (context, source) index, when it exists
    Unexpected* source_next = nullptr;
    unsigned char* data() { return reinterpret_cast<unsigned char*>(this + 1); }
};

template <class T>
struct IntrusiveQueue {
    T* head = nullptr;
    T* tail = nullptr;
    void push(T* e) noexcept {
        e->next = nullptr;
        e->prev = tail;
        if (tail)
            tail->next = e;
        else
            head = e;
        tail = e;
    }
    void remove(T* e) noexcept {
        (e->prev ? e->prev->next : head) = e->next;
        (e->next ? e->next->prev : tail) = e->prev;
        e->prev = e->next = nullptr;
    }
    bool empty() const noexcept { return head == nullptr; }
};

inline bool envelope_matches(const Envelope& e, std::uint32_t context, int source, int tag) noexcept {
    return e.context == context && (source == MPI_ANY_SOURCE || source == e.source) &&
           (tag == MPI_ANY_TAG || tag == e.tag);
}

struct MatchQueues {
    IntrusiveQueue<Request> posted;
    bool wake_on_arrival = false;  // the rank blocks in Probe: any arrival may be what it waits for

    // The oldest posted receive that `e` matches, removed from the queue; nullptr if none.
    Request* take_posted(const Envelope& e) noexcept {
        for (Request* r = posted.head; r; r = r->next) {
            if (r->context == e.context && (r->peer == MPI_ANY_SOURCE || r->peer == e.source) &&
                (r->tag == MPI_ANY_TAG || r->tag == e.tag)) {
                posted.remove(r);
                return r;
            }
        }
        return nullptr;
    }

    // The oldest unexpected message matching the specification; not removed.
    Unexpected* find_unexpected(std::uint32_t context, int source, int tag) const noexcept {
        if (indexed_ && source != MPI_ANY_SOURCE) {
            auto it = by_source_.find(key(context, source));
            if (it == by_source_.end()) return nullptr;
            for (Unexpected* u = it->second.head; u; u = u->source_next)
                if (tag == MPI_ANY_TAG || tag == u->env.tag) return u;
            return nullptr;
        }
        for (Unexpected* u = unexpected.head; u; u = u->next)
            if (envelope_matches(u->env, context, source, tag)) return u;
        return nullptr;
    }

    void push_unexpected(Unexpected* u) {
        unexpected.push(u);
        ++unexpected_count_;
        if (indexed_)
            index_add(u);
        else if (unexpected_count_ > kIndexAt)
            build_index();
    }

    void remove_unexpected(Unexpected* u) noexcept {
        unexpected.remove(u);
        --unexpected_count_;
        if (!indexed_) return;
        index_remove(u);
        if (unexpected_count_ == 0) {  // drained: back to plain scanning
            by_source_.clear();
            indexed_ = false;
        }
    }

    // Migration: the queue's records travel in the rank's memory, the index (PE heap) does not.
    // forget_unexpected() drops the list without touching the records (the departing side);
    // push_unexpected() of each record in order rebuilds it on the arriving side.
    void forget_unexpected() noexcept {
        unexpected = {};
        unexpected_count_ = 0;
        by_source_.clear();
        indexed_ = false;
    }

    // Every unexpected message, in arrival order. Read freely; change only through push_unexpected
    // and remove_unexpected, which keep the index in step.
    IntrusiveQueue<Unexpected> unexpected;

private:
    static constexpr std::size_t kIndexAt = 64;

    struct SourceList {
        Unexpected* head = nullptr;
        Unexpected* tail = nullptr;
    };

    static std::uint64_t key(std::uint32_t context, int source) noexcept {
        return (static_cast<std::uint64_t>(context) << 32) | static_cast<std::uint32_t>(source);
    }

    void index_add(Unexpected* u) {
        SourceList& l = by_source_[key(u->env.context, u->env.source)];
        u->source_next = nullptr;
        u->source_prev = l.tail;
        (l.tail ? l.tail->source_next : l.head) = u;
        l.tail = u;
    }

    void index_remove(Unexpected* u) noexcept {
        auto it = by_source_.find(key(u->env.context, u->env.source));
        SourceList& l = it->second;
        (u->source_prev ? u->source_prev->source_next : l.head) = u->source_next;
        (u->source_next ? u->source_next->source_prev : l.tail) = u->source_prev;
        u->source_prev = u->source_next = nullptr;
        if (!l.head) by_source_.erase(it);
    }

    void build_index() {
        indexed_ = true;
        for (Unexpected* u = unexpected.head; u; u = u->next) index_add(u);
    }

    std::size_t unexpected_count_ = 0;
    bool indexed_ = false;
    std::unordered_map<std::uint64_t, SourceList> by_source_;
};

}  // namespace mosix::lib
