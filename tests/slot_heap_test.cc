// slot_heap_test.cc — the per-slot heap allocator: every size and alignment, reuse, realloc,
// exhaustion, extent tracking the high-water mark, pages going back to the system, a randomized
// stress against shadow bookkeeping, relocation by copying the extent into a wiped range (as
// migration does), release_all, cross-thread frees, and a malloc/free benchmark against glibc.
//
// Each test reserves its own range anywhere (mmap PROT_NONE, MAP_NORESERVE), never the slot
// region's fixed address, which in-process jobs of other tests use.
#include "runtime/slot_heap.hpp"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

using mosix::rt::SlotHeap;

namespace {

constexpr std::size_t KiB = 1024, MiB = 1024 * KiB, GiB = 1024 * MiB;

// A PROT_NONE reservation, as a rank slot's heap area is before use.
class Range {
public:
    explicit Range(std::size_t bytes) : size_(bytes) {
        void* p = mmap(nullptr, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        base_ = p == MAP_FAILED ? nullptr : static_cast<char*>(p);
    }
    ~Range() {
        if (base_) munmap(base_, size_);
    }
    Range(const Range&) = delete;
    Range& operator=(const Range&) = delete;
    char* base() const { return base_; }
    char* limit() const { return base_ + size_; }
    std::size_t size() const { return size_; }

private:
    char* base_;
    std::size_t size_;
};

unsigned char pattern(unsigned seed, std::size_t i) {
    return static_cast<unsigned char>(seed + i * 31 + (i >> 9));
}

void fill(void* p, std::size_t n, unsigned seed) {
    auto* b = static_cast<unsigned char*>(p);
    for (std::size_t i = 0; i < n; ++i) b[i] = pattern(seed, i);
}

// Index of the first byte that differs from the pattern, or n.
std::size_t first_bad(const void* p, std::size_t n, unsigned seed) {
    auto* b = static_cast<const unsigned char*>(p);
    for (std::size_t i = 0; i < n; ++i)
        if (b[i] != pattern(seed, i)) return i;
    return n;
}

bool aligned(const void* p, std::size_t a) { return reinterpret_cast<std::uintptr_t>(p) % a == 0; }

// Pages of [p, p + n) resident in memory.
std::size_t resident_pages(const void* p, std::size_t n) {
    auto a = reinterpret_cast<std::uintptr_t>(p) & ~std::uintptr_t{4095};
    n += reinterpret_cast<std::uintptr_t>(p) - a;
    std::vector<unsigned char> v((n + 4095) / 4096);
    if (mincore(reinterpret_cast<void*>(a), n, v.data()) != 0) return SIZE_MAX;
    return static_cast<std::size_t>(std::count_if(v.begin(), v.end(), [](unsigned char c) { return c & 1; }));
}

// Keeps the compiler from eliding a malloc/free pair.
inline void escape(void* p) { asm volatile("" : : "g"(p) : "memory"); }

#define EXPECT_HEAP_OK(heap)               \
    do {                                   \
        const char* why_ = (heap).check(); \
        EXPECT_EQ(why_, nullptr) << why_;  \
    } while (0)

}  // namespace

TEST(SlotHeap, CreateRejectsBadRangesAndStartsSmall) {
    Range r(64 * MiB);
    ASSERT_NE(r.base(), nullptr);
    EXPECT_FALSE(SlotHeap::create(r.base() + 8, r.limit()).valid());        // unaligned base
    EXPECT_FALSE(SlotHeap::create(r.base(), r.base() + 16 * KiB).valid());  // too small
    EXPECT_FALSE(SlotHeap::create(r.limit(), r.base()).valid());            // reversed
    SlotHeap invalid;
    EXPECT_EQ(invalid.allocate(10), nullptr);
    EXPECT_FALSE(invalid.owns(r.base()));
    invalid.deallocate(nullptr);

    SlotHeap heap = SlotHeap::create(r.base(), r.limit());
    ASSERT_TRUE(heap.valid());
    EXPECT_EQ(heap.base(), r.base());
    EXPECT_EQ(heap.capacity(), r.size());
    EXPECT_LE(heap.extent(), 8 * KiB);
    EXPECT_EQ(heap.bytes_in_use(), 0u);
    EXPECT_TRUE(heap.owns(r.base()));
    EXPECT_TRUE(heap.owns(r.limit() - 1));
    EXPECT_FALSE(heap.owns(r.limit()));
    EXPECT_FALSE(heap.owns(r.base() - 1));
    EXPECT_EQ(heap.usable_size(nullptr), 0u);
    heap.deallocate(nullptr);
    EXPECT_HEAP_OK(heap);
}

TEST(SlotHeap, ManySizesKeepTheirContentsAndAlignment) {
    Range r(1 * GiB);
    SlotHeap heap = SlotHeap::create(r.base(), r.limit());
    ASSERT_TRUE(heap.valid());
    std::vector<std::size_t> sizes = {
        0,      1,      7,      8,       9,       15,      16,      17,    24,    31,     32,
        33,     48,     63,     64,      65,      100,     127,     128,   129,   255,    256,
        257,    511,    512,    513,     1000,    1016,    1017,    1023,  1024,  1025,   2000,
        4095,   4096,   4097,   8191,    8192,    10000,   65535,   65536, 65537, 100000, 262135,
        262136, 262137, 300000, 1 * MiB, MiB + 1, 3 * MiB, 64 * MiB};
    for (std::size_t n = 0; n <= 5000; n += 3) sizes.push_back(n);  // every class boundary nearby
    struct Block {
        void* p;
        std::size_t n;
    };
    std::vector<Block> blocks;
    for (int round = 0; round < 2; ++round) {
        for (std::size_t n : sizes) {
            void* p = heap.allocate(n);
            ASSERT_NE(p, nullptr) << n;
            EXPECT_TRUE(aligned(p, 16)) << n;
            EXPECT_TRUE(heap.owns(p));
            EXPECT_GE(heap.usable_size(p), n);
            EXPECT_LE(heap.usable_size(p), n + n / 4 + 4096 + 16) << n;  // class or page rounding only
            fill(p, heap.usable_size(p), static_cast<unsigned>(blocks.size()));
            blocks.push_back({p, n});
        }
    }
    EXPECT_HEAP_OK(heap);
    std::size_t usable_sum = 0;
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        std::size_t u = heap.usable_size(blocks[i].p);
        usable_sum += u;
        ASSERT_EQ(first_bad(blocks[i].p, u, static_cast<unsigned>(i)), u) << "block of " << blocks[i].n;
    }
    EXPECT_EQ(heap.bytes_in_use(), usable_sum);
    for (std::size_t i = 0; i < blocks.size(); i += 2) heap.deallocate(blocks[i].p);
    EXPECT_HEAP_OK(heap);
    for (std::size_t i = 1; i < blocks.size(); i += 2) {
        std::size_t u = heap.usable_size(blocks[i].p);
        ASSERT_EQ(first_bad(blocks[i].p, u, static_cast<unsigned>(i)), u);
        heap.deallocate(blocks[i].p);
    }
    EXPECT_HEAP_OK(heap);
    EXPECT_EQ(heap.bytes_in_use(), 0u);
}

TEST(SlotHeap, AlignedAllocations) {
    Range r(1 * GiB);
    SlotHeap heap = SlotHeap::create(r.base(), r.limit());
    ASSERT_TRUE(heap.valid());
    EXPECT_EQ(heap.allocate_aligned(48, 10), nullptr);  // not a power of two
    EXPECT_EQ(heap.allocate_aligned(0, 10), nullptr);
    struct Block {
        void* p;
        std::size_t n;
    };
    std::vector<Block> blocks;
    for (std::size_t align : {std::size_t{1}, std::size_t{8}, std::size_t{16}, std::size_t{32},
                              std::size_t{64}, std::size_t{128}, std::size_t{256}, std::size_t{1024},
                              std::size_t{4096}, std::size_t{8192}, 64 * KiB, 2 * MiB, 16 * MiB}) {
        for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{100}, std::size_t{5000},
                              std::size_t{200000}, std::size_t{300000}, 3 * MiB}) {
            void* p = heap.allocate_aligned(align, n);
            ASSERT_NE(p, nullptr) << align << " " << n;
            EXPECT_TRUE(aligned(p, std::max<std::size_t>(align, 16))) << align << " " << n;
            EXPECT_GE(heap.usable_size(p), n);
            fill(p, n, static_cast<unsigned>(blocks.size()));
            blocks.push_back({p, n});
        }
    }
    EXPECT_HEAP_OK(heap);
    for (std::size_t i = 0; i < blocks.size(); ++i)
        ASSERT_EQ(first_bad(blocks[i].p, blocks[i].n, static_cast<unsigned>(i)), blocks[i].n);
    for (std::size_t i = 0; i < blocks.size(); ++i) heap.deallocate(blocks[i].p);
    EXPECT_HEAP_OK(heap);
    EXPECT_EQ(heap.bytes_in_use(), 0u);

    // Large over-aligned blocks give back the pages before the aligned address and after the end.
    // Back to back, 2 MiB-aligned 2 MiB blocks (each with a tag page before it) lie 4 MiB apart; the
    // gaps between them are free runs that later allocations fill without growing the heap.
    std::size_t before = heap.extent();
    std::vector<void*> big;
    for (int i = 0; i < 16; ++i) {
        void* p = heap.allocate_aligned(2 * MiB, 2 * MiB);
        ASSERT_NE(p, nullptr);
        EXPECT_TRUE(aligned(p, 2 * MiB));
        big.push_back(p);
    }
    EXPECT_HEAP_OK(heap);
    std::size_t after = heap.extent();
    EXPECT_LE(after, before + 16 * 4 * MiB + 2 * MiB);
    for (int i = 0; i < 15; ++i) big.push_back(heap.allocate(2 * MiB - 8 * KiB));
    EXPECT_EQ(heap.extent(), after);
    for (void* p : big) heap.deallocate(p);
    EXPECT_HEAP_OK(heap);
    EXPECT_EQ(heap.bytes_in_use(), 0u);
}

TEST(SlotHeap, FreedBlocksAreReused) {
    Range r(256 * MiB);
    SlotHeap heap = SlotHeap::create(r.base(), r.limit());
    ASSERT_TRUE(heap.valid());
    void* a = heap.allocate(64);
    heap.deallocate(a);
    EXPECT_EQ(heap.allocate(64), a);  // the free list is LIFO: the hottest block comes back
    heap.deallocate(a);

    // A large hole between two live runs is found again for the same size.
    void* x = heap.allocate(2 * MiB);
    void* y = heap.allocate(2 * MiB);
    void* z = heap.allocate(2 * MiB);
    ASSERT_TRUE(x && y && z);
    heap.deallocate(y);
    std::size_t extent = heap.extent();
    EXPECT_EQ(heap.allocate(2 * MiB), y);
    EXPECT_EQ(heap.extent(), extent);
    // Freed neighbours coalesce: x + y + their tags hold a block of 4 MiB.
    heap.deallocate(x);
    heap.deallocate(y);
    EXPECT_HEAP_OK(heap);
    EXPECT_EQ(heap.allocate(4 * MiB), x);
    EXPECT_EQ(heap.extent(), extent);
    heap.deallocate(x);
    heap.deallocate(z);
    EXPECT_HEAP_OK(heap);

    // Many small blocks freed and allocated again do not grow the heap.
    std::vector<void*> v;
    for (int i = 0; i < 10000; ++i) v.push_back(heap.allocate(static_cast<std::size_t>(i % 700)));
    extent = heap.extent();
    for (void* p : v) heap.deallocate(p);
    v.clear();
    for (int i = 0; i < 10000; ++i) v.push_back(heap.allocate(static_cast<std::size_t>((i * 7) % 700)));
    EXPECT_LE(heap.extent(), extent + 64 * KiB);
    for (void* p : v) heap.deallocate(p);
    EXPECT_HEAP_OK(heap);
    EXPECT_EQ(heap.bytes_in_use(), 0u);
}

TEST(SlotHeap, ReallocGrowsAndShrinksKeepingContents) {
    Range r(1 * GiB);
    SlotHeap heap = SlotHeap::create(r.base(), r.limit());
    ASSERT_TRUE(heap.valid());
    void* p = heap.reallocate(nullptr, 10);  // realloc(NULL, n) is malloc
    ASSERT_NE(p, nullptr);
    fill(p, 10, 1);
    std::size_t n = 10;
    // Grow through every kind: small classes, then large runs (growing in place at the top).
    for (std::size_t m :
         {std::size_t{24}, std::size_t{100}, std::size_t{1000}, std::size_t{5000}, std::size_t{100000},
          std::size_t{262136}, std::size_t{300000}, 1 * MiB, 5 * MiB, 40 * MiB}) {
        void* q = heap.reallocate(p, m);
        ASSERT_NE(q, nullptr) << m;
        EXPECT_TRUE(aligned(q, 16));
        EXPECT_GE(heap.usable_size(q), m);
        ASSERT_EQ(first_bad(q, n, 1), n) << "growing to " << m;
        fill(q, m, 1);
        p = q, n = m;
    }
    EXPECT_HEAP_OK(heap);
    // A large block at the top of the heap grows in place.
    void* q = heap.reallocate(p, 48 * MiB);
    EXPECT_EQ(q, p);
    ASSERT_EQ(first_bad(q, n, 1), n);
    fill(q, 48 * MiB, 1), n = 48 * MiB;
    // ... and shrinks in place, the tail going back.
    q = heap.reallocate(p, 2 * MiB);
    EXPECT_EQ(q, p);
    ASSERT_EQ(first_bad(q, 2 * MiB, 1), 2 * MiB);
    n = 2 * MiB;
    EXPECT_HEAP_OK(heap);
    // A large block grows into a free run above it.
    void* blocker = heap.allocate(8 * MiB);
    void* above = heap.allocate(4 * MiB);  // keeps blocker's free run off the wilderness
    ASSERT_TRUE(blocker && above);
    heap.deallocate(blocker);
    q = heap.reallocate(p, 9 * MiB);
    EXPECT_EQ(q, p);
    ASSERT_EQ(first_bad(q, n, 1), n);
    n = 9 * MiB;
    EXPECT_HEAP_OK(heap);
    // Shrink back to small, preserving the prefix.
    for (std::size_t m : {std::size_t{200000}, std::size_t{3000}, std::size_t{100}, std::size_t{1}}) {
        void* s = heap.reallocate(p, m);
        ASSERT_NE(s, nullptr);
        ASSERT_EQ(first_bad(s, m, 1), m) << "shrinking to " << m;
        p = s, n = m;
    }
    void* zero = heap.reallocate(p, 0);  // a minimum-size block, never a failure
    ASSERT_NE(zero, nullptr);
    heap.deallocate(zero);
    heap.deallocate(above);
    EXPECT_HEAP_OK(heap);
    EXPECT_EQ(heap.bytes_in_use(), 0u);
}

TEST(SlotHeap, ReallocGrowsIntoAFreeNeighbour) {
    Range r(256 * MiB);
    SlotHeap heap = SlotHeap::create(r.base(), r.limit());
    ASSERT_TRUE(heap.valid());
    // a, hole, b carved in a row; a grows over the hole without moving.
    void* a = heap.allocate(1 * MiB);
    void* hole = heap.allocate(3 * MiB);
    void* b = heap.allocate(1 * MiB);
    ASSERT_TRUE(a && hole && b);
    fill(a, 1 * MiB, 9);
    heap.deallocate(hole);
    void* a2 = heap.reallocate(a, 3 * MiB);
    EXPECT_EQ(a2, a);
    ASSERT_EQ(first_bad(a2, 1 * MiB, 9), 1 * MiB);
    EXPECT_HEAP_OK(heap);
    // An over-aligned block reallocates to a normal one, contents kept.
    void* al = heap.allocate_aligned(4096, 100);
    fill(al, 100, 3);
    void* al2 = heap.reallocate(al, 5000);
    ASSERT_NE(al2, nullptr);
    ASSERT_EQ(first_bad(al2, 100, 3), 100u);
    heap.deallocate(al2);
    heap.deallocate(a2);
    heap.deallocate(b);
    EXPECT_HEAP_OK(heap);
    EXPECT_EQ(heap.bytes_in_use(), 0u);
}

TEST(SlotHeap, AllocateZeroedClearsReusedMemoryAndLeavesFreshPagesUntouched) {
    Range r(1 * GiB);
    SlotHeap heap = SlotHeap::create(r.base(), r.limit());
    ASSERT_TRUE(heap.valid());
    for (std::size_t n : {std::size_t{40}, std::size_t{3000}, std::size_t{300000}, 2 * MiB}) {
        void* keep = heap.allocate(n);  // so the freed block is not at the top
        void* p = heap.allocate(n);
        void* after = heap.allocate(n);
        std::memset(p, 0xff, n);
        heap.deallocate(p);
        auto* z = static_cast<unsigned char*>(heap.allocate_zeroed(n));
        ASSERT_NE(z, nullptr);
        EXPECT_TRUE(std::all_of(z, z + n, [](unsigned char c) { return c == 0; })) << n;
        heap.deallocate(z);
        heap.deallocate(keep);
        heap.deallocate(after);
    }
    // A fresh 64 MiB block is known zero: allocate_zeroed does not write (and so fault in) it.
    auto* big = static_cast<unsigned char*>(heap.allocate_zeroed(64 * MiB));
    ASSERT_NE(big, nullptr);
    EXPECT_LE(resident_pages(big, 64 * MiB), 2u);
    EXPECT_EQ(big[0], 0);
    EXPECT_EQ(big[64 * MiB - 1], 0);
    heap.deallocate(big);
    EXPECT_HEAP_OK(heap);
}

TEST(SlotHeap, ExhaustionReturnsNull) {
    Range r(1 * MiB);
    SlotHeap heap = SlotHeap::create(r.base(), r.limit());
    ASSERT_TRUE(heap.valid());
    EXPECT_EQ(heap.allocate(2 * MiB), nullptr);
    EXPECT_EQ(heap.allocate(SIZE_MAX), nullptr);
    EXPECT_EQ(heap.allocate(SIZE_MAX - 8), nullptr);
    EXPECT_EQ(heap.allocate_zeroed(SIZE_MAX), nullptr);
    EXPECT_EQ(heap.allocate_aligned(1 * GiB, 1), nullptr);
    EXPECT_EQ(heap.allocate_aligned(64, SIZE_MAX - 32), nullptr);
    std::vector<void*> blocks;
    for (;;) {
        void* p = heap.allocate(4000);
        if (!p) break;
        std::memset(p, 1, 4000);
        blocks.push_back(p);
    }
    EXPECT_GE(blocks.size(), 200u);  // ~94% of the 1 MiB is usable in 4000-byte blocks
    EXPECT_LE(heap.extent(), 1 * MiB);
    EXPECT_EQ(heap.allocate(4000), nullptr);  // still full, still no crash
    void* p = blocks.back();
    EXPECT_EQ(heap.reallocate(p, 512 * KiB), nullptr);  // fails, leaving p allocated
    EXPECT_EQ(heap.usable_size(p) >= 4000, true);
    EXPECT_HEAP_OK(heap);
    for (void* b : blocks) heap.deallocate(b);
    EXPECT_HEAP_OK(heap);
    EXPECT_EQ(heap.bytes_in_use(), 0u);
    void* big = heap.allocate(900 * KiB);  // the freed spans coalesced back
    EXPECT_NE(big, nullptr);
    heap.deallocate(big);
    EXPECT_HEAP_OK(heap);
}

TEST(SlotHeap, ExtentFollowsTheHighWaterMark) {
    Range r(1 * GiB);
    SlotHeap heap = SlotHeap::create(r.base(), r.limit());
    ASSERT_TRUE(heap.valid());
    EXPECT_LE(heap.extent(), 8 * KiB);
    std::vector<void*> v;
    for (std::size_t i = 1; i <= 100; ++i) v.push_back(heap.allocate(i));
    std::printf("[ extent   ] after 100 small allocations: %zu KiB\n", heap.extent() / KiB);
    EXPECT_LT(heap.extent(), 256 * KiB);
    for (void* p : v) heap.deallocate(p);
    v.clear();

    // 10 MiB in 1000-byte blocks: the extent is the data plus a few percent of headers.
    for (int i = 0; i < 10 * 1048; ++i) v.push_back(heap.allocate(1000));
    std::size_t high = heap.extent();
    std::printf("[ extent   ] with 10 MiB live in 1000-byte blocks: %.2f MiB\n", double(high) / MiB);
    EXPECT_GE(high, 10 * MiB);
    EXPECT_LE(high, 10 * MiB + MiB);
    for (void* p : v) heap.deallocate(p);
    v.clear();
    EXPECT_HEAP_OK(heap);
    std::printf("[ extent   ] after freeing them: %.2f MiB\n", double(heap.extent()) / MiB);
    EXPECT_LE(heap.extent(), high);  // never grows by freeing; here it shrinks (top released)

    // 10 MiB in large blocks.
    std::size_t before = heap.extent();
    for (int i = 0; i < 10; ++i) v.push_back(heap.allocate(1 * MiB));
    high = heap.extent();
    EXPECT_GE(high, 10 * MiB);
    EXPECT_LE(high, before + 10 * MiB + 10 * 4 * KiB);
    for (void* p : v) heap.deallocate(p);
    v.clear();
    EXPECT_LE(heap.extent(), high);
    // The freed top was released: the heap's RSS is back to a few pages.
    EXPECT_LE(resident_pages(r.base(), high), 64u);
    EXPECT_HEAP_OK(heap);
}

TEST(SlotHeap, FreedLargeRunsReturnTheirPages) {
    Range r(1 * GiB);
    SlotHeap heap = SlotHeap::create(r.base(), r.limit());
    ASSERT_TRUE(heap.valid());
    auto* a = static_cast<char*>(heap.allocate(8 * MiB));
    void* b = heap.allocate(300 * KiB);  // above a: a's run is not at the top when freed
    ASSERT_TRUE(a && b);
    std::memset(a, 7, 8 * MiB);
    EXPECT_GE(resident_pages(a, 8 * MiB), 2040u);
    std::size_t extent = heap.extent();
    heap.deallocate(a);
    EXPECT_LE(resident_pages(a, 8 * MiB), 2u);  // only the page holding the free run's tag
    EXPECT_EQ(heap.extent(), extent);           // a hole, not the top: the extent stays
    // The hole is used again and the pages come back zeroed by the kernel.
    auto* c = static_cast<char*>(heap.allocate(6 * MiB));
    EXPECT_EQ(c, a);
    EXPECT_EQ(c[5 * MiB], 0);
    heap.deallocate(c);
    heap.deallocate(b);
    EXPECT_HEAP_OK(heap);
}

TEST(SlotHeap, RandomizedStressAgainstShadow) {
    Range r(1 * GiB);
    SlotHeap heap = SlotHeap::create(r.base(), r.limit());
    ASSERT_TRUE(heap.valid());
    struct Live {
        void* p;
        std::size_t n;
        unsigned seed;
    };
    std::vector<Live> live;
    std::mt19937_64 rng(12345);
    auto random_size = [&] {
        std::uint64_t k = rng() % 1000;
        if (k < 920) return static_cast<std::size_t>(rng() % 513);
        if (k < 990) return static_cast<std::size_t>(rng() % (32 * KiB));
        return static_cast<std::size_t>(rng() % (768 * KiB));
    };
    unsigned next_seed = 1;
    std::size_t allocs = 0, frees = 0, reallocs = 0;
    for (int op = 0; op < 200000; ++op) {
        std::uint64_t k = rng() % 100;
        if (live.empty() || (k < 45 && live.size() < 6000)) {
            std::size_t n = random_size();
            void* p;
            std::uint64_t how = rng() % 20;
            std::size_t align = 16;
            if (how == 0) {
                align = std::size_t{32} << (rng() % 10);  // 32 .. 16 KiB
                p = heap.allocate_aligned(align, n);
            } else if (how == 1) {
                p = heap.allocate_zeroed(n);
                if (p) {
                    auto* z = static_cast<unsigned char*>(p);
                    ASSERT_TRUE(std::all_of(z, z + n, [](unsigned char c) { return c == 0; })) << "op " << op;
                }
            } else {
                p = heap.allocate(n);
            }
            ASSERT_NE(p, nullptr) << "op " << op;
            ASSERT_TRUE(aligned(p, align)) << "op " << op;
            ASSERT_GE(heap.usable_size(p), n);
            fill(p, n, next_seed);
            live.push_back({p, n, next_seed++});
            ++allocs;
        } else if (k < 80) {
            std::size_t i = rng() % live.size();
            ASSERT_EQ(first_bad(live[i].p, live[i].n, live[i].seed), live[i].n) << "op " << op;
            heap.deallocate(live[i].p);
            live[i] = live.back();
            live.pop_back();
            ++frees;
        } else {
            std::size_t i = rng() % live.size();
            std::size_t m = rng() % 4 == 0 ? live[i].n + rng() % 4096 : random_size();
            void* q = heap.reallocate(live[i].p, m);
            ASSERT_NE(q, nullptr);
            ASSERT_TRUE(aligned(q, 16));
            ASSERT_GE(heap.usable_size(q), m);
            std::size_t keep = std::min(m, live[i].n);
            ASSERT_EQ(first_bad(q, keep, live[i].seed), keep) << "op " << op;
            fill(q, m, next_seed);
            live[i] = {q, m, next_seed++};
            ++reallocs;
        }
        if (op % 20000 == 0) {
            const char* why = heap.check();
            ASSERT_EQ(why, nullptr) << "op " << op << ": " << why;
        }
    }
    std::printf(
        "[ stress   ] %zu allocations, %zu frees, %zu reallocs; %zu live, %.1f MiB in use, extent %.1f MiB\n",
        allocs, frees, reallocs, live.size(), double(heap.bytes_in_use()) / MiB, double(heap.extent()) / MiB);
    EXPECT_HEAP_OK(heap);
    for (const Live& l : live) {
        ASSERT_EQ(first_bad(l.p, l.n, l.seed), l.n);
        heap.deallocate(l.p);
    }
    EXPECT_HEAP_OK(heap);
    EXPECT_EQ(heap.bytes_in_use(), 0u);
}

namespace {

struct Node {
    Node* next;
    std::uint64_t id;
    std::size_t payload_size;
    unsigned char* payload;
};

// Walks the list built by the relocation test, checks every node and payload, frees it all and
// uses the heap again. Returns nullptr or what is wrong (it also runs in a forked child).
const char* verify_and_drain(SlotHeap& heap, Node* head, std::size_t nodes, std::size_t in_use) {
    if (const char* why = heap.check()) return why;
    heap.collect();  // frees what other threads queued before the copy
    if (heap.bytes_in_use() != in_use) return "bytes in use changed";
    std::size_t count = 0;
    for (Node* n = head; n; n = n->next, ++count) {
        if (!heap.owns(n) || !heap.owns(n->payload)) return "node outside the heap";
        if (n->id % 3 == 0) return "a freed node is still linked";
        if (first_bad(n->payload, n->payload_size, static_cast<unsigned>(n->id)) != n->payload_size)
            return "payload damaged";
    }
    if (count != nodes) return "list length changed";
    while (head) {
        Node* next = head->next;
        heap.deallocate(head->payload);
        heap.deallocate(head);
        head = next;
    }
    if (heap.bytes_in_use() != 0) return "bytes in use after freeing everything";
    std::vector<void*> v;
    for (std::size_t i = 0; i < 2000; ++i) {
        void* p = heap.allocate(i * 37 % 5000 + (i % 100 == 0 ? 1 * MiB : 0));
        if (!p) return "allocation failed after adopt";
        fill(p, heap.usable_size(p), 5);
        v.push_back(p);
    }
    for (void* p : v) heap.deallocate(p);
    return heap.check();
}

// Replaces the range with a fresh reservation (as in a process that never touched it), copies the
// saved extent back into it and adopts the heap there.
SlotHeap wipe_and_restore(const Range& r, const std::vector<unsigned char>& saved) {
    munmap(r.base(), r.size());
    void* again = mmap(r.base(), r.size(), PROT_NONE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
    if (again != r.base()) return {};
    if (resident_pages(r.base(), r.size()) != 0) return {};  // really wiped
    if (mprotect(r.base(), saved.size(), PROT_READ | PROT_WRITE) != 0) return {};
    std::memcpy(r.base(), saved.data(), saved.size());
    return SlotHeap::adopt(r.base(), r.limit());
}

}  // namespace

TEST(SlotHeap, RelocationByCopyingTheExtent) {
    Range r(1 * GiB);
    SlotHeap heap = SlotHeap::create(r.base(), r.limit());
    ASSERT_TRUE(heap.valid());
    // A linked list whose nodes and payloads (some large, some over-aligned) are all in the heap;
    // every third node is freed again so the copy holds holes, free lists and free runs too.
    Node* head = nullptr;
    Node** tail = &head;
    std::vector<Node*> doomed;
    const std::size_t total = 6000;
    for (std::size_t i = 0; i < total; ++i) {
        auto* n = static_cast<Node*>(heap.allocate(sizeof(Node)));
        ASSERT_NE(n, nullptr);
        n->next = nullptr;
        n->id = i;
        n->payload_size = i % 500 == 7 ? 400 * KiB + i : i % 97;
        n->payload = static_cast<unsigned char*>(i % 50 == 1 ? heap.allocate_aligned(256, n->payload_size)
                                                             : heap.allocate(n->payload_size));
        ASSERT_NE(n->payload, nullptr);
        fill(n->payload, n->payload_size, static_cast<unsigned>(i));
        if (i % 3 == 0) {
            doomed.push_back(n);
        } else {
            *tail = n;
            tail = &n->next;
        }
    }
    for (Node* n : doomed) {
        heap.deallocate(n->payload);
        heap.deallocate(n);
    }
    const std::size_t nodes = total - doomed.size();
    const std::size_t in_use = heap.bytes_in_use();
    // Blocks another thread freed and the owner has not reclaimed yet travel in the copy too.
    std::vector<void*> queued;
    for (int i = 0; i < 50; ++i) queued.push_back(heap.allocate(static_cast<std::size_t>(i) * 300));
    std::thread([&] {
        for (void* p : queued) heap.deallocate_remote(p);
    }).join();
    EXPECT_GT(heap.bytes_in_use(), in_use);
    EXPECT_HEAP_OK(heap);
    // What migration sends: the touched prefix of the range, nothing more.
    std::vector<unsigned char> saved(r.base(), r.base() + heap.extent());
    std::printf("[ relocate ] %zu nodes, %.1f MiB in use, extent %.1f MiB copied\n", nodes,
                double(in_use) / MiB, double(saved.size()) / MiB);

    // Another process with the same reservation: a forked child restores the copy into a wiped
    // range and uses it, while the parent does the same under the test's eye.
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        SlotHeap moved = wipe_and_restore(r, saved);
        _exit(moved.valid() && verify_and_drain(moved, head, nodes, in_use) == nullptr ? 0 : 1);
    }
    SlotHeap moved = wipe_and_restore(r, saved);
    ASSERT_TRUE(moved.valid());
    EXPECT_EQ(moved.extent(), saved.size());
    const char* why = verify_and_drain(moved, head, nodes, in_use);
    EXPECT_EQ(why, nullptr) << why;
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;
}

TEST(SlotHeap, AdoptRefusesWhatIsNotAHeapAtThatAddress) {
    Range r(64 * MiB), other(64 * MiB);
    EXPECT_FALSE(SlotHeap::adopt(r.base(), r.limit()).valid());  // reserved, never written
    SlotHeap heap = SlotHeap::create(r.base(), r.limit());
    ASSERT_TRUE(heap.valid());
    void* p = heap.allocate(100);
    ASSERT_NE(p, nullptr);
    // The same bytes at another address are not a heap: its links point into the original range.
    ASSERT_EQ(mprotect(other.base(), heap.extent(), PROT_READ | PROT_WRITE), 0);
    std::memcpy(other.base(), r.base(), heap.extent());
    EXPECT_FALSE(SlotHeap::adopt(other.base(), other.limit()).valid());
    // A limit below the extent cannot hold it.
    void* big = heap.allocate(1 * MiB);
    ASSERT_NE(big, nullptr);
    EXPECT_FALSE(SlotHeap::adopt(r.base(), r.base() + 64 * KiB).valid());
    // Adopting in place works and keeps the block.
    SlotHeap again = SlotHeap::adopt(r.base(), r.limit());
    ASSERT_TRUE(again.valid());
    EXPECT_GE(again.usable_size(p), 100u);
    again.deallocate(p);
    again.deallocate(big);
    EXPECT_EQ(again.bytes_in_use(), 0u);
}

TEST(SlotHeap, ReleaseAllReturnsTheRangeToProtNone) {
    Range r(256 * MiB);
    SlotHeap heap = SlotHeap::create(r.base(), r.limit());
    ASSERT_TRUE(heap.valid());
    std::vector<void*> v;
    for (int i = 0; i < 1000; ++i) {
        void* p = heap.allocate(static_cast<std::size_t>(i) * 100);
        std::memset(p, 1, static_cast<std::size_t>(i) * 100);
        v.push_back(p);
    }
    std::size_t extent = heap.extent();
    EXPECT_GT(resident_pages(r.base(), extent), 100u);
    heap.release_all();
    EXPECT_FALSE(heap.valid());
    EXPECT_EQ(heap.allocate(10), nullptr);
    EXPECT_EQ(resident_pages(r.base(), extent), 0u);
    // Reading the range now faults: process_vm_readv reports EFAULT instead of crashing us.
    char buf[16];
    iovec local{buf, sizeof buf}, remote{r.base(), sizeof buf};
    errno = 0;
    EXPECT_EQ(process_vm_readv(getpid(), &local, 1, &remote, 1, 0), -1);
    EXPECT_EQ(errno, EFAULT);
    remote.iov_base = static_cast<char*>(v[500]);
    EXPECT_EQ(process_vm_readv(getpid(), &local, 1, &remote, 1, 0), -1);
    // The slot can host a new heap, which starts empty.
    SlotHeap fresh = SlotHeap::create(r.base(), r.limit());
    ASSERT_TRUE(fresh.valid());
    EXPECT_EQ(fresh.bytes_in_use(), 0u);
    EXPECT_LE(fresh.extent(), 8 * KiB);
    void* p = fresh.allocate(1000);
    EXPECT_NE(p, nullptr);
    fresh.deallocate(p);
    EXPECT_HEAP_OK(fresh);
}

TEST(SlotHeap, RemoteFreesAreReclaimedByTheOwner) {
    Range r(64 * MiB);
    SlotHeap heap = SlotHeap::create(r.base(), r.limit());
    ASSERT_TRUE(heap.valid());
    void* a = heap.allocate(100);
    void* b = heap.allocate(2 * MiB);
    void* c = heap.allocate_aligned(4096, 10);
    ASSERT_TRUE(a && b && c);
    std::size_t in_use = heap.bytes_in_use();
    std::thread([&] {
        heap.deallocate_remote(a);
        heap.deallocate_remote(b);
        heap.deallocate_remote(c);
        heap.deallocate_remote(nullptr);
    }).join();
    EXPECT_EQ(heap.bytes_in_use(), in_use);  // queued, not yet freed
    EXPECT_HEAP_OK(heap);
    heap.collect();
    EXPECT_EQ(heap.bytes_in_use(), 0u);
    EXPECT_HEAP_OK(heap);
    void* d = heap.allocate(100);
    EXPECT_EQ(d, a);  // the remote-freed block is reused
    heap.deallocate(d);
}

TEST(SlotHeap, FreesFromAnotherThreadAreSafe) {
    Range r(1 * GiB);
    SlotHeap heap = SlotHeap::create(r.base(), r.limit());
    ASSERT_TRUE(heap.valid());
    std::mutex m;
    std::vector<void*> handoff;
    bool done = false;
    std::thread freer([&] {
        std::vector<void*> batch;
        for (;;) {
            {
                std::lock_guard<std::mutex> g(m);
                batch.swap(handoff);
                if (batch.empty() && done) break;
            }
            for (void* p : batch) {
                (void)heap.usable_size(p);  // safe from any thread too
                heap.deallocate_remote(p);
            }
            batch.clear();
        }
    });
    // The owner allocates, frees some blocks itself and hands the others to the freer thread,
    // whose frees land while the owner keeps allocating.
    std::mt19937 rng(7);
    std::vector<void*> own;
    for (int i = 0; i < 200000; ++i) {
        std::size_t n = rng() % 3000 + (i % 1000 == 0 ? 1 * MiB : 0);
        void* p = heap.allocate(n);
        ASSERT_NE(p, nullptr);
        std::memset(p, 0x5a, std::min<std::size_t>(n, 64));
        if (i % 3 == 0) {
            own.push_back(p);
            if (own.size() > 100) {
                heap.deallocate(own.front());
                own.erase(own.begin());
            }
            continue;
        }
        std::lock_guard<std::mutex> g(m);
        handoff.push_back(p);
    }
    {
        std::lock_guard<std::mutex> g(m);
        done = true;
    }
    freer.join();
    for (void* p : own) heap.deallocate(p);
    heap.collect();
    EXPECT_HEAP_OK(heap);
    EXPECT_EQ(heap.bytes_in_use(), 0u);
}

TEST(SlotHeapDeathTest, BadFreesAbortWithAMessage) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    Range r(64 * MiB);
    SlotHeap heap = SlotHeap::create(r.base(), r.limit());
    ASSERT_TRUE(heap.valid());
    auto* p = static_cast<char*>(heap.allocate(64));
    void* big = heap.allocate(2 * MiB);
    void* blocker = heap.allocate(2 * MiB);
    ASSERT_TRUE(p && big && blocker);
    EXPECT_DEATH(heap.deallocate(p + 8), "invalid pointer");
    int on_stack = 0;
    EXPECT_DEATH(heap.deallocate(&on_stack), "invalid pointer");
    heap.deallocate(p);
    EXPECT_DEATH(heap.deallocate(p), "double free");
    heap.deallocate(big);
    EXPECT_DEATH(heap.deallocate(big), "double free");
    EXPECT_DEATH((void)heap.usable_size(p), "double free");
}

TEST(SlotHeap, BenchmarkAgainstGlibcMalloc) {
    Range r(1 * GiB);
    SlotHeap heap = SlotHeap::create(r.base(), r.limit());
    ASSERT_TRUE(heap.valid());
    using Clock = std::chrono::steady_clock;
    auto ns_since = [](Clock::time_point t0, double ops) {
        return std::chrono::duration<double, std::nano>(Clock::now() - t0).count() / ops;
    };
    const int pairs = 5000000;
    for (int i = 0; i < 1000; ++i) heap.deallocate(heap.allocate(64));  // warm up
    auto t0 = Clock::now();
    for (int i = 0; i < pairs; ++i) {
        void* p = heap.allocate(64);
        escape(p);
        heap.deallocate(p);
    }
    double slot_pair = ns_since(t0, pairs);
    t0 = Clock::now();
    for (int i = 0; i < pairs; ++i) {
        void* p = std::malloc(64);
        escape(p);
        std::free(p);
    }
    double glibc_pair = ns_since(t0, pairs);

    // 1000 blocks live at a time: the free lists and spans, not just one hot block.
    const int rounds = 5000, batch = 1000;
    std::vector<void*> v(batch);
    t0 = Clock::now();
    for (int k = 0; k < rounds; ++k) {
        for (int i = 0; i < batch; ++i) v[static_cast<std::size_t>(i)] = heap.allocate(64);
        for (int i = 0; i < batch; ++i) heap.deallocate(v[static_cast<std::size_t>(i)]);
    }
    double slot_batch = ns_since(t0, double(rounds) * batch);
    t0 = Clock::now();
    for (int k = 0; k < rounds; ++k) {
        for (int i = 0; i < batch; ++i) {
            v[static_cast<std::size_t>(i)] = std::malloc(64);
            escape(v[static_cast<std::size_t>(i)]);
        }
        for (int i = 0; i < batch; ++i) std::free(v[static_cast<std::size_t>(i)]);
    }
    double glibc_batch = ns_since(t0, double(rounds) * batch);
    std::printf("[ bench    ] 64-byte malloc+free pair: slot heap %.1f ns, glibc %.1f ns\n", slot_pair,
                glibc_pair);
    std::printf("[ bench    ] 64-byte, 1000 live per round: slot heap %.1f ns, glibc %.1f ns per pair\n",
                slot_batch, glibc_batch);
    EXPECT_HEAP_OK(heap);
}
