// datatype_test.cc — type maps (lib/datatype_derived.hpp, lib/datatype_pack.hpp): what the
// constructors flatten to (blocks in type-map order, merged where they touch; bounds; element
// runs), packing along them, short unpacks, and types surviving a migration's serialization of
// the rank's library state.
#include <gtest/gtest.h>
#include <mpi.h>

#include <cstring>
#include <vector>

#include "lib/datatype_derived.hpp"
#include "lib/datatype_pack.hpp"
#include "lib/migrate.hpp"
#include "lib/rank_state.hpp"
#include "runtime/scheduler.hpp"
#include "support/job.hpp"

using mosix::lib::Datatype;
using mosix::lib::datatype_get;
using mosix::lib::TypeBlock;
using mosix::test::run_ranks;

namespace {

std::vector<std::pair<long, std::size_t>> blocks_of(MPI_Datatype t) {
    const Datatype* dt = datatype_get(t);
    TypeBlock one;
    const TypeBlock* b = nullptr;
    std::size_t n = mosix::lib::datatype_blocks(*dt, &one, &b);
    std::vector<std::pair<long, std::size_t>> v;
    for (std::size_t i = 0; i < n; ++i) v.emplace_back(static_cast<long>(b[i].offset), b[i].length);
    return v;
}

using Blocks = std::vector<std::pair<long, std::size_t>>;

}  // namespace

TEST(Datatype, PredefinedAreDense) {
    EXPECT_EQ(0, run_ranks(1, [] {
                  for (int i = 0; i < MOSIX_DT_PREDEFINED_COUNT; ++i) {
                      const Datatype* dt = datatype_get(MOSIX_DT_(i));
                      ASSERT_TRUE(dt);
                      EXPECT_TRUE(dt->contiguous && dt->one_block && dt->committed && !dt->derived)
                          << dt->name;
                      EXPECT_TRUE(mosix::lib::datatype_dense(*dt, 1000));
                  }
              }));
}

TEST(Datatype, FlatteningMergesTouchingBlocksInTypeMapOrder) {
    EXPECT_EQ(
        0, run_ranks(1, [] {
            MPI_Datatype c, v, h, nested;
            MPI_Type_contiguous(5, MPI_INT, &c);
            EXPECT_EQ(Blocks({{0, 20}}), blocks_of(c));
            EXPECT_TRUE(datatype_get(c)->contiguous);
            EXPECT_FALSE(datatype_get(c)->committed);
            // A vector whose stride equals its block length is one run too.
            MPI_Type_vector(3, 2, 2, MPI_DOUBLE, &v);
            EXPECT_EQ(Blocks({{0, 48}}), blocks_of(v));
            MPI_Type_free(&v);
            MPI_Type_vector(3, 2, 4, MPI_DOUBLE, &v);
            EXPECT_EQ(Blocks({{0, 16}, {32, 16}, {64, 16}}), blocks_of(v));
            EXPECT_FALSE(datatype_get(v)->one_block);
            // Order is the type map's, not the addresses'.
            int lens[3] = {1, 2, 1};
            MPI_Aint disps[3] = {8, 0, 12};
            MPI_Type_create_hindexed(3, lens, disps, MPI_INT, &h);
            EXPECT_EQ(Blocks({{8, 4}, {0, 8}, {12, 4}}), blocks_of(h));  // 8 then 0: no merge; 0..8 + 12: no
            // A vector of a vector: inner blocks repeated at the outer stride.
            MPI_Type_vector(2, 1, 3, v, &nested);
            const Datatype* n = datatype_get(nested);
            EXPECT_EQ(96u, n->size);
            EXPECT_EQ(320, n->extent);
            EXPECT_EQ(6u, blocks_of(nested).size());
            EXPECT_EQ(240, blocks_of(nested)[3].first);
            EXPECT_EQ(n->derived->element, datatype_get(MPI_DOUBLE));
            EXPECT_EQ(12u, n->derived->elements);
            for (MPI_Datatype* t : {&c, &v, &h, &nested}) MPI_Type_free(t);
        }));
}

TEST(Datatype, BoundsAndResizing) {
    EXPECT_EQ(0, run_ranks(1, [] {
                  MPI_Datatype r, s, sub;
                  MPI_Type_create_resized(MPI_INT, -4, 12, &r);
                  const Datatype* dr = datatype_get(r);
                  EXPECT_EQ(-4, dr->lb);
                  EXPECT_EQ(12, dr->extent);
                  EXPECT_EQ(0, dr->true_lb);
                  EXPECT_EQ(4, dr->true_extent);
                  EXPECT_TRUE(dr->one_block);
                  EXPECT_FALSE(dr->contiguous);  // extent 12 for 4 bytes: elements do not touch
                  // A contiguous type of it: blocks 12 bytes apart, lb from the first element.
                  MPI_Type_contiguous(3, r, &s);
                  EXPECT_EQ(Blocks({{0, 4}, {12, 4}, {24, 4}}), blocks_of(s));
                  EXPECT_EQ(-4, datatype_get(s)->lb);
                  EXPECT_EQ(36, datatype_get(s)->extent);
                  // A 2-D subarray: 2 rows of 3 ints in a 4x5 array, from (1, 1); extent is the whole array.
                  int sizes[2] = {4, 5}, subs[2] = {2, 3}, starts[2] = {1, 1};
                  MPI_Type_create_subarray(2, sizes, subs, starts, MPI_ORDER_C, MPI_INT, &sub);
                  EXPECT_EQ(Blocks({{24, 12}, {44, 12}}), blocks_of(sub));
                  EXPECT_EQ(0, datatype_get(sub)->lb);
                  EXPECT_EQ(80, datatype_get(sub)->extent);
                  for (MPI_Datatype* t : {&r, &s, &sub}) MPI_Type_free(t);
              }));
}

TEST(Datatype, StructElementRunsAndHomogeneity) {
    EXPECT_EQ(0, run_ranks(1, [] {
                  int lens[3] = {1, 1, 2};
                  MPI_Aint disps[3] = {0, 8, 16};
                  MPI_Datatype types[3] = {MPI_CHAR, MPI_DOUBLE, MPI_INT}, st;
                  MPI_Type_create_struct(3, lens, disps, types, &st);
                  const Datatype* d = datatype_get(st);
                  EXPECT_EQ(17u, d->size);
                  EXPECT_EQ(24, d->extent);
                  EXPECT_EQ(nullptr, d->derived->element);  // several predefined types
                  EXPECT_EQ(mosix::lib::Primitive::none, d->primitive);
                  EXPECT_EQ(4u, d->derived->elements);
                  ASSERT_EQ(3u, d->derived->nruns);
                  EXPECT_EQ(1u, d->derived->runs[0].size);
                  EXPECT_EQ(8u, d->derived->runs[1].size);
                  EXPECT_EQ(4u, d->derived->runs[2].size);
                  EXPECT_EQ(2u, d->derived->runs[2].count);
                  MPI_Type_free(&st);
              }));
}

TEST(Datatype, PackUnpackAndShortUnpack) {
    EXPECT_EQ(0, run_ranks(1, [] {
                  MPI_Datatype v;
                  MPI_Type_vector(3, 1, 2, MPI_INT, &v);  // ints 0, 2, 4 of each element; extent 5 ints
                  MPI_Type_commit(&v);
                  const Datatype* dt = datatype_get(v);
                  int src[10];
                  for (int i = 0; i < 10; ++i) src[i] = i;
                  int packed[6];
                  mosix::lib::pack(src, 2, *dt, packed);
                  EXPECT_EQ(std::vector<int>({0, 2, 4, 5, 7, 9}), std::vector<int>(packed, packed + 6));
                  int dst[10];
                  std::memset(dst, -1, sizeof dst);
                  mosix::lib::unpack(packed, 4 * sizeof(int) + 2, dst, 2, *dt);  // ends inside an int
                  EXPECT_EQ(0, dst[0]);
                  EXPECT_EQ(2, dst[2]);
                  EXPECT_EQ(4, dst[4]);
                  EXPECT_EQ(5, dst[5]);
                  EXPECT_EQ(-1, dst[1]);
                  EXPECT_NE(-1, dst[7]);  // two bytes of the 5th int arrived
                  EXPECT_EQ(-1, dst[9]);
                  // PackedBuffer: copies only when the type is not dense.
                  mosix::lib::PackedBuffer staged(src, 2, *dt);
                  EXPECT_TRUE(staged.staged());
                  staged.pack();
                  EXPECT_EQ(0, std::memcmp(staged.data(), packed, sizeof packed));
                  mosix::lib::PackedBuffer direct(src, 10, *datatype_get(MPI_INT));
                  EXPECT_FALSE(direct.staged());
                  EXPECT_EQ(static_cast<void*>(src), direct.data());
                  MPI_Type_free(&v);
              }));
}

TEST(Datatype, FreeKeepsDependentsAndReclaimsDeadTypes) {
    EXPECT_EQ(0, run_ranks(1, [] {
                  MPI_Datatype a, b;
                  MPI_Type_contiguous(2, MPI_INT, &a);
                  MPI_Type_vector(2, 1, 2, a, &b);
                  MPI_Datatype a_handle = a;
                  MPI_Type_free(&a);
                  EXPECT_EQ(MPI_DATATYPE_NULL, a);
                  EXPECT_EQ(nullptr, datatype_get(a_handle));  // the program's handle is gone ...
                  int ni, na, nd, comb;
                  MPI_Type_get_envelope(b, &ni, &na, &nd, &comb);
                  MPI_Datatype inner;
                  int ints[3];
                  MPI_Type_get_contents(b, ni, na, nd, ints, nullptr, &inner);
                  EXPECT_EQ(a_handle,
                            inner);  // ... but b still holds the type, and hands out a new reference
                  int size = 0;
                  MPI_Type_size(inner, &size);
                  EXPECT_EQ(8, size);
                  MPI_Type_free(&inner);
                  MPI_Type_free(&b);
                  // Both are dead now; the next constructor takes their slots back.
                  MPI_Datatype c;
                  MPI_Type_contiguous(1, MPI_INT, &c);
                  auto& types = mosix::lib::self_state().types;
                  std::size_t live = 0;
                  for (auto* t : types) live += t != nullptr;
                  EXPECT_EQ(1u, live);
                  MPI_Type_free(&c);
              }));
}

TEST(Datatype, TypesSurviveTheRankStateRoundTrip) {
    EXPECT_EQ(0, run_ranks(2, [] {
                  MPI_Datatype v;
                  MPI_Type_vector(2, 1, 3, MPI_INT, &v);
                  MPI_Type_commit(&v);
                  MPI_Type_set_name(v, "column");
                  mosix::rt::Rank* me = mosix::rt::this_rank();
                  auto bytes = mosix::lib::pack_rank_state(static_cast<mosix::lib::RankState*>(me->lib));
                  me->lib = nullptr;
                  mosix::lib::unpack_rank_state(me, bytes.data(), bytes.size());
                  char name[MPI_MAX_OBJECT_NAME];
                  int len = 0;
                  MPI_Type_get_name(v, name, &len);
                  EXPECT_STREQ("column", name);
                  int out[6] = {1, 2, 3, 4, 5, 6}, in[6] = {};
                  const int peer = 1 - mosix::test::rank();
                  MPI_Sendrecv(out, 1, v, peer, 0, in, 1, v, peer, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                  EXPECT_EQ(1, in[0]);
                  EXPECT_EQ(4, in[3]);
                  EXPECT_EQ(0, in[1]);
                  MPI_Type_free(&v);
              }));
}
