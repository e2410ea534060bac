/*
 * mpi_nonblocking_coll.h — part of mpi.h (include <mpi.h>, not this file): nonblocking collectives: MPI_Ibarrier, MPI_Ibcast, MPI_Iallreduce and the rest, progressed by the Wait/Test calls.
 */
#ifndef MOSIX_MPI_NONBLOCKING_COLL_H
#define MOSIX_MPI_NONBLOCKING_COLL_H

#ifndef MOSIX_MPI_H
#error "include <mpi.h>, not mpi_nonblocking_coll.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif

#endif /* MOSIX_MPI_NONBLOCKING_COLL_H */
