// datatype_pack.hpp — moving data between a typed buffer (count elements of a datatype, in the
// program's own layout) and packed bytes (the same data back to back, count * size bytes, in
// type-map order), which is what the point-to-point engine and the collective algorithms move.
//
// For a dense type (datatype_dense: every predefined type, and a derived one whose map is one run)
// the packed bytes are the buffer itself, from byte true_lb on, and nothing is copied; otherwise
// they are a copy in the rank's memory (so it moves with a migrating rank).
//
// PackedBuffer is the helper for an operation that spans calls or waits (a collective, a
// nonblocking operation's schedule): it keeps the copy and a reference on the type, so the type
// may be freed (MPI_Type_free) while the operation is pending. It may itself live in rank memory.
#pragma once

#include <mpi.h>

#include <cstddef>

#include "datatype.hpp"

namespace mosix::lib {

// Packs `count` elements of `dt` at `buf` into `out` (count * dt.size bytes).
void pack(const void* buf, int count, const Datatype& dt, void* out) noexcept;
// Unpacks the first `bytes` packed bytes at `in` into `count` elements of `dt` at `buf`; `bytes`
// may end inside an element (a truncated or short message): what arrived is placed, no more.
void unpack(const void* in, std::size_t bytes, void* buf, int count, const Datatype& dt) noexcept;

// The bytes `count` elements of `dt` at a buffer touch, as [lo, hi) from the buffer's address.
struct ByteSpan {
    MPI_Aint lo, hi;
};
ByteSpan layout_span(int count, const Datatype& dt) noexcept;

class PackedBuffer {
public:
    PackedBuffer() = default;
    // `count` elements of `dt` at `buf` (not MPI_IN_PLACE). Copies nothing yet; allocates the
    // packed copy when `dt` is not dense for `count`.
    PackedBuffer(const void* buf, int count, const Datatype& dt);
    ~PackedBuffer();
    PackedBuffer(PackedBuffer&& o) noexcept;
    PackedBuffer& operator=(PackedBuffer&& o) noexcept;
    PackedBuffer(const PackedBuffer&) = delete;
    PackedBuffer& operator=(const PackedBuffer&) = delete;

    // The packed bytes: the copy, or the buffer's data in place.
    void* data() const noexcept { return data_; }
    std::size_t bytes() const noexcept { return bytes_; }
    // True if data() is a copy, so pack() and unpack() move bytes (otherwise they do nothing).
    bool staged() const noexcept { return copy_ != nullptr; }

    // The typed buffer's elements [first, first + n) into their place in data() (all by default).
    void pack() const noexcept;
    void pack(int first, int n) const noexcept;
    // The first `bytes` of data() back into the typed buffer; or elements [first, first + n).
    void unpack(std::size_t bytes) const noexcept;
    void unpack(int first, int n) const noexcept;

private:
    void release() noexcept;
    void* buf_ = nullptr;
    int count_ = 0;
    const Datatype* dt_ = nullptr;
    void* data_ = nullptr;
    void* copy_ = nullptr;
    std::size_t bytes_ = 0;
};

}  // namespace mosix::lib
