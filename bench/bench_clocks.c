// bench_clocks.c — what reading a clock costs here, to decide which clock the scheduler may read at
// every fiber switch (DESIGN.md, "Load balancing": the CPU time each rank used).
//
// For each way of reading a clock, a loop of back-to-back reads is timed with CLOCK_MONOTONIC and
// the cost per read printed, best of 5 rounds (this machine is shared: the best round is the one
// least disturbed by others, and the cost a quiet switch would pay):
//   CLOCK_MONOTONIC            wall time, through the vDSO (no system call while the clock source
//                              is the TSC: see /sys/devices/system/clocksource/*/current_clocksource)
//   CLOCK_MONOTONIC_COARSE     wall time at tick resolution, vDSO
//   CLOCK_THREAD_CPUTIME_ID    this thread's CPU time: a system call on Linux (the vDSO has no
//                              per-thread data), the clock the runtime's thread_cpu_ns() reads
//   CLOCK_PROCESS_CPUTIME_ID   the process's CPU time: a system call that also sums all threads
//   getrusage(RUSAGE_THREAD)   the other way to the thread's CPU time
//   getppid()                  the cheapest system call, for reference: what any syscall costs
//   rdtsc, rdtscp              the time-stamp counter (x86 only); rdtscp waits for earlier
//                              instructions, rdtsc does not
// Plain C without MPI: it measures the machine, not mosix. Usage: bench_clocks [reads-per-round]
// (default 1000000). Prints one line per clock: "<name> <ns> ns/read".
#define _GNU_SOURCE  // RUSAGE_THREAD, CLOCK_MONOTONIC_COARSE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define HAVE_TSC 1
#endif

enum { kRounds = 5 };

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

// Every read's result is folded in here so that no loop can be optimized away.
static volatile uint64_t sink;

static uint64_t read_clock(clockid_t id) {
    struct timespec ts;
    clock_gettime(id, &ts);
    return (uint64_t)ts.tv_nsec;
}

static uint64_t read_rusage(void) {
    struct rusage ru;
    getrusage(RUSAGE_THREAD, &ru);
    return (uint64_t)ru.ru_utime.tv_usec;
}

typedef enum {
    kMonotonic,
    kMonotonicCoarse,
    kThreadCpu,
    kProcessCpu,
    kRusageThread,
    kGetppid,
    kRdtsc,
    kRdtscp
} Method;

static const char* const kNames[] = {"CLOCK_MONOTONIC",
                                     "CLOCK_MONOTONIC_COARSE",
                                     "CLOCK_THREAD_CPUTIME_ID",
                                     "CLOCK_PROCESS_CPUTIME_ID",
                                     "getrusage(RUSAGE_THREAD)",
                                     "getppid()",
                                     "rdtsc",
                                     "rdtscp"};

// One read of the method; the switch is outside the timed loops (one loop per method below).
static double round_ns(Method m, long reads) {
    uint64_t acc = 0;
    uint64_t start = now_ns();
    switch (m) {
        case kMonotonic:
            for (long i = 0; i < reads; ++i) acc += read_clock(CLOCK_MONOTONIC);
            break;
        case kMonotonicCoarse:
            for (long i = 0; i < reads; ++i) acc += read_clock(CLOCK_MONOTONIC_COARSE);
            break;
        case kThreadCpu:
            for (long i = 0; i < reads; ++i) acc += read_clock(CLOCK_THREAD_CPUTIME_ID);
            break;
        case kProcessCpu:
            for (long i = 0; i < reads; ++i) acc += read_clock(CLOCK_PROCESS_CPUTIME_ID);
            break;
        case kRusageThread:
            for (long i = 0; i < reads; ++i) acc += read_rusage();
            break;
        case kGetppid:
            for (long i = 0; i < reads; ++i) acc += (uint64_t)getppid();
            break;
#ifdef HAVE_TSC
        case kRdtsc:
            for (long i = 0; i < reads; ++i) acc += __rdtsc();
            break;
        case kRdtscp: {
            unsigned aux;
            for (long i = 0; i < reads; ++i) acc += __rdtscp(&aux);
            break;
        }
#else
        default:
            return -1;
#endif
    }
    uint64_t elapsed = now_ns() - start;
    sink += acc;
    return (double)elapsed / (double)reads;
}

int main(int argc, char** argv) {
    long reads = 1000000;
    if (argc > 1) {
        char* end = NULL;
        reads = strtol(argv[1], &end, 10);
        if (!end || *end || reads < 1000 || reads > 1000000000L) {
            fprintf(stderr, "usage: bench_clocks [reads-per-round, 1000..1000000000]\n");
            return 2;
        }
    }
    for (Method m = kMonotonic; m <= kRdtscp; ++m) {
        // System-call clocks cost ~100x a vDSO read: fewer reads keep every round short.
        long n = (m == kThreadCpu || m == kProcessCpu || m == kRusageThread || m == kGetppid)
                     ? (reads / 10 > 1000 ? reads / 10 : 1000)
                     : reads;
        double best = -1;
        for (int r = 0; r < kRounds; ++r) {
            double ns = round_ns(m, n);
            if (ns >= 0 && (best < 0 || ns < best)) best = ns;
        }
        if (best < 0)
            printf("%-26s n/a\n", kNames[m]);
        else
            printf("%-26s %7.1f ns/read\n", kNames[m], best);
    }
    return 0;
}
