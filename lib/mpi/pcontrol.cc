// pcontrol.cc — MPI_Pcontrol: the standard lets a library without profiling levels ignore it.
#include <mpi.h>

#include "lib/errors.hpp"
#include "runtime/library_entry.hpp"

extern "C" int MPI_Pcontrol(const int level, ...) {
    MOSIX_LIBRARY_ENTRY();
    (void)level;  // any level is valid; mosix's own measurements do not depend on it
    return MPI_SUCCESS;
}
