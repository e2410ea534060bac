// migrate_state.cc — a rank's library state as bytes, and back (migration; later checkpoints).
//
// What is in the rank's slot (request objects, unexpected-message records and their buffers, the
// request pool) travels as memory: only the pointers to it are written here. What is on the PE's
// heap (handle tables, groups, sequence counters, held-back messages) is written by value and
// rebuilt on the other side. Per-PE caches (collective hierarchies) are not written: rebuilt on
// first use.
#include <cstring>
#include <string>

#include "migrate.hpp"
#include "remote.hpp"
#include "runtime/runtime.hpp"

namespace mosix::lib {

// A field added to these structures must be added here too.
static_assert(sizeof(Comm) == 176 || sizeof(void*) != 8, "Comm changed: update migrate_state.cc");
static_assert(sizeof(RankState) == 752 || sizeof(void*) != 8, "RankState changed: update migrate_state.cc");

namespace {

constexpr std::uint32_t kStateMagic = 0x6d737461;  // "msta": bump when the layout changes

struct Writer {
    std::vector<unsigned char> out;
    template <class T>
    void pod(const T& v) {
        auto p = reinterpret_cast<const unsigned char*>(&v);
        out.insert(out.end(), p, p + sizeof v);
    }
    void bytes(const void* p, std::size_t n) {
        pod(static_cast<std::uint64_t>(n));
        auto b = static_cast<const unsigned char*>(p);
        out.insert(out.end(), b, b + n);
    }
    void group(const GroupPtr& g) {
        pod(static_cast<std::int32_t>(g ? g->size : -1));
        if (!g) return;
        bytes(g->members.data(), g->members.size() * sizeof(int));
    }
};

struct Reader {
    const unsigned char* p;
    const unsigned char* end;
    void need(std::size_t n) const {
        if (static_cast<std::size_t>(end - p) < n)
            rt::fail_job(1, "a migrating rank's state arrived truncated (%zu bytes missing)",
                         n - static_cast<std::size_t>(end - p));
    }
    template <class T>
    T pod() {
        need(sizeof(T));
        T v;
        std::memcpy(&v, p, sizeof v);
        p += sizeof v;
        return v;
    }
    std::pair<const unsigned char*, std::size_t> bytes() {
        auto n = static_cast<std::size_t>(pod<std::uint64_t>());
        need(n);
        const unsigned char* at = p;
        p += n;
        return {at, n};
    }
    GroupPtr group() {
        auto size = pod<std::int32_t>();
        if (size < 0) return nullptr;
        auto [at, n] = bytes();
        if (n == 0 && size == rt::world_size()) return group_world(size);
        if (n == 0) {  // an identity group of another size (members 0..size-1)
            auto g = std::make_shared<Group>();
            g->size = size;
            return g;
        }
        std::vector<int> members(n / sizeof(int));
        std::memcpy(members.data(), at, n);
        return group_from(std::move(members));
    }
};

template <class T>
void write_vector_pod(Writer& w, const std::vector<T>& v) {
    w.bytes(v.data(), v.size() * sizeof(T));
}

template <class T>
void read_vector_pod(Reader& r, std::vector<T>* v) {
    auto [at, n] = r.bytes();
    v->resize(n / sizeof(T));
    if (n) std::memcpy(v->data(), at, n);
}

void write_seq(Writer& w, const std::unordered_map<int, std::uint64_t>& m) {
    w.pod(static_cast<std::uint64_t>(m.size()));
    for (const auto& [peer, seq] : m) {
        w.pod(peer);
        w.pod(seq);
    }
}

void read_seq(Reader& r, std::unordered_map<int, std::uint64_t>* m) {
    auto n = r.pod<std::uint64_t>();
    for (std::uint64_t i = 0; i < n; ++i) {
        int peer = r.pod<int>();
        (*m)[peer] = r.pod<std::uint64_t>();
    }
}

void write_string(Writer& w, const std::string& str) { w.bytes(str.data(), str.size()); }

std::string read_string(Reader& r) {
    auto [at, n] = r.bytes();
    return std::string(reinterpret_cast<const char*>(at), n);
}

void write_entries(Writer& w, const InfoEntries& e) {
    w.pod(static_cast<std::uint64_t>(e.size()));
    for (const auto& [key, value] : e) {
        write_string(w, key);
        write_string(w, value);
    }
}

void read_entries(Reader& r, InfoEntries* e) {
    e->resize(static_cast<std::size_t>(r.pod<std::uint64_t>()));
    for (auto& [key, value] : *e) {
        key = read_string(r);
        value = read_string(r);
    }
}

void write_topology(Writer& w, const TopologyPtr& t) {
    w.pod(t ? t->kind : MPI_UNDEFINED);
    if (!t) return;
    for (const std::vector<int>* v : {&t->dims, &t->periods, &t->index, &t->edges, &t->sources,
                                      &t->sourceweights, &t->destinations, &t->destweights})
        write_vector_pod(w, *v);
    w.pod(t->weighted);
}

TopologyPtr read_topology(Reader& r) {
    int kind = r.pod<int>();
    if (kind == MPI_UNDEFINED) return nullptr;
    auto t = std::make_shared<Topology>();
    t->kind = kind;
    for (std::vector<int>* v : {&t->dims, &t->periods, &t->index, &t->edges, &t->sources, &t->sourceweights,
                                &t->destinations, &t->destweights})
        read_vector_pod(r, v);
    t->weighted = r.pod<bool>();
    return t;
}

}  // namespace

std::vector<unsigned char> pack_rank_state(RankState* s) {
    Writer w;
    w.pod(kStateMagic);
    w.pod(s->next_context);
    w.pod(s->initialized);
    w.pod(s->finalized);
    w.pod(s->sends_in_flight);  // completed by messages from the PEs that started them
    w.pod(s->queues.posted);    // head and tail: requests in the rank's memory
    std::vector<Unexpected*> unexpected;
    for (Unexpected* u = s->queues.unexpected.head; u; u = u->next) unexpected.push_back(u);
    write_vector_pod(w, unexpected);
    w.pod(s->free_requests);
    write_vector_pod(w, s->request_chunks);
    w.pod(s->nbc);  // schedules of nonblocking collectives: rank memory
    for (Unexpected* b : s->free_buffers) w.pod(b);
    w.pod(static_cast<std::uint64_t>(s->comms.size()));
    for (const Comm& c : s->comms) {
        w.pod(c.live);
        w.pod(c.context);
        w.pod(c.rank);
        w.pod(c.errhandler);
        w.bytes(c.name.data(), c.name.size());
        w.group(c.live ? c.group : nullptr);
        w.group(c.live ? c.remote_group : nullptr);
        write_topology(w, c.topology);
        write_vector_pod(w, c.attributes);
        write_entries(w, c.hints);
    }
    w.pod(static_cast<std::uint64_t>(s->groups.size()));
    for (const GroupPtr& g : s->groups) w.group(g);
    write_vector_pod(w, s->ops);
    write_vector_pod(w, s->errhandlers);
    write_vector_pod(w, s->keyvals);  // callbacks and extra_state: the same addresses on every PE
    w.pod(static_cast<std::uint64_t>(s->infos.size()));
    for (const Info& i : s->infos) {
        w.pod(i.live);
        write_entries(w, i.entries);
    }
    w.pod(static_cast<std::uint64_t>(s->user_errors.size()));
    for (const UserError& e : s->user_errors) {
        w.pod(e.error_class);
        write_string(w, e.text);
    }
    w.pod(s->last_used_code);
    write_vector_pod(w, s->types);  // in the rank's memory: the pointers travel
    write_seq(w, s->send_seq);
    write_seq(w, s->recv_seq);
    write_seq(w, s->matches_told);
    write_seq(w, s->matches_heard);
    w.pod(s->checkpoint_seq);
    w.pod(s->world_collectives);
    w.pod(s->checkpoint_request_served);
    w.pod(s->bsend_attached);
    w.pod(s->bsend_buffer);  // the program's memory: travels with the rank
    w.pod(s->bsend_size);
    w.pod(s->bsend_used);
    w.pod(static_cast<std::uint64_t>(s->held.size()));
    for (HeldMessage* h : s->held) {
        if (h->rendezvous)
            rt::fail_job(1, "internal: a held rendezvous message was not fetched before migration");
        w.pod(h->wire);
        w.bytes(h->data.data(), h->data.size());
        delete h;
    }
    s->held.clear();
    // What travels in the rank's memory must not be freed with the PE-side state.
    s->queues.forget_unexpected();
    s->queues.posted = {};
    s->free_requests = nullptr;
    s->request_chunks.clear();
    s->types.clear();
    s->nbc = nullptr;
    for (Unexpected*& b : s->free_buffers) b = nullptr;
    delete s;
    return std::move(w.out);
}

RankState* unpack_rank_state(rt::Rank* rank, const unsigned char* data, std::size_t len) {
    Reader r{data, data + len};
    if (r.pod<std::uint32_t>() != kStateMagic)
        rt::fail_job(1, "rank %d arrived with library state of another format", rank->id);
    auto* s = new RankState();
    s->next_context = r.pod<std::uint32_t>();
    s->initialized = r.pod<bool>();
    s->finalized = r.pod<bool>();
    s->sends_in_flight = r.pod<int>();
    s->queues.posted = r.pod<IntrusiveQueue<Request>>();
    std::vector<Unexpected*> unexpected;
    read_vector_pod(r, &unexpected);
    for (Unexpected* u : unexpected) s->queues.push_unexpected(u);
    s->free_requests = r.pod<Request*>();
    read_vector_pod(r, &s->request_chunks);
    s->nbc = r.pod<nbc::State*>();
    for (Unexpected*& b : s->free_buffers) b = r.pod<Unexpected*>();
    s->comms.resize(static_cast<std::size_t>(r.pod<std::uint64_t>()));
    for (Comm& c : s->comms) {
        c.live = r.pod<bool>();
        c.context = r.pod<std::uint32_t>();
        c.rank = r.pod<int>();
        c.errhandler = r.pod<MPI_Errhandler>();
        auto [name, n] = r.bytes();
        c.name.assign(reinterpret_cast<const char*>(name), n);
        c.group = r.group();
        c.remote_group = r.group();
        c.topology = read_topology(r);
        read_vector_pod(r, &c.attributes);
        read_entries(r, &c.hints);
    }
    s->groups.resize(static_cast<std::size_t>(r.pod<std::uint64_t>()));
    for (GroupPtr& g : s->groups) g = r.group();
    read_vector_pod(r, &s->ops);
    read_vector_pod(r, &s->errhandlers);
    read_vector_pod(r, &s->keyvals);
    s->infos.resize(static_cast<std::size_t>(r.pod<std::uint64_t>()));
    for (Info& i : s->infos) {
        i.live = r.pod<bool>();
        read_entries(r, &i.entries);
    }
    s->user_errors.resize(static_cast<std::size_t>(r.pod<std::uint64_t>()));
    for (UserError& e : s->user_errors) {
        e.error_class = r.pod<int>();
        e.text = read_string(r);
    }
    s->last_used_code = r.pod<int>();
    read_vector_pod(r, &s->types);
    read_seq(r, &s->send_seq);
    read_seq(r, &s->recv_seq);
    read_seq(r, &s->matches_told);
    read_seq(r, &s->matches_heard);
    s->checkpoint_seq = r.pod<std::uint64_t>();
    s->world_collectives = r.pod<std::uint64_t>();
    s->checkpoint_request_served = r.pod<std::uint64_t>();
    s->bsend_attached = r.pod<bool>();
    s->bsend_buffer = r.pod<void*>();
    s->bsend_size = r.pod<int>();
    s->bsend_used = r.pod<std::size_t>();
    auto held = r.pod<std::uint64_t>();
    for (std::uint64_t i = 0; i < held; ++i) {
        auto* h = new HeldMessage{r.pod<WireHeader>(), {}, nullptr};
        auto [at, n] = r.bytes();
        h->data.assign(at, at + n);
        s->held.push_back(h);
    }
    rank->lib = s;
    return s;
}

}  // namespace mosix::lib
