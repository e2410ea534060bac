// affinity.hpp — pins the PE to one core. The PE binds itself (rather than the launcher binding
// it) because remote launcher daemons bind their first process to core 0 whatever it is told.
#pragma once

namespace mosix::rt {

// Binds the calling thread to the core that topology.hpp's placement rule gives PE `index` of this
// host (its index among the host's PEs): the index-th allowed core in hwloc's order, modulo their
// number, on that core's first allowed PU. Does nothing if MOSIX_BIND=none. Failure is not fatal:
// the PE runs unbound.
void bind_to_core(int index) noexcept;

}  // namespace mosix::rt
