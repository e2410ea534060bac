// rank_heap_test.cc — a rank's own allocations come from its slot (so they can travel with it);
// the library's, the scheduler's and other threads' come from the PE heap; frees go by address.
#include "runtime/rank_heap.hpp"

#include <gtest/gtest.h>
#include <malloc.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#include "runtime/slots.hpp"
#include "support/job.hpp"

using mosix::test::rank;
using mosix::test::run_ranks;

namespace {

constexpr std::size_t kStack = 256 * 1024;

bool in_own_slot(const void* p) {
    const mosix::rt::SlotHeap* h = mosix::rt::heap_of(p);
    return h && h->base() == mosix::rt::rank_heap(rank()).base();
}

#if defined(MOSIX_SANITIZE)
#define SKIP_UNDER_SANITIZER() GTEST_SKIP() << "AddressSanitizer owns malloc in this build"
#else
#define SKIP_UNDER_SANITIZER() (void)0
#endif

}  // namespace

TEST(RankHeap, EveryAllocationCallOfARankLandsInItsOwnSlot) {
    SKIP_UNDER_SANITIZER();
    EXPECT_EQ(
        0,
        run_ranks(
            4,
            [] {
                void* m = std::malloc(100);
                void* c = std::calloc(10, 100);
                void* r = std::realloc(std::malloc(10), 5000);
                void* a = aligned_alloc(4096, 8192);
                void* pm = nullptr;
                ASSERT_EQ(0, posix_memalign(&pm, 256, 1000));
                auto v = std::make_unique<std::vector<int>>(1000, rank());
                for (void* p : {m, c, r, a, pm, static_cast<void*>(v.get()), static_cast<void*>(v->data())})
                    EXPECT_TRUE(in_own_slot(p)) << p << " on rank " << rank();
                EXPECT_EQ(0u, reinterpret_cast<std::uintptr_t>(a) % 4096);
                EXPECT_EQ(0u, reinterpret_cast<std::uintptr_t>(pm) % 256);
                EXPECT_GE(malloc_usable_size(m), 100u);
                for (int i = 0; i < 1000; ++i) EXPECT_EQ(0, static_cast<char*>(c)[i]);
                for (void* p : {m, c, r, a, pm}) std::free(p);
            },
            kStack, true));
}

TEST(RankHeap, LibraryBookkeepingStaysOnThePeHeap) {
    SKIP_UNDER_SANITIZER();
    EXPECT_EQ(0, run_ranks(
                     7,
                     [] {
                         // Communicator tables and groups are the library's, on the PE heap:
                         // fifty live communicators cost the rank's heap only the message buffers
                         // their creation used (pooled, bounded by messages in flight), not fifty
                         // table entries and groups.
                         MPI_Barrier(MPI_COMM_WORLD);
                         std::size_t before = mosix::rt::rank_heap_in_use(rank());
                         std::vector<MPI_Comm> comms(50, MPI_COMM_NULL);
                         for (std::size_t i = 0; i < comms.size(); ++i) {
                             if (i % 2)
                                 MPI_Comm_dup(MPI_COMM_WORLD, &comms[i]);
                             else
                                 MPI_Comm_split(MPI_COMM_WORLD, rank() % 2, -rank(), &comms[i]);
                         }
                         std::size_t grown = mosix::rt::rank_heap_in_use(rank()) - before;
                         EXPECT_LT(grown, 4096u + comms.size() * sizeof(MPI_Comm));
                         for (MPI_Comm& c : comms) MPI_Comm_free(&c);
                     },
                     kStack, true));
}

TEST(RankHeap, RequestsAndUnexpectedMessagesLiveInTheirOwnersSlot) {
    SKIP_UNDER_SANITIZER();
    EXPECT_EQ(0, run_ranks(
                     2,
                     [] {
                         // A request object is its owner's: the MPI_Request handle must stay valid
                         // wherever the rank runs.
                         int v = rank();
                         MPI_Request req;
                         MPI_Isend(&v, 1, MPI_INT, rank(), 0, MPI_COMM_WORLD, &req);
                         EXPECT_TRUE(in_own_slot(req));
                         MPI_Recv(&v, 1, MPI_INT, rank(), 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                         MPI_Wait(&req, MPI_STATUS_IGNORE);
                         // An unexpected message is its receiver's: rank 1's 8 KiB message, queued
                         // at rank 0 before rank 0 receives it, is in rank 0's heap.
                         std::vector<char> big(8192, 'x');  // the rank's own, before counting
                         MPI_Barrier(MPI_COMM_WORLD);
                         std::size_t before = mosix::rt::rank_heap_in_use(rank());
                         MPI_Barrier(MPI_COMM_WORLD);
                         if (rank() == 1) MPI_Send(big.data(), 8192, MPI_CHAR, 0, 1, MPI_COMM_WORLD);
                         MPI_Barrier(MPI_COMM_WORLD);
                         if (rank() == 0) {
                             EXPECT_GE(mosix::rt::rank_heap_in_use(rank()), before + 8192);
                             MPI_Recv(big.data(), 8192, MPI_CHAR, 1, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                             EXPECT_EQ('x', big[8191]);
                         }
                     },
                     kStack, true));
}

TEST(RankHeap, OtherThreadsUseThePeHeapAndMayFreeRankMemory) {
    SKIP_UNDER_SANITIZER();
    EXPECT_EQ(0, run_ranks(
                     2,
                     [] {
                         char* mine = static_cast<char*>(std::malloc(64));
                         std::strcpy(mine, "rank memory");
                         void* theirs = nullptr;
                         std::thread t([&] {
                             theirs = std::malloc(64);
                             std::free(mine);  // a foreign thread frees into the rank's heap
                         });
                         t.join();
                         EXPECT_FALSE(mosix::rt::heap_of(theirs));
                         std::free(theirs);
                         // The rank's heap takes the block back and keeps working.
                         for (int i = 0; i < 1000; ++i) std::free(std::malloc(64));
                         EXPECT_EQ(nullptr, mosix::rt::rank_heap(rank()).check());
                     },
                     kStack, true));
}

TEST(RankHeap, AQuarterGigabyteHeapIsTouchedOnlyWhereUsed) {
    SKIP_UNDER_SANITIZER();
    EXPECT_EQ(0, run_ranks(
                     2,
                     [] {
                         std::size_t n = 256u << 20;
                         auto* p = static_cast<unsigned char*>(std::malloc(n));
                         ASSERT_NE(nullptr, p);
                         EXPECT_TRUE(in_own_slot(p));
                         for (std::size_t i = 0; i < n; i += 4096) p[i] = static_cast<unsigned char>(i >> 12);
                         EXPECT_GE(mosix::rt::rank_heap_extent(rank()), n);
                         EXPECT_LT(mosix::rt::rank_heap_extent(rank()), n + (8u << 20));
                         std::free(p);
                     },
                     kStack, true));
}
