// op_wrap_test.cc — integer MPI_SUM and MPI_PROD wrap around on overflow, as in C MPI libraries,
// rather than being undefined behaviour inside the library (the UBSan build stops on that).
// hpcc's PTRANS sums checksums that overflow int.
#include <gtest/gtest.h>

#include <climits>
#include <cstdint>

#include "support/job.hpp"

using mosix::test::run_ranks;

TEST(OpWrap, IntegerSumAndProductWrap) {
    EXPECT_EQ(0, run_ranks(3, [] {
                  int big = INT_MAX, sum = 0;
                  MPI_Allreduce(&big, &sum, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
                  EXPECT_EQ(static_cast<int>(3u * static_cast<unsigned>(INT_MAX)), sum);
                  long long lbig = LLONG_MAX, lsum = 0;
                  MPI_Allreduce(&lbig, &lsum, 1, MPI_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
                  EXPECT_EQ(static_cast<long long>(3ull * static_cast<unsigned long long>(LLONG_MAX)), lsum);
                  // unsigned short promotes to int: 65535 * 65535 would overflow int.
                  unsigned short s = 65535, prod = 0;
                  MPI_Allreduce(&s, &prod, 1, MPI_UNSIGNED_SHORT, MPI_PROD, MPI_COMM_WORLD);
                  EXPECT_EQ(static_cast<unsigned short>(65535u * 65535u * 65535u), prod);
                  int8_t c = -128, csum = 0;
                  MPI_Reduce(&c, &csum, 1, MPI_INT8_T, MPI_SUM, 0, MPI_COMM_WORLD);
                  if (mosix::test::rank() == 0) {
                      EXPECT_EQ(static_cast<int8_t>(-128 * 3), csum);
                  }
              }));
}
