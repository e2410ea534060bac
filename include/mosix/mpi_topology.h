/*
 * mpi_topology.h — part of mpi.h (include <mpi.h>, not this file): Cartesian and graph process topologies and MPI_Dims_create.
 */
#ifndef MOSIX_MPI_TOPOLOGY_H
#define MOSIX_MPI_TOPOLOGY_H

#ifndef MOSIX_MPI_H
#error "include <mpi.h>, not mpi_topology.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif

#endif /* MOSIX_MPI_TOPOLOGY_H */
