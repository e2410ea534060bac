// bench_migrate.c — issue 4: how long a live migration takes against the memory a rank owns.
//
// Run as 2 ranks on 2 PEs: `mosexec -n 2 --pes 2 bench_migrate`. With block placement rank 0
// starts on PE 0 and is the one that moves; rank 1 only waits at the final barrier (it is there
// because a job cannot have more PEs than ranks). For each size (1, 4, 16, 64, 256 MiB) rank 0
//   1. mallocs the size (so it lives in the rank's slot heap and travels) and writes every word;
//   2. moves to the other PE and back R times, timing each one-way mosix_migrate_to();
//   3. after every move checks every word of the buffer (so a move that lost or staled a page can
//      never be reported as a time), and stamps every page with the move's number before the next
//      move (so a destination that kept an old copy of a page from an earlier visit is caught too);
//   4. times, as the reference, a plain memcpy of the same bytes into freshly mmapped, untouched
//      memory in the same process: the page faults a destination PE must take are part of both.
// and prints a table: size | move best ms | median ms | GB/s | memcpy ms | ratio (best move over
// best memcpy). Goal: a move within 2x of copying the same bytes once; target: 64 MiB < 50 ms.
//
// Options (after the program name):
//   --no-migrate   do everything but the moves (the reference, the table, the verification);
//                  also MOSIX_BENCH_NO_MIGRATE=1 in the environment
//   --reps R       round trips per size, 3..32 (default 10; 256 MiB does at most 5)
//   --max-mib M    skip sizes above M MiB (default 256)
//   --each         also print every move's time, in order (there = to the other PE, back = home):
//                  shows whether slow medians are a few outliers or a steady cost of one direction
// Exit status: 0 done, 1 a check failed, 2 bad usage or job shape, 3 migration not available.
//
// Timing: clock_gettime(CLOCK_MONOTONIC) before the call on the source PE and after it on the
// destination PE. That clock is the kernel's, shared by all processes of a machine (and by the
// network-namespace "hosts" of migrate_hosts.sh); across real machines take round trips instead.
//
// Rank state lives on the stack or the heap, never in mutable globals: globals belong to a PE and
// would not travel with the rank.
#define _DEFAULT_SOURCE  // MAP_ANONYMOUS
#include <mosix/mosix.h>
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

enum { kMaxReps = 32, kMinReps = 3, kDefaultReps = 10, kRepsAt256 = 5 };

// Called through a volatile pointer so the compiler can neither drop nor inline-shorten a copy.
static void* (*volatile copy_fn)(void*, const void*, size_t) = memcpy;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

// splitmix64's finalizer: a word's expected value depends on its index, so a page that arrives at
// the wrong offset, or zeroed, or twice, does not pass.
static uint64_t mix(uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

// Word i of the buffer: the first word of every page holds a stamp that changes with every move
// (gen), the others a fixed pattern.
static uint64_t expected(size_t i, size_t words_per_page, uint64_t gen) {
    if (i % words_per_page == 0)
        return mix(((uint64_t)(i / words_per_page) << 20) ^ gen ^ 0x5a5a5a5a00000000ULL);
    return mix(i);
}

static void fill(uint64_t* w, size_t words, size_t wpp) {
    for (size_t i = 0; i < words; ++i) w[i] = expected(i, wpp, 0);
}

static void stamp(uint64_t* w, size_t words, size_t wpp, uint64_t gen) {
    for (size_t i = 0; i < words; i += wpp) w[i] = expected(i, wpp, gen);
}

// Returns the index of the first word that is not what it should be, or `words` if all are.
static size_t first_bad(const uint64_t* w, size_t words, size_t wpp, uint64_t gen) {
    for (size_t i = 0; i < words; ++i)
        if (w[i] != expected(i, wpp, gen)) return i;
    return words;
}

static int where(void) {
    int pe = -1;
    mosix_where(&pe, NULL, 0);
    return pe;
}

static int cmp_double(const void* a, const void* b) {
    double x = *(const double*)a, y = *(const double*)b;
    return (x > y) - (x < y);
}

// Best of `tries` memcpys of `bytes` from src into fresh anonymous memory: what one copy of the
// same bytes costs, page faults on the destination included, as on a PE receiving a rank.
static double memcpy_best(const void* src, size_t bytes, int tries) {
    double best = -1;
    for (int t = 0; t < tries; ++t) {
        void* dst = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (dst == MAP_FAILED) return -1;
        double t0 = now();
        copy_fn(dst, src, bytes);
        double dt = now() - t0;
        // Read back the last byte so the copy is observably used.
        int same = ((const char*)dst)[bytes - 1] == ((const char*)src)[bytes - 1];
        munmap(dst, bytes);
        if (!same) return -1;
        if (best < 0 || dt < best) best = dt;
    }
    return best;
}

struct options {
    int migrate, reps, max_mib, each;
};

static int parse(int argc, char** argv, struct options* o) {
    o->migrate = 1;
    o->reps = kDefaultReps;
    o->max_mib = 256;
    o->each = 0;
    const char* env = getenv("MOSIX_BENCH_NO_MIGRATE");
    if (env && *env && strcmp(env, "0") != 0) o->migrate = 0;
    for (int i = 1; i < argc; ++i) {
        if (strcmp(argv[i], "--no-migrate") == 0) {
            o->migrate = 0;
        } else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc) {
            o->reps = atoi(argv[++i]);
            if (o->reps < kMinReps || o->reps > kMaxReps) return 0;
        } else if (strcmp(argv[i], "--each") == 0) {
            o->each = 1;
        } else if (strcmp(argv[i], "--max-mib") == 0 && i + 1 < argc) {
            o->max_mib = atoi(argv[++i]);
            if (o->max_mib < 1) return 0;
        } else {
            return 0;
        }
    }
    return 1;
}

// Rank 0's whole run. Returns the exit status.
static int run(const struct options* o) {
    const int home = where();
    const int away = home == 0 ? 1 : 0;
    const size_t page = (size_t)sysconf(_SC_PAGESIZE);
    const size_t wpp = page / sizeof(uint64_t);
    char home_host[64] = "?", away_host[64] = "?";
    mosix_where(NULL, home_host, sizeof home_host);
    char err[MPI_MAX_ERROR_STRING];
    int errlen = 0;

    // A first round trip with almost nothing in the heap: it pays for connection set-up (endpoints
    // are made on first use), which would otherwise land on the 1 MiB figures.
    double first_there = 0, first_back = 0;
    if (o->migrate) {
        double t0 = now();
        int rc = mosix_migrate_to(away);
        first_there = now() - t0;
        if (rc != MPI_SUCCESS) {
            MPI_Error_string(rc, err, &errlen);
            fprintf(stderr,
                    "bench_migrate: mosix_migrate_to(%d) failed: %s\n"
                    "bench_migrate: migration is not available; --no-migrate runs everything else\n",
                    away, err);
            return rc == MPI_ERR_UNSUPPORTED_OPERATION ? 3 : 1;
        }
        if (where() != away) {
            fprintf(stderr, "bench_migrate: mosix_migrate_to(%d) returned on PE %d\n", away, where());
            return 1;
        }
        mosix_where(NULL, away_host, sizeof away_host);
        t0 = now();
        rc = mosix_migrate_to(home);
        first_back = now() - t0;
        if (rc != MPI_SUCCESS || where() != home) {
            fprintf(stderr, "bench_migrate: the move back to PE %d failed (status %d, on PE %d)\n", home, rc,
                    where());
            return 1;
        }
    }

    printf("bench_migrate: rank 0 moves between PE %d (%s) and PE %d (%s)%s\n", home, home_host, away,
           o->migrate ? away_host : "?", o->migrate ? "" : " -- moves DISABLED (--no-migrate)");
    if (o->migrate)
        printf("first round trip (includes connection set-up): %.3f ms there, %.3f ms back\n",
               first_there * 1e3, first_back * 1e3);
    if (o->migrate)
        printf("one-way moves per size: %d (%d for 256 MiB); every word checked after every move\n",
               2 * o->reps, 2 * (o->reps < kRepsAt256 ? o->reps : kRepsAt256));
    printf("\n");
    printf("| %8s | %12s | %9s | %6s | %9s | %6s |\n", "size", "move best ms", "median ms", "GB/s",
           "memcpy ms", "ratio");
    printf("|----------|--------------|-----------|--------|-----------|--------|\n");

    static const int sizes_mib[] = {1, 4, 16, 64, 256};
    double best64 = -1, ratio64 = -1;
    double moved_bytes = 0;
    int moves_done = 0;
    for (size_t s = 0; s < sizeof sizes_mib / sizeof sizes_mib[0]; ++s) {
        const int mib = sizes_mib[s];
        if (mib > o->max_mib) break;
        const size_t bytes = (size_t)mib << 20;
        const size_t words = bytes / sizeof(uint64_t);
        uint64_t* buf = malloc(bytes);
        if (!buf) {
            fprintf(stderr, "bench_migrate: cannot allocate %d MiB in the rank's heap\n", mib);
            return 1;
        }
        fill(buf, words, wpp);  // touches every page: all of them are the rank's and must travel
        const int reps = mib >= 256 && o->reps > kRepsAt256 ? kRepsAt256 : o->reps;
        double times[2 * kMaxReps];
        int n = 0;
        for (int r = 0; o->migrate && r < reps; ++r) {
            for (int leg = 0; leg < 2; ++leg) {
                const int to = leg == 0 ? away : home;
                const uint64_t gen = (uint64_t)n + 1;
                stamp(buf, words, wpp, gen);  // every page differs from any copy made before
                double t0 = now();
                int rc = mosix_migrate_to(to);
                double dt = now() - t0;
                if (rc != MPI_SUCCESS || where() != to) {
                    MPI_Error_string(rc, err, &errlen);
                    fprintf(stderr, "bench_migrate: %d MiB: move %d to PE %d failed: %s (now on PE %d)\n",
                            mib, n + 1, to, rc == MPI_SUCCESS ? "returned on the wrong PE" : err, where());
                    free(buf);
                    return 1;
                }
                size_t bad = first_bad(buf, words, wpp, gen);
                if (bad != words) {
                    fprintf(stderr,
                            "bench_migrate: %d MiB: after move %d to PE %d word %zu (byte offset %zu, page "
                            "%zu) is %#llx, not %#llx: the move lost data\n",
                            mib, n + 1, to, bad, bad * sizeof(uint64_t), bad / wpp,
                            (unsigned long long)buf[bad], (unsigned long long)expected(bad, wpp, gen));
                    free(buf);
                    return 1;
                }
                times[n++] = dt;
                moved_bytes += (double)bytes;
            }
        }
        // Without moves the buffer must still be intact: this checks the checker.
        if (!o->migrate && first_bad(buf, words, wpp, 0) != words) {
            fprintf(stderr, "bench_migrate: %d MiB: buffer changed without any move\n", mib);
            free(buf);
            return 1;
        }
        const double copy = memcpy_best(buf, bytes, mib >= 256 ? 3 : 5);
        free(buf);  // back to the heap's wilderness, so the next size's image is its own bytes only
        if (copy < 0) {
            fprintf(stderr, "bench_migrate: %d MiB: the memcpy reference failed (mmap or copy)\n", mib);
            return 1;
        }
        moves_done += n;
        char label[16];
        snprintf(label, sizeof label, "%d MiB", mib);
        if (n == 0) {
            printf("| %8s | %12s | %9s | %6s | %9.3f | %6s |\n", label, "-", "-", "-", copy * 1e3, "-");
            continue;
        }
        if (o->each) {  // in move order, before sorting: even moves go there, odd ones come back
            printf("  %d MiB moves (ms, there/back):", mib);
            for (int i = 0; i < n; ++i) printf("%s %.2f", i % 2 ? "/" : "  ", times[i] * 1e3);
            printf("\n");
        }
        qsort(times, (size_t)n, sizeof times[0], cmp_double);
        const double best = times[0];
        const double median = n % 2 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
        printf("| %8s | %12.3f | %9.3f | %6.2f | %9.3f | %5.2fx |\n", label, best * 1e3, median * 1e3,
               (double)bytes / best / 1e9, copy * 1e3, best / copy);
        if (mib == 64) best64 = best, ratio64 = best / copy;
    }
    printf("\nratio: best one-way move / best memcpy of the same bytes into fresh memory (goal: <= 2x)\n");
    if (best64 >= 0)
        printf("64 MiB: best move %.3f ms (target < 50 ms: %s), ratio %.2fx (goal <= 2x: %s)\n", best64 * 1e3,
               best64 < 0.050 ? "met" : "MISSED", ratio64, ratio64 <= 2.0 ? "met" : "MISSED");
    if (o->migrate)
        printf("verified: %d one-way moves, %.2f GiB of buffers, every word after every move\n", moves_done,
               moved_bytes / (double)(1ULL << 30));
    else
        printf("verified: buffers intact (no moves made)\n");
    return 0;
}

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    int rank = 0, size = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    // Errors come back as return values, so a move that is refused is reported, not fatal.
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    struct options o;
    int status = 0;
    const char* pes = getenv("MOSIX_PES");  // set by mosexec for every PE
    if (!parse(argc, argv, &o)) {
        if (rank == 0)
            fprintf(stderr,
                    "usage: mosexec -n 2 --pes 2 bench_migrate [--no-migrate] [--reps %d..%d] "
                    "[--max-mib M] [--each]\n",
                    kMinReps, kMaxReps);
        status = 2;
    } else if (o.migrate && (!pes || atoi(pes) < 2)) {
        if (rank == 0)
            fprintf(stderr,
                    "bench_migrate: needs 2 PEs to move between (mosexec -n 2 --pes 2), or --no-migrate\n");
        status = 2;
    } else if (rank == 0) {
        status = run(&o);
    }
    // Rank 1 waits here while rank 0 comes and goes; the barrier also keeps PE 1 alive meanwhile.
    MPI_Barrier(MPI_COMM_WORLD);
    MPI_Finalize();
    return status;
}
