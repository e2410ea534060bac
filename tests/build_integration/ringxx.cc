// ringxx.cc — the C++ twin of ring.c, for the tests that build C++ through mosixcxx or MPI::MPI_CXX:
// each rank sends its rank to rank 0 (a gather by hand into a std::vector), rank 0 checks every one
// and prints "ring++ on N ranks: sum S".
#include <mpi.h>

#include <cstdio>
#include <numeric>
#include <vector>

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    int rank = 0, size = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    bool ok = true;
    if (rank == 0) {
        std::vector<int> got(size, -1);
        got[0] = 0;
        for (int r = 1; r < size; ++r)
            MPI_Recv(&got[r], 1, MPI_INT, r, 7, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        for (int r = 0; r < size; ++r) ok = ok && got[r] == r;
        int sum = std::accumulate(got.begin(), got.end(), 0);
        if (ok) std::printf("ring++ on %d ranks: sum %d\n", size, sum);
        else std::fprintf(stderr, "rank 0 got the wrong ranks\n");
    } else {
        MPI_Send(&rank, 1, MPI_INT, 0, 7, MPI_COMM_WORLD);
    }
    MPI_Finalize();
    return ok ? 0 : 1;
}
