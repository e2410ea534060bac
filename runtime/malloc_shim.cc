// malloc_shim.cc — the malloc family, interposed (libmosixcomm is linked before libc, so these
// definitions win for the whole process). Thin shims: decide whose memory it is (rank_heap.hpp)
// and hand over to the rank's slot heap or to glibc's own allocator (__libc_*).
//
// Not built into sanitizer builds: AddressSanitizer must own malloc to do its job; there rank
// memory comes from the PE heap (fine for every test that does not move ranks).
#include <dlfcn.h>

#include <cerrno>
#include <cstring>

#include "rank_heap.hpp"

extern "C" {
void* __libc_malloc(size_t);
void __libc_free(void*);
void* __libc_calloc(size_t, size_t);
void* __libc_realloc(void*, size_t);
void* __libc_memalign(size_t, size_t);
}

using mosix::rt::current_user_heap;
using mosix::rt::heap_of;
using mosix::rt::SlotHeap;

namespace {

void* out_of_memory() {
    errno = ENOMEM;
    return nullptr;
}

size_t system_usable_size(void* p) {
    using Fn = size_t (*)(void*);
    static Fn next = reinterpret_cast<Fn>(dlsym(RTLD_NEXT, "malloc_usable_size"));
    return next ? next(p) : 0;
}

bool power_of_two(size_t a) { return a && (a & (a - 1)) == 0; }

}  // namespace

extern "C" {

void* malloc(size_t n) {
    if (SlotHeap* h = current_user_heap()) {
        void* p = h->allocate(n);
        return p ? p : out_of_memory();
    }
    return __libc_malloc(n);
}

void free(void* p) {
    if (!p) return;
    if (SlotHeap* h = heap_of(p)) {
        if (mosix::rt::on_pe_thread())
            h->deallocate(p);
        else
            h->deallocate_remote(p);  // the PE thread owns the heap; it takes the block back later
        return;
    }
    __libc_free(p);
}

void* calloc(size_t count, size_t size) {
    if (SlotHeap* h = current_user_heap()) {
        size_t n;
        if (__builtin_mul_overflow(count, size, &n)) return out_of_memory();
        void* p = h->allocate_zeroed(n);
        return p ? p : out_of_memory();
    }
    return __libc_calloc(count, size);
}

void* realloc(void* p, size_t n) {
    if (!p) return malloc(n);
    if (SlotHeap* h = heap_of(p)) {  // a block stays in the heap it came from
        if (n == 0) {
            free(p);
            return nullptr;
        }
        void* q = h->reallocate(p, n);
        return q ? q : out_of_memory();
    }
    if (SlotHeap* h = current_user_heap()) {  // PE-heap block grown by a rank: move it into the slot
        size_t old = system_usable_size(p);
        void* q = h->allocate(n);
        if (!q) return out_of_memory();
        std::memcpy(q, p, old < n ? old : n);
        __libc_free(p);
        return q;
    }
    return __libc_realloc(p, n);
}

void* memalign(size_t alignment, size_t n) {
    if (SlotHeap* h = current_user_heap()) {
        void* p = h->allocate_aligned(alignment < 16 ? 16 : alignment, n);
        return p ? p : out_of_memory();
    }
    return __libc_memalign(alignment, n);
}

int posix_memalign(void** out, size_t alignment, size_t n) {
    if (!power_of_two(alignment) || alignment % sizeof(void*) != 0) return EINVAL;
    void* p = memalign(alignment, n);
    if (!p) return ENOMEM;
    *out = p;
    return 0;
}

void* aligned_alloc(size_t alignment, size_t n) {
    if (!power_of_two(alignment)) {
        errno = EINVAL;
        return nullptr;
    }
    return memalign(alignment, n);
}

void* valloc(size_t n) { return memalign(4096, n); }

void* pvalloc(size_t n) { return memalign(4096, (n + 4095) & ~static_cast<size_t>(4095)); }

size_t malloc_usable_size(void* p) {
    if (!p) return 0;
    if (SlotHeap* h = heap_of(p)) return h->usable_size(p);
    return system_usable_size(p);
}

}  // extern "C"
