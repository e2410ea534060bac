// op_derived.cc — reductions over derived datatypes.
//
// The collective algorithms move packed elements. A predefined op over a derived type built from
// one predefined type is that op over the packed basic elements. A user op must see the type's own
// layout (an array of structs with their padding, say): the operands are unpacked into buffers of
// that layout, the function runs there, and the result is packed back. A dense type's packed
// elements already are its layout, shifted by true_lb, so they go to the function in place.
#include <cstring>

#include "datatype_derived.hpp"
#include "datatype_pack.hpp"
#include "op.hpp"
#include "runtime/rank_memory.hpp"

namespace mosix::lib {

namespace {

// A zeroed buffer in the layout of `count` elements of `dt`; base() is where element 0 starts.
class LayoutBuffer {
public:
    LayoutBuffer(int count, const Datatype& dt) : span_(layout_span(count, dt)) {
        const auto bytes = static_cast<std::size_t>(span_.hi - span_.lo);
        mem_ = rt::rank_alloc(bytes ? bytes : 1);
        std::memset(mem_, 0, bytes);
    }
    ~LayoutBuffer() { rt::rank_free(mem_); }
    LayoutBuffer(const LayoutBuffer&) = delete;
    LayoutBuffer& operator=(const LayoutBuffer&) = delete;
    void* base() const noexcept { return byte_offset(mem_, -span_.lo); }

private:
    ByteSpan span_;
    void* mem_;
};

void call_user(const OpRef& op, const void* in, void* io, int n, MPI_Datatype type) {
    MPI_Datatype t = type;
    op.user(const_cast<void*>(in), io, &n, &t);
}

}  // namespace

void op_apply_derived(const OpRef& op, const void* in, void* io, int n, const Datatype& dt,
                      MPI_Datatype type) {
    if (n == 0 || dt.size == 0) return;
    if (!op.user) {
        const Datatype& e = *dt.derived->element;  // op_defined_for: homogeneous
        op_apply(op, in, io, static_cast<int>(static_cast<std::size_t>(n) * (dt.size / e.size)), e,
                 MPI_DATATYPE_NULL);
        return;
    }
    if (datatype_dense(dt, n)) {
        call_user(op, byte_offset(in, -dt.true_lb), byte_offset(io, -dt.true_lb), n, type);
        return;
    }
    LayoutBuffer a(n, dt), b(n, dt);
    const std::size_t bytes = static_cast<std::size_t>(n) * dt.size;
    unpack(in, bytes, a.base(), n, dt);
    unpack(io, bytes, b.base(), n, dt);
    call_user(op, a.base(), b.base(), n, type);
    pack(b.base(), n, dt, io);
}

void op_apply_in_layout(const OpRef& op, const void* in, void* io, int n, const Datatype& dt,
                        MPI_Datatype type) {
    if (!dt.derived || op.user) {
        if (dt.derived)
            call_user(op, in, io, n, type);
        else
            op_apply(op, in, io, n, dt, type);
        return;
    }
    // A predefined op, block by block: blocks hold whole basic elements.
    const Datatype& e = *dt.derived->element;
    for (int i = 0; i < n; ++i) {
        const MPI_Aint at = static_cast<MPI_Aint>(i) * dt.extent;
        for (std::size_t b = 0; b < dt.derived->nblocks; ++b) {
            const TypeBlock& blk = dt.derived->blocks[b];
            op_apply(op, byte_offset(in, at + blk.offset), byte_offset(io, at + blk.offset),
                     static_cast<int>(blk.length / e.size), e, MPI_DATATYPE_NULL);
        }
    }
}

}  // namespace mosix::lib
