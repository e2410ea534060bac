// rank_memory.hpp — the one interface through which the library allocates memory a rank owns
// (its request objects, unexpected-message buffers, communicator table).
//
// Such memory must travel with the rank when it migrates, so it will come from the rank's slot;
// until the slot heap exists it comes from the PE heap. Code that allocates rank state calls
// these (or uses RankAllocator) and never malloc directly, so the switch is made in one place.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <new>

namespace mosix::rt {

inline void* rank_alloc(std::size_t bytes) {
    void* p = std::malloc(bytes);
    if (!p) throw std::bad_alloc();
    return p;
}
inline void rank_free(void* p) noexcept { std::free(p); }

// STL allocator over rank_alloc, for rank-owned containers.
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
