// removed_mpi1.cc — the MPI-1 datatype and address calls MPI-3.0 removed (include/mosix/
// mpi_removed.h): each checks what it can under its own name, then is its MPI-2 replacement.
#include <mpi.h>

#include "lib/errors.hpp"
#include "runtime/library_entry.hpp"

using namespace mosix::lib;

namespace {

// count >= 0, and an array of count entries present when count > 0.
int check_counted(int count, const void* array, const char* name, const char* call) {
    MOSIX_CHECK(count >= 0, MPI_COMM_NULL, MPI_ERR_COUNT, call, "count %d is negative", count);
    MOSIX_CHECK(array || count == 0, MPI_COMM_NULL, MPI_ERR_ARG, call, "%s is NULL", name);
    return MPI_SUCCESS;
}

}  // namespace

extern "C" {

int MPI_Address(void* location, MPI_Aint* address) {
    MOSIX_LIBRARY_ENTRY();
    MOSIX_CHECK(address, MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Address", "address is NULL");
    return MPI_Get_address(location, address);
}

int MPI_Type_extent(MPI_Datatype datatype, MPI_Aint* extent) {
    MOSIX_LIBRARY_ENTRY();
    MOSIX_CHECK(extent, MPI_COMM_NULL, MPI_ERR_ARG, "MPI_Type_extent", "extent is NULL");
    MPI_Aint lb = 0;
    return MPI_Type_get_extent(datatype, &lb, extent);
}

int MPI_Type_lb(MPI_Datatype datatype, MPI_Aint* displacement) {
    MOSIX_LIBRARY_ENTRY();
    MOSIX_CHECK(displacement, MPI_COMM_NULL, MPI_ERR_ARG, "MPI_Type_lb", "displacement is NULL");
    MPI_Aint extent = 0;
    return MPI_Type_get_extent(datatype, displacement, &extent);
}

int MPI_Type_ub(MPI_Datatype datatype, MPI_Aint* displacement) {
    MOSIX_LIBRARY_ENTRY();
    MOSIX_CHECK(displacement, MPI_COMM_NULL, MPI_ERR_ARG, "MPI_Type_ub", "displacement is NULL");
    MPI_Aint lb = 0, extent = 0;
    int e = MPI_Type_get_extent(datatype, &lb, &extent);
    if (e == MPI_SUCCESS) *displacement = lb + extent;
    return e;
}

int MPI_Type_hvector(int count, int blocklength, MPI_Aint stride, MPI_Datatype oldtype,
                     MPI_Datatype* newtype) {
    MOSIX_LIBRARY_ENTRY();
    MOSIX_CHECK(count >= 0, MPI_COMM_NULL, MPI_ERR_COUNT, "MPI_Type_hvector", "count %d is negative", count);
    MOSIX_CHECK(newtype, MPI_COMM_NULL, MPI_ERR_ARG, "MPI_Type_hvector", "newtype is NULL");
    return MPI_Type_create_hvector(count, blocklength, stride, oldtype, newtype);
}

int MPI_Type_hindexed(int count, int array_of_blocklengths[], MPI_Aint array_of_displacements[],
                      MPI_Datatype oldtype, MPI_Datatype* newtype) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Type_hindexed";
    if (int e = check_counted(count, array_of_blocklengths, "array_of_blocklengths", call)) return e;
    if (int e = check_counted(count, array_of_displacements, "array_of_displacements", call)) return e;
    MOSIX_CHECK(newtype, MPI_COMM_NULL, MPI_ERR_ARG, call, "newtype is NULL");
    return MPI_Type_create_hindexed(count, array_of_blocklengths, array_of_displacements, oldtype, newtype);
}

int MPI_Type_struct(int count, int array_of_blocklengths[], MPI_Aint array_of_displacements[],
                    MPI_Datatype array_of_types[], MPI_Datatype* newtype) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Type_struct";
    if (int e = check_counted(count, array_of_blocklengths, "array_of_blocklengths", call)) return e;
    if (int e = check_counted(count, array_of_displacements, "array_of_displacements", call)) return e;
    if (int e = check_counted(count, array_of_types, "array_of_types", call)) return e;
    MOSIX_CHECK(newtype, MPI_COMM_NULL, MPI_ERR_ARG, call, "newtype is NULL");
    return MPI_Type_create_struct(count, array_of_blocklengths, array_of_displacements, array_of_types,
                                  newtype);
}

}  // extern "C"
