// mosexec_map_limit.hpp — fitting a job's PEs under the kernel's limit on memory mappings.
//
// A PE maps two areas per rank it holds (runtime/map_budget.hpp), and the kernel allows a process
// vm.max_map_count of them (65530 by default), so one PE holds about 30,000 ranks. Without --pes,
// mosexec starts as many PEs as the ranks need, even beyond the cores (they then share cores);
// with --pes that cannot hold the ranks it refuses to start, naming both remedies.
#pragma once

namespace mosexec {

// The PE count to start: `pes` as planned from the cores or hosts (at most nranks), raised, if
// `pes_given` is false, until every PE holds its ranks comfortably under `max_map_count` (0 =
// unknown: unchanged). Says so in one line on stderr if it raises the count and `announce` is
// set; `cores` is only for that line. An explicit --pes that cannot fit is a usage error.
long long fit_pes_to_map_limit(long long nranks, long long pes, bool pes_given, long long cores,
                               long long max_map_count, bool announce);

}  // namespace mosexec
