// affinity.cc — binding a PE to its core, by the placement rule of topology.hpp.
#include "affinity.hpp"

#include <sched.h>

#include <cstdlib>
#include <cstring>
#include <exception>

#include "topology.hpp"

namespace mosix::rt {

void bind_to_core(int index) noexcept {
    if (const char* b = std::getenv("MOSIX_BIND"); b && std::strcmp(b, "none") == 0) return;
    try {
        // Read before binding: afterwards this thread's allowed set would be the one core.
        PePlace place = pe_place(discover_topology(), index);
        if (place.pu < 0 || place.pu >= CPU_SETSIZE) return;
        // Only the calling thread, as before hwloc chose the core: helper threads that PMIx has
        // already started stay where they were, and threads started later inherit the binding.
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(place.pu, &one);
        sched_setaffinity(0, sizeof one, &one);
    } catch (const std::exception&) {
        // Out of memory while reading the topology: run unbound rather than not at all.
    }
}

}  // namespace mosix::rt
