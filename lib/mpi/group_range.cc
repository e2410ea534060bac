// group_range.cc — MPI_Group_range_incl/excl: the ranges expanded into the rank list that
// MPI_Group_incl/excl take (which check it: every rank valid, none twice).
#include <mpi.h>

#include <vector>

#include "checks.hpp"
#include "lib/comm.hpp"
#include "runtime/library_entry.hpp"

using namespace mosix::lib;

namespace {

int expand(MPI_Group group, int n, int ranges[][3], const char* call, std::vector<int>* ranks) {
    if (int e = check_initialized(call)) return e;
    GroupPtr g = group_get(group);
    MOSIX_CHECK(g, MPI_COMM_NULL, MPI_ERR_GROUP, call, "group %#x is not a valid group", group);
    const int size = g->size;
    MOSIX_CHECK(n >= 0, MPI_COMM_NULL, MPI_ERR_ARG, call, "n %d is negative", n);
    MOSIX_CHECK(n == 0 || ranges, MPI_COMM_NULL, MPI_ERR_ARG, call, "ranges is NULL");
    for (int i = 0; i < n; ++i) {
        const int first = ranges[i][0], last = ranges[i][1], stride = ranges[i][2];
        MOSIX_CHECK(stride != 0, MPI_COMM_NULL, MPI_ERR_ARG, call, "ranges[%d] has stride 0", i);
        MOSIX_CHECK(first >= 0 && first < size && last >= 0 && last < size, MPI_COMM_NULL, MPI_ERR_RANK, call,
                    "ranges[%d] = (%d, %d, %d) leaves the group's ranks 0..%d", i, first, last, stride,
                    size - 1);
        MOSIX_CHECK(stride > 0 ? first <= last : first >= last, MPI_COMM_NULL, MPI_ERR_ARG, call,
                    "ranges[%d] = (%d, %d, %d) is empty: the stride goes away from its last rank", i, first,
                    last, stride);
        // Bounded by the group size: a rank listed twice is reported by MPI_Group_incl/excl.
        for (long r = first; stride > 0 ? r <= last : r >= last; r += stride) {
            MOSIX_CHECK(static_cast<int>(ranks->size()) < size, MPI_COMM_NULL, MPI_ERR_RANK, call,
                        "the ranges name more ranks than the group's %d", size);
            ranks->push_back(static_cast<int>(r));
        }
    }
    return MPI_SUCCESS;
}

}  // namespace

extern "C" {

int MPI_Group_range_incl(MPI_Group group, int n, int ranges[][3], MPI_Group* newgroup) {
    MOSIX_LIBRARY_ENTRY();
    std::vector<int> ranks;
    if (int e = expand(group, n, ranges, "MPI_Group_range_incl", &ranks)) return e;
    return PMPI_Group_incl(group, static_cast<int>(ranks.size()), ranks.data(), newgroup);
}

int MPI_Group_range_excl(MPI_Group group, int n, int ranges[][3], MPI_Group* newgroup) {
    MOSIX_LIBRARY_ENTRY();
    std::vector<int> ranks;
    if (int e = expand(group, n, ranges, "MPI_Group_range_excl", &ranks)) return e;
    return PMPI_Group_excl(group, static_cast<int>(ranks.size()), ranks.data(), newgroup);
}

}  // extern "C"
