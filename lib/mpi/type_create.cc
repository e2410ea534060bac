// type_create.cc — the derived-datatype constructors. Each checks its arguments, describes the new
// type as pieces (blocks of elements of an old type at byte displacements), lets
// lib/datatype_derived.hpp flatten them, records its own arguments for MPI_Type_get_contents and
// puts the type in the rank's table.
#include <mpi.h>

#include <algorithm>
#include <vector>

#include "lib/datatype_derived.hpp"
#include "lib/errors.hpp"
#include "runtime/library_entry.hpp"

using namespace mosix::lib;

namespace {

// Initialized, `oldtype` valid, `newtype` not NULL.
int check_old(MPI_Datatype oldtype, MPI_Datatype* newtype, const char* call, const Datatype** old) {
    if (int e = check_initialized(call)) return e;
    *old = datatype_get(oldtype);
    MOSIX_CHECK(*old, MPI_COMM_NULL, MPI_ERR_TYPE, call, "oldtype %#x is not a valid datatype", oldtype);
    MOSIX_CHECK(newtype, MPI_COMM_NULL, MPI_ERR_ARG, call, "newtype is NULL");
    return MPI_SUCCESS;
}

int check_count(int count, const char* call) {
    MOSIX_CHECK(count >= 0, MPI_COMM_NULL, MPI_ERR_COUNT, call, "count %d is negative", count);
    return MPI_SUCCESS;
}

int check_blocklength(int blocklength, const char* what, const char* call) {
    MOSIX_CHECK(blocklength >= 0, MPI_COMM_NULL, MPI_ERR_ARG, call, "%s is %d (negative)", what, blocklength);
    return MPI_SUCCESS;
}

// Arrays of `count` entries must be there when count > 0.
int check_array(const void* a, int count, const char* name, const char* call) {
    MOSIX_CHECK(a || count == 0, MPI_COMM_NULL, MPI_ERR_ARG, call, "%s is NULL", name);
    return MPI_SUCCESS;
}

// Flattens, records the constructor, registers: the common end of every constructor.
int finish(DerivedType* d, int combiner, const std::vector<int>& ints, const std::vector<MPI_Aint>& addrs,
           const std::vector<MPI_Datatype>& types, MPI_Datatype* newtype, const char* call) {
    derived_set_contents(d, combiner, ints.data(), static_cast<int>(ints.size()), addrs.data(),
                         static_cast<int>(addrs.size()), types.data(), static_cast<int>(types.size()));
    MPI_Datatype h = derived_register(d);
    if (h == MPI_DATATYPE_NULL) {
        datatype_release_handle(d->dt);
        return raise_error(MPI_COMM_NULL, MPI_ERR_INTERN, call, "too many derived datatypes");
    }
    *newtype = h;
    return MPI_SUCCESS;
}

// Pieces of `blocklengths[i]` elements of `old` at byte displacements `disps[i]`.
int build_blocks(int count, const int* blocklengths, const MPI_Aint* disps, const Datatype& old,
                 DerivedType** out) {
    std::vector<TypePiece> pieces(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i)
        pieces[static_cast<std::size_t>(i)] =
            TypePiece{disps[i], static_cast<std::size_t>(blocklengths[i]), &old};
    *out = derived_build(pieces.data(), pieces.size());
    return MPI_SUCCESS;
}

int vector(int count, int blocklength, MPI_Aint stride_bytes, MPI_Datatype oldtype, MPI_Datatype* newtype,
           int combiner, MPI_Aint stride_arg, const char* call) {
    const Datatype* old = nullptr;
    if (int e = check_old(oldtype, newtype, call, &old)) return e;
    if (int e = check_count(count, call)) return e;
    if (int e = check_blocklength(blocklength, "blocklength", call)) return e;
    std::vector<MPI_Aint> disps(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) disps[static_cast<std::size_t>(i)] = i * stride_bytes;
    std::vector<int> lens(static_cast<std::size_t>(count), blocklength);
    DerivedType* d = nullptr;
    build_blocks(count, lens.data(), disps.data(), *old, &d);
    if (combiner == MPI_COMBINER_VECTOR)
        return finish(d, combiner, {count, blocklength, static_cast<int>(stride_arg)}, {}, {oldtype}, newtype,
                      call);
    return finish(d, combiner, {count, blocklength}, {stride_arg}, {oldtype}, newtype, call);
}

// indexed and hindexed (block lengths given one by one) and their _block forms (one length).
int indexed(int count, const int* blocklengths, int one_length, const int* idisps, const MPI_Aint* adisps,
            MPI_Datatype oldtype, MPI_Datatype* newtype, int combiner, const char* call) {
    const Datatype* old = nullptr;
    if (int e = check_old(oldtype, newtype, call, &old)) return e;
    if (int e = check_count(count, call)) return e;
    if (!blocklengths) {
        if (int e = check_blocklength(one_length, "blocklength", call)) return e;
    } else {
        if (int e = check_array(blocklengths, count, "array_of_blocklengths", call)) return e;
        for (int i = 0; i < count; ++i)
            MOSIX_CHECK(blocklengths[i] >= 0, MPI_COMM_NULL, MPI_ERR_ARG, call,
                        "array_of_blocklengths[%d] is %d (negative)", i, blocklengths[i]);
    }
    if (int e = check_array(combiner == MPI_COMBINER_INDEXED || combiner == MPI_COMBINER_INDEXED_BLOCK
                                ? static_cast<const void*>(idisps)
                                : adisps,
                            count, "array_of_displacements", call))
        return e;
    const auto n = static_cast<std::size_t>(count);
    std::vector<int> lens(n, one_length);
    std::vector<MPI_Aint> bytes(n);
    for (std::size_t i = 0; i < n; ++i) {
        if (blocklengths) lens[i] = blocklengths[i];
        bytes[i] = idisps ? idisps[i] * old->extent : adisps[i];
    }
    DerivedType* d = nullptr;
    build_blocks(count, lens.data(), bytes.data(), *old, &d);
    std::vector<int> ints{count};
    if (blocklengths)
        ints.insert(ints.end(), blocklengths, blocklengths + count);
    else
        ints.push_back(one_length);
    std::vector<MPI_Aint> addrs;
    if (idisps)
        ints.insert(ints.end(), idisps, idisps + count);
    else
        addrs.assign(adisps, adisps + count);
    return finish(d, combiner, ints, addrs, {oldtype}, newtype, call);
}

// The pieces of a subarray in C order (the last dimension varies fastest); Fortran order is the
// same with the dimensions reversed.
void subarray_pieces(int ndims, const int* sizes, const int* subsizes, const int* starts, MPI_Aint extent,
                     const Datatype* old, std::vector<TypePiece>* pieces) {
    std::vector<MPI_Aint> stride(static_cast<std::size_t>(ndims));
    stride[static_cast<std::size_t>(ndims - 1)] = extent;
    for (int i = ndims - 2; i >= 0; --i)
        stride[static_cast<std::size_t>(i)] = stride[static_cast<std::size_t>(i + 1)] * sizes[i + 1];
    for (int i = 0; i < ndims; ++i)
        if (subsizes[i] == 0) return;
    std::vector<int> idx(static_cast<std::size_t>(ndims), 0);
    const int last = ndims - 1;
    for (;;) {
        MPI_Aint disp = 0;
        for (int i = 0; i < ndims; ++i)
            disp += static_cast<MPI_Aint>(starts[i] + (i == last ? 0 : idx[static_cast<std::size_t>(i)])) *
                    stride[static_cast<std::size_t>(i)];
        pieces->push_back(TypePiece{disp, static_cast<std::size_t>(subsizes[last]), old});
        int i = last - 1;
        while (i >= 0 && ++idx[static_cast<std::size_t>(i)] == subsizes[i])
            idx[static_cast<std::size_t>(i--)] = 0;
        if (i < 0) return;
    }
}

}  // namespace

extern "C" {

int MPI_Type_contiguous(int count, MPI_Datatype oldtype, MPI_Datatype* newtype) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Type_contiguous";
    const Datatype* old = nullptr;
    if (int e = check_old(oldtype, newtype, call, &old)) return e;
    if (int e = check_count(count, call)) return e;
    const TypePiece whole{0, static_cast<std::size_t>(count), old};
    return finish(derived_build(&whole, 1), MPI_COMBINER_CONTIGUOUS, {count}, {}, {oldtype}, newtype, call);
}

int MPI_Type_vector(int count, int blocklength, int stride, MPI_Datatype oldtype, MPI_Datatype* newtype) {
    MOSIX_LIBRARY_ENTRY();
    const Datatype* old = datatype_get(oldtype);
    MPI_Aint bytes = old ? stride * old->extent : 0;
    return vector(count, blocklength, bytes, oldtype, newtype, MPI_COMBINER_VECTOR, stride,
                  "MPI_Type_vector");
}

int MPI_Type_create_hvector(int count, int blocklength, MPI_Aint stride, MPI_Datatype oldtype,
                            MPI_Datatype* newtype) {
    MOSIX_LIBRARY_ENTRY();
    return vector(count, blocklength, stride, oldtype, newtype, MPI_COMBINER_HVECTOR, stride,
                  "MPI_Type_create_hvector");
}

int MPI_Type_indexed(int count, const int array_of_blocklengths[], const int array_of_displacements[],
                     MPI_Datatype oldtype, MPI_Datatype* newtype) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Type_indexed";
    if (int e = check_array(array_of_blocklengths, count, "array_of_blocklengths", call)) return e;
    return indexed(count, array_of_blocklengths, 0, array_of_displacements, nullptr, oldtype, newtype,
                   MPI_COMBINER_INDEXED, call);
}

int MPI_Type_create_hindexed(int count, const int array_of_blocklengths[],
                             const MPI_Aint array_of_displacements[], MPI_Datatype oldtype,
                             MPI_Datatype* newtype) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Type_create_hindexed";
    if (int e = check_array(array_of_blocklengths, count, "array_of_blocklengths", call)) return e;
    return indexed(count, array_of_blocklengths, 0, nullptr, array_of_displacements, oldtype, newtype,
                   MPI_COMBINER_HINDEXED, call);
}

int MPI_Type_create_indexed_block(int count, int blocklength, const int array_of_displacements[],
                                  MPI_Datatype oldtype, MPI_Datatype* newtype) {
    MOSIX_LIBRARY_ENTRY();
    return indexed(count, nullptr, blocklength, array_of_displacements, nullptr, oldtype, newtype,
                   MPI_COMBINER_INDEXED_BLOCK, "MPI_Type_create_indexed_block");
}

int MPI_Type_create_hindexed_block(int count, int blocklength, const MPI_Aint array_of_displacements[],
                                   MPI_Datatype oldtype, MPI_Datatype* newtype) {
    MOSIX_LIBRARY_ENTRY();
    return indexed(count, nullptr, blocklength, nullptr, array_of_displacements, oldtype, newtype,
                   MPI_COMBINER_HINDEXED_BLOCK, "MPI_Type_create_hindexed_block");
}

int MPI_Type_create_struct(int count, const int array_of_blocklengths[],
                           const MPI_Aint array_of_displacements[], const MPI_Datatype array_of_types[],
                           MPI_Datatype* newtype) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Type_create_struct";
    if (int e = check_initialized(call)) return e;
    if (int e = check_count(count, call)) return e;
    if (int e = check_array(array_of_blocklengths, count, "array_of_blocklengths", call)) return e;
    if (int e = check_array(array_of_displacements, count, "array_of_displacements", call)) return e;
    if (int e = check_array(array_of_types, count, "array_of_types", call)) return e;
    MOSIX_CHECK(newtype, MPI_COMM_NULL, MPI_ERR_ARG, call, "newtype is NULL");
    const auto n = static_cast<std::size_t>(count);
    std::vector<TypePiece> pieces(n);
    for (int i = 0; i < count; ++i) {
        const Datatype* t = datatype_get(array_of_types[i]);
        MOSIX_CHECK(t, MPI_COMM_NULL, MPI_ERR_TYPE, call, "array_of_types[%d] (%#x) is not a valid datatype",
                    i, array_of_types[i]);
        MOSIX_CHECK(array_of_blocklengths[i] >= 0, MPI_COMM_NULL, MPI_ERR_ARG, call,
                    "array_of_blocklengths[%d] is %d (negative)", i, array_of_blocklengths[i]);
        pieces[static_cast<std::size_t>(i)] =
            TypePiece{array_of_displacements[i], static_cast<std::size_t>(array_of_blocklengths[i]), t};
    }
    std::vector<int> ints{count};
    std::vector<MPI_Aint> addrs;
    std::vector<MPI_Datatype> types;
    if (count) {
        ints.insert(ints.end(), array_of_blocklengths, array_of_blocklengths + count);
        addrs.assign(array_of_displacements, array_of_displacements + count);
        types.assign(array_of_types, array_of_types + count);
    }
    DerivedType* d = derived_build(pieces.data(), n);
    derived_pad_to_alignment(d);
    return finish(d, MPI_COMBINER_STRUCT, ints, addrs, types, newtype, call);
}

int MPI_Type_create_subarray(int ndims, const int array_of_sizes[], const int array_of_subsizes[],
                             const int array_of_starts[], int order, MPI_Datatype oldtype,
                             MPI_Datatype* newtype) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Type_create_subarray";
    const Datatype* old = nullptr;
    if (int e = check_old(oldtype, newtype, call, &old)) return e;
    MOSIX_CHECK(ndims > 0, MPI_COMM_NULL, MPI_ERR_DIMS, call, "ndims %d is not positive", ndims);
    MOSIX_CHECK(array_of_sizes && array_of_subsizes && array_of_starts, MPI_COMM_NULL, MPI_ERR_ARG, call,
                "an array of sizes, subsizes or starts is NULL");
    MOSIX_CHECK(order == MPI_ORDER_C || order == MPI_ORDER_FORTRAN, MPI_COMM_NULL, MPI_ERR_ARG, call,
                "order %d is neither MPI_ORDER_C nor MPI_ORDER_FORTRAN", order);
    MPI_Aint elements = 1;
    for (int i = 0; i < ndims; ++i) {
        const int size = array_of_sizes[i], sub = array_of_subsizes[i], start = array_of_starts[i];
        MOSIX_CHECK(size > 0, MPI_COMM_NULL, MPI_ERR_ARG, call, "array_of_sizes[%d] is %d (not positive)", i,
                    size);
        MOSIX_CHECK(sub >= 0 && sub <= size, MPI_COMM_NULL, MPI_ERR_ARG, call,
                    "array_of_subsizes[%d] is %d, not in 0..%d", i, sub, size);
        MOSIX_CHECK(start >= 0 && start <= size - sub, MPI_COMM_NULL, MPI_ERR_ARG, call,
                    "array_of_starts[%d] is %d, not in 0..%d", i, start, size - sub);
        elements *= size;
    }
    // Fortran order: the same walk over the dimensions reversed.
    std::vector<int> sizes(array_of_sizes, array_of_sizes + ndims),
        subs(array_of_subsizes, array_of_subsizes + ndims), starts(array_of_starts, array_of_starts + ndims);
    if (order == MPI_ORDER_FORTRAN) {
        std::reverse(sizes.begin(), sizes.end());
        std::reverse(subs.begin(), subs.end());
        std::reverse(starts.begin(), starts.end());
    }
    std::vector<TypePiece> pieces;
    subarray_pieces(ndims, sizes.data(), subs.data(), starts.data(), old->extent, old, &pieces);
    DerivedType* d = derived_build(pieces.data(), pieces.size());
    derived_set_bounds(d, 0, elements * old->extent);
    std::vector<int> ints{ndims};
    ints.insert(ints.end(), array_of_sizes, array_of_sizes + ndims);
    ints.insert(ints.end(), array_of_subsizes, array_of_subsizes + ndims);
    ints.insert(ints.end(), array_of_starts, array_of_starts + ndims);
    ints.push_back(order);
    return finish(d, MPI_COMBINER_SUBARRAY, ints, {}, {oldtype}, newtype, call);
}

int MPI_Type_create_resized(MPI_Datatype oldtype, MPI_Aint lb, MPI_Aint extent, MPI_Datatype* newtype) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Type_create_resized";
    const Datatype* old = nullptr;
    if (int e = check_old(oldtype, newtype, call, &old)) return e;
    return finish(derived_resized(*old, lb, extent), MPI_COMBINER_RESIZED, {}, {lb, extent}, {oldtype},
                  newtype, call);
}

int MPI_Type_dup(MPI_Datatype oldtype, MPI_Datatype* newtype) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Type_dup";
    const Datatype* old = nullptr;
    if (int e = check_old(oldtype, newtype, call, &old)) return e;
    DerivedType* d = derived_resized(*old, old->lb, old->extent);
    d->dt.committed = old->committed;
    return finish(d, MPI_COMBINER_DUP, {}, {}, {oldtype}, newtype, call);
}

int MPI_Type_create_darray(int, int, int, const int[], const int[], const int[], const int[], int,
                           MPI_Datatype, MPI_Datatype*) {
    MOSIX_LIBRARY_ENTRY();
    return raise_error(MPI_COMM_NULL, MPI_ERR_UNSUPPORTED_OPERATION, "MPI_Type_create_darray",
                       "distributed-array types are not supported by mosix yet (build the same map with "
                       "MPI_Type_create_subarray or MPI_Type_create_struct)");
}

}  // extern "C"
