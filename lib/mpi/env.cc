// env.cc — MPI_Init/Finalize and the environment queries.
#include <mpi.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <ctime>

#include "lib/coll/coll.hpp"
#include "lib/errors.hpp"
#include "lib/rank_state.hpp"
#include "runtime/library_entry.hpp"
#include "runtime/runtime.hpp"

using namespace mosix::lib;

namespace {

const char* check_rank_exit(mosix::rt::Rank* r) {
    if (!r->lib) return nullptr;
    auto* s = static_cast<RankState*>(r->lib);
    if (s->initialized && !s->finalized) return "returned from main without calling MPI_Finalize";
    return nullptr;
}

void describe_blocked(mosix::rt::Rank* r, char* out, std::size_t n) {
    if (!r->lib) return;
    auto* s = static_cast<RankState*>(r->lib);
    const Request* q = s->waiting_on;
    if (!q) return;
    if (q->kind == RequestKind::coll) {
        std::snprintf(out, n, "(waiting for the nonblocking collective %s to complete)", q->coll_call);
    } else if (q->kind == RequestKind::recv) {
        char src[32];
        if (q->peer == MPI_ANY_SOURCE)
            std::snprintf(src, sizeof src, "any rank");
        else
            std::snprintf(src, sizeof src, "rank %d", q->peer);
        char tag[32];
        if (q->tag == MPI_ANY_TAG)
            std::snprintf(tag, sizeof tag, "any tag");
        else
            std::snprintf(tag, sizeof tag, "tag %d", q->tag);
        std::snprintf(out, n, "(waiting for a message from %s, %s%s)", src, tag,
                      q->context & 1 ? ", inside a collective" : "");
    } else {
        std::snprintf(out, n, "(waiting for world rank %d to receive its %zu-byte message)", q->peer,
                      q->bytes);
    }
}

int init_common(const char* call) {
    if (!mosix::rt::this_rank())
        mosix::rt::fail_job(1, "%s called outside a rank (from a thread or a static constructor)", call);
    RankState& s = self_state();
    if (s.initialized) return raise_error(MPI_COMM_WORLD, MPI_ERR_OTHER, call, "MPI is already initialized");
    mosix::rt::set_rank_exit_check(check_rank_exit);
    mosix::rt::set_blocked_describer(describe_blocked);
    s.initialized = true;
    return MPI_SUCCESS;
}

}  // namespace

extern "C" {

int MPI_Init(int* argc, char*** argv) {
    MOSIX_LIBRARY_ENTRY();
    if (int e = init_common("MPI_Init")) return e;
    info_env_init(argc, argv, "MPI_THREAD_SINGLE");
    return MPI_SUCCESS;
}

int MPI_Init_thread(int* argc, char*** argv, int required, int* provided) {
    MOSIX_LIBRARY_ENTRY();
    if (int e = init_common("MPI_Init_thread")) return e;
    static const char* const kLevels[] = {"MPI_THREAD_SINGLE", "MPI_THREAD_FUNNELED", "MPI_THREAD_SERIALIZED",
                                          "MPI_THREAD_MULTIPLE"};
    info_env_init(argc, argv,
                  required >= MPI_THREAD_SINGLE && required <= MPI_THREAD_MULTIPLE ? kLevels[required] : "");
    MOSIX_CHECK(required >= MPI_THREAD_SINGLE && required <= MPI_THREAD_MULTIPLE, MPI_COMM_WORLD, MPI_ERR_ARG,
                "MPI_Init_thread", "required thread level %d is not one of MPI_THREAD_*", required);
    MOSIX_CHECK(provided, MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Init_thread", "provided is NULL");
    // Ranks are fibers of one thread: only the rank itself may call MPI.
    *provided = required < MPI_THREAD_FUNNELED ? required : MPI_THREAD_FUNNELED;
    return MPI_SUCCESS;
}

int MPI_Finalize(void) {
    MOSIX_LIBRARY_ENTRY();
    if (int e = check_initialized("MPI_Finalize")) return e;
    // As if MPI_COMM_SELF were freed first: its attributes' delete callbacks run now.
    if (int rc = attributes_delete_all(MPI_COMM_SELF))
        return raise_error(MPI_COMM_SELF, rc, "MPI_Finalize", "an attribute delete callback failed with %d",
                           rc);
    // Finalize is collective: no rank leaves while another may still talk to it.
    coll::barrier(*comm_get(MPI_COMM_WORLD));
    self_state().finalized = true;
    return MPI_SUCCESS;
}

int MPI_Initialized(int* flag) {
    MOSIX_LIBRARY_ENTRY();
    MOSIX_CHECK(flag, MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Initialized", "flag is NULL");
    *flag = mosix::rt::this_rank() && self_state().initialized;
    return MPI_SUCCESS;
}

int MPI_Finalized(int* flag) {
    MOSIX_LIBRARY_ENTRY();
    MOSIX_CHECK(flag, MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Finalized", "flag is NULL");
    *flag = mosix::rt::this_rank() && self_state().finalized;
    return MPI_SUCCESS;
}

int MPI_Query_thread(int* provided) {
    MOSIX_LIBRARY_ENTRY();
    MOSIX_CHECK(provided, MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Query_thread", "provided is NULL");
    *provided = MPI_THREAD_FUNNELED;
    return MPI_SUCCESS;
}

int MPI_Is_thread_main(int* flag) {
    MOSIX_LIBRARY_ENTRY();
    MOSIX_CHECK(flag, MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Is_thread_main", "flag is NULL");
    *flag = mosix::rt::this_rank() != nullptr;
    return MPI_SUCCESS;
}

int MPI_Abort(MPI_Comm, int errorcode) {
    MOSIX_LIBRARY_ENTRY();
    int status = errorcode & 0xff ? errorcode & 0xff : 1;
    mosix::rt::fail_job(status, "called MPI_Abort with error code %d", errorcode);
}

double MPI_Wtime(void) {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

double MPI_Wtick(void) {
    timespec ts;
    clock_getres(CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

int MPI_Get_processor_name(char* name, int* resultlen) {
    MOSIX_LIBRARY_ENTRY();
    MOSIX_CHECK(name && resultlen, MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Get_processor_name",
                "name or resultlen is NULL");
    if (gethostname(name, MPI_MAX_PROCESSOR_NAME) != 0) std::strcpy(name, "localhost");
    name[MPI_MAX_PROCESSOR_NAME - 1] = '\0';
    *resultlen = static_cast<int>(std::strlen(name));
    return MPI_SUCCESS;
}

int MPI_Get_version(int* version, int* subversion) {
    MOSIX_LIBRARY_ENTRY();
    MOSIX_CHECK(version && subversion, MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Get_version",
                "version or subversion is NULL");
    *version = MPI_VERSION;
    *subversion = MPI_SUBVERSION;
    return MPI_SUCCESS;
}

int MPI_Get_library_version(char* version, int* resultlen) {
    MOSIX_LIBRARY_ENTRY();
    MOSIX_CHECK(version && resultlen, MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Get_library_version",
                "version or resultlen is NULL");
    int n = std::snprintf(version, MPI_MAX_LIBRARY_VERSION_STRING,
                          "mosix " MOSIX_VERSION_STRING " (MPI %d.%d, migratable ranks)", MPI_VERSION,
                          MPI_SUBVERSION);
    *resultlen = n;
    return MPI_SUCCESS;
}

}  // extern "C"
