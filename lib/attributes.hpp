// attributes.hpp — what a rank caches on its communicators (attributes under keyvals, Info hints),
// its Info objects and its own error classes and codes. All of it is rank state (rank_state.hpp)
// and travels with the rank. The bindings are lib/mpi/attributes.cc, info.cc and error_classes.cc.
#pragma once

#include <mpi.h>

#include <string>
#include <utility>
#include <vector>

namespace mosix::lib {

struct Comm;

// One keyval (handle kind HandleKind::keyval, index into RankState::keyvals). A freed keyval
// keeps its slot until the last attribute under it is deleted, as the standard requires.
struct Keyval {
    bool live = false;  // the handle is valid (not yet freed)
    int uses = 0;       // attributes set under it
    MPI_Comm_copy_attr_function* copy = nullptr;
    MPI_Comm_delete_attr_function* del = nullptr;
    void* extra_state = nullptr;
};

struct Attribute {
    int keyval;
    void* value;
};

using InfoEntries = std::vector<std::pair<std::string, std::string>>;  // in the order set

struct Info {
    bool live = false;
    InfoEntries entries;
};

// A class or code added by MPI_Add_error_class/code: numbered MPI_ERR_LASTCODE + 1 + index.
struct UserError {
    int error_class;  // itself for a class
    std::string text;
};

// The keyval behind `h` if it is a live user keyval, else nullptr.
Keyval* keyval_get(int h) noexcept;

// Calls the delete callback of `a` on communicator `comm` and drops its use of the keyval.
// Returns the callback's code.
int attribute_delete(MPI_Comm comm, const Attribute& a);

// Deletes every attribute of `comm`, newest first; stops at (and returns) the first failure,
// keeping the attributes not yet deleted.
int attributes_delete_all(MPI_Comm comm);

// MPI_Comm_dup's part: runs the copy callbacks of `from`'s attributes for the new communicator
// `to`, and copies its Info hints. Returns the first failing callback's code (the attributes
// copied so far are deleted again).
int attributes_copy(MPI_Comm from, MPI_Comm to);

// MPI_Comm_get_attr for `call`: the predefined keys, then the communicator's attributes.
int comm_get_attr(MPI_Comm comm, int keyval, void* attribute_val, int* flag, const char* call);

// The Info object behind `h` if it is a live one (MPI_INFO_ENV included), else nullptr.
Info* info_get(MPI_Info h) noexcept;
// Fills MPI_INFO_ENV at MPI_Init from its arguments (either may be NULL) and the job.
void info_env_init(const int* argc, char* const* const* argv, const char* thread_level);
// True for MPI_INFO_NULL and for any live Info: what calls that take hints accept.
inline bool info_valid_or_null(MPI_Info h) noexcept { return h == MPI_INFO_NULL || info_get(h); }

// A user error class or code, or nullptr.
const UserError* user_error(int code) noexcept;

}  // namespace mosix::lib
