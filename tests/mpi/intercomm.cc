// intercomm.cc — intercommunicators and MPI_Comm_create_group, as a C++ program: the even and odd
// ranks of MPI_COMM_WORLD form two groups joined by an intercommunicator; point-to-point across it
// (MPI_ANY_SOURCE, status.MPI_SOURCE in the remote group), barrier, broadcast with MPI_ROOT and
// MPI_PROC_NULL, allreduce (each group gets the other's sum), dup, compare, split, merge. With one
// rank there is no second group: only what one rank can check.
#include <mpi.h>

#include <vector>

#include "check.h"

namespace {

// The MPI_COMM_WORLD rank of rank `r` of `group`.
int world_of(MPI_Group group, int r) {
    MPI_Group world;
    MPI_Comm_group(MPI_COMM_WORLD, &world);
    int w = MPI_UNDEFINED;
    MPI_Group_translate_ranks(group, 1, &r, world, &w);
    MPI_Group_free(&world);
    return w;
}

// Sum of the world ranks with the given parity below n.
long parity_sum(int n, int parity) {
    long s = 0;
    for (int w = parity; w < n; w += 2) s += w;
    return s;
}

void check_intercomm(int me, int n) {
    const int color = me % 2;
    const int lsize = (n + 1 - color) / 2, rsize = n - lsize;
    MPI_Comm local, inter;
    MPI_Comm_split(MPI_COMM_WORLD, color, me, &local);
    // Leaders: world rank 0 for the even ranks, world rank 1 for the odd ones.
    MPI_Intercomm_create(local, 0, MPI_COMM_WORLD, color == 0 ? 1 : 0, 17, &inter);

    int flag = 0, size = 0, rank = -1, remote = 0;
    MPI_Comm_test_inter(inter, &flag);
    CHECK(flag == 1);
    MPI_Comm_size(inter, &size);
    MPI_Comm_rank(inter, &rank);
    MPI_Comm_remote_size(inter, &remote);
    CHECK(size == lsize && rank == me / 2 && remote == rsize);
    MPI_Group rgroup;
    MPI_Comm_remote_group(inter, &rgroup);
    for (int r = 0; r < rsize; ++r) CHECK(world_of(rgroup, r) == 2 * r + 1 - color);

    // Local rank i sends its world rank to remote rank i % rsize; receive with MPI_ANY_SOURCE.
    MPI_Send(&me, 1, MPI_INT, rank % rsize, 5, inter);
    int expected = 0;
    for (int j = 0; j < rsize; ++j) expected += j % lsize == rank;
    for (int k = 0; k < expected; ++k) {
        int got = -1;
        MPI_Status st;
        MPI_Recv(&got, 1, MPI_INT, MPI_ANY_SOURCE, 5, inter, &st);
        CHECK(st.MPI_SOURCE >= 0 && st.MPI_SOURCE < rsize);
        CHECK(got == world_of(rgroup, st.MPI_SOURCE));
    }
    // A specific source: remote rank 0 answers every local rank.
    if (rank == 0)
        for (int j = 0; j < rsize; ++j) MPI_Send(&j, 1, MPI_INT, j, 6, inter);
    int reply = -1;
    MPI_Recv(&reply, 1, MPI_INT, 0, 6, inter, MPI_STATUS_IGNORE);
    CHECK(reply == rank);
    MPI_Barrier(inter);

    // Broadcast from each side's rank 0 in turn.
    for (int from = 0; from < 2; ++from) {
        int value = color == from && rank == 0 ? 1000 + from : -1;
        int root = color == from ? (rank == 0 ? MPI_ROOT : MPI_PROC_NULL) : 0;
        MPI_Bcast(&value, 1, MPI_INT, root, inter);
        if (color != from) CHECK(value == 1000 + from);
        if (color == from && rank != 0) CHECK(value == -1);
    }

    // Each group gets the sum of the other group's world ranks.
    long mine = me, theirs = -1;
    MPI_Allreduce(&mine, &theirs, 1, MPI_LONG, MPI_SUM, inter);
    CHECK(theirs == parity_sum(n, 1 - color));

    // Dup: a congruent intercommunicator of its own.
    MPI_Comm dup;
    MPI_Comm_dup(inter, &dup);
    int cmp = -1;
    MPI_Comm_compare(inter, dup, &cmp);
    CHECK(cmp == MPI_CONGRUENT);
    MPI_Comm_test_inter(dup, &flag);
    CHECK(flag == 1);
    MPI_Allreduce(&mine, &theirs, 1, MPI_LONG, MPI_MAX, dup);
    CHECK(theirs == ((n - 1) % 2 == 1 - color ? n - 1 : n - 2));  // the other group's highest world rank
    MPI_Comm_compare(inter, local, &cmp);
    CHECK(cmp == MPI_UNEQUAL);

    // Split with reversed keys: the same groups, each in reverse order.
    MPI_Comm rev;
    MPI_Comm_split(inter, 0, -rank, &rev);
    MPI_Comm_rank(rev, &rank);
    MPI_Comm_remote_size(rev, &remote);
    CHECK(rank == lsize - 1 - me / 2 && remote == rsize);
    int first = -1;  // the remote group's rank 0 is now its last member
    if (rank == 0) MPI_Send(&me, 1, MPI_INT, 0, 8, rev);
    if (rank == 0) MPI_Recv(&first, 1, MPI_INT, 0, 8, rev, MPI_STATUS_IGNORE);
    if (rank == 0) CHECK(first == 2 * (rsize - 1) + 1 - color);

    // Merge: the even ranks (high = 0) first.
    MPI_Comm merged;
    MPI_Intercomm_merge(inter, color, &merged);
    MPI_Comm_size(merged, &size);
    MPI_Comm_rank(merged, &rank);
    MPI_Comm_test_inter(merged, &flag);
    CHECK(size == n && flag == 0);
    CHECK(rank == (color == 0 ? me / 2 : (n + 1) / 2 + me / 2));
    long total = 0;
    MPI_Allreduce(&mine, &total, 1, MPI_LONG, MPI_SUM, merged);
    CHECK(total == static_cast<long>(n) * (n - 1) / 2);

    MPI_Group_free(&rgroup);
    for (MPI_Comm* c : {&merged, &rev, &dup, &inter, &local}) MPI_Comm_free(c);
}

// MPI_Comm_create_group: only the members call it.
void check_create_group(int me, int n) {
    MPI_Group world, evens;
    MPI_Comm_group(MPI_COMM_WORLD, &world);
    std::vector<int> ranks;
    for (int w = 0; w < n; w += 2) ranks.push_back(w);
    MPI_Group_incl(world, static_cast<int>(ranks.size()), ranks.data(), &evens);
    if (me % 2 == 0) {
        MPI_Comm c;
        MPI_Comm_create_group(MPI_COMM_WORLD, evens, 21, &c);
        int size = 0, rank = -1, flag = 1;
        MPI_Comm_size(c, &size);
        MPI_Comm_rank(c, &rank);
        MPI_Comm_test_inter(c, &flag);
        CHECK(size == static_cast<int>(ranks.size()) && rank == me / 2 && flag == 0);
        long sum = 0, mine = me;
        MPI_Allreduce(&mine, &sum, 1, MPI_LONG, MPI_SUM, c);
        CHECK(sum == parity_sum(n, 0));
        MPI_Comm_free(&c);
    }
    MPI_Group_free(&evens);
    MPI_Group_free(&world);
}

}  // namespace

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    int me = 0, n = 0, flag = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &me);
    MPI_Comm_size(MPI_COMM_WORLD, &n);
    MPI_Comm_test_inter(MPI_COMM_WORLD, &flag);
    CHECK(flag == 0);
    if (n >= 2) check_intercomm(me, n);
    check_create_group(me, n);
    MPI_Barrier(MPI_COMM_WORLD);
    SAY("intercomm on %d ranks\n", n);
    MPI_Finalize();
    return 0;
}
