// fixed_layout.hpp — every PE of a job must run the same binary at the same addresses, so a rank's
// stack and heap mean the same thing in every PE (DESIGN.md, "Process model").
#pragma once

#include <string>
#include <vector>

namespace mosix::rt {

// If address-space randomization is on for this process, turns it off and re-executes the program
// with the same arguments and environment (the pid, and so the launcher's view, stay the same).
// Also puts the UCX settings mosix needs into the environment before UCX is (re)loaded. Returns
// only when the layout is fixed; ends the process with a message if it cannot be.
void ensure_fixed_layout(char** argv);

// What must be identical in every PE of a job: the program's build id (or, lacking one, its size
// and modification time) and the slot region's address and size. Printable for messages.
std::string layout_identity(std::size_t slot_region_bytes);

}  // namespace mosix::rt
