// slot_heap.hpp — the allocator of one rank's slot heap: malloc/free/realloc/memalign for a rank's
// user code, inside the heap area of its slot (see slots.hpp and DESIGN.md "Memory: rank slots").
//
// Why it exists: a rank migrates by having the touched prefix of its slot copied, byte for byte, to
// the same addresses in another process. So the heap keeps ALL of its state inside its own range —
// no pointer to anything outside it, no vtables, no PE-heap side tables — and a heap copied that way
// is a working heap again after adopt().
//
// Memory layout of the range [base, limit) (4 KiB "pages"; base and limit page-aligned):
//
//   base          runs_start                                   top          max_top    mapped_end   limit
//   | header page | run | run | run | ... | run                 | wilderness            |  PROT_NONE  |
//   |<------------------ touched: extent() ---------------------------------->|           |
//   |<------------------------------ readable and writable ------------------------------>|
//
// * header page: magic, the lock, the bounds above, byte counters, the list heads of the size
//   classes and of the free-run bins (struct HeapHeader in slot_heap.cc).
// * [runs_start, top) is tiled by runs: page-aligned, page-multiple extents, each starting with a
//   boundary tag {size of the run below, own size | kind}. A run is one of
//     - a large allocation (> kMaxSmall bytes): the user pointer is run + 16;
//     - a span: blocks of one size class carved from it (header of 72 bytes, then blocks);
//     - free: linked into a bin by page count; two free runs are never adjacent (they coalesce),
//       and the run just below top is never free (it returns to the wilderness instead).
// * [top, mapped_end) is the wilderness: mapped, uncarved. Bytes at and above max_top were never
//   written, or were returned to the system (MADV_DONTNEED) since, so they read as zero.
// * Every allocation p has an 8-byte tag at p - 8 saying what it is (small block: size class and
//   offset back to its span; large: the run's own tag; over-aligned: offset back to the real
//   allocation), so free() and usable_size() are O(1) and reject pointers that are not ours.
// * Size classes: block strides of 16-byte granules up to 1 KiB, then four classes per doubling up
//   to 256 KiB; a freed block holds the next link of its span's free list. Empty spans go back to
//   the run allocator (one per class is kept to avoid thrashing on a span boundary).
// * All returned pointers are 16-byte aligned, as malloc's are on x86-64.
//
// Relocation contract: bytes at and above base + extent() are zero, so copying [base, base +
// extent()) into the same addresses of another process whose range is reserved (PROT_NONE, never
// written, or released) and calling adopt(base, limit) there gives the same heap: every allocation
// intact and freeable. The heap must be quiescent while copied (hold the Lock, or stop its users).
//
// Threads. The heap has one owner thread at a time: the PE thread that runs the rank (its user code
// and the runtime acting for it). Only the owner calls allocate*, deallocate, reallocate, collect,
// check and release_all; they take no lock and use no atomic read-modify-write, because a locked
// instruction per call was measured to cost more than the rest of malloc+free together (~17 vs ~6.5
// ns per 64-byte pair). Any other thread frees with deallocate_remote(): it takes the Lock (a
// spinlock on an int in the header) and pushes the block onto a list in the header, which the
// owner empties at its next allocation. owns(), usable_size(), extent(), bytes_in_use() and
// capacity() are safe from any thread. The Lock also lets a migration packer keep remote frees out
// while it copies the heap (the owner is then suspended anyway).
#pragma once

#include <cstddef>
#include <cstdint>

namespace mosix::rt {

class SlotHeap {
public:
    // Largest request served from a size class; larger ones get a run of their own.
    static constexpr std::size_t kMaxSmall = (256u << 10) - 8;
    // Alignment of every pointer returned by allocate().
    static constexpr std::size_t kAlignment = 16;

    SlotHeap() = default;  // an invalid handle: allocations fail, owns() is false

    // Starts an empty heap in [base, limit), discarding whatever the range held (it is mapped
    // PROT_NONE afresh) and making the first pages readable and writable. base and limit must be
    // page-aligned, the range at least 64 KiB. Returns an invalid handle if that fails.
    static SlotHeap create(void* base, void* limit) noexcept;
    // Takes over a heap whose touched prefix [base, base + extent()) was copied to these addresses
    // (see the relocation contract above): checks the header, maps the rest of its RW part, resets
    // the lock. limit may differ from the original if it still covers the extent. Returns an
    // invalid handle if the header is not a heap's or was made for another base.
    static SlotHeap adopt(void* base, void* limit) noexcept;

    bool valid() const noexcept { return h_ != nullptr; }
    explicit operator bool() const noexcept { return valid(); }
    void* base() const noexcept { return h_; }

    // malloc: at least n bytes, 16-byte aligned; nullptr when the range is exhausted.
    void* allocate(std::size_t n) noexcept;
    // calloc-like: as allocate(), zero-filled (fresh pages are known zero and not written).
    void* allocate_zeroed(std::size_t n) noexcept;
    // memalign/posix_memalign/aligned_alloc: alignment must be a power of two (else nullptr).
    void* allocate_aligned(std::size_t alignment, std::size_t n) noexcept;
    // free: p must come from this heap (or be nullptr); a foreign pointer or a double free is
    // reported on stderr and aborts, as glibc does, since the heap is corrupt past that point.
    void deallocate(void* p) noexcept;
    // free from a thread that is not the owner: safe at any time (takes the Lock); the block is
    // reclaimed at the owner's next allocation or collect(). Counts as in use until then.
    void deallocate_remote(void* p) noexcept;
    // Owner: frees the blocks other threads handed back now (allocation does this by itself).
    void collect() noexcept;
    // realloc: grows and shrinks large blocks in place when it can; keeps the first min(old, n)
    // bytes; on failure returns nullptr and leaves p allocated. p == nullptr acts as allocate(n);
    // n == 0 returns a minimum-size block (the caller may implement realloc(p, 0) == free).
    // Alignment beyond 16 bytes is not kept (as with glibc).
    void* reallocate(void* p, std::size_t n) noexcept;
    // malloc_usable_size: bytes usable at p (>= what was asked for); 0 for nullptr.
    std::size_t usable_size(const void* p) const noexcept;

    // True if p lies in this heap's range (an address test, not "is a live allocation"): what the
    // interposed free() uses to route a pointer to its rank's heap.
    bool owns(const void* p) const noexcept;
    // Bytes from base that are touched (the high-water mark of carved memory, page-rounded):
    // what migration and checkpoint copy. Shrinks when memory at the top is freed and released.
    std::size_t extent() const noexcept;
    // Usable bytes of all live allocations.
    std::size_t bytes_in_use() const noexcept;
    // Size of the range this handle manages.
    std::size_t capacity() const noexcept;

    // For a rank that departed: drops every page (MADV_DONTNEED) and makes the range PROT_NONE
    // again. The handle (and every copy of it) is dead afterwards; create() starts a new heap.
    // Nobody may use the heap meanwhile (not even deallocate_remote: the Lock goes with the header).
    void release_all() noexcept;

    // Owner: walks the whole heap checking its invariants (boundary tags, bins, span counts, byte
    // counters). Returns nullptr if all hold, else a description of the first violation. O(heap):
    // for tests and debugging.
    const char* check() const noexcept;

    // The spinlock in the header, taken by deallocate_remote(), check() and (briefly) by the owner
    // when it empties the remote list. Not recursive: do not call those while holding it. Hold it to
    // keep other threads' frees out, e.g. while copying the heap for migration.
    class Lock {
    public:
        explicit Lock(const SlotHeap& heap) noexcept;
        ~Lock();
        Lock(const Lock&) = delete;
        Lock& operator=(const Lock&) = delete;

    private:
        int* word_;
    };

private:
    explicit SlotHeap(void* header) noexcept : h_(header) {}
    void* h_ = nullptr;  // == base; every other piece of state is read from the header there
};

}  // namespace mosix::rt
