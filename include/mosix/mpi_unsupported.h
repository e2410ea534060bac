/*
 * mpi_unsupported.h — part of mpi.h (include <mpi.h>, not this file): the MPI-3.1 calls mosix does not implement: each is declared so a program links, and each fails with MPI_ERR_UNSUPPORTED_OPERATION and a message naming the call.
 */
#ifndef MOSIX_MPI_UNSUPPORTED_H
#define MOSIX_MPI_UNSUPPORTED_H

#ifndef MOSIX_MPI_H
#error "include <mpi.h>, not mpi_unsupported.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif

#endif /* MOSIX_MPI_UNSUPPORTED_H */
