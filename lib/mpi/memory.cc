// memory.cc — MPI's memory and address calls: MPI_Alloc_mem/MPI_Free_mem, MPI_Get_address and the
// MPI_Aint arithmetic helpers.
#include <mpi.h>

#include <cstdint>

#include "checks.hpp"
#include "runtime/library_entry.hpp"
#include "runtime/rank_memory.hpp"

using namespace mosix::lib;

extern "C" {

// From the rank's own heap, so the memory moves with the rank like any malloc of its code.
int MPI_Alloc_mem(MPI_Aint size, MPI_Info info, void* baseptr) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Alloc_mem";
    if (int e = check_initialized(call)) return e;
    MOSIX_CHECK(size >= 0, MPI_COMM_WORLD, MPI_ERR_ARG, call, "size %lld is negative",
                static_cast<long long>(size));
    MOSIX_CHECK(baseptr, MPI_COMM_WORLD, MPI_ERR_ARG, call, "baseptr is NULL");
    MOSIX_CHECK(info_valid_or_null(info), MPI_COMM_WORLD, MPI_ERR_INFO, call,
                "info %#x is not a valid Info object", info);
    void* p = mosix::rt::rank_alloc(size > 0 ? static_cast<std::size_t>(size) : 1);
    MOSIX_CHECK(p, MPI_COMM_WORLD, MPI_ERR_NO_MEM, call, "cannot allocate %lld bytes",
                static_cast<long long>(size));
    *static_cast<void**>(baseptr) = p;
    return MPI_SUCCESS;
}

int MPI_Free_mem(void* base) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Free_mem";
    if (int e = check_initialized(call)) return e;
    mosix::rt::rank_free(base);
    return MPI_SUCCESS;
}

int MPI_Get_address(const void* location, MPI_Aint* address) {
    MOSIX_LIBRARY_ENTRY();
    MOSIX_CHECK(address, MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Get_address", "address is NULL");
    *address = reinterpret_cast<MPI_Aint>(location);
    return MPI_SUCCESS;
}

// Plain arithmetic on addresses (MPI 3.1 section 4.1.5): no library state, no errors.
MPI_Aint MPI_Aint_add(MPI_Aint base, MPI_Aint disp) {
    return static_cast<MPI_Aint>(static_cast<std::uintptr_t>(base) + static_cast<std::uintptr_t>(disp));
}

MPI_Aint MPI_Aint_diff(MPI_Aint addr1, MPI_Aint addr2) {
    return static_cast<MPI_Aint>(static_cast<std::uintptr_t>(addr1) - static_cast<std::uintptr_t>(addr2));
}

}  // extern "C"
