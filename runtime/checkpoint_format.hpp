// checkpoint_format.hpp — the on-disk layout of a checkpoint: where the files go, the manifest that
// lists them, and how they are written so that a crash leaves either a whole checkpoint or none.
// The checkpoint protocol (who suspends what, who writes which rank) is elsewhere; this module knows
// only files and bytes and depends on nothing else in the runtime.
//
// Layout, in a checkpoint root directory D:
//
//   D/ckpt-00000003/manifest     text, key = value lines (below), last line its own checksum
//   D/ckpt-00000003/rank-5       one file per rank: its image, opaque here
//   D/ckpt-00000003/pe-2         optional per-PE files (e.g. messages in flight), opaque here
//   D/ckpt-00000004.tmp/...      a checkpoint being written (or abandoned by a crash): never read
//
// Manifest (format 1):
//
//   # mosix checkpoint manifest: do not edit, the last line checksums the lines above it
//   format = mosix-checkpoint 1
//   build-id = <the program's build id, as the caller gave it>
//   ranks = 4
//   sequence = 3
//   created = 2026-11-24T01:25:31Z
//   checksum = crc32c
//   part = rank-0 4096 1a2b3c4d          name, size in bytes, CRC-32C in hex
//   ...
//   manifest-crc32c = 89abcdef           CRC-32C of every byte before this line
//
// Checksum: CRC-32C (Castagnoli polynomial, reflected 0x82F63B78, the one of iSCSI, ext4 and
// Btrfs), table-driven slicing-by-8 in checkpoint_format.cc. It catches every burst error up to 32
// bits and every odd number of flipped bits, which is what disks and truncated copies produce; it
// is not a defence against someone forging a checkpoint (nothing here is).
//
// Crash safety: every file is written under a temporary name, fsync'd, then renamed; the parts and
// the manifest live in D/ckpt-N.tmp, and commit() renames that directory to D/ckpt-N and fsyncs D.
// A reader never looks at *.tmp, so it sees a checkpoint whole or not at all.
//
// Several processes (PEs) may write parts of one checkpoint at once: each creates (or finds) the
// same D/ckpt-N.tmp and writes only its own parts, then hands its PartRecords (small, trivially
// copyable) to PE 0, which adds them to its own writer and commits once everyone is done. The
// caller orders this; nothing here locks.
//
// Errors: no exception leaves this module and no bad file crashes it. Functions return a
// std::string that is empty on success and otherwise a sentence naming the checkpoint (or file) and
// what is wrong, e.g. "checkpoint /d/ckpt-00000003: part rank-5 is truncated (1000 of 4096 bytes)".
//
// Thread safety: none; one thread per writer or reader object.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mosix::rt::ckpt {

inline constexpr std::string_view kFormatName = "mosix-checkpoint";
inline constexpr int kFormatVersion = 1;

// CRC-32C of n bytes, continuing from `crc` (the result of an earlier call, or 0 to start), so a
// stream can be checksummed in chunks: crc32c(crc32c(0, a, na), b, nb) == crc32c(0, ab, na + nb).
std::uint32_t crc32c(std::uint32_t crc, const void* data, std::size_t n);

// The name of checkpoint `seq` inside a root directory: "ckpt-" and the number zero-padded to 8
// digits (so that `ls` sorts them; larger numbers just get longer).
std::string checkpoint_dir_name(std::uint64_t seq);

// What the manifest says of one part. Trivially copyable with a fixed-size name so a PE can send it
// to PE 0 as plain bytes.
struct PartRecord {
    static constexpr std::size_t kMaxName = 55;  // characters, without the terminating NUL
    char name[kMaxName + 1] = {};
    std::uint64_t size = 0;
    std::uint32_t crc = 0;  // crc32c of the whole part
    std::uint32_t reserved = 0;

    std::string_view name_view() const;
};

// Empty if `name` may name a part: 1..55 characters from [A-Za-z0-9._-], not starting with '.',
// and not "manifest"; otherwise why not.
std::string check_part_name(std::string_view name);

// Writes one checkpoint, or this process's share of it. Roles:
//   * single process: add_part() (or open/append/close) every part, then commit();
//   * parts only (PE k): write its parts, send parts() to PE 0, let the object go (no commit);
//   * manifest only (PE 0): add_record() what the other PEs sent (and write its own parts), commit().
// Destroying a writer with a part open removes that part's temporary file; the checkpoint stays
// uncommitted (D/ckpt-N.tmp) until someone commits it or prune() removes it.
class CheckpointWriter {
public:
    // Creates D (one level) and D/ckpt-N.tmp if they are missing; finding them is fine, as other
    // PEs may have made them. `build_id` must be one line of printable text; nranks >= 0. A
    // failure here is kept and returned by every later call (and by error()).
    CheckpointWriter(std::string root, std::uint64_t seq, std::string build_id, int nranks);
    ~CheckpointWriter();
    CheckpointWriter(const CheckpointWriter&) = delete;
    CheckpointWriter& operator=(const CheckpointWriter&) = delete;

    const std::string& error() const { return error_; }
    // D/ckpt-N.tmp while writing, D/ckpt-N once committed.
    const std::string& path() const { return path_; }

    // Writes a whole part from memory (temporary file, fsync, rename) and records it.
    [[nodiscard]] std::string add_part(std::string_view name, const void* data, std::size_t n);

    // Streaming form, for images too large to copy: one part open at a time; the checksum is
    // computed as the chunks go by, so nothing is held in memory.
    [[nodiscard]] std::string open_part(std::string_view name);
    [[nodiscard]] std::string append(const void* data, std::size_t n);
    [[nodiscard]] std::string close_part();  // fsync, rename, record

    // Parts written through this object, in order: what a parts-only PE sends to PE 0.
    const std::vector<PartRecord>& parts() const { return parts_; }

    // Manifest role: lists a part another PE wrote (its file must be in path() by commit time).
    [[nodiscard]] std::string add_record(const PartRecord& record);

    // Checks that every listed part is present with its recorded size, writes the manifest
    // (temporary name, fsync, rename), fsyncs the directory, renames it to D/ckpt-N and fsyncs D.
    // After success the writer accepts nothing more.
    [[nodiscard]] std::string commit();

private:
    std::string fail(std::string what);
    std::string finish_open_part_error(std::string what);
    std::string check_usable() const;

    std::string root_, final_path_, path_, build_id_, error_;
    std::uint64_t seq_ = 0;
    int nranks_ = 0;
    bool committed_ = false;
    std::vector<PartRecord> parts_;    // written here
    std::vector<PartRecord> records_;  // everything the manifest will list (parts_ included)
    // The part being streamed.
    int fd_ = -1;
    PartRecord open_;
    std::string open_tmp_;
};

// Reads one committed checkpoint: the manifest is parsed and verified on construction; parts are
// verified (size and checksum) as they are read.
class CheckpointReader {
public:
    // `path` is either a checkpoint (a directory holding a manifest) or a root D, in which case the
    // newest committed checkpoint in it (highest N in D/ckpt-N, *.tmp ignored) is opened. If that
    // one is damaged the reader says so rather than falling back to an older one silently: going
    // back further loses work, which is the caller's (or the user's) decision.
    explicit CheckpointReader(const std::string& path);
    ~CheckpointReader();
    CheckpointReader(const CheckpointReader&) = delete;
    CheckpointReader& operator=(const CheckpointReader&) = delete;

    bool ok() const { return error_.empty(); }
    const std::string& error() const { return error_; }

    const std::string& path() const { return path_; }  // the checkpoint directory opened
    std::uint64_t sequence() const { return seq_; }
    const std::string& build_id() const { return build_id_; }
    int nranks() const { return nranks_; }
    const std::string& created() const { return created_; }  // UTC, ISO 8601
    const std::vector<PartRecord>& parts() const { return parts_; }
    const PartRecord* find(std::string_view name) const;  // null if not listed

    // Empty if this checkpoint was made by the program with `my_build_id`; otherwise says which
    // build made it. Restarting another build's images would restore foreign code addresses.
    [[nodiscard]] std::string check_build(std::string_view my_build_id) const;

    // Reads a whole part into buf; n must be its recorded size. Verifies size and checksum.
    [[nodiscard]] std::string read_part(std::string_view name, void* buf, std::size_t n);

    // Streaming form: open_part, then read_chunk until *got == 0. The checksum can only be checked
    // once every byte has gone by, so it is checked by the read_chunk call that delivers the last
    // bytes: do not act on the data before the stream has ended without error.
    [[nodiscard]] std::string open_part(std::string_view name);
    [[nodiscard]] std::string read_chunk(void* buf, std::size_t cap, std::size_t* got);
    void close_part();

private:
    std::string fail(std::string what) const;
    void load(const std::string& path);
    std::string parse_manifest(const std::string& text);

    std::string path_, build_id_, created_, error_;
    std::uint64_t seq_ = 0;
    int nranks_ = 0;
    std::vector<PartRecord> parts_;
    int fd_ = -1;
    PartRecord open_;
    std::uint64_t done_ = 0;
    std::uint32_t crc_ = 0;
};

// The highest N of a committed D/ckpt-N in `root`, or 0 if there is none (or root is missing).
std::uint64_t newest_sequence(const std::string& root);

// Removes every leftover D/ckpt-N.tmp and all committed checkpoints but the newest `keep`. Call it
// only when no checkpoint is being written (a .tmp may be one in progress). Empty on success.
[[nodiscard]] std::string prune(const std::string& root, int keep);

}  // namespace mosix::rt::ckpt
