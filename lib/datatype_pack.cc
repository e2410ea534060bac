// datatype_pack.cc — packing and unpacking along a type's flattened map.
#include "datatype_pack.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

#include "datatype_derived.hpp"
#include "runtime/rank_memory.hpp"

namespace mosix::lib {

void pack(const void* buf, int count, const Datatype& dt, void* out) noexcept {
    auto* o = static_cast<unsigned char*>(out);
    if (datatype_dense(dt, count)) {
        if (count && dt.size)
            std::memcpy(o, byte_offset(buf, dt.true_lb), static_cast<std::size_t>(count) * dt.size);
        return;
    }
    TypeBlock one;
    const TypeBlock* blocks = nullptr;
    const std::size_t nb = datatype_blocks(dt, &one, &blocks);
    for (int i = 0; i < count; ++i) {
        const void* element = byte_offset(buf, static_cast<MPI_Aint>(i) * dt.extent);
        for (std::size_t b = 0; b < nb; ++b) {
            std::memcpy(o, byte_offset(element, blocks[b].offset), blocks[b].length);
            o += blocks[b].length;
        }
    }
}

void unpack(const void* in, std::size_t bytes, void* buf, int count, const Datatype& dt) noexcept {
    auto* p = static_cast<const unsigned char*>(in);
    bytes = std::min(bytes, static_cast<std::size_t>(count) * dt.size);
    if (datatype_dense(dt, count)) {
        if (bytes) std::memcpy(byte_offset(buf, dt.true_lb), p, bytes);
        return;
    }
    TypeBlock one;
    const TypeBlock* blocks = nullptr;
    const std::size_t nb = datatype_blocks(dt, &one, &blocks);
    for (int i = 0; i < count && bytes; ++i) {
        void* element = byte_offset(buf, static_cast<MPI_Aint>(i) * dt.extent);
        for (std::size_t b = 0; b < nb && bytes; ++b) {
            std::size_t n = std::min(bytes, blocks[b].length);
            std::memcpy(byte_offset(element, blocks[b].offset), p, n);
            p += n;
            bytes -= n;
        }
    }
}

ByteSpan layout_span(int count, const Datatype& dt) noexcept {
    if (count <= 0 || dt.size == 0) return {0, 0};
    const MPI_Aint last = static_cast<MPI_Aint>(count - 1) * dt.extent;
    return {dt.true_lb + std::min<MPI_Aint>(0, last),
            dt.true_lb + dt.true_extent + std::max<MPI_Aint>(0, last)};
}

PackedBuffer::PackedBuffer(const void* buf, int count, const Datatype& dt)
    : buf_(const_cast<void*>(buf)),
      count_(count),
      dt_(&dt),
      bytes_(static_cast<std::size_t>(count) * dt.size) {
    datatype_retain(dt);
    if (datatype_dense(dt, count)) {
        data_ = byte_offset(buf, dt.true_lb);
    } else {
        copy_ = rt::rank_alloc(bytes_ ? bytes_ : 1);
        data_ = copy_;
    }
}

void PackedBuffer::release() noexcept {
    if (copy_) rt::rank_free(copy_);
    if (dt_) datatype_release(*dt_);
    copy_ = nullptr;
    dt_ = nullptr;
}

PackedBuffer::~PackedBuffer() { release(); }

PackedBuffer::PackedBuffer(PackedBuffer&& o) noexcept
    : buf_(o.buf_),
      count_(o.count_),
      dt_(std::exchange(o.dt_, nullptr)),
      data_(o.data_),
      copy_(std::exchange(o.copy_, nullptr)),
      bytes_(o.bytes_) {}

PackedBuffer& PackedBuffer::operator=(PackedBuffer&& o) noexcept {
    if (this != &o) {
        release();
        buf_ = o.buf_;
        count_ = o.count_;
        dt_ = std::exchange(o.dt_, nullptr);
        data_ = o.data_;
        copy_ = std::exchange(o.copy_, nullptr);
        bytes_ = o.bytes_;
    }
    return *this;
}

void PackedBuffer::pack() const noexcept { pack(0, count_); }

void PackedBuffer::pack(int first, int n) const noexcept {
    if (!copy_ || n <= 0) return;
    lib::pack(byte_offset(buf_, static_cast<MPI_Aint>(first) * dt_->extent), n, *dt_,
              static_cast<unsigned char*>(copy_) + static_cast<std::size_t>(first) * dt_->size);
}

void PackedBuffer::unpack(std::size_t bytes) const noexcept {
    if (copy_) lib::unpack(copy_, bytes, buf_, count_, *dt_);
}

void PackedBuffer::unpack(int first, int n) const noexcept {
    if (!copy_ || n <= 0) return;
    lib::unpack(static_cast<unsigned char*>(copy_) + static_cast<std::size_t>(first) * dt_->size,
                static_cast<std::size_t>(n) * dt_->size,
                byte_offset(buf_, static_cast<MPI_Aint>(first) * dt_->extent), n, *dt_);
}

}  // namespace mosix::lib
