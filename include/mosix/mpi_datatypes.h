/*
 * mpi_datatypes.h — part of mpi.h (include <mpi.h>, not this file): derived datatypes (contiguous, vector, indexed, struct, subarray, resized), pack/unpack and MPI_Get_elements.
 */
#ifndef MOSIX_MPI_DATATYPES_H
#define MOSIX_MPI_DATATYPES_H

#ifndef MOSIX_MPI_H
#error "include <mpi.h>, not mpi_datatypes.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif

#endif /* MOSIX_MPI_DATATYPES_H */
