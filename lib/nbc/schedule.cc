// schedule.cc — building, starting and advancing nonblocking-collective schedules (schedule.hpp).
#include "schedule.hpp"

#include <algorithm>
#include <cstring>
#include <new>

#include "lib/coll/coll_util.hpp"
#include "lib/datatype_derived.hpp"
#include "lib/p2p.hpp"

namespace mosix::lib::nbc {

namespace {

State& state_here() {
    RankState& rs = self_state();
    if (!rs.nbc) rs.nbc = new (rt::rank_alloc(sizeof(State))) State();
    return *rs.nbc;
}

void destroy(Schedule* s) noexcept {
    for (auto k = s->kept.rbegin(); k != s->kept.rend(); ++k) k->fn(k->obj);
    for (const Datatype* dt : s->types) datatype_release(*dt);
    for (void* b : s->buffers) rt::rank_free(b);
    if (s->reqs) rt::rank_free(s->reqs);
    s->~Schedule();
    rt::rank_free(s);
}

void start_round(Schedule& s) {
    const std::size_t begin = s.next_round ? s.round_ends[s.next_round - 1] : 0,
                      end = s.round_ends[s.next_round];
    ++s.next_round;
    s.nreqs = 0;
    rt::Rank* me = rt::this_rank();
    for (std::size_t i = begin; i < end; ++i) {
        const Action& a = s.actions[i];
        switch (a.kind) {
            case Action::Kind::copy:
                coll::copy(a.dst, a.src, a.bytes);
                break;
            case Action::Kind::reduce:
                op_apply(s.op, a.src, a.dst, a.count, *s.dt, s.type);
                break;
            case Action::Kind::send: {
                Request* r = new (&s.reqs[s.nreqs++]) Request();
                r->kind = RequestKind::send;
                r->owner = me;
                send_start(r, a.peer_world, Envelope{s.context, s.rank, s.tag, a.bytes}, a.src, false);
                break;
            }
            case Action::Kind::recv: {
                Request* r = new (&s.reqs[s.nreqs++]) Request();
                r->kind = RequestKind::recv;
                r->owner = me;
                r->context = s.context;
                r->peer = a.peer;
                r->tag = s.tag;
                r->buf = a.dst;
                r->bytes = a.bytes;
                recv_start(r);
                break;
            }
        }
    }
}

// Starts rounds while the current one is done; true when the whole schedule is.
bool advance(Schedule& s) {
    for (;;) {
        for (int i = 0; i < s.nreqs; ++i) {
            const Request& r = s.reqs[i];
            if (!r.complete) return false;
            if (r.kind == RequestKind::recv && r.status_error != MPI_SUCCESS) s.truncated = true;
        }
        s.nreqs = 0;
        if (s.next_round == s.round_ends.size()) return true;
        start_round(s);
    }
}

void complete(Schedule* s) {
    for (const Kept& f : s->finish) f.fn(f.obj);
    Request* req = s->request;
    req->status_error = s->truncated ? MPI_ERR_TRUNCATE : MPI_SUCCESS;
    destroy(s);
    request_complete(req);
}

}  // namespace

Builder::Builder(const Comm& comm, MPI_Comm handle, const char* call)
    : comm_(comm), handle_(handle), s_(new (rt::rank_alloc(sizeof(Schedule))) Schedule()) {
    s_->call = call;
    s_->context = comm.coll_context();
    s_->rank = comm.rank;
    std::uint32_t n = state_here().started[comm.coll_context()]++;
    s_->tag = kTagBase + static_cast<int>(n % kTagSpan);
}

Builder::~Builder() {
    if (s_) destroy(s_);
}

void Builder::reduction(const OpRef& op, MPI_Datatype type) {
    s_->op = op;
    s_->type = type;
    s_->dt = datatype_get(type);
    hold(*s_->dt);
}

void Builder::hold(const Datatype& dt) {
    datatype_retain(dt);
    s_->types.push_back(&dt);
}

Byte* Builder::scratch(std::size_t bytes) {
    auto* p = static_cast<Byte*>(rt::rank_alloc(std::max<std::size_t>(bytes, 1)));
    s_->buffers.push_back(p);
    return p;
}

void Builder::send(const void* buf, std::size_t bytes, int peer) {
    s_->actions.push_back(
        Action{Action::Kind::send, peer, comm_.group->world_of(peer), buf, nullptr, bytes, 0});
}

void Builder::recv(void* buf, std::size_t bytes, int peer) {
    s_->actions.push_back(Action{Action::Kind::recv, peer, -1, nullptr, buf, bytes, 0});
}

void Builder::copy(void* dst, const void* src, std::size_t bytes) {
    if (bytes && dst != src) s_->actions.push_back(Action{Action::Kind::copy, -1, -1, src, dst, bytes, 0});
}

void Builder::reduce(const void* in, void* inout, int count) {
    if (count > 0) s_->actions.push_back(Action{Action::Kind::reduce, -1, -1, in, inout, 0, count});
}

void Builder::combine(Byte* in, Byte* inout, int count, bool in_is_lower) {
    if (in_is_lower || s_->op.commutative) {
        reduce(in, inout, count);
    } else {
        reduce(inout, in, count);
        copy(inout, in, static_cast<std::size_t>(count) * s_->dt->size);
    }
}

void Builder::end_round() {
    const std::uint32_t begin = s_->round_ends.empty() ? 0 : s_->round_ends.back();
    const auto end = static_cast<std::uint32_t>(s_->actions.size());
    if (end == begin) return;
    int comms = 0;
    for (std::uint32_t i = begin; i < end; ++i)
        comms += s_->actions[i].kind == Action::Kind::send || s_->actions[i].kind == Action::Kind::recv;
    s_->max_reqs = std::max(s_->max_reqs, comms);
    s_->round_ends.push_back(end);
}

Request* Builder::start() {
    end_round();
    Schedule* s = s_;
    s_ = nullptr;
    if (s->max_reqs)
        s->reqs =
            static_cast<Request*>(rt::rank_alloc(sizeof(Request) * static_cast<std::size_t>(s->max_reqs)));
    Request* req = request_alloc(RequestKind::coll);
    req->comm = handle_;
    req->coll_call = s->call;
    s->request = req;
    if (advance(*s)) {
        complete(s);  // nothing had to wait (one rank, empty buffers, or every message already here)
        return req;
    }
    State& st = state_here();
    Schedule** tail = &st.head;
    while (*tail) tail = &(*tail)->next;
    *tail = s;
    return req;
}

void progress_all(RankState& rs) {
    Schedule** link = &rs.nbc->head;
    while (Schedule* s = *link) {
        if (advance(*s)) {
            *link = s->next;
            complete(s);
        } else {
            link = &s->next;
        }
    }
}

Hold::Hold() : st_(state_here()) { ++st_.held; }

Hold::~Hold() { --st_.held; }

void release(State* st) noexcept {
    if (!st) return;
    while (Schedule* s = st->head) {
        st->head = s->next;
        destroy(s);
    }
    st->~State();
    rt::rank_free(st);
}

}  // namespace mosix::lib::nbc
