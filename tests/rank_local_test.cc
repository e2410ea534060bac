// rank_local_test.cc — rank-local storage: a "global" with one value per rank, surviving the
// interleaving of ranks on one PE, through the C call and the C++ RankLocal<T>.
#include <gtest/gtest.h>
#include <mosix.h>

#include <mosix.hpp>
#include <vector>

#include "runtime/rank_heap.hpp"
#include "runtime/scheduler.hpp"
#include "support/job.hpp"

using mosix::test::rank;
using mosix::test::run_ranks;

namespace {
char id_a, id_b;
char many_ids[100];
}  // namespace

TEST(RankLocal, EachRankSeesItsOwnSlotForTheSameId) {
    EXPECT_EQ(0, run_ranks(7, [] {
                  void** a = mosix_rank_local(&id_a);
                  ASSERT_NE(nullptr, a);
                  EXPECT_EQ(nullptr, *a);  // first use
                  *a = reinterpret_cast<void*>(static_cast<std::intptr_t>(rank() + 1));
                  *mosix_rank_local(&id_b) = reinterpret_cast<void*>(static_cast<std::intptr_t>(-rank()));
                  mosix::rt::yield();  // every other rank writes its own values meanwhile
                  EXPECT_EQ(rank() + 1,
                            static_cast<int>(reinterpret_cast<std::intptr_t>(*mosix_rank_local(&id_a))));
                  EXPECT_EQ(-rank(),
                            static_cast<int>(reinterpret_cast<std::intptr_t>(*mosix_rank_local(&id_b))));
              }));
}

TEST(RankLocal, ManyIdsKeepTheirValuesAsTheTableGrows) {
    EXPECT_EQ(0, run_ranks(3, [] {
                  for (int i = 0; i < 100; ++i)
                      *mosix_rank_local(&many_ids[i]) =
                          reinterpret_cast<void*>(static_cast<std::intptr_t>(1000 * rank() + i));
                  mosix::rt::yield();
                  for (int i = 0; i < 100; ++i)
                      EXPECT_EQ(
                          1000 * rank() + i,
                          static_cast<int>(reinterpret_cast<std::intptr_t>(*mosix_rank_local(&many_ids[i]))));
              }));
}

TEST(RankLocal, CxxRankLocalCountsPerRank) {
    static mosix::RankLocal<std::vector<int>> seen;
    EXPECT_EQ(0, run_ranks(5, [] {
                  for (int i = 0; i <= rank(); ++i) {
                      seen->push_back(i);
                      mosix::rt::yield();
                  }
                  EXPECT_EQ(static_cast<std::size_t>(rank() + 1), seen->size());
                  EXPECT_EQ(rank(), seen->back());
              }));
}

TEST(RankLocal, NullIdIsAnError) {
    EXPECT_EQ(0, run_ranks(1, [] {
                  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
                  EXPECT_EQ(nullptr, mosix_rank_local(nullptr));
              }));
    EXPECT_EXIT(run_ranks(2,
                          [] {
                              if (rank() == 1) mosix_rank_local(nullptr);
                          }),
                ::testing::ExitedWithCode(1), "rank 1: mosix_rank_local: id is NULL");
}

TEST(RankLocal, TheTableLivesInTheRanksOwnMemory) {
#if defined(MOSIX_SANITIZE)
    GTEST_SKIP() << "AddressSanitizer owns malloc in this build: no rank heaps";
#endif
    EXPECT_EQ(0, run_ranks(
                     3,
                     [] {
                         void** slot = mosix_rank_local(&id_a);
                         const mosix::rt::SlotHeap* h = mosix::rt::heap_of(slot);
                         ASSERT_NE(nullptr, h);
                         EXPECT_EQ(mosix::rt::rank_heap(rank()).base(), h->base());
                     },
                     256 * 1024, true));
}
