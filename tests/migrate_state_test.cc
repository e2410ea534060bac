// migrate_state_test.cc — a rank's library state as bytes and back (lib/migrate_state.cc, what
// travels when a rank migrates): every rank of a job packs its state mid-run and rebuilds it from
// the bytes, then goes on using what it had — communicators with their names, groups, a user op,
// error handlers, a posted receive, unexpected messages and the request pool — as if nothing
// happened. On one PE, so any difference is the serializer's.
#include <gtest/gtest.h>
#include <mpi.h>

#include <cstring>
#include <vector>

#include "lib/migrate.hpp"
#include "lib/rank_state.hpp"
#include "runtime/scheduler.hpp"
#include "support/job.hpp"

using mosix::test::rank;
using mosix::test::run_ranks;

namespace {

void product(void* in, void* inout, int* len, MPI_Datatype*) {
    auto* a = static_cast<int*>(in);
    auto* b = static_cast<int*>(inout);
    for (int i = 0; i < *len; ++i) b[i] *= a[i];
}

// What a migration does to the library's half of a rank, without moving it.
void round_trip() {
    mosix::rt::Rank* me = mosix::rt::this_rank();
    auto* state = static_cast<mosix::lib::RankState*>(me->lib);
    std::vector<unsigned char> bytes = mosix::lib::pack_rank_state(state);
    me->lib = nullptr;
    mosix::lib::unpack_rank_state(me, bytes.data(), bytes.size());
}

}  // namespace

TEST(MigrateState, LibraryStateSurvivesARoundTrip) {
    EXPECT_EQ(0, run_ranks(6, [] {
                  const int size = 6, me = rank();
                  MPI_Comm halves;
                  MPI_Comm_split(MPI_COMM_WORLD, me % 2, -me, &halves);  // reversed order inside
                  MPI_Comm_set_name(halves, "halves");
                  MPI_Comm_set_errhandler(halves, MPI_ERRORS_RETURN);
                  MPI_Group world_group, evens;
                  MPI_Comm_group(MPI_COMM_WORLD, &world_group);
                  int even_ranks[] = {0, 2, 4};
                  MPI_Group_incl(world_group, 3, even_ranks, &evens);
                  MPI_Op op;
                  MPI_Op_create(product, 1, &op);

                  // In flight at the round trip: a posted receive, and an unexpected message
                  // from the left neighbour (sent, then everyone meets before the round trip).
                  int posted = -1, unexpected = -1, left = (me + size - 1) % size, right = (me + 1) % size;
                  MPI_Request recv;
                  MPI_Irecv(&posted, 1, MPI_INT, left, 7, MPI_COMM_WORLD, &recv);
                  int mine = 100 + me;
                  MPI_Send(&mine, 1, MPI_INT, right, 8, MPI_COMM_WORLD);
                  MPI_Barrier(MPI_COMM_WORLD);

                  round_trip();

                  char name[MPI_MAX_OBJECT_NAME];
                  int len = 0, hsize = 0, hrank = -1, gsize = 0, grank = -2;
                  MPI_Comm_get_name(halves, name, &len);
                  EXPECT_STREQ("halves", name);
                  MPI_Comm_size(halves, &hsize);
                  MPI_Comm_rank(halves, &hrank);
                  EXPECT_EQ(3, hsize);
                  EXPECT_EQ(2 - me / 2, hrank);  // the split's reversed key order survived
                  MPI_Group_size(evens, &gsize);
                  MPI_Group_rank(evens, &grank);
                  EXPECT_EQ(3, gsize);
                  EXPECT_EQ(me % 2 == 0 ? me / 2 : MPI_UNDEFINED, grank);
                  MPI_Errhandler eh;
                  MPI_Comm_get_errhandler(halves, &eh);
                  EXPECT_EQ(MPI_ERRORS_RETURN, eh);

                  MPI_Recv(&unexpected, 1, MPI_INT, left, 8, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                  EXPECT_EQ(100 + left, unexpected);
                  int theirs = 200 + me;
                  MPI_Send(&theirs, 1, MPI_INT, right, 7, MPI_COMM_WORLD);
                  MPI_Wait(&recv, MPI_STATUS_IGNORE);
                  EXPECT_EQ(200 + left, posted);

                  int factor = me + 1, all = 0;
                  MPI_Allreduce(&factor, &all, 1, MPI_INT, op, halves);  // the user op, on the split
                  EXPECT_EQ(me % 2 == 0 ? 1 * 3 * 5 : 2 * 4 * 6, all);

                  // The request pool still hands out requests, and new communicators get new
                  // contexts (no clash with the old ones).
                  MPI_Comm again;
                  MPI_Comm_dup(halves, &again);
                  std::vector<MPI_Request> many(100);
                  std::vector<int> in(100, -1), out(100);
                  for (int i = 0; i < 100; ++i) {
                      out[static_cast<std::size_t>(i)] = me * 1000 + i;
                      MPI_Irecv(&in[static_cast<std::size_t>(i)], 1, MPI_INT, MPI_ANY_SOURCE, i, again,
                                &many[static_cast<std::size_t>(i)]);
                  }
                  for (int i = 0; i < 100; ++i)
                      MPI_Send(&out[static_cast<std::size_t>(i)], 1, MPI_INT, (hrank + 1) % 3, i, again);
                  MPI_Waitall(100, many.data(), MPI_STATUSES_IGNORE);
                  int from = (hrank + 2) % 3;  // its world rank: the split reversed the order
                  int from_world = me % 2 + 2 * (2 - from);
                  for (int i = 0; i < 100; ++i)
                      EXPECT_EQ(from_world * 1000 + i, in[static_cast<std::size_t>(i)]);

                  MPI_Comm_free(&again);
                  MPI_Comm_free(&halves);
                  MPI_Group_free(&evens);
                  MPI_Group_free(&world_group);
                  MPI_Op_free(&op);
              }));
}
