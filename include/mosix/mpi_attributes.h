/*
 * mpi_attributes.h — part of mpi.h (include <mpi.h>, not this file): attribute caching and keyvals, Info objects, user error classes and codes.
 */
#ifndef MOSIX_MPI_ATTRIBUTES_H
#define MOSIX_MPI_ATTRIBUTES_H

#ifndef MOSIX_MPI_H
#error "include <mpi.h>, not mpi_attributes.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif

#endif /* MOSIX_MPI_ATTRIBUTES_H */
