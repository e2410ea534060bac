/*
 * mpi_intercomm.h — part of mpi.h (include <mpi.h>, not this file): intercommunicators and MPI_Comm_create_group.
 */
#ifndef MOSIX_MPI_INTERCOMM_H
#define MOSIX_MPI_INTERCOMM_H

#ifndef MOSIX_MPI_H
#error "include <mpi.h>, not mpi_intercomm.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Intercommunicators: two disjoint groups that talk across. On one, MPI_Comm_rank, MPI_Comm_size
 * and MPI_Comm_group describe the caller's (local) group; point-to-point ranks (dest, source,
 * status.MPI_SOURCE) name members of the remote group, and MPI_ANY_SOURCE matches any of them.
 * MPI_Comm_dup, MPI_Comm_split, MPI_Comm_compare and MPI_Comm_free work on them too.
 * Collectives: MPI_Barrier, MPI_Bcast (the root passes MPI_ROOT, its group mates MPI_PROC_NULL,
 * the other group the root's rank in it) and MPI_Allreduce (each group gets the reduction of the
 * other group's data; no MPI_IN_PLACE). The other collectives, MPI_Comm_create and
 * MPI_Comm_split_type fail on an intercommunicator with MPI_ERR_COMM and a message saying so.
 *
 * MPI_Intercomm_create is collective over local_comm; peer_comm, remote_leader and tag are read
 * at local_leader only, whose exchange with the remote leader travels on peer_comm under tag.
 * MPI_Intercomm_merge orders the group that passed high = 0 first (if both passed the same, the
 * group whose first member has the lower rank in MPI_COMM_WORLD). */
int MPI_Intercomm_create(MPI_Comm local_comm, int local_leader, MPI_Comm peer_comm, int remote_leader, int tag,
                         MPI_Comm* newintercomm);
int MPI_Intercomm_merge(MPI_Comm intercomm, int high, MPI_Comm* newintracomm);
int MPI_Comm_remote_size(MPI_Comm comm, int* size);
int MPI_Comm_remote_group(MPI_Comm comm, MPI_Group* group);

/* MPI-3: collective over the members of group only (a subset of comm's group); the other members
 * of comm do not call it. tag (>= 0) keeps concurrent calls on overlapping groups apart. */
int MPI_Comm_create_group(MPI_Comm comm, MPI_Group group, int tag, MPI_Comm* newcomm);

/* ---- the profiling interface ------------------------------------------------------------- */
int PMPI_Intercomm_create(MPI_Comm local_comm, int local_leader, MPI_Comm peer_comm, int remote_leader,
                          int tag, MPI_Comm* newintercomm);
int PMPI_Intercomm_merge(MPI_Comm intercomm, int high, MPI_Comm* newintracomm);
int PMPI_Comm_remote_size(MPI_Comm comm, int* size);
int PMPI_Comm_remote_group(MPI_Comm comm, MPI_Group* group);
int PMPI_Comm_create_group(MPI_Comm comm, MPI_Group group, int tag, MPI_Comm* newcomm);

#ifdef __cplusplus
}
#endif

#endif /* MOSIX_MPI_INTERCOMM_H */
