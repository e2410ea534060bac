// coll_stage.hpp — derived datatypes in the collective bindings. The algorithms (lib/coll) move
// packed bytes; these put a side of a collective into that form and back (lib/datatype_pack.hpp).
// For dense types, every predefined one among them, they copy nothing and hand the program's
// buffer on. Only significant sides are staged (a gather's receive side only at its root, say),
// and MPI_IN_PLACE passes through.
#pragma once

#include <mpi.h>

#include <vector>

#include "lib/datatype_pack.hpp"
#include "runtime/rank_memory.hpp"

namespace mosix::lib {

// Data the collective reads: `count` elements of `type` at `buf`, packed at construction.
class SendStage {
public:
    SendStage(const void* buf, int count, MPI_Datatype type, bool significant = true) : data_(buf) {
        if (!significant || buf == MPI_IN_PLACE) return;
        packed_ = PackedBuffer(buf, count, *datatype_get(type));
        packed_.pack();
        data_ = packed_.data();
    }
    const void* data() const noexcept { return data_; }

private:
    PackedBuffer packed_;
    const void* data_;
};

// Where the collective writes: `count` elements of `type` at `buf`; finish() unpacks the result.
// An in-place call also reads it: pack() first (or pack(first, n) for one block).
class RecvStage {
public:
    RecvStage(void* buf, int count, MPI_Datatype type, bool significant = true) : data_(buf) {
        if (!significant) return;
        packed_ = PackedBuffer(buf, count, *datatype_get(type));
        data_ = packed_.data();
    }
    void* data() const noexcept { return data_; }
    void pack() const noexcept { packed_.pack(); }
    void pack(int first, int n) const noexcept { packed_.pack(first, n); }
    void finish() const noexcept { packed_.unpack(packed_.bytes()); }
    void finish(int first, int n) const noexcept { packed_.unpack(first, n); }

private:
    PackedBuffer packed_;
    void* data_;
};

// A v-collective's side at `buf`: counts[i] elements at displacement displs[i] (in extents) per
// rank. offsets() are the blocks' byte offsets in data(): the program's own (`layout_offsets`,
// displs * extent) for a dense type, else those of a packed copy with the blocks back to back.
class VStage {
public:
    VStage(const void* buf, int p, const int* counts, const int* displs, MPI_Datatype type,
           const std::size_t* layout_offsets, bool significant = true)
        : buf_(const_cast<void*>(buf)),
          counts_(counts),
          displs_(displs),
          data_(buf_),
          offsets_(layout_offsets) {
        if (!significant || buf == MPI_IN_PLACE) return;
        dt_ = datatype_get(type);
        if (dt_->contiguous) {
            data_ = byte_offset(buf, dt_->true_lb);
            return;
        }
        packed_offsets_.resize(static_cast<std::size_t>(p));
        std::size_t total = 0;
        for (int i = 0; i < p; ++i) {
            packed_offsets_[static_cast<std::size_t>(i)] = total;
            total += static_cast<std::size_t>(counts[i]) * dt_->size;
        }
        copy_ = rt::rank_alloc(total ? total : 1);
        data_ = copy_;
        offsets_ = packed_offsets_.data();
    }
    ~VStage() {
        if (copy_) rt::rank_free(copy_);
    }
    VStage(const VStage&) = delete;
    VStage& operator=(const VStage&) = delete;

    void* data() const noexcept { return data_; }
    const std::size_t* offsets() const noexcept { return offsets_; }
    // Block i from the program's buffer into data(), or back.
    void pack(int i) const noexcept {
        if (copy_) lib::pack(block(i), counts_[i], *dt_, at(i));
    }
    void unpack(int i) const noexcept {
        if (copy_)
            lib::unpack(at(i), static_cast<std::size_t>(counts_[i]) * dt_->size, block(i), counts_[i], *dt_);
    }
    void pack_all(int p) const noexcept {
        for (int i = 0; i < p; ++i) pack(i);
    }
    void unpack_all(int p) const noexcept {
        for (int i = 0; i < p; ++i) unpack(i);
    }

private:
    void* block(int i) const noexcept {
        return byte_offset(buf_, static_cast<MPI_Aint>(displs_[i]) * dt_->extent);
    }
    void* at(int i) const noexcept { return static_cast<unsigned char*>(copy_) + offsets_[i]; }

    void* buf_;
    const int* counts_;
    const int* displs_;
    const Datatype* dt_ = nullptr;
    void* data_;
    const std::size_t* offsets_;
    void* copy_ = nullptr;
    std::vector<std::size_t, rt::RankAllocator<std::size_t>> packed_offsets_;
};

}  // namespace mosix::lib
