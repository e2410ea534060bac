// status_set.cc — MPI_Status_set_elements(_x) and MPI_Status_set_cancelled: a status filled in by
// the program (a generalized request's query function, a library layered on MPI) reads back
// through MPI_Get_count, MPI_Get_elements and MPI_Test_cancelled like one mosix filled in.
#include <mpi.h>

#include "checks.hpp"
#include "runtime/library_entry.hpp"

using namespace mosix::lib;

namespace {

int set_elements(MPI_Status* status, MPI_Datatype datatype, long long count, const char* call) {
    MOSIX_CHECK(status && status != MPI_STATUS_IGNORE, MPI_COMM_NULL, MPI_ERR_ARG, call,
                "status is NULL or MPI_STATUS_IGNORE");
    const Datatype* dt = datatype_get(datatype);
    MOSIX_CHECK(dt, MPI_COMM_NULL, MPI_ERR_TYPE, call, "datatype %#x is not a valid datatype", datatype);
    MOSIX_CHECK(count >= 0, MPI_COMM_NULL, MPI_ERR_COUNT, call, "count %lld is negative", count);
    status->mosix_bytes = count * static_cast<long long>(dt->size);
    return MPI_SUCCESS;
}

}  // namespace

extern "C" {

int MPI_Status_set_elements(MPI_Status* status, MPI_Datatype datatype, int count) {
    MOSIX_LIBRARY_ENTRY();
    return set_elements(status, datatype, count, "MPI_Status_set_elements");
}

int MPI_Status_set_elements_x(MPI_Status* status, MPI_Datatype datatype, MPI_Count count) {
    MOSIX_LIBRARY_ENTRY();
    return set_elements(status, datatype, count, "MPI_Status_set_elements_x");
}

int MPI_Status_set_cancelled(MPI_Status* status, int flag) {
    MOSIX_LIBRARY_ENTRY();
    MOSIX_CHECK(status && status != MPI_STATUS_IGNORE, MPI_COMM_NULL, MPI_ERR_ARG, "MPI_Status_set_cancelled",
                "status is NULL or MPI_STATUS_IGNORE");
    status->mosix_cancelled = flag ? 1 : 0;
    return MPI_SUCCESS;
}

}  // extern "C"
