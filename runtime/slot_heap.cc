// slot_heap.cc — the slot heap allocator; the layout and contracts are in slot_heap.hpp.
//
// Everything the heap knows is in its own range: the header at base, boundary tags at the start of
// every run, span headers, tags before every block, free-list links inside freed blocks. Links are
// absolute addresses; they stay valid because a heap only ever moves to the same addresses.
#include "slot_heap.hpp"

#include <sched.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <type_traits>

namespace mosix::rt {

namespace {

using uptr = std::uintptr_t;
using u64 = std::uint64_t;
using u32 = std::uint32_t;

// The unit of runs. Fixed (not the system page size) so that a heap's layout does not depend on
// the process it lives in; system-page-sized operations round inwards or outwards as needed.
constexpr std::size_t kPage = 4096;
// The header takes the first page.
constexpr std::size_t kHeaderBytes = kPage;
// The RW part grows in multiples of this, plus slack proportional to the heap (capped), so a
// growing heap makes few mprotect calls. Mapped but untouched pages cost neither memory nor
// migration time (extent() ends at the last touched page), so the slack is free.
constexpr std::size_t kGrowStep = 64u << 10;
constexpr std::size_t kMaxGrowSlack = 8u << 20;
// Freed memory goes back to the system once this much has accumulated in one place: smaller
// amounts are cheaper to keep than to fault in again.
constexpr std::size_t kReleaseThreshold = 1u << 20;
constexpr std::size_t kMinRange = 64u << 10;

constexpr u64 kMagic = 0x70682d7869736f6dULL;  // "mosix-hp"
constexpr u32 kVersion = 1;

// ---- tags -----------------------------------------------------------------------------------
// One 64-bit word before every allocation and at offset 8 of every run:
//   bits 48..63 kTagMagic, bits 0..7 kind, and by kind
//   runs (large, span, free): bits 12..47 the run's size in bytes (a multiple of kPage);
//   small block:              bits 8..15 size class, bits 16..47 (p - span) / 16;
//   over-aligned pointer:     bits 16..47 (p - real allocation) / 16.
constexpr u64 kTagMagic = 0x5ea9;
enum : u64 {
    kSmallUsed = 0xa1,
    kSmallFree = 0xa2,
    kLarge = 0xb1,
    kSpan = 0xb2,
    kFreeRun = 0xb3,
    kAligned = 0xc1,
};

constexpr u64 make_tag(u64 kind, u64 payload) { return kTagMagic << 48 | payload | kind; }
constexpr bool tag_ok(u64 w) { return (w >> 48) == kTagMagic; }
constexpr u64 kind_of(u64 w) { return w & 0xff; }
constexpr std::size_t size_of_run_tag(u64 w) { return w & 0x0000fffffffff000ULL; }
constexpr unsigned class_of_tag(u64 w) { return static_cast<unsigned>((w >> 8) & 0xff); }
constexpr std::size_t offset_of_tag(u64 w) {
    return static_cast<std::size_t>((w >> 16) & 0xffffffffULL) << 4;
}
constexpr u64 small_tag(u64 kind, unsigned cls, std::size_t offset) {
    return make_tag(kind, static_cast<u64>(cls) << 8 | static_cast<u64>(offset >> 4) << 16);
}

// Tags and free links live in memory that user code also writes with its own types: access them
// as bytes (memcpy compiles to one move and carries no aliasing assumptions).
inline u64 load_word(uptr a) {
    u64 v;
    std::memcpy(&v, reinterpret_cast<const void*>(a), sizeof v);
    return v;
}
inline void store_word(uptr a, u64 v) { std::memcpy(reinterpret_cast<void*>(a), &v, sizeof v); }

constexpr std::size_t round_up(std::size_t n, std::size_t to) { return (n + to - 1) / to * to; }
constexpr std::size_t round_down(std::size_t n, std::size_t to) { return n / to * to; }

// ---- size classes ---------------------------------------------------------------------------
// A class is a block stride (tag + usable bytes, a multiple of 16 so every user pointer is
// 16-aligned): 16, 32, ... 1024, then four steps per doubling up to 256 KiB (waste <= 25%, ~11% on
// average). A span of a class holds at least min(8, 128 KiB / stride) blocks, sized in pages so the
// tail left over is small; small classes get single-page spans so that a few allocations of many
// sizes keep the extent small.
constexpr unsigned kGranuleClasses = 64;
constexpr unsigned kNumClasses = 96;
constexpr std::size_t kSpanHeader = 72;               // sizeof(Run), below
constexpr std::size_t kFirstBlock = kSpanHeader + 8;  // first user pointer, 16-aligned

struct ClassInfo {
    u32 stride;
    u32 span_bytes;
    u32 capacity;
};

constexpr std::size_t stride_of_class(unsigned c) {
    if (c < kGranuleClasses) return 16 * (c + 1);
    unsigned k = 10 + (c - kGranuleClasses) / 4;
    unsigned j = (c - kGranuleClasses) % 4 + 1;
    return (std::size_t{1} << k) + j * (std::size_t{1} << (k - 2));
}

constexpr std::array<ClassInfo, kNumClasses> kClasses = [] {
    std::array<ClassInfo, kNumClasses> t{};
    for (unsigned c = 0; c < kNumClasses; ++c) {
        std::size_t stride = stride_of_class(c);
        std::size_t min_blocks = std::clamp<std::size_t>((128u << 10) / stride, 1, 8);
        // The smallest span (from p0 to 2 * p0 pages) that wastes at most 1/16, else the least
        // wasteful one.
        std::size_t p0 = round_up(min_blocks * stride + kSpanHeader, kPage) / kPage;
        std::size_t best = 0, best_waste = 0;
        for (std::size_t p = p0; p <= 2 * p0; ++p) {
            std::size_t bytes = p * kPage;
            std::size_t waste = bytes - kSpanHeader - (bytes - kSpanHeader) / stride * stride;
            if (best == 0 || waste * best < best_waste * bytes) best = bytes, best_waste = waste;
            if (waste * 16 <= bytes) {
                best = bytes;
                break;
            }
        }
        t[c] = {static_cast<u32>(stride), static_cast<u32>(best),
                static_cast<u32>((best - kSpanHeader) / stride)};
    }
    return t;
}();
static_assert(stride_of_class(kNumClasses - 1) == 256u << 10);
static_assert(stride_of_class(kNumClasses - 1) - 8 == SlotHeap::kMaxSmall);

// n <= kMaxSmall.
inline unsigned class_of(std::size_t n) {
    if (n <= 16 * kGranuleClasses - 8) return static_cast<unsigned>((n + 23) >> 4) - 1;
    std::size_t s = n + 8;                                            // stride needed, > 1024
    unsigned k = 63 - static_cast<unsigned>(__builtin_clzll(s - 1));  // 2^k < s <= 2^(k+1)
    std::size_t quarter = std::size_t{1} << (k - 2);
    unsigned j = static_cast<unsigned>((s - (std::size_t{1} << k) + quarter - 1) >> (k - 2));  // 1..4
    return kGranuleClasses + (k - 10) * 4 + j - 1;
}

// ---- runs -----------------------------------------------------------------------------------
// The header of every run. Only prev_size and tag are meaningful for a large allocation (its user
// data starts at offset 16); free runs use next/prev/aux, spans all of it. One struct for all
// three so that the same bytes are never read through two different types.
struct Run {
    u64 prev_size;  // bytes of the run just below; 0 for the first run
    u64 tag;        // size | kind (the tag before a large allocation's user pointer)
    uptr next;      // free run: bin list; span: its class's list of spans with room
    uptr prev;
    u64 aux;       // free run: upper bound of its resident bytes; span: free-list head (0: none)
    uptr bump;     // span: next never-used block
    uptr end;      // span: bump limit
    u32 cls;       // span: size class
    u32 used;      // span: blocks handed out and not freed
    u32 in_list;   // span: linked in its class list (iff used < capacity)
    u32 capacity;  // span: blocks it holds
};
static_assert(sizeof(Run) == kSpanHeader);
static_assert(std::is_trivially_copyable_v<Run> && std::is_standard_layout_v<Run>);

inline Run* run_at(uptr a) { return reinterpret_cast<Run*>(a); }
inline uptr addr(const void* p) { return reinterpret_cast<uptr>(p); }

// Free runs are binned by page count: one bin per count up to 32 pages, then four per doubling.
constexpr unsigned kExactBins = 32;
constexpr unsigned kNumBins = 160;
constexpr unsigned kBinWords = (kNumBins + 63) / 64;

inline unsigned bin_of(std::size_t pages) {
    if (pages <= kExactBins) return static_cast<unsigned>(pages) - 1;
    unsigned lg = 63 - static_cast<unsigned>(__builtin_clzll(pages));  // >= 5
    unsigned sub = static_cast<unsigned>(pages >> (lg - 2)) & 3;
    return std::min(kExactBins + (lg - 5) * 4 + sub, kNumBins - 1);
}

// ---- the header -----------------------------------------------------------------------------
struct HeapHeader {
    u64 magic;
    u32 version;
    int lock;                      // the SlotHeap::Lock spinlock: 0 free, 1 held
    uptr base;                     // where this heap was made: it only works at this address
    uptr limit;                    // end of the range
    uptr mapped_end;               // end of the readable and writable prefix
    uptr runs_start;               // first run (base + kHeaderBytes)
    uptr top;                      // end of the runs; the wilderness starts here
    uptr max_top;                  // everything at and above is zero: extent() == max_top - base
    u64 last_run_size;             // size of the run ending at top (0 if none)
    u64 in_use;                    // usable bytes of live allocations (and of remote-freed ones)
    uptr remote_head;              // blocks freed by other threads, linked through their first word
    uptr class_head[kNumClasses];  // per class: spans with a free block
    uptr bin_head[kNumBins];       // per bin: free runs
    u64 bin_map[kBinWords];        // bit b set iff bin_head[b] != 0
};
static_assert(sizeof(HeapHeader) <= kHeaderBytes);
static_assert(std::is_trivially_copyable_v<HeapHeader> && std::is_standard_layout_v<HeapHeader>);

inline HeapHeader* hdr(void* base) { return static_cast<HeapHeader*>(base); }

// Fields other threads read (extent, bytes in use) are stored atomically (plain moves on x86-64).
inline u64 relaxed(const u64& v) { return __atomic_load_n(&v, __ATOMIC_RELAXED); }
inline void set_relaxed(u64& v, u64 x) { __atomic_store_n(&v, x, __ATOMIC_RELAXED); }

std::size_t system_page() {
    static const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    return page;
}

[[noreturn]] void fatal(const char* what, const void* p) {
    // No stdio buffers or allocation: the heap (maybe every heap) is not trustworthy here.
    char buf[160];
    int n = std::snprintf(buf, sizeof buf, "mosix: slot heap: %s (pointer %p)\n", what, p);
    if (n > 0) {
        ssize_t ignored =
            write(2, buf, static_cast<std::size_t>(std::min(n, static_cast<int>(sizeof buf) - 1)));
        (void)ignored;
    }
    std::abort();
}

// Gives [lo, hi) back to the system (contents become zero), rounded inwards to system pages.
// Returns the rounded-up start of what was released (hi if nothing was).
uptr release_pages(uptr lo, uptr hi) {
    std::size_t page = system_page();
    uptr a = round_up(lo, page), b = round_down(hi, page);
    if (a >= b) return hi;
    if (madvise(reinterpret_cast<void*>(a), b - a, MADV_DONTNEED) != 0) return hi;
    return a;
}

// ---- the allocator proper (run by the owner thread; free_remote under the lock) ---------------
class Heap {
public:
    explicit Heap(HeapHeader& h) : h_(h) {}

    void* alloc(std::size_t n) {
        if (n <= SlotHeap::kMaxSmall) return reinterpret_cast<void*>(alloc_small(class_of(n)));
        return reinterpret_cast<void*>(alloc_large(n, nullptr));
    }

    void* alloc_zeroed(std::size_t n) {
        if (n <= SlotHeap::kMaxSmall) {
            uptr p = alloc_small(class_of(n));
            if (p) std::memset(reinterpret_cast<void*>(p), 0, n);
            return reinterpret_cast<void*>(p);
        }
        uptr zero_from = 0;
        uptr p = alloc_large(n, &zero_from);
        if (p) {
            uptr dirty_end = std::min(p + n, std::max(p, zero_from));
            std::memset(reinterpret_cast<void*>(p), 0, dirty_end - p);
        }
        return reinterpret_cast<void*>(p);
    }

    void* alloc_aligned(std::size_t align, std::size_t n) {
        if (align == 0 || (align & (align - 1)) != 0) return nullptr;
        if (align <= SlotHeap::kAlignment) return alloc(n);
        n = std::max<std::size_t>(n, 1);  // p must point into its run even for n == 0
        std::size_t range = h_.limit - h_.base;
        if (n > range || align > range) return nullptr;
        if (n + align <= SlotHeap::kMaxSmall) {
            // Over-allocate from a class and point at the aligned address inside; the tag before
            // it leads free() back to the block. usable >= n + align - (p - p0) >= n + 16.
            uptr p0 = alloc_small(class_of(n + align));
            if (!p0) return nullptr;
            uptr p = round_up(p0, align);
            if (p != p0) store_word(p - 8, make_tag(kAligned, static_cast<u64>((p - p0) >> 4) << 16));
            return reinterpret_cast<void*>(p);
        }
        // A run with room for any placement: p = round_up(r + 16, align) <= r + align.
        Run* r = run_alloc(round_up(n + align, kPage), kLarge, nullptr);
        if (!r) return nullptr;
        uptr start = addr(r);
        std::size_t size = size_of_run_tag(r->tag);
        uptr p = round_up(start + 16, align);
        if (p != start + 16) {
            // Give back the pages before the one holding p's tags (run tag + aligned tag).
            uptr keep = round_down(p - 24, kPage);
            if (keep > start) {
                Run* k = run_at(keep);
                k->prev_size = keep - start;
                k->tag = make_tag(kLarge, start + size - keep);
                set_below(start + size, start + size - keep);
                r->tag = make_tag(kLarge, keep - start);
                run_free(r, keep - start);
                r = k;
                start = keep;
                size = size_of_run_tag(k->tag);
            }
            store_word(p - 8, make_tag(kAligned, static_cast<u64>((p - start - 16) >> 4) << 16));
        }
        std::size_t need = round_up(p + n - start, kPage);
        if (need < size) split_tail(r, need);
        set_relaxed(h_.in_use, h_.in_use + size_of_run_tag(r->tag) - 16);
        return reinterpret_cast<void*>(p);
    }

    void free(uptr p) {
        u64 w = live_tag(p, "free(): invalid pointer");
        switch (kind_of(w)) {
            case kSmallUsed:
                free_small(p, w);
                return;
            case kLarge: {
                Run* r = run_at(p - 16);
                std::size_t size = size_of_run_tag(w);
                set_relaxed(h_.in_use, h_.in_use - (size - 16));
                run_free(r, size);
                return;
            }
            case kAligned:
                free(aligned_base(p, w));
                return;
        }
        fatal("free(): invalid pointer", reinterpret_cast<void*>(p));
    }

    std::size_t usable(uptr p) const {
        u64 w = live_tag(p, "malloc_usable_size(): invalid pointer");
        switch (kind_of(w)) {
            case kSmallUsed:
                return kClasses[class_of_tag(w)].stride - 8;
            case kLarge:
                return size_of_run_tag(w) - 16;
            case kAligned: {
                uptr p0 = aligned_base(p, w);
                return usable(p0) - (p - p0);
            }
        }
        fatal("malloc_usable_size(): invalid pointer", reinterpret_cast<void*>(p));
    }

    void* realloc(uptr p, std::size_t n) {
        u64 w = live_tag(p, "realloc(): invalid pointer");
        std::size_t old = usable(p);
        if (kind_of(w) == kSmallUsed) {
            // Stay if it fits and is not mostly empty (a much smaller class frees memory).
            if (n <= old && n >= old / 2) return reinterpret_cast<void*>(p);
        } else if (kind_of(w) == kLarge && n > SlotHeap::kMaxSmall) {
            if (n > h_.limit - h_.base) return nullptr;
            Run* r = run_at(p - 16);
            std::size_t size = size_of_run_tag(w);
            std::size_t want = round_up(n + 16, kPage);
            if (want <= size) {
                if (want < size) {
                    split_tail(r, want);
                    set_relaxed(h_.in_use, h_.in_use - (size - want));
                }
                return reinterpret_cast<void*>(p);
            }
            if (grow_in_place(r, want)) {
                set_relaxed(h_.in_use, h_.in_use + (want - size));
                return reinterpret_cast<void*>(p);
            }
        }
        void* q = alloc(n);
        if (!q) return nullptr;
        std::memcpy(q, reinterpret_cast<void*>(p), std::min(old, n));
        free(p);
        return q;
    }

    // From a thread other than the owner, under the lock: queue p for the owner to free.
    void free_remote(uptr p) {
        live_tag(p, "free(): invalid pointer");
        store_word(p, h_.remote_head);  // every allocation has >= 8 usable bytes
        __atomic_store_n(&h_.remote_head, p, __ATOMIC_RELAXED);
    }

    // Owner: frees what other threads queued. Only the detaching takes the lock.
    void drain(const SlotHeap& heap) {
        uptr list;
        {
            SlotHeap::Lock lock(heap);
            list = h_.remote_head;
            __atomic_store_n(&h_.remote_head, uptr{0}, __ATOMIC_RELAXED);
        }
        while (list) {
            uptr next = load_word(list);
            free(list);
            list = next;
        }
    }
    bool remote_pending() const { return __atomic_load_n(&h_.remote_head, __ATOMIC_RELAXED) != 0; }

    const char* check() const;

private:
    // The tag of a live allocation at p, or a fatal error naming `what`. Safe from other threads
    // (usable_size, deallocate_remote): the tags of a live block do not change, and top, which the
    // owner moves, never drops below a live block.
    u64 live_tag(uptr p, const char* what) const {
        uptr top = __atomic_load_n(&h_.top, __ATOMIC_RELAXED);
        if ((p & 15) != 0 || p < h_.runs_start + 16 || p >= top) fatal(what, reinterpret_cast<void*>(p));
        u64 w = load_word(p - 8);
        if (!tag_ok(w)) fatal(what, reinterpret_cast<void*>(p));
        u64 k = kind_of(w);
        if (k == kSmallFree) fatal("double free or use of a freed pointer", reinterpret_cast<void*>(p));
        if (k == kSmallUsed) {
            uptr s = p - offset_of_tag(w);
            if (class_of_tag(w) >= kNumClasses || s < h_.runs_start || run_at(s)->tag >> 48 != kTagMagic ||
                kind_of(run_at(s)->tag) != kSpan || run_at(s)->cls != class_of_tag(w))
                fatal(what, reinterpret_cast<void*>(p));
        } else if (k == kLarge) {
            if ((p & (kPage - 1)) != 16) fatal(what, reinterpret_cast<void*>(p));
        } else if (k != kAligned) {
            fatal(k == kFreeRun ? "double free or use of a freed pointer" : what, reinterpret_cast<void*>(p));
        }
        return w;
    }

    uptr aligned_base(uptr p, u64 w) const {
        uptr p0 = p - offset_of_tag(w);
        u64 w0 = live_tag(p0, "invalid over-aligned pointer");
        if (kind_of(w0) == kAligned) fatal("invalid over-aligned pointer", reinterpret_cast<void*>(p));
        return p0;
    }

    // -- size classes --

    uptr alloc_small(unsigned c) {
        const ClassInfo& ci = kClasses[c];
        Run* s = run_at(h_.class_head[c]);
        if (!h_.class_head[c]) {
            s = run_alloc(ci.span_bytes, kSpan, nullptr);
            if (!s) return 0;
            s->aux = 0;
            s->bump = addr(s) + kFirstBlock;
            s->end = s->bump + static_cast<std::size_t>(ci.capacity) * ci.stride;
            s->cls = c;
            s->used = 0;
            s->capacity = ci.capacity;
            class_push(s);
        }
        uptr p = s->aux;
        if (p) {
            s->aux = load_word(p);
        } else {
            p = s->bump;
            s->bump += ci.stride;
        }
        if (++s->used == s->capacity) class_unlink(s);
        store_word(p - 8, small_tag(kSmallUsed, c, p - addr(s)));
        set_relaxed(h_.in_use, h_.in_use + ci.stride - 8);
        return p;
    }

    void free_small(uptr p, u64 w) {
        unsigned c = class_of_tag(w);
        Run* s = run_at(p - offset_of_tag(w));
        store_word(p - 8, (w & ~u64{0xff}) | kSmallFree);
        store_word(p, s->aux);
        s->aux = p;
        set_relaxed(h_.in_use, h_.in_use - (kClasses[c].stride - 8));
        if (!s->in_list) class_push(s);
        // An empty span goes back to the run allocator unless it is its class's only span with
        // room: keeping that one avoids mapping and unmapping a span per malloc/free pair.
        if (--s->used == 0 && (h_.class_head[c] != addr(s) || s->next != 0)) {
            class_unlink(s);
            run_free(s, size_of_run_tag(s->tag));
        }
    }

    void class_push(Run* s) {
        s->prev = 0;
        s->next = h_.class_head[s->cls];
        if (s->next) run_at(s->next)->prev = addr(s);
        h_.class_head[s->cls] = addr(s);
        s->in_list = 1;
    }

    void class_unlink(Run* s) {
        if (s->prev)
            run_at(s->prev)->next = s->next;
        else
            h_.class_head[s->cls] = s->next;
        if (s->next) run_at(s->next)->prev = s->prev;
        s->next = s->prev = 0;
        s->in_list = 0;
    }

    // -- large allocations --

    // zero_from (if given) receives an address from which the run is known to hold zeros.
    uptr alloc_large(std::size_t n, uptr* zero_from) {
        if (n > h_.limit - h_.base) return 0;  // also keeps n + 16 from overflowing
        Run* r = run_alloc(round_up(n + 16, kPage), kLarge, zero_from);
        if (!r) return 0;
        set_relaxed(h_.in_use, h_.in_use + size_of_run_tag(r->tag) - 16);
        return addr(r) + 16;
    }

    // Shrinks the in-use run r to `keep` bytes, freeing the rest.
    void split_tail(Run* r, std::size_t keep) {
        uptr start = addr(r);
        std::size_t size = size_of_run_tag(r->tag);
        r->tag = make_tag(kind_of(r->tag), keep);
        Run* t = run_at(start + keep);
        t->prev_size = keep;
        t->tag = make_tag(kLarge, size - keep);
        set_below(start + size, size - keep);
        run_free(t, size - keep);
    }

    // Extends the large run r to `want` bytes into the free run or wilderness above it.
    bool grow_in_place(Run* r, std::size_t want) {
        uptr start = addr(r);
        std::size_t size = size_of_run_tag(r->tag);
        uptr end = start + size;
        if (end == h_.top) {
            if (want > h_.limit - start || !ensure_mapped(start + want)) return false;
            set_top(start + want);
            if (h_.top > h_.max_top) set_relaxed(h_.max_top, h_.top);
            h_.last_run_size = want;
            r->tag = make_tag(kLarge, want);
            return true;
        }
        Run* next = run_at(end);
        if (kind_of(next->tag) != kFreeRun) return false;
        std::size_t next_size = size_of_run_tag(next->tag);
        if (size + next_size < want) return false;  // (a free run never touches the wilderness)
        bin_remove(next);
        u64 dirty = next->aux;
        std::size_t rest = size + next_size - want;
        if (rest > 0) {
            Run* f = run_at(start + want);
            f->prev_size = want;
            f->tag = make_tag(kFreeRun, rest);
            f->aux = std::min<u64>(rest, dirty + kPage);
            set_below(end + next_size, rest);
            bin_insert(f);
        } else {
            set_below(end + next_size, want);
        }
        r->tag = make_tag(kLarge, want);
        return true;
    }

    // -- runs --

    // top is read by other threads (live_tag), so it is stored atomically; the owner, its only
    // writer, reads it plainly.
    void set_top(uptr top) { __atomic_store_n(&h_.top, top, __ATOMIC_RELAXED); }

    // Records that the run ending at `end` (and so below the run starting there) is `size` bytes.
    void set_below(uptr end, std::size_t size) {
        if (end < h_.top)
            run_at(end)->prev_size = size;
        else
            h_.last_run_size = size;
    }

    bool ensure_mapped(uptr end) {
        if (end <= h_.mapped_end) return true;
        if (end > h_.limit) return false;
        std::size_t slack = std::clamp<std::size_t>((h_.mapped_end - h_.base) / 4, kGrowStep, kMaxGrowSlack);
        uptr want = std::min<uptr>(round_up(end + slack, kGrowStep), h_.limit);
        auto* from = reinterpret_cast<void*>(h_.mapped_end);
        if (mprotect(from, want - h_.mapped_end, PROT_READ | PROT_WRITE) != 0) {
            want = std::min<uptr>(round_up(end, kGrowStep), h_.limit);  // without the slack
            if (mprotect(from, want - h_.mapped_end, PROT_READ | PROT_WRITE) != 0) return false;
        }
        h_.mapped_end = want;
        return true;
    }

    // A run of `bytes` (a multiple of kPage) tagged `kind`: the best-fitting free run if there is
    // one (its front part; the rest stays free), else carved from the wilderness.
    Run* run_alloc(std::size_t bytes, u64 kind, uptr* zero_from) {
        if (Run* f = bin_find(bytes / kPage)) {
            bin_remove(f);
            uptr start = addr(f);
            std::size_t size = size_of_run_tag(f->tag);
            if (size > bytes) {
                Run* rest = run_at(start + bytes);
                rest->prev_size = bytes;
                rest->tag = make_tag(kFreeRun, size - bytes);
                rest->aux = std::min<u64>(size - bytes, f->aux + kPage);
                set_below(start + size, size - bytes);
                bin_insert(rest);
            }
            f->tag = make_tag(kind, bytes);
            if (zero_from) *zero_from = start + bytes;  // nothing known
            return f;
        }
        uptr start = h_.top;
        if (bytes > h_.limit - start || !ensure_mapped(start + bytes)) return nullptr;
        if (zero_from) *zero_from = std::max(start, h_.max_top);
        Run* r = run_at(start);
        r->prev_size = h_.last_run_size;
        r->tag = make_tag(kind, bytes);
        set_top(start + bytes);
        h_.last_run_size = bytes;
        if (h_.top > h_.max_top) set_relaxed(h_.max_top, h_.top);
        return r;
    }

    // Frees run r of `size` bytes with at most `dirty` resident: coalesces it with free
    // neighbours, returns it to the wilderness if it ends there, and gives the pages back to the
    // system once enough of them accumulated.
    void run_free(Run* r, u64 dirty) {
        uptr start = addr(r);
        std::size_t size = size_of_run_tag(r->tag);
        r->tag = make_tag(kFreeRun, size);  // a second free of this run is then caught
        if (start > h_.runs_start) {
            Run* below = run_at(start - r->prev_size);
            if (kind_of(below->tag) == kFreeRun) {
                bin_remove(below);
                start = addr(below);
                size += size_of_run_tag(below->tag);
                dirty += below->aux;
            }
        }
        if (start + size < h_.top) {
            Run* above = run_at(start + size);
            if (kind_of(above->tag) == kFreeRun) {
                bin_remove(above);
                size += size_of_run_tag(above->tag);
                dirty += above->aux;
            }
        }
        Run* m = run_at(start);
        if (start + size == h_.top) {
            set_top(start);
            h_.last_run_size = start > h_.runs_start ? m->prev_size : 0;
            if (h_.max_top - h_.top >= kReleaseThreshold) {
                uptr released = release_pages(h_.top, h_.max_top);
                if (released < h_.max_top) set_relaxed(h_.max_top, released);
            }
            return;
        }
        m->tag = make_tag(kFreeRun, size);
        if (dirty >= kReleaseThreshold) {
            release_pages(start + kPage, start + size);  // keeps the page holding the tag
            dirty = kPage;
        }
        m->aux = std::min<u64>(dirty, size);
        set_below(start + size, size);
        bin_insert(m);
    }

    void bin_insert(Run* r) {
        unsigned b = bin_of(size_of_run_tag(r->tag) / kPage);
        r->prev = 0;
        r->next = h_.bin_head[b];
        if (r->next) run_at(r->next)->prev = addr(r);
        h_.bin_head[b] = addr(r);
        h_.bin_map[b / 64] |= u64{1} << (b % 64);
    }

    void bin_remove(Run* r) {
        unsigned b = bin_of(size_of_run_tag(r->tag) / kPage);
        if (r->prev)
            run_at(r->prev)->next = r->next;
        else
            h_.bin_head[b] = r->next;
        if (r->next) run_at(r->next)->prev = r->prev;
        if (!h_.bin_head[b]) h_.bin_map[b / 64] &= ~(u64{1} << (b % 64));
    }

    // A free run of at least `pages` pages, preferring the smallest bin that can hold one.
    Run* bin_find(std::size_t pages) const {
        unsigned b = bin_of(pages);
        if (b >= kExactBins) {  // a shared bin: its runs may be smaller than asked, look (first fit)
            for (uptr a = h_.bin_head[b]; a; a = run_at(a)->next)
                if (size_of_run_tag(run_at(a)->tag) >= pages * kPage) return run_at(a);
            if (++b >= kNumBins) return nullptr;
        }
        for (unsigned w = b / 64; w < kBinWords; ++w) {
            u64 m = h_.bin_map[w];
            if (w == b / 64) m &= ~u64{0} << (b % 64);
            if (m) return run_at(h_.bin_head[w * 64 + static_cast<unsigned>(__builtin_ctzll(m))]);
        }
        return nullptr;
    }

    HeapHeader& h_;
};

const char* Heap::check() const {
    const HeapHeader& h = h_;
    if (!(h.runs_start <= h.top && h.top <= h.max_top && h.max_top <= h.mapped_end &&
          h.mapped_end <= h.limit))
        return "header bounds out of order";
    std::size_t free_runs = 0, spans_in_lists = 0;
    u64 in_use = 0, prev_size = 0;
    bool prev_free = false;
    for (uptr a = h.runs_start; a < h.top;) {
        const Run* r = run_at(a);
        if (!tag_ok(r->tag)) return "run tag damaged";
        std::size_t size = size_of_run_tag(r->tag);
        if (size == 0 || size % kPage != 0 || size > h.top - a) return "run size out of range";
        if (r->prev_size != prev_size) return "run's prev_size disagrees with the run below";
        u64 k = kind_of(r->tag);
        if (k == kFreeRun) {
            if (prev_free) return "two adjacent free runs";
            ++free_runs;
        } else if (k == kLarge) {
            in_use += size - 16;
        } else if (k == kSpan) {
            if (r->cls >= kNumClasses) return "span class out of range";
            const ClassInfo& ci = kClasses[r->cls];
            if (size != ci.span_bytes || r->capacity != ci.capacity)
                return "span size disagrees with its class";
            if (r->used > r->capacity) return "span used count above capacity";
            if (r->bump < a + kFirstBlock || r->bump > r->end ||
                (r->bump - a - kFirstBlock) % ci.stride != 0 ||
                r->end != a + kFirstBlock + std::size_t{ci.capacity} * ci.stride)
                return "span bump pointer out of range";
            std::size_t nfree = 0;
            for (uptr p = r->aux; p; p = load_word(p)) {
                if (p < a + kFirstBlock || p >= r->bump || (p - a - kFirstBlock) % ci.stride != 0)
                    return "span free list points outside the span's blocks";
                if (load_word(p - 8) != small_tag(kSmallFree, r->cls, p - a))
                    return "free block's tag damaged";
                if (++nfree > r->capacity) return "span free list loops";
            }
            if (nfree + r->used + (r->end - r->bump) / ci.stride != r->capacity)
                return "span blocks do not add up (free + used + unused != capacity)";
            if ((r->in_list != 0) != (r->used < r->capacity)) return "span list membership wrong";
            spans_in_lists += r->in_list;
            in_use += std::size_t{r->used} * (ci.stride - 8);
        } else {
            return "unknown run kind";
        }
        prev_free = k == kFreeRun;
        prev_size = size;
        a += size;
    }
    if (prev_free) return "free run below the wilderness";
    if (h.last_run_size != prev_size) return "last_run_size disagrees with the last run";
    if (in_use != h.in_use) return "bytes in use disagree with the blocks";
    std::size_t binned = 0;
    for (unsigned b = 0; b < kNumBins; ++b) {
        if (((h.bin_map[b / 64] >> (b % 64)) & 1) != (h.bin_head[b] != 0)) return "bin bitmap wrong";
        uptr prev = 0;
        for (uptr a = h.bin_head[b]; a; prev = a, a = run_at(a)->next) {
            if (a < h.runs_start || a >= h.top || kind_of(run_at(a)->tag) != kFreeRun)
                return "bin holds a non-free run";
            if (bin_of(size_of_run_tag(run_at(a)->tag) / kPage) != b) return "free run in the wrong bin";
            if (run_at(a)->prev != prev) return "bin list back link wrong";
            if (++binned > free_runs) return "bin lists hold more runs than are free";
        }
    }
    if (binned != free_runs) return "a free run is missing from the bins";
    std::size_t listed = 0;
    for (unsigned c = 0; c < kNumClasses; ++c) {
        uptr prev = 0;
        for (uptr a = h.class_head[c]; a; prev = a, a = run_at(a)->next) {
            if (a < h.runs_start || a >= h.top || kind_of(run_at(a)->tag) != kSpan || run_at(a)->cls != c)
                return "class list holds a wrong run";
            if (run_at(a)->prev != prev) return "class list back link wrong";
            if (++listed > spans_in_lists) return "class lists hold more spans than have room";
        }
    }
    if (listed != spans_in_lists) return "a span with room is missing from its class list";
    return nullptr;
}

}  // namespace

// ---- SlotHeap -----------------------------------------------------------------------------------

SlotHeap::Lock::Lock(const SlotHeap& heap) noexcept : word_(heap.h_ ? &hdr(heap.h_)->lock : nullptr) {
    if (!word_) return;
    while (__atomic_exchange_n(word_, 1, __ATOMIC_ACQUIRE) != 0) {
        // Wait on a plain load (no cache-line ping-pong); give the CPU away if the holder was
        // preempted.
        for (int spins = 0; __atomic_load_n(word_, __ATOMIC_RELAXED) != 0; ++spins) {
            if (spins < 1000) {
#if defined(__x86_64__) || defined(__i386__)
                __builtin_ia32_pause();
#endif
            } else {
                sched_yield();
            }
        }
    }
}

SlotHeap::Lock::~Lock() {
    if (word_) __atomic_store_n(word_, 0, __ATOMIC_RELEASE);
}

SlotHeap SlotHeap::create(void* base, void* limit) noexcept {
    uptr b = addr(base), l = addr(limit);
    std::size_t page = std::max(system_page(), kPage);
    if (b == 0 || b % page != 0 || l % page != 0 || l <= b || l - b < kMinRange) return {};
    // A fresh PROT_NONE mapping: no stale pages, so everything above max_top reads as zero.
    if (mmap(base, l - b, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0) ==
        MAP_FAILED)
        return {};
    std::size_t first = std::min<std::size_t>(kGrowStep, l - b);
    if (mprotect(base, first, PROT_READ | PROT_WRITE) != 0) return {};
    auto* h = new (base) HeapHeader{};
    h->magic = kMagic;
    h->version = kVersion;
    h->base = b;
    h->limit = l;
    h->mapped_end = b + first;
    h->runs_start = b + kHeaderBytes;
    h->top = h->max_top = h->runs_start;
    return SlotHeap(base);
}

SlotHeap SlotHeap::adopt(void* base, void* limit) noexcept {
    uptr b = addr(base), l = addr(limit);
    std::size_t page = std::max(system_page(), kPage);
    if (b == 0 || b % page != 0 || l % page != 0 || l <= b || l - b < kMinRange) return {};
    // The copier made at least the header readable; making it so here too turns "nothing was
    // copied" into a refusal instead of a fault.
    if (mprotect(base, kHeaderBytes, PROT_READ | PROT_WRITE) != 0) return {};
    auto* h = hdr(base);
    if (h->magic != kMagic || h->version != kVersion || h->base != b || h->runs_start != b + kHeaderBytes)
        return {};
    if (!(h->runs_start <= h->top && h->top <= h->max_top && h->max_top <= h->mapped_end && h->max_top <= l))
        return {};
    uptr mapped = std::min(h->mapped_end, l);
    if (mprotect(base, mapped - b, PROT_READ | PROT_WRITE) != 0) return {};
    h->limit = l;
    h->mapped_end = mapped;
    h->lock = 0;  // a copy taken while some thread held it must not stay locked
    // (a non-empty remote list travels too: its blocks are in the range, and the owner frees them
    // at its next allocation)
    return SlotHeap(base);
}

// The owner's methods take no lock: blocks freed by other threads reach the heap only through
// the remote list, which the allocating methods empty first (one load when it is empty).

void* SlotHeap::allocate(std::size_t n) noexcept {
    if (!h_) return nullptr;
    Heap heap(*hdr(h_));
    if (heap.remote_pending()) heap.drain(*this);
    return heap.alloc(n);
}

void* SlotHeap::allocate_zeroed(std::size_t n) noexcept {
    if (!h_) return nullptr;
    Heap heap(*hdr(h_));
    if (heap.remote_pending()) heap.drain(*this);
    return heap.alloc_zeroed(n);
}

void* SlotHeap::allocate_aligned(std::size_t alignment, std::size_t n) noexcept {
    if (!h_) return nullptr;
    Heap heap(*hdr(h_));
    if (heap.remote_pending()) heap.drain(*this);
    return heap.alloc_aligned(alignment, n);
}

void SlotHeap::deallocate(void* p) noexcept {
    if (!p) return;
    if (!h_) fatal("free(): pointer given to an invalid heap", p);
    Heap(*hdr(h_)).free(addr(p));
}

void* SlotHeap::reallocate(void* p, std::size_t n) noexcept {
    if (!h_) return nullptr;
    Heap heap(*hdr(h_));
    if (heap.remote_pending()) heap.drain(*this);
    if (!p) return heap.alloc(n);
    return heap.realloc(addr(p), n);
}

void SlotHeap::deallocate_remote(void* p) noexcept {
    if (!p) return;
    if (!h_) fatal("free(): pointer given to an invalid heap", p);
    Lock lock(*this);
    Heap(*hdr(h_)).free_remote(addr(p));
}

void SlotHeap::collect() noexcept {
    if (!h_) return;
    Heap heap(*hdr(h_));
    if (heap.remote_pending()) heap.drain(*this);
}

std::size_t SlotHeap::usable_size(const void* p) const noexcept {
    if (!p) return 0;
    if (!h_) fatal("malloc_usable_size(): pointer given to an invalid heap", p);
    // No lock: the tags of a live allocation do not change while its owner holds it.
    return Heap(*hdr(h_)).usable(addr(p));
}

bool SlotHeap::owns(const void* p) const noexcept {
    if (!h_) return false;
    uptr a = addr(p);
    return a >= addr(h_) && a < __atomic_load_n(&hdr(h_)->limit, __ATOMIC_RELAXED);
}

std::size_t SlotHeap::extent() const noexcept {
    if (!h_) return 0;
    return relaxed(hdr(h_)->max_top) - addr(h_);
}

std::size_t SlotHeap::bytes_in_use() const noexcept { return h_ ? relaxed(hdr(h_)->in_use) : 0; }

std::size_t SlotHeap::capacity() const noexcept {
    return h_ ? __atomic_load_n(&hdr(h_)->limit, __ATOMIC_RELAXED) - addr(h_) : 0;
}

void SlotHeap::release_all() noexcept {
    if (!h_) return;
    // No Lock: its word disappears with the header. The caller guarantees nobody uses the heap.
    std::size_t mapped = hdr(h_)->mapped_end - addr(h_);
    madvise(h_, mapped, MADV_DONTNEED);
    mprotect(h_, mapped, PROT_NONE);
    h_ = nullptr;
}

const char* SlotHeap::check() const noexcept {
    if (!h_) return "invalid heap handle";
    Lock lock(*this);
    return Heap(*hdr(h_)).check();
}

}  // namespace mosix::rt
