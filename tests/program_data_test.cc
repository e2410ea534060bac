// program_data_test.cc — what runtime/program_data.hpp takes for the program's own globals (what
// travels with a rank under --rank-per-pe): this test binary's globals are in, libraries' and the
// runtime's are not, and a snapshot written back restores them.
#include "runtime/program_data.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>

#include "runtime/this_rank.hpp"

extern char** environ;

namespace {
int initialized_global = 7;  // .data
double zeroed_table[512];    // .bss
}  // namespace

TEST(ProgramData, HoldsTheProgramsOwnGlobals) {
    EXPECT_TRUE(mosix::rt::in_program_data(&initialized_global, sizeof initialized_global));
    EXPECT_TRUE(mosix::rt::in_program_data(zeroed_table, sizeof zeroed_table));
    EXPECT_GE(mosix::rt::program_data_bytes(), sizeof zeroed_table + sizeof initialized_global);
}

TEST(ProgramData, LeavesOutLibraryAndRuntimeVariables) {
    // stdout and environ are libc's: copied into the executable by copy relocations, or not.
    EXPECT_FALSE(mosix::rt::in_program_data(&stdout, sizeof stdout));
    EXPECT_FALSE(mosix::rt::in_program_data(&environ, sizeof environ));
    EXPECT_FALSE(mosix::rt::in_program_data(&mosix::rt::detail::world_size, sizeof(int)));
}

TEST(ProgramData, ASnapshotWrittenBackRestoresTheGlobals) {
    std::vector<unsigned char> saved = mosix::rt::program_data_snapshot();
    ASSERT_EQ(mosix::rt::program_data_bytes(), saved.size());
    volatile int* counter = &initialized_global;
    *counter = 12345;
    zeroed_table[100] = 2.5;
    EXPECT_EQ("", mosix::rt::program_data_restore(saved.data(), saved.size()));
    EXPECT_EQ(7, *counter);
    EXPECT_EQ(0.0, zeroed_table[100]);
    EXPECT_NE("", mosix::rt::program_data_restore(saved.data(), saved.size() - 1));
}
