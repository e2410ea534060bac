// p2p_test.cc — point-to-point semantics on one PE: matching, wildcards, non-overtaking order,
// unexpected messages of every size, probe, cancel, and request completion calls.
#include <gtest/gtest.h>

#include <vector>

#include "support/job.hpp"

using mosix::test::rank;
using mosix::test::run_ranks;
using mosix::test::size;

TEST(P2P, RingPassesTokenAroundAllRanks) {
    for (int n : {1, 2, 7, 64}) {
        int final_token = -1;
        EXPECT_EQ(0, run_ranks(n, [&] {
                      int r = rank(), p = size(), tok = 0;
                      if (r == 0) {
                          tok = 1;
                          MPI_Send(&tok, 1, MPI_INT, 1 % p, 0, MPI_COMM_WORLD);
                          MPI_Recv(&tok, 1, MPI_INT, p - 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                          final_token = tok;
                      } else {
                          MPI_Recv(&tok, 1, MPI_INT, r - 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                          ++tok;
                          MPI_Send(&tok, 1, MPI_INT, (r + 1) % p, 0, MPI_COMM_WORLD);
                      }
                  }));
        EXPECT_EQ(n, final_token) << "ranks: " << n;
    }
}

TEST(P2P, NonOvertakingBetweenOnePairForEverySize) {
    // Mixed eager and rendezvous sizes from one sender must be matched in send order.
    const std::vector<int> sizes = {1, 100, 20000, 1, 70000, 3, 200000, 8};
    EXPECT_EQ(0, run_ranks(2, [&] {
                  if (rank() == 0) {
                      std::vector<MPI_Request> reqs(sizes.size());
                      std::vector<std::vector<int>> bufs(sizes.size());
                      for (std::size_t i = 0; i < sizes.size(); ++i) {
                          bufs[i].assign(static_cast<std::size_t>(sizes[i]), static_cast<int>(i));
                          MPI_Isend(bufs[i].data(), sizes[i], MPI_INT, 1, 5, MPI_COMM_WORLD, &reqs[i]);
                      }
                      MPI_Waitall(static_cast<int>(reqs.size()), reqs.data(), MPI_STATUSES_IGNORE);
                  } else {
                      for (std::size_t i = 0; i < sizes.size(); ++i) {
                          std::vector<int> buf(200000, -1);
                          MPI_Status st;
                          MPI_Recv(buf.data(), 200000, MPI_INT, MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD,
                                   &st);
                          int count = -1;
                          MPI_Get_count(&st, MPI_INT, &count);
                          EXPECT_EQ(sizes[i], count) << "message " << i;
                          EXPECT_EQ(static_cast<int>(i), buf[0]);
                          EXPECT_EQ(static_cast<int>(i), buf[static_cast<std::size_t>(count - 1)]);
                          EXPECT_EQ(0, st.MPI_SOURCE);
                          EXPECT_EQ(5, st.MPI_TAG);
                      }
                  }
              }));
}

TEST(P2P, TagSelectionSkipsEarlierMessages) {
    EXPECT_EQ(0, run_ranks(2, [] {
                  if (rank() == 0) {
                      for (int tag = 0; tag < 10; ++tag) MPI_Send(&tag, 1, MPI_INT, 1, tag, MPI_COMM_WORLD);
                  } else {
                      // Receive in reverse tag order: each receive must pick its own tag out of the queue.
                      for (int tag = 9; tag >= 0; --tag) {
                          int v = -1;
                          MPI_Recv(&v, 1, MPI_INT, 0, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                          EXPECT_EQ(tag, v);
                      }
                  }
              }));
}

TEST(P2P, AnySourceReceivesFromEveryRankInPerSenderOrder) {
    static constexpr int kPerSender = 50;
    EXPECT_EQ(0, run_ranks(9, [] {
                  int p = size();
                  if (rank() == 0) {
                      std::vector<int> next(static_cast<std::size_t>(p), 0);
                      for (int i = 0; i < (p - 1) * kPerSender; ++i) {
                          int v[2];
                          MPI_Status st;
                          MPI_Recv(v, 2, MPI_INT, MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
                          EXPECT_EQ(st.MPI_SOURCE, v[0]);
                          EXPECT_EQ(next[static_cast<std::size_t>(v[0])]++, v[1]) << "from " << v[0];
                          EXPECT_EQ(v[1] % 3, st.MPI_TAG);
                      }
                      for (int s = 1; s < p; ++s) EXPECT_EQ(kPerSender, next[static_cast<std::size_t>(s)]);
                  } else {
                      for (int i = 0; i < kPerSender; ++i) {
                          int v[2] = {rank(), i};
                          MPI_Send(v, 2, MPI_INT, 0, i % 3, MPI_COMM_WORLD);
                      }
                  }
              }));
}

TEST(P2P, ThousandsOfUnexpectedMessagesAreAllDelivered) {
    static constexpr int kMessages = 5000;
    EXPECT_EQ(0, run_ranks(2, [] {
                  if (rank() == 0) {
                      for (int i = 0; i < kMessages; ++i) MPI_Send(&i, 1, MPI_INT, 1, i % 7, MPI_COMM_WORLD);
                      int done = 1;
                      MPI_Send(&done, 1, MPI_INT, 1, 100, MPI_COMM_WORLD);
                  } else {
                      int done = 0;
                      // Wait for the last message first, so every other one is queued as unexpected.
                      MPI_Recv(&done, 1, MPI_INT, 0, 100, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                      long long sum = 0;
                      for (int i = 0; i < kMessages; ++i) {
                          int v;
                          MPI_Recv(&v, 1, MPI_INT, 0, MPI_ANY_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                          EXPECT_EQ(i, v);
                          sum += v;
                      }
                      EXPECT_EQ(static_cast<long long>(kMessages) * (kMessages - 1) / 2, sum);
                  }
              }));
}

TEST(P2P, LargeUnexpectedMessageUsesRendezvousAndArrivesIntact) {
    static constexpr int kCount = 1 << 20;  // 4 MiB of ints
    EXPECT_EQ(0, run_ranks(2, [] {
                  if (rank() == 0) {
                      std::vector<int> data(kCount);
                      for (int i = 0; i < kCount; ++i) data[static_cast<std::size_t>(i)] = i * 3;
                      MPI_Request req;
                      MPI_Isend(data.data(), kCount, MPI_INT, 1, 1, MPI_COMM_WORLD, &req);
                      int flag = 1;
                      MPI_Test(&req, &flag, MPI_STATUS_IGNORE);
                      // Rank 1 waits for our go before it receives, so a rendezvous send is still pending.
                      EXPECT_EQ(0, flag);
                      int go = 1;
                      MPI_Send(&go, 1, MPI_INT, 1, 2, MPI_COMM_WORLD);
                      MPI_Wait(&req, MPI_STATUS_IGNORE);
                  } else {
                      int go = 0;
                      MPI_Recv(&go, 1, MPI_INT, 0, 2, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                      MPI_Status st;
                      MPI_Probe(0, 1, MPI_COMM_WORLD, &st);
                      int count = 0;
                      MPI_Get_count(&st, MPI_INT, &count);
                      EXPECT_EQ(kCount, count);
                      std::vector<int> data(static_cast<std::size_t>(count));
                      MPI_Recv(data.data(), count, MPI_INT, 0, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                      for (int i = 0; i < kCount; i += 4099)
                          EXPECT_EQ(i * 3, data[static_cast<std::size_t>(i)]);
                  }
              }));
}

TEST(P2P, SsendCompletesOnlyWhenMatched) {
    EXPECT_EQ(0, run_ranks(2, [] {
                  int v = 42;
                  if (rank() == 0) {
                      MPI_Request req;
                      MPI_Issend(&v, 1, MPI_INT, 1, 0, MPI_COMM_WORLD, &req);
                      int flag = 1;
                      MPI_Test(&req, &flag, MPI_STATUS_IGNORE);
                      EXPECT_EQ(0, flag);  // rank 1 waits for our go before receiving
                      MPI_Send(&v, 1, MPI_INT, 1, 1, MPI_COMM_WORLD);
                      MPI_Wait(&req, MPI_STATUS_IGNORE);
                  } else {
                      int go, got = 0;
                      MPI_Recv(&go, 1, MPI_INT, 0, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                      MPI_Recv(&got, 1, MPI_INT, 0, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                      EXPECT_EQ(42, got);
                  }
              }));
}

TEST(P2P, CancelPendingReceive) {
    EXPECT_EQ(0, run_ranks(2, [] {
                  if (rank() == 1) {
                      int v = -1;
                      MPI_Request req;
                      MPI_Irecv(&v, 1, MPI_INT, 0, 77, MPI_COMM_WORLD, &req);
                      MPI_Cancel(&req);
                      MPI_Status st;
                      MPI_Wait(&req, &st);
                      int cancelled = 0;
                      MPI_Test_cancelled(&st, &cancelled);
                      EXPECT_EQ(1, cancelled);
                      EXPECT_EQ(MPI_REQUEST_NULL, req);
                  }
                  MPI_Barrier(MPI_COMM_WORLD);
                  if (rank() == 1) {
                      // The message sent after the cancel must still arrive (the cancelled receive is gone).
                      int v = -1;
                      MPI_Recv(&v, 1, MPI_INT, 0, 77, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                      EXPECT_EQ(5, v);
                  } else {
                      int v = 5;
                      MPI_Send(&v, 1, MPI_INT, 1, 77, MPI_COMM_WORLD);
                  }
              }));
}

TEST(P2P, CancelAfterMatchDoesNotCancel) {
    EXPECT_EQ(0, run_ranks(2, [] {
                  if (rank() == 0) {
                      int v = 9;
                      MPI_Send(&v, 1, MPI_INT, 1, 0, MPI_COMM_WORLD);
                  } else {
                      int v = 0;
                      MPI_Request req;
                      MPI_Irecv(&v, 1, MPI_INT, 0, 0, MPI_COMM_WORLD, &req);
                      MPI_Status st;
                      MPI_Wait(&req, &st);  // matched already; a later cancel has nothing to undo
                      int cancelled = 1;
                      MPI_Test_cancelled(&st, &cancelled);
                      EXPECT_EQ(0, cancelled);
                      EXPECT_EQ(9, v);
                  }
              }));
}

TEST(P2P, ProcNullCompletesImmediately) {
    EXPECT_EQ(0, run_ranks(1, [] {
                  int v = 3;
                  EXPECT_EQ(MPI_SUCCESS, MPI_Send(&v, 1, MPI_INT, MPI_PROC_NULL, 0, MPI_COMM_WORLD));
                  MPI_Status st;
                  EXPECT_EQ(MPI_SUCCESS, MPI_Recv(&v, 1, MPI_INT, MPI_PROC_NULL, 0, MPI_COMM_WORLD, &st));
                  EXPECT_EQ(MPI_PROC_NULL, st.MPI_SOURCE);
                  EXPECT_EQ(MPI_ANY_TAG, st.MPI_TAG);
                  int count = -1;
                  MPI_Get_count(&st, MPI_INT, &count);
                  EXPECT_EQ(0, count);
                  EXPECT_EQ(3, v);
              }));
}

TEST(P2P, SendToSelf) {
    EXPECT_EQ(0, run_ranks(3, [] {
                  int out = rank() * 11, in = -1;
                  MPI_Request req;
                  MPI_Isend(&out, 1, MPI_INT, rank(), 4, MPI_COMM_WORLD, &req);
                  MPI_Recv(&in, 1, MPI_INT, rank(), 4, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                  MPI_Wait(&req, MPI_STATUS_IGNORE);
                  EXPECT_EQ(out, in);
              }));
}

TEST(P2P, SendrecvAndReplaceShiftAroundRing) {
    EXPECT_EQ(0, run_ranks(7, [] {
                  int r = rank(), p = size();
                  int right = (r + 1) % p, left = (r - 1 + p) % p;
                  int got = -1;
                  MPI_Status st;
                  MPI_Sendrecv(&r, 1, MPI_INT, right, 0, &got, 1, MPI_INT, left, 0, MPI_COMM_WORLD, &st);
                  EXPECT_EQ(left, got);
                  EXPECT_EQ(left, st.MPI_SOURCE);
                  int v = r;
                  MPI_Sendrecv_replace(&v, 1, MPI_INT, right, 1, left, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                  EXPECT_EQ(left, v);
              }));
}

TEST(P2P, IprobeSeesMessageWithoutReceivingIt) {
    EXPECT_EQ(0, run_ranks(2, [] {
                  if (rank() == 0) {
                      double d[3] = {1, 2, 3};
                      MPI_Send(d, 3, MPI_DOUBLE, 1, 12, MPI_COMM_WORLD);
                  } else {
                      int flag = 0;
                      MPI_Status st;
                      while (!flag) MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
                      int count = 0;
                      MPI_Get_count(&st, MPI_DOUBLE, &count);
                      EXPECT_EQ(3, count);
                      EXPECT_EQ(12, st.MPI_TAG);
                      MPI_Get_count(&st, MPI_LONG_DOUBLE, &count);
                      EXPECT_EQ(MPI_UNDEFINED, count);  // 24 bytes are not a whole number of long doubles
                      double d[3];
                      MPI_Recv(d, 3, MPI_DOUBLE, st.MPI_SOURCE, st.MPI_TAG, MPI_COMM_WORLD,
                               MPI_STATUS_IGNORE);
                      EXPECT_EQ(3.0, d[2]);
                  }
              }));
}

TEST(P2P, WaitanyWaitsomeTestanyTestallCompleteEveryRequest) {
    EXPECT_EQ(0, run_ranks(5, [] {
                  int p = size();
                  if (rank() == 0) {
                      std::vector<int> vals(static_cast<std::size_t>(p), -1);
                      std::vector<MPI_Request> reqs(static_cast<std::size_t>(p), MPI_REQUEST_NULL);
                      for (int s = 1; s < p; ++s)
                          MPI_Irecv(&vals[static_cast<std::size_t>(s)], 1, MPI_INT, s, 0, MPI_COMM_WORLD,
                                    &reqs[static_cast<std::size_t>(s)]);
                      int seen = 0;
                      // Waitany over the first half of the senders, Waitsome over the rest.
                      for (int k = 0; k < 2; ++k) {
                          int idx = -1;
                          MPI_Status st;
                          MPI_Waitany(p, reqs.data(), &idx, &st);
                          ASSERT_GE(idx, 1);
                          EXPECT_EQ(idx * 10, vals[static_cast<std::size_t>(idx)]);
                          EXPECT_EQ(idx, st.MPI_SOURCE);
                          ++seen;
                      }
                      while (seen < p - 1) {
                          int out = 0;
                          std::vector<int> idx(static_cast<std::size_t>(p));
                          MPI_Waitsome(p, reqs.data(), &out, idx.data(), MPI_STATUSES_IGNORE);
                          ASSERT_GT(out, 0);
                          seen += out;
                      }
                      int idx = 0, flag = 0;
                      MPI_Testany(p, reqs.data(), &idx, &flag, MPI_STATUS_IGNORE);
                      EXPECT_EQ(1, flag);  // every request is null now
                      EXPECT_EQ(MPI_UNDEFINED, idx);
                      int out = 0;
                      std::vector<int> none(static_cast<std::size_t>(p));
                      MPI_Waitsome(p, reqs.data(), &out, none.data(), MPI_STATUSES_IGNORE);
                      EXPECT_EQ(MPI_UNDEFINED, out);
                      for (int s = 1; s < p; ++s) EXPECT_EQ(s * 10, vals[static_cast<std::size_t>(s)]);
                  } else {
                      int v = rank() * 10;
                      MPI_Request req;
                      MPI_Isend(&v, 1, MPI_INT, 0, 0, MPI_COMM_WORLD, &req);
                      int flag = 0;
                      while (!flag) MPI_Testall(1, &req, &flag, MPI_STATUSES_IGNORE);
                  }
              }));
}

TEST(P2P, RequestFreeOfPendingSendStillDelivers) {
    EXPECT_EQ(0, run_ranks(2, [] {
                  static std::vector<int> payload(100000, 7);  // rendezvous size: stays pending after free
                  if (rank() == 0) {
                      MPI_Request req;
                      MPI_Isend(payload.data(), 100000, MPI_INT, 1, 0, MPI_COMM_WORLD, &req);
                      MPI_Request_free(&req);
                      EXPECT_EQ(MPI_REQUEST_NULL, req);
                  } else {
                      std::vector<int> in(100000);
                      MPI_Recv(in.data(), 100000, MPI_INT, 0, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                      EXPECT_EQ(7, in[99999]);
                  }
                  MPI_Barrier(MPI_COMM_WORLD);
              }));
}

namespace {
int* v_done() {
    static int done;
    return &done;
}
}  // namespace

TEST(P2P, DeepUnexpectedQueueKeepsPerSenderOrderForEveryKindOfReceive) {
    // 4 senders x 100 messages queue up (well past the point where the engine indexes the queue
    // by sender); the receiver then mixes specific-source, specific-tag and wildcard receives.
    static constexpr int kPerSender = 100;
    EXPECT_EQ(0, run_ranks(5, [] {
                  if (rank() != 0) {
                      for (int i = 0; i < kPerSender; ++i) {
                          int v[2] = {rank(), i};
                          MPI_Send(v, 2, MPI_INT, 0, i % 4, MPI_COMM_WORLD);
                      }
                      int done = 1;
                      MPI_Send(&done, 1, MPI_INT, 0, 99, MPI_COMM_WORLD);
                      return;
                  }
                  for (int s = 1; s <= 4; ++s)  // every message is queued before the first receive
                      MPI_Recv(v_done(), 1, MPI_INT, MPI_ANY_SOURCE, 99, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                  int v[2];
                  MPI_Status st;
                  // Sender 3's tag-2 messages first: i = 2, 6, 10, ... in order.
                  for (int i = 2; i < kPerSender; i += 4) {
                      MPI_Recv(v, 2, MPI_INT, 3, 2, MPI_COMM_WORLD, &st);
                      EXPECT_EQ(i, v[1]);
                  }
                  int flag = 0;
                  MPI_Iprobe(2, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);  // oldest from sender 2: i = 0
                  EXPECT_TRUE(flag);
                  EXPECT_EQ(0, st.MPI_TAG);
                  // Then everything else through wildcards: each sender's remaining messages in send order.
                  std::vector<int> last(5, -1);
                  for (int k = 0; k < 4 * kPerSender - kPerSender / 4; ++k) {
                      MPI_Recv(v, 2, MPI_INT, MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
                      EXPECT_EQ(st.MPI_SOURCE, v[0]);
                      EXPECT_GT(v[1], last[static_cast<std::size_t>(v[0])]) << "from " << v[0];
                      if (v[0] == 3) {
                          EXPECT_NE(2, v[1] % 4);
                      }
                      last[static_cast<std::size_t>(v[0])] = v[1];
                  }
                  for (int s = 1; s <= 4; ++s) EXPECT_EQ(kPerSender - 1, last[static_cast<std::size_t>(s)]);
                  MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE);
                  EXPECT_FALSE(flag);
              }));
}
