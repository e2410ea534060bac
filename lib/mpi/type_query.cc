// type_query.cc — datatypes' life (commit, free) and what can be asked of them: size, extents,
// envelope and contents, names, MPI_Type_match_size.
#include <mpi.h>

#include <climits>
#include <cstring>

#include "lib/datatype_derived.hpp"
#include "lib/errors.hpp"
#include "runtime/library_entry.hpp"

using namespace mosix::lib;

namespace {

int check_type(MPI_Datatype type, const char* call, const Datatype** out) {
    if (int e = check_initialized(call)) return e;
    *out = datatype_get(type);
    MOSIX_CHECK(*out, MPI_COMM_NULL, MPI_ERR_TYPE, call, "datatype %#x is not a valid datatype", type);
    return MPI_SUCCESS;
}

// A pointer to a handle (MPI_Type_commit, MPI_Type_free): not NULL, and the handle valid.
int check_type_ptr(const MPI_Datatype* type, const char* call, const Datatype** out) {
    if (int e = check_initialized(call)) return e;
    MOSIX_CHECK(type, MPI_COMM_NULL, MPI_ERR_ARG, call, "datatype is NULL");
    if (int e = check_type(*type, call, out)) return e;
    return MPI_SUCCESS;
}

}  // namespace

extern "C" {

int MPI_Type_commit(MPI_Datatype* datatype) {
    MOSIX_LIBRARY_ENTRY();
    const Datatype* dt = nullptr;
    if (int e = check_type_ptr(datatype, "MPI_Type_commit", &dt)) return e;
    if (dt->derived) const_cast<DerivedType*>(dt->derived)->dt.committed = true;  // predefined: already
    return MPI_SUCCESS;
}

int MPI_Type_free(MPI_Datatype* datatype) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Type_free";
    const Datatype* dt = nullptr;
    if (int e = check_type_ptr(datatype, call, &dt)) return e;
    MOSIX_CHECK(dt->derived, MPI_COMM_NULL, MPI_ERR_TYPE, call, "%s is predefined and cannot be freed",
                datatype_label(*dt));
    datatype_release_handle(*dt);
    *datatype = MPI_DATATYPE_NULL;
    return MPI_SUCCESS;
}

int MPI_Type_size(MPI_Datatype datatype, int* size) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Type_size";
    const Datatype* dt = nullptr;
    if (int e = check_type(datatype, call, &dt)) return e;
    MOSIX_CHECK(size, MPI_COMM_NULL, MPI_ERR_ARG, call, "size is NULL");
    *size = dt->size > INT_MAX ? MPI_UNDEFINED : static_cast<int>(dt->size);
    return MPI_SUCCESS;
}

int MPI_Type_size_x(MPI_Datatype datatype, MPI_Count* size) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Type_size_x";
    const Datatype* dt = nullptr;
    if (int e = check_type(datatype, call, &dt)) return e;
    MOSIX_CHECK(size, MPI_COMM_NULL, MPI_ERR_ARG, call, "size is NULL");
    *size = static_cast<MPI_Count>(dt->size);
    return MPI_SUCCESS;
}

int MPI_Type_get_extent(MPI_Datatype datatype, MPI_Aint* lb, MPI_Aint* extent) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Type_get_extent";
    const Datatype* dt = nullptr;
    if (int e = check_type(datatype, call, &dt)) return e;
    MOSIX_CHECK(lb && extent, MPI_COMM_NULL, MPI_ERR_ARG, call, "lb or extent is NULL");
    *lb = dt->lb;
    *extent = dt->extent;
    return MPI_SUCCESS;
}

int MPI_Type_get_extent_x(MPI_Datatype datatype, MPI_Count* lb, MPI_Count* extent) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Type_get_extent_x";
    const Datatype* dt = nullptr;
    if (int e = check_type(datatype, call, &dt)) return e;
    MOSIX_CHECK(lb && extent, MPI_COMM_NULL, MPI_ERR_ARG, call, "lb or extent is NULL");
    *lb = dt->lb;
    *extent = dt->extent;
    return MPI_SUCCESS;
}

int MPI_Type_get_true_extent(MPI_Datatype datatype, MPI_Aint* true_lb, MPI_Aint* true_extent) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Type_get_true_extent";
    const Datatype* dt = nullptr;
    if (int e = check_type(datatype, call, &dt)) return e;
    MOSIX_CHECK(true_lb && true_extent, MPI_COMM_NULL, MPI_ERR_ARG, call, "true_lb or true_extent is NULL");
    *true_lb = dt->true_lb;
    *true_extent = dt->true_extent;
    return MPI_SUCCESS;
}

int MPI_Type_get_true_extent_x(MPI_Datatype datatype, MPI_Count* true_lb, MPI_Count* true_extent) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Type_get_true_extent_x";
    const Datatype* dt = nullptr;
    if (int e = check_type(datatype, call, &dt)) return e;
    MOSIX_CHECK(true_lb && true_extent, MPI_COMM_NULL, MPI_ERR_ARG, call, "true_lb or true_extent is NULL");
    *true_lb = dt->true_lb;
    *true_extent = dt->true_extent;
    return MPI_SUCCESS;
}

int MPI_Type_get_envelope(MPI_Datatype datatype, int* num_integers, int* num_addresses, int* num_datatypes,
                          int* combiner) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Type_get_envelope";
    const Datatype* dt = nullptr;
    if (int e = check_type(datatype, call, &dt)) return e;
    MOSIX_CHECK(num_integers && num_addresses && num_datatypes && combiner, MPI_COMM_NULL, MPI_ERR_ARG, call,
                "an output argument is NULL");
    const DerivedType* d = dt->derived;
    *num_integers = d ? d->nints : 0;
    *num_addresses = d ? d->naddrs : 0;
    *num_datatypes = d ? d->ntypes : 0;
    *combiner = d ? d->combiner : MPI_COMBINER_NAMED;
    return MPI_SUCCESS;
}

int MPI_Type_get_contents(MPI_Datatype datatype, int max_integers, int max_addresses, int max_datatypes,
                          int array_of_integers[], MPI_Aint array_of_addresses[],
                          MPI_Datatype array_of_datatypes[]) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Type_get_contents";
    const Datatype* dt = nullptr;
    if (int e = check_type(datatype, call, &dt)) return e;
    const DerivedType* d = dt->derived;
    MOSIX_CHECK(d, MPI_COMM_NULL, MPI_ERR_TYPE, call,
                "%s is predefined: it has no contents (MPI_Type_get_envelope says MPI_COMBINER_NAMED)",
                datatype_label(*dt));
    MOSIX_CHECK(max_integers >= d->nints && max_addresses >= d->naddrs && max_datatypes >= d->ntypes,
                MPI_COMM_NULL, MPI_ERR_ARG, call,
                "the arrays are too small: the type needs %d integers, %d addresses and %d datatypes",
                d->nints, d->naddrs, d->ntypes);
    MOSIX_CHECK((array_of_integers || d->nints == 0) && (array_of_addresses || d->naddrs == 0) &&
                    (array_of_datatypes || d->ntypes == 0),
                MPI_COMM_NULL, MPI_ERR_ARG, call, "an output array is NULL");
    if (d->nints) std::memcpy(array_of_integers, d->ints, sizeof(int) * static_cast<std::size_t>(d->nints));
    if (d->naddrs)
        std::memcpy(array_of_addresses, d->addrs, sizeof(MPI_Aint) * static_cast<std::size_t>(d->naddrs));
    for (int i = 0; i < d->ntypes; ++i) {
        array_of_datatypes[i] = d->types[i];
        datatype_retain_handle(*d->type_ptrs[i]);  // the standard: the program frees what it gets
    }
    return MPI_SUCCESS;
}

int MPI_Type_set_name(MPI_Datatype datatype, const char* type_name) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Type_set_name";
    const Datatype* dt = nullptr;
    if (int e = check_type(datatype, call, &dt)) return e;
    MOSIX_CHECK(type_name, MPI_COMM_NULL, MPI_ERR_ARG, call, "type_name is NULL");
    MOSIX_CHECK(dt->derived, MPI_COMM_NULL, MPI_ERR_TYPE, call,
                "%s is predefined: its name cannot be changed", datatype_label(*dt));
    char* name = const_cast<DerivedType*>(dt->derived)->name;
    std::strncpy(name, type_name, MPI_MAX_OBJECT_NAME - 1);
    name[MPI_MAX_OBJECT_NAME - 1] = '\0';
    return MPI_SUCCESS;
}

int MPI_Type_get_name(MPI_Datatype datatype, char* type_name, int* resultlen) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Type_get_name";
    const Datatype* dt = nullptr;
    if (int e = check_type(datatype, call, &dt)) return e;
    MOSIX_CHECK(type_name && resultlen, MPI_COMM_NULL, MPI_ERR_ARG, call, "type_name or resultlen is NULL");
    std::size_t n = std::strlen(dt->name);
    std::memcpy(type_name, dt->name, n + 1);
    *resultlen = static_cast<int>(n);
    return MPI_SUCCESS;
}

int MPI_Type_match_size(int typeclass, int size, MPI_Datatype* datatype) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Type_match_size";
    if (int e = check_initialized(call)) return e;
    MOSIX_CHECK(datatype, MPI_COMM_NULL, MPI_ERR_ARG, call, "datatype is NULL");
    MPI_Datatype found = MPI_DATATYPE_NULL;
    switch (typeclass) {
        case MPI_TYPECLASS_INTEGER:
            found = size == 1   ? MPI_INT8_T
                    : size == 2 ? MPI_INT16_T
                    : size == 4 ? MPI_INT32_T
                    : size == 8 ? MPI_INT64_T
                                : found;
            break;
        case MPI_TYPECLASS_REAL:
            found = size == (int)sizeof(float)         ? MPI_FLOAT
                    : size == (int)sizeof(double)      ? MPI_DOUBLE
                    : size == (int)sizeof(long double) ? MPI_LONG_DOUBLE
                                                       : found;
            break;
        case MPI_TYPECLASS_COMPLEX:
            found = size == 2 * (int)sizeof(float)         ? MPI_C_FLOAT_COMPLEX
                    : size == 2 * (int)sizeof(double)      ? MPI_C_DOUBLE_COMPLEX
                    : size == 2 * (int)sizeof(long double) ? MPI_C_LONG_DOUBLE_COMPLEX
                                                           : found;
            break;
        default:
            return raise_error(MPI_COMM_NULL, MPI_ERR_ARG, call,
                               "typeclass %d is not MPI_TYPECLASS_REAL, _INTEGER or _COMPLEX", typeclass);
    }
    MOSIX_CHECK(found != MPI_DATATYPE_NULL, MPI_COMM_NULL, MPI_ERR_ARG, call,
                "no predefined type of that class has %d bytes", size);
    *datatype = found;
    return MPI_SUCCESS;
}

}  // extern "C"
