#include "mosexec_map_limit.hpp"

#include <algorithm>
#include <cstdio>

#include "mosexec_options.hpp"
#include "runtime/map_budget.hpp"

namespace mosexec {

long long fit_pes_to_map_limit(long long nranks, long long pes, bool pes_given, long long cores,
                               long long max_map_count, bool announce) {
    using namespace mosix::rt;
    if (max_map_count <= 0) return pes;
    if (pes_given) {
        long long busiest = busiest_pe_ranks(nranks, pes);
        if (ranks_cannot_fit(busiest, max_map_count))
            usage_error(
                "%lld ranks on %lld PE%s put %lld ranks on a PE, which needs about %lld memory mappings, "
                "more than vm.max_map_count (%lld) allows: use --pes %lld or more (or leave --pes out), or "
                "raise the limit (sysctl -w vm.max_map_count=%lld)",
                nranks, pes, pes == 1 ? "" : "s", busiest, mappings_needed(busiest), max_map_count,
                pes_for_mappings(nranks, max_map_count), mappings_needed(busiest));
        return pes;
    }
    long long need = std::min(nranks, pes_for_mappings(nranks, max_map_count));
    if (need <= pes) return pes;
    if (announce)
        std::fprintf(stderr,
                     "mosexec: %lld ranks need %lld PEs here (vm.max_map_count %lld); starting %lld PEs on "
                     "%lld core%s\n",
                     nranks, need, max_map_count, need, cores, cores == 1 ? "" : "s");
    return need;
}

}  // namespace mosexec
