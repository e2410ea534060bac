// datatype.hpp — datatype descriptors. The predefined types are a constant table indexed by their
// handle; every predefined type is contiguous, so sending one is a memcpy of count * size bytes.
#pragma once

#include <mpi.h>

#include <cstddef>

namespace mosix::lib {

// What reduction operations see of a type.
enum class Primitive : unsigned char {
    none,  // MPI_BYTE, MPI_PACKED: no arithmetic
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

struct Datatype {
    const char* name;
    std::size_t size;  // bytes of data in one element
    MPI_Aint extent;   // stride between consecutive elements
    Primitive primitive;
    bool integer;  // valid for bitwise and logical ops
};

// The descriptor for `dt`, or nullptr if `dt` is not a valid datatype handle.
const Datatype* datatype_get(MPI_Datatype dt) noexcept;

}  // namespace mosix::lib
