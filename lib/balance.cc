#include "balance.hpp"

#include <algorithm>
#include <vector>

#include "coll/coll.hpp"
#include "rank_state.hpp"
#include "runtime/balancer.hpp"
#include "runtime/migration.hpp"
#include "runtime/program_data.hpp"
#include "runtime/runtime.hpp"

namespace mosix::lib {

namespace {

namespace balance = rt::balance;

// The PE the greedy plan sends the calling rank to, or -1. Everything it allocates is gone when
// it returns: the rank may migrate right after, and PE-heap memory does not travel.
int plan_my_move() {
    const Comm& world = *comm_get(MPI_COMM_WORLD);
    int n = world.size();
    balance::RankFigures mine = rt::rank_figures(rt::this_rank()->id);
    std::vector<balance::RankFigures> ranks(static_cast<std::size_t>(n));
    coll::allgather(&mine, sizeof mine, ranks.data(), sizeof mine, world);

    // Rank 0's view of the PEs, so that every rank plans on the same figures.
    std::vector<balance::PeFigures> pes;
    if (world.rank == 0) pes = rt::pe_figures();
    int count = static_cast<int>(pes.size());
    coll::bcast(&count, sizeof count, 0, world);
    pes.resize(static_cast<std::size_t>(count));
    coll::bcast(pes.data(), pes.size() * sizeof(balance::PeFigures), 0, world);
    // A PE that rank 0 has not heard from yet but holds ranks is still in the job: assume an
    // average PE (the same assumption on every rank).
    for (const balance::RankFigures& r : ranks) {
        bool known =
            std::any_of(pes.begin(), pes.end(), [&](const balance::PeFigures& p) { return p.pe == r.pe; });
        if (known) continue;
        balance::PeFigures p;
        p.pe = r.pe;
        p.host = rt::host_of_pe(r.pe);
        p.speed = pes.empty() ? 1.0 : pes.front().speed;
        p.host_free_bytes = pes.empty() ? ~std::uint64_t{0} : pes.front().host_free_bytes;
        pes.push_back(p);
    }
    balance::Plan plan = balance::plan({pes, ranks}, rt::balancer_params(), balance::Policy::greedy);
    if (!plan.ok()) return -1;
    // One rank per PE: a move only to a PE that holds no rank, the first of the plan's moves
    // there (every rank walks the same plan, so they agree on which one).
    std::vector<char> taken(static_cast<std::size_t>(rt::npes()), 0);
    for (const balance::RankFigures& r : ranks) taken[static_cast<std::size_t>(r.pe)] = 1;
    for (const balance::Move& m : plan.moves) {
        if (rt::rank_per_pe()) {
            if (taken[static_cast<std::size_t>(m.to_pe)]) continue;
            taken[static_cast<std::size_t>(m.to_pe)] = 1;
        }
        if (m.rank != rt::this_rank()->id) continue;
        rt::balancer_log(1, "mosix_balance: rank " + std::to_string(m.rank) + " PE " +
                                std::to_string(m.from_pe) + " -> PE " + std::to_string(m.to_pe) + ": " +
                                m.reason);
        return m.to_pe;
    }
    return -1;
}

}  // namespace

void balance_collective() {
    if (rt::migration_supported() && rt::balancer_config().mode != rt::BalanceMode::off) {
        if (int target = plan_my_move(); target >= 0) rt::move_self_to(target);
    }
    coll::barrier(*comm_get(MPI_COMM_WORLD));  // looked up again: the rank's state may have moved
}

}  // namespace mosix::lib
