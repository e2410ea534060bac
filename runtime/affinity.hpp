// affinity.hpp — pins the PE to one core. The PE binds itself (rather than the launcher binding
// it) because remote launcher daemons bind their first process to core 0 whatever it is told.
#pragma once

namespace mosix::rt {

// Binds the calling thread to the core that topology.hpp's placement rule gives PE `index` of this
// host (its index among the host's PEs): the index-th allowed core in hwloc's order, modulo their
// number, on that core's first allowed PU. Does nothing if MOSIX_BIND=none. Failure is not fatal:
// the PE runs unbound.
void bind_to_core(int index) noexcept;

// Asks the kernel's fair scheduler (EEVDF, Linux 6.6+) for a short time slice for the calling
// thread: a PE that shares its core with another program then gets the core back within a
// fraction of a millisecond when a message wakes it, instead of after the other program's slice,
// so the PEs waiting for its messages are not held up. Needs no privilege; a kernel without it
// refuses, and nothing changes. MOSIX_SHORT_SLICE=0 turns it off. Returns true if granted.
bool request_short_slice() noexcept;

}  // namespace mosix::rt
