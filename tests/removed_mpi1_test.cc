// removed_mpi1_test.cc — the MPI-1 calls MPI-3.0 removed (include/mosix/mpi_removed.h) give what
// their MPI-2 replacements give, and refuse bad arguments under their own names.
#include <gtest/gtest.h>

#include <functional>

#include "support/job.hpp"

using mosix::test::run_ranks;
using mosix::test::run_returning;

namespace {

struct Particle {
    int id;
    double pos[3];
    char tag;
};

}  // namespace

TEST(RemovedMpi1, SameAsTheirReplacements) {
    EXPECT_EQ(0, run_ranks(2, [] {
                  // HPL's way of building a type: MPI_Address of each field, MPI_Type_struct.
                  Particle p{};
                  MPI_Aint base, a[3], g;
                  ASSERT_EQ(MPI_SUCCESS, MPI_Address(&p, &base));
                  ASSERT_EQ(MPI_SUCCESS, MPI_Get_address(&p, &g));
                  EXPECT_EQ(g, base);
                  MPI_Address(&p.id, &a[0]);
                  MPI_Address(p.pos, &a[1]);
                  MPI_Address(&p.tag, &a[2]);
                  for (MPI_Aint& d : a) d -= base;
                  int lens[3] = {1, 3, 1};
                  MPI_Datatype types[3] = {MPI_INT, MPI_DOUBLE, MPI_CHAR}, old_way, new_way;
                  ASSERT_EQ(MPI_SUCCESS, MPI_Type_struct(3, lens, a, types, &old_way));
                  ASSERT_EQ(MPI_SUCCESS, MPI_Type_create_struct(3, lens, a, types, &new_way));
                  MPI_Aint lb1, ext1, lb2, ext2, ub;
                  MPI_Type_get_extent(new_way, &lb2, &ext2);
                  ASSERT_EQ(MPI_SUCCESS, MPI_Type_extent(old_way, &ext1));
                  ASSERT_EQ(MPI_SUCCESS, MPI_Type_lb(old_way, &lb1));
                  ASSERT_EQ(MPI_SUCCESS, MPI_Type_ub(old_way, &ub));
                  EXPECT_EQ(ext2, ext1);
                  EXPECT_EQ(lb2, lb1);
                  EXPECT_EQ(lb2 + ext2, ub);
                  MPI_Type_commit(&old_way);

                  // The type moves a Particle: rank 1 sends, rank 0 checks every field.
                  if (mosix::test::rank() == 1) {
                      Particle out{7, {1.5, -2.5, 3.25}, 'q'};
                      MPI_Send(&out, 1, old_way, 0, 0, MPI_COMM_WORLD);
                  } else {
                      Particle in{};
                      MPI_Recv(&in, 1, old_way, 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                      EXPECT_EQ(7, in.id);
                      EXPECT_EQ(-2.5, in.pos[1]);
                      EXPECT_EQ(3.25, in.pos[2]);
                      EXPECT_EQ('q', in.tag);
                  }

                  // hvector and hindexed: two rows of a 3x4 int matrix, by byte strides.
                  MPI_Datatype rows, picks;
                  ASSERT_EQ(MPI_SUCCESS, MPI_Type_hvector(2, 4, 8 * sizeof(int), MPI_INT, &rows));
                  int picklens[2] = {1, 2};
                  MPI_Aint pickdisps[2] = {0, 5 * sizeof(int)};
                  ASSERT_EQ(MPI_SUCCESS, MPI_Type_hindexed(2, picklens, pickdisps, MPI_INT, &picks));
                  MPI_Aint ext;
                  MPI_Type_extent(rows, &ext);
                  EXPECT_EQ(static_cast<MPI_Aint>(12 * sizeof(int)), ext);
                  int size = 0;
                  MPI_Type_size(picks, &size);
                  EXPECT_EQ(static_cast<int>(3 * sizeof(int)), size);
                  for (MPI_Datatype* t : {&old_way, &new_way, &rows, &picks}) MPI_Type_free(t);
              }));
}

TEST(RemovedMpi1, ArgumentErrors) {
    EXPECT_EQ(0, run_returning(1, [] {
                  MPI_Datatype t = MPI_DATATYPE_NULL;
                  int lens[2] = {1, 1};
                  MPI_Aint disps[2] = {0, 8};
                  MPI_Datatype types[2] = {MPI_INT, MPI_DOUBLE};
                  int x = 0;
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Address(&x, nullptr));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Type_extent(MPI_INT, nullptr));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Type_lb(MPI_INT, nullptr));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Type_ub(MPI_INT, nullptr));
                  MPI_Aint a;
                  EXPECT_EQ(MPI_ERR_TYPE, MPI_Type_extent(MPI_DATATYPE_NULL, &a));
                  EXPECT_EQ(MPI_ERR_TYPE, MPI_Type_ub(12345, &a));
                  EXPECT_EQ(MPI_ERR_COUNT, MPI_Type_hvector(-1, 1, 8, MPI_INT, &t));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Type_hvector(1, 1, 8, MPI_INT, nullptr));
                  EXPECT_EQ(MPI_ERR_TYPE, MPI_Type_hvector(1, 1, 8, MPI_DATATYPE_NULL, &t));
                  EXPECT_EQ(MPI_ERR_COUNT, MPI_Type_hindexed(-2, lens, disps, MPI_INT, &t));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Type_hindexed(2, nullptr, disps, MPI_INT, &t));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Type_hindexed(2, lens, nullptr, MPI_INT, &t));
                  EXPECT_EQ(MPI_ERR_COUNT, MPI_Type_struct(-1, lens, disps, types, &t));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Type_struct(2, lens, disps, nullptr, &t));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Type_struct(2, lens, disps, types, nullptr));
                  types[1] = MPI_DATATYPE_NULL;
                  EXPECT_EQ(MPI_ERR_TYPE, MPI_Type_struct(2, lens, disps, types, &t));
                  EXPECT_EQ(MPI_DATATYPE_NULL, t);  // nothing was made by any of them
              }));
}

TEST(RemovedMpi1DeathTest, DefaultHandlerNamesTheOldCall) {
    auto body = [] {
        int lens[1] = {1};
        MPI_Aint disps[1] = {0};
        MPI_Datatype t;
        MPI_Type_struct(1, lens, disps, nullptr, &t);
    };
    EXPECT_EXIT(run_ranks(1, body), ::testing::ExitedWithCode(1),
                "rank 0: MPI_Type_struct: array_of_types is NULL \\(MPI_ERR_ARG");
}
