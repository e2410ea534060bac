/*
 * mosix.h — mosix's own calls: where a rank runs, explicit migration, load balancing, checkpoint.
 *
 * The MPI standard's calls are in mpi.h; this header holds only what MPI has no name for. A
 * program that uses it still builds and runs unchanged elsewhere if it guards the calls with
 * `#ifdef MOSIX_MPI` (defined by mpi.h).
 *
 * Thread safety: like every MPI call, these must be made by a rank (from its main or what main
 * calls), between MPI_Init and MPI_Finalize.
 *
 * Errors: each call returns MPI_SUCCESS or an MPI error class. Errors go through MPI_COMM_WORLD's
 * error handler first, as for MPI calls without a communicator: under the default handler
 * (MPI_ERRORS_ARE_FATAL) an error ends the job with one line naming the rank, the call and the
 * reason; under MPI_ERRORS_RETURN the call returns the class.
 *
 * Migration: a rank moves between PEs (processes, possibly on other hosts) while the job runs,
 * when it asks (mosix_migrate_to), when an operator asks (mosctl migrate) or when the balancer
 * decides. It moves only at a library call (every MPI_ and mosix_ call is a migration point), so
 * code between calls never sees the move. docs/migration.md says what moves with a rank (its
 * stack, heap, pending requests and messages) and what does not (globals, its own mmap, files,
 * threads). Under `mosexec --rank-per-pe` each PE holds at most one rank and the program's
 * globals move with it (docs/rank-memory.md, "Mutable globals").
 *
 * Checkpoint/restart: mosix_checkpoint() writes the whole job to disk; `mosexec --restart DIR`
 * starts it again from there, on any number of PEs and hosts (docs/checkpoint.md).
 */
#ifndef MOSIX_MOSIX_H
#define MOSIX_MOSIX_H

#include "mpi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where the calling rank runs now: stores its PE's index (0..PEs-1) in *pe and the
 * PE's host name, NUL-terminated and truncated to fit, in host[0..hostlen-1].
 * REQUIRES: pe is NULL or writable; host is NULL (name not wanted) or holds hostlen > 0 bytes.
 * Outcomes: MPI_SUCCESS; MPI_ERR_ARG if host is not NULL and hostlen <= 0 (nothing written);
 * MPI_ERR_OTHER if called before MPI_Init or after MPI_Finalize.
 * A rank that migrates between two calls sees different answers: the result is a snapshot. */
int mosix_where(int* pe, char* host, int hostlen);

/* Moves the calling rank to PE `pe` and returns once it runs there; the rank's memory, pending
 * requests and messages move with it, including its own sends still in flight (they complete as
 * they would have). The move never waits for another rank to act.
 * Outcomes: MPI_SUCCESS once the rank runs on `pe` (at once if it already does); MPI_ERR_ARG if
 * pe < 0 or not a PE of the job; MPI_ERR_UNSUPPORTED_OPERATION in builds where rank memory is not
 * in the rank's slot (the AddressSanitizer build); MPI_ERR_OTHER outside MPI_Init..MPI_Finalize,
 * or, under `mosexec --rank-per-pe`, if PE `pe` holds a rank (the rank stays where it is). */
int mosix_migrate_to(int pe);

/* The number of PEs of the job (valid targets for mosix_migrate_to are 0..npes-1).
 * Outcomes: MPI_SUCCESS; MPI_ERR_ARG if npes is NULL; MPI_ERR_OTHER outside
 * MPI_Init..MPI_Finalize. */
int mosix_npes(int* npes);

/* Called on a migrating rank: `before_leaving` on the old PE just before it is packed, and
 * `after_arriving` on the new PE before the interrupted library call goes on, each with the PE
 * the rank leaves and the one it goes to, and `arg`. Use them for what does not move by itself:
 * close and reopen a file, drop a PE-wide cache, re-pin to a device. They run as the rank's own
 * code and may allocate; they must not make MPI or mosix calls that communicate. before_leaving
 * may run more than once for one move (if the rank is not ready to leave yet and tries again).
 * One pair per rank: a second call replaces the first; NULL removes a hook. The hooks and `arg`
 * move with the rank (arg should point into the rank's own memory).
 * Outcomes: MPI_SUCCESS; MPI_ERR_OTHER if called outside a rank. May be called before MPI_Init. */
typedef void (*mosix_migration_hook)(int from_pe, int to_pe, void* arg);
int mosix_on_migration(mosix_migration_hook before_leaving, mosix_migration_hook after_arriving, void* arg);

/* A collective load-balancing point over MPI_COMM_WORLD: every rank must call it (like
 * MPI_Barrier). Every rank's measured load and memory and the PEs' speed and free memory are
 * gathered, a full rebalance is planned (greedy: each rank to the PE that finishes its work
 * soonest, ranks staying put when that is within the tolerance), and the ranks that should move
 * do, before it returns. The runtime also balances on its own, periodically, without this call;
 * this one is for programs that know when their load changed (mosexec --lb=off turns both off:
 * then it only synchronizes).
 * Outcomes: MPI_SUCCESS once every rank has called it and the moves are done; MPI_ERR_OTHER
 * outside MPI_Init..MPI_Finalize. */
int mosix_balance(void);

/* Writes a checkpoint of the whole job, from which `mosexec --restart` can start it again on any
 * number of PEs and hosts. Collective: every rank of MPI_COMM_WORLD calls it, and it returns once
 * the checkpoint is committed on disk (in the directory given by `mosexec --checkpoint-dir`, as
 * DIR/ckpt-N; older ones beyond --checkpoint-keep are removed). Messages in flight are taken in
 * first, so a rank may call it with receives posted and messages waiting. In a restarted job the
 * ranks wake up returning from this call, with their memory, requests and messages as they were.
 * What is not in a rank's memory is not in a checkpoint: open files, sockets, threads, the
 * program's own mmap regions.
 * Outcomes: MPI_SUCCESS (after writing, or after a restart); MPI_ERR_OTHER if the job has no
 * checkpoint directory or outside MPI_Init..MPI_Finalize; MPI_ERR_UNSUPPORTED_OPERATION in builds
 * where rank memory is not in the rank's slot (the AddressSanitizer build). A failure to write
 * (disk full, permissions) ends the job with a message naming the file. */
int mosix_checkpoint(void);

/* Rank-local storage: the answer to mutable globals. Ranks share a PE's globals, so a variable
 * that must hold one value per rank (a counter, a cache, "my rank") is reached through an id
 * instead — any address that is the same for every rank, typically that of a static object:
 *
 *     static char counter_id;                           // its address is the id
 *     void** slot = mosix_rank_local(&counter_id);
 *     if (!*slot) *slot = calloc(1, sizeof(long));      // first use on this rank
 *     ++*(long*)*slot;
 *
 * Returns the address of the calling rank's pointer-sized slot for `id`, NULL on first use for
 * that id; the slot lives in the rank's own memory and stays valid for the rank's lifetime (and
 * moves with the rank). Memory the rank stores there is the rank's own. Returns NULL (and reports
 * MPI_ERR_ARG through MPI_COMM_WORLD's handler) if id is NULL, or if called outside a rank.
 * May be called before MPI_Init and after MPI_Finalize. */
void** mosix_rank_local(const void* id);

#ifdef __cplusplus
}
#endif

#endif /* MOSIX_MOSIX_H */
