// checkpoint_format.cc — see checkpoint_format.hpp. Plain POSIX file calls rather than iostreams:
// fsync, rename and directory fsync are the point here, and errno gives the reason for a message.
#include "runtime/checkpoint_format.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <utility>

namespace mosix::rt::ckpt {

namespace {

// ---- CRC-32C, slicing-by-8: eight 256-entry tables let the loop fold 8 bytes per step (about 1.5
// GB/s here, against ~400 MB/s a byte at a time), enough that checksumming never dominates disk.
constexpr std::uint32_t kPoly = 0x82F63B78u;  // Castagnoli, bit-reflected

constexpr std::array<std::array<std::uint32_t, 256>, 8> make_tables() {
    std::array<std::array<std::uint32_t, 256>, 8> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t c = i;
        for (int k = 0; k < 8; ++k) c = (c >> 1) ^ ((c & 1) ? kPoly : 0);
        t[0][i] = c;
    }
    for (int s = 1; s < 8; ++s)
        for (std::uint32_t i = 0; i < 256; ++i) t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xff];
    return t;
}
constexpr auto kTables = make_tables();

constexpr std::string_view kManifest = "manifest";
constexpr std::string_view kChecksumKey = "manifest-crc32c = ";
constexpr std::size_t kMaxManifest = 64u << 20;  // far above any real one; refuses garbage early

std::string errno_text(int e) { return std::strerror(e); }

bool is_tmp_name(std::string_view n) { return n.size() > 4 && n.substr(n.size() - 4) == ".tmp"; }

// Sequence number of a committed checkpoint directory name "ckpt-<digits>", or false.
bool parse_ckpt_name(std::string_view n, std::uint64_t* seq) {
    if (n.size() <= 5 || n.substr(0, 5) != "ckpt-" || n.size() > 5 + 19) return false;
    std::uint64_t v = 0;
    for (char c : n.substr(5)) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    *seq = v;
    return true;
}

// write(2) until done: writes may be partial and may be interrupted.
int write_all(int fd, const void* data, std::size_t n) {
    auto* p = static_cast<const char*>(data);
    while (n > 0) {
        ssize_t w = ::write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        p += w;
        n -= static_cast<std::size_t>(w);
    }
    return 0;
}

// Reads up to n bytes, fewer only at end of file. Returns bytes read, or -errno.
ssize_t read_full(int fd, void* data, std::size_t n) {
    auto* p = static_cast<char*>(data);
    std::size_t done = 0;
    while (done < n) {
        ssize_t r = ::read(fd, p + done, n - done);
        if (r < 0) {
            if (errno == EINTR) continue;
            return -errno;
        }
        if (r == 0) break;
        done += static_cast<std::size_t>(r);
    }
    return static_cast<ssize_t>(done);
}

// A rename is durable only once the directory holding the entry is on disk.
int fsync_dir(const std::string& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return errno;
    int rc = ::fsync(fd) == 0 ? 0 : errno;
    ::close(fd);
    return rc;
}

int make_dir(const std::string& dir) {
    if (::mkdir(dir.c_str(), 0755) == 0 || errno == EEXIST) return 0;
    return errno;
}

std::string hex32(std::uint32_t v) {
    char b[9];
    std::snprintf(b, sizeof b, "%08" PRIx32, v);
    return b;
}

bool parse_u64(std::string_view s, std::uint64_t* out) {
    if (s.empty() || s.size() > 20) return false;
    std::uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
        std::uint64_t d = static_cast<std::uint64_t>(c - '0');
        if (v > (UINT64_MAX - d) / 10) return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

bool parse_hex32(std::string_view s, std::uint32_t* out) {
    if (s.size() != 8) return false;
    std::uint32_t v = 0;
    for (char c : s) {
        int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
        if (d < 0) return false;
        v = v << 4 | static_cast<std::uint32_t>(d);
    }
    *out = v;
    return true;
}

bool printable_line(std::string_view s) {
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return static_cast<unsigned char>(c) >= 0x20 && c != 0x7f; });
}

PartRecord make_record(std::string_view name) {
    PartRecord r;
    std::memcpy(r.name, name.data(), name.size());
    return r;
}

std::string utc_now() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char b[32];
    std::strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return b;
}

// Newest committed checkpoint in root: its number and path. False if there is none, or (ec set)
// if root cannot be read.
bool find_newest(const std::string& root, std::uint64_t* best, std::string* path, std::error_code* ec) {
    std::filesystem::directory_iterator it(root, *ec);
    if (*ec) return false;
    bool found = false;
    for (const auto& e : it) {
        std::uint64_t seq;
        if (!parse_ckpt_name(e.path().filename().string(), &seq)) continue;
        if (!found || seq > *best) {
            *best = seq;
            *path = e.path().string();
            found = true;
        }
    }
    return found;
}

// Newest committed checkpoint in root; false (and why) if none.
bool newest_checkpoint(const std::string& root, std::string* path, std::string* why) {
    std::error_code ec;
    std::uint64_t seq = 0;
    if (find_newest(root, &seq, path, &ec)) return true;
    *why = "checkpoint directory " + root + ": " + (ec ? ec.message() : "holds no complete checkpoint");
    return false;
}

}  // namespace

std::uint64_t newest_sequence(const std::string& root) {
    std::error_code ec;
    std::uint64_t seq = 0;
    std::string path;
    return find_newest(root, &seq, &path, &ec) ? seq : 0;
}

std::uint32_t crc32c(std::uint32_t crc, const void* data, std::size_t n) {
    auto* p = static_cast<const unsigned char*>(data);
    std::uint32_t c = ~crc;
    if constexpr (std::endian::native == std::endian::little) {
        // Loading 8 bytes as one little-endian word lets the eight table lookups run in parallel.
        while (n >= 8) {
            std::uint64_t w;
            std::memcpy(&w, p, 8);
            w ^= c;
            c = kTables[7][w & 0xff] ^ kTables[6][(w >> 8) & 0xff] ^ kTables[5][(w >> 16) & 0xff] ^
                kTables[4][(w >> 24) & 0xff] ^ kTables[3][(w >> 32) & 0xff] ^ kTables[2][(w >> 40) & 0xff] ^
                kTables[1][(w >> 48) & 0xff] ^ kTables[0][w >> 56];
            p += 8;
            n -= 8;
        }
    }
    while (n--) c = (c >> 8) ^ kTables[0][(c ^ *p++) & 0xff];
    return ~c;
}

std::string checkpoint_dir_name(std::uint64_t seq) {
    char b[32];
    std::snprintf(b, sizeof b, "ckpt-%08" PRIu64, seq);
    return b;
}

std::string_view PartRecord::name_view() const { return std::string_view(name, strnlen(name, sizeof name)); }

std::string check_part_name(std::string_view name) {
    if (name.empty()) return "empty part name";
    if (name.size() > PartRecord::kMaxName)
        return "part name " + std::string(name) + " is longer than " + std::to_string(PartRecord::kMaxName) +
               " characters";
    if (name[0] == '.') return "part name " + std::string(name) + " starts with '.'";
    if (name == kManifest) return "part name 'manifest' is reserved";
    for (char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '_' || c == '-'))
            return "part name " + std::string(name) + " has a character other than A-Z a-z 0-9 . _ -";
    return {};
}

// ---------------------------------------------------------------------------------------------
// Writer

CheckpointWriter::CheckpointWriter(std::string root, std::uint64_t seq, std::string build_id, int nranks)
    : root_(std::move(root)), build_id_(std::move(build_id)), seq_(seq), nranks_(nranks) {
    final_path_ = root_ + "/" + checkpoint_dir_name(seq);
    path_ = final_path_ + ".tmp";
    if (nranks < 0) {
        error_ = "checkpoint " + final_path_ + ": negative rank count " + std::to_string(nranks);
    } else if (!printable_line(build_id_)) {
        error_ = "checkpoint " + final_path_ + ": build id must be one line of printable text";
    } else if (int e = make_dir(root_)) {
        error_ = "checkpoint directory " + root_ + ": cannot create: " + errno_text(e);
    } else if (int e2 = make_dir(path_)) {
        error_ = "checkpoint " + path_ + ": cannot create: " + errno_text(e2);
    }
}

CheckpointWriter::~CheckpointWriter() {
    if (fd_ >= 0) {
        ::close(fd_);
        ::unlink(open_tmp_.c_str());
    }
}

std::string CheckpointWriter::fail(std::string what) { return "checkpoint " + path_ + ": " + what; }

std::string CheckpointWriter::check_usable() const {
    if (!error_.empty()) return error_;
    if (committed_) return "checkpoint " + final_path_ + ": already committed";
    return {};
}

// An open part that failed is abandoned: its temporary file would only be garbage.
std::string CheckpointWriter::finish_open_part_error(std::string what) {
    if (fd_ >= 0) {
        ::close(fd_);
        ::unlink(open_tmp_.c_str());
        fd_ = -1;
    }
    return fail(std::move(what));
}

std::string CheckpointWriter::add_part(std::string_view name, const void* data, std::size_t n) {
    if (auto e = open_part(name); !e.empty()) return e;
    if (auto e = append(data, n); !e.empty()) return e;
    return close_part();
}

std::string CheckpointWriter::open_part(std::string_view name) {
    if (auto e = check_usable(); !e.empty()) return e;
    if (fd_ >= 0) return fail("part " + std::string(open_.name_view()) + " is still open");
    if (auto e = check_part_name(name); !e.empty()) return fail(e);
    for (const auto& r : records_)
        if (r.name_view() == name) return fail("part " + std::string(name) + " is written twice");
    // A dot name is never a part name, so a temporary file cannot be mistaken for one.
    open_tmp_ = path_ + "/." + std::string(name) + ".tmp";
    fd_ = ::open(open_tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) return fail("cannot create " + open_tmp_ + ": " + errno_text(errno));
    open_ = make_record(name);
    return {};
}

std::string CheckpointWriter::append(const void* data, std::size_t n) {
    if (auto e = check_usable(); !e.empty()) return e;
    if (fd_ < 0) return fail("append with no part open");
    if (int e = write_all(fd_, data, n))
        return finish_open_part_error("writing part " + std::string(open_.name_view()) + ": " +
                                      errno_text(e));
    open_.crc = crc32c(open_.crc, data, n);
    open_.size += n;
    return {};
}

std::string CheckpointWriter::close_part() {
    if (auto e = check_usable(); !e.empty()) return e;
    if (fd_ < 0) return fail("close_part with no part open");
    std::string name(open_.name_view());
    if (::fsync(fd_) != 0) return finish_open_part_error("fsync of part " + name + ": " + errno_text(errno));
    int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) {
        ::unlink(open_tmp_.c_str());
        return fail("closing part " + name + ": " + errno_text(errno));
    }
    std::string final_name = path_ + "/" + name;
    if (::rename(open_tmp_.c_str(), final_name.c_str()) != 0) {
        int e = errno;
        ::unlink(open_tmp_.c_str());
        return fail("renaming part " + name + ": " + errno_text(e));
    }
    // The rename reaches the disk with the directory; a parts-only PE never commits, so do it here.
    if (int e = fsync_dir(path_)) return fail("fsync of directory: " + errno_text(e));
    parts_.push_back(open_);
    records_.push_back(open_);
    return {};
}

std::string CheckpointWriter::add_record(const PartRecord& record) {
    if (auto e = check_usable(); !e.empty()) return e;
    std::string_view name = record.name_view();
    if (auto e = check_part_name(name); !e.empty()) return fail(e);
    for (const auto& r : records_)
        if (r.name_view() == name) return fail("part " + std::string(name) + " is listed twice");
    records_.push_back(make_record(name));
    records_.back().size = record.size;
    records_.back().crc = record.crc;
    return {};
}

std::string CheckpointWriter::commit() {
    if (auto e = check_usable(); !e.empty()) return e;
    if (fd_ >= 0) return fail("part " + std::string(open_.name_view()) + " is still open");
    // Cheap check that the other PEs' parts are really there: size only, re-reading them all to
    // checksum would double the I/O of a checkpoint. The reader verifies checksums.
    for (const auto& r : records_) {
        std::string f = path_ + "/" + std::string(r.name_view());
        struct stat st {};
        if (::stat(f.c_str(), &st) != 0)
            return fail("part " + std::string(r.name_view()) + " is missing: " + errno_text(errno));
        if (static_cast<std::uint64_t>(st.st_size) != r.size)
            return fail("part " + std::string(r.name_view()) + " has " + std::to_string(st.st_size) +
                        " bytes, its record says " + std::to_string(r.size));
    }
    std::string m = "# mosix checkpoint manifest: do not edit, the last line checksums the lines above it\n";
    m += "format = " + std::string(kFormatName) + " " + std::to_string(kFormatVersion) + "\n";
    m += "build-id = " + build_id_ + "\n";
    m += "ranks = " + std::to_string(nranks_) + "\n";
    m += "sequence = " + std::to_string(seq_) + "\n";
    m += "created = " + utc_now() + "\n";
    m += "checksum = crc32c\n";
    for (const auto& r : records_)
        m +=
            "part = " + std::string(r.name_view()) + " " + std::to_string(r.size) + " " + hex32(r.crc) + "\n";
    m += std::string(kChecksumKey) + hex32(crc32c(0, m.data(), m.size())) + "\n";

    std::string tmp = path_ + "/." + std::string(kManifest) + ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return fail("cannot create " + tmp + ": " + errno_text(errno));
    int e = write_all(fd, m.data(), m.size());
    if (e == 0 && ::fsync(fd) != 0) e = errno;
    if (::close(fd) != 0 && e == 0) e = errno;
    if (e == 0 && ::rename(tmp.c_str(), (path_ + "/" + std::string(kManifest)).c_str()) != 0) e = errno;
    if (e != 0) {
        ::unlink(tmp.c_str());
        return fail("writing the manifest: " + errno_text(e));
    }
    if (int e2 = fsync_dir(path_)) return fail("fsync of directory: " + errno_text(e2));
    // The commit point: before this rename there is no checkpoint N, after it a whole one.
    if (::rename(path_.c_str(), final_path_.c_str()) != 0) {
        int e3 = errno;
        if (e3 == ENOTEMPTY || e3 == EEXIST) return fail(final_path_ + " already exists");
        return fail("renaming to " + final_path_ + ": " + errno_text(e3));
    }
    committed_ = true;
    path_ = final_path_;
    if (int e4 = fsync_dir(root_)) return "checkpoint directory " + root_ + ": fsync: " + errno_text(e4);
    return {};
}

// ---------------------------------------------------------------------------------------------
// Reader

CheckpointReader::CheckpointReader(const std::string& path) { load(path); }

CheckpointReader::~CheckpointReader() { close_part(); }

std::string CheckpointReader::fail(std::string what) const { return "checkpoint " + path_ + ": " + what; }

void CheckpointReader::load(const std::string& path) {
    struct stat st {};
    if (::stat((path + "/" + std::string(kManifest)).c_str(), &st) == 0) {
        path_ = path;
    } else if (!newest_checkpoint(path, &path_, &error_)) {
        return;
    }
    std::string file = path_ + "/" + std::string(kManifest);
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        error_ = fail("cannot open manifest: " + errno_text(errno));
        return;
    }
    std::string text;
    if (::fstat(fd, &st) != 0 || static_cast<std::uint64_t>(st.st_size) > kMaxManifest) {
        ::close(fd);
        error_ = fail("manifest is unreadable or implausibly large");
        return;
    }
    text.resize(static_cast<std::size_t>(st.st_size));
    ssize_t r = read_full(fd, text.data(), text.size());
    ::close(fd);
    if (r < 0) {
        error_ = fail("reading manifest: " + errno_text(static_cast<int>(-r)));
        return;
    }
    text.resize(static_cast<std::size_t>(r));
    error_ = parse_manifest(text);
}

std::string CheckpointReader::parse_manifest(const std::string& text) {
    // The format line is looked at first, before the checksum: a later format may checksum
    // differently, and "made by a newer format" is the useful message then, not "corrupt".
    std::string_view all(text);
    std::string version_problem;
    {
        // Position just past "format = " on the line that starts with it (first line or later).
        std::size_t at = std::string_view::npos;
        if (all.starts_with("format = "))
            at = 9;
        else if (std::size_t nl = all.find("\nformat = "); nl != std::string_view::npos)
            at = nl + 10;
        if (at != std::string_view::npos) {
            std::string_view line = all.substr(at);
            line = line.substr(0, line.find('\n'));
            std::size_t sp = line.rfind(' ');
            std::uint64_t v = 0;
            if (sp != std::string_view::npos && line.substr(0, sp) == kFormatName &&
                parse_u64(line.substr(sp + 1), &v) && v != static_cast<std::uint64_t>(kFormatVersion))
                version_problem = fail("format version " + std::to_string(v) + ", this mosix reads version " +
                                       std::to_string(kFormatVersion));
        }
    }
    // The checksum line must be the last one and cover every byte before it.
    std::size_t last = all.size() >= 2 ? all.rfind('\n', all.size() - 2) : std::string_view::npos;
    if (all.empty() || all.back() != '\n' || last == std::string_view::npos ||
        all.substr(last + 1, kChecksumKey.size()) != kChecksumKey) {
        if (!version_problem.empty()) return version_problem;
        return fail("manifest is incomplete (no checksum line at its end)");
    }
    std::uint32_t want = 0;
    std::string_view want_text = all.substr(last + 1 + kChecksumKey.size());
    want_text.remove_suffix(1);
    if (!parse_hex32(want_text, &want)) {
        if (!version_problem.empty()) return version_problem;
        return fail("manifest checksum line is malformed");
    }
    std::uint32_t got = crc32c(0, all.data(), last + 1);
    if (!version_problem.empty()) return version_problem;
    if (got != want)
        return fail("manifest checksum mismatch (computed " + hex32(got) + ", recorded " + hex32(want) +
                    "): the manifest is corrupt");

    bool have_format = false, have_build = false, have_ranks = false, have_seq = false;
    std::string_view body = all.substr(0, last + 1);
    while (!body.empty()) {
        std::size_t nl = body.find('\n');
        std::string_view line = body.substr(0, nl);
        body.remove_prefix(nl + 1);
        if (line.empty() || line[0] == '#') continue;
        std::size_t eq = line.find(" = ");
        if (eq == std::string_view::npos) return fail("manifest line without ' = ': " + std::string(line));
        std::string_view key = line.substr(0, eq), value = line.substr(eq + 3);
        std::uint64_t v = 0;
        if (key == "format") {
            if (value != std::string(kFormatName) + " " + std::to_string(kFormatVersion))
                return fail("not a mosix checkpoint (format '" + std::string(value) + "')");
            have_format = true;
        } else if (key == "build-id") {
            build_id_ = value;
            have_build = true;
        } else if (key == "ranks") {
            if (!parse_u64(value, &v) || v > INT32_MAX)
                return fail("bad rank count '" + std::string(value) + "'");
            nranks_ = static_cast<int>(v);
            have_ranks = true;
        } else if (key == "sequence") {
            if (!parse_u64(value, &seq_)) return fail("bad sequence number '" + std::string(value) + "'");
            have_seq = true;
        } else if (key == "created") {
            created_ = value;
        } else if (key == "checksum") {
            if (value != "crc32c") return fail("unknown checksum algorithm '" + std::string(value) + "'");
        } else if (key == "part") {
            std::size_t s1 = value.find(' '), s2 = value.rfind(' ');
            std::uint32_t crc = 0;
            if (s1 == std::string_view::npos || s1 == s2 ||
                !parse_u64(value.substr(s1 + 1, s2 - s1 - 1), &v) ||
                !parse_hex32(value.substr(s2 + 1), &crc) || !check_part_name(value.substr(0, s1)).empty())
                return fail("malformed part line '" + std::string(value) + "'");
            if (find(value.substr(0, s1)))
                return fail("part " + std::string(value.substr(0, s1)) + " listed twice");
            parts_.push_back(make_record(value.substr(0, s1)));
            parts_.back().size = v;
            parts_.back().crc = crc;
        }
        // Other keys are ignored: a version-1 reader tolerates additions that do not change meaning.
    }
    if (!have_format || !have_build || !have_ranks || !have_seq)
        return fail("manifest lacks one of format, build-id, ranks, sequence");
    return {};
}

const PartRecord* CheckpointReader::find(std::string_view name) const {
    for (const auto& r : parts_)
        if (r.name_view() == name) return &r;
    return nullptr;
}

std::string CheckpointReader::check_build(std::string_view my_build_id) const {
    if (!ok()) return error_;
    if (build_id_ == my_build_id) return {};
    return fail("made by another build (id " + build_id_ + ", this program is " + std::string(my_build_id) +
                ")");
}

std::string CheckpointReader::read_part(std::string_view name, void* buf, std::size_t n) {
    if (auto e = open_part(name); !e.empty()) return e;
    if (n != open_.size) {
        close_part();
        return fail("part " + std::string(name) + " has " + std::to_string(open_.size) +
                    " bytes, the buffer " + std::to_string(n));
    }
    auto* p = static_cast<char*>(buf);
    std::size_t got = 0;
    do {
        if (auto e = read_chunk(p, n - static_cast<std::size_t>(p - static_cast<char*>(buf)), &got);
            !e.empty())
            return e;
        p += got;
    } while (got != 0);
    return {};
}

std::string CheckpointReader::open_part(std::string_view name) {
    if (!ok()) return error_;
    close_part();
    const PartRecord* r = find(name);
    if (!r) return fail("has no part " + std::string(name));
    std::string file = path_ + "/" + std::string(name);
    fd_ = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) return fail("part " + std::string(name) + " cannot be opened: " + errno_text(errno));
    struct stat st {};
    if (::fstat(fd_, &st) != 0) {
        int e = errno;
        close_part();
        return fail("part " + std::string(name) + ": " + errno_text(e));
    }
    auto size = static_cast<std::uint64_t>(st.st_size);
    if (size != r->size) {
        close_part();
        if (size < r->size)
            return fail("part " + std::string(name) + " is truncated (" + std::to_string(size) + " of " +
                        std::to_string(r->size) + " bytes)");
        return fail("part " + std::string(name) + " is longer than recorded (" + std::to_string(size) +
                    " bytes, manifest says " + std::to_string(r->size) + ")");
    }
    open_ = *r;
    done_ = 0;
    crc_ = 0;
    return {};
}

std::string CheckpointReader::read_chunk(void* buf, std::size_t cap, std::size_t* got) {
    *got = 0;
    if (fd_ < 0) return fail("read_chunk with no part open");
    std::string name(open_.name_view());
    std::uint64_t left = open_.size - done_;
    if (left == 0) return {};
    if (cap == 0) return fail("read_chunk with an empty buffer");  // *got == 0 would look like the end
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(left, cap));
    ssize_t r = read_full(fd_, buf, want);
    if (r < 0) {
        close_part();
        return fail("reading part " + name + ": " + errno_text(static_cast<int>(-r)));
    }
    if (static_cast<std::size_t>(r) < want) {  // shrank since open_part
        std::uint64_t have = done_ + static_cast<std::uint64_t>(r);
        std::uint64_t size = open_.size;
        close_part();
        return fail("part " + name + " is truncated (" + std::to_string(have) + " of " +
                    std::to_string(size) + " bytes)");
    }
    crc_ = crc32c(crc_, buf, want);
    done_ += want;
    *got = want;
    if (done_ == open_.size && crc_ != open_.crc) {
        std::uint32_t computed = crc_, recorded = open_.crc;
        close_part();
        *got = 0;
        return fail("part " + name + " checksum mismatch (computed " + hex32(computed) + ", manifest says " +
                    hex32(recorded) + "): the file is corrupt");
    }
    return {};
}

void CheckpointReader::close_part() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

// ---------------------------------------------------------------------------------------------

std::string prune(const std::string& root, int keep) {
    std::error_code ec;
    std::filesystem::directory_iterator it(root, ec);
    if (ec) return "checkpoint directory " + root + ": " + ec.message();
    std::vector<std::pair<std::uint64_t, std::filesystem::path>> done;
    std::vector<std::filesystem::path> doomed;
    for (const auto& e : it) {
        std::string n = e.path().filename().string();
        std::uint64_t seq;
        if (parse_ckpt_name(n, &seq))
            done.emplace_back(seq, e.path());
        else if (n.rfind("ckpt-", 0) == 0 && is_tmp_name(n))
            doomed.push_back(e.path());
    }
    std::sort(done.begin(), done.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    for (std::size_t i = static_cast<std::size_t>(std::max(keep, 0)); i < done.size(); ++i)
        doomed.push_back(done[i].second);
    for (const auto& p : doomed) {
        std::filesystem::remove_all(p, ec);
        if (ec) return "checkpoint directory " + root + ": cannot remove " + p.string() + ": " + ec.message();
    }
    return {};
}

}  // namespace mosix::rt::ckpt
