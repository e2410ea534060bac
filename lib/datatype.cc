#include "datatype.hpp"

#include <complex>
#include <cstdint>

#include "datatype_derived.hpp"
#include "handles.hpp"

namespace mosix::lib {

namespace {

template <class T>
constexpr Datatype dt(const char* name, Primitive p, bool integer) {
    constexpr auto n = static_cast<MPI_Aint>(sizeof(T));
    return Datatype{name, sizeof(T), n, p, integer, 0, 0, n, true, true, true, nullptr};
}

template <class A, class B>
struct Pair {
    A a;
    B b;
};

// Index order matches MOSIX_DT_(i) in mpi.h.
constexpr Datatype kPredefined[MOSIX_DT_PREDEFINED_COUNT] = {
    dt<char>("MPI_CHAR", Primitive::i8, true),
    dt<signed char>("MPI_SIGNED_CHAR", Primitive::i8, true),
    dt<unsigned char>("MPI_UNSIGNED_CHAR", Primitive::u8, true),
    dt<unsigned char>("MPI_BYTE", Primitive::none, true),
    dt<short>("MPI_SHORT", Primitive::i16, true),
    dt<unsigned short>("MPI_UNSIGNED_SHORT", Primitive::u16, true),
    dt<int>("MPI_INT", Primitive::i32, true),
    dt<unsigned>("MPI_UNSIGNED", Primitive::u32, true),
    dt<long>("MPI_LONG", Primitive::i64, true),
    dt<unsigned long>("MPI_UNSIGNED_LONG", Primitive::u64, true),
    dt<long long>("MPI_LONG_LONG_INT", Primitive::i64, true),
    dt<unsigned long long>("MPI_UNSIGNED_LONG_LONG", Primitive::u64, true),
    dt<float>("MPI_FLOAT", Primitive::f32, false),
    dt<double>("MPI_DOUBLE", Primitive::f64, false),
    dt<long double>("MPI_LONG_DOUBLE", Primitive::f80, false),
    dt<wchar_t>("MPI_WCHAR", Primitive::i32, true),
    dt<bool>("MPI_C_BOOL", Primitive::boolean, false),
    dt<std::int8_t>("MPI_INT8_T", Primitive::i8, true),
    dt<std::int16_t>("MPI_INT16_T", Primitive::i16, true),
    dt<std::int32_t>("MPI_INT32_T", Primitive::i32, true),
    dt<std::int64_t>("MPI_INT64_T", Primitive::i64, true),
    dt<std::uint8_t>("MPI_UINT8_T", Primitive::u8, true),
    dt<std::uint16_t>("MPI_UINT16_T", Primitive::u16, true),
    dt<std::uint32_t>("MPI_UINT32_T", Primitive::u32, true),
    dt<std::uint64_t>("MPI_UINT64_T", Primitive::u64, true),
    dt<MPI_Aint>("MPI_AINT", Primitive::i64, true),
    dt<MPI_Offset>("MPI_OFFSET", Primitive::i64, true),
    dt<MPI_Count>("MPI_COUNT", Primitive::i64, true),
    dt<std::complex<float>>("MPI_C_FLOAT_COMPLEX", Primitive::c32, false),
    dt<std::complex<double>>("MPI_C_DOUBLE_COMPLEX", Primitive::c64, false),
    dt<std::complex<long double>>("MPI_C_LONG_DOUBLE_COMPLEX", Primitive::c80, false),
    dt<unsigned char>("MPI_PACKED", Primitive::none, false),
    dt<Pair<float, int>>("MPI_FLOAT_INT", Primitive::float_int, false),
    dt<Pair<double, int>>("MPI_DOUBLE_INT", Primitive::double_int, false),
    dt<Pair<long, int>>("MPI_LONG_INT", Primitive::long_int, false),
    dt<Pair<int, int>>("MPI_2INT", Primitive::int_int, false),
    dt<Pair<short, int>>("MPI_SHORT_INT", Primitive::short_int, false),
    dt<Pair<long double, int>>("MPI_LONG_DOUBLE_INT", Primitive::long_double_int, false),
};

}  // namespace

const Datatype* datatype_get(MPI_Datatype h) noexcept {
    int i = handle_index(HandleKind::datatype, h);
    if (i < 0) return nullptr;
    if (i < MOSIX_DT_PREDEFINED_COUNT) return &kPredefined[i];
    const DerivedType* d = derived_get(i - MOSIX_DT_PREDEFINED_COUNT);
    return d ? &d->dt : nullptr;
}

const char* datatype_label(const Datatype& dt) noexcept {
    return dt.name && dt.name[0] ? dt.name : "a derived datatype";
}

}  // namespace mosix::lib
