// rank_per_pe.cc — one rank per PE (mosexec --rank-per-pe): a rank moves only to a PE that holds
// none, so that the program's globals there are free to become its own (runtime/program_data.hpp).
//
// Only the destination knows for sure whether it is free (its own rank may be leaving, another
// may be on its way in, the gossiped figures lag), so it decides: at its migration point the rank
// asks (pe_reserve) and waits for the answer (pe_reserve_reply). A free PE keeps the place for
// that rank until it arrives, and answers no to everyone else meanwhile; the rank leaves at once
// after a yes. A refused request is dropped, with a line on stderr saying why.
// A free PE whose transport still reads a departed rank's send buffers holds its yes back until
// that is done: they may be in the program's globals, which the arriving rank overwrites.
#include <sched.h>

#include <cstdio>

#include "migrate.hpp"
#include "runtime/program_data.hpp"
#include "runtime/runtime.hpp"
#include "runtime/scheduler.hpp"

namespace mosix::lib {

namespace {

int kept_for = -1;       // the rank this PE has promised a place to, until it arrives
int answer_due_to = -1;  // the PE waiting for the yes to kept_for, held back (-1: none)

void reply(int pe, int rank, bool yes) {
    WireHeader w{};
    w.kind = WireKind::pe_reserve_reply;
    w.dst_world = rank;
    w.src_world = -1;
    w.bytes = yes ? 1 : 0;
    send_control(pe, w, {});
}

// The question this PE's rank is waiting on the answer to.
struct Question {
    int rank = -1;
    int answer = -1;  // -1 none yet, 0 no, 1 yes
};
Question asked;

bool place_for(int rank) { return rt::ranks_here() == 0 && (kept_for < 0 || kept_for == rank); }

}  // namespace

bool reserve_destination(rt::Rank* r, int pe) {
    asked = Question{r->id, -1};
    WireHeader w{};
    w.kind = WireKind::pe_reserve;
    w.dst_world = r->id;
    w.source = rt::this_pe();
    w.src_world = -1;
    send_control(pe, w, {});
    // Only this rank runs here: nothing else to do meanwhile. The destination may share this
    // core (spare PEs on a full machine): give it the core while nothing comes.
    while (asked.answer < 0)
        if (rt::progress_network() == 0) sched_yield();
    bool yes = asked.answer == 1;
    asked = Question{};
    if (yes) return true;
    std::fprintf(stderr, "mosix: rank %d stays on PE %d: PE %d already holds a rank (one rank per PE)\n",
                 r->id, rt::this_pe(), pe);
    rt::migration_refused(r);
    return false;
}

void rank_per_pe_on_control(const WireHeader& w) {
    if (w.kind == WireKind::pe_reserve_reply) {
        if (w.dst_world == asked.rank) asked.answer = w.bytes == 1 ? 1 : 0;
        return;
    }
    bool yes = rt::rank_per_pe() && place_for(w.dst_world);
    if (!yes) return reply(w.source, w.dst_world, false);
    kept_for = w.dst_world;
    if (departed_ranks_in_flight())
        answer_due_to = w.source;
    else
        reply(w.source, w.dst_world, true);
}

void rank_per_pe_transport_done() {
    if (answer_due_to < 0 || departed_ranks_in_flight()) return;
    int pe = answer_due_to;
    answer_due_to = -1;
    reply(pe, kept_for, true);
}

void rank_per_pe_arrived(int rank) {
    if (kept_for == rank) kept_for = -1;
}

}  // namespace mosix::lib
