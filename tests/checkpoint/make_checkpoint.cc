// make_checkpoint.cc — `make_checkpoint ROOT [SEQ]`: commits checkpoint SEQ (default 1) of a 4-rank
// job in the checkpoint root ROOT, with four small parts rank-0..rank-3, through the runtime's own
// CheckpointWriter; for tests that need a valid checkpoint without running a job
// (tests/checkpoint_cli.cmake). Exit status 0, or 1 with the writer's message.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "runtime/checkpoint_format.hpp"

int main(int argc, char** argv) {
    if (argc < 2 || argc > 3) {
        std::fprintf(stderr, "usage: make_checkpoint ROOT [SEQ]\n");
        return 2;
    }
    std::uint64_t seq = argc == 3 ? std::strtoull(argv[2], nullptr, 10) : 1;
    constexpr int kRanks = 4;
    mosix::rt::ckpt::CheckpointWriter writer(argv[1], seq, "make_checkpoint test build", kRanks);
    std::string error = writer.error();
    for (int rank = 0; error.empty() && rank < kRanks; ++rank) {
        std::string image = "image of rank " + std::to_string(rank) + "\n";
        error = writer.add_part("rank-" + std::to_string(rank), image.data(), image.size());
    }
    if (error.empty()) error = writer.commit();
    if (!error.empty()) {
        std::fprintf(stderr, "make_checkpoint: %s\n", error.c_str());
        return 1;
    }
    std::printf("%s\n", writer.path().c_str());
    return 0;
}
