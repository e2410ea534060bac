// bench_p2p.c — point-to-point figures between ranks 0 and 1 (other ranks wait at a barrier).
//
// Without options: one-way latency of an 8-byte message (round trip / 2), ping-pong bandwidth of
// 1 MiB messages, and memcpy bandwidth of 1 MiB as the ceiling a same-PE copy can reach (bench/run.sh,
// bench/migrate_hosts.sh).
//
// --sweep [--max-bytes B] [--time S]: OSU-style, for every size 1, 2, 4, ... B bytes (default
// 4 MiB; B itself is included): the one-way latency of a ping-pong (osu_latency) and the bandwidth of
// a window of 64 nonblocking sends answered by a 4-byte acknowledgement (osu_bw), one line each
//   p2p BYTES LATENCY_US BANDWIDTH_MBPS LATENCY_ITERS BANDWIDTH_ITERS
// Every figure runs about S seconds (default 0.05; bench_timed.h), so slow pairs (two Open MPI
// processes sharing a core) finish as soon as fast ones. bench/report.sh runs it.
//
// Plain MPI C, so Open MPI's mpicc builds it unchanged for comparison.
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_timed.h"

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

// ---- --sweep ----------------------------------------------------------------------------------------

enum { kWindow = 64 };  // osu_bw's window of sends in flight

typedef struct {
    MPI_Comm pair;  // ranks 0 and 1
    int rank;
    int bytes;
    char* send;
    char* recv;
} Sweep;

static double latency_batch(void* ctx, long iters) {
    Sweep* s = (Sweep*)ctx;
    MPI_Barrier(s->pair);
    double t0 = MPI_Wtime();
    for (long i = 0; i < iters; ++i) {
        if (s->rank == 0) {
            MPI_Send(s->send, s->bytes, MPI_BYTE, 1, 1, s->pair);
            MPI_Recv(s->recv, s->bytes, MPI_BYTE, 1, 1, s->pair, MPI_STATUS_IGNORE);
        } else {
            MPI_Recv(s->recv, s->bytes, MPI_BYTE, 0, 1, s->pair, MPI_STATUS_IGNORE);
            MPI_Send(s->send, s->bytes, MPI_BYTE, 0, 1, s->pair);
        }
    }
    return MPI_Wtime() - t0;
}

static double bandwidth_batch(void* ctx, long iters) {
    Sweep* s = (Sweep*)ctx;
    MPI_Request reqs[kWindow];
    int ack = 0;
    MPI_Barrier(s->pair);
    double t0 = MPI_Wtime();
    for (long i = 0; i < iters; ++i) {
        if (s->rank == 0) {
            for (int w = 0; w < kWindow; ++w) MPI_Isend(s->send, s->bytes, MPI_BYTE, 1, 2, s->pair, &reqs[w]);
            MPI_Waitall(kWindow, reqs, MPI_STATUSES_IGNORE);
            MPI_Recv(&ack, 1, MPI_INT, 1, 3, s->pair, MPI_STATUS_IGNORE);
        } else {
            for (int w = 0; w < kWindow; ++w) MPI_Irecv(s->recv, s->bytes, MPI_BYTE, 0, 2, s->pair, &reqs[w]);
            MPI_Waitall(kWindow, reqs, MPI_STATUSES_IGNORE);
            MPI_Send(&ack, 1, MPI_INT, 0, 3, s->pair);
        }
    }
    return MPI_Wtime() - t0;
}

// Every byte the other rank sent must have arrived: rank 0 sends 1s, rank 1 sends 3s.
static void check_received(const Sweep* s, const char* what) {
    char want = s->rank == 0 ? 3 : 1;
    for (int i = 0; i < s->bytes; ++i)
        if (s->recv[i] != want) {
            fprintf(stderr, "bench_p2p: rank %d: %s of %d B: byte %d is %d, not %d\n", s->rank, what,
                    s->bytes, i, s->recv[i], want);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
}

static int sweep(int argc, char** argv, int rank) {
    long max_bytes = 4L << 20;
    double target = 0.05;
    for (int i = 1; i < argc; ++i) {
        if (strcmp(argv[i], "--sweep") == 0) continue;
        char* end = NULL;
        if (strcmp(argv[i], "--max-bytes") == 0 && i + 1 < argc) {
            max_bytes = strtol(argv[++i], &end, 10);
            if (*end || max_bytes < 1 || max_bytes > (1L << 30)) max_bytes = -1;
        } else if (strcmp(argv[i], "--time") == 0 && i + 1 < argc) {
            target = strtod(argv[++i], &end);
            if (*end || !(target > 0 && target <= 60)) target = -1;
        } else {
            max_bytes = -1;
        }
        if (max_bytes < 0 || target < 0) {
            if (rank == 0)
                fprintf(stderr,
                        "bench_p2p: usage: bench_p2p [--sweep [--max-bytes 1..2^30] [--time 0..60 s]]\n");
            return 2;
        }
    }
    Sweep s = {MPI_COMM_NULL, rank, 0, NULL, NULL};
    MPI_Comm_split(MPI_COMM_WORLD, rank < 2 ? 0 : MPI_UNDEFINED, rank, &s.pair);
    if (rank < 2) {
        s.send = (char*)malloc((size_t)max_bytes);
        s.recv = (char*)malloc((size_t)max_bytes);
        if (!s.send || !s.recv) {
            fprintf(stderr, "bench_p2p: rank %d: cannot allocate 2 x %ld B\n", rank, max_bytes);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
        memset(s.send, rank == 0 ? 1 : 3, (size_t)max_bytes);
        if (rank == 0)
            printf("# bytes latency_us bandwidth_MBps latency_iters bandwidth_iters (target %g s)\n", target);
        // 1, 2, 4, ... and max_bytes itself.
        for (long bytes = 1; bytes <= max_bytes;
             bytes = bytes < max_bytes && bytes * 2 > max_bytes ? max_bytes : bytes * 2) {
            s.bytes = (int)bytes;
            memset(s.recv, 0, (size_t)bytes);
            long lat_iters = 0, bw_iters = 0;
            double rt = bench_timed(s.pair, latency_batch, &s, target, 1L << 24, &lat_iters);
            check_received(&s, "ping-pong");
            memset(s.recv, 0, (size_t)bytes);
            double bw = bench_timed(s.pair, bandwidth_batch, &s, target, 1L << 20, &bw_iters);
            if (rank == 1) check_received(&s, "window");
            if (rank == 0) {
                printf("p2p %ld %.3f %.3f %ld %ld\n", bytes, rt / 2 * 1e6, (double)bytes * kWindow / bw / 1e6,
                       lat_iters, bw_iters);
                fflush(stdout);
            }
            if (bytes == max_bytes) break;
        }
        free(s.recv);
        free(s.send);
        MPI_Comm_free(&s.pair);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    return 0;
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
    if (argc > 1) {
        int rc = sweep(argc, argv, rank);
        MPI_Finalize();
        return rc;
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
