// pack.cc — MPI_Pack, MPI_Unpack, MPI_Pack_size, and counting what a receive got: MPI_Get_count
// and MPI_Get_elements. The packed form is lib/datatype_pack.hpp's: the data back to back in
// type-map order, so MPI_Pack_size is exact and a packed buffer can be sent as MPI_PACKED.
#include <mpi.h>

#include <algorithm>
#include <climits>

#include "checks.hpp"
#include "lib/datatype_derived.hpp"
#include "lib/datatype_pack.hpp"
#include "runtime/library_entry.hpp"

using namespace mosix::lib;

namespace {

int check_status(const MPI_Status* status, const void* out, const char* call) {
    if (int e = check_initialized(call)) return e;
    MOSIX_CHECK(status && status != MPI_STATUS_IGNORE && out, MPI_COMM_WORLD, MPI_ERR_ARG, call,
                "status or count is NULL");
    return MPI_SUCCESS;
}

// Basic elements in the first `bytes` of a message of `dt`, or -1 if it ends inside one.
long long elements_in(const Datatype& dt, long long bytes) {
    if (dt.size == 0) return 0;
    const auto size = static_cast<long long>(dt.size);
    ElementRun one;
    const ElementRun* runs = nullptr;
    const std::size_t nr = datatype_runs(dt, &one, &runs);
    long long per = 0;
    for (std::size_t r = 0; r < nr; ++r) per += static_cast<long long>(runs[r].count);
    long long n = bytes / size * per, rest = bytes % size;
    for (std::size_t r = 0; r < nr && rest > 0; ++r) {
        const auto s = static_cast<long long>(runs[r].size),
                   whole = std::min(rest / s, static_cast<long long>(runs[r].count));
        n += whole;
        rest -= whole * s;
        if (whole < static_cast<long long>(runs[r].count)) break;
    }
    return rest ? -1 : n;
}

int get_elements(const MPI_Status* status, MPI_Datatype datatype, long long* n, const char* call) {
    const Datatype* dt = datatype_get(datatype);
    MOSIX_CHECK(dt, MPI_COMM_WORLD, MPI_ERR_TYPE, call, "datatype %#x is not a valid datatype", datatype);
    *n = elements_in(*dt, status->mosix_bytes);
    return MPI_SUCCESS;
}

}  // namespace

extern "C" {

int MPI_Get_count(const MPI_Status* status, MPI_Datatype datatype, int* count) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Get_count";
    if (int e = check_status(status, count, call)) return e;
    const Datatype* dt = datatype_get(datatype);
    MOSIX_CHECK(dt, MPI_COMM_WORLD, MPI_ERR_TYPE, call, "datatype %#x is not valid", datatype);
    const auto size = static_cast<long long>(dt->size);
    if (size == 0)
        *count = 0;
    else if (status->mosix_bytes % size || status->mosix_bytes / size > INT_MAX)
        *count = MPI_UNDEFINED;
    else
        *count = static_cast<int>(status->mosix_bytes / size);
    return MPI_SUCCESS;
}

int MPI_Get_elements(const MPI_Status* status, MPI_Datatype datatype, int* count) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Get_elements";
    if (int e = check_status(status, count, call)) return e;
    long long n = 0;
    if (int e = get_elements(status, datatype, &n, call)) return e;
    *count = n < 0 || n > INT_MAX ? MPI_UNDEFINED : static_cast<int>(n);
    return MPI_SUCCESS;
}

int MPI_Get_elements_x(const MPI_Status* status, MPI_Datatype datatype, MPI_Count* count) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Get_elements_x";
    if (int e = check_status(status, count, call)) return e;
    long long n = 0;
    if (int e = get_elements(status, datatype, &n, call)) return e;
    *count = n < 0 ? MPI_UNDEFINED : n;
    return MPI_SUCCESS;
}

int MPI_Pack(const void* inbuf, int incount, MPI_Datatype datatype, void* outbuf, int outsize, int* position,
             MPI_Comm comm) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Pack";
    Comm* c = nullptr;
    const Datatype* dt = nullptr;
    if (int e = check_comm(comm, call, &c)) return e;
    if (int e = check_buffer(*c, comm, inbuf, incount, datatype, call, &dt)) return e;
    MOSIX_CHECK(position, comm, MPI_ERR_ARG, call, "position is NULL");
    MOSIX_CHECK(outsize >= 0 && *position >= 0 && *position <= outsize, comm, MPI_ERR_ARG, call,
                "position %d is not in 0..outsize (%d)", *position, outsize);
    const std::size_t bytes = static_cast<std::size_t>(incount) * dt->size;
    MOSIX_CHECK(bytes <= static_cast<std::size_t>(outsize - *position), comm, MPI_ERR_TRUNCATE, call,
                "%zu bytes to pack but only %d left in outbuf (outsize %d, position %d)", bytes,
                outsize - *position, outsize, *position);
    MOSIX_CHECK(outbuf || bytes == 0, comm, MPI_ERR_BUFFER, call, "outbuf is NULL");
    if (bytes) pack(inbuf, incount, *dt, static_cast<char*>(outbuf) + *position);
    *position += static_cast<int>(bytes);
    return MPI_SUCCESS;
}

int MPI_Unpack(const void* inbuf, int insize, int* position, void* outbuf, int outcount,
               MPI_Datatype datatype, MPI_Comm comm) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Unpack";
    Comm* c = nullptr;
    const Datatype* dt = nullptr;
    if (int e = check_comm(comm, call, &c)) return e;
    if (int e = check_buffer(*c, comm, outbuf, outcount, datatype, call, &dt)) return e;
    MOSIX_CHECK(position, comm, MPI_ERR_ARG, call, "position is NULL");
    MOSIX_CHECK(insize >= 0 && *position >= 0 && *position <= insize, comm, MPI_ERR_ARG, call,
                "position %d is not in 0..insize (%d)", *position, insize);
    const std::size_t bytes = static_cast<std::size_t>(outcount) * dt->size;
    MOSIX_CHECK(bytes <= static_cast<std::size_t>(insize - *position), comm, MPI_ERR_TRUNCATE, call,
                "%zu bytes to unpack but only %d left in inbuf (insize %d, position %d)", bytes,
                insize - *position, insize, *position);
    MOSIX_CHECK(inbuf || bytes == 0, comm, MPI_ERR_BUFFER, call, "inbuf is NULL");
    if (bytes) unpack(static_cast<const char*>(inbuf) + *position, bytes, outbuf, outcount, *dt);
    *position += static_cast<int>(bytes);
    return MPI_SUCCESS;
}

int MPI_Pack_size(int incount, MPI_Datatype datatype, MPI_Comm comm, int* size) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Pack_size";
    Comm* c = nullptr;
    if (int e = check_comm(comm, call, &c)) return e;
    MOSIX_CHECK(incount >= 0, comm, MPI_ERR_COUNT, call, "incount %d is negative", incount);
    const Datatype* dt = nullptr;
    if (int e = check_datatype(comm, datatype, call, &dt)) return e;
    MOSIX_CHECK(size, comm, MPI_ERR_ARG, call, "size is NULL");
    const std::size_t bytes = static_cast<std::size_t>(incount) * dt->size;
    MOSIX_CHECK(bytes <= INT_MAX, comm, MPI_ERR_COUNT, call,
                "%d elements pack to %zu bytes, more than an int holds", incount, bytes);
    *size = static_cast<int>(bytes);
    return MPI_SUCCESS;
}

}  // extern "C"
