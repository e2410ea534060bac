#include "affinity.hpp"

#include <sched.h>

#include <cstdlib>
#include <cstring>

namespace mosix::rt {

void bind_to_core(int index) noexcept {
    if (const char* b = std::getenv("MOSIX_BIND"); b && std::strcmp(b, "none") == 0) return;
    cpu_set_t allowed;
    if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) return;
    int count = CPU_COUNT(&allowed);
    if (count <= 0) return;
    int want = index % count;
    for (int cpu = 0, seen = 0; cpu < CPU_SETSIZE; ++cpu) {
        if (!CPU_ISSET(cpu, &allowed)) continue;
        if (seen++ == want) {
            cpu_set_t one;
            CPU_ZERO(&one);
            CPU_SET(cpu, &one);
            sched_setaffinity(0, sizeof one, &one);
            return;
        }
    }
}

}  // namespace mosix::rt
