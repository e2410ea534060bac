// datatype_derived.hpp — derived datatypes: their flattened type maps, their construction from
// pieces, and the rank's table of them.
//
// A derived type is flattened when it is built: its type map becomes a list of (offset, length)
// byte blocks in type-map order (adjacent blocks merged), which is all that packing and unpacking
// need, and a list of basic-element runs, which is what MPI_Get_elements needs. Both, the
// constructor's arguments (MPI_Type_get_contents) and the name are in the rank's own memory, so a
// type moves with its rank and is part of its checkpoint; the rank's table (RankState::types)
// holds pointers to them.
//
// Lifetime: `handle_refs` counts the program's handles (MPI_Type_free drops one), `refs` the
// library's own holders (a pending receive that unpacks at completion, a persistent request,
// a type built from this one). A type both count as unused is dead: it lets go of the types it was
// built from at once, and its memory is taken back by the next constructor call of its rank.
#pragma once

#include <mpi.h>

#include <cstddef>

#include "datatype.hpp"

namespace mosix::lib {

struct TypeBlock {
    MPI_Aint offset;  // from the start of the element
    std::size_t length;
};

// `count` consecutive basic elements of `size` bytes each, in type-map order.
struct ElementRun {
    std::size_t size;
    std::size_t count;
};

struct DerivedType {
    Datatype dt;  // what datatype_get returns; dt.derived points back here
    mutable int handle_refs = 1;
    mutable int refs = 0;
    mutable bool dead = false;
    int combiner = 0;  // MPI_COMBINER_*
    int nints = 0, naddrs = 0, ntypes = 0;
    int* ints = nullptr;  // the constructor's arguments, for MPI_Type_get_contents
    MPI_Aint* addrs = nullptr;
    MPI_Datatype* types = nullptr;
    const Datatype** type_ptrs = nullptr;  // the same types, held (refs) while this one lives
    std::size_t nblocks = 0;
    TypeBlock* blocks = nullptr;
    std::size_t nruns = 0;
    ElementRun* runs = nullptr;
    std::size_t elements = 0;           // basic elements in one element of this type
    const Datatype* element = nullptr;  // the one predefined type all of them are, or nullptr
    std::size_t align = 1;              // the strictest alignment of its basic elements
    char name[MPI_MAX_OBJECT_NAME] = {};
};

// `blocklen` consecutive elements of `type`, the first at byte `disp` of the new element.
struct TypePiece {
    MPI_Aint disp;
    std::size_t blocklen;
    const Datatype* type;
};

// The type map of `n` pieces in order (the general form of every constructor), flattened, with
// the standard's bounds: lb and ub from the pieces' lb and ub, true bounds from their data. The
// result is uncommitted, has one handle reference and no contents yet; it is in rank memory.
DerivedType* derived_build(const TypePiece* pieces, std::size_t n);
// The same type map with new bounds (MPI_Type_create_resized).
DerivedType* derived_resized(const Datatype& old, MPI_Aint lb, MPI_Aint extent);
// The alignment C gives a value of type `t` (for a derived type: its strictest member's).
std::size_t datatype_alignment(const Datatype& t) noexcept;
// Rounds the extent of a struct type being built up to its alignment, as C pads a struct and as
// other MPI libraries do, so that an array of such structs has the stride the program's has.
void derived_pad_to_alignment(DerivedType* d) noexcept;
// Sets lb and extent of a type being built (a subarray's are the whole array's).
void derived_set_bounds(DerivedType* d, MPI_Aint lb, MPI_Aint extent) noexcept;
// Records the constructor (MPI_Type_get_envelope/contents) and holds the derived types it names.
void derived_set_contents(DerivedType* d, int combiner, const int* ints, int nints, const MPI_Aint* addrs,
                          int naddrs, const MPI_Datatype* types, int ntypes);
// Frees a type's memory (its constituents must already be released, or never held).
void derived_destroy(DerivedType* d) noexcept;

// Puts `d` in the calling rank's table and returns its handle (MPI_DATATYPE_NULL if the table is
// full). Reclaims the memory of dead types first.
MPI_Datatype derived_register(DerivedType* d);
// The live (the program holds a handle) derived type at `index` of the calling rank's table.
const DerivedType* derived_get(int index) noexcept;

// The library's own references. No-ops for predefined types. release may run in any rank's
// context (a receive completed by its sender): it only counts.
void datatype_retain(const Datatype& dt) noexcept;
void datatype_release(const Datatype& dt) noexcept;
// The program's handles: MPI_Type_free drops one; MPI_Type_get_contents hands out one more.
void datatype_retain_handle(const Datatype& dt) noexcept;
void datatype_release_handle(const Datatype& dt) noexcept;

// The blocks of `dt`'s type map (one for a predefined type, written to *one).
std::size_t datatype_blocks(const Datatype& dt, TypeBlock* one, const TypeBlock** out) noexcept;
// The basic-element runs of `dt` (one for a predefined type, written to *one).
std::size_t datatype_runs(const Datatype& dt, ElementRun* one, const ElementRun** out) noexcept;

}  // namespace mosix::lib
