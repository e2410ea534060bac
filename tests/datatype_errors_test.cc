// datatype_errors_test.cc — the argument errors of the derived-datatype calls (constructors,
// queries, commit and free, pack/unpack, match_size) return the right class under
// MPI_ERRORS_RETURN; an uncommitted type is refused by every call that moves data; a predefined op
// is refused for a type it is not defined on; and the default handler names the call and why.
#include <gtest/gtest.h>

#include <functional>

#include "support/job.hpp"

using mosix::test::run_ranks;
using mosix::test::run_returning;

namespace {

MPI_Datatype stale_type() {
    MPI_Datatype t;
    MPI_Type_contiguous(2, MPI_INT, &t);
    MPI_Datatype stale = t;
    MPI_Type_free(&t);
    return stale;
}

}  // namespace

TEST(DatatypeErrors, Constructors) {
    EXPECT_EQ(
        0, run_returning(1, [] {
            MPI_Datatype t = MPI_DATATYPE_NULL;
            int lens[2] = {1, 1}, disps[2] = {0, 1}, neg[2] = {1, -1};
            MPI_Aint adisps[2] = {0, 8};
            MPI_Datatype types[2] = {MPI_INT, MPI_DATATYPE_NULL};
            for (MPI_Datatype bad : {MPI_DATATYPE_NULL, static_cast<MPI_Datatype>(MPI_COMM_WORLD),
                                     stale_type(), static_cast<MPI_Datatype>(12345)}) {
                EXPECT_EQ(MPI_ERR_TYPE, MPI_Type_contiguous(1, bad, &t));
                EXPECT_EQ(MPI_ERR_TYPE, MPI_Type_vector(1, 1, 1, bad, &t));
                EXPECT_EQ(MPI_ERR_TYPE, MPI_Type_create_resized(bad, 0, 4, &t));
                EXPECT_EQ(MPI_ERR_TYPE, MPI_Type_dup(bad, &t));
            }
            EXPECT_EQ(MPI_ERR_COUNT, MPI_Type_contiguous(-1, MPI_INT, &t));
            EXPECT_EQ(MPI_ERR_COUNT, MPI_Type_vector(-2, 1, 1, MPI_INT, &t));
            EXPECT_EQ(MPI_ERR_ARG, MPI_Type_vector(2, -1, 1, MPI_INT, &t));
            EXPECT_EQ(MPI_ERR_ARG, MPI_Type_create_hvector(2, -1, 8, MPI_INT, &t));
            EXPECT_EQ(MPI_ERR_ARG, MPI_Type_contiguous(2, MPI_INT, nullptr));
            EXPECT_EQ(MPI_ERR_ARG, MPI_Type_indexed(2, nullptr, disps, MPI_INT, &t));
            EXPECT_EQ(MPI_ERR_ARG, MPI_Type_indexed(2, lens, nullptr, MPI_INT, &t));
            EXPECT_EQ(MPI_ERR_ARG, MPI_Type_indexed(2, neg, disps, MPI_INT, &t));
            EXPECT_EQ(MPI_ERR_ARG, MPI_Type_create_hindexed(2, lens, nullptr, MPI_INT, &t));
            EXPECT_EQ(MPI_ERR_ARG, MPI_Type_create_indexed_block(2, -3, disps, MPI_INT, &t));
            EXPECT_EQ(MPI_ERR_ARG, MPI_Type_create_hindexed_block(2, 1, nullptr, MPI_INT, &t));
            EXPECT_EQ(MPI_ERR_TYPE, MPI_Type_create_struct(2, lens, adisps, types, &t));
            EXPECT_EQ(MPI_ERR_ARG, MPI_Type_create_struct(2, lens, nullptr, types, &t));
            EXPECT_EQ(MPI_ERR_COUNT, MPI_Type_create_struct(-1, lens, adisps, types, &t));
            int sizes[2] = {4, 5}, subs[2] = {2, 3}, starts[2] = {1, 1}, far[2] = {3, 1}, big[2] = {5, 1};
            EXPECT_EQ(MPI_ERR_DIMS,
                      MPI_Type_create_subarray(0, sizes, subs, starts, MPI_ORDER_C, MPI_INT, &t));
            EXPECT_EQ(MPI_ERR_ARG, MPI_Type_create_subarray(2, sizes, subs, starts, 99, MPI_INT, &t));
            EXPECT_EQ(MPI_ERR_ARG, MPI_Type_create_subarray(2, sizes, subs, far, MPI_ORDER_C, MPI_INT, &t));
            EXPECT_EQ(MPI_ERR_ARG, MPI_Type_create_subarray(2, sizes, big, starts, MPI_ORDER_C, MPI_INT, &t));
            EXPECT_EQ(MPI_ERR_ARG,
                      MPI_Type_create_subarray(2, nullptr, subs, starts, MPI_ORDER_C, MPI_INT, &t));
            int gs[1] = {4}, dist[1] = {MPI_DISTRIBUTE_BLOCK}, darg[1] = {MPI_DISTRIBUTE_DFLT_DARG},
                ps[1] = {1};
            EXPECT_EQ(MPI_ERR_UNSUPPORTED_OPERATION,
                      MPI_Type_create_darray(1, 0, 1, gs, dist, darg, ps, MPI_ORDER_C, MPI_INT, &t));
            EXPECT_EQ(MPI_DATATYPE_NULL, t);  // nothing was made
        }));
}

TEST(DatatypeErrors, LifeAndQueries) {
    EXPECT_EQ(0, run_returning(1, [] {
                  MPI_Datatype t = MPI_INT, stale = stale_type();
                  EXPECT_EQ(MPI_ERR_TYPE, MPI_Type_free(&t));  // predefined
                  EXPECT_EQ(MPI_INT, t);
                  EXPECT_EQ(MPI_ERR_TYPE, MPI_Type_free(&stale));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Type_free(nullptr));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Type_commit(nullptr));
                  stale = stale_type();
                  EXPECT_EQ(MPI_ERR_TYPE, MPI_Type_commit(&stale));
                  int size;
                  MPI_Aint lb, ext;
                  MPI_Count xs;
                  EXPECT_EQ(MPI_ERR_TYPE, MPI_Type_size(stale, &size));
                  EXPECT_EQ(MPI_ERR_TYPE, MPI_Type_size_x(MPI_DATATYPE_NULL, &xs));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Type_get_true_extent(MPI_INT, &lb, nullptr));
                  EXPECT_EQ(MPI_ERR_TYPE, MPI_Type_get_extent(stale, &lb, &ext));
                  int ints[4], ni, na, comb;
                  MPI_Aint addrs[4];
                  MPI_Datatype types[4];
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Type_get_envelope(MPI_INT, &ni, &na, nullptr, &comb));
                  EXPECT_EQ(MPI_ERR_TYPE, MPI_Type_get_contents(MPI_INT, 4, 4, 4, ints, addrs, types));
                  MPI_Datatype v;
                  MPI_Type_vector(2, 1, 3, MPI_INT, &v);
                  EXPECT_EQ(MPI_ERR_ARG,
                            MPI_Type_get_contents(v, 2, 0, 1, ints, addrs, types));  // needs 3 ints
                  EXPECT_EQ(MPI_ERR_TYPE, MPI_Type_set_name(MPI_INT, "int"));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Type_set_name(v, nullptr));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Type_get_name(v, nullptr, &size));
                  MPI_Datatype m;
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Type_match_size(42, 4, &m));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Type_match_size(MPI_TYPECLASS_REAL, 3, &m));
                  MPI_Type_free(&v);
              }));
}

// Moving data in an uncommitted type is an error everywhere.
TEST(DatatypeErrors, UncommittedTypeMovesNothing) {
    EXPECT_EQ(0, run_returning(2, [] {
                  MPI_Datatype v;
                  MPI_Type_vector(2, 1, 2, MPI_INT, &v);
                  int buf[8] = {}, counts[2] = {1, 1}, displs[2] = {0, 1}, pos = 0;
                  char packed[64];
                  MPI_Request req = MPI_REQUEST_NULL;
                  const int peer = 1 - mosix::test::rank();
                  EXPECT_EQ(MPI_ERR_TYPE, MPI_Send(buf, 1, v, peer, 0, MPI_COMM_WORLD));
                  EXPECT_EQ(MPI_ERR_TYPE, MPI_Isend(buf, 1, v, peer, 0, MPI_COMM_WORLD, &req));
                  EXPECT_EQ(MPI_ERR_TYPE, MPI_Recv(buf, 1, v, peer, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
                  EXPECT_EQ(MPI_ERR_TYPE, MPI_Irecv(buf, 1, v, peer, 0, MPI_COMM_WORLD, &req));
                  EXPECT_EQ(MPI_ERR_TYPE, MPI_Send_init(buf, 1, v, peer, 0, MPI_COMM_WORLD, &req));
                  EXPECT_EQ(MPI_ERR_TYPE, MPI_Bsend(buf, 1, v, peer, 0, MPI_COMM_WORLD));
                  EXPECT_EQ(MPI_REQUEST_NULL, req);
                  EXPECT_EQ(MPI_ERR_TYPE, MPI_Bcast(buf, 1, v, 0, MPI_COMM_WORLD));
                  EXPECT_EQ(MPI_ERR_TYPE, MPI_Allreduce(buf, buf + 4, 1, v, MPI_SUM, MPI_COMM_WORLD));
                  EXPECT_EQ(MPI_ERR_TYPE,
                            MPI_Allgatherv(buf, 1, MPI_INT, buf + 4, counts, displs, v, MPI_COMM_WORLD));
                  EXPECT_EQ(MPI_ERR_TYPE, MPI_Pack(buf, 1, v, packed, 64, &pos, MPI_COMM_WORLD));
                  EXPECT_EQ(MPI_ERR_TYPE, MPI_Reduce_local(buf, buf + 4, 1, v, MPI_SUM));
                  MPI_Type_free(&v);
                  int one = 1, sum = 0;  // the job is still in step
                  EXPECT_EQ(MPI_SUCCESS, MPI_Allreduce(&one, &sum, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD));
                  EXPECT_EQ(2, sum);
              }));
}

TEST(DatatypeErrors, PackBoundsAndOps) {
    EXPECT_EQ(0, run_returning(1, [] {
                  MPI_Datatype v;
                  MPI_Type_vector(2, 1, 2, MPI_INT, &v);
                  MPI_Type_commit(&v);
                  int buf[4] = {1, 2, 3, 4}, size = 0, pos = 0;
                  char packed[16];
                  EXPECT_EQ(MPI_ERR_TRUNCATE,
                            MPI_Pack(buf, 3, v, packed, 16, &pos, MPI_COMM_WORLD));  // 24 > 16
                  EXPECT_EQ(0, pos);
                  pos = 17;
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Pack(buf, 1, v, packed, 16, &pos, MPI_COMM_WORLD));
                  pos = 0;
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Pack(buf, 1, v, packed, 16, nullptr, MPI_COMM_WORLD));
                  EXPECT_EQ(MPI_SUCCESS, MPI_Pack(buf, 1, v, packed, 16, &pos, MPI_COMM_WORLD));
                  pos = 4;
                  EXPECT_EQ(MPI_ERR_TRUNCATE, MPI_Unpack(packed, 8, &pos, buf, 1, v, MPI_COMM_WORLD));
                  EXPECT_EQ(MPI_ERR_COMM, MPI_Pack_size(1, v, MPI_COMM_NULL, &size));
                  EXPECT_EQ(MPI_ERR_COUNT, MPI_Pack_size(-1, v, MPI_COMM_WORLD, &size));
                  // A predefined op over a type mixing int and double, and MINLOC over doubles.
                  int lens[2] = {1, 1};
                  MPI_Aint disps[2] = {0, 8};
                  MPI_Datatype types[2] = {MPI_INT, MPI_DOUBLE}, mixed;
                  MPI_Type_create_struct(2, lens, disps, types, &mixed);
                  MPI_Type_commit(&mixed);
                  double d[8] = {};
                  EXPECT_EQ(MPI_ERR_OP, MPI_Allreduce(d, d + 4, 1, mixed, MPI_SUM, MPI_COMM_WORLD));
                  MPI_Datatype dv;
                  MPI_Type_contiguous(2, MPI_DOUBLE, &dv);
                  MPI_Type_commit(&dv);
                  EXPECT_EQ(MPI_ERR_OP, MPI_Allreduce(d, d + 4, 1, dv, MPI_MINLOC, MPI_COMM_WORLD));
                  EXPECT_EQ(MPI_ERR_OP, MPI_Reduce_local(d, d + 4, 1, mixed, MPI_MAX));
                  MPI_Status st;
                  int n;
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Get_elements(nullptr, v, &n));
                  EXPECT_EQ(MPI_ERR_TYPE, MPI_Get_elements(&st, MPI_DATATYPE_NULL, &n));
                  for (MPI_Datatype* t : {&v, &mixed, &dv}) MPI_Type_free(t);
              }));
}

TEST(DatatypeErrorsDeathTest, FatalUncommittedType) {
    auto body = [] {
        MPI_Datatype v;
        MPI_Type_contiguous(2, MPI_INT, &v);
        int buf[2] = {};
        if (mosix::test::rank() == 1) MPI_Send(buf, 1, v, 0, 0, MPI_COMM_WORLD);
    };
    EXPECT_EXIT(
        run_ranks(2, body), ::testing::ExitedWithCode(1),
        "rank 1: MPI_Send: datatype 0x4c000026 is not committed \\(call MPI_Type_commit before using it "
        "to move data\\) \\(MPI_ERR_TYPE");
}

TEST(DatatypeErrorsDeathTest, FatalPredefinedOpOnMixedType) {
    auto body = [] {
        int lens[2] = {1, 1};
        MPI_Aint disps[2] = {0, 8};
        MPI_Datatype types[2] = {MPI_INT, MPI_DOUBLE}, mixed;
        MPI_Type_create_struct(2, lens, disps, types, &mixed);
        MPI_Type_set_name(mixed, "pair");
        MPI_Type_commit(&mixed);
        double in[2] = {}, out[2];
        MPI_Allreduce(in, out, 1, mixed, MPI_SUM, MPI_COMM_WORLD);
    };
    EXPECT_EXIT(
        run_ranks(1, body), ::testing::ExitedWithCode(1),
        "MPI_Allreduce: MPI_SUM is not defined for datatype pair \\(its basic elements are of several "
        "types\\)");
}
