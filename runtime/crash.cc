#include "crash.hpp"

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "slots.hpp"
#include "this_rank.hpp"

namespace mosix::rt {

namespace {

const SlotRegion* crash_slots = nullptr;

void write_line(const char* s) {
    size_t n = std::strlen(s);
    while (n > 0) {
        ssize_t w = ::write(STDERR_FILENO, s, n);
        if (w <= 0) return;
        s += w;
        n -= static_cast<size_t>(w);
    }
}

void on_fatal_signal(int sig, siginfo_t* info, void*) {
    char line[320];
    Rank* r = this_rank();
    int guard_rank = -1;
    bool overflow = (sig == SIGSEGV || sig == SIGBUS) && crash_slots &&
                    crash_slots->in_guard_page(info->si_addr, &guard_rank);
    if (overflow) {
        std::snprintf(line, sizeof line,
                      "mosix: rank %d overflowed its stack (%zu KiB); give ranks more with "
                      "mosexec --stack-size\n",
                      guard_rank, crash_slots->stack_size() >> 10);
    } else if (r) {
        if (sig == SIGSEGV || sig == SIGBUS)
            std::snprintf(line, sizeof line, "mosix: rank %d crashed: %s at address %p\n", r->id,
                          strsignal(sig), info->si_addr);
        else if (sig == SIGABRT)
            std::snprintf(line, sizeof line, "mosix: rank %d aborted (SIGABRT)\n", r->id);
        else
            std::snprintf(line, sizeof line, "mosix: rank %d crashed: %s\n", r->id, strsignal(sig));
    } else {
        std::snprintf(line, sizeof line, "mosix: PE %d (pid %d) crashed in the runtime: %s\n", this_pe(),
                      static_cast<int>(getpid()), strsignal(sig));
    }
    write_line(line);
    _exit(128 + sig);
}

}  // namespace

void install_crash_handlers(const SlotRegion* slots) {
    crash_slots = slots;
    static char alt_stack[64 * 1024];
    stack_t ss{};
    ss.ss_sp = alt_stack;
    ss.ss_size = sizeof alt_stack;
    sigaltstack(&ss, nullptr);
    struct sigaction sa {};
    sa.sa_sigaction = on_fatal_signal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    for (int sig : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT}) sigaction(sig, &sa, nullptr);
}

}  // namespace mosix::rt
