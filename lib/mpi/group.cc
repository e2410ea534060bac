// group.cc — the group bindings: handle and rank checks, then set operations over world ranks.
// Groups are immutable and shared, so an operation whose result equals an input returns that
// input's group instead of a copy.
#include <mpi.h>

#include <vector>

#include "lib/comm.hpp"
#include "lib/errors.hpp"
#include "runtime/library_entry.hpp"

using namespace mosix::lib;

namespace {

int check_group(MPI_Group h, const char* call, GroupPtr* out) {
    if (int e = check_initialized(call)) return e;
    *out = group_get(h);
    MOSIX_CHECK(*out, MPI_COMM_WORLD, MPI_ERR_GROUP, call, "group %#x is not a valid group", h);
    return MPI_SUCCESS;
}

int check_two_groups(MPI_Group h1, MPI_Group h2, const char* call, GroupPtr* g1, GroupPtr* g2) {
    if (int e = check_group(h1, call, g1)) return e;
    return check_group(h2, call, g2);
}

int check_newgroup(MPI_Group* newgroup, const char* call) {
    MOSIX_CHECK(newgroup, MPI_COMM_WORLD, MPI_ERR_ARG, call, "newgroup is NULL");
    return MPI_SUCCESS;
}

// A list of n distinct ranks of `g`, as MPI_Group_incl and MPI_Group_excl take.
int check_rank_list(const Group& g, int n, const int* ranks, const char* call, std::vector<char>* chosen) {
    MOSIX_CHECK(n >= 0, MPI_COMM_WORLD, MPI_ERR_ARG, call, "n %d is negative", n);
    MOSIX_CHECK(ranks || n == 0, MPI_COMM_WORLD, MPI_ERR_ARG, call, "ranks is NULL");
    chosen->assign(static_cast<std::size_t>(g.size), 0);
    for (int i = 0; i < n; ++i) {
        int r = ranks[i];
        MOSIX_CHECK(r >= 0 && r < g.size, MPI_COMM_WORLD, MPI_ERR_RANK, call,
                    "ranks[%d] = %d is not in 0..%d", i, r, g.size - 1);
        char& seen = (*chosen)[static_cast<std::size_t>(r)];
        MOSIX_CHECK(!seen, MPI_COMM_WORLD, MPI_ERR_RANK, call, "rank %d appears twice in ranks", r);
        seen = 1;
    }
    return MPI_SUCCESS;
}

// Members of g1 that are (keep == true) or are not in g2, in g1's order.
std::vector<int> filter(const Group& g1, const Group& g2, bool keep) {
    GroupIndex in2(g2);
    std::vector<int> out;
    for (int i = 0; i < g1.size; ++i) {
        int w = g1.world_of(i);
        if ((in2.rank_of(w) != MPI_UNDEFINED) == keep) out.push_back(w);
    }
    return out;
}

MPI_Group result(const GroupPtr& input, std::vector<int> members) {
    if (static_cast<int>(members.size()) == input->size) {
        bool same = true;
        for (int i = 0; i < input->size && same; ++i)
            same = members[static_cast<std::size_t>(i)] == input->world_of(i);
        if (same) return group_install(input);
    }
    return group_install(group_of(std::move(members)));
}

}  // namespace

extern "C" {

int MPI_Group_size(MPI_Group group, int* size) {
    MOSIX_LIBRARY_ENTRY();
    GroupPtr g;
    if (int e = check_group(group, "MPI_Group_size", &g)) return e;
    MOSIX_CHECK(size, MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Group_size", "size is NULL");
    *size = g->size;
    return MPI_SUCCESS;
}

int MPI_Group_rank(MPI_Group group, int* rank) {
    MOSIX_LIBRARY_ENTRY();
    GroupPtr g;
    if (int e = check_group(group, "MPI_Group_rank", &g)) return e;
    MOSIX_CHECK(rank, MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Group_rank", "rank is NULL");
    *rank = g->rank_of_world(comm_get(MPI_COMM_WORLD)->rank);
    return MPI_SUCCESS;
}

int MPI_Group_translate_ranks(MPI_Group group1, int n, const int ranks1[], MPI_Group group2, int ranks2[]) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Group_translate_ranks";
    GroupPtr g1, g2;
    if (int e = check_two_groups(group1, group2, call, &g1, &g2)) return e;
    MOSIX_CHECK(n >= 0, MPI_COMM_WORLD, MPI_ERR_ARG, call, "n %d is negative", n);
    MOSIX_CHECK((ranks1 && ranks2) || n == 0, MPI_COMM_WORLD, MPI_ERR_ARG, call, "ranks1 or ranks2 is NULL");
    for (int i = 0; i < n; ++i)
        MOSIX_CHECK(ranks1[i] == MPI_PROC_NULL || (ranks1[i] >= 0 && ranks1[i] < g1->size), MPI_COMM_WORLD,
                    MPI_ERR_RANK, call, "ranks1[%d] = %d is not in 0..%d", i, ranks1[i], g1->size - 1);
    GroupIndex in2(*g2);
    for (int i = 0; i < n; ++i)
        ranks2[i] = ranks1[i] == MPI_PROC_NULL ? MPI_PROC_NULL : in2.rank_of(g1->world_of(ranks1[i]));
    return MPI_SUCCESS;
}

int MPI_Group_compare(MPI_Group group1, MPI_Group group2, int* result) {
    MOSIX_LIBRARY_ENTRY();
    GroupPtr g1, g2;
    if (int e = check_two_groups(group1, group2, "MPI_Group_compare", &g1, &g2)) return e;
    MOSIX_CHECK(result, MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Group_compare", "result is NULL");
    *result = group_compare(*g1, *g2);
    return MPI_SUCCESS;
}

int MPI_Group_incl(MPI_Group group, int n, const int ranks[], MPI_Group* newgroup) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Group_incl";
    GroupPtr g;
    std::vector<char> chosen;
    if (int e = check_group(group, call, &g)) return e;
    if (int e = check_rank_list(*g, n, ranks, call, &chosen)) return e;
    if (int e = check_newgroup(newgroup, call)) return e;
    std::vector<int> members(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) members[static_cast<std::size_t>(i)] = g->world_of(ranks[i]);
    *newgroup = result(g, std::move(members));
    return MPI_SUCCESS;
}

int MPI_Group_excl(MPI_Group group, int n, const int ranks[], MPI_Group* newgroup) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Group_excl";
    GroupPtr g;
    std::vector<char> chosen;
    if (int e = check_group(group, call, &g)) return e;
    if (int e = check_rank_list(*g, n, ranks, call, &chosen)) return e;
    if (int e = check_newgroup(newgroup, call)) return e;
    std::vector<int> members;
    members.reserve(static_cast<std::size_t>(g->size - n));
    for (int i = 0; i < g->size; ++i)
        if (!chosen[static_cast<std::size_t>(i)]) members.push_back(g->world_of(i));
    *newgroup = result(g, std::move(members));
    return MPI_SUCCESS;
}

int MPI_Group_union(MPI_Group group1, MPI_Group group2, MPI_Group* newgroup) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Group_union";
    GroupPtr g1, g2;
    if (int e = check_two_groups(group1, group2, call, &g1, &g2)) return e;
    if (int e = check_newgroup(newgroup, call)) return e;
    std::vector<int> members;
    members.reserve(static_cast<std::size_t>(g1->size));
    for (int i = 0; i < g1->size; ++i) members.push_back(g1->world_of(i));
    std::vector<int> extra = filter(*g2, *g1, false);
    members.insert(members.end(), extra.begin(), extra.end());
    *newgroup = result(g1, std::move(members));
    return MPI_SUCCESS;
}

int MPI_Group_intersection(MPI_Group group1, MPI_Group group2, MPI_Group* newgroup) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Group_intersection";
    GroupPtr g1, g2;
    if (int e = check_two_groups(group1, group2, call, &g1, &g2)) return e;
    if (int e = check_newgroup(newgroup, call)) return e;
    *newgroup = result(g1, filter(*g1, *g2, true));
    return MPI_SUCCESS;
}

int MPI_Group_difference(MPI_Group group1, MPI_Group group2, MPI_Group* newgroup) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Group_difference";
    GroupPtr g1, g2;
    if (int e = check_two_groups(group1, group2, call, &g1, &g2)) return e;
    if (int e = check_newgroup(newgroup, call)) return e;
    *newgroup = result(g1, filter(*g1, *g2, false));
    return MPI_SUCCESS;
}

int MPI_Group_free(MPI_Group* group) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Group_free";
    if (int e = check_initialized(call)) return e;
    MOSIX_CHECK(group, MPI_COMM_WORLD, MPI_ERR_ARG, call, "group is NULL");
    GroupPtr g;
    if (int e = check_group(*group, call, &g)) return e;
    group_release(*group);
    *group = MPI_GROUP_NULL;
    return MPI_SUCCESS;
}

}  // extern "C"
