// topology_errors_test.cc — the argument errors of the topology, attribute, Info and error-class
// calls: each returns the right class under MPI_ERRORS_RETURN, and the default handler ends the
// job with a line naming the call.
#include <gtest/gtest.h>
#include <mpi.h>

#include <functional>
#include <string>

#include "support/job.hpp"

using mosix::test::rank;
using mosix::test::run_ranks;
using mosix::test::run_returning;

namespace {

// A 2 x 2 periodic-by-open grid over 4 ranks, with MPI_ERRORS_RETURN.
MPI_Comm grid() {
    int dims[2] = {2, 2}, periods[2] = {1, 0};
    MPI_Comm cart = MPI_COMM_NULL;
    EXPECT_EQ(MPI_SUCCESS, MPI_Cart_create(MPI_COMM_WORLD, 2, dims, periods, 0, &cart));
    MPI_Comm_set_errhandler(cart, MPI_ERRORS_RETURN);
    return cart;
}

}  // namespace

TEST(TopologyErrors, DimsCreate) {
    EXPECT_EQ(0, run_returning(1, [] {
                  int dims[3] = {0, 0, 0};
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Dims_create(0, 2, dims));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Dims_create(-4, 2, dims));
                  EXPECT_EQ(MPI_ERR_DIMS, MPI_Dims_create(4, -1, dims));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Dims_create(4, 2, nullptr));
                  int negative[2] = {-1, 0};
                  EXPECT_EQ(MPI_ERR_DIMS, MPI_Dims_create(4, 2, negative));
                  int indivisible[2] = {3, 0};
                  EXPECT_EQ(MPI_ERR_DIMS, MPI_Dims_create(4, 2, indivisible));
                  int all_fixed[2] = {2, 3};
                  EXPECT_EQ(MPI_ERR_DIMS, MPI_Dims_create(12, 2, all_fixed));
                  int ok[3] = {0, 3, 0};
                  EXPECT_EQ(MPI_SUCCESS, MPI_Dims_create(36, 3, ok));
                  EXPECT_EQ(ok[0], 4);
                  EXPECT_EQ(ok[2], 3);
              }));
}

TEST(TopologyErrors, CartCreate) {
    EXPECT_EQ(0, run_returning(4, [] {
                  int dims[2] = {2, 2}, periods[2] = {0, 0};
                  MPI_Comm out = MPI_COMM_NULL;
                  EXPECT_EQ(MPI_ERR_COMM, MPI_Cart_create(12345, 2, dims, periods, 0, &out));
                  EXPECT_EQ(MPI_ERR_COMM, MPI_Cart_create(MPI_COMM_NULL, 2, dims, periods, 0, &out));
                  EXPECT_EQ(MPI_ERR_DIMS, MPI_Cart_create(MPI_COMM_WORLD, -1, dims, periods, 0, &out));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Cart_create(MPI_COMM_WORLD, 2, nullptr, periods, 0, &out));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Cart_create(MPI_COMM_WORLD, 2, dims, nullptr, 0, &out));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Cart_create(MPI_COMM_WORLD, 2, dims, periods, 0, nullptr));
                  int zero[2] = {2, 0}, big[2] = {3, 2};
                  EXPECT_EQ(MPI_ERR_DIMS, MPI_Cart_create(MPI_COMM_WORLD, 2, zero, periods, 0, &out));
                  EXPECT_EQ(MPI_ERR_DIMS, MPI_Cart_create(MPI_COMM_WORLD, 2, big, periods, 0, &out));
                  EXPECT_EQ(MPI_COMM_NULL, out);
                  int newrank;
                  EXPECT_EQ(MPI_ERR_DIMS, MPI_Cart_map(MPI_COMM_WORLD, 2, big, periods, &newrank));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Cart_map(MPI_COMM_WORLD, 2, dims, periods, nullptr));
              }));
}

TEST(TopologyErrors, CartQueries) {
    EXPECT_EQ(0, run_returning(4, [] {
                  MPI_Comm cart = grid();
                  int dims[2], periods[2], coords[2] = {0, 0}, r, src, dst, nd;
                  // A communicator without a (Cartesian) topology.
                  EXPECT_EQ(MPI_ERR_TOPOLOGY, MPI_Cartdim_get(MPI_COMM_WORLD, &nd));
                  EXPECT_EQ(MPI_ERR_TOPOLOGY, MPI_Cart_get(MPI_COMM_WORLD, 2, dims, periods, coords));
                  EXPECT_EQ(MPI_ERR_TOPOLOGY, MPI_Cart_rank(MPI_COMM_WORLD, coords, &r));
                  EXPECT_EQ(MPI_ERR_TOPOLOGY, MPI_Cart_coords(MPI_COMM_WORLD, 0, 2, coords));
                  EXPECT_EQ(MPI_ERR_TOPOLOGY, MPI_Cart_shift(MPI_COMM_WORLD, 0, 1, &src, &dst));
                  MPI_Comm sub;
                  int remain[2] = {1, 0};
                  EXPECT_EQ(MPI_ERR_TOPOLOGY, MPI_Cart_sub(MPI_COMM_WORLD, remain, &sub));
                  EXPECT_EQ(MPI_ERR_COMM, MPI_Cartdim_get(12345, &nd));
                  // Bad arguments on a real grid.
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Cartdim_get(cart, nullptr));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Cart_get(cart, 1, dims, periods, coords));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Cart_get(cart, 2, nullptr, periods, coords));
                  int outside[2] = {0, 2}, negative[2] = {0, -1}, wrapped[2] = {-1, 1};
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Cart_rank(cart, outside, &r));  // dimension 1 is open
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Cart_rank(cart, negative, &r));
                  EXPECT_EQ(MPI_SUCCESS, MPI_Cart_rank(cart, wrapped, &r));  // dimension 0 wraps
                  EXPECT_EQ(3, r);
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Cart_rank(cart, coords, nullptr));
                  EXPECT_EQ(MPI_ERR_RANK, MPI_Cart_coords(cart, 4, 2, coords));
                  EXPECT_EQ(MPI_ERR_RANK, MPI_Cart_coords(cart, -1, 2, coords));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Cart_coords(cart, 0, 1, coords));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Cart_shift(cart, 2, 1, &src, &dst));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Cart_shift(cart, -1, 1, &src, &dst));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Cart_shift(cart, 0, 1, nullptr, &dst));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Cart_sub(cart, nullptr, &sub));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Cart_sub(cart, remain, nullptr));
                  // A huge displacement neither overflows nor fails.
                  EXPECT_EQ(MPI_SUCCESS, MPI_Cart_shift(cart, 1, 2147483647, &src, &dst));
                  EXPECT_EQ(MPI_PROC_NULL, dst);
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Topo_test(cart, nullptr));
                  EXPECT_EQ(MPI_ERR_COMM, MPI_Topo_test(MPI_COMM_NULL, &r));
                  MPI_Comm_free(&cart);
              }));
}

TEST(TopologyErrors, Graph) {
    EXPECT_EQ(0, run_returning(3, [] {
                  int index[3] = {2, 3, 4}, edges[4] = {1, 2, 0, 0}, r, n, e;
                  MPI_Comm g = MPI_COMM_NULL;
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Graph_create(MPI_COMM_WORLD, 4, index, edges, 0, &g));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Graph_create(MPI_COMM_WORLD, -1, index, edges, 0, &g));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Graph_create(MPI_COMM_WORLD, 3, nullptr, edges, 0, &g));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Graph_create(MPI_COMM_WORLD, 3, index, nullptr, 0, &g));
                  int decreasing[3] = {2, 1, 4};
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Graph_create(MPI_COMM_WORLD, 3, decreasing, edges, 0, &g));
                  int bad_edge[4] = {1, 2, 3, 0};
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Graph_create(MPI_COMM_WORLD, 3, index, bad_edge, 0, &g));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Graph_create(MPI_COMM_WORLD, 3, index, edges, 0, nullptr));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Graph_map(MPI_COMM_WORLD, 3, index, bad_edge, &r));
                  EXPECT_EQ(MPI_COMM_NULL, g);
                  EXPECT_EQ(MPI_ERR_TOPOLOGY, MPI_Graphdims_get(MPI_COMM_WORLD, &n, &e));
                  EXPECT_EQ(MPI_ERR_TOPOLOGY, MPI_Graph_neighbors_count(MPI_COMM_WORLD, 0, &n));

                  ASSERT_EQ(MPI_SUCCESS, MPI_Graph_create(MPI_COMM_WORLD, 3, index, edges, 0, &g));
                  MPI_Comm_set_errhandler(g, MPI_ERRORS_RETURN);
                  int gi[3], ge[4], nb[2];
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Graphdims_get(g, nullptr, &e));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Graph_get(g, 2, 4, gi, ge));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Graph_get(g, 3, 3, gi, ge));
                  EXPECT_EQ(MPI_ERR_RANK, MPI_Graph_neighbors_count(g, 3, &n));
                  EXPECT_EQ(MPI_ERR_RANK, MPI_Graph_neighbors(g, -1, 2, nb));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Graph_neighbors(g, 0, 1, nb));  // node 0 has 2
                  EXPECT_EQ(MPI_ERR_TOPOLOGY, MPI_Cartdim_get(g, &n));       // a graph is not a grid
                  int in, out, w;
                  EXPECT_EQ(MPI_ERR_TOPOLOGY, MPI_Dist_graph_neighbors_count(g, &in, &out, &w));
                  MPI_Comm_free(&g);
              }));
}

TEST(TopologyErrors, DistGraph) {
    EXPECT_EQ(
        0, run_returning(2, [] {
            int peer = 1 - rank(), bad = 2, w = 1, negative_w = -1, one = 1, me = rank();
            MPI_Comm g = MPI_COMM_NULL;
            EXPECT_EQ(MPI_ERR_ARG,
                      MPI_Dist_graph_create_adjacent(MPI_COMM_WORLD, -1, &peer, MPI_UNWEIGHTED, 1, &peer,
                                                     MPI_UNWEIGHTED, MPI_INFO_NULL, 0, &g));
            EXPECT_EQ(MPI_ERR_RANK,
                      MPI_Dist_graph_create_adjacent(MPI_COMM_WORLD, 1, &bad, MPI_UNWEIGHTED, 1, &peer,
                                                     MPI_UNWEIGHTED, MPI_INFO_NULL, 0, &g));
            EXPECT_EQ(MPI_ERR_ARG, MPI_Dist_graph_create_adjacent(MPI_COMM_WORLD, 1, &peer, &w, 1, &peer,
                                                                  MPI_UNWEIGHTED, MPI_INFO_NULL, 0, &g));
            EXPECT_EQ(MPI_ERR_ARG, MPI_Dist_graph_create_adjacent(MPI_COMM_WORLD, 1, &peer, &negative_w, 1,
                                                                  &peer, &w, MPI_INFO_NULL, 0, &g));
            EXPECT_EQ(MPI_ERR_INFO, MPI_Dist_graph_create_adjacent(MPI_COMM_WORLD, 1, &peer, MPI_UNWEIGHTED,
                                                                   1, &peer, MPI_UNWEIGHTED, 12345, 0, &g));
            EXPECT_EQ(MPI_ERR_ARG,
                      MPI_Dist_graph_create_adjacent(MPI_COMM_WORLD, 1, &peer, MPI_UNWEIGHTED, 1, &peer,
                                                     MPI_UNWEIGHTED, MPI_INFO_NULL, 0, nullptr));
            EXPECT_EQ(MPI_ERR_ARG, MPI_Dist_graph_create(MPI_COMM_WORLD, -1, &me, &one, &peer, MPI_UNWEIGHTED,
                                                         MPI_INFO_NULL, 0, &g));
            int negative_degree = -1;
            EXPECT_EQ(MPI_ERR_ARG, MPI_Dist_graph_create(MPI_COMM_WORLD, 1, &me, &negative_degree, &peer,
                                                         MPI_UNWEIGHTED, MPI_INFO_NULL, 0, &g));
            EXPECT_EQ(MPI_ERR_RANK, MPI_Dist_graph_create(MPI_COMM_WORLD, 1, &bad, &one, &peer,
                                                          MPI_UNWEIGHTED, MPI_INFO_NULL, 0, &g));
            EXPECT_EQ(MPI_ERR_RANK, MPI_Dist_graph_create(MPI_COMM_WORLD, 1, &me, &one, &bad, MPI_UNWEIGHTED,
                                                          MPI_INFO_NULL, 0, &g));
            EXPECT_EQ(MPI_COMM_NULL, g);
            int in, out, weighted, s[1], d[1];
            EXPECT_EQ(MPI_ERR_TOPOLOGY, MPI_Dist_graph_neighbors_count(MPI_COMM_WORLD, &in, &out, &weighted));
            ASSERT_EQ(MPI_SUCCESS,
                      MPI_Dist_graph_create_adjacent(MPI_COMM_WORLD, 1, &peer, MPI_UNWEIGHTED, 1, &peer,
                                                     MPI_UNWEIGHTED, MPI_INFO_NULL, 0, &g));
            MPI_Comm_set_errhandler(g, MPI_ERRORS_RETURN);
            EXPECT_EQ(MPI_ERR_ARG, MPI_Dist_graph_neighbors_count(g, nullptr, &out, &weighted));
            EXPECT_EQ(MPI_ERR_ARG, MPI_Dist_graph_neighbors(g, 0, s, MPI_UNWEIGHTED, 1, d, MPI_UNWEIGHTED));
            EXPECT_EQ(MPI_SUCCESS, MPI_Dist_graph_neighbors(g, 1, s, MPI_UNWEIGHTED, 1, d, MPI_UNWEIGHTED));
            EXPECT_EQ(peer, s[0]);
            MPI_Comm_free(&g);
        }));
}

// ---- attributes -------------------------------------------------------------------------------

namespace {

int failing_delete(MPI_Comm, int, void*, void*) { return MPI_ERR_OTHER; }

}  // namespace

TEST(AttributeErrors, Keyvals) {
    EXPECT_EQ(0, run_returning(1, [] {
                  int key = 0, flag = 0;
                  void* v = nullptr;
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Comm_create_keyval(MPI_COMM_NULL_COPY_FN,
                                                                MPI_COMM_NULL_DELETE_FN, nullptr, nullptr));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Comm_free_keyval(nullptr));
                  int bad = 12345;
                  EXPECT_EQ(MPI_ERR_KEYVAL, MPI_Comm_free_keyval(&bad));
                  int tag_ub = MPI_TAG_UB;
                  EXPECT_EQ(MPI_ERR_KEYVAL, MPI_Comm_free_keyval(&tag_ub));
                  EXPECT_EQ(MPI_ERR_KEYVAL, MPI_Comm_set_attr(MPI_COMM_WORLD, MPI_TAG_UB, nullptr));
                  EXPECT_EQ(MPI_ERR_KEYVAL, MPI_Comm_delete_attr(MPI_COMM_WORLD, MPI_HOST));
                  EXPECT_EQ(MPI_ERR_KEYVAL, MPI_Comm_set_attr(MPI_COMM_WORLD, 12345, nullptr));
                  EXPECT_EQ(MPI_ERR_KEYVAL, MPI_Comm_get_attr(MPI_COMM_WORLD, 12345, &v, &flag));
                  EXPECT_EQ(MPI_ERR_KEYVAL, MPI_Attr_put(MPI_COMM_WORLD, MPI_KEYVAL_INVALID, nullptr));

                  ASSERT_EQ(MPI_SUCCESS,
                            MPI_Comm_create_keyval(MPI_COMM_DUP_FN, MPI_COMM_NULL_DELETE_FN, &key, nullptr));
                  EXPECT_EQ(MPI_ERR_COMM, MPI_Comm_set_attr(12345, key, nullptr));
                  EXPECT_EQ(MPI_ERR_COMM, MPI_Comm_get_attr(MPI_COMM_NULL, key, &v, &flag));
                  EXPECT_EQ(MPI_ERR_COMM, MPI_Comm_delete_attr(MPI_COMM_NULL, key));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Comm_get_attr(MPI_COMM_WORLD, key, nullptr, &flag));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Comm_get_attr(MPI_COMM_WORLD, key, &v, nullptr));
                  // A freed keyval is invalid for new uses; freeing twice is an error too.
                  int copy = key;
                  EXPECT_EQ(MPI_SUCCESS, MPI_Comm_free_keyval(&key));
                  EXPECT_EQ(MPI_KEYVAL_INVALID, key);
                  EXPECT_EQ(MPI_ERR_KEYVAL, MPI_Comm_free_keyval(&copy));
                  EXPECT_EQ(MPI_ERR_KEYVAL, MPI_Comm_set_attr(MPI_COMM_WORLD, copy, nullptr));
              }));
}

TEST(AttributeErrors, FailingDeleteCallback) {
    EXPECT_EQ(0, run_returning(1, [] {
                  int key = 0;
                  ASSERT_EQ(MPI_SUCCESS,
                            MPI_Comm_create_keyval(MPI_COMM_NULL_COPY_FN, failing_delete, &key, nullptr));
                  MPI_Comm c;
                  MPI_Comm_dup(MPI_COMM_WORLD, &c);
                  MPI_Comm_set_errhandler(c, MPI_ERRORS_RETURN);
                  MPI_Comm_set_attr(c, key, nullptr);
                  // The callback's code is what the call returns, and the attribute stays.
                  EXPECT_EQ(MPI_ERR_OTHER, MPI_Comm_delete_attr(c, key));
                  EXPECT_EQ(MPI_ERR_OTHER, MPI_Comm_set_attr(c, key, nullptr));
                  EXPECT_EQ(MPI_ERR_OTHER, MPI_Comm_free(&c));
                  int flag = 0;
                  void* v;
                  EXPECT_EQ(MPI_SUCCESS, MPI_Comm_get_attr(c, key, &v, &flag));
                  EXPECT_EQ(1, flag);
              }));
}

TEST(AttributeErrors, DefaultHandlerNamesTheCall) {
    auto body = [] {
        int bad = 7;
        MPI_Comm_set_attr(MPI_COMM_WORLD, bad, nullptr);
    };
    EXPECT_EXIT(run_ranks(1, body), ::testing::ExitedWithCode(1),
                "MPI_Comm_set_attr: keyval 0x7 is not a valid keyval");
}

// ---- Info -------------------------------------------------------------------------------------

TEST(InfoErrors, Arguments) {
    EXPECT_EQ(0, run_returning(1, [] {
                  MPI_Info info;
                  char value[8], key[MPI_MAX_INFO_KEY];
                  int flag, n;
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Info_create(nullptr));
                  for (MPI_Info bad : {MPI_INFO_NULL, 12345, static_cast<MPI_Info>(MPI_COMM_WORLD)}) {
                      EXPECT_EQ(MPI_ERR_INFO, MPI_Info_set(bad, "k", "v"));
                      EXPECT_EQ(MPI_ERR_INFO, MPI_Info_get(bad, "k", 7, value, &flag));
                      EXPECT_EQ(MPI_ERR_INFO, MPI_Info_get_nkeys(bad, &n));
                      EXPECT_EQ(MPI_ERR_INFO, MPI_Info_dup(bad, &info));
                      EXPECT_EQ(MPI_ERR_INFO, MPI_Info_free(&bad));
                      void* mem;
                      EXPECT_EQ(MPI_ERR_INFO, MPI_Alloc_mem(8, bad == MPI_INFO_NULL ? 12345 : bad, &mem));
                      EXPECT_EQ(MPI_ERR_INFO, MPI_Comm_set_info(MPI_COMM_WORLD, bad));
                  }
                  ASSERT_EQ(MPI_SUCCESS, MPI_Info_create(&info));
                  EXPECT_EQ(MPI_ERR_INFO_KEY, MPI_Info_set(info, "", "v"));
                  EXPECT_EQ(MPI_ERR_INFO_KEY, MPI_Info_set(info, nullptr, "v"));
                  std::string long_key(MPI_MAX_INFO_KEY, 'k'), long_value(MPI_MAX_INFO_VAL, 'v');
                  EXPECT_EQ(MPI_ERR_INFO_KEY, MPI_Info_set(info, long_key.c_str(), "v"));
                  EXPECT_EQ(MPI_ERR_INFO_VALUE, MPI_Info_set(info, "k", long_value.c_str()));
                  EXPECT_EQ(MPI_ERR_INFO_VALUE, MPI_Info_set(info, "k", nullptr));
                  long_key.pop_back();
                  long_value.pop_back();
                  EXPECT_EQ(MPI_SUCCESS, MPI_Info_set(info, long_key.c_str(), long_value.c_str()));
                  EXPECT_EQ(MPI_ERR_INFO_NOKEY, MPI_Info_delete(info, "absent"));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Info_get(info, "k", -1, value, &flag));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Info_get(info, "k", 7, nullptr, &flag));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Info_get_nthkey(info, 1, key));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Info_get_nthkey(info, -1, key));
                  EXPECT_EQ(MPI_SUCCESS, MPI_Info_get_nthkey(info, 0, key));
                  EXPECT_EQ(long_key, key);
                  // MPI_INFO_ENV is read-only.
                  EXPECT_EQ(MPI_ERR_INFO, MPI_Info_set(MPI_INFO_ENV, "k", "v"));
                  EXPECT_EQ(MPI_ERR_INFO, MPI_Info_delete(MPI_INFO_ENV, "maxprocs"));
                  MPI_Info env = MPI_INFO_ENV;
                  EXPECT_EQ(MPI_ERR_INFO, MPI_Info_free(&env));
                  EXPECT_EQ(MPI_SUCCESS, MPI_Info_get(MPI_INFO_ENV, "maxprocs", 7, value, &flag));
                  EXPECT_EQ(1, flag);
                  EXPECT_STREQ("1", value);
                  // A freed Info is stale.
                  MPI_Info stale = info;
                  EXPECT_EQ(MPI_SUCCESS, MPI_Info_free(&info));
                  EXPECT_EQ(MPI_INFO_NULL, info);
                  EXPECT_EQ(MPI_ERR_INFO, MPI_Info_get_nkeys(stale, &n));
                  EXPECT_EQ(MPI_ERR_INFO, MPIX_Migrate(stale));
                  MPI_Comm out;
                  EXPECT_EQ(MPI_ERR_INFO,
                            MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, stale, &out));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Comm_get_info(MPI_COMM_WORLD, nullptr));
              }));
}

// ---- error classes and MPI_Pcontrol -----------------------------------------------------------

TEST(ErrorClassErrors, Arguments) {
    EXPECT_EQ(0, run_returning(1, [] {
                  int cls, code;
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Add_error_class(nullptr));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Add_error_code(MPI_ERR_ARG, nullptr));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Add_error_code(MPI_SUCCESS, &code));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Add_error_code(MPI_ERR_LASTCODE + 100, &code));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Add_error_string(MPI_ERR_ARG, "predefined"));
                  ASSERT_EQ(MPI_SUCCESS, MPI_Add_error_class(&cls));
                  ASSERT_EQ(MPI_SUCCESS, MPI_Add_error_code(cls, &code));
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Add_error_code(code, &code));  // a code is not a class
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Add_error_string(code, nullptr));
                  std::string too_long(MPI_MAX_ERROR_STRING, 'x');
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Add_error_string(code, too_long.c_str()));
                  int got;
                  EXPECT_EQ(MPI_ERR_ARG, MPI_Error_class(code + 1, &got));
                  EXPECT_EQ(MPI_SUCCESS, MPI_Pcontrol(-3));
              }));
}

TEST(ErrorClassErrors, FatalHandlerShowsTheProgramsString) {
    auto body = [] {
        int cls;
        MPI_Add_error_class(&cls);
        MPI_Add_error_string(cls, "the mesh is inside out");
        MPI_Comm_call_errhandler(MPI_COMM_WORLD, cls);
    };
    EXPECT_EXIT(run_ranks(1, body), ::testing::ExitedWithCode(1), "the mesh is inside out");
}
