// runtime.cc — start-up of a PE: job shape from the environment, slots, rank fibers, and the end
// of each rank (exit status, stack release).
#include "runtime.hpp"

#include <getopt.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>
#include <string>

#include "affinity.hpp"
#include "balancer.hpp"
#include "checkpoint.hpp"
#include "control.hpp"
#include "crash.hpp"
#include "fiber.hpp"
#include "fixed_layout.hpp"
#include "map_budget.hpp"
#include "net/bootstrap.hpp"
#include "net/transport.hpp"
#include "pe_stats.hpp"
#include "placement.hpp"
#include "rank_heap.hpp"
#include "runtime_internal.hpp"
#include "scheduler.hpp"

namespace mosix::rt {

namespace {

PeState the_pe;

// Reads a positive integer with an optional K/M/G suffix; returns false if `text` is not one.
bool parse_size(const char* text, std::size_t* out) {
    errno = 0;
    char* end = nullptr;
    unsigned long long v = std::strtoull(text, &end, 10);
    if (errno || end == text || text[0] == '-') return false;
    switch (*end) {
        case 'k':
        case 'K':
            v <<= 10;
            ++end;
            break;
        case 'm':
        case 'M':
            v <<= 20;
            ++end;
            break;
        case 'g':
        case 'G':
            v <<= 30;
            ++end;
            break;
        default:
            break;
    }
    if (*end == 'i' || *end == 'B') ++end;
    if (*end == 'B') ++end;
    if (*end != '\0' || v == 0) return false;
    *out = static_cast<std::size_t>(v);
    return true;
}

}  // namespace

JobConfig config_from_environment() {
    JobConfig c;
    if (const char* n = std::getenv("MOSIX_NRANKS")) {
        char* end = nullptr;
        long v = std::strtol(n, &end, 10);
        if (end == n || *end != '\0' || v < 1 || v > (1L << 24))
            fail_job(2, "MOSIX_NRANKS='%s' is not a rank count between 1 and %ld", n, 1L << 24);
        c.nranks = static_cast<int>(v);
    }
    if (const char* s = std::getenv("MOSIX_STACK_SIZE")) {
        std::size_t v = 0;
        if (!parse_size(s, &v) || v < 64 * 1024)
            fail_job(2, "MOSIX_STACK_SIZE='%s' is not a stack size of at least 64K", s);
        c.stack_size = v;
    }
    if (const char* v = std::getenv("MOSIX_RANK_PER_PE")) {
        if (std::strcmp(v, "0") != 0 && std::strcmp(v, "1") != 0)
            fail_job(2, "MOSIX_RANK_PER_PE='%s' is not 0 or 1", v);
        c.rank_per_pe = v[0] == '1';
    }
    return c;
}

namespace {

// The control blocks live at one fixed address in every PE (below the slot region), so pointers
// to them that a rank keeps in its own memory (a request's owner) mean the same rank everywhere.
constexpr std::uintptr_t kRankTableBase = SlotRegion::kRegionBase - (4ULL << 40);

std::size_t rank_table_bytes(int nranks) {
    std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    return (sizeof(Rank) * static_cast<std::size_t>(nranks) + page - 1) / page * page;
}

Rank* map_rank_table(int nranks) {
    void* want = reinterpret_cast<void*>(kRankTableBase);
    void* got = mmap(want, rank_table_bytes(nranks), PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (got == MAP_FAILED || got != want)
        fail_job(1, "cannot map the rank table at its fixed address: %s",
                 got == MAP_FAILED ? std::strerror(errno) : "the address is taken");
    auto* table = static_cast<Rank*>(got);
    for (int i = 0; i < nranks; ++i) new (&table[i]) Rank();
    return table;
}

void unmap_rank_table(PeState& p) {
    if (!p.ranks) return;
    munmap(p.ranks, rank_table_bytes(p.config.nranks));
    p.ranks = nullptr;
}

// Each rank gets its own copy of argv: programs (and getopt) permute and edit it.
char** copy_argv(int argc, char** argv) {
    char** copy = static_cast<char**>(std::calloc(static_cast<std::size_t>(argc) + 1, sizeof(char*)));
    for (int i = 0; i < argc; ++i) copy[i] = strdup(argv[i]);
    return copy;
}

// A PE maps two areas per rank it holds (map_budget.hpp), so the kernel's per-process mapping
// limit caps its ranks: say so, with both remedies, instead of just ENOMEM. mosexec normally
// starts enough PEs; this is what a too small explicit --pes, or a direct run, meets.
[[noreturn]] void fail_stack_mapping(int rank, int err) {
    long long limit = read_max_map_count();
    int n = the_pe.config.nranks;
    long long here = placement_first_rank(detail::this_pe + 1, n, detail::npes) -
                     placement_first_rank(detail::this_pe, n, detail::npes);
    // mprotect of reserved, unaccounted (MAP_NORESERVE) memory fails with ENOMEM for the limit only.
    if (err == ENOMEM && limit > 0)
        fail_job(1,
                 "cannot map the stack of rank %d: this PE holds %lld ranks and needs about %lld memory "
                 "mappings, more than vm.max_map_count (%lld) allows; use more PEs (mosexec --pes %lld, "
                 "or leave --pes out) or raise the limit (sysctl -w vm.max_map_count=%lld)",
                 rank, here, mappings_needed(here), limit, pes_for_mappings(n, limit), mappings_needed(here));
    fail_job(1, "cannot map the stack of rank %d: %s", rank, std::strerror(err));
}

void rank_entry(Rank* r) {
    PeState& p = the_pe;
    char** argv = copy_argv(p.argc, p.argv);
    optind = 0;  // getopt's state is a process global; every rank parses its argv from the start
    int status = 0;
    try {
        status = p.body(p.argc, argv);
    } catch (const std::exception& e) {
        fail_job(1, "uncaught exception: %s", e.what());
    } catch (...) {
        fail_job(1, "uncaught exception of a non-standard type");
    }
    for (int i = 0; i < p.argc; ++i) std::free(argv[i]);
    std::free(argv);
    r->exit_code = status;
    if (p.exit_check) {
        if (const char* why = p.exit_check(r)) fail_job(1, "%s", why);
    }
    r->state = RankState::done;
    fiber_exit(r);
}

}  // namespace

PeState& pe() noexcept { return the_pe; }
const JobConfig& job_config() noexcept { return the_pe.config; }
void set_rank_exit_check(RankExitCheck check) noexcept { the_pe.exit_check = check; }
void set_blocked_describer(BlockedDescriber d) noexcept { the_pe.describe_blocked = d; }
void set_rank_release(RankRelease release) noexcept { the_pe.release_lib = release; }

int host_of_pe(int pe) noexcept {
    return pe >= 0 && static_cast<std::size_t>(pe) < the_pe.host_of_pe.size()
               ? the_pe.host_of_pe[static_cast<std::size_t>(pe)]
               : 0;
}
const char* host_name(int host) noexcept {
    return host >= 0 && static_cast<std::size_t>(host) < the_pe.host_names.size()
               ? the_pe.host_names[static_cast<std::size_t>(host)].c_str()
               : "localhost";
}
std::uint64_t pe_slept_ns() noexcept { return the_pe.slept_ns; }
int host_count() noexcept { return static_cast<int>(the_pe.host_names.size()); }

namespace {
MessageHandlers message_handlers{};
}
void set_message_handlers(const MessageHandlers& handlers) noexcept { message_handlers = handlers; }

void fail_job(int status, const char* fmt, ...) {
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    std::fflush(stdout);
    if (Rank* r = this_rank())
        std::fprintf(stderr, "mosix: rank %d: %s\n", r->id, msg);
    else
        std::fprintf(stderr, "mosix: %s\n", msg);
    std::fflush(stderr);
    _exit(status);
}

void finish_rank(Rank* r) {
    PeState& p = the_pe;
    p.slots.release_stack(r->id);
    --p.live_ranks;
    ++p.finished_ranks;
    ++p.finished_unreported;
    if (r->exit_code != 0 && p.exit_status == 0) p.exit_status = r->exit_code;
}

void report_deadlock_and_exit() {
    PeState& p = the_pe;
    std::string report = "deadlock: all " + std::to_string(p.live_ranks) +
                         " unfinished ranks wait for messages that no rank will send:";
    int shown = 0;
    for (int i = 0; i < p.config.nranks && shown < 8; ++i) {
        Rank& r = p.ranks[static_cast<std::size_t>(i)];
        if (r.state != RankState::blocked) continue;
        char what[200] = "";
        if (p.describe_blocked) p.describe_blocked(&r, what, sizeof what);
        report += "\n  rank " + std::to_string(r.id) + " in " + (r.blocked_in ? r.blocked_in : "?") +
                  (what[0] ? std::string(" ") + what : std::string());
        ++shown;
    }
    if (p.live_ranks > shown) report += "\n  ...";
    fail_job(1, "%s", report.c_str());
}

namespace {

// stdio allocates a stream's buffer at its first use; if a rank's printf came first, the buffer
// shared by every rank would live in that rank's slot (and leave with it). Give them PE memory.
void keep_stdio_buffers_off_rank_heaps() {
    static char out_buffer[BUFSIZ], in_buffer[BUFSIZ];
    static bool done = false;
    if (done) return;
    done = true;
    std::setvbuf(stdout, out_buffer, isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF, sizeof out_buffer);
    std::setvbuf(stdin, in_buffer, _IOFBF, sizeof in_buffer);
}

// Gives a finished job's memory back: the library's per-rank state, the ranks and their slots,
// so the next job in this process (tests run many) starts clean.
void release_ranks(PeState& p) {
    for (int i = 0; i < p.config.nranks; ++i) {
        Rank& r = p.ranks[static_cast<std::size_t>(i)];
        if (r.state == RankState::away) continue;  // its state and memory are another PE's
        if (r.lib && p.release_lib) p.release_lib(&r);
        free_by_address(r.locals);  // the rank-local table: rank heap or PE heap
    }
    unmap_rank_table(p);
}

// The slots (and the rank heaps in them) stay until the next job in this process replaces them:
// after the last job, the program's static destructors may still free what ranks allocated.
void release_slots(PeState& p) {
    if (p.slots.slot_size() == 0) return;
    rank_heaps_detach();
    munmap(reinterpret_cast<void*>(SlotRegion::kRegionBase),
           p.slots.slot_size() * static_cast<std::size_t>(p.config.nranks));
}

// Every PE must run the same binary with the same slot region, or a rank's pointers would mean
// different things on different PEs.
void check_same_layout_everywhere(const PeState& p, const net::PeIdentity& id) {
    std::string mine = layout_identity(p.slots.slot_size() * static_cast<std::size_t>(p.config.nranks));
    std::vector<std::vector<unsigned char>> all;
    if (std::string why = net::bootstrap_exchange("mosix.layout", {mine.begin(), mine.end()}, &all);
        !why.empty())
        fail_job(1, "PE %d: %s", id.pe, why.c_str());
    for (int pe = 0; pe < id.npes; ++pe) {
        std::string theirs(all[static_cast<std::size_t>(pe)].begin(),
                           all[static_cast<std::size_t>(pe)].end());
        if (theirs != mine)
            fail_job(1,
                     "PE %d and PE %d differ (%s there, %s here): every PE must run the same "
                     "program build with the same rank count and stack size",
                     pe, id.pe, theirs.c_str(), mine.c_str());
    }
}

std::string this_host_name() {
    char name[256];
    if (gethostname(name, sizeof name) != 0) return "localhost";
    name[sizeof name - 1] = '\0';
    return name;
}

// Every PE learns every PE's host name: the balancer treats PEs of one host (shared memory) and
// of different hosts (free memory, migration cost) differently.
void learn_hosts(PeState& p, const net::PeIdentity& id) {
    std::string mine = this_host_name();
    std::vector<std::string> names(static_cast<std::size_t>(id.npes), mine);
    if (id.npes > 1) {
        std::vector<std::vector<unsigned char>> all;
        if (std::string why = net::bootstrap_exchange("mosix.host", {mine.begin(), mine.end()}, &all);
            !why.empty())
            fail_job(1, "PE %d: %s", id.pe, why.c_str());
        for (int pe = 0; pe < id.npes; ++pe)
            names[static_cast<std::size_t>(pe)].assign(all[static_cast<std::size_t>(pe)].begin(),
                                                       all[static_cast<std::size_t>(pe)].end());
    }
    p.host_names.clear();
    p.host_of_pe.assign(static_cast<std::size_t>(id.npes), 0);
    for (int pe = 0; pe < id.npes; ++pe) {
        const std::string& n = names[static_cast<std::size_t>(pe)];
        std::size_t h = 0;
        while (h < p.host_names.size() && p.host_names[h] != n) ++h;
        if (h == p.host_names.size()) p.host_names.push_back(n);
        p.host_of_pe[static_cast<std::size_t>(pe)] = static_cast<int>(h);
    }
}

// Starts this PE's share of a job: every rank's location, a fiber for each local rank, the
// transport when there are other PEs; runs until the local ranks are done.
int run_pe(const JobConfig& config, const net::PeIdentity& id, int argc, char** argv,
           std::function<int(int, char**)> body) {
    PeState& p = the_pe;
    release_slots(p);
    p.config = config;
    p.balancer = balancer_config_from_environment();
    p.exit_status = 0;
    p.pe = id.pe;
    p.npes = id.npes;
    if (config.rank_per_pe && config.nranks > id.npes)
        fail_job(2,
                 "one rank per PE (MOSIX_RANK_PER_PE=1) needs at least as many PEs as ranks: %d ranks, "
                 "%d PEs (mosexec --rank-per-pe starts enough)",
                 config.nranks, id.npes);
    if (std::string why = p.slots.reserve(p.config.nranks, p.config.stack_size); !why.empty())
        fail_job(1, "%s", why.c_str());
    install_crash_handlers(&p.slots);
    mark_pe_thread();
    if (config.rank_heaps) {
        keep_stdio_buffers_off_rank_heaps();
        rank_heaps_attach(&p.slots, config.nranks);
    }
    p.argc = argc;
    p.argv = argv;
    p.body = std::move(body);
    int n = p.config.nranks;
    p.location.resize(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) p.location[static_cast<std::size_t>(i)] = placement_pe_of(i, n, id.npes);
    p.location_version.assign(static_cast<std::size_t>(n), 0);
    detail::world_size = n;
    detail::this_pe = id.pe;
    detail::npes = id.npes;
    detail::location = p.location.data();
    detail::location_version = p.location_version.data();
    ++detail::location_epoch;
    p.ranks = map_rank_table(n);
    p.live_ranks = 0;
    p.finished_ranks = 0;
    p.finished_unreported = 0;
    p.slept_ns = 0;
    // A restarted job rebuilds its ranks from their images instead of starting them afresh.
    std::string restart = restart_source();
    std::vector<Rank*> to_restore;
    for (int i = 0; i < n; ++i) {
        Rank* r = &p.ranks[static_cast<std::size_t>(i)];
        r->id = i;
        if (p.location[static_cast<std::size_t>(i)] != id.pe) {
            r->state = RankState::away;  // lives elsewhere
            continue;
        }
        if (!restart.empty()) {
            r->state = RankState::away;  // until its image is in place
            to_restore.push_back(r);
            continue;
        }
        r->stack_size = p.slots.stack_size();
        r->stack_low = p.slots.map_stack(i);
        if (!r->stack_low) fail_stack_mapping(i, errno);
        fiber_create(r, rank_entry);
        make_runnable(r);
        ++p.live_ranks;
    }
    p.networked = id.npes > 1;
    learn_hosts(p, id);
    if (p.networked) {
        check_same_layout_everywhere(p, id);
        if (!message_handlers.receive) fail_job(1, "no message handler is registered for a multi-PE job");
        net::TransportHandlers handlers{message_handlers.receive, message_handlers.send_done,
                                        message_handlers.fetch_done};
        if (std::string why = net::transport_init(id, handlers); !why.empty())
            fail_job(1, "PE %d: cannot start the UCX transport: %s", id.pe, why.c_str());
    }
    if (!restart.empty()) restore_ranks(restart, to_restore);
    stats_start(id.npes);
    balancer_start(p.balancer);
    run_scheduler();
    stats_publish(true);  // the run's last figures, for mosexec --report
    std::fflush(stdout);
    if (p.networked) net::transport_finalize();
    release_ranks(p);
    return p.exit_status;
}

}  // namespace

int run_job(const JobConfig& config, int argc, char** argv, std::function<int(int, char**)> body) {
    return run_pe(config, net::PeIdentity{}, argc, argv, std::move(body));
}

}  // namespace mosix::rt

extern "C" int mosix_runtime_main(int argc, char** argv, int (*user_main)(int, char**)) {
    using namespace mosix::rt;
    ensure_fixed_layout(argv);
    control_attach();  // after the re-exec (the pipe survives it), before PMIx starts threads
    JobConfig config = config_from_environment();
    net::PeIdentity id;
    if (net::launched_by_pmix()) {
        if (std::string why = net::bootstrap_init(&id); !why.empty()) fail_job(1, "%s", why.c_str());
        if (const char* pes = std::getenv("MOSIX_PES"); pes && std::atoi(pes) != id.npes)
            fail_job(1,
                     "the launcher started %d PEs but mosexec asked for %s (MOSIX_PES): do not pass -np "
                     "to mpirun, use mosexec --pes",
                     id.npes, pes);
        bind_to_core(id.local_pe);
        request_short_slice();
    } else if (const char* pes = std::getenv("MOSIX_PES"); pes && std::atoi(pes) > 1) {
        fail_job(1,
                 "MOSIX_PES=%s asks for several PEs, but this process was not started by a PMIx "
                 "launcher: run it with mosexec",
                 pes);
    }
    int status = run_pe(config, id, argc, argv, user_main);
    net::bootstrap_finalize();
    return status;
}
