// crash.hpp — turns a rank's crash (bad access, stack overflow, abort, bus error, FPE) into one clear
// line naming the rank, then ends the job with status 128 + signal.
#pragma once

namespace mosix::rt {

class SlotRegion;

// Installs the handlers on an alternate signal stack (a rank that overflowed its stack has none
// left to run a handler on). `slots` lets the handler tell a stack overflow from other faults.
void install_crash_handlers(const SlotRegion* slots);

}  // namespace mosix::rt
