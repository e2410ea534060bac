// memory_limits.cc — /proc/meminfo and the memory cgroup's limits.
#include "memory_limits.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>
#include <vector>

namespace mosix::rt {

namespace {

// v1 reports "no limit" as the largest page-aligned value of a signed 64-bit counter
// (9223372036854771712 with 4 KiB pages); no real limit comes near 2^62 bytes.
constexpr std::uint64_t kV1Unlimited = 1ULL << 62;

std::optional<std::uint64_t> parse_u64(std::string_view text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
    return v;
}

std::optional<std::string> read_first_line(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    if (!in || !std::getline(in, line)) return std::nullopt;
    return line;
}

std::optional<std::uint64_t> read_u64(const std::string& path) {
    auto line = read_first_line(path);
    return line ? parse_u64(*line) : std::nullopt;
}

// A "key value" line's value from a file like memory.stat.
std::optional<std::uint64_t> read_keyed(const std::string& path, const std::string& key) {
    std::ifstream in(path);
    std::string k;
    std::uint64_t v = 0;
    while (in >> k >> v)
        if (k == key) return v;
    return std::nullopt;
}

// mountinfo escapes space, tab, newline and backslash in paths as \ooo.
std::string unescape_mount_path(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 3 < s.size()) {
            int v = 0;
            bool octal = true;
            for (std::size_t k = 1; k <= 3; ++k) {
                char c = s[i + k];
                if (c < '0' || c > '7') octal = false;
                v = v * 8 + (c - '0');
            }
            if (octal) {
                out += static_cast<char>(v);
                i += 3;
                continue;
            }
        }
        out += s[i];
    }
    return out;
}

struct Mount {
    std::string root;   // the path within the hierarchy that is mounted (not "/" in some containers)
    std::string point;  // where
};

// The directory of `cgroup_path` (as /proc/self/cgroup gives it) in a hierarchy mounted as `m`.
std::string join_cgroup(const Mount& m, const std::string& cgroup_path) {
    if (m.root == "/" || m.root.empty()) return cgroup_path == "/" ? m.point : m.point + cgroup_path;
    if (cgroup_path == m.root) return m.point;
    if (cgroup_path.starts_with(m.root + "/")) return m.point + cgroup_path.substr(m.root.size());
    // The process is outside the mounted part (a container shown its own cgroup as the mount's
    // root): the mount is the closest we can see.
    return m.point;
}

std::string parent_dir(const std::string& dir) {
    std::size_t slash = dir.find_last_of('/');
    return slash == 0 || slash == std::string::npos ? std::string("/") : dir.substr(0, slash);
}

// One level's limit and use, or nothing if it sets no limit.
std::optional<std::uint64_t> level_headroom(const std::string& dir, CgroupVersion version) {
    std::optional<std::uint64_t> limit, usage, inactive;
    if (version == CgroupVersion::v2) {
        // "max" parses as no number, which is what it means: no limit.
        for (const char* name : {"/memory.max", "/memory.high"})
            if (auto v = read_u64(dir + name)) limit = limit ? std::min(*limit, *v) : *v;
        if (!limit) return std::nullopt;
        usage = read_u64(dir + "/memory.current");
        inactive = read_keyed(dir + "/memory.stat", "inactive_file");
    } else {
        limit = read_u64(dir + "/memory.limit_in_bytes");
        if (!limit || *limit >= kV1Unlimited) return std::nullopt;
        usage = read_u64(dir + "/memory.usage_in_bytes");
        // total_: this level and its children, as usage_in_bytes counts them.
        inactive = read_keyed(dir + "/memory.stat", "total_inactive_file");
    }
    std::uint64_t used = usage.value_or(0);
    used -= std::min(used, inactive.value_or(0));
    return *limit > used ? *limit - used : 0;
}

}  // namespace

std::optional<std::uint64_t> host_available_memory(const std::string& meminfo) {
    std::ifstream in(meminfo);
    std::string key, unit;
    std::uint64_t kib = 0;
    std::optional<std::uint64_t> free;
    while (in >> key >> kib) {
        std::getline(in, unit);  // " kB", or nothing for counts
        if (key == "MemAvailable:") return kib * 1024;
        if (key == "MemFree:") free = kib * 1024;
    }
    return free;
}

std::optional<CgroupLocation> memory_cgroup(const std::string& proc_self) {
    std::optional<std::string> v1_path, v2_path;
    {
        std::ifstream in(proc_self + "/cgroup");
        std::string line;
        while (std::getline(in, line)) {
            // "hierarchy-id:controller,controller:path"; the path may itself contain ':'.
            std::size_t a = line.find(':');
            std::size_t b = a == std::string::npos ? a : line.find(':', a + 1);
            if (b == std::string::npos) continue;
            std::string id = line.substr(0, a), controllers = line.substr(a + 1, b - a - 1);
            std::string path = line.substr(b + 1);
            if (id == "0" && controllers.empty()) {
                v2_path = path;
                continue;
            }
            std::stringstream list(controllers);
            for (std::string c; std::getline(list, c, ',');)
                if (c == "memory") v1_path = path;
        }
    }
    std::optional<Mount> v1_mount, v2_mount;
    {
        std::ifstream in(proc_self + "/mountinfo");
        std::string line;
        while (std::getline(in, line)) {
            // "id parent major:minor root point options [optional fields...] - type source super"
            std::istringstream words(line);
            std::vector<std::string> fields;
            for (std::string w; words >> w;) fields.push_back(w);
            auto dash = std::find(fields.begin(), fields.end(), "-");
            if (fields.size() < 5 || dash == fields.end() || fields.end() - dash < 4) continue;
            const std::string& type = dash[1];
            const std::string& super = dash[3];
            Mount m{unescape_mount_path(fields[3]), unescape_mount_path(fields[4])};
            if (type == "cgroup2" && !v2_mount) v2_mount = m;
            if (type == "cgroup" && !v1_mount) {
                std::stringstream opts(super);
                for (std::string o; std::getline(opts, o, ',');)
                    if (o == "memory") v1_mount = m;
            }
        }
    }
    if (v1_path && v1_mount)
        return CgroupLocation{CgroupVersion::v1, v1_mount->point, join_cgroup(*v1_mount, *v1_path)};
    if (v2_path && v2_mount)
        return CgroupLocation{CgroupVersion::v2, v2_mount->point, join_cgroup(*v2_mount, *v2_path)};
    return std::nullopt;
}

std::optional<std::uint64_t> cgroup_headroom(const std::string& mount, const std::string& dir,
                                             CgroupVersion version) {
    std::optional<std::uint64_t> least;
    for (std::string d = dir;; d = parent_dir(d)) {
        if (auto h = level_headroom(d, version)) least = least ? std::min(*least, *h) : *h;
        // Walk no higher than the hierarchy's mount (and stop at "/" whatever `dir` was).
        if (d == mount || d.size() <= mount.size() || d == "/") break;
    }
    return least;
}

std::optional<std::uint64_t> cgroup_available_memory() {
    auto where = memory_cgroup();
    if (!where) return std::nullopt;
    return cgroup_headroom(where->mount, where->dir, where->version);
}

}  // namespace mosix::rt
