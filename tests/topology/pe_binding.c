// pe_binding.c — every rank prints its PE and the CPUs that PE may run on, one line each:
// "rank R pe P cpus LIST" (LIST as in /proc: "0-3,6"). Ranks are fibers on their PE's thread, so
// the thread's affinity is the PE's binding (runtime/affinity.cc).
#define _GNU_SOURCE  // sched_getaffinity, CPU_* macros
#include <mosix/mosix.h>
#include <mpi.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    int rank = 0, pe = -1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    mosix_where(&pe, NULL, 0);
    cpu_set_t set;
    CPU_ZERO(&set);
    char list[1024] = "";
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        size_t used = 0;
        for (int cpu = 0; cpu < CPU_SETSIZE && used + 16 < sizeof list; ++cpu) {
            if (!CPU_ISSET(cpu, &set)) continue;
            int last = cpu;
            while (last + 1 < CPU_SETSIZE && CPU_ISSET(last + 1, &set)) ++last;
            used += (size_t)snprintf(list + used, sizeof list - used, used ? ",%d" : "%d", cpu);
            if (last > cpu) used += (size_t)snprintf(list + used, sizeof list - used, "-%d", last);
            cpu = last;
        }
    }
    printf("rank %d pe %d cpus %s\n", rank, pe, list[0] ? list : "?");
    MPI_Finalize();
    return 0;
}
