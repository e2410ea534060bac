// bench_p2p.cc — point-to-point figures between ranks 0 and 1 (other ranks wait at a barrier):
// one-way latency of an 8-byte message (round trip / 2), ping-pong bandwidth of 1 MiB messages,
// and memcpy bandwidth of 1 MiB as the ceiling a same-PE copy can reach.
//
// Plain MPI C, so Open MPI's mpicc builds it unchanged for comparison.
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Round trips of `bytes` between ranks 0 and 1; returns seconds per round trip (rank 0's clock).
static double ping_pong(int rank, char* buf, int bytes, int warmup, int iters) {
    double t0 = 0;
    for (int i = 0; i < warmup + iters; ++i) {
        if (i == warmup) t0 = MPI_Wtime();
        if (rank == 0) {
            MPI_Send(buf, bytes, MPI_BYTE, 1, 0, MPI_COMM_WORLD);
            MPI_Recv(buf, bytes, MPI_BYTE, 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        } else {
            MPI_Recv(buf, bytes, MPI_BYTE, 0, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            MPI_Send(buf, bytes, MPI_BYTE, 0, 0, MPI_COMM_WORLD);
        }
    }
    return (MPI_Wtime() - t0) / iters;
}

// Called through a volatile pointer so the compiler cannot drop copies nobody reads.
static void* (*volatile copy_fn)(void*, const void*, size_t) = memcpy;

static double memcpy_seconds(char* dst, const char* src, size_t bytes, int iters) {
    for (int i = 0; i < 10; ++i) copy_fn(dst, src, bytes);
    double t0 = MPI_Wtime();
    for (int i = 0; i < iters; ++i) copy_fn(dst, src, bytes);
    return (MPI_Wtime() - t0) / iters;
}

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    int rank = 0, size = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (size < 2) {
        if (rank == 0) fprintf(stderr, "bench_p2p: needs at least 2 ranks\n");
        MPI_Finalize();
        return 2;
    }
    const int big = 1 << 20;
    char* buf = (char*)malloc(big);
    char* other = (char*)malloc(big);
    if (!buf || !other) {
        fprintf(stderr, "bench_p2p: rank %d: cannot allocate 2 MiB\n", rank);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    /* Rank 0's bytes are 1, everyone else's 3: after the ping-pong both sides must hold 1s, so a
     * fast transfer that moved nothing cannot pass. */
    memset(buf, rank == 0 ? 1 : 3, big);
    memset(other, 2, big);

    double lat = 0, bw_rt = 0;
    if (rank < 2) {
        lat = ping_pong(rank, buf, 8, 10000, 200000);
        bw_rt = ping_pong(rank, buf, big, 20, 500);
    }
    if (rank < 2)
        for (int i = 0; i < big; i += 4093)
            if (buf[i] != 1) {
                fprintf(stderr, "bench_p2p: rank %d: byte %d is %d after the ping-pong, not 1\n", rank, i,
                        buf[i]);
                MPI_Abort(MPI_COMM_WORLD, 1);
            }
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0) {
        double copy = memcpy_seconds(other, buf, big, 2000);
        printf("%-34s %12s\n", "bench_p2p", "value");
        printf("%-34s %9.3f us\n", "latency 8 B (one-way, ping-pong)", lat / 2 * 1e6);
        printf("%-34s %9.2f GB/s\n", "bandwidth 1 MiB (ping-pong)", big / (bw_rt / 2) / 1e9);
        printf("%-34s %9.2f GB/s\n", "memcpy 1 MiB (reference)", big / copy / 1e9);
    }
    free(other);
    free(buf);
    MPI_Finalize();
    return 0;
}
