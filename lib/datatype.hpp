// datatype.hpp — datatype descriptors. The predefined types are a constant table indexed by their
// handle; every predefined type is one contiguous run of `size` bytes, so sending one is a memcpy
// of count * size bytes. Derived types (lib/datatype_derived.hpp) carry the same descriptor, with
// their flattened type map beside it; they live in the rank's own memory.
#pragma once

#include <mpi.h>

#include <cstddef>
#include <cstdint>

namespace mosix::lib {

// What reduction operations see of a type.
enum class Primitive : unsigned char {
    none,  // MPI_BYTE, MPI_PACKED, and derived types mixing several predefined types
    i8,
    i16,
    i32,
    i64,
    u8,
    u16,
    u32,
    u64,
    boolean,
    f32,
    f64,
    f80,
    c32,
    c64,
    c80,
    float_int,
    double_int,
    long_int,
    int_int,
    short_int,
    long_double_int,
};

struct DerivedType;

struct Datatype {
    const char* name;
    std::size_t size;  // bytes of data in one element
    MPI_Aint extent;   // stride between consecutive elements
    Primitive primitive;
    bool integer;  // valid for bitwise and logical ops
    MPI_Aint lb = 0;
    MPI_Aint true_lb = 0;      // where the first byte of data is, from the element's start
    MPI_Aint true_extent = 0;  // from the first to past the last byte of data
    // The data of one element is one run of `size` bytes at true_lb ...
    bool one_block = true;
    // ... and consecutive elements touch (extent == size): `count` elements are one run.
    bool contiguous = true;
    bool committed = true;
    const DerivedType* derived = nullptr;  // nullptr for the predefined types
};

// The descriptor for `dt`, or nullptr if `dt` is not a valid datatype handle (predefined, or a
// live derived type of the calling rank).
const Datatype* datatype_get(MPI_Datatype dt) noexcept;

// `count` elements of `dt` are one run of count * size bytes starting at true_lb: they can be sent
// and received in place, without packing.
inline bool datatype_dense(const Datatype& dt, int count) noexcept {
    return dt.contiguous || (count <= 1 && dt.one_block);
}

// `p` moved by `bytes`, without C++'s rules on null pointers (MPI_BOTTOM is null, and a type
// built from absolute addresses moves it to real ones).
inline void* byte_offset(const void* p, MPI_Aint bytes) noexcept {
    return reinterpret_cast<void*>(reinterpret_cast<std::uintptr_t>(p) + static_cast<std::uintptr_t>(bytes));
}

// A name for messages: the type's name, or "a derived datatype" when it has none.
const char* datatype_label(const Datatype& dt) noexcept;

}  // namespace mosix::lib
