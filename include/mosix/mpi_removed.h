/*
 * mpi_removed.h — part of mpi.h (include <mpi.h>, not this file): the MPI-1 datatype and address
 * calls that MPI-2 deprecated and MPI-3.0 removed. Codes written to MPI-1 still call them (HPL and
 * HPC Challenge use MPI_Address and MPI_Type_struct), and MPICH and Open MPI still export them, so
 * mosix provides them too. Each is its MPI-2 replacement under the old name and signature:
 *
 *   MPI_Address        MPI_Get_address          MPI_Type_extent  MPI_Type_get_extent's extent
 *   MPI_Type_hvector   MPI_Type_create_hvector  MPI_Type_lb      MPI_Type_get_extent's lb
 *   MPI_Type_hindexed  MPI_Type_create_hindexed MPI_Type_ub      lb + extent
 *   MPI_Type_struct    MPI_Type_create_struct
 *
 * A missing pointer, a negative count or a NULL array is reported under the old name; what only the
 * replacement can judge (a datatype that is not valid, say) is reported under the replacement's.
 * The MPI_LB and MPI_UB marker types are not provided: use MPI_Type_create_resized.
 */
#ifndef MOSIX_MPI_REMOVED_H
#define MOSIX_MPI_REMOVED_H

#ifndef MOSIX_MPI_H
#error "include <mpi.h>, not mpi_removed.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif

int MPI_Address(void* location, MPI_Aint* address);
int MPI_Type_extent(MPI_Datatype datatype, MPI_Aint* extent);
int MPI_Type_lb(MPI_Datatype datatype, MPI_Aint* displacement);
int MPI_Type_ub(MPI_Datatype datatype, MPI_Aint* displacement);
int MPI_Type_hvector(int count, int blocklength, MPI_Aint stride, MPI_Datatype oldtype,
                     MPI_Datatype* newtype);
int MPI_Type_hindexed(int count, int array_of_blocklengths[], MPI_Aint array_of_displacements[],
                      MPI_Datatype oldtype, MPI_Datatype* newtype);
int MPI_Type_struct(int count, int array_of_blocklengths[], MPI_Aint array_of_displacements[],
                    MPI_Datatype array_of_types[], MPI_Datatype* newtype);

/* The profiling interface (MPI 3.1 chapter 14): the same calls under their PMPI_ names. */
int PMPI_Address(void* location, MPI_Aint* address);
int PMPI_Type_extent(MPI_Datatype datatype, MPI_Aint* extent);
int PMPI_Type_lb(MPI_Datatype datatype, MPI_Aint* displacement);
int PMPI_Type_ub(MPI_Datatype datatype, MPI_Aint* displacement);
int PMPI_Type_hvector(int count, int blocklength, MPI_Aint stride, MPI_Datatype oldtype,
                      MPI_Datatype* newtype);
int PMPI_Type_hindexed(int count, int array_of_blocklengths[], MPI_Aint array_of_displacements[],
                       MPI_Datatype oldtype, MPI_Datatype* newtype);
int PMPI_Type_struct(int count, int array_of_blocklengths[], MPI_Aint array_of_displacements[],
                     MPI_Datatype array_of_types[], MPI_Datatype* newtype);

#ifdef __cplusplus
}
#endif

#endif /* MOSIX_MPI_REMOVED_H */
