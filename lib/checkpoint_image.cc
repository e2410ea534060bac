// checkpoint_image.cc — see checkpoint_image.hpp.
#include "checkpoint_image.hpp"

#include <zstd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "runtime/runtime.hpp"
#include "runtime/scheduler.hpp"

namespace mosix::lib {

namespace {

constexpr std::size_t kPlainChunk = 64u << 20;  // progress granularity of a plain write or read
constexpr std::size_t kStoredChunk = 1u << 20;  // compressed bytes read at a time

double mib(std::uint64_t bytes) { return static_cast<double>(bytes) / (1 << 20); }

}  // namespace

Compression compression_from_environment() {
    Compression c;
    const char* v = std::getenv("MOSIX_CHECKPOINT_COMPRESS");
    if (!v || !*v || std::strcmp(v, "off") == 0) return c;
    if (std::strncmp(v, "zstd", 4) != 0 || (v[4] != '\0' && v[4] != ':'))
        rt::fail_job(1, "MOSIX_CHECKPOINT_COMPRESS must be off, zstd or zstd:LEVEL, got '%s'", v);
    c.zstd = true;
    if (v[4] == ':') {
        char* end = nullptr;
        long level = std::strtol(v + 5, &end, 10);
        if (end == v + 5 || *end || level < 1 || level > 19)
            rt::fail_job(1, "MOSIX_CHECKPOINT_COMPRESS: the zstd level must be 1..19, got '%s'", v + 5);
        c.level = static_cast<int>(level);
    }
    return c;
}

Progress::Progress(std::string what, std::string verb, std::uint64_t total_bytes)
    : what_(std::move(what)),
      verb_(std::move(verb)),
      total_(total_bytes),
      started_(std::chrono::steady_clock::now()),
      last_(started_) {}

double Progress::seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

void Progress::add(std::uint64_t bytes) {
    bytes_ += bytes;
    auto now = std::chrono::steady_clock::now();
    if (now - started_ < std::chrono::seconds(1) || now - last_ < std::chrono::seconds(2)) return;
    last_ = now;
    double s = seconds();
    if (total_)
        std::fprintf(stderr, "mosix: PE %d: %s: %.0f of %.0f MiB %s (%.0f%%), %.0f MiB/s\n", rt::this_pe(),
                     what_.c_str(), mib(bytes_), mib(total_), verb_.c_str(),
                     100.0 * static_cast<double>(bytes_) / static_cast<double>(total_), mib(bytes_) / s);
    else
        std::fprintf(stderr, "mosix: PE %d: %s: %.0f MiB %s, %.0f MiB/s\n", rt::this_pe(), what_.c_str(),
                     mib(bytes_), verb_.c_str(), mib(bytes_) / s);
}

// ---- writing ---------------------------------------------------------------------------------------

ImageSink::ImageSink(rt::ckpt::CheckpointWriter& writer, Compression c, Progress* progress)
    : writer_(writer), progress_(progress) {
    if (!c.zstd) return;
    cctx_ = ZSTD_createCCtx();
    if (!cctx_) rt::fail_job(1, "checkpoint: out of memory for the zstd compressor");
    ZSTD_CCtx_setParameter(cctx_, ZSTD_c_compressionLevel, c.level);
    out_.resize(ZSTD_CStreamOutSize());
}

ImageSink::~ImageSink() { ZSTD_freeCCtx(cctx_); }

std::string ImageSink::write(const void* data, std::size_t n) {
    auto* p = static_cast<const unsigned char*>(data);
    while (n > 0) {
        std::size_t piece = std::min(n, kPlainChunk);
        if (!cctx_) {
            if (std::string why = writer_.append(p, piece); !why.empty()) return why;
        } else {
            ZSTD_inBuffer in{p, piece, 0};
            while (in.pos < in.size) {
                ZSTD_outBuffer out{out_.data(), out_.size(), 0};
                std::size_t r = ZSTD_compressStream2(cctx_, &out, &in, ZSTD_e_continue);
                if (ZSTD_isError(r)) return std::string("zstd: ") + ZSTD_getErrorName(r);
                if (out.pos)
                    if (std::string why = writer_.append(out_.data(), out.pos); !why.empty()) return why;
            }
        }
        if (progress_) progress_->add(piece);
        p += piece;
        n -= piece;
    }
    return {};
}

std::string ImageSink::finish() {
    if (!cctx_) return {};
    for (;;) {
        ZSTD_inBuffer in{nullptr, 0, 0};
        ZSTD_outBuffer out{out_.data(), out_.size(), 0};
        std::size_t left = ZSTD_compressStream2(cctx_, &out, &in, ZSTD_e_end);
        if (ZSTD_isError(left)) return std::string("zstd: ") + ZSTD_getErrorName(left);
        if (out.pos)
            if (std::string why = writer_.append(out_.data(), out.pos); !why.empty()) return why;
        if (left == 0) return {};
    }
}

// ---- reading ---------------------------------------------------------------------------------------

ImageSource::ImageSource(rt::ckpt::CheckpointReader& reader, std::string part, Progress* progress)
    : reader_(reader), part_(std::move(part)), progress_(progress) {}

ImageSource::~ImageSource() { ZSTD_freeDCtx(dctx_); }

std::string ImageSource::ends_early() const {
    return "checkpoint " + reader_.path() + ": part " + part_ + " ends early";
}

std::string ImageSource::fill() {
    if (in_.size() < kStoredChunk) in_.resize(kStoredChunk);
    std::size_t got = 0;
    if (std::string why = reader_.read_chunk(in_.data(), in_.size(), &got); !why.empty()) return why;
    in_pos_ = 0;
    in_end_ = got;
    if (got == 0) at_end_ = true;
    return {};
}

// Looks at the first four stored bytes: zstd's frame magic, or the start of a plain image.
std::string ImageSource::start() {
    started_ = true;
    in_.resize(kStoredChunk);
    while (in_end_ < 4) {
        std::size_t got = 0;
        if (std::string why = reader_.read_chunk(in_.data() + in_end_, 4 - in_end_, &got); !why.empty())
            return why;
        if (got == 0) return ends_early();
        in_end_ += got;
    }
    std::uint32_t magic;
    std::memcpy(&magic, in_.data(), sizeof magic);
    if (magic == ZSTD_MAGICNUMBER) {
        dctx_ = ZSTD_createDCtx();
        if (!dctx_) return "out of memory for the zstd decompressor";
        frame_hint_ = 1;
    }
    return {};
}

std::string ImageSource::read(void* dst, std::size_t n) {
    if (!started_)
        if (std::string why = start(); !why.empty()) return why;
    auto* at = static_cast<unsigned char*>(dst);
    std::size_t wanted = n;
    if (!dctx_) {
        // Bytes already buffered first, then straight into place.
        std::size_t buffered = std::min(n, in_end_ - in_pos_);
        std::memcpy(at, in_.data() + in_pos_, buffered);
        in_pos_ += buffered;
        at += buffered;
        n -= buffered;
        while (n > 0) {
            std::size_t got = 0;
            if (std::string why = reader_.read_chunk(at, std::min(n, kPlainChunk), &got); !why.empty())
                return why;
            if (got == 0) return ends_early();
            at += got;
            n -= got;
            if (progress_) progress_->add(got);
        }
        return {};
    }
    ZSTD_outBuffer out{at, n, 0};
    while (out.pos < out.size) {
        if (in_pos_ == in_end_) {
            if (at_end_) return ends_early();
            if (std::string why = fill(); !why.empty()) return why;
            if (at_end_) return ends_early();
        }
        ZSTD_inBuffer in{in_.data(), in_end_, in_pos_};
        std::size_t r = ZSTD_decompressStream(dctx_, &out, &in);
        in_pos_ = in.pos;
        if (ZSTD_isError(r))
            return "checkpoint " + reader_.path() + ": part " + part_ + ": zstd: " + ZSTD_getErrorName(r);
        frame_hint_ = r;
        if (r == 0 && out.pos < out.size) return ends_early();  // the frame ended, the image did not
    }
    if (progress_) progress_->add(wanted);
    return {};
}

std::string ImageSource::finish() {
    if (!started_)
        if (std::string why = start(); !why.empty()) return why;
    std::string longer =
        "checkpoint " + reader_.path() + ": part " + part_ + " is longer than the image it holds";
    // The rest of the zstd frame (its epilogue) may still be unread: it must produce no byte.
    while (dctx_ && frame_hint_ != 0) {
        if (in_pos_ == in_end_) {
            if (std::string why = fill(); !why.empty()) return why;
            if (at_end_) return ends_early();
        }
        unsigned char byte;
        ZSTD_outBuffer out{&byte, 1, 0};
        ZSTD_inBuffer in{in_.data(), in_end_, in_pos_};
        std::size_t r = ZSTD_decompressStream(dctx_, &out, &in);
        in_pos_ = in.pos;
        if (ZSTD_isError(r))
            return "checkpoint " + reader_.path() + ": part " + part_ + ": zstd: " + ZSTD_getErrorName(r);
        if (out.pos) return longer;
        frame_hint_ = r;
    }
    if (in_pos_ != in_end_) return longer;
    unsigned char extra;
    std::size_t got = 0;
    if (std::string why = reader_.read_chunk(&extra, 1, &got); !why.empty()) return why;
    return got == 0 ? std::string() : longer;
}

}  // namespace mosix::lib
