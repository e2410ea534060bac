#include "rank_state.hpp"

#include "datatype_derived.hpp"
#include "handles.hpp"
#include "nbc/schedule.hpp"
#include "remote.hpp"
#include "runtime/rank_memory.hpp"
#include "runtime/runtime.hpp"

namespace mosix::lib {

RankState::~RankState() {
    nbc::release(nbc);
    for (void* chunk : request_chunks) rt::rank_free(chunk);
    for (Unexpected*& list : free_buffers) {
        while (Unexpected* u = list) {
            list = u->next;
            rt::rank_free(u);
        }
    }
    while (Unexpected* u = queues.unexpected.head) {
        queues.remove_unexpected(u);
        if (u->heap_data) rt::rank_free(u->heap_data);
        rt::rank_free(u);
    }
    for (HeldMessage* h : held) delete h;
    for (DerivedType* t : types)
        if (t) derived_destroy(t);
}

namespace {

void release_state(rt::Rank* r) {
    auto* s = static_cast<RankState*>(r->lib);
    delete s;
    r->lib = nullptr;
}

RankState* create_state(rt::Rank* r) {
    rt::set_rank_release(release_state);
    auto* s = new RankState();  // PE heap: its containers are PE-heap objects (migration serializes it)
    int n = rt::world_size();
    s->comms.resize(2);
    Comm& world = s->comms[0];
    world.live = true;
    world.context = 0;
    world.group = group_world(n);
    world.rank = r->id;
    world.name = "MPI_COMM_WORLD";
    Comm& self = s->comms[1];
    self.live = true;
    self.context = 2;
    self.group = group_from({r->id});
    self.rank = 0;
    self.name = "MPI_COMM_SELF";
    s->groups.push_back(group_from({}));  // MPI_GROUP_EMPTY
    r->lib = s;
    return s;
}

}  // namespace

RankState& state_of(rt::Rank* r) {
    if (!r->lib) create_state(r);
    return *static_cast<RankState*>(r->lib);
}

RankState& self_state() { return state_of(rt::this_rank()); }

Comm* comm_get(MPI_Comm h) noexcept {
    int i = handle_index(HandleKind::comm, h);
    if (i < 0) return nullptr;
    RankState& s = self_state();
    if (static_cast<std::size_t>(i) >= s.comms.size() || !s.comms[static_cast<std::size_t>(i)].live)
        return nullptr;
    return &s.comms[static_cast<std::size_t>(i)];
}

}  // namespace mosix::lib
