/* big_heap.c — issue 4: a rank with a 256 MiB heap moves to another PE and back, and every byte of
 * it, a buffer on its stack and its rank-local storage arrive intact.
 *
 *   mosexec -n 2 --pes 2 big_heap [--mib M] [--no-migrate]
 *
 * Rank 0 mallocs M MiB (default 256; it lives in the rank's slot heap, so it travels), rank 1 a
 * sixteenth of that; both fill their buffers, a 64 KiB array on their stacks and a rank-local block
 * (mosix_rank_local) with patterns that depend on the rank and on each word's place. Then, at the
 * same time, each moves to the next PE, checks everything there, stamps every page with a new
 * value, moves back to where it started and checks again: a page lost, zeroed, moved to the wrong
 * offset or left stale from the first visit does not pass. After each move the heap must still work:
 * a block allocated before the move is freed, new ones are allocated, the big buffer is grown with
 * realloc (and its contents checked again).
 *
 * Rank 0 prints the time of each step and the speed of each move, then `big_heap ok: ...`. Any
 * difference prints one line naming the rank, the step and the first bad word, and ends the job
 * with status 1. Status 2: bad usage or fewer than 2 PEs.
 *
 * Rank state lives on the stack and the rank's heap, never in mutable globals.
 */
#include <inttypes.h>
#include <mosix.h>
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { kStackWords = 8192 }; /* 64 KiB on the rank's stack */

/* splitmix64's finalizer: each word's expected value depends on its index. */
static uint64_t mix(uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* Word i of a buffer tagged `tag`; the first word of each page carries the stamp `gen` instead. */
static uint64_t expected(uint64_t tag, size_t i, size_t words_per_page, uint64_t gen) {
    if (i % words_per_page == 0)
        return mix(tag ^ ((uint64_t)(i / words_per_page) << 24) ^ (gen << 56) ^ 0xa5);
    return mix(tag ^ (uint64_t)i);
}

static int where(void) {
    int pe = -1;
    mosix_where(&pe, NULL, 0);
    return pe;
}

static void fail(int rank, const char* step, const char* what) {
    fprintf(stderr, "big_heap FAILED: rank %d on PE %d, %s: %s\n", rank, where(), step, what);
    fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, 1);
    exit(1); /* not reached */
}

/* Checks words [0, n) of w; names the first bad one. */
static void check(int rank, const char* step, const char* what, const uint64_t* w, size_t n, uint64_t tag,
                  size_t wpp, uint64_t gen) {
    for (size_t i = 0; i < n; ++i) {
        uint64_t want = expected(tag, i, wpp, gen);
        if (w[i] != want) {
            char msg[256];
            snprintf(msg, sizeof msg,
                     "%s: word %zu (byte offset %zu, page %zu) is 0x%016" PRIx64 ", expected 0x%016" PRIx64
                     "%s",
                     what, i, i * 8, i / wpp, w[i], want, w[i] == 0 ? " (a zero page?)" : "");
            fail(rank, step, msg);
        }
    }
}

static void stamp(uint64_t* w, size_t n, uint64_t tag, size_t wpp, uint64_t gen) {
    for (size_t i = 0; i < n; i += wpp) w[i] = expected(tag, i, wpp, gen);
}

/* What one rank owns that must travel: its big buffer, its stack array, its rank-local block. */
struct owned {
    uint64_t* heap;
    size_t heap_words;
    uint64_t* stack;    /* points into main's frame */
    uint64_t* local;    /* the block the rank-local slot points to */
    char* small_before; /* a small block allocated before the moves, freed after one */
    uint64_t tag;
    size_t wpp;
};

enum { kLocalWords = 512 };

static void check_all(int rank, const char* step, const struct owned* o, uint64_t gen, const void* local_id) {
    check(rank, step, "heap buffer", o->heap, o->heap_words, o->tag, o->wpp, gen);
    check(rank, step, "stack array", o->stack, kStackWords, o->tag ^ 1, o->wpp, gen);
    void** slot = mosix_rank_local(local_id);
    if (!slot || *slot != o->local) fail(rank, step, "the rank-local slot no longer holds its pointer");
    check(rank, step, "rank-local block", o->local, kLocalWords, o->tag ^ 2, o->wpp, gen);
}

static void stamp_all(struct owned* o, uint64_t gen) {
    stamp(o->heap, o->heap_words, o->tag, o->wpp, gen);
    stamp(o->stack, kStackWords, o->tag ^ 1, o->wpp, gen);
    stamp(o->local, kLocalWords, o->tag ^ 2, o->wpp, gen);
}

/* Moves to PE `to` (unless moves are off) and returns the seconds it took. */
static double move(int rank, int to, int migrate) {
    if (!migrate) return 0;
    int from = where();
    double t0 = MPI_Wtime();
    int rc = mosix_migrate_to(to);
    double dt = MPI_Wtime() - t0;
    char msg[256];
    if (rc != MPI_SUCCESS) {
        snprintf(msg, sizeof msg, "mosix_migrate_to(%d) from PE %d returned %d", to, from, rc);
        fail(rank, "move", msg);
    }
    if (where() != to) {
        snprintf(msg, sizeof msg, "mosix_migrate_to(%d) from PE %d returned MPI_SUCCESS on PE %d", to, from,
                 where());
        fail(rank, "move", msg);
    }
    return dt;
}

/* The heap still works after a move: free what came along, allocate anew, grow the big buffer. */
static void use_heap(int rank, const char* step, struct owned* o, uint64_t gen) {
    free(o->small_before);
    o->small_before = malloc(4096);
    char* many[64];
    for (int i = 0; i < 64; ++i) {
        many[i] = malloc((size_t)(i + 1) * 1000);
        if (!many[i]) fail(rank, step, "malloc failed after the move");
        memset(many[i], i, (size_t)(i + 1) * 1000);
    }
    for (int i = 0; i < 64; ++i) free(many[i]);
    size_t grown = o->heap_words + (1u << 17); /* + 1 MiB */
    uint64_t* p = realloc(o->heap, grown * sizeof *p);
    if (!p || !o->small_before) fail(rank, step, "realloc/malloc failed after the move");
    o->heap = p;
    check(rank, step, "heap buffer after realloc", o->heap, o->heap_words, o->tag, o->wpp, gen);
    for (size_t i = o->heap_words; i < grown; ++i) p[i] = 0;
    p = realloc(o->heap, o->heap_words * sizeof *p); /* and back: the pattern stays whole */
    if (!p) fail(rank, step, "shrinking realloc failed");
    o->heap = p;
}

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    int rank = 0, size = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    long mib = 256;
    int migrate = 1;
    const char* env = getenv("MOSIX_TEST_NO_MIGRATE");
    if (env && *env && strcmp(env, "0") != 0) migrate = 0;
    for (int i = 1; i < argc; ++i) {
        char* end = NULL;
        if (!strcmp(argv[i], "--no-migrate")) {
            migrate = 0;
        } else if (!strcmp(argv[i], "--mib") && i + 1 < argc && (mib = strtol(argv[i + 1], &end, 10)) >= 1 &&
                   mib <= 4096 && !*end) {
            ++i;
        } else {
            if (rank == 0) fputs("usage: big_heap [--mib M (1..4096, default 256)] [--no-migrate]\n", stderr);
            MPI_Finalize();
            return 2;
        }
    }
    /* PEs of the job: every PE starts with a rank, so one more than the highest starting PE. */
    int home = where(), top = 0;
    MPI_Allreduce(&home, &top, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    const int npes = top + 1;
    if (npes < 2) {
        if (rank == 0) fprintf(stderr, "big_heap: needs at least 2 PEs (mosexec --pes 2)\n");
        MPI_Finalize();
        return 2;
    }
    const int away = (home + 1) % npes;

    struct owned o;
    o.wpp = (size_t)sysconf(_SC_PAGESIZE) / sizeof(uint64_t);
    o.tag = mix(0xb16b00b5ULL + (uint64_t)rank);
    size_t bytes = (size_t)mib << 20;
    if (rank != 0) bytes /= 16; /* the others move at the same time, with less */
    o.heap_words = bytes / sizeof(uint64_t);
    uint64_t stack_words[kStackWords];
    o.stack = stack_words;
    static char local_id; /* its address names the rank-local slot */
    void** slot = mosix_rank_local(&local_id);
    o.local = malloc(kLocalWords * sizeof *o.local);
    o.heap = malloc(bytes);
    o.small_before = malloc(100);
    if (!slot || !o.local || !o.heap || !o.small_before)
        fail(rank, "set-up", "out of memory or no rank-local slot");
    *slot = o.local;

    double t0 = MPI_Wtime();
    for (size_t i = 0; i < o.heap_words; ++i) o.heap[i] = expected(o.tag, i, o.wpp, 0);
    for (size_t i = 0; i < kStackWords; ++i) o.stack[i] = expected(o.tag ^ 1, i, o.wpp, 0);
    for (size_t i = 0; i < kLocalWords; ++i) o.local[i] = expected(o.tag ^ 2, i, o.wpp, 0);
    double fill = MPI_Wtime() - t0;
    MPI_Barrier(MPI_COMM_WORLD); /* everyone moves at once */

    double there = move(rank, away, migrate);
    t0 = MPI_Wtime();
    check_all(rank, "after the move there", &o, 0, &local_id);
    double check1 = MPI_Wtime() - t0;
    use_heap(rank, "heap use there", &o, 0);
    stamp_all(&o, 1); /* a stale page from before the first move would now differ */
    double back = move(rank, home, migrate);
    t0 = MPI_Wtime();
    check_all(rank, "after the move back", &o, 1, &local_id);
    double check2 = MPI_Wtime() - t0;
    use_heap(rank, "heap use back home", &o, 1);
    check_all(rank, "at the end", &o, 1, &local_id);

    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0) {
        double mb = (double)bytes / (1 << 20);
        printf("big_heap: rank 0, %.0f MiB heap + %d KiB stack + rank-local block, PE %d <-> PE %d%s\n", mb,
               (int)(sizeof stack_words >> 10), home, away, migrate ? "" : " -- moves OFF (--no-migrate)");
        printf("fill %.1f ms, check %.1f ms and %.1f ms\n", fill * 1e3, check1 * 1e3, check2 * 1e3);
        if (migrate)
            printf("move there %.1f ms (%.2f GB/s), move back %.1f ms (%.2f GB/s)\n", there * 1e3,
                   (double)bytes / there / 1e9, back * 1e3, (double)bytes / back / 1e9);
        if (migrate)
            printf("big_heap ok: %ld MiB moved PE %d -> %d -> %d, every byte checked\n", mib, home, away,
                   home);
        else
            printf("big_heap ok: %ld MiB stayed on PE %d (moves off), every byte checked\n", mib, home);
        fflush(stdout);
    }
    free(o.small_before);
    free(o.heap);
    free(o.local);
    MPI_Finalize();
    return 0;
}
