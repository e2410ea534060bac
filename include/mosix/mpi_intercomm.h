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

#ifdef __cplusplus
}
#endif

#endif /* MOSIX_MPI_INTERCOMM_H */
