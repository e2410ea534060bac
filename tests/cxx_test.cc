// cxx_test.cc — the C++ API (mosix.hpp): typed point-to-point, requests, collectives, communicator
// ownership, the type trait, and errors turned into mosix::Error.
#include <gtest/gtest.h>

#include <array>
#include <complex>
#include <cstdint>
#include <mosix.hpp>
#include <numeric>
#include <string>
#include <vector>

#include "support/job.hpp"

using mosix::test::run_ranks;

static_assert(mosix::datatype_v<int> == MPI_INT);
static_assert(mosix::datatype_v<const unsigned long long> == MPI_UNSIGNED_LONG_LONG);
static_assert(mosix::datatype_v<std::int8_t> == MPI_SIGNED_CHAR);
static_assert(mosix::datatype_v<std::uint16_t> == MPI_UNSIGNED_SHORT);
static_assert(mosix::datatype_v<bool> == MPI_C_BOOL);
static_assert(mosix::datatype_v<std::complex<double>> == MPI_C_DOUBLE_COMPLEX);
static_assert(!mosix::Transferable<std::string>);
static_assert(mosix::Buffer<std::vector<double>> && mosix::Buffer<std::string>);
static_assert(!mosix::MutableBuffer<const std::vector<double>>);

TEST(Cxx, TypedSendRecv) {
    EXPECT_EQ(0, run_ranks(2, [] {
                  auto world = mosix::Communicator::world();
                  if (world.rank() == 0) {
                      std::vector<double> v{1.5, 2.5, 3.5};
                      world.send(v, 1, 3);
                      world.send(std::span<const double>(v).first(2), 1, 4);
                      world.send(std::complex<float>(1, -2), 1, 5);
                      world.send(std::string("hello"), 1, 6);
                  } else {
                      std::array<double, 3> a{};
                      mosix::Status s = world.recv(a, 0, 3);
                      EXPECT_EQ(0, s.source());
                      EXPECT_EQ(3, s.tag());
                      EXPECT_EQ(3u, s.count<double>());
                      EXPECT_EQ(3.5, a[2]);
                      std::vector<double> b(5);
                      s = world.recv(std::span<double>(b), mosix::any_source, mosix::any_tag);
                      EXPECT_EQ(2u, s.count<double>());
                      EXPECT_EQ(2.5, b[1]);
                      EXPECT_EQ(std::complex<float>(1, -2), world.recv<std::complex<float>>(0, 5));
                      std::vector<char> text = world.recv_vector<char>(0, 6);
                      EXPECT_EQ("hello", std::string(text.begin(), text.end()));
                  }
              }));
}

TEST(Cxx, NonblockingRequests) {
    EXPECT_EQ(0, run_ranks(4, [] {
                  auto world = mosix::Communicator::world();
                  int r = world.rank(), p = world.size();
                  int right = (r + 1) % p, left = (r + p - 1) % p;
                  std::vector<int> out(100, r), in(100, -1);
                  std::vector<mosix::Request> reqs;
                  reqs.push_back(world.irecv(in, left, 1));
                  reqs.push_back(world.isend(out, right, 1));
                  auto statuses = mosix::Request::wait_all(reqs);
                  EXPECT_EQ(left, statuses[0].source());
                  EXPECT_EQ(std::vector<int>(100, left), in);
                  for (auto& q : reqs) EXPECT_FALSE(q.active());

                  // A request that goes out of scope waits for its message.
                  int got = -1;
                  {
                      mosix::Request q = world.irecv(got, left, 2);
                      world.send(r, right, 2);
                  }
                  EXPECT_EQ(left, got);

                  // Cancelled receive.
                  int never = 0;
                  mosix::Request q = world.irecv(never, mosix::any_source, 99);
                  q.cancel();
                  EXPECT_TRUE(q.wait().cancelled());
              }));
}

TEST(Cxx, Collectives) {
    for (int n : {1, 3, 8}) {
        EXPECT_EQ(0, run_ranks(n, [n] {
                      auto world = mosix::Communicator::world();
                      int r = world.rank();
                      EXPECT_EQ(n * (n - 1) / 2, world.all_reduce(r, mosix::op::sum));
                      EXPECT_EQ(n - 1, world.all_reduce(r, mosix::op::max));
                      std::vector<long> in{r, 2L * r}, out(2);
                      world.all_reduce(in, out, mosix::op::sum);
                      EXPECT_EQ(long(n) * (n - 1), out[1]);
                      EXPECT_EQ(out, world.all_reduce(in, mosix::op::sum));

                      int total = world.reduce(r + 1, mosix::op::sum, n - 1);
                      EXPECT_EQ(r == n - 1 ? n * (n + 1) / 2 : 0, total);

                      std::array<double, 4> b{};
                      if (r == 0) b = {1, 2, 3, 4};
                      world.broadcast(b, 0);
                      EXPECT_EQ(4.0, b[3]);
                      std::string msg = r == 0 ? "root" : "????";
                      world.broadcast(msg, 0);
                      EXPECT_EQ("root", msg);

                      std::vector<int> ranks = world.all_gather(r);
                      std::vector<int> expect(static_cast<std::size_t>(n));
                      std::iota(expect.begin(), expect.end(), 0);
                      EXPECT_EQ(expect, ranks);
                      std::vector<int> at_root = world.gather(r * 10, 0);
                      EXPECT_EQ(r == 0 ? static_cast<std::size_t>(n) : 0u, at_root.size());
                      std::vector<int> cards(r == 0 ? static_cast<std::size_t>(n) : 0);
                      for (std::size_t i = 0; i < cards.size(); ++i) cards[i] = static_cast<int>(i) * 7;
                      EXPECT_EQ(r * 7, world.scatter(cards, 0));

                      std::vector<int> send(static_cast<std::size_t>(n));
                      for (int j = 0; j < n; ++j) send[static_cast<std::size_t>(j)] = r * 100 + j;
                      std::vector<int> got = world.all_to_all(send);
                      for (int i = 0; i < n; ++i) EXPECT_EQ(i * 100 + r, got[static_cast<std::size_t>(i)]);
                      world.barrier();
                  }));
    }
}

TEST(Cxx, SplitAndDupOwnTheirCommunicators) {
    EXPECT_EQ(0, run_ranks(6, [] {
                  auto world = mosix::Communicator::world();
                  int r = world.rank();
                  mosix::Communicator half = world.split(r % 2, -r);
                  ASSERT_TRUE(half);
                  EXPECT_EQ(3, half.size());
                  EXPECT_EQ(2 - r / 2, half.rank());
                  EXPECT_EQ(r % 2 ? 1 + 3 + 5 : 0 + 2 + 4, half.all_reduce(r, mosix::op::sum));

                  mosix::Communicator none = world.split(r == 0 ? 0 : mosix::undefined);
                  EXPECT_EQ(r == 0, static_cast<bool>(none));

                  mosix::Communicator copy = half.dup();
                  mosix::Communicator moved = std::move(copy);
                  EXPECT_FALSE(copy);
                  EXPECT_EQ(half.rank(), moved.rank());
                  MPI_Comm h = moved.native();
                  moved = mosix::Communicator();  // frees the dup
                  int size = 0;
                  EXPECT_NE(MPI_SUCCESS, MPI_Comm_size(h, &size));
              }));
}

TEST(Cxx, ErrorsBecomeExceptions) {
    EXPECT_EQ(0, run_ranks(2, [] {
                  auto world = mosix::Communicator::world();
                  try {
                      world.send(1, 5, 0);
                      ADD_FAILURE() << "send to rank 5 of 2 did not throw";
                  } catch (const mosix::Error& e) {
                      EXPECT_EQ(MPI_ERR_RANK, e.error_class());
                      EXPECT_NE(std::string::npos, std::string(e.what()).find("MPI_Send")) << e.what();
                  }
                  std::vector<int> in(3), out(2);
                  EXPECT_THROW(world.all_reduce(in, out, mosix::op::sum), mosix::Error);
                  EXPECT_THROW(world.all_gather(in, out), mosix::Error);
                  EXPECT_THROW(mosix::Communicator().rank(), mosix::Error);

                  // Truncation: a 2-element message into a 1-element buffer.
                  if (world.rank() == 0) {
                      world.send(std::vector<int>{1, 2}, 1, 8);
                  } else {
                      int one = 0;
                      try {
                          world.recv(std::span<int>(&one, 1), 0, 8);
                          ADD_FAILURE() << "truncated receive did not throw";
                      } catch (const mosix::Error& e) {
                          EXPECT_EQ(MPI_ERR_TRUNCATE, e.error_class()) << e.what();
                      }
                  }
                  world.barrier();
              }));
}

TEST(Cxx, MosixCalls) {
    EXPECT_EQ(0, run_ranks(3, [] {
                  mosix::Location here = mosix::where();
                  EXPECT_EQ(0, here.pe);
                  EXPECT_FALSE(here.host.empty());
                  EXPECT_NO_THROW(mosix::migrate_to(0));
                  mosix::balance();
                  try {
                      mosix::migrate_to(1);  // a one-PE job has no PE 1
                      ADD_FAILURE();
                  } catch (const mosix::Error& e) {
                      EXPECT_EQ(MPI_ERR_ARG, e.error_class());
                  }
                  try {
                      mosix::migrate_to(-1);
                      ADD_FAILURE();
                  } catch (const mosix::Error& e) {
                      EXPECT_EQ(MPI_ERR_ARG, e.error_class());
                  }
                  try {  // no checkpoint directory here (or, in the sanitizer build, no support)
                      mosix::checkpoint();
                      ADD_FAILURE();
                  } catch (const mosix::Error& e) {
                      EXPECT_TRUE(e.error_class() == MPI_ERR_OTHER ||
                                  e.error_class() == MPI_ERR_UNSUPPORTED_OPERATION);
                  }
                  char host[4];
                  int pe = -1;
                  EXPECT_EQ(MPI_SUCCESS, mosix_where(&pe, host, sizeof host));
                  EXPECT_LE(std::string(host).size(), 3u);
                  EXPECT_EQ(MPI_ERR_ARG, mosix_where(&pe, host, 0));
              }));
}

TEST(Cxx, CheckpointWithoutADirectoryIsFatalUnderTheDefaultHandler) {
    unsetenv("MOSIX_CHECKPOINT_DIR");
    EXPECT_EXIT(run_ranks(1, [] { mosix_checkpoint(); }), testing::ExitedWithCode(1),
                "mosix_checkpoint: (no checkpoint directory: run the job with mosexec --checkpoint-dir|"
                "this build keeps rank memory on the PE heap)");
}

// Environment owns MPI_Init/MPI_Finalize when it is the one that initializes.
TEST(Cxx, EnvironmentInitializesAndFinalizes) {
    mosix::rt::JobConfig config;
    config.nranks = 3;
    config.stack_size = 256 * 1024;
    static char name[] = "cxx";
    static char* argv[] = {name, nullptr};
    int status = mosix::rt::run_job(config, 1, argv, [](int argc, char** av) {
        {
            mosix::Environment env(argc, av);
            auto world = mosix::Communicator::world();
            if (world.all_reduce(1, mosix::op::sum) != 3) return 1;
        }
        int finalized = 0;
        MPI_Finalized(&finalized);
        return finalized ? 0 : 2;
    });
    EXPECT_EQ(0, status);
}
