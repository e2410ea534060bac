// unsupported_report.cc — the error an unsupported MPI-3.1 call reports (lib/unsupported.hpp).
#include <mpi.h>

#include "lib/errors.hpp"
#include "lib/unsupported.hpp"

namespace mosix::lib {

int unsupported(MPI_Comm comm, int index) {
    const int code = kUnsupportedCodeBase + index;
    const char* call = unsupported_call(code);
    return raise_error(comm, code, call, "%s is not supported by mosix", call);
}

}  // namespace mosix::lib
