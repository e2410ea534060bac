// transport.cc — the UCX implementation of transport.hpp.
#include "transport.hpp"

#include <poll.h>
#include <ucp/api/ucp.h>

#include <cstdlib>
#include <cstring>
#include <vector>

namespace mosix::rt::net {

namespace {

constexpr unsigned kAmId = 7;  // the one active-message id mosix uses

struct Transport {
    ucp_context_h context = nullptr;
    ucp_worker_h worker = nullptr;
    int efd = -1;
    std::vector<std::vector<unsigned char>> addresses;  // by PE
    std::vector<ucp_ep_h> endpoints;                    // by PE, created on first send
    TransportHandlers handlers{};
    bool active = false;
};

Transport tp;

std::string ucs_error(const char* what, ucs_status_t st) {
    return std::string(what) + " failed: " + ucs_status_string(st);
}

ucs_status_t am_callback(void*, const void* header, size_t header_len, void* data, size_t len,
                         const ucp_am_recv_param_t* param) {
    bool rndv = param->recv_attr & UCP_AM_RECV_ATTR_FLAG_RNDV;
    bool kept = tp.handlers.receive(header, header_len, rndv ? nullptr : data, len, rndv ? data : nullptr);
    return rndv && kept ? UCS_INPROGRESS : UCS_OK;
}

void send_done(void* request, ucs_status_t status, void* ctx) {
    ucp_request_free(request);
    tp.handlers.send_done(ctx, status == UCS_OK);
}

void fetch_done(void* request, ucs_status_t status, size_t, void* ctx) {
    ucp_request_free(request);
    tp.handlers.fetch_done(ctx, status == UCS_OK);
}

ucp_ep_h endpoint(int pe) {
    ucp_ep_h& ep = tp.endpoints[static_cast<std::size_t>(pe)];
    if (!ep) {
        ucp_ep_params_t p{};
        p.field_mask = UCP_EP_PARAM_FIELD_REMOTE_ADDRESS;
        p.address = reinterpret_cast<const ucp_address_t*>(tp.addresses[static_cast<std::size_t>(pe)].data());
        ucs_status_t st = ucp_ep_create(tp.worker, &p, &ep);
        if (st != UCS_OK) return nullptr;
    }
    return ep;
}

// Turns a UCX status pointer into the transport's contract: true = done now.
bool finish(ucs_status_ptr_t sp, CompletionFn done, void* ctx) {
    if (sp == nullptr) return true;
    if (UCS_PTR_IS_ERR(sp)) done(ctx, false);
    return false;  // otherwise send_done / fetch_done will report it
}

}  // namespace

std::string transport_init(const PeIdentity& id, const TransportHandlers& handlers) {
    tp.handlers = handlers;
    // UCX 1.13's newer protocol selection picks single-copy (CMA) rendezvous for active messages
    // on shared memory: 1 MiB ping-pong 8 GB/s -> 35+ GB/s here. A user's own setting wins.
    setenv("UCX_PROTO_ENABLE", "y", 0);
    ucp_config_t* config = nullptr;
    ucs_status_t st = ucp_config_read(nullptr, nullptr, &config);
    if (st != UCS_OK) return ucs_error("ucp_config_read", st);
    ucp_params_t params{};
    params.field_mask = UCP_PARAM_FIELD_FEATURES | UCP_PARAM_FIELD_MT_WORKERS_SHARED;
    params.features = UCP_FEATURE_AM | UCP_FEATURE_WAKEUP;
    params.mt_workers_shared = 0;
    st = ucp_init(&params, config, &tp.context);
    ucp_config_release(config);
    if (st != UCS_OK) return ucs_error("ucp_init", st);

    ucp_worker_params_t wp{};
    wp.field_mask = UCP_WORKER_PARAM_FIELD_THREAD_MODE;
    wp.thread_mode = UCS_THREAD_MODE_SINGLE;
    st = ucp_worker_create(tp.context, &wp, &tp.worker);
    if (st != UCS_OK) return ucs_error("ucp_worker_create", st);
    st = ucp_worker_get_efd(tp.worker, &tp.efd);
    if (st != UCS_OK) return ucs_error("ucp_worker_get_efd", st);

    ucp_am_handler_param_t hp{};
    hp.field_mask = UCP_AM_HANDLER_PARAM_FIELD_ID | UCP_AM_HANDLER_PARAM_FIELD_CB |
                    UCP_AM_HANDLER_PARAM_FIELD_ARG | UCP_AM_HANDLER_PARAM_FIELD_FLAGS;
    hp.id = kAmId;
    hp.cb = am_callback;
    hp.arg = nullptr;
    hp.flags = UCP_AM_FLAG_WHOLE_MSG;
    st = ucp_worker_set_am_recv_handler(tp.worker, &hp);
    if (st != UCS_OK) return ucs_error("ucp_worker_set_am_recv_handler", st);

    ucp_address_t* addr = nullptr;
    size_t addr_len = 0;
    st = ucp_worker_get_address(tp.worker, &addr, &addr_len);
    if (st != UCS_OK) return ucs_error("ucp_worker_get_address", st);
    std::vector<unsigned char> mine(reinterpret_cast<unsigned char*>(addr),
                                    reinterpret_cast<unsigned char*>(addr) + addr_len);
    ucp_worker_release_address(tp.worker, addr);
    if (std::string why = bootstrap_exchange("mosix.ucx.address", mine, &tp.addresses); !why.empty())
        return why;
    tp.endpoints.assign(static_cast<std::size_t>(id.npes), nullptr);
    tp.active = true;
    return {};
}

bool transport_active() noexcept { return tp.active; }

bool transport_send(int pe, const void* header, std::size_t header_len, const void* data, std::size_t len,
                    bool rendezvous, void* ctx) {
    ucp_ep_h ep = endpoint(pe);
    if (!ep) {
        tp.handlers.send_done(ctx, false);
        return false;
    }
    ucp_request_param_t p;
    p.op_attr_mask = UCP_OP_ATTR_FIELD_CALLBACK | UCP_OP_ATTR_FIELD_USER_DATA | UCP_OP_ATTR_FIELD_FLAGS;
    p.cb.send = send_done;
    p.user_data = ctx;
    p.flags = rendezvous ? UCP_AM_SEND_FLAG_RNDV : UCP_AM_SEND_FLAG_EAGER;
    return finish(ucp_am_send_nbx(ep, kAmId, header, header_len, data, len, &p), tp.handlers.send_done, ctx);
}

bool transport_fetch(void* rendezvous, void* buf, std::size_t len, void* ctx) {
    ucp_request_param_t p;
    p.op_attr_mask = UCP_OP_ATTR_FIELD_CALLBACK | UCP_OP_ATTR_FIELD_USER_DATA;
    p.cb.recv_am = fetch_done;
    p.user_data = ctx;
    return finish(ucp_am_recv_data_nbx(tp.worker, rendezvous, buf, len, &p), tp.handlers.fetch_done, ctx);
}

unsigned transport_progress() { return tp.active ? ucp_worker_progress(tp.worker) : 0; }

void transport_wait(int timeout_ms) {
    if (!tp.active) return;
    // Arming fails with BUSY while events are pending: then there is work, no need to sleep.
    if (ucp_worker_arm(tp.worker) != UCS_OK) return;
    pollfd pfd{tp.efd, POLLIN, 0};
    poll(&pfd, 1, timeout_ms);
}

void transport_finalize() {
    if (!tp.active) return;
    // Every PE reaches this point only after its ranks finished MPI_Finalize, so no application
    // message is still owed; the fence (progressing meanwhile) makes sure no peer still flushes
    // towards us before endpoints are torn down without a handshake.
    // First our own flush, while every peer still progresses (it runs or waits in the fence): an
    // endpoint made late (a last gossip message) may still owe its wire-up reply, and UCX 1.13
    // asserts when a force close finds that reply pending (seen over TCP between netns hosts).
    ucp_request_param_t flush{};
    ucs_status_ptr_t flushing = ucp_worker_flush_nbx(tp.worker, &flush);
    if (UCS_PTR_IS_PTR(flushing)) {
        while (ucp_request_check_status(flushing) == UCS_INPROGRESS) ucp_worker_progress(tp.worker);
        ucp_request_free(flushing);
    }
    bootstrap_fence([] { ucp_worker_progress(tp.worker); });
    std::vector<ucs_status_ptr_t> closing;
    for (ucp_ep_h ep : tp.endpoints) {
        if (!ep) continue;
        ucp_request_param_t p{};
        p.op_attr_mask = UCP_OP_ATTR_FIELD_FLAGS;
        p.flags = UCP_EP_CLOSE_FLAG_FORCE;
        ucs_status_ptr_t sp = ucp_ep_close_nbx(ep, &p);
        if (sp && !UCS_PTR_IS_ERR(sp)) closing.push_back(sp);
    }
    for (ucs_status_ptr_t sp : closing) {
        while (ucp_request_check_status(sp) == UCS_INPROGRESS) ucp_worker_progress(tp.worker);
        ucp_request_free(sp);
    }
    ucp_worker_destroy(tp.worker);
    ucp_cleanup(tp.context);
    tp = Transport{};
}

}  // namespace mosix::rt::net
