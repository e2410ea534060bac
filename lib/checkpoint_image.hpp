// checkpoint_image.hpp — one rank's part of a checkpoint as a byte stream, plain or compressed,
// and the progress lines a large checkpoint prints while it is written or read.
//
// A part is either the image itself (it starts with the image header's magic) or a zstd stream of
// it (it starts with zstd's frame magic), so a reader needs no setting to tell them apart and a
// checkpoint may mix both. The checkpoint format (runtime/checkpoint_format.hpp) checksums the
// bytes as stored.
//
// Thread safety: none; the PE's thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/checkpoint_format.hpp"

struct ZSTD_CCtx_s;
struct ZSTD_DCtx_s;

namespace mosix::lib {

// MOSIX_CHECKPOINT_COMPRESS: unset, "" or "off": plain; "zstd" or "zstd:N" (level 1..19).
struct Compression {
    bool zstd = false;
    int level = 1;
};
Compression compression_from_environment();

// This PE's share of a checkpoint being written or read: after the first second, a line on stderr
// at most every two seconds ("mosix: PE 1: checkpoint 3: 1536 MiB written, 712 MiB/s").
class Progress {
public:
    Progress(std::string what, std::string verb, std::uint64_t total_bytes);  // total 0: unknown
    void add(std::uint64_t bytes);
    std::uint64_t bytes() const { return bytes_; }
    double seconds() const;

private:
    std::string what_, verb_;
    std::uint64_t total_ = 0, bytes_ = 0;
    std::chrono::steady_clock::time_point started_, last_;
};

// Writes the part open on `writer` (open_part), compressing if asked. finish() before close_part.
class ImageSink {
public:
    ImageSink(rt::ckpt::CheckpointWriter& writer, Compression c, Progress* progress);
    ~ImageSink();
    ImageSink(const ImageSink&) = delete;
    ImageSink& operator=(const ImageSink&) = delete;

    [[nodiscard]] std::string write(const void* data, std::size_t n);
    [[nodiscard]] std::string finish();

private:
    std::string flush(int mode);

    rt::ckpt::CheckpointWriter& writer_;
    Progress* progress_;
    ZSTD_CCtx_s* cctx_ = nullptr;
    std::vector<unsigned char> out_;
};

// Reads the part open on `reader` (open_part), plain or compressed.
class ImageSource {
public:
    ImageSource(rt::ckpt::CheckpointReader& reader, std::string part, Progress* progress);
    ~ImageSource();
    ImageSource(const ImageSource&) = delete;
    ImageSource& operator=(const ImageSource&) = delete;

    // Exactly n bytes of the image, or a sentence saying why not.
    [[nodiscard]] std::string read(void* dst, std::size_t n);
    // The image must end here: no byte left, the compressed stream complete, the checksum right.
    [[nodiscard]] std::string finish();

private:
    std::string start();
    std::string fill();  // more stored bytes into in_
    std::string ends_early() const;

    rt::ckpt::CheckpointReader& reader_;
    std::string part_;
    Progress* progress_;
    bool started_ = false;
    ZSTD_DCtx_s* dctx_ = nullptr;
    std::size_t frame_hint_ = 0;  // zstd: 0 once the frame is complete
    std::vector<unsigned char> in_;
    std::size_t in_pos_ = 0, in_end_ = 0;
    bool at_end_ = false;  // the stored part is exhausted
};

}  // namespace mosix::lib
