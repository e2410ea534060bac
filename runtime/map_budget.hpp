// map_budget.hpp — how many ranks a PE can hold under the kernel's limit on memory mappings
// (vm.max_map_count, 65530 by default), and so how many PEs a job of N ranks needs.
//
// Why a PE needs two mappings per rank: each slot is [heap | guard page | stack] inside one
// PROT_NONE reservation (slots.hpp). A rank's readable part (its stack, merged by the kernel with
// the used prefix of the next slot's heap, which starts right where the stack ends) is one mapping;
// the PROT_NONE part between two of them (the unused heap and the guard page) is another. That is
// the least possible while the guard page stays and the whole region stays reserved: readable and
// reserved-but-inaccessible ranges alternate, one pair per rank.
//
// Used by mosexec (to choose enough PEs, or to refuse --pes that cannot fit) and by the runtime (to
// say why a stack cannot be mapped). Header-only so both link nothing new.
#pragma once

#include <algorithm>
#include <climits>
#include <cstdio>

namespace mosix::rt {

// Mappings each rank of a PE adds (see above; measured: 2 whether or not its heap is used).
constexpr long long kMappingsPerRank = 2;
// Mappings that are not ranks': the program and its libraries, UCX and PMIx (shared-memory
// segments, thread stacks), the allocator. A single-PE job maps about 120, a multi-PE one a few
// hundred; an AddressSanitizer build more. The rest of the margin is room for ranks that migrate
// in, so that a PE chosen by mosexec does not start full.
constexpr long long kMappingMargin = 4096;
// Below this many free mappings a PE cannot even start its libraries: an explicit --pes that
// leaves less is refused up front rather than failing at the first stack that cannot be mapped.
constexpr long long kMappingFloor = 256;

// The kernel's limit for this process (/proc/sys/vm/max_map_count); 0 if it cannot be read.
inline long long read_max_map_count() noexcept {
    long long limit = 0;
    if (FILE* f = std::fopen("/proc/sys/vm/max_map_count", "r")) {
        if (std::fscanf(f, "%lld", &limit) != 1) limit = 0;
        std::fclose(f);
    }
    return limit;
}

// Ranks on the busiest PE when `nranks` ranks start in blocks on `npes` PEs (placement.hpp).
inline long long busiest_pe_ranks(long long nranks, long long npes) noexcept {
    return npes <= 0 ? nranks : (nranks + npes - 1) / npes;
}

// Ranks a PE holds comfortably (leaving kMappingMargin free) under `max_map_count`; unlimited if the
// limit is unknown (0), at least 1.
inline long long comfortable_ranks_per_pe(long long max_map_count) noexcept {
    if (max_map_count <= 0) return LLONG_MAX;
    return std::max(1LL, (max_map_count - kMappingMargin) / kMappingsPerRank);
}

// True if a PE holding `ranks` ranks certainly runs out of mappings under `max_map_count`.
inline bool ranks_cannot_fit(long long ranks, long long max_map_count) noexcept {
    return max_map_count > 0 && ranks > (max_map_count - kMappingFloor) / kMappingsPerRank;
}

// Fewest PEs that hold `nranks` ranks comfortably under `max_map_count` (1 if the limit is unknown).
inline long long pes_for_mappings(long long nranks, long long max_map_count) noexcept {
    long long per_pe = comfortable_ranks_per_pe(max_map_count);
    return nranks <= per_pe ? 1 : (nranks + per_pe - 1) / per_pe;
}

// The mappings a PE holding `ranks` ranks needs, about; and the limit that would let it.
inline long long mappings_needed(long long ranks) noexcept {
    return ranks * kMappingsPerRank + kMappingMargin;
}

}  // namespace mosix::rt
