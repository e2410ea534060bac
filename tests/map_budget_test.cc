// The arithmetic that fits a job's PEs under vm.max_map_count (runtime/map_budget.hpp).
#include "runtime/map_budget.hpp"

#include <gtest/gtest.h>

#include <climits>

namespace mosix::rt {
namespace {

TEST(MapBudget, BusiestPeTakesTheRoundedUpShare) {
    EXPECT_EQ(busiest_pe_ranks(100000, 2), 50000);
    EXPECT_EQ(busiest_pe_ranks(100000, 3), 33334);
    EXPECT_EQ(busiest_pe_ranks(7, 8), 1);
    EXPECT_EQ(busiest_pe_ranks(7, 0), 7);
}

TEST(MapBudget, DefaultLimitNeedsFourPesForHundredThousandRanks) {
    // 65530 is the kernel's default: (65530 - 4096) / 2 = 30717 ranks per PE.
    EXPECT_EQ(comfortable_ranks_per_pe(65530), 30717);
    EXPECT_EQ(pes_for_mappings(100000, 65530), 4);
    EXPECT_EQ(pes_for_mappings(30717, 65530), 1);
    EXPECT_EQ(pes_for_mappings(30718, 65530), 2);
    EXPECT_EQ(pes_for_mappings(10000, 65530), 1);
    // The answer holds every PE's share comfortably, and one PE fewer would not.
    for (long long n : {1LL, 30718LL, 61435LL, 100000LL, 1000000LL, 16777216LL}) {
        long long pes = pes_for_mappings(n, 65530);
        EXPECT_LE(busiest_pe_ranks(n, pes), comfortable_ranks_per_pe(65530)) << n;
        if (pes > 1) {
            EXPECT_GT(busiest_pe_ranks(n, pes - 1), comfortable_ranks_per_pe(65530)) << n;  // fewest
        }
    }
}

TEST(MapBudget, RaisedOrUnknownLimit) {
    EXPECT_EQ(pes_for_mappings(100000, 1048576), 1);  // the limit some distributions ship
    EXPECT_EQ(pes_for_mappings(100000, 0), 1);        // unreadable: no opinion
    EXPECT_EQ(comfortable_ranks_per_pe(0), LLONG_MAX);
    EXPECT_EQ(comfortable_ranks_per_pe(1000), 1);  // a tiny limit still gives every PE a rank
}

TEST(MapBudget, CannotFitOnlyBeyondTheHardFloor) {
    // (65530 - 256) / 2 = 32637 ranks use every mapping but the floor's.
    EXPECT_FALSE(ranks_cannot_fit(32637, 65530));
    EXPECT_TRUE(ranks_cannot_fit(32638, 65530));
    EXPECT_TRUE(ranks_cannot_fit(50000, 65530));
    EXPECT_FALSE(ranks_cannot_fit(50000, 0));
    EXPECT_EQ(mappings_needed(50000), 104096);
}

}  // namespace
}  // namespace mosix::rt
