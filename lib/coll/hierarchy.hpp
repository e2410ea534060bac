// hierarchy.hpp — collectives in two levels when a communicator spans several PEs: the members
// on each PE combine first (messages that never leave the PE), one leader per PE runs the
// collective across PEs, and the leaders hand the result back to their PE's members. Only P - 1
// messages per step cross between PEs instead of up to p - 1.
//
// The two levels are communicators of their own, derived from the parent without any agreement:
// their context ids are the parent's with a high bit set (ordinary context ids are small even
// counters and never reach those bits), so their messages cannot match the parent's.
// A hierarchy groups members by their home PE (where they started), which every member agrees on
// even while ranks migrate; see hierarchy.cc.
#pragma once

#include <memory>
#include <vector>

#include "lib/rank_state.hpp"

namespace mosix::lib::coll {

struct Hierarchy {
    Comm local;    // the members on this PE, in parent order; rank 0 leads
    Comm leaders;  // each PE's leader, in parent order (valid on leaders)
    bool is_leader = false;
    std::vector<int> leader_of_pe;  // PE -> index in `leaders`, -1 if no member there
    // Each PE's members are consecutive ranks (block placement, MPI_COMM_WORLD): then a binomial
    // tree already crosses between PEs only P - 1 times, and tree-shaped collectives gain nothing
    // from two levels; only those that exchange with far ranks every round (barrier) do.
    bool blocked = false;
};

// The hierarchy of `comm` if collectives on it should run in two levels (it spans several PEs
// and some PE holds more than one member), else nullptr.
const Hierarchy* hierarchy_of(const Comm& comm);

// Where a parent rank lives in the hierarchy: the index of its PE's leader, and its rank in this
// PE's local communicator (MPI_UNDEFINED if it lives on another PE).
// True if `comm` spans several PEs with one member on each (every message crosses PEs).
bool spread_one_per_pe(const Comm& comm);

int leader_index_of(const Hierarchy& h, const Comm& comm, int rank);
int local_rank_of(const Hierarchy& h, const Comm& comm, int rank);

}  // namespace mosix::lib::coll
