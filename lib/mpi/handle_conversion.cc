// handle_conversion.cc — C and Fortran handles (mpi.h): the same integers, and the status as integers.
#include <mpi.h>

#include <cstring>

#include "checks.hpp"
#include "runtime/library_entry.hpp"

using namespace mosix::lib;

static_assert(sizeof(MPI_Status) % sizeof(MPI_Fint) == 0, "a Fortran status is whole MPI_Fints");

extern "C" {

MPI_Fint MPI_Comm_c2f(MPI_Comm comm) { return static_cast<MPI_Fint>(comm); }
MPI_Comm MPI_Comm_f2c(MPI_Fint comm) { return static_cast<MPI_Comm>(comm); }
MPI_Fint MPI_Errhandler_c2f(MPI_Errhandler errhandler) { return static_cast<MPI_Fint>(errhandler); }
MPI_Errhandler MPI_Errhandler_f2c(MPI_Fint errhandler) { return static_cast<MPI_Errhandler>(errhandler); }
MPI_Fint MPI_File_c2f(MPI_File file) { return static_cast<MPI_Fint>(file); }
MPI_File MPI_File_f2c(MPI_Fint file) { return static_cast<MPI_File>(file); }
MPI_Fint MPI_Group_c2f(MPI_Group group) { return static_cast<MPI_Fint>(group); }
MPI_Group MPI_Group_f2c(MPI_Fint group) { return static_cast<MPI_Group>(group); }
MPI_Fint MPI_Info_c2f(MPI_Info info) { return static_cast<MPI_Fint>(info); }
MPI_Info MPI_Info_f2c(MPI_Fint info) { return static_cast<MPI_Info>(info); }
MPI_Fint MPI_Message_c2f(MPI_Message message) { return static_cast<MPI_Fint>(message); }
MPI_Message MPI_Message_f2c(MPI_Fint message) { return static_cast<MPI_Message>(message); }
MPI_Fint MPI_Op_c2f(MPI_Op op) { return static_cast<MPI_Fint>(op); }
MPI_Op MPI_Op_f2c(MPI_Fint op) { return static_cast<MPI_Op>(op); }
MPI_Fint MPI_Type_c2f(MPI_Datatype datatype) { return static_cast<MPI_Fint>(datatype); }
MPI_Datatype MPI_Type_f2c(MPI_Fint datatype) { return static_cast<MPI_Datatype>(datatype); }
MPI_Fint MPI_Win_c2f(MPI_Win win) { return static_cast<MPI_Fint>(win); }
MPI_Win MPI_Win_f2c(MPI_Fint win) { return static_cast<MPI_Win>(win); }

int MPI_Status_c2f(const MPI_Status* c_status, MPI_Fint* f_status) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Status_c2f";
    MOSIX_CHECK(c_status && c_status != MPI_STATUS_IGNORE, MPI_COMM_NULL, MPI_ERR_ARG, call,
                "c_status is NULL or MPI_STATUS_IGNORE");
    MOSIX_CHECK(f_status, MPI_COMM_NULL, MPI_ERR_ARG, call, "f_status is NULL");
    std::memcpy(f_status, c_status, sizeof(MPI_Status));
    return MPI_SUCCESS;
}

int MPI_Status_f2c(const MPI_Fint* f_status, MPI_Status* c_status) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Status_f2c";
    MOSIX_CHECK(f_status, MPI_COMM_NULL, MPI_ERR_ARG, call, "f_status is NULL");
    MOSIX_CHECK(c_status && c_status != MPI_STATUS_IGNORE, MPI_COMM_NULL, MPI_ERR_ARG, call,
                "c_status is NULL or MPI_STATUS_IGNORE");
    std::memcpy(c_status, f_status, sizeof(MPI_Status));
    return MPI_SUCCESS;
}

}  // extern "C"
