#include "bootstrap.hpp"

#include <pmix.h>
#include <sched.h>

#include <atomic>
#include <cstdlib>
#include <cstring>

namespace mosix::rt::net {

namespace {

pmix_proc_t self_proc;
bool initialized = false;

std::string pmix_error(const char* what, pmix_status_t rc) {
    return std::string(what) + " failed: " + PMIx_Error_string(rc);
}

// Reads a job-level uint32 attribute (job size, local size); false if the launcher lacks it.
bool get_u32(const pmix_proc_t& who, const char* key, int* out) {
    pmix_value_t* v = nullptr;
    if (PMIx_Get(&who, key, nullptr, 0, &v) != PMIX_SUCCESS || !v) return false;
    bool ok = true;
    switch (v->type) {
        case PMIX_UINT32:
            *out = static_cast<int>(v->data.uint32);
            break;
        case PMIX_UINT16:
            *out = static_cast<int>(v->data.uint16);
            break;
        case PMIX_INT:
            *out = v->data.integer;
            break;
        case PMIX_PROC_RANK:
            *out = static_cast<int>(v->data.rank);
            break;
        default:
            ok = false;
    }
    PMIX_VALUE_RELEASE(v);
    return ok;
}

}  // namespace

bool launched_by_pmix() noexcept {
    return std::getenv("PMIX_NAMESPACE") != nullptr || std::getenv("PMIX_SERVER_URI4") != nullptr ||
           std::getenv("PMIX_SERVER_URI3") != nullptr || std::getenv("PMIX_SERVER_URI2") != nullptr;
}

std::string bootstrap_init(PeIdentity* id) {
    pmix_status_t rc = PMIx_Init(&self_proc, nullptr, 0);
    if (rc != PMIX_SUCCESS)
        return pmix_error("connecting to the launcher's PMIx server (start the job with mosexec)", rc);
    initialized = true;
    pmix_proc_t job;
    PMIX_PROC_LOAD(&job, self_proc.nspace, PMIX_RANK_WILDCARD);
    id->pe = static_cast<int>(self_proc.rank);
    if (!get_u32(job, PMIX_JOB_SIZE, &id->npes)) return "the launcher did not tell the job size";
    if (!get_u32(self_proc, PMIX_LOCAL_RANK, &id->local_pe)) id->local_pe = id->pe;
    if (!get_u32(job, PMIX_LOCAL_SIZE, &id->local_npes)) id->local_npes = id->npes;
    return {};
}

std::string bootstrap_exchange(const char* key, const std::vector<unsigned char>& blob,
                               std::vector<std::vector<unsigned char>>* all) {
    pmix_value_t value;
    PMIX_VALUE_CONSTRUCT(&value);
    value.type = PMIX_BYTE_OBJECT;
    value.data.bo.bytes = reinterpret_cast<char*>(const_cast<unsigned char*>(blob.data()));
    value.data.bo.size = blob.size();
    pmix_status_t rc = PMIx_Put(PMIX_GLOBAL, key, &value);
    if (rc != PMIX_SUCCESS) return pmix_error("PMIx_Put", rc);
    if ((rc = PMIx_Commit()) != PMIX_SUCCESS) return pmix_error("PMIx_Commit", rc);
    pmix_info_t info;
    bool collect = true;
    PMIX_INFO_LOAD(&info, PMIX_COLLECT_DATA, &collect, PMIX_BOOL);
    rc = PMIx_Fence(nullptr, 0, &info, 1);
    PMIX_INFO_DESTRUCT(&info);
    if (rc != PMIX_SUCCESS) return pmix_error("PMIx_Fence", rc);
    pmix_proc_t job;
    PMIX_PROC_LOAD(&job, self_proc.nspace, PMIX_RANK_WILDCARD);
    int npes = 0;
    if (!get_u32(job, PMIX_JOB_SIZE, &npes)) return "the launcher did not tell the job size";
    all->assign(static_cast<std::size_t>(npes), {});
    for (int pe = 0; pe < npes; ++pe) {
        pmix_proc_t peer;
        PMIX_PROC_LOAD(&peer, self_proc.nspace, static_cast<pmix_rank_t>(pe));
        pmix_value_t* v = nullptr;
        rc = PMIx_Get(&peer, key, nullptr, 0, &v);
        if (rc != PMIX_SUCCESS || !v || v->type != PMIX_BYTE_OBJECT)
            return pmix_error(("reading PE " + std::to_string(pe) + "'s address").c_str(), rc);
        auto* bytes = reinterpret_cast<unsigned char*>(v->data.bo.bytes);
        (*all)[static_cast<std::size_t>(pe)].assign(bytes, bytes + v->data.bo.size);
        PMIX_VALUE_RELEASE(v);
    }
    return {};
}

std::string bootstrap_fence(void (*progress)()) {
    struct Done {
        std::atomic<bool> flag{false};
        pmix_status_t status = PMIX_SUCCESS;
    } done;
    // The callback runs on PMIx's own thread.
    auto cb = [](pmix_status_t status, void* arg) {
        auto* d = static_cast<Done*>(arg);
        d->status = status;
        d->flag.store(true, std::memory_order_release);
    };
    pmix_status_t rc = PMIx_Fence_nb(nullptr, 0, nullptr, 0, cb, &done);
    if (rc != PMIX_SUCCESS) return pmix_error("PMIx_Fence_nb", rc);
    while (!done.flag.load(std::memory_order_acquire)) {
        if (progress)
            progress();
        else
            sched_yield();
    }
    return done.status == PMIX_SUCCESS ? std::string() : pmix_error("PMIx_Fence", done.status);
}

void bootstrap_finalize() noexcept {
    if (initialized) PMIx_Finalize(nullptr, 0);
    initialized = false;
}

}  // namespace mosix::rt::net
