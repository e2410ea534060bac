// rank_memory.hpp — the one interface through which the library allocates memory a rank owns
// (its request objects, unexpected-message buffers, scratch of its collectives).
//
// Such memory must travel with the rank when it migrates, so it comes from the owning rank's slot
// heap whenever the job has rank heaps (rank_heap.hpp), and from the PE heap otherwise (tests
// that turn rank heaps off). Library code is in library mode, where plain malloc would serve the
// PE heap: that is why rank state is allocated here, explicitly for its owner, and never with
// malloc. The owner need not be the running rank: a sender allocates the unexpected-message
// buffer of its receiver.
#pragma once

#include "rank.hpp"
#include "rank_heap.hpp"
#include "this_rank.hpp"

#include <cstddef>
#include <cstdlib>
#include <new>

namespace mosix::rt {

inline void* rank_alloc(const Rank* owner, std::size_t bytes) {
    SlotHeap heap = owner ? rank_heap(owner->id) : SlotHeap();
    void* p = heap.valid() ? heap.allocate(bytes) : std::malloc(bytes);
    if (!p) throw std::bad_alloc();
    return p;
}

// For the running rank's own temporary memory.
inline void* rank_alloc(std::size_t bytes) { return rank_alloc(this_rank(), bytes); }

// Frees by address, whichever heap the block came from (explicitly, so this stays right where a
// sanitizer owns malloc and the slot heaps are not interposed).
inline void rank_free(void* p) noexcept {
    if (SlotHeap* heap = heap_of(p))
        heap->deallocate(p);
    else
        std::free(p);
}

// STL allocator over rank_alloc, for the running rank's containers.
template <class T>
struct RankAllocator {
    using value_type = T;
    RankAllocator() = default;
    template <class U>
    RankAllocator(const RankAllocator<U>&) noexcept {}
    T* allocate(std::size_t n) { return static_cast<T*>(rank_alloc(n * sizeof(T))); }
    void deallocate(T* p, std::size_t) noexcept { rank_free(p); }
    template <class U>
    bool operator==(const RankAllocator<U>&) const noexcept {
        return true;
    }
};

}  // namespace mosix::rt
