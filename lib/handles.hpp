// handles.hpp — the integer handles of mpi.h: bit 30 marks a valid handle, bits 26..29 its kind,
// bits 0..25 an index into the owning table. Decoding checks the kind, so a datatype passed as a
// communicator (or a freed handle) is reported, never dereferenced.
#pragma once

#include <cstdint>

namespace mosix::lib {

enum class HandleKind : int {
    comm = 1,
    group = 2,
    datatype = 3,
    errhandler = 5,
    op = 6,
    info = 7,
    keyval = 12
};

constexpr int kHandleValid = 0x40000000;
constexpr int kIndexMask = 0x03ffffff;

constexpr int make_handle(HandleKind k, int index) {
    return kHandleValid | (static_cast<int>(k) << 26) | index;
}
constexpr int null_handle(HandleKind k) { return static_cast<int>(k) << 26; }

// Index of `h` if it is a valid handle of kind `k`, else -1.
constexpr int handle_index(HandleKind k, int h) {
    return (h & ~kIndexMask) == (kHandleValid | (static_cast<int>(k) << 26)) ? (h & kIndexMask) : -1;
}

}  // namespace mosix::lib
