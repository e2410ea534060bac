// datatype_derived.cc — flattening of derived types, and the rank's table of them.
#include "datatype_derived.hpp"

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <new>
#include <vector>

#include "handles.hpp"
#include "rank_state.hpp"
#include "runtime/rank_memory.hpp"

namespace mosix::lib {

namespace {

template <class T>
T* rank_array(const T* src, std::size_t n) {
    if (n == 0) return nullptr;
    auto* p = static_cast<T*>(rt::rank_alloc(n * sizeof(T)));
    std::memcpy(static_cast<void*>(p), src, n * sizeof(T));
    return p;
}

// Type-map order, merging a block that starts where the previous one ends.
void append_block(std::vector<TypeBlock>& v, MPI_Aint offset, std::size_t length) {
    if (length == 0) return;
    if (!v.empty() && v.back().offset + static_cast<MPI_Aint>(v.back().length) == offset)
        v.back().length += length;
    else
        v.push_back({offset, length});
}

void append_run(std::vector<ElementRun>& v, std::size_t size, std::size_t count) {
    if (count == 0) return;
    if (!v.empty() && v.back().size == size)
        v.back().count += count;
    else
        v.push_back({size, count});
}

// Bounds of `blocklen` elements of `t` placed at `disp`, stride t.extent.
struct Span {
    MPI_Aint lo, hi;
};
Span span(MPI_Aint disp, std::size_t blocklen, MPI_Aint lb, MPI_Aint width, MPI_Aint extent) {
    MPI_Aint last = static_cast<MPI_Aint>(blocklen - 1) * extent;
    return {disp + lb + std::min<MPI_Aint>(0, last), disp + lb + width + std::max<MPI_Aint>(0, last)};
}

DerivedType* make(std::vector<TypeBlock>& blocks, std::vector<ElementRun>& runs) {
    auto* d = new (rt::rank_alloc(sizeof(DerivedType))) DerivedType();
    d->nblocks = blocks.size();
    d->blocks = rank_array(blocks.data(), blocks.size());
    d->nruns = runs.size();
    d->runs = rank_array(runs.data(), runs.size());
    for (const ElementRun& r : runs) d->elements += r.count;
    return d;
}

// The descriptor's fields that follow from the map and the bounds.
void describe(DerivedType* d, std::size_t size, MPI_Aint lb, MPI_Aint extent, MPI_Aint true_lb,
              MPI_Aint true_extent) {
    Datatype& t = d->dt;
    t.name = d->name;
    t.size = size;
    t.extent = extent;
    t.lb = lb;
    t.true_lb = true_lb;
    t.true_extent = true_extent;
    t.primitive = d->element ? d->element->primitive : Primitive::none;
    t.integer = d->element && d->element->integer;
    t.one_block = d->nblocks <= 1;
    t.contiguous = t.one_block && (size == 0 || extent == static_cast<MPI_Aint>(size));
    t.committed = false;
    t.derived = d;
}

void die(const DerivedType* d) noexcept;

void drop(const DerivedType* d) noexcept {
    if (d->handle_refs == 0 && d->refs == 0 && !d->dead) die(d);
}

// A dead type lets go of the types it was built from (its memory waits for a sweep).
void die(const DerivedType* d) noexcept {
    d->dead = true;
    for (int i = 0; i < d->ntypes; ++i) datatype_release(*d->type_ptrs[i]);
}

}  // namespace

std::size_t datatype_blocks(const Datatype& dt, TypeBlock* one, const TypeBlock** out) noexcept {
    if (dt.derived) {
        *out = dt.derived->blocks;
        return dt.derived->nblocks;
    }
    *one = TypeBlock{0, dt.size};
    *out = one;
    return 1;
}

std::size_t datatype_runs(const Datatype& dt, ElementRun* one, const ElementRun** out) noexcept {
    if (dt.derived) {
        *out = dt.derived->runs;
        return dt.derived->nruns;
    }
    *one = ElementRun{dt.size, 1};
    *out = one;
    return 1;
}

DerivedType* derived_build(const TypePiece* pieces, std::size_t n) {
    std::vector<TypeBlock> blocks;
    std::vector<ElementRun> runs;
    std::size_t size = 0;
    bool bounded = false, has_data = false, homogeneous = true;
    const Datatype* element = nullptr;
    Span bounds{0, 0}, data{0, 0};
    for (std::size_t k = 0; k < n; ++k) {
        const TypePiece& pc = pieces[k];
        const Datatype& t = *pc.type;
        const Datatype* e = t.derived ? t.derived->element : &t;
        if (k == 0) element = e;
        if (pc.blocklen == 0) continue;
        if (e != element || (t.derived && !t.derived->element)) homogeneous = false;
        Span b = span(pc.disp, pc.blocklen, t.lb, t.extent, t.extent);
        bounds = bounded ? Span{std::min(bounds.lo, b.lo), std::max(bounds.hi, b.hi)} : b;
        bounded = true;
        if (t.size == 0) continue;
        Span td = span(pc.disp, pc.blocklen, t.true_lb, t.true_extent, t.extent);
        data = has_data ? Span{std::min(data.lo, td.lo), std::max(data.hi, td.hi)} : td;
        has_data = true;
        size += pc.blocklen * t.size;

        TypeBlock one_block;
        const TypeBlock* tb = nullptr;
        std::size_t nb = datatype_blocks(t, &one_block, &tb);
        if (datatype_dense(t, static_cast<int>(std::min<std::size_t>(pc.blocklen, 2)))) {
            append_block(blocks, pc.disp + t.true_lb, pc.blocklen * t.size);
        } else {
            for (std::size_t j = 0; j < pc.blocklen; ++j) {
                MPI_Aint base = pc.disp + static_cast<MPI_Aint>(j) * t.extent;
                for (std::size_t b = 0; b < nb; ++b) append_block(blocks, base + tb[b].offset, tb[b].length);
            }
        }
        ElementRun one_run;
        const ElementRun* tr = nullptr;
        std::size_t nr = datatype_runs(t, &one_run, &tr);
        if (nr == 1) {
            append_run(runs, tr[0].size, tr[0].count * pc.blocklen);
        } else {
            for (std::size_t j = 0; j < pc.blocklen; ++j)
                for (std::size_t r = 0; r < nr; ++r) append_run(runs, tr[r].size, tr[r].count);
        }
    }
    DerivedType* d = make(blocks, runs);
    d->element = homogeneous ? element : nullptr;
    for (std::size_t k = 0; k < n; ++k)
        if (pieces[k].blocklen) d->align = std::max(d->align, datatype_alignment(*pieces[k].type));
    describe(d, size, bounds.lo, bounds.hi - bounds.lo, data.lo, data.hi - data.lo);
    return d;
}

std::size_t datatype_alignment(const Datatype& t) noexcept {
    if (t.derived) return t.derived->align;
    switch (t.primitive) {
        case Primitive::c32:
            return 4;  // a complex number aligns like its parts
        case Primitive::c64:
            return 8;
        case Primitive::c80:
            return alignof(long double);
        case Primitive::float_int:
        case Primitive::int_int:
            return 4;
        case Primitive::short_int:
            return alignof(int);
        case Primitive::double_int:
        case Primitive::long_int:
            return 8;
        case Primitive::long_double_int:
            return alignof(long double);
        default:
            break;
    }
    // Every other predefined type is a scalar: its size is its alignment (MPI_BYTE, MPI_PACKED: 1).
    std::size_t a = 1;
    while (a < t.size && a < alignof(std::max_align_t)) a *= 2;
    return t.size ? a : 1;
}

void derived_pad_to_alignment(DerivedType* d) noexcept {
    auto align = static_cast<MPI_Aint>(d->align);
    MPI_Aint extent = d->dt.extent, rest = extent % align;
    if (rest > 0) derived_set_bounds(d, d->dt.lb, extent + align - rest);
}

void derived_set_bounds(DerivedType* d, MPI_Aint lb, MPI_Aint extent) noexcept {
    Datatype& t = d->dt;
    t.lb = lb;
    t.extent = extent;
    t.contiguous = t.one_block && (t.size == 0 || extent == static_cast<MPI_Aint>(t.size));
}

DerivedType* derived_resized(const Datatype& old, MPI_Aint lb, MPI_Aint extent) {
    const TypePiece whole{0, 1, &old};
    DerivedType* d = derived_build(&whole, 1);
    derived_set_bounds(d, lb, extent);
    return d;
}

void derived_set_contents(DerivedType* d, int combiner, const int* ints, int nints, const MPI_Aint* addrs,
                          int naddrs, const MPI_Datatype* types, int ntypes) {
    d->combiner = combiner;
    d->nints = nints;
    d->ints = rank_array(ints, static_cast<std::size_t>(nints));
    d->naddrs = naddrs;
    d->addrs = rank_array(addrs, static_cast<std::size_t>(naddrs));
    d->ntypes = ntypes;
    d->types = rank_array(types, static_cast<std::size_t>(ntypes));
    if (ntypes) {
        d->type_ptrs = static_cast<const Datatype**>(
            rt::rank_alloc(sizeof(Datatype*) * static_cast<std::size_t>(ntypes)));
        for (int i = 0; i < ntypes; ++i) {
            d->type_ptrs[i] = datatype_get(types[i]);
            datatype_retain(*d->type_ptrs[i]);
        }
    }
}

void derived_destroy(DerivedType* d) noexcept {
    for (void* p :
         {static_cast<void*>(d->blocks), static_cast<void*>(d->runs), static_cast<void*>(d->ints),
          static_cast<void*>(d->addrs), static_cast<void*>(d->types), static_cast<void*>(d->type_ptrs)})
        if (p) rt::rank_free(p);
    d->~DerivedType();
    rt::rank_free(d);
}

MPI_Datatype derived_register(DerivedType* d) {
    RankState& s = self_state();
    std::size_t free_slot = s.types.size();
    for (std::size_t i = 0; i < s.types.size(); ++i) {
        if (s.types[i] && s.types[i]->dead) {
            derived_destroy(s.types[i]);
            s.types[i] = nullptr;
        }
        if (!s.types[i] && free_slot == s.types.size()) free_slot = i;
    }
    if (free_slot + MOSIX_DT_PREDEFINED_COUNT > static_cast<std::size_t>(kIndexMask))
        return MPI_DATATYPE_NULL;
    if (free_slot == s.types.size()) s.types.push_back(nullptr);
    s.types[free_slot] = d;
    return make_handle(HandleKind::datatype, MOSIX_DT_PREDEFINED_COUNT + static_cast<int>(free_slot));
}

const DerivedType* derived_get(int index) noexcept {
    if (!rt::this_rank()) return nullptr;
    const RankState& s = self_state();
    auto i = static_cast<std::size_t>(index);
    if (i >= s.types.size()) return nullptr;
    const DerivedType* d = s.types[i];
    return d && d->handle_refs > 0 ? d : nullptr;
}

void datatype_retain(const Datatype& dt) noexcept {
    if (dt.derived) ++dt.derived->refs;
}

void datatype_release(const Datatype& dt) noexcept {
    if (!dt.derived) return;
    --dt.derived->refs;
    drop(dt.derived);
}

void datatype_retain_handle(const Datatype& dt) noexcept {
    if (dt.derived) ++dt.derived->handle_refs;
}

void datatype_release_handle(const Datatype& dt) noexcept {
    if (!dt.derived) return;
    --dt.derived->handle_refs;
    drop(dt.derived);
}

}  // namespace mosix::lib
