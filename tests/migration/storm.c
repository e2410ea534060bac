/* storm.c — issue 4: a message storm while ranks migrate at random between PEs.
 *
 *   mosexec -n 64 --pes 2 storm [--rounds R] [--seed S] [--permille P] [--no-migrate]
 *
 * Every round has three point-to-point phases and a set of collectives:
 *   posted      every rank pre-posts Irecvs (specific source; exact tag or MPI_ANY_TAG) for all it
 *               will get, then sends with MPI_Send, MPI_Ssend, MPI_Isend or MPI_Issend, then
 *               completes everything with MPI_Waitall or an MPI_Waitany loop;
 *   unexpected  every rank starts its sends (Isend/Issend), all meet at a barrier, and only then
 *               receive (MPI_Recv with exact tag or MPI_ANY_TAG, or MPI_Probe + MPI_Recv), so the
 *               messages sit in the receiver's unexpected queue (rendezvous ones as announcements);
 *   wildcard    every rank receives from MPI_ANY_SOURCE with MPI_ANY_TAG (blocking receives one by
 *               one, all posted as Irecvs at once, or MPI_Probe then MPI_Recv of what was probed);
 *   collectives Allreduce, Bcast, Alltoall and Barrier on MPI_COMM_WORLD, and Allreduce, Bcast,
 *               Alltoall and a Sendrecv ring on a communicator split three ways.
 * Message sizes range from an empty payload over the eager limit (exactly 64 KiB) to 128 KiB
 * (rendezvous). At "migration points" all through this (after posting receives, between sends,
 * with requests pending, with messages waiting unexpected, between collectives) a rank may call
 * mosix_migrate_to(another PE) and then checks that mosix_where() reports that PE.
 *
 * Where a rank may migrate follows mosix_migrate_to's rule: a rank leaves only once none of its
 * own sends still needs its buffer, so it must not migrate holding a rendezvous or synchronous
 * send whose receiver waits for it before posting the receive. In the posted phase every receiver
 * posts all its receives before its first migration point and reaches that phase without waiting
 * for anyone, so ranks migrate between sends there. In the unexpected and wildcard phases,
 * receivers post only after a barrier or after their own sends: there a rank migrates with
 * messages queued for it or wildcard receives posted only in rounds where all its own sends of the
 * phase are eager (the plan makes about half the ranks such "eager-only" senders each round), and
 * every rank may migrate once its sends are complete.
 *
 * Reproducible and deadlock-free by construction: who sends how many messages to whom, with what
 * size, tag and call, is a pure function of (seed, round, phase, sender, receiver, index), so every
 * rank knows what it must receive and nothing is left pending at the end of a phase. Migration
 * decisions come from a per-rank generator seeded from (seed, rank), separate from the pattern, so
 * --no-migrate runs exactly the same communication without the moves.
 *
 * Checked: each message carries (sender, receiver, per-(sender, receiver) sequence number, size,
 * checksum); the receiver knows the sequence number it must see next from each sender, so a lost,
 * duplicated or reordered message is named at once; every payload word is compared with what the
 * sender wrote; collectives' results are compared element by element with values known in
 * advance; a value on the rank's stack and its rank-local slot (mosix_rank_local) are checked after
 * every round. At the end rank 0 compares the job's message count, byte count and checksum (summed
 * over what receivers actually got) with the values worked out from the seed alone.
 *
 * Output: rank 0 prints a summary and then `storm ok: N ranks, R rounds, M migrations, checksum X`;
 * any violation prints one line naming the rank, its PE, the round, phase and message, and ends
 * the job with status 1 (MPI_Abort). Status 2: bad usage.
 *
 * Rank state lives on the stack and the rank's heap, never in mutable globals (those belong to a
 * PE and would not travel with the rank).
 */
#include <inttypes.h>
#include <mosix.h>
#include <mpi.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { PH_POSTED, PH_UNEXPECTED, PH_WILDCARD, PH_COUNT };
static const char* const phase_names[PH_COUNT] = {"posted", "unexpected", "wildcard"};

enum {
    kMagic = 0x53544f52,        /* "STOR" */
    kEagerWords = 8187,         /* header + 8187 words = 65536 bytes: the largest eager message */
    kMaxWords = 8189 + 8191,    /* up to 128 KiB: rendezvous */
    kMaxPostedWildcard = 16,    /* more expected wildcard messages than this: receive one by one */
    kBigCollectiveWords = 20000 /* 160 KB: collectives large enough to take the rendezvous path */
};

/* What travels in front of every payload. */
struct header {
    uint32_t magic;
    uint32_t phase;
    int32_t sender;
    int32_t receiver;
    uint64_t seq; /* how many messages sender sent to receiver before this one */
    uint32_t round;
    uint32_t nwords; /* payload: nwords 64-bit words */
    uint64_t checksum;
};

struct config {
    uint64_t seed;
    int rounds;
    int permille;         /* chance of a migration at each migration point, per thousand */
    int migrate;          /* 0: decide migrations but do not make them */
    int checkpoint_round; /* -1: none; else mosix_checkpoint() in that round, messages in flight */
};

struct storm {
    struct config cfg;
    int rank, nranks, npes;
    uint64_t* send_seq; /* [nranks]: messages sent so far to each rank */
    uint64_t* recv_seq; /* [nranks]: messages received so far from each rank */
    uint64_t rng;       /* migration decisions only */
    uint64_t sum, msgs, bytes, collectives;
    uint64_t migrations, skipped;
    int trail[8][4]; /* the last moves (round, phase, from, to), printed with a failure */
    double migrate_seconds, migrate_longest;
    int round, phase; /* where we are, for error messages */
    MPI_Comm sub;     /* MPI_COMM_WORLD split three ways */
    int* members;     /* [sub_size]: world rank of each rank of sub */
    int sub_size, sub_rank;
};

/* ---- deterministic numbers ----------------------------------------------------------------------- */

/* splitmix64's finalizer: a good 64-bit mix, cheap. */
static uint64_t mix(uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static uint64_t hash4(uint64_t seed, uint64_t a, uint64_t b, uint64_t c, uint64_t d) {
    return mix(mix(mix(mix(seed ^ a) ^ b) ^ c) ^ d);
}

static uint64_t next(uint64_t* state) {
    *state += 0x9e3779b97f4a7c15ULL;
    return mix(*state);
}

/* ---- failing loudly ------------------------------------------------------------------------------- */

static int where(void) {
    int pe = -1;
    mosix_where(&pe, NULL, 0);
    return pe;
}

static void fail(const struct storm* st, const char* fmt, ...) {
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    fprintf(stderr, "storm FAILED: rank %d on PE %d, round %d, %s: %s\n", st->rank, where(), st->round,
            st->phase >= 0 && st->phase < PH_COUNT ? phase_names[st->phase] : "collectives", what);
    /* Where the rank has been lately: most faults of a moving rank show up a move or two later. */
    uint64_t shown = st->migrations < 8 ? st->migrations : 8;
    for (uint64_t k = st->migrations - shown; k < st->migrations; ++k) {
        const int* t = st->trail[k % 8];
        fprintf(stderr, "storm: rank %d move %" PRIu64 ": round %d, %s, PE %d -> %d\n", st->rank, k, t[0],
                t[1] >= 0 && t[1] < PH_COUNT ? phase_names[t[1]] : "collectives", t[2], t[3]);
    }
    fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, 1);
    exit(1); /* not reached: MPI_Abort ends the job */
}

/* calloc that ends the job with a message when memory runs out; n < 1 gets one element, so
 * empty phases need no special case. */
static void* alloc(const struct storm* st, long n, size_t size) {
    size_t count = n < 1 ? 1 : (size_t)n;
    void* p = calloc(count, size);
    if (!p) fail(st, "out of memory for %zu x %zu bytes", count, size);
    return p;
}

/* ---- the plan: pure functions of the seed --------------------------------------------------------- */

/* How many messages s sends to d in (round, phase): each sender picks about two receivers per
 * phase (every one when there are at most two ranks), 1..3 messages to each. */
static int count(const struct config* c, int nranks, int round, int phase, int s, int d) {
    uint64_t x = hash4(c->seed, 1, (uint64_t)round * PH_COUNT + (uint64_t)phase, (uint64_t)s, (uint64_t)d);
    if (nranks > 2 && x % (uint64_t)nranks >= 2) return 0;
    return 1 + (int)((x >> 32) % 3);
}

/* Whether all of s's sends in (round, phase) are eager and not synchronous, so they complete
 * without their receivers and s may migrate before they receive (see the top of the file). Always
 * so in half the cases, never in the posted phase (where it is not needed). */
static int eager_only(const struct config* c, int round, int phase, int s) {
    return phase != PH_POSTED &&
           (hash4(c->seed, 14, (uint64_t)round * PH_COUNT + (uint64_t)phase, (uint64_t)s, 0) & 1);
}

enum { SEND_ISEND, SEND_SEND, SEND_SSEND, SEND_ISSEND };
enum { RECV_EXACT_TAG, RECV_ANY_TAG, RECV_PROBE };

struct msgdesc {
    uint32_t nwords;
    int tag;
    int send; /* SEND_*; nonblocking phases use only the I-forms */
    int recv; /* RECV_*; the posted phase has no probe */
};

/* Message i of s to d in (round, phase). Sizes: 3/4 small (0..64 words), some medium eager, the
 * largest eager size exactly, the smallest rendezvous size exactly, and rendezvous up to 128 KiB.
 * Tags repeat (0..7), so several messages of one sender match the same receive pattern. */
static struct msgdesc describe(const struct config* c, int round, int phase, int s, int d, int i) {
    uint64_t x = hash4(c->seed, 2, (uint64_t)round * PH_COUNT + (uint64_t)phase,
                       ((uint64_t)(uint32_t)s << 32) | (uint32_t)d, (uint64_t)i);
    unsigned cls = (unsigned)(x & 31);
    uint64_t y = x >> 5;
    struct msgdesc m;
    if (cls < 24)
        m.nwords = (uint32_t)(y % 65);
    else if (cls < 27)
        m.nwords = 65 + (uint32_t)(y % (kEagerWords - 65));
    else if (cls == 27)
        m.nwords = kEagerWords;
    else if (cls == 28)
        m.nwords = kEagerWords + 1;
    else
        m.nwords = kEagerWords + 2 + (uint32_t)(y % (kMaxWords - kEagerWords - 1));
    m.tag = (int)((x >> 40) & 7);
    m.send = (int)((x >> 44) & 3);
    if (phase != PH_POSTED) m.send = m.send & 1 ? SEND_ISSEND : SEND_ISEND;
    m.recv = (int)((x >> 46) % 3);
    if (phase == PH_POSTED && m.recv == RECV_PROBE) m.recv = RECV_EXACT_TAG;
    if (eager_only(c, round, phase, s)) {
        m.nwords %= kEagerWords + 1;
        m.send = SEND_ISEND;
    }
    return m;
}

static size_t msg_bytes(uint32_t nwords) { return sizeof(struct header) + (size_t)nwords * 8; }

/* Payload word k of the message with key `key` (odd, so no word is ever 0: a zeroed page fails). */
static uint64_t word(uint64_t key, uint64_t k) { return key * (2 * k + 1); }

static uint64_t msg_key(const struct config* c, int s, int d, uint64_t seq) {
    return hash4(c->seed, 3, (uint64_t)s, (uint64_t)d, seq) | 1;
}

/* Checksum of a payload: sum of (k + 1) * word k, position-weighted so swapped words show. */
static uint64_t checksum_of(const uint64_t* w, uint32_t n) {
    uint64_t sum = 0;
    for (uint32_t k = 0; k < n; ++k) sum += (uint64_t)(k + 1) * w[k];
    return sum;
}

/* The same in closed form for the payload of `key`: key * sum_{j=1..n} j(2j-1) = key * n(n+1)(4n-1)/6
 * (exact in 64 bits for n < 2^20). */
static uint64_t checksum_expected(uint64_t key, uint32_t n) {
    if (n == 0) return 0;
    uint64_t m = n;
    return key * (m * (m + 1) * (4 * m - 1) / 6);
}

/* A message's contribution to the job's checksum: depends on who sent it to whom, its place in
 * that stream and its payload. */
static uint64_t token(int s, int d, uint64_t seq, uint64_t checksum) {
    return mix(checksum ^ mix(((uint64_t)(uint32_t)s << 32 | (uint32_t)d) + (seq << 20)));
}

/* ---- migration points ------------------------------------------------------------------------------ */

static void maybe_migrate(struct storm* st) {
    uint64_t x = next(&st->rng);
    if (st->npes < 2 || x % 1000 >= (uint64_t)st->cfg.permille) return;
    int here = where();
    /* Always another PE: every decision is a real move. */
    int to = (here + 1 + (int)((x >> 32) % (uint64_t)(st->npes - 1))) % st->npes;
    if (!st->cfg.migrate) {
        ++st->skipped;
        return;
    }
    double t0 = MPI_Wtime();
    int rc = mosix_migrate_to(to);
    double dt = MPI_Wtime() - t0;
    if (rc != MPI_SUCCESS) {
        char err[MPI_MAX_ERROR_STRING];
        int len = 0;
        MPI_Error_string(rc, err, &len);
        fail(st, "mosix_migrate_to(%d) from PE %d returned %d: %s", to, here, rc, err);
    }
    int now = where();
    if (now != to)
        fail(st, "mosix_migrate_to(%d) from PE %d returned MPI_SUCCESS but the rank runs on PE %d", to, here,
             now);
    int* t = st->trail[st->migrations % 8];
    t[0] = st->round, t[1] = st->phase, t[2] = here, t[3] = to;
    ++st->migrations;
    st->migrate_seconds += dt;
    if (dt > st->migrate_longest) st->migrate_longest = dt;
}

/* ---- messages -------------------------------------------------------------------------------------- */

/* A message from this rank to d, built for sending; returns its buffer (freed by the caller once
 * the send is complete). */
static uint64_t* build(struct storm* st, int d, const struct msgdesc* m) {
    size_t bytes = msg_bytes(m->nwords);
    uint64_t* buf = alloc(st, (long)bytes, 1);
    uint64_t seq = st->send_seq[d]++;
    uint64_t key = msg_key(&st->cfg, st->rank, d, seq);
    uint64_t* w = buf + sizeof(struct header) / 8;
    for (uint32_t k = 0; k < m->nwords; ++k) w[k] = word(key, k);
    struct header h = {kMagic, (uint32_t)st->phase, st->rank,  d,
                       seq,    (uint32_t)st->round, m->nwords, checksum_of(w, m->nwords)};
    memcpy(buf, &h, sizeof h);
    return buf;
}

/* Starts or makes the send of message m to d; a nonblocking one leaves its request in *req. */
static void send_msg(int d, const struct msgdesc* m, uint64_t* buf, MPI_Request* req) {
    int n = (int)msg_bytes(m->nwords);
    *req = MPI_REQUEST_NULL;
    switch (m->send) {
        case SEND_SEND:
            MPI_Send(buf, n, MPI_BYTE, d, m->tag, MPI_COMM_WORLD);
            break;
        case SEND_SSEND:
            MPI_Ssend(buf, n, MPI_BYTE, d, m->tag, MPI_COMM_WORLD);
            break;
        case SEND_ISSEND:
            MPI_Issend(buf, n, MPI_BYTE, d, m->tag, MPI_COMM_WORLD, req);
            break;
        default:
            MPI_Isend(buf, n, MPI_BYTE, d, m->tag, MPI_COMM_WORLD, req);
            break;
    }
}

/* Checks a received message: it must be message i of sender s in this round and phase, the next one
 * in s's stream to this rank, whole and unchanged. Then counts it. */
static void verify(struct storm* st, int s, int i, const uint64_t* buf, const MPI_Status* status) {
    const struct config* c = &st->cfg;
    struct msgdesc m = describe(c, st->round, st->phase, s, st->rank, i);
    uint64_t want_seq = st->recv_seq[s];
    size_t want_bytes = msg_bytes(m.nwords);
    int got_bytes = -1;
    MPI_Get_count(status, MPI_BYTE, &got_bytes);
    if (status->MPI_SOURCE != s)
        fail(st, "expected message %d (seq %" PRIu64 ") from rank %d, status names source %d", i, want_seq, s,
             status->MPI_SOURCE);
    if (got_bytes < (int)sizeof(struct header))
        fail(st, "message from rank %d (expected seq %" PRIu64 ", %zu bytes, tag %d): only %d bytes arrived",
             s, want_seq, want_bytes, m.tag, got_bytes);
    struct header h;
    memcpy(&h, buf, sizeof h);
    if (h.magic != kMagic) {
        const unsigned char* b = (const unsigned char*)buf;
        int zeros = 0;
        for (int k = 0; k < got_bytes; ++k) zeros += b[k] == 0;
        fprintf(stderr, "storm: rank %d: %d of %d bytes zero, byte after: 0x%02x, buffer %p\n", st->rank,
                zeros, got_bytes, b[got_bytes], (const void*)buf);
    }
    if (h.magic != kMagic)
        fail(st,
             "message from rank %d (expected seq %" PRIu64
             ", message %d, tag %d, %d bytes): bad magic "
             "0x%08" PRIx32 " (corrupt header)",
             s, want_seq, i, status->MPI_TAG, got_bytes, h.magic);
    if (h.sender != s || h.receiver != st->rank)
        fail(st, "message from rank %d (expected seq %" PRIu64 ") says it is from rank %d to rank %d", s,
             want_seq, h.sender, h.receiver);
    if (h.seq != want_seq)
        fail(st,
             "from rank %d expected seq %" PRIu64 " (round %d, %s message %d), got seq %" PRIu64
             " (sent in round %" PRIu32 ", %s): %s",
             s, want_seq, st->round, phase_names[st->phase], i, h.seq, h.round,
             h.phase < PH_COUNT ? phase_names[h.phase] : "?",
             h.seq < want_seq ? "duplicated or delivered again"
                              : "messages lost or overtaken (non-overtaking broken)");
    if (h.round != (uint32_t)st->round || h.phase != (uint32_t)st->phase)
        fail(st, "message seq %" PRIu64 " from rank %d was sent in round %" PRIu32 " phase %" PRIu32, h.seq,
             s, h.round, h.phase);
    if (status->MPI_TAG != m.tag)
        fail(st, "message seq %" PRIu64 " from rank %d: tag %d, expected %d", h.seq, s, status->MPI_TAG,
             m.tag);
    if (h.nwords != m.nwords || (size_t)got_bytes != want_bytes)
        fail(st, "message seq %" PRIu64 " from rank %d: %d bytes (%" PRIu32 " words in header), expected %zu",
             h.seq, s, got_bytes, h.nwords, want_bytes);
    uint64_t key = msg_key(c, s, st->rank, h.seq);
    const uint64_t* w = buf + sizeof(struct header) / 8;
    for (uint32_t k = 0; k < m.nwords; ++k)
        if (w[k] != word(key, k))
            fail(st,
                 "message seq %" PRIu64 " from rank %d (%zu bytes, tag %d): payload word %" PRIu32
                 " (byte %zu) is 0x%016" PRIx64 ", expected 0x%016" PRIx64,
                 h.seq, s, want_bytes, m.tag, k, sizeof(struct header) + (size_t)k * 8, w[k], word(key, k));
    uint64_t sum = checksum_of(w, m.nwords);
    if (sum != h.checksum || sum != checksum_expected(key, m.nwords))
        fail(st, "message seq %" PRIu64 " from rank %d: checksum 0x%016" PRIx64 ", header says 0x%016" PRIx64,
             h.seq, s, sum, h.checksum);
    ++st->recv_seq[s];
    st->sum += token(s, st->rank, h.seq, sum);
    ++st->msgs;
    st->bytes += want_bytes;
}

/* Everything this rank sends in the current phase, destinations in a rotated order. Blocking sends
 * are safe in the posted phase only (receivers pre-post there), and so are migration points between
 * the sends (migrate_between). reqs gets one entry per message (MPI_REQUEST_NULL for a blocking
 * one), bufs the buffers; returns how many. */
static int send_all(struct storm* st, int migrate_between, MPI_Request** reqs, uint64_t*** bufs) {
    const int n = st->nranks;
    int total = 0;
    for (int d = 0; d < n; ++d) total += count(&st->cfg, n, st->round, st->phase, st->rank, d);
    *reqs = alloc(st, total, sizeof **reqs);
    *bufs = alloc(st, total, sizeof **bufs);
    int start = (int)(hash4(st->cfg.seed, 4, (uint64_t)st->round * PH_COUNT + (uint64_t)st->phase,
                            (uint64_t)st->rank, 0) %
                      (uint64_t)n);
    int k = 0;
    for (int j = 0; j < n; ++j) {
        int d = (start + j) % n;
        int c = count(&st->cfg, n, st->round, st->phase, st->rank, d);
        for (int i = 0; i < c; ++i) {
            struct msgdesc m = describe(&st->cfg, st->round, st->phase, st->rank, d, i);
            (*bufs)[k] = build(st, d, &m);
            send_msg(d, &m, (*bufs)[k], &(*reqs)[k]);
            ++k;
            if (migrate_between) maybe_migrate(st); /* with sends pending */
        }
    }
    return total;
}

static void free_all(uint64_t** bufs, int n) {
    /* A send that completes before the library is done with its buffer then shows as a bad magic
     * at the receiver instead of passing unseen. */
    for (int i = 0; i < n; ++i) {
        memset(bufs[i], 0xAB, sizeof(struct header));
        free(bufs[i]);
    }
    free(bufs);
}

/* ---- the three point-to-point phases --------------------------------------------------------------- */

/* Receives pre-posted, then sends of all four kinds, then completion. */
static void phase_posted(struct storm* st) {
    const int n = st->nranks;
    st->phase = PH_POSTED;
    int nin = 0;
    for (int s = 0; s < n; ++s) nin += count(&st->cfg, n, st->round, st->phase, s, st->rank);
    MPI_Request* rreq = alloc(st, nin, sizeof *rreq);
    MPI_Status* rstat = alloc(st, nin, sizeof *rstat);
    uint64_t** rbuf = alloc(st, nin, sizeof *rbuf);
    int* from = alloc(st, nin, sizeof *from);
    int* index = alloc(st, nin, sizeof *index);
    /* Per source, receives in the order the source sends: receive i then matches message i, whether
     * it names the tag or takes any, whatever the timing (non-overtaking). */
    int k = 0;
    for (int s = 0; s < n; ++s) {
        int c = count(&st->cfg, n, st->round, st->phase, s, st->rank);
        for (int i = 0; i < c; ++i) {
            struct msgdesc m = describe(&st->cfg, st->round, st->phase, s, st->rank, i);
            /* A little larger than needed, so a wrong length would show in MPI_Get_count. */
            rbuf[k] = alloc(st, (long)msg_bytes(m.nwords) + 64, 1);
            /* Not zero: a receive that completes without its bytes written shows as 0xcd, one that
             * was handed zeros as 0. */
            memset(rbuf[k], 0xCD, msg_bytes(m.nwords) + 64);
            MPI_Irecv(rbuf[k], (int)msg_bytes(m.nwords) + 64, MPI_BYTE, s,
                      m.recv == RECV_ANY_TAG ? MPI_ANY_TAG : m.tag, MPI_COMM_WORLD, &rreq[k]);
            from[k] = s;
            index[k] = i;
            ++k;
        }
    }
    maybe_migrate(st); /* with receives posted */
    MPI_Request* sreq;
    uint64_t** sbuf;
    int nout = send_all(st, 1, &sreq, &sbuf);
    maybe_migrate(st);
    if (hash4(st->cfg.seed, 5, (uint64_t)st->round, (uint64_t)st->rank, 0) & 1) {
        MPI_Waitall(nin, rreq, rstat);
    } else {
        for (int done = 0; done < nin; ++done) { /* nin completions, one per call */
            int which = MPI_UNDEFINED;
            MPI_Status status;
            MPI_Waitany(nin, rreq, &which, &status);
            if (which == MPI_UNDEFINED || which < 0 || which >= nin)
                fail(st, "MPI_Waitany returned index %d with %d receives left", which, nin - done);
            rstat[which] = status;
        }
    }
    /* In posting order: per source that is sending order, so sequence numbers must follow on. */
    for (int j = 0; j < nin; ++j) {
        verify(st, from[j], index[j], rbuf[j], &rstat[j]);
        free(rbuf[j]);
    }
    MPI_Waitall(nout, sreq, MPI_STATUSES_IGNORE);
    free_all(sbuf, nout);
    free(sreq);
    free(index);
    free(from);
    free(rbuf);
    free(rstat);
    free(rreq);
}

/* Sends first, a barrier, receives after: the messages wait as unexpected ones. */
static void phase_unexpected(struct storm* st) {
    const int n = st->nranks;
    st->phase = PH_UNEXPECTED;
    MPI_Request* sreq;
    uint64_t** sbuf;
    int nout = send_all(st, 0, &sreq, &sbuf);
    const int alone = eager_only(&st->cfg, st->round, st->phase, st->rank);
    if (st->round == st->cfg.checkpoint_round) {
        /* With this phase's sends started and not received: the checkpoint must take them in.
         * A restarted job may have another number of PEs: migration targets follow it. */
        int rc = mosix_checkpoint();
        if (rc != MPI_SUCCESS) fail(st, "mosix_checkpoint returned %d", rc);
        mosix_npes(&st->npes);
    }
    MPI_Barrier(MPI_COMM_WORLD);  /* every message of this phase has been sent */
    if (alone) maybe_migrate(st); /* with unexpected messages queued for this rank */
    int start = (int)(hash4(st->cfg.seed, 6, (uint64_t)st->round, (uint64_t)st->rank, 0) % (uint64_t)n);
    for (int j = 0; j < n; ++j) {
        int s = (start + j) % n;
        int c = count(&st->cfg, n, st->round, st->phase, s, st->rank);
        for (int i = 0; i < c; ++i) {
            struct msgdesc m = describe(&st->cfg, st->round, st->phase, s, st->rank, i);
            int room = (int)msg_bytes(m.nwords) + 64;
            int tag = m.recv == RECV_EXACT_TAG ? m.tag : MPI_ANY_TAG;
            MPI_Status status;
            if (m.recv == RECV_PROBE) {
                MPI_Probe(s, m.tag, MPI_COMM_WORLD, &status);
                MPI_Get_count(&status, MPI_BYTE, &room);
                if (room < (int)sizeof(struct header) || room > (int)msg_bytes(kMaxWords))
                    fail(st, "MPI_Probe(%d, tag %d) found a message of %d bytes, expected %zu", s, m.tag,
                         room, msg_bytes(m.nwords));
                tag = status.MPI_TAG;
            }
            uint64_t* buf = alloc(st, room, 1);
            MPI_Recv(buf, room, MPI_BYTE, s, tag, MPI_COMM_WORLD, &status);
            verify(st, s, i, buf, &status);
            free(buf);
            if (alone) maybe_migrate(st); /* between receives, more still queued */
        }
    }
    MPI_Waitall(nout, sreq, MPI_STATUSES_IGNORE);
    maybe_migrate(st);
    free_all(sbuf, nout);
    free(sreq);
}

/* Receives from MPI_ANY_SOURCE with MPI_ANY_TAG. Messages from one sender must still come in its
 * order; which message of a sender it is follows from how many came from it so far. */
static void phase_wildcard(struct storm* st) {
    const int n = st->nranks;
    st->phase = PH_WILDCARD;
    int nin = 0;
    for (int s = 0; s < n; ++s) nin += count(&st->cfg, n, st->round, st->phase, s, st->rank);
    int* got = alloc(st, n, sizeof *got);
    MPI_Request* sreq;
    uint64_t** sbuf;
    int nout = send_all(st, 0, &sreq, &sbuf);
    const int alone = eager_only(&st->cfg, st->round, st->phase, st->rank);
    const int room = (int)msg_bytes(kMaxWords);
    int mode = (int)(hash4(st->cfg.seed, 7, (uint64_t)st->round, (uint64_t)st->rank, 0) % 3);
    if (mode == 1 && nin > kMaxPostedWildcard) mode = 0;
    if (mode == 1) { /* all posted at once: matched in posting order */
        MPI_Request req[kMaxPostedWildcard];
        MPI_Status stat[kMaxPostedWildcard];
        uint64_t* buf[kMaxPostedWildcard];
        for (int k = 0; k < nin; ++k) {
            buf[k] = alloc(st, room, 1);
            MPI_Irecv(buf[k], room, MPI_BYTE, MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &req[k]);
        }
        if (alone) maybe_migrate(st); /* with wildcard receives posted */
        MPI_Waitall(nin, req, stat);
        for (int k = 0; k < nin; ++k) {
            int s = stat[k].MPI_SOURCE;
            if (s < 0 || s >= n) fail(st, "wildcard receive %d completed with source %d", k, s);
            if (got[s] >= count(&st->cfg, n, st->round, st->phase, s, st->rank))
                fail(st, "one message too many from rank %d (expected %d)", s, got[s]);
            verify(st, s, got[s]++, buf[k], &stat[k]);
            free(buf[k]);
        }
    } else {
        uint64_t* buf = alloc(st, room, 1);
        for (int k = 0; k < nin; ++k) {
            MPI_Status status;
            if (mode == 2) {
                MPI_Probe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &status);
                int s = status.MPI_SOURCE;
                if (s < 0 || s >= n) fail(st, "MPI_Probe(MPI_ANY_SOURCE) found source %d", s);
                MPI_Recv(buf, room, MPI_BYTE, s, status.MPI_TAG, MPI_COMM_WORLD, &status);
                if (status.MPI_SOURCE != s)
                    fail(st, "probed a message from %d, received one from %d", s, status.MPI_SOURCE);
            } else {
                MPI_Recv(buf, room, MPI_BYTE, MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &status);
            }
            int s = status.MPI_SOURCE;
            if (s < 0 || s >= n) fail(st, "wildcard receive completed with source %d", s);
            if (got[s] >= count(&st->cfg, n, st->round, st->phase, s, st->rank))
                fail(st, "one message too many from rank %d (expected %d)", s, got[s]);
            verify(st, s, got[s]++, buf, &status);
            if (alone) maybe_migrate(st);
        }
        free(buf);
    }
    MPI_Waitall(nout, sreq, MPI_STATUSES_IGNORE);
    maybe_migrate(st);
    free_all(sbuf, nout);
    free(sreq);
    free(got);
    /* Nobody's next message may meet a wildcard receive of this phase. */
    MPI_Barrier(MPI_COMM_WORLD);
}

/* ---- collectives ----------------------------------------------------------------------------------- */

/* Length of a collective's vectors this round: mostly short, sometimes big (rendezvous). */
static int coll_len(const struct storm* st, int which, int small_max) {
    uint64_t x = hash4(st->cfg.seed, 8, (uint64_t)st->round, (uint64_t)which, 0);
    return x % 8 == 0 ? kBigCollectiveWords : 1 + (int)((x >> 8) % (uint64_t)small_max);
}

/* Allreduce(SUM) on comm, whose ranks are the world ranks members[0..size-1]: rank r gives
 * (r + 1) * (i + 1) + round for element i. */
static void check_allreduce(struct storm* st, MPI_Comm comm, const int* members, int size, int which) {
    int len = coll_len(st, which, 64);
    int64_t* in = alloc(st, len, sizeof(int64_t));
    int64_t* out = alloc(st, len, sizeof(int64_t));
    for (int i = 0; i < len; ++i) in[i] = (int64_t)(st->rank + 1) * (i + 1) + st->round;
    MPI_Allreduce(in, out, len, MPI_INT64_T, MPI_SUM, comm);
    int64_t ranks1 = 0; /* sum of (r + 1) over the members */
    for (int m = 0; m < size; ++m) ranks1 += members ? members[m] + 1 : m + 1;
    for (int i = 0; i < len; ++i) {
        int64_t want = ranks1 * (i + 1) + (int64_t)size * st->round;
        if (out[i] != want)
            fail(st,
                 "MPI_Allreduce(SUM) #%d of %d elements on %d ranks: element %d is %" PRId64
                 ", expected %" PRId64,
                 which, len, size, i, out[i], want);
    }
    free(out);
    free(in);
    ++st->collectives;
}

/* Bcast of words mix(round, root, i) from a root chosen by the seed. */
static void check_bcast(struct storm* st, MPI_Comm comm, int size, int my, int which) {
    int len = coll_len(st, which, 256);
    int root = (int)(hash4(st->cfg.seed, 9, (uint64_t)st->round, (uint64_t)which, 0) % (uint64_t)size);
    uint64_t base = hash4(st->cfg.seed, 10, (uint64_t)st->round, (uint64_t)which, (uint64_t)root);
    int64_t* v = alloc(st, len, sizeof(int64_t));
    for (int i = 0; i < len; ++i) v[i] = my == root ? (int64_t)mix(base + (uint64_t)i) : 0;
    MPI_Bcast(v, len, MPI_INT64_T, root, comm);
    for (int i = 0; i < len; ++i)
        if (v[i] != (int64_t)mix(base + (uint64_t)i))
            fail(st, "MPI_Bcast #%d of %d elements from root %d of %d: element %d wrong", which, len, root,
                 size, i);
    free(v);
    ++st->collectives;
}

/* Alltoall: block j of rank r holds words mix(r, j, round, k), r and j being world ranks. */
static void check_alltoall(struct storm* st, MPI_Comm comm, const int* members, int size, int which) {
    int block = coll_len(st, which, 16);
    if (block == kBigCollectiveWords) block = 1200; /* 64 x 64 x 9.6 KB: big enough, not huge */
    int64_t* in = alloc(st, (long)block * size, sizeof(int64_t));
    int64_t* out = alloc(st, (long)block * size, sizeof(int64_t));
    for (int j = 0; j < size; ++j) {
        int to = members ? members[j] : j;
        uint64_t base = hash4(st->cfg.seed, 11, (uint64_t)st->round, (uint64_t)st->rank, (uint64_t)to);
        for (int k = 0; k < block; ++k)
            in[(size_t)j * (size_t)block + (size_t)k] = (int64_t)mix(base + (uint64_t)k);
    }
    MPI_Alltoall(in, block, MPI_INT64_T, out, block, MPI_INT64_T, comm);
    for (int j = 0; j < size; ++j) {
        int from = members ? members[j] : j;
        uint64_t base = hash4(st->cfg.seed, 11, (uint64_t)st->round, (uint64_t)from, (uint64_t)st->rank);
        for (int k = 0; k < block; ++k)
            if (out[(size_t)j * (size_t)block + (size_t)k] != (int64_t)mix(base + (uint64_t)k))
                fail(st,
                     "MPI_Alltoall #%d (%d words per block, %d ranks): word %d of the block from rank %d "
                     "wrong",
                     which, block, size, k, from);
    }
    free(out);
    free(in);
    ++st->collectives;
}

static void collectives(struct storm* st) {
    st->phase = PH_COUNT;
    check_allreduce(st, MPI_COMM_WORLD, NULL, st->nranks, 0);
    maybe_migrate(st);
    check_bcast(st, MPI_COMM_WORLD, st->nranks, st->rank, 1);
    maybe_migrate(st);
    check_alltoall(st, MPI_COMM_WORLD, NULL, st->nranks, 2);
    maybe_migrate(st);
    check_allreduce(st, st->sub, st->members, st->sub_size, 3);
    maybe_migrate(st);
    check_bcast(st, st->sub, st->sub_size, st->sub_rank, 4);
    maybe_migrate(st);
    check_alltoall(st, st->sub, st->members, st->sub_size, 5);
    maybe_migrate(st);
    /* A ring on the split communicator: each passes its world rank and the round to the next. */
    int64_t mine[2] = {st->rank, st->round}, theirs[2] = {-1, -1};
    int next_r = (st->sub_rank + 1) % st->sub_size, prev_r = (st->sub_rank + st->sub_size - 1) % st->sub_size;
    MPI_Sendrecv(mine, 2, MPI_INT64_T, next_r, 7, theirs, 2, MPI_INT64_T, prev_r, 7, st->sub,
                 MPI_STATUS_IGNORE);
    if (theirs[0] != st->members[prev_r] || theirs[1] != st->round)
        fail(st,
             "ring on the split communicator: got (%" PRId64 ", %" PRId64
             ") from sub-rank %d, expected (%d, %d)",
             theirs[0], theirs[1], prev_r, st->members[prev_r], st->round);
    ++st->collectives;
    maybe_migrate(st);
    MPI_Barrier(st->sub);
    MPI_Barrier(MPI_COMM_WORLD);
    st->collectives += 2;
}

/* ---- set-up and the end ---------------------------------------------------------------------------- */

static const char usage[] =
    "usage: storm [--rounds R] [--seed S] [--permille P] [--no-migrate] [--checkpoint-round K]\n"
    "  --rounds      rounds of the storm, 1..10000 (default 30)\n"
    "  --seed        pattern and migration seed (default 1)\n"
    "  --permille    chance of a migration at each migration point, per thousand, 0..1000 (default 12)\n"
    "  --no-migrate  decide migrations but do not make them (also MOSIX_TEST_NO_MIGRATE=1)\n"
    "  --checkpoint-round K  mosix_checkpoint() in round K (0-based), with the unexpected phase's\n"
    "                messages in flight; a job restarted from it finishes the storm the same way\n";

/* Returns 0 on success, 2 on bad usage (reported by rank 0: every rank parses the same argv). */
static int parse(int argc, char** argv, int rank, struct config* c) {
    c->seed = 1;
    c->rounds = 30;
    c->permille = 12;
    c->migrate = 1;
    c->checkpoint_round = -1;
    const char* env = getenv("MOSIX_TEST_NO_MIGRATE");
    if (env && *env && strcmp(env, "0") != 0) c->migrate = 0;
    for (int i = 1; i < argc; ++i) {
        char* end = NULL;
        if (!strcmp(argv[i], "--no-migrate")) {
            c->migrate = 0;
            continue;
        }
        if (i + 1 >= argc) goto bad;
        long long v = strtoll(argv[i + 1], &end, 10);
        if (end == argv[i + 1] || *end) goto bad;
        if (!strcmp(argv[i], "--rounds") && v >= 1 && v <= 10000)
            c->rounds = (int)v;
        else if (!strcmp(argv[i], "--seed") && v >= 0)
            c->seed = (uint64_t)v;
        else if (!strcmp(argv[i], "--permille") && v >= 0 && v <= 1000)
            c->permille = (int)v;
        else if (!strcmp(argv[i], "--checkpoint-round") && v >= 0 && v <= 10000)
            c->checkpoint_round = (int)v;
        else
            goto bad;
        ++i;
    }
    return 0;
bad:
    if (rank == 0) fputs(usage, stderr);
    return 2;
}

/* PEs of the job: each PE starts with at least one rank (there are never more PEs than ranks), so
 * the largest PE index in use at start, plus one. mosexec also says it in MOSIX_PES. */
static int count_pes(struct storm* st) {
    int here = where(), top = -1;
    MPI_Allreduce(&here, &top, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    const char* env = getenv("MOSIX_PES");
    if (env && atoi(env) != top + 1) fail(st, "ranks start on PEs 0..%d, but MOSIX_PES is %s", top, env);
    return top + 1;
}

/* The split communicator: color from the seed (3 colors), key reversing the world order, so
 * sub-ranks run opposite to world ranks. */
static void make_sub(struct storm* st) {
    const int n = st->nranks;
    const int colors = n >= 3 ? 3 : 1;
    int color = (int)(hash4(st->cfg.seed, 12, (uint64_t)st->rank, 0, 0) % (uint64_t)colors);
    MPI_Comm_split(MPI_COMM_WORLD, color, n - st->rank, &st->sub);
    st->members = alloc(st, n, sizeof *st->members);
    st->sub_size = 0;
    st->sub_rank = -1;
    for (int r = n - 1; r >= 0; --r) {
        if ((int)(hash4(st->cfg.seed, 12, (uint64_t)r, 0, 0) % (uint64_t)colors) != color) continue;
        if (r == st->rank) st->sub_rank = st->sub_size;
        st->members[st->sub_size++] = r;
    }
    int size = -1, rank = -1;
    MPI_Comm_size(st->sub, &size);
    MPI_Comm_rank(st->sub, &rank);
    if (size != st->sub_size || rank != st->sub_rank)
        fail(st, "MPI_Comm_split(color %d): rank %d of %d, expected %d of %d", color, rank, size,
             st->sub_rank, st->sub_size);
}

/* What the whole job must have received: worked out from the seed alone, by walking the plan. */
static void expected_totals(const struct storm* st, uint64_t* sum, uint64_t* msgs, uint64_t* bytes) {
    const int n = st->nranks;
    uint64_t* seq = alloc(st, (long)n * n, sizeof *seq);
    *sum = *msgs = *bytes = 0;
    for (int r = 0; r < st->cfg.rounds; ++r)
        for (int ph = 0; ph < PH_COUNT; ++ph)
            for (int s = 0; s < n; ++s)
                for (int d = 0; d < n; ++d) {
                    int c = count(&st->cfg, n, r, ph, s, d);
                    for (int i = 0; i < c; ++i) {
                        struct msgdesc m = describe(&st->cfg, r, ph, s, d, i);
                        uint64_t q = seq[(size_t)s * (size_t)n + (size_t)d]++;
                        *sum += token(s, d, q, checksum_expected(msg_key(&st->cfg, s, d, q), m.nwords));
                        ++*msgs;
                        *bytes += msg_bytes(m.nwords);
                    }
                }
    free(seq);
}

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    struct storm* st = calloc(1, sizeof *st);
    if (!st) {
        fprintf(stderr, "storm: out of memory\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    st->phase = PH_COUNT;
    MPI_Comm_rank(MPI_COMM_WORLD, &st->rank);
    MPI_Comm_size(MPI_COMM_WORLD, &st->nranks);
    if (parse(argc, argv, st->rank, &st->cfg)) {
        MPI_Finalize();
        return 2;
    }
    st->npes = count_pes(st);
    st->rng = hash4(st->cfg.seed, 13, (uint64_t)st->rank, 0, 0);
    st->send_seq = alloc(st, st->nranks, sizeof *st->send_seq);
    st->recv_seq = alloc(st, st->nranks, sizeof *st->recv_seq);
    make_sub(st);

    /* A value on the stack and one in rank-local storage that must survive every move. */
    static char local_id;
    void** local = mosix_rank_local(&local_id);
    if (!local || *local) fail(st, "mosix_rank_local: a fresh slot was expected");
    *local = st;
    volatile uint64_t on_stack = mix((uint64_t)st->rank ^ 0x57a0c4);

    MPI_Barrier(MPI_COMM_WORLD);
    double t0 = MPI_Wtime();
    for (st->round = 0; st->round < st->cfg.rounds; ++st->round) {
        phase_posted(st);
        maybe_migrate(st);
        phase_unexpected(st);
        maybe_migrate(st);
        phase_wildcard(st);
        maybe_migrate(st);
        collectives(st);
        maybe_migrate(st);
        void** again = mosix_rank_local(&local_id);
        if (!again || *again != st || on_stack != mix((uint64_t)st->rank ^ 0x57a0c4))
            fail(st, "rank-local slot or stack value changed");
    }
    double elapsed = MPI_Wtime() - t0;
    st->round = st->cfg.rounds;
    st->phase = PH_COUNT;

    /* Nothing left over: every stream received exactly what was sent on it. */
    uint64_t* sent_to_me = alloc(st, st->nranks, sizeof *sent_to_me);
    MPI_Alltoall(st->send_seq, 1, MPI_UINT64_T, sent_to_me, 1, MPI_UINT64_T, MPI_COMM_WORLD);
    for (int s = 0; s < st->nranks; ++s)
        if (sent_to_me[s] != st->recv_seq[s])
            fail(st, "rank %d sent %" PRIu64 " messages to this rank, %" PRIu64 " were received", s,
                 sent_to_me[s], st->recv_seq[s]);
    free(sent_to_me);
    /* Every stream is balanced, so nothing may be waiting here either (a cheap second look). */
    int flag = 0;
    MPI_Status status;
    MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &status);
    if (flag) fail(st, "a message from rank %d (tag %d) is left over", status.MPI_SOURCE, status.MPI_TAG);

    uint64_t mine[6] = {st->sum, st->msgs, st->bytes, st->migrations, st->skipped, st->collectives}, all[6];
    MPI_Reduce(mine, all, 6, MPI_UINT64_T, MPI_SUM, 0, MPI_COMM_WORLD);
    double times[2] = {st->migrate_seconds, st->migrate_longest}, total_time = 0, longest = 0;
    MPI_Reduce(&times[0], &total_time, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
    MPI_Reduce(&times[1], &longest, 1, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
    int status_code = 0;
    if (st->rank == 0) {
        uint64_t want_sum, want_msgs, want_bytes;
        expected_totals(st, &want_sum, &want_msgs, &want_bytes);
        printf("storm: %d ranks on %d PEs, %d rounds, seed %" PRIu64 ", %" PRIu64 " messages (%" PRIu64
               " bytes), %" PRIu64 " collective calls checked, %.2f s\n",
               st->nranks, st->npes, st->cfg.rounds, st->cfg.seed, all[1], all[2], all[5], elapsed);
        if (st->cfg.migrate)
            printf("storm: %" PRIu64 " migrations, %.3f s in mosix_migrate_to, longest %.1f ms\n", all[3],
                   total_time, longest * 1e3);
        else
            printf("storm: migrations OFF: %" PRIu64 " decided, none made\n", all[4]);
        if (all[1] != want_msgs || all[2] != want_bytes || all[0] != want_sum) {
            fprintf(stderr,
                    "storm FAILED: job totals %" PRIu64 " messages, %" PRIu64 " bytes, checksum 0x%016" PRIx64
                    "; the seed says %" PRIu64 ", %" PRIu64 ", 0x%016" PRIx64 "\n",
                    all[1], all[2], all[0], want_msgs, want_bytes, want_sum);
            status_code = 1;
        } else {
            printf("storm ok: %d ranks, %d rounds, %" PRIu64 " migrations, checksum 0x%016" PRIx64 "\n",
                   st->nranks, st->cfg.rounds, all[3], all[0]);
        }
        fflush(stdout);
    }
    MPI_Bcast(&status_code, 1, MPI_INT, 0, MPI_COMM_WORLD);
    MPI_Comm_free(&st->sub);
    free(st->members);
    free(st->recv_seq);
    free(st->send_seq);
    free(st);
    MPI_Finalize();
    return status_code;
}
