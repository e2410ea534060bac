// program_data.hpp — the main program's writable data (its .data and .bss), and one rank per PE.
//
// The program's mutable globals and statics are one copy per process (PE), shared by every rank
// of that PE; migration and checkpoints carry only a rank's slot. With `mosexec --rank-per-pe`
// (MOSIX_RANK_PER_PE=1) each PE holds at most one rank, so the program's data is that rank's own:
// it travels with the rank when it moves and is written into its checkpoint image.
//
// What counts as the program's data: every writable PT_LOAD segment of the executable, less
//  * its RELRO part (read-only after start-up: the GOT, .dynamic, .init_array),
//  * the lazy-binding PLT slots (.got.plt: library addresses, the same in every PE),
//  * copy-relocated library variables (stdout, environ, optind, std::cout, ...: they belong to the
//    library that defines them, whose state does not travel).
// The runtime lives in libmosixcomm and the only part of it linked into the executable
// (libmosix_main.a's __wrap_main) has no data, so nothing written here is the runtime's. Libraries'
// own globals (libc's stdio buffers, ...) and the program's thread_local variables do not travel.
// Every PE runs the same binary at the same addresses, so the bytes go back to the same places.
//
// Thread/PE safety: every function here runs on the PE's thread.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace mosix::rt {

// True if this job runs at most one rank per PE (JobConfig::rank_per_pe).
bool rank_per_pe() noexcept;

// Ranks that run on this PE now (not finished, not away).
int ranks_here() noexcept;

// Bytes of the program's data that travel (the sum of its ranges; fixed for the process).
std::size_t program_data_bytes();

// A copy of the program's data, range after range.
std::vector<unsigned char> program_data_snapshot();

// True if [addr, addr + bytes) lies wholly in the program's data that travels.
bool in_program_data(const void* addr, std::size_t bytes);

// Writes a snapshot back into place. Returns an empty string, or why it cannot (a snapshot of
// another size: another build of the program).
std::string program_data_restore(const unsigned char* data, std::size_t len);

}  // namespace mosix::rt
