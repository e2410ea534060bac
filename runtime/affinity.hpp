// affinity.hpp — pins the PE to one core. The PE binds itself (rather than the launcher binding
// it) because remote launcher daemons bind their first process to core 0 whatever it is told.
#pragma once

namespace mosix::rt {

// Binds the calling process to the `index`-th CPU it is allowed to run on (modulo their number),
// unless MOSIX_BIND=none. Failure is not fatal: the PE runs unbound.
void bind_to_core(int index) noexcept;

}  // namespace mosix::rt
