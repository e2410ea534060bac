// affinity.cc — binding a PE to its core, by the placement rule of topology.hpp.
#include "affinity.hpp"

#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>
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

namespace {
struct SchedAttr {  // struct sched_attr of sched_setattr(2); glibc 2.36 has no wrapper
    std::uint32_t size;
    std::uint32_t sched_policy;
    std::uint64_t sched_flags;
    std::int32_t sched_nice;
    std::uint32_t sched_priority;
    std::uint64_t sched_runtime;
    std::uint64_t sched_deadline;
    std::uint64_t sched_period;
    std::uint32_t sched_util_min;
    std::uint32_t sched_util_max;
};
}  // namespace

bool request_short_slice() noexcept {
    if (const char* s = std::getenv("MOSIX_SHORT_SLICE"); s && std::strcmp(s, "0") == 0) return false;
    SchedAttr attr{};
    attr.size = sizeof attr;
    attr.sched_policy = SCHED_OTHER;
    attr.sched_runtime = 100 * 1000;  // ns: the shortest slice the kernel accepts
    return syscall(SYS_sched_setattr, 0, &attr, 0) == 0;
}

}  // namespace mosix::rt
