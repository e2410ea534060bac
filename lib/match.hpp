// match.hpp — the matching engine of one rank: posted receives and unexpected messages.
//
// Matching is on (context, source, tag) with MPI_ANY_SOURCE and MPI_ANY_TAG. Both queues are kept
// in arrival order and searched from the oldest entry, which is what makes the non-overtaking rule
// hold: two messages from one sender on one communicator are matched in the order they were sent,
// as long as they are delivered to this engine in that order (the transport's job).
// The engine knows ranks only as numbers in a communicator; it never asks where a rank lives.
#pragma once

#include "request.hpp"

namespace mosix::lib {

// A message that arrived before its receive was posted. Eager messages carry their bytes inline
// (after the struct); rendezvous messages point at the sender's request and buffer.
struct Unexpected {
    Envelope env;
    Request* rendezvous = nullptr;  // local rendezvous: the sender's pending request
    void* remote = nullptr;         // rendezvous from another PE: the transport's descriptor
    std::size_t capacity = 0;       // inline data capacity (pool size class)
    Unexpected* prev = nullptr;
    Unexpected* next = nullptr;
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
    IntrusiveQueue<Unexpected> unexpected;
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
        for (Unexpected* u = unexpected.head; u; u = u->next)
            if (envelope_matches(u->env, context, source, tag)) return u;
        return nullptr;
    }
};

}  // namespace mosix::lib
