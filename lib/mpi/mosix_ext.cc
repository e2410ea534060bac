// mosix_ext.cc — mosix's own calls (mosix.h).
#include <mosix.h>
#include <unistd.h>

#include <cstring>

#include "lib/balance.hpp"
#include "lib/checkpoint.hpp"
#include "lib/coll/coll.hpp"
#include "lib/errors.hpp"
#include "lib/rank_state.hpp"
#include "runtime/checkpoint.hpp"
#include "runtime/library_entry.hpp"
#include "runtime/migration.hpp"
#include "runtime/rank_local.hpp"

using namespace mosix::lib;

extern "C" {

int mosix_where(int* pe, char* host, int hostlen) {
    MOSIX_LIBRARY_ENTRY();
    if (int e = check_initialized("mosix_where")) return e;
    MOSIX_CHECK(!host || hostlen > 0, MPI_COMM_WORLD, MPI_ERR_ARG, "mosix_where",
                "hostlen %d leaves no room for the host name", hostlen);
    if (host) {
        char name[MPI_MAX_PROCESSOR_NAME];
        if (gethostname(name, sizeof name) != 0) std::strcpy(name, "localhost");
        name[sizeof name - 1] = '\0';
        std::size_t n = std::strlen(name);
        if (n > static_cast<std::size_t>(hostlen) - 1) n = static_cast<std::size_t>(hostlen) - 1;
        std::memcpy(host, name, n);
        host[n] = '\0';
    }
    if (pe) *pe = mosix::rt::this_pe();
    return MPI_SUCCESS;
}

int mosix_migrate_to(int pe) {
    MOSIX_LIBRARY_ENTRY();
    if (int e = check_initialized("mosix_migrate_to")) return e;
    MOSIX_CHECK(pe >= 0, MPI_COMM_WORLD, MPI_ERR_ARG, "mosix_migrate_to", "PE %d is negative", pe);
    MOSIX_CHECK(pe < mosix::rt::npes(), MPI_COMM_WORLD, MPI_ERR_ARG, "mosix_migrate_to",
                "PE %d does not exist (the job has %d)", pe, mosix::rt::npes());
    if (pe == mosix::rt::this_pe()) return MPI_SUCCESS;
    MOSIX_CHECK(mosix::rt::migration_supported(), MPI_COMM_WORLD, MPI_ERR_UNSUPPORTED_OPERATION,
                "mosix_migrate_to",
                "cannot move to PE %d: this build keeps rank memory on the PE heap (sanitizer build)", pe);
    MOSIX_CHECK(mosix::rt::move_self_to(pe), MPI_COMM_WORLD, MPI_ERR_OTHER, "mosix_migrate_to",
                "PE %d already holds a rank, and this job runs one rank per PE (--rank-per-pe)", pe);
    return MPI_SUCCESS;
}

int mosix_npes(int* npes) {
    MOSIX_LIBRARY_ENTRY();
    if (int e = check_initialized("mosix_npes")) return e;
    MOSIX_CHECK(npes, MPI_COMM_WORLD, MPI_ERR_ARG, "mosix_npes", "npes is NULL");
    *npes = mosix::rt::npes();
    return MPI_SUCCESS;
}

int mosix_on_migration(mosix_migration_hook before_leaving, mosix_migration_hook after_arriving, void* arg) {
    MOSIX_LIBRARY_ENTRY();
    mosix::rt::Rank* r = mosix::rt::this_rank();
    if (!r) return MPI_ERR_OTHER;  // not a rank: there is no handler to report through
    r->before_leaving = before_leaving;
    r->after_arriving = after_arriving;
    r->hook_arg = arg;
    return MPI_SUCCESS;
}

int mosix_balance(void) {
    MOSIX_LIBRARY_ENTRY();
    if (int e = check_initialized("mosix_balance")) return e;
    balance_collective();
    return MPI_SUCCESS;
}

int MPIX_Migrate(MPI_Info info) {
    MOSIX_LIBRARY_ENTRY();
    if (int e = check_initialized("MPIX_Migrate")) return e;
    MOSIX_CHECK(info_valid_or_null(info), MPI_COMM_WORLD, MPI_ERR_INFO, "MPIX_Migrate",
                "info %#x is not a valid Info object", info);
    balance_collective();
    return MPI_SUCCESS;
}

int mosix_checkpoint(void) {
    MOSIX_LIBRARY_ENTRY();
    if (int e = check_initialized("mosix_checkpoint")) return e;
    if (int e = prepare_checkpoint("mosix_checkpoint")) return e;
    // Nothing of the PE's is held from here on: this frame may wake up in another process.
    mosix::rt::Rank* self = mosix::rt::this_rank();
    mosix::rt::checkpoint_suspend(self);
    self->restored = false;
    return MPI_SUCCESS;
}

void** mosix_rank_local(const void* id) {
    MOSIX_LIBRARY_ENTRY();
    mosix::rt::Rank* r = mosix::rt::this_rank();
    if (!r) return nullptr;
    if (!id) {
        raise_error(MPI_COMM_WORLD, MPI_ERR_ARG, "mosix_rank_local", "id is NULL");
        return nullptr;
    }
    void** slot = mosix::rt::rank_local_slot(r, id);
    if (!slot) raise_error(MPI_COMM_WORLD, MPI_ERR_NO_MEM, "mosix_rank_local", "out of memory for the table");
    return slot;
}

}  // extern "C"
