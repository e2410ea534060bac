// memory_limits.hpp — how much more memory the host, and the memory cgroup this process is in, will
// let it have. measure.hpp's available_memory() is the smaller of the two; the pieces are here, each
// readable from another root directory, so that tests can hand them a made-up /proc or cgroup tree.
//
// Cgroups: both versions count. v2 (one unified hierarchy, "0::/path" in /proc/self/cgroup) limits
// with memory.max and memory.high; v1 has a memory controller of its own ("N:memory:/path"), limiting
// with memory.limit_in_bytes. A host runs one or the other for memory (a controller is in one
// hierarchy only), and container hosts still run v1: this is not history.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace mosix::rt {

// MemAvailable from a /proc/meminfo file (the kernel's estimate of what can be allocated without
// swapping, page cache that can be dropped included), in bytes; MemFree on kernels older than 3.14,
// which lack MemAvailable; nothing if the file cannot be read.
std::optional<std::uint64_t> host_available_memory(const std::string& meminfo = "/proc/meminfo");

enum class CgroupVersion { v1, v2 };

// Where this process's memory cgroup is.
struct CgroupLocation {
    CgroupVersion version = CgroupVersion::v2;
    std::string mount;  // the hierarchy's mount point, e.g. /sys/fs/cgroup
    std::string dir;    // the process's cgroup directory: mount or below it
};

// Finds the memory cgroup from <proc_self>/cgroup and <proc_self>/mountinfo: v1's memory hierarchy
// if the memory controller is mounted there, else the v2 hierarchy. Nothing if neither is mounted
// (or the files cannot be read). A cgroup namespace is handled: paths are taken relative to the
// mount's root.
std::optional<CgroupLocation> memory_cgroup(const std::string& proc_self = "/proc/self");

// What the cgroup at `dir` and every ancestor up to `mount` still allow: the smallest of
// limit - (usage - inactive file cache) over the levels that set a limit (inactive file cache is
// reclaimed before the limit is enforced, as MemAvailable counts it). v2 limits are memory.max and
// memory.high, whichever is lower ("max" is no limit); v1's is memory.limit_in_bytes (values near
// 2^63 are its "no limit"). A level without the files (controller not enabled there) sets no limit.
// Nothing if no level sets one. 0 if a level is at or over its limit.
std::optional<std::uint64_t> cgroup_headroom(const std::string& mount, const std::string& dir,
                                             CgroupVersion version);

// cgroup_headroom for this process's memory cgroup; nothing if it has none or no level sets a limit.
std::optional<std::uint64_t> cgroup_available_memory();

}  // namespace mosix::rt
