// wait.cc — completion of nonblocking requests: the Wait and Test families and Request_free.
#include <mpi.h>

#include "lib/errors.hpp"
#include "lib/nbc/schedule.hpp"
#include "lib/p2p.hpp"
#include "runtime/library_entry.hpp"
#include "runtime/scheduler.hpp"

using namespace mosix::lib;

namespace mosix::lib {
int report_recv_error(MPI_Comm comm, const Request* req, const char* call);
}

namespace {

constexpr MPI_Status kEmptyStatus{MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_SUCCESS, 0, 0};

void set_status(MPI_Status* status, const MPI_Status& value) {
    if (status != MPI_STATUS_IGNORE && status) *status = value;
}

MPI_Status* status_at(MPI_Status* array, int i) {
    return array == MPI_STATUSES_IGNORE ? MPI_STATUS_IGNORE : &array[i];
}

int check_request_array(int count, MPI_Request* requests, const char* call) {
    if (int e = check_initialized(call)) return e;
    MOSIX_CHECK(count >= 0, MPI_COMM_WORLD, MPI_ERR_COUNT, call, "count %d is negative", count);
    MOSIX_CHECK(requests || count == 0, MPI_COMM_WORLD, MPI_ERR_REQUEST, call, "array of requests is NULL");
    for (int i = 0; i < count; ++i)
        MOSIX_CHECK(requests[i] == MPI_REQUEST_NULL || request_valid(requests[i]), MPI_COMM_WORLD,
                    MPI_ERR_REQUEST, call, "request %d is not a valid request", i);
    return MPI_SUCCESS;
}

// Nonblocking collectives under way go on in every Wait and Test call (lib/nbc/schedule.hpp).
void progress() { nbc::progress(self_state()); }

// A nonblocking collective whose ranks passed different amounts of data.
int report_coll_error(const Request* r, const char* call) {
    if (r->status_error == MPI_SUCCESS) return MPI_SUCCESS;
    return raise_error(r->comm, r->status_error, call,
                       "message truncated in %s: a rank received more than its buffer holds (the ranks "
                       "passed different counts)",
                       r->coll_call);
}

// No operation to wait for: a null handle, or a persistent request not started (or finished).
bool idle(MPI_Request r) { return r == MPI_REQUEST_NULL || (r->persistent && !r->active); }

// Completes the bookkeeping of a finished request: status out, request released, handle nulled
// (a persistent request just becomes inactive, its handle kept). Returns the request's error
// class (truncation), already reported through the handler.
int retire(MPI_Request* handle, MPI_Status* status, const char* call) {
    Request* r = *handle;
    MPI_Status st = kEmptyStatus;
    if (r->kind == RequestKind::recv) status_from(r, &st);
    set_status(status, st);
    int err = r->kind == RequestKind::recv   ? report_recv_error(r->comm, r, call)
              : r->kind == RequestKind::coll ? report_coll_error(r, call)
                                             : MPI_SUCCESS;
    if (r->persistent) {
        r->active = false;
        return err;
    }
    if (r->pooled) request_release(r);
    *handle = MPI_REQUEST_NULL;
    return err;
}

}  // namespace

extern "C" {

int MPI_Wait(MPI_Request* request, MPI_Status* status) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Wait";
    if (int e = check_initialized(call)) return e;
    MOSIX_CHECK(request, MPI_COMM_WORLD, MPI_ERR_REQUEST, call, "request is NULL");
    if (*request != MPI_REQUEST_NULL)
        MOSIX_CHECK(request_valid(*request), MPI_COMM_WORLD, MPI_ERR_REQUEST, call,
                    "request is not a valid request (freed or never started?)");
    if (idle(*request)) {
        set_status(status, kEmptyStatus);
        return MPI_SUCCESS;
    }
    wait_for(*request, call);
    return retire(request, status, call);
}

int MPI_Test(MPI_Request* request, int* flag, MPI_Status* status) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Test";
    if (int e = check_initialized(call)) return e;
    MOSIX_CHECK(request && flag, MPI_COMM_WORLD, MPI_ERR_ARG, call, "request or flag is NULL");
    if (*request != MPI_REQUEST_NULL)
        MOSIX_CHECK(request_valid(*request), MPI_COMM_WORLD, MPI_ERR_REQUEST, call,
                    "request is not a valid request (freed or never started?)");
    if (idle(*request)) {
        *flag = 1;
        set_status(status, kEmptyStatus);
        return MPI_SUCCESS;
    }
    progress();
    if (!(*request)->complete) {
        mosix::rt::yield();  // a test loop must let the peer progress
        progress();
    }
    *flag = (*request)->complete;
    if (!*flag) return MPI_SUCCESS;
    return retire(request, status, call);
}

int MPI_Waitall(int count, MPI_Request requests[], MPI_Status* statuses) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Waitall";
    if (int e = check_request_array(count, requests, call)) return e;
    int failed = 0;
    for (int i = 0; i < count; ++i) {
        if (idle(requests[i])) {
            set_status(status_at(statuses, i), kEmptyStatus);
            continue;
        }
        wait_for(requests[i], call);
        if (retire(&requests[i], status_at(statuses, i), call) != MPI_SUCCESS) ++failed;
    }
    return failed ? MPI_ERR_IN_STATUS : MPI_SUCCESS;
}

int MPI_Testall(int count, MPI_Request requests[], int* flag, MPI_Status* statuses) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Testall";
    if (int e = check_request_array(count, requests, call)) return e;
    MOSIX_CHECK(flag, MPI_COMM_WORLD, MPI_ERR_ARG, call, "flag is NULL");
    progress();
    *flag = 1;
    for (int i = 0; i < count; ++i)
        if (!idle(requests[i]) && !requests[i]->complete) *flag = 0;
    if (!*flag) {
        mosix::rt::yield();
        return MPI_SUCCESS;
    }
    int failed = 0;
    for (int i = 0; i < count; ++i) {
        if (idle(requests[i]))
            set_status(status_at(statuses, i), kEmptyStatus);
        else if (retire(&requests[i], status_at(statuses, i), call) != MPI_SUCCESS)
            ++failed;
    }
    return failed ? MPI_ERR_IN_STATUS : MPI_SUCCESS;
}

int MPI_Testany(int count, MPI_Request requests[], int* index, int* flag, MPI_Status* status) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Testany";
    if (int e = check_request_array(count, requests, call)) return e;
    MOSIX_CHECK(index && flag, MPI_COMM_WORLD, MPI_ERR_ARG, call, "index or flag is NULL");
    progress();
    bool any_active = false;
    for (int i = 0; i < count; ++i) {
        if (idle(requests[i])) continue;
        any_active = true;
        if (requests[i]->complete) {
            *index = i;
            *flag = 1;
            return retire(&requests[i], status, call);
        }
    }
    *index = MPI_UNDEFINED;
    *flag = any_active ? 0 : 1;
    if (!any_active)
        set_status(status, kEmptyStatus);
    else
        mosix::rt::yield();
    return MPI_SUCCESS;
}

int MPI_Waitany(int count, MPI_Request requests[], int* index, MPI_Status* status) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Waitany";
    if (int e = check_request_array(count, requests, call)) return e;
    MOSIX_CHECK(index, MPI_COMM_WORLD, MPI_ERR_ARG, call, "index is NULL");
    for (;;) {
        progress();
        bool any_active = false;
        for (int i = 0; i < count; ++i) {
            if (idle(requests[i])) continue;
            any_active = true;
            if (requests[i]->complete) {
                *index = i;
                return retire(&requests[i], status, call);
            }
        }
        if (!any_active) {
            *index = MPI_UNDEFINED;
            set_status(status, kEmptyStatus);
            return MPI_SUCCESS;
        }
        mosix::rt::block(call);
    }
}

int MPI_Testsome(int incount, MPI_Request requests[], int* outcount, int indices[], MPI_Status* statuses) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Testsome";
    if (int e = check_request_array(incount, requests, call)) return e;
    MOSIX_CHECK(outcount && (indices || incount == 0), MPI_COMM_WORLD, MPI_ERR_ARG, call,
                "outcount or indices is NULL");
    progress();
    bool any_active = false;
    int n = 0, failed = 0;
    for (int i = 0; i < incount; ++i) {
        if (idle(requests[i])) continue;
        any_active = true;
        if (!requests[i]->complete) continue;
        indices[n] = i;
        if (retire(&requests[i], status_at(statuses, n), call) != MPI_SUCCESS) ++failed;
        ++n;
    }
    *outcount = any_active ? n : MPI_UNDEFINED;
    if (any_active && n == 0) mosix::rt::yield();
    return failed ? MPI_ERR_IN_STATUS : MPI_SUCCESS;
}

int MPI_Waitsome(int incount, MPI_Request requests[], int* outcount, int indices[], MPI_Status* statuses) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Waitsome";
    if (int e = check_request_array(incount, requests, call)) return e;
    MOSIX_CHECK(outcount && (indices || incount == 0), MPI_COMM_WORLD, MPI_ERR_ARG, call,
                "outcount or indices is NULL");
    for (;;) {
        progress();
        bool any_active = false, any_done = false;
        for (int i = 0; i < incount; ++i) {
            if (idle(requests[i])) continue;
            any_active = true;
            any_done |= requests[i]->complete;
        }
        if (!any_active || any_done) return MPI_Testsome(incount, requests, outcount, indices, statuses);
        mosix::rt::block(call);
    }
}

int MPI_Request_free(MPI_Request* request) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Request_free";
    if (int e = check_initialized(call)) return e;
    MOSIX_CHECK(request && request_valid(*request), MPI_COMM_WORLD, MPI_ERR_REQUEST, call,
                "request is not a valid request");
    Request* r = *request;
    if (r->complete || (r->persistent && !r->active))
        request_release(r);
    else
        r->user_freed = true;  // released when it completes
    *request = MPI_REQUEST_NULL;
    return MPI_SUCCESS;
}

}  // extern "C"
