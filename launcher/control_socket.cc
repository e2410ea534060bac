// control_socket.cc — the control socket's directory and names.
#include "control_socket.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace mosix::control {

std::string socket_dir() {
    if (const char* dir = std::getenv(kDirVariable); dir && *dir) return dir;
    // Only an absolute XDG_RUNTIME_DIR counts: the specification says to ignore any other.
    if (const char* xdg = std::getenv("XDG_RUNTIME_DIR"); xdg && xdg[0] == '/')
        return std::string(xdg) + "/mosix";
    return "/tmp/mosix-" + std::to_string(geteuid());
}

std::string prepare_dir(const std::string& dir) {
    // mkdir's mode is only narrowed by the umask, so a directory made here is 0700 or less.
    if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
        return "cannot create " + dir + ": " + std::strerror(errno);
    // lstat, not stat: in a shared /tmp another user could have put a symlink under our name.
    struct stat st;
    if (lstat(dir.c_str(), &st) != 0) return "cannot inspect " + dir + ": " + std::strerror(errno);
    if (!S_ISDIR(st.st_mode)) return dir + " is not a directory";
    if (st.st_uid != geteuid())
        return dir + " belongs to uid " + std::to_string(st.st_uid) + ", not to this user";
    if ((st.st_mode & 0077) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
        return dir + " is open to other users (mode " + mode + "; it must be 0700)";
    }
    if ((st.st_mode & 0700) != 0700) return dir + " is not usable by its owner (it must be mode 0700)";
    return {};
}

std::string socket_path(const std::string& dir, pid_t job) {
    return dir + "/" + std::to_string(job) + ".sock";
}

std::optional<pid_t> job_of(const std::string& file_name) {
    constexpr std::string_view kSuffix = ".sock";
    if (file_name.size() <= kSuffix.size() || !file_name.ends_with(kSuffix)) return std::nullopt;
    const char* first = file_name.data();
    const char* last = first + file_name.size() - kSuffix.size();
    pid_t pid = 0;
    auto [end, ec] = std::from_chars(first, last, pid);
    if (ec != std::errc() || end != last || pid <= 0) return std::nullopt;
    return pid;
}

}  // namespace mosix::control
