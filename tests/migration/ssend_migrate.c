/* ssend_migrate.c — a synchronous send completes when its receive matches it, wherever the message
 * or its two ranks have moved in between.
 *
 *   mosexec -n 3 --pes 3 [--checkpoint-dir DIR] ssend_migrate [--checkpoint unmatched|matched]...
 *
 * Rank 0 is the sender, rank 1 the receiver (more ranks only join the barriers). In each scenario
 * the sender starts an MPI_Issend, then something moves the message's bytes without a receive
 * matching it: the receiver leaves its PE with the message waiting (its bytes fetched or copied into
 * its memory), the message is forwarded from the receiver's old PE, or the sender leaves with the
 * message waiting on its old PE. The receiver then says so, and the sender checks that its send is
 * still incomplete over many MPI_Tests (it must be: nothing has matched it), tells the receiver to
 * go on, and waits; the receiver receives and checks the payload.
 * --checkpoint adds a scenario with a checkpoint taken while the send is unmatched, or one taken
 * right after the receive matched it (the sender may not have heard yet). A restart from either
 * checkpoint (mosexec --restart DIR) must finish the same way.
 * Output: rank 0 prints `ssend_migrate ok: S scenarios`. A wrong result names the scenario and
 * check and ends the job with status 1; status 2: bad usage or too few PEs.
 */
#include <mosix.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHECK(cond)                                                                                      \
    do {                                                                                                 \
        if (!(cond)) {                                                                                   \
            fprintf(stderr, "rank %d: scenario %s: %s:%d: check failed: %s\n", rank, scenario, __FILE__, \
                    __LINE__, #cond);                                                                    \
            MPI_Abort(MPI_COMM_WORLD, 1);                                                                \
        }                                                                                                \
    } while (0)

enum { kSender = 0, kReceiver = 1, kInts = 1000, kTagData = 1, kTagMoved = 2, kTagGo = 3 };

/* Globals stay with the PE when a rank moves, and ranks on one PE share them: each function asks
 * for its rank, and names its scenario, itself. */
static int my_rank(void) {
    int r = -1;
    MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}

static int where(void) {
    int pe = -1;
    mosix_where(&pe, NULL, 0);
    return pe;
}

static void move_to(int pe, const char* scenario) {
    int rank = my_rank();
    if (where() != pe) CHECK(mosix_migrate_to(pe) == MPI_SUCCESS);
    CHECK(where() == pe);
}

/* Sender and receiver go to their PEs; everyone meets. */
static void place(int sender_pe, int receiver_pe, const char* scenario) {
    int rank = my_rank();
    if (rank == kSender) move_to(sender_pe, scenario);
    if (rank == kReceiver) move_to(receiver_pe, scenario);
    MPI_Barrier(MPI_COMM_WORLD);
}

/* The send must stay incomplete while the receiver has not matched it: test it many times, letting
 * the network run in between (a completion that came early would show up here). */
static void expect_pending(MPI_Request* req, const char* scenario) {
    int rank = my_rank();
    for (int i = 0; i < 200; ++i) {
        int flag = 1;
        CHECK(MPI_Test(req, &flag, MPI_STATUS_IGNORE) == MPI_SUCCESS);
        CHECK(!flag);
        usleep(100);
    }
}

static void fill(int* v, int seed) {
    for (int i = 0; i < kInts; ++i) v[i] = seed * 100003 + i;
}

static void start_issend(int* send, int seed, MPI_Request* req) {
    fill(send, seed);
    MPI_Issend(send, kInts, MPI_INT, kReceiver, kTagData, MPI_COMM_WORLD, req);
}

/* The sender's side once its message has moved: still pending, then go, then complete. */
static void release_and_wait(MPI_Request* req, const char* scenario) {
    int rank = my_rank(), go = 1;
    expect_pending(req, scenario);
    MPI_Send(&go, 1, MPI_INT, kReceiver, kTagGo, MPI_COMM_WORLD);
    CHECK(MPI_Wait(req, MPI_STATUS_IGNORE) == MPI_SUCCESS);
}

/* The receiver's receive of the message, checked. */
static void receive_checked(int seed, const char* scenario) {
    int rank = my_rank(), *got = malloc(kInts * sizeof(int)), *want = malloc(kInts * sizeof(int));
    MPI_Recv(got, kInts, MPI_INT, kSender, kTagData, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    fill(want, seed);
    CHECK(memcmp(got, want, sizeof(int) * kInts) == 0);
    free(got), free(want);
}

/* The sender learns its message moved, then releases the receiver and waits. */
static void sender_finish(MPI_Request* req, const char* scenario) {
    int note = 0;
    MPI_Recv(&note, 1, MPI_INT, kReceiver, kTagMoved, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    release_and_wait(req, scenario);
}

/* The receiver tells the sender its message moved, waits for go, receives and checks. */
static void receiver_finish(int seed, const char* scenario) {
    int note = 1;
    MPI_Send(&note, 1, MPI_INT, kSender, kTagMoved, MPI_COMM_WORLD);
    MPI_Recv(&note, 1, MPI_INT, kSender, kTagGo, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    receive_checked(seed, scenario);
}

/* The receiver leaves `from` for `to` with the message waiting in its queue (its bytes are fetched
 * from another PE, or copied from a sender on the same PE, before it goes). */
static void receiver_leaves(const char* scenario, int sender_pe, int from, int to, int seed, int* send) {
    int rank = my_rank();
    place(sender_pe, from, scenario);
    MPI_Request req;
    if (rank == kSender) {
        start_issend(send, seed, &req);
        sender_finish(&req, scenario);
    } else if (rank == kReceiver) {
        MPI_Status st;
        MPI_Probe(kSender, kTagData, MPI_COMM_WORLD, &st); /* it is here, unmatched */
        move_to(to, scenario);
        receiver_finish(seed, scenario);
    }
    MPI_Barrier(MPI_COMM_WORLD);
}

/* The receiver moves first; the sender, not yet told where, sends to its old PE, which forwards. */
static void forwarded(int seed, int* send) {
    const char* scenario = "forwarded";
    int rank = my_rank();
    place(0, 1, scenario);
    MPI_Request req;
    if (rank == kReceiver) {
        move_to(2, scenario);
        receiver_finish(seed, scenario);
    } else if (rank == kSender) {
        int note = 0;
        MPI_Recv(&note, 1, MPI_INT, kReceiver, kTagMoved, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        start_issend(send, seed, &req);
        release_and_wait(&req, scenario);
    }
    MPI_Barrier(MPI_COMM_WORLD);
}

/* The sender leaves its PE with its message waiting in a same-PE receiver's queue. */
static void sender_leaves(int seed, int* send) {
    const char* scenario = "sender_leaves";
    int rank = my_rank();
    place(0, 0, scenario);
    MPI_Request req;
    if (rank == kSender) {
        start_issend(send, seed, &req);
        int note = 0;
        MPI_Recv(&note, 1, MPI_INT, kReceiver, kTagMoved, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        move_to(1, scenario);
        release_and_wait(&req, scenario);
    } else if (rank == kReceiver) {
        MPI_Status st;
        MPI_Probe(kSender, kTagData, MPI_COMM_WORLD, &st);
        receiver_finish(seed, scenario);
    }
    MPI_Barrier(MPI_COMM_WORLD);
}

/* A checkpoint while the send is unmatched (its bytes go into the receiver's image), or right after
 * the receive matched it: then the sender must have heard of the match by the time its image is
 * written, or a restarted sender would wait forever. */
static void checkpoint_with_issend(int matched, int seed, int* send) {
    const char* scenario = matched ? "checkpoint_matched" : "checkpoint_unmatched";
    int rank = my_rank();
    place(0, 1, scenario);
    MPI_Request req = MPI_REQUEST_NULL;
    if (rank == kSender) {
        start_issend(send, seed, &req);
    } else if (rank == kReceiver && matched) {
        receive_checked(seed, scenario);
    } else if (rank == kReceiver) {
        MPI_Status st;
        MPI_Probe(kSender, kTagData, MPI_COMM_WORLD, &st);
    }
    CHECK(mosix_checkpoint() == MPI_SUCCESS);
    if (rank == kSender && matched) CHECK(MPI_Wait(&req, MPI_STATUS_IGNORE) == MPI_SUCCESS);
    if (rank == kSender && !matched) sender_finish(&req, scenario);
    if (rank == kReceiver && !matched) receiver_finish(seed, scenario);
    MPI_Barrier(MPI_COMM_WORLD);
}

int main(int argc, char** argv) {
    int unmatched = 0, matched = 0;
    for (int i = 1; i < argc; ++i) {
        if (!strcmp(argv[i], "--checkpoint") && i + 1 < argc && !strcmp(argv[i + 1], "unmatched")) {
            unmatched = 1, ++i;
        } else if (!strcmp(argv[i], "--checkpoint") && i + 1 < argc && !strcmp(argv[i + 1], "matched")) {
            matched = 1, ++i;
        } else {
            fprintf(stderr, "usage: ssend_migrate [--checkpoint unmatched|matched]...\n");
            return 2;
        }
    }
    MPI_Init(&argc, &argv);
    int rank = 0, size = 0, npes = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mosix_npes(&npes);
    if (size < 2 || npes < 3) {
        if (rank == 0) fprintf(stderr, "ssend_migrate: needs 3 or more ranks on 3 or more PEs\n");
        MPI_Finalize();
        return 2;
    }
    int* send = malloc(kInts * sizeof(int)); /* the sender's buffer: rank memory, it travels */
    int scenarios = 0;
    receiver_leaves("receiver_leaves_remote", 0, 1, 2, 1, send), ++scenarios;
    receiver_leaves("receiver_leaves_to_sender", 0, 1, 0, 2, send), ++scenarios;
    receiver_leaves("receiver_leaves_local", 0, 0, 1, 3, send), ++scenarios;
    forwarded(4, send), ++scenarios;
    sender_leaves(5, send), ++scenarios;
    if (unmatched) checkpoint_with_issend(0, 6, send), ++scenarios;
    if (matched) checkpoint_with_issend(1, 7, send), ++scenarios;
    free(send);
    if (rank == 0) printf("ssend_migrate ok: %d scenarios\n", scenarios);
    MPI_Finalize();
    return 0;
}
