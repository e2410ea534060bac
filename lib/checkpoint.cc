// checkpoint.cc — checkpoint/restart, the library's half: the consistent point, each rank's image,
// PE 0 committing the checkpoint, and rebuilding ranks from it. The runtime's half (suspending and
// resuming ranks, start-up of a restarted job) is runtime/checkpoint.hpp; the files are
// runtime/checkpoint_format.hpp's.
//
// mosix_checkpoint() is collective over MPI_COMM_WORLD. Every rank, inside it:
//  1. learns the checkpoint's number from rank 0;
//  2. drains: it tells every rank how many messages it sent it from another PE (an alltoall of
//     its per-pair sequence counters) and waits until it has taken in as many from each; then it
//     brings home every byte that is its own but lives elsewhere (a rendezvous message's bytes, a
//     same-PE sender's buffer: migrate.cc's ready_to_leave). A second alltoall, of the matches of
//     synchronous sends each rank has told (sync_send.hpp), lets every sender wait until it has
//     heard of them all; then it waits for its own sends to finish.
//     Same-PE messages need no counting: they are in the receiver's queues as soon as sent.
//  3. meets the others in a barrier: no message of the program is in flight any more, and none
//     will be until everyone goes on;
//  4. suspends. Its PE then writes its image — the same record, library state, touched heap and
//     stack in use that a migration sends — as part rank-N, and tells PE 0. PE 0 commits the
//     checkpoint when it has every rank's part, prunes old ones, and tells every PE to resume.
// Requested checkpoints (mosctl checkpoint, mosexec --checkpoint-every) need no call from the
// program: PE 0 gives the request an id and tells every PE; the ranks agree on it inside a
// blocking collective on MPI_COMM_WORLD (every 16th, by a bcast of rank 0's PE's newest id, so all
// decide alike at the same call), and take the checkpoint as they leave that call (LibraryEntry's
// destructor): every rank is then at the same point of the program, outside the library.
// A restarted job (MOSIX_RESTART) builds each PE's ranks from their parts instead of starting
// them: they wake up inside the mosix_checkpoint call that wrote them, on any number of PEs.
#include "checkpoint.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "checkpoint_image.hpp"
#include "coll/coll.hpp"
#include "errors.hpp"
#include "migrate.hpp"
#include "nbc/schedule.hpp"
#include "runtime/checkpoint.hpp"
#include "runtime/checkpoint_format.hpp"
#include "runtime/program_data.hpp"
#include "runtime/runtime.hpp"
#include "runtime/scheduler.hpp"

namespace mosix::lib {

namespace {

using rt::ckpt::CheckpointReader;
using rt::ckpt::CheckpointWriter;
using rt::ckpt::PartRecord;

// Heads every rank's part.
struct ImageHeader {
    static constexpr std::uint32_t kMagic = 0x6d636b31;  // "mck1"
    static constexpr std::uint32_t kVersion = 1;
    // One rank per PE (--rank-per-pe): after the stack, the program's globals (a 64-bit length,
    // then runtime/program_data.hpp's snapshot).
    static constexpr std::uint32_t kVersionProgramData = 2;
    std::uint32_t magic;
    std::uint32_t version;
    std::uint64_t lib_bytes;  // the library state that follows the header
    RankRecord record;        // then heap (record.heap_bytes) and stack (record.stack_bytes)
};

// This PE's share of the checkpoint being written.
struct Writing {
    std::unique_ptr<CheckpointWriter> writer;
    std::uint64_t seq = 0;
    int parts = 0;                       // PE 0: parts listed, its own and the other PEs'
    std::uint64_t bytes = 0;             // PE 0: their total size
    std::unique_ptr<Progress> progress;  // this PE's image bytes
    Compression compression;
};
Writing writing;

// Requested checkpoints (see the top of the file).
constexpr std::uint64_t kAgreeEvery = 16;  // world collectives between two agreements
struct Requests {
    std::uint64_t latest = 0;  // id of the newest request this PE knows of (0: none)
    std::uint64_t order = 0;   // its issue number: the newest wins when messages cross
    // PE 0 only:
    bool outstanding = false;  // issued, not yet committed
    double every_s = -1;       // --checkpoint-every (0: off; -1: not read yet)
    std::chrono::steady_clock::time_point next_due;
};
Requests requests;

std::string checkpoint_root() {
    const char* d = std::getenv("MOSIX_CHECKPOINT_DIR");
    return d ? d : "";
}

int checkpoints_kept() {
    const char* k = std::getenv("MOSIX_CHECKPOINT_KEEP");
    int n = k ? std::atoi(k) : 2;
    return n >= 1 ? n : 2;
}

std::string part_name(int rank) { return "rank-" + std::to_string(rank); }

void or_fail(const std::string& why) {
    if (!why.empty()) rt::fail_job(1, "checkpoint: %s", why.c_str());
}

void open_writer(std::uint64_t seq) {
    if (writing.writer && writing.seq == seq) return;
    writing.writer = std::make_unique<CheckpointWriter>(checkpoint_root(), seq, rt::checkpoint_build_id(),
                                                        rt::world_size());
    writing.seq = seq;
    writing.parts = 0;
    writing.bytes = 0;
    writing.progress = std::make_unique<Progress>("checkpoint " + std::to_string(seq), "written", 0);
    writing.compression = compression_from_environment();
    or_fail(writing.writer->error());
}

void resume(std::uint64_t seq) {
    if (writing.seq == seq) {
        writing.writer.reset();
        writing.progress.reset();
    }
    rt::resume_checkpointed();
}

// PE 0, --checkpoint-every: the next request is due that long after `from`.
void schedule_next_request(std::chrono::steady_clock::time_point from) {
    if (requests.every_s > 0)
        requests.next_due = from + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                       std::chrono::duration<double>(requests.every_s));
}

// PE 0: one more part of checkpoint `seq` is on disk; once all are, commit and let everyone go on.
void part_written(std::uint64_t seq, const PartRecord* elsewhere, std::uint64_t size) {
    open_writer(seq);
    if (elsewhere) or_fail(writing.writer->add_record(*elsewhere));
    writing.bytes += size;
    if (++writing.parts < rt::world_size()) return;
    or_fail(writing.writer->commit());
    std::string path = writing.writer->path();
    or_fail(rt::ckpt::prune(checkpoint_root(), checkpoints_kept()));
    double seconds = writing.progress->seconds();  // since this PE opened the checkpoint
    double mib = static_cast<double>(writing.bytes) / (1 << 20);
    std::fprintf(stderr, "mosix: checkpoint %llu written: %s, %d ranks, %.1f MiB%s in %.2f s (%.0f MiB/s)\n",
                 static_cast<unsigned long long>(seq), path.c_str(), rt::world_size(), mib,
                 writing.compression.zstd ? " stored (zstd)" : "", seconds,
                 seconds > 0 ? mib / seconds : 0.0);
    requests.outstanding = false;
    schedule_next_request(std::chrono::steady_clock::now());
    WireHeader w{};
    w.kind = WireKind::checkpoint_resume;
    w.src_world = -1;
    w.seq = seq;
    for (int pe = 1; pe < rt::npes(); ++pe) send_control(pe, w, {});
    resume(seq);
}

// Scheduler: `r` is suspended at its checkpoint; write its part.
void write_rank(rt::Rank* r) {
    auto* s = static_cast<RankState*>(r->lib);
    std::uint64_t seq = s->checkpoint_seq;
    open_writer(seq);
    rt::RankImage image = rt::rank_image(r);
    // The state as bytes, rebuilt at once: the rank goes on here afterwards.
    std::vector<unsigned char> lib = pack_rank_state(s);
    unpack_rank_state(r, lib.data(), lib.size());
    bool with_data = rt::rank_per_pe();
    ImageHeader h{ImageHeader::kMagic, with_data ? ImageHeader::kVersionProgramData : ImageHeader::kVersion,
                  lib.size(), record_of(r, image)};
    CheckpointWriter& w = *writing.writer;
    or_fail(w.open_part(part_name(r->id)));
    {
        ImageSink sink(w, writing.compression, writing.progress.get());
        or_fail(sink.write(&h, sizeof h));
        or_fail(sink.write(lib.data(), lib.size()));
        if (image.heap_bytes) or_fail(sink.write(image.heap, image.heap_bytes));
        or_fail(sink.write(image.stack, image.stack_bytes));
        if (with_data) {
            std::vector<unsigned char> data = rt::program_data_snapshot();
            std::uint64_t n = data.size();
            or_fail(sink.write(&n, sizeof n));
            or_fail(sink.write(data.data(), data.size()));
        }
        or_fail(sink.finish());
    }
    or_fail(w.close_part());
    const PartRecord& written = w.parts().back();
    if (rt::this_pe() == 0) return part_written(seq, nullptr, written.size);
    WireHeader m{};
    m.kind = WireKind::checkpoint_part;
    m.src_world = -1;
    m.seq = seq;
    m.bytes = sizeof written;
    auto p = reinterpret_cast<const unsigned char*>(&written);
    send_control(0, m, std::vector<unsigned char>(p, p + sizeof written));
}

void restore_rank(CheckpointReader& reader, rt::Rank* r, const std::string& path, Progress* progress) {
    std::string part = part_name(r->id);
    auto failed = [&](const std::string& why) {
        rt::fail_job(1, "cannot restart from %s: %s", path.c_str(), why.c_str());
    };
    if (std::string why = reader.open_part(part); !why.empty()) failed(why);
    ImageSource source(reader, part, progress);
    ImageHeader h;
    if (std::string why = source.read(&h, sizeof h); !why.empty()) failed(why);
    bool with_data = h.version == ImageHeader::kVersionProgramData;
    if (h.magic != ImageHeader::kMagic || (h.version != ImageHeader::kVersion && !with_data) ||
        h.record.rank != r->id)
        failed("part " + part + " is not the image of rank " + std::to_string(r->id));
    if (with_data != rt::rank_per_pe())
        failed(with_data ? "it was written by a job with one rank per PE and holds the program's globals: "
                           "restart with --rank-per-pe"
                         : "it was written by a job that shared PEs between ranks and holds no copy of the "
                           "program's globals: restart without --rank-per-pe");
    const RankRecord& rec = h.record;
    if (h.lib_bytes > (1u << 30))
        failed("part " + part + " claims a library state of " + std::to_string(h.lib_bytes) + " bytes");
    std::vector<unsigned char> lib(h.lib_bytes);
    if (std::string why = source.read(lib.data(), lib.size()); !why.empty()) failed(why);
    // The addresses are checked against the rank's slot before anything is written there; nothing
    // runs before the whole part has been read and its checksum found right.
    if (!rt::prepare_rank_memory(r->id, rec.heap, rec.heap_bytes) ||
        !rt::prepare_rank_memory(r->id, rec.stack, rec.stack_bytes))
        failed("part " + part + " places the rank's memory outside its slot");
    if (rec.heap_bytes)
        if (std::string why = source.read(rec.heap, rec.heap_bytes); !why.empty()) failed(why);
    if (std::string why = source.read(rec.stack, rec.stack_bytes); !why.empty()) failed(why);
    std::vector<unsigned char> data;
    if (with_data) {
        std::uint64_t n = 0;
        if (std::string why = source.read(&n, sizeof n); !why.empty()) failed(why);
        if (n != rt::program_data_bytes())
            failed("part " + part + " holds " + std::to_string(n) + " bytes of program globals, this build " +
                   std::to_string(rt::program_data_bytes()));
        data.resize(n);
        if (std::string why = source.read(data.data(), data.size()); !why.empty()) failed(why);
    }
    if (std::string why = source.finish(); !why.empty()) failed(why);
    // Written only now that the checksum is found right; this PE runs no rank yet.
    if (with_data) or_fail(rt::program_data_restore(data.data(), data.size()));
    reader.close_part();
    install_record(r, rec);
    r->restored = true;
    if (!rt::rank_arrived(r, rec.heap_bytes != 0))
        failed("the heap of rank " + std::to_string(r->id) + " is damaged");
    if (rec.has_lib) unpack_rank_state(r, lib.data(), lib.size());
}

void restore_ranks(const std::string& path, const std::vector<rt::Rank*>& ranks) {
    CheckpointReader reader(path);
    if (!reader.ok()) rt::fail_job(1, "cannot restart from %s: %s", path.c_str(), reader.error().c_str());
    if (std::string why = reader.check_build(rt::checkpoint_build_id()); !why.empty())
        rt::fail_job(1, "cannot restart from %s: %s", path.c_str(), why.c_str());
    if (reader.nranks() != rt::world_size())
        rt::fail_job(1, "cannot restart from %s: it holds %d ranks, the job has %d", reader.path().c_str(),
                     reader.nranks(), rt::world_size());
    std::uint64_t total = 0;
    for (rt::Rank* r : ranks)
        if (const PartRecord* p = reader.find(part_name(r->id))) total += p->size;
    Progress progress("restart from checkpoint " + std::to_string(reader.sequence()), "read", total);
    for (rt::Rank* r : ranks) restore_rank(reader, r, reader.path(), &progress);
    if (rt::this_pe() == 0)
        std::fprintf(stderr, "mosix: restarting from %s (checkpoint %llu, %d ranks, %d PEs)\n",
                     reader.path().c_str(), static_cast<unsigned long long>(reader.sequence()),
                     reader.nranks(), rt::npes());
}

bool armed() {
    static const bool on = !checkpoint_root().empty() && rt::checkpoint_supported();
    return on;
}

// PE 0: a new request, told to every PE. Its id is unique across restarts of the job (a restored
// rank remembers the last id it served).
void issue_request() {
    static std::uint64_t issued = 0;
    ++issued;
    std::uint64_t id =
        static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count()) ^
        (issued << 56);
    requests.latest = id ? id : 1;
    requests.order = issued;
    requests.outstanding = true;
    WireHeader w{};
    w.kind = WireKind::checkpoint_request;
    w.src_world = -1;
    w.seq = requests.latest;
    w.bytes = issued;
    for (int pe = 1; pe < rt::npes(); ++pe) send_control(pe, w, {});
}

// Scheduler, PE 0: --checkpoint-every.
void poll_requests() {
    if (rt::this_pe() != 0) return;
    auto now = std::chrono::steady_clock::now();
    if (requests.every_s < 0) {
        const char* every = std::getenv("MOSIX_CHECKPOINT_EVERY");
        requests.every_s = every && armed() ? std::strtod(every, nullptr) : 0;
        if (!(requests.every_s > 0)) requests.every_s = 0;
        schedule_next_request(now);
    }
    if (requests.every_s > 0 && !requests.outstanding && now >= requests.next_due) issue_request();
}

std::string operator_request() {
    if (!armed())
        return rt::checkpoint_supported() ? "the job has no checkpoint directory (mosexec --checkpoint-dir)"
                                          : "this build cannot write checkpoints (sanitizer build)";
    issue_request();
    std::fprintf(stderr,
                 "mosix: checkpoint requested by the operator: taken at the job's next collective on "
                 "MPI_COMM_WORLD\n");
    return {};
}

// LibraryEntry's destructor, as the rank leaves the call in which the job agreed on a request.
void take_requested(rt::Rank* r) {
    r->library_depth = 1;  // library code from here: its allocations are the PE's
    if (prepare_checkpoint("a requested checkpoint") == MPI_SUCCESS) {
        rt::checkpoint_suspend(r);
        r->restored = false;
    }
    r->library_depth = 0;
}

// Tells every rank how many this rank sent it (`sent`, by destination: an alltoall), then waits
// until it has counted as many from each (`counted(state)`, by source, read afresh as the network
// runs).
template <class Counted>
void exchange_and_wait(const std::unordered_map<int, std::uint64_t>& sent, Counted counted,
                       const Comm& world) {
    auto n = static_cast<std::size_t>(rt::world_size());
    std::vector<std::uint64_t> mine(n, 0), owed(n, 0);
    for (const auto& [dest, count] : sent) mine[static_cast<std::size_t>(dest)] = count;
    coll::alltoall(mine.data(), sizeof(std::uint64_t), owed.data(), sizeof(std::uint64_t), world);
    for (std::size_t src = 0; src < n;) {
        const std::unordered_map<int, std::uint64_t>& have = counted(self_state());
        auto it = have.find(static_cast<int>(src));
        if ((it == have.end() ? 0 : it->second) >= owed[src]) {
            ++src;
            continue;
        }
        rt::progress_network();
        rt::yield();
    }
}

// Step 2 of the protocol (see the top of the file), on the calling rank.
void drain(rt::Rank* self, const Comm& world) {
    exchange_and_wait(
        self_state().send_seq, [](const RankState& s) -> const auto& { return s.recv_seq; }, world);
    ready_to_leave(self);
    // Receives matched synchronous sends until here (the last while messages came in above): each
    // sender must have heard of its matches, or a restart would leave its send waiting forever.
    exchange_and_wait(
        self_state().matches_told, [](const RankState& s) -> const auto& { return s.matches_heard; }, world);
    while (self_state().sends_in_flight > 0) {
        rt::progress_network();
        rt::yield();
    }
}

const bool registered = [] {
    rt::CheckpointHooks hooks{};
    hooks.write_rank = write_rank;
    hooks.restore_ranks = restore_ranks;
    hooks.take_requested = take_requested;
    hooks.poll = poll_requests;
    hooks.operator_request = operator_request;
    rt::set_checkpoint_hooks(hooks);
    return true;
}();

}  // namespace

int prepare_checkpoint(const char* call) {
    if (!rt::checkpoint_supported())
        return raise_error(MPI_COMM_WORLD, MPI_ERR_UNSUPPORTED_OPERATION, call,
                           "this build keeps rank memory on the PE heap (sanitizer build or rank heaps "
                           "off): it cannot write checkpoints");
    std::string root = checkpoint_root();
    if (root.empty())
        return raise_error(MPI_COMM_WORLD, MPI_ERR_OTHER, call,
                           "no checkpoint directory: run the job with mosexec --checkpoint-dir DIR (or "
                           "set MOSIX_CHECKPOINT_DIR)");
    rt::Rank* self = rt::this_rank();
    const Comm& world = *comm_get(MPI_COMM_WORLD);
    nbc::Hold hold;  // nonblocking collectives start no new messages until the checkpoint is taken
    std::uint64_t seq = 0;
    if (world.rank == 0) {
        // Past every checkpoint in the directory too: a new job numbers on from there (so the
        // newest is the latest written), and one restarted from an older one cannot collide.
        seq = std::max(self_state().checkpoint_seq, rt::ckpt::newest_sequence(root)) + 1;
    }
    coll::bcast(&seq, sizeof seq, 0, world);
    drain(self, world);
    coll::barrier(*comm_get(MPI_COMM_WORLD));
    self_state().checkpoint_seq = seq;
    return MPI_SUCCESS;
}

int after_collective(MPI_Comm comm) {
    if (comm != MPI_COMM_WORLD || !armed()) return MPI_SUCCESS;
    if (++self_state().world_collectives % kAgreeEvery != 0) return MPI_SUCCESS;
    const Comm& world = *comm_get(MPI_COMM_WORLD);
    std::uint64_t id = world.rank == 0 ? requests.latest : 0;
    coll::bcast(&id, sizeof id, 0, world);
    RankState& s = self_state();
    if (id != 0 && id != s.checkpoint_request_served) {
        s.checkpoint_request_served = id;
        rt::this_rank()->checkpoint_due = true;
    }
    return MPI_SUCCESS;
}

bool checkpoint_on_control(const WireHeader& w, const void* data, std::size_t len) {
    if (w.kind == WireKind::checkpoint_request) {
        if (w.bytes > requests.order) {
            requests.latest = w.seq;
            requests.order = w.bytes;
        }
        return false;
    }
    if (w.kind == WireKind::checkpoint_resume) {
        resume(w.seq);
        return false;
    }
    PartRecord rec;
    if (rt::this_pe() != 0 || len != sizeof rec)
        rt::fail_job(1, "internal: a checkpoint part record reached PE %d (%zu bytes)", rt::this_pe(), len);
    std::memcpy(&rec, data, sizeof rec);
    part_written(w.seq, &rec, rec.size);
    return false;
}

}  // namespace mosix::lib
