#!/usr/bin/env python3
"""gen-mpi-unsupported.py — every MPI-3.1 name exists: what mosix does not implement is declared
and defined as a call that fails with MPI_ERR_UNSUPPORTED_OPERATION and a message naming it.

Rerun it whenever a real implementation lands (or a declaration moves between headers):

    python3 scripts/gen-mpi-unsupported.py            # from the root of the tree
    git diff include/mosix/mpi_unsupported.h lib/mpi/unsupported.cc tests/mpi_names.c

It reads the MPI-3.1 C binding from Open MPI 4.1's mpi.h (--ompi-header; Debian's libopenmpi-dev,
which scripts/setup-debian.sh installs), keeps the standard's names (no OMPI_/MPIX_ extensions, none
of the MPI-1 calls MPI-3.0 removed, which Open MPI marks __mpi_interface_removed__) and adds the
MPI-3.1 calls Open MPI defines as macros. Any name already declared in another
include/mosix/mpi*.h is skipped, so a rerun only ever drops names; so are the types and constants
of the preamble below that another header already defines. It writes:

  include/mosix/mpi_unsupported.h  the types and constants those calls need, and their MPI_ and
                                   PMPI_ prototypes exactly as the standard has them (a later real
                                   declaration of the same name does not conflict);
  lib/mpi/unsupported.cc           a weak definition of each (a real one, linked into the same
                                   library, wins without a clash) that reports
                                   MPI_ERR_UNSUPPORTED_OPERATION through the error handler with a
                                   code of its own, whose MPI_Error_string names the call (MPI_T_
                                   calls, which never call error handlers, return the MPI_T class);
  tests/mpi_names.c                a program that takes the address of every MPI-3.1 function
                                   (implemented or not): linking it proves no standard name is
                                   missing.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# MPI-3.1 functions Open MPI 4.1 defines as macros, not functions.
MACRO_FUNCTIONS = [
    ("MPI_Aint", "MPI_Aint_add", "MPI_Aint base, MPI_Aint disp"),
    ("MPI_Aint", "MPI_Aint_diff", "MPI_Aint addr1, MPI_Aint addr2"),
]

# The types and constants the unsupported calls need, each under the name it defines (emitted
# only if no other mpi*.h defines that name). Values follow mpi.h's handle scheme where they are
# handles; attribute keys continue mpi.h's 0x644000xx series.
PREAMBLE = [
    # callbacks (mpi_attributes.h has the communicator ones once attributes are implemented)
    ("MPI_Comm_copy_attr_function",
     "typedef int MPI_Comm_copy_attr_function(MPI_Comm oldcomm, int comm_keyval, void* extra_state,\n"
     "                                        void* attribute_val_in, void* attribute_val_out, int* flag);"),
    ("MPI_Comm_delete_attr_function",
     "typedef int MPI_Comm_delete_attr_function(MPI_Comm comm, int comm_keyval, void* attribute_val,\n"
     "                                          void* extra_state);"),
    ("MPI_Copy_function", "typedef MPI_Comm_copy_attr_function MPI_Copy_function;"),
    ("MPI_Delete_function", "typedef MPI_Comm_delete_attr_function MPI_Delete_function;"),
    ("MPI_Win_copy_attr_function",
     "typedef int MPI_Win_copy_attr_function(MPI_Win oldwin, int win_keyval, void* extra_state,\n"
     "                                       void* attribute_val_in, void* attribute_val_out, int* flag);"),
    ("MPI_Win_delete_attr_function",
     "typedef int MPI_Win_delete_attr_function(MPI_Win win, int win_keyval, void* attribute_val, void* extra_state);"),
    ("MPI_Type_copy_attr_function",
     "typedef int MPI_Type_copy_attr_function(MPI_Datatype oldtype, int type_keyval, void* extra_state,\n"
     "                                        void* attribute_val_in, void* attribute_val_out, int* flag);"),
    ("MPI_Type_delete_attr_function",
     "typedef int MPI_Type_delete_attr_function(MPI_Datatype datatype, int type_keyval, void* attribute_val,\n"
     "                                          void* extra_state);"),
    ("MPI_Win_errhandler_function", "typedef void MPI_Win_errhandler_function(MPI_Win* win, int* error_code, ...);"),
    ("MPI_File_errhandler_function",
     "typedef void MPI_File_errhandler_function(MPI_File* file, int* error_code, ...);"),
    ("MPI_Grequest_query_function", "typedef int MPI_Grequest_query_function(void* extra_state, MPI_Status* status);"),
    ("MPI_Grequest_free_function", "typedef int MPI_Grequest_free_function(void* extra_state);"),
    ("MPI_Grequest_cancel_function", "typedef int MPI_Grequest_cancel_function(void* extra_state, int complete);"),
    ("MPI_Datarep_extent_function",
     "typedef int MPI_Datarep_extent_function(MPI_Datatype datatype, MPI_Aint* extent, void* extra_state);"),
    ("MPI_Datarep_conversion_function",
     "typedef int MPI_Datarep_conversion_function(void* userbuf, MPI_Datatype datatype, int count, void* filebuf,\n"
     "                                            MPI_Offset position, void* extra_state);"),
    ("MPI_WIN_NULL_COPY_FN", "#define MPI_WIN_NULL_COPY_FN ((MPI_Win_copy_attr_function*)0)"),
    ("MPI_WIN_DUP_FN", "#define MPI_WIN_DUP_FN ((MPI_Win_copy_attr_function*)1)"),
    ("MPI_WIN_NULL_DELETE_FN", "#define MPI_WIN_NULL_DELETE_FN ((MPI_Win_delete_attr_function*)0)"),
    ("MPI_TYPE_NULL_COPY_FN", "#define MPI_TYPE_NULL_COPY_FN ((MPI_Type_copy_attr_function*)0)"),
    ("MPI_TYPE_DUP_FN", "#define MPI_TYPE_DUP_FN ((MPI_Type_copy_attr_function*)1)"),
    ("MPI_TYPE_NULL_DELETE_FN", "#define MPI_TYPE_NULL_DELETE_FN ((MPI_Type_delete_attr_function*)0)"),
    ("MPI_CONVERSION_FN_NULL", "#define MPI_CONVERSION_FN_NULL ((MPI_Datarep_conversion_function*)0)"),
    # one-sided communication
    ("MPI_MODE_NOCHECK", "#define MPI_MODE_NOCHECK 1024"),
    ("MPI_MODE_NOSTORE", "#define MPI_MODE_NOSTORE 2048"),
    ("MPI_MODE_NOPUT", "#define MPI_MODE_NOPUT 4096"),
    ("MPI_MODE_NOPRECEDE", "#define MPI_MODE_NOPRECEDE 8192"),
    ("MPI_MODE_NOSUCCEED", "#define MPI_MODE_NOSUCCEED 16384"),
    ("MPI_LOCK_EXCLUSIVE", "#define MPI_LOCK_EXCLUSIVE 1"),
    ("MPI_LOCK_SHARED", "#define MPI_LOCK_SHARED 2"),
    ("MPI_WIN_FLAVOR_CREATE", "#define MPI_WIN_FLAVOR_CREATE 1"),
    ("MPI_WIN_FLAVOR_ALLOCATE", "#define MPI_WIN_FLAVOR_ALLOCATE 2"),
    ("MPI_WIN_FLAVOR_DYNAMIC", "#define MPI_WIN_FLAVOR_DYNAMIC 3"),
    ("MPI_WIN_FLAVOR_SHARED", "#define MPI_WIN_FLAVOR_SHARED 4"),
    ("MPI_WIN_SEPARATE", "#define MPI_WIN_SEPARATE 1"),
    ("MPI_WIN_UNIFIED", "#define MPI_WIN_UNIFIED 2"),
    ("MPI_WIN_BASE", "#define MPI_WIN_BASE 0x64400101"),
    ("MPI_WIN_SIZE", "#define MPI_WIN_SIZE 0x64400103"),
    ("MPI_WIN_DISP_UNIT", "#define MPI_WIN_DISP_UNIT 0x64400105"),
    ("MPI_WIN_CREATE_FLAVOR", "#define MPI_WIN_CREATE_FLAVOR 0x64400107"),
    ("MPI_WIN_MODEL", "#define MPI_WIN_MODEL 0x64400109"),
    # files
    ("MPI_MODE_CREATE", "#define MPI_MODE_CREATE 1"),
    ("MPI_MODE_RDONLY", "#define MPI_MODE_RDONLY 2"),
    ("MPI_MODE_WRONLY", "#define MPI_MODE_WRONLY 4"),
    ("MPI_MODE_RDWR", "#define MPI_MODE_RDWR 8"),
    ("MPI_MODE_DELETE_ON_CLOSE", "#define MPI_MODE_DELETE_ON_CLOSE 16"),
    ("MPI_MODE_UNIQUE_OPEN", "#define MPI_MODE_UNIQUE_OPEN 32"),
    ("MPI_MODE_EXCL", "#define MPI_MODE_EXCL 64"),
    ("MPI_MODE_APPEND", "#define MPI_MODE_APPEND 128"),
    ("MPI_MODE_SEQUENTIAL", "#define MPI_MODE_SEQUENTIAL 256"),
    ("MPI_SEEK_SET", "#define MPI_SEEK_SET 600"),
    ("MPI_SEEK_CUR", "#define MPI_SEEK_CUR 602"),
    ("MPI_SEEK_END", "#define MPI_SEEK_END 604"),
    ("MPI_DISPLACEMENT_CURRENT", "#define MPI_DISPLACEMENT_CURRENT (-54278278)"),
    ("MPI_MAX_DATAREP_STRING", "#define MPI_MAX_DATAREP_STRING 128"),
    # processes and ports
    ("MPI_ARGV_NULL", "#define MPI_ARGV_NULL ((char**)0)"),
    ("MPI_ARGVS_NULL", "#define MPI_ARGVS_NULL ((char***)0)"),
    ("MPI_ERRCODES_IGNORE", "#define MPI_ERRCODES_IGNORE ((int*)0)"),
    ("MPI_MAX_PORT_NAME", "#define MPI_MAX_PORT_NAME 1024"),
    ("MPI_APPNUM", "#define MPI_APPNUM 0x64400111"),
    # matched probe, Fortran status
    ("MPI_MESSAGE_NO_PROC", "#define MPI_MESSAGE_NO_PROC ((MPI_Message)0x68000000)"),
    ("MPI_F_STATUS_IGNORE", "#define MPI_F_STATUS_IGNORE ((MPI_Fint*)0)"),
    ("MPI_F_STATUSES_IGNORE", "#define MPI_F_STATUSES_IGNORE ((MPI_Fint*)0)"),
    # the tool information interface
    ("MPI_T_enum", "typedef struct mosix_t_enum* MPI_T_enum;"),
    ("MPI_T_cvar_handle", "typedef struct mosix_t_cvar* MPI_T_cvar_handle;"),
    ("MPI_T_pvar_handle", "typedef struct mosix_t_pvar* MPI_T_pvar_handle;"),
    ("MPI_T_pvar_session", "typedef struct mosix_t_session* MPI_T_pvar_session;"),
    ("MPI_T_ENUM_NULL", "#define MPI_T_ENUM_NULL ((MPI_T_enum)0)"),
    ("MPI_T_CVAR_HANDLE_NULL", "#define MPI_T_CVAR_HANDLE_NULL ((MPI_T_cvar_handle)0)"),
    ("MPI_T_PVAR_HANDLE_NULL", "#define MPI_T_PVAR_HANDLE_NULL ((MPI_T_pvar_handle)0)"),
    ("MPI_T_PVAR_ALL_HANDLES", "#define MPI_T_PVAR_ALL_HANDLES ((MPI_T_pvar_handle)-1)"),
    ("MPI_T_PVAR_SESSION_NULL", "#define MPI_T_PVAR_SESSION_NULL ((MPI_T_pvar_session)0)"),
] + [(n, "#define %s %d" % (n, i)) for i, n in enumerate(
    "MPI_T_VERBOSITY_USER_BASIC MPI_T_VERBOSITY_USER_DETAIL MPI_T_VERBOSITY_USER_ALL "
    "MPI_T_VERBOSITY_TUNER_BASIC MPI_T_VERBOSITY_TUNER_DETAIL MPI_T_VERBOSITY_TUNER_ALL "
    "MPI_T_VERBOSITY_MPIDEV_BASIC MPI_T_VERBOSITY_MPIDEV_DETAIL MPI_T_VERBOSITY_MPIDEV_ALL".split())] + [
    (n, "#define %s %d" % (n, i)) for i, n in enumerate(
        "MPI_T_BIND_NO_OBJECT MPI_T_BIND_MPI_COMM MPI_T_BIND_MPI_DATATYPE MPI_T_BIND_MPI_ERRHANDLER "
        "MPI_T_BIND_MPI_FILE MPI_T_BIND_MPI_GROUP MPI_T_BIND_MPI_OP MPI_T_BIND_MPI_REQUEST MPI_T_BIND_MPI_WIN "
        "MPI_T_BIND_MPI_MESSAGE MPI_T_BIND_MPI_INFO".split())] + [
    (n, "#define %s %d" % (n, i)) for i, n in enumerate(
        "MPI_T_SCOPE_CONSTANT MPI_T_SCOPE_READONLY MPI_T_SCOPE_LOCAL MPI_T_SCOPE_GROUP MPI_T_SCOPE_GROUP_EQ "
        "MPI_T_SCOPE_ALL MPI_T_SCOPE_ALL_EQ".split())] + [
    (n, "#define %s %d" % (n, i)) for i, n in enumerate(
        "MPI_T_PVAR_CLASS_STATE MPI_T_PVAR_CLASS_LEVEL MPI_T_PVAR_CLASS_SIZE MPI_T_PVAR_CLASS_PERCENTAGE "
        "MPI_T_PVAR_CLASS_HIGHWATERMARK MPI_T_PVAR_CLASS_LOWWATERMARK MPI_T_PVAR_CLASS_COUNTER "
        "MPI_T_PVAR_CLASS_AGGREGATE MPI_T_PVAR_CLASS_TIMER MPI_T_PVAR_CLASS_GENERIC".split())] + [
    # the MPI_T error classes after mpi.h's MPI_T_ERR_INVALID (58)
    (n, "#define %s %d" % (n, 59 + i)) for i, n in enumerate(
        "MPI_T_ERR_MEMORY MPI_T_ERR_NOT_INITIALIZED MPI_T_ERR_CANNOT_INIT MPI_T_ERR_INVALID_INDEX "
        "MPI_T_ERR_INVALID_ITEM MPI_T_ERR_INVALID_HANDLE MPI_T_ERR_OUT_OF_HANDLES MPI_T_ERR_OUT_OF_SESSIONS "
        "MPI_T_ERR_INVALID_SESSION MPI_T_ERR_CVAR_SET_NOT_NOW MPI_T_ERR_CVAR_SET_NEVER MPI_T_ERR_PVAR_NO_STARTSTOP "
        "MPI_T_ERR_PVAR_NO_WRITE MPI_T_ERR_PVAR_NO_ATOMIC MPI_T_ERR_INVALID_NAME".split())]

# What an MPI_T call that cannot work returns (MPI_T calls return classes, never call handlers).
T_RESULT = {"MPI_T_init_thread": "MPI_T_ERR_CANNOT_INIT", "MPI_T_finalize": "MPI_T_ERR_NOT_INITIALIZED"}

# What a failing call that returns a handle (not an error code) gives back.
NULL_RESULT = {"MPI_Request": "MPI_REQUEST_NULL", "MPI_Comm": "MPI_COMM_NULL", "MPI_Group": "MPI_GROUP_NULL",
               "MPI_Datatype": "MPI_DATATYPE_NULL", "MPI_Op": "MPI_OP_NULL", "MPI_Info": "MPI_INFO_NULL",
               "MPI_Errhandler": "MPI_ERRHANDLER_NULL", "MPI_Win": "MPI_WIN_NULL", "MPI_File": "MPI_FILE_NULL",
               "MPI_Message": "MPI_MESSAGE_NULL"}


def standard_functions(header):
    """(return type, name, parameters) of every MPI-3.1 function, in the header's order."""
    text = re.sub(r"/\*.*?\*/", "", open(header).read(), flags=re.S)
    seen, out = set(), []
    for decl, attrs in re.findall(r"OMPI_DECLSPEC\s+([^;{}#]*?\bMPI_\w+\s*\([^;]*?\))\s*([^;]*);", text):
        if "__mpi_interface_removed__" in attrs:  # MPI-1 calls removed in MPI-3.0
            continue
        m = re.match(r"(.*?)\b(MPI_\w+)\s*\((.*)\)$", " ".join(decl.split()), flags=re.S)
        ret, name, params = m.group(1).strip(), m.group(2), m.group(3).strip()
        if name.startswith(("MPIX_", "OMPI_")) or name in seen:
            continue
        seen.add(name)
        out.append((ret, name, params))
    for ret, name, params in MACRO_FUNCTIONS:
        if name not in seen:
            out.append((ret, name, params))
    return out


def declared_elsewhere(include_dir, own):
    """Functions declared and names defined (types, macros) in the other mpi*.h headers."""
    functions, defined = set(), set()
    for f in sorted(os.listdir(include_dir)):
        if not (f.startswith("mpi") and f.endswith(".h")) or f == own:
            continue
        text = re.sub(r"/\*.*?\*/", "", open(os.path.join(include_dir, f)).read(), flags=re.S)
        functions |= set(re.findall(r"^[A-Za-z_][\w \*]*?\b(MPI_\w+)\s*\(", text, flags=re.M))
        defined |= set(re.findall(r"^\s*#\s*define\s+(\w+)", text, flags=re.M))
        for t in re.findall(r"\btypedef\b[^;{}]*?;", text, flags=re.S):
            m = re.search(r"\b(\w+)\s*[(;]", t)
            if m:
                defined.add(m.group(1))
    return functions, defined


def wrap(line, indent):
    """Breaks a prototype after commas to stay within 110 columns (the tree's clang-format width)."""
    if len(line) <= 110:
        return line
    head, parts = "", line.split(", ")
    out = []
    cur = parts[0]
    for p in parts[1:]:
        if len(cur) + 2 + len(p) > 110:
            out.append(cur + ",")
            cur = " " * indent + p
        else:
            cur += ", " + p
    out.append(cur)
    return head + "\n".join(out)


def proto(ret, name, params, prefix=""):
    line = "%s %s%s(%s)" % (ret, prefix, name, params)
    return wrap(line, len(ret) + len(prefix) + len(name) + 2)


def first_comm(params):
    """The name of the first MPI_Comm passed by value, whose error handler reports the error."""
    for p in params.split(","):
        m = re.match(r"\s*MPI_Comm\s+(\w+)\s*$", p)
        if m:
            return m.group(1)
    return None


HEADER_TOP = """/*
 * mpi_unsupported.h — part of mpi.h (include <mpi.h>, not this file): the MPI-3.1 calls mosix does
 * not implement, and the types and constants they need. Each is declared so a program builds and
 * links, and each fails: it reports MPI_ERR_UNSUPPORTED_OPERATION through the error handler (of
 * its communicator if it has one, else of MPI_COMM_WORLD), with an error code of its own whose
 * MPI_Error_string says "MPI_Win_create is not supported by mosix" and whose MPI_Error_class is
 * MPI_ERR_UNSUPPORTED_OPERATION. Under the default handler the job ends with a line naming the
 * rank and the call. The MPI_T_ calls return an MPI_T error class, as the standard has them do.
 *
 * GENERATED by scripts/gen-mpi-unsupported.py (see there how to rerun it): do not edit. A call
 * implemented in another mpi_*.h drops out of this file on the next run.
 */
#ifndef MOSIX_MPI_UNSUPPORTED_H
#define MOSIX_MPI_UNSUPPORTED_H

#ifndef MOSIX_MPI_H
#error "include <mpi.h>, not mpi_unsupported.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif
"""

HEADER_BOTTOM = """
#ifdef __cplusplus
}
#endif

#endif /* MOSIX_MPI_UNSUPPORTED_H */
"""

SOURCE_TOP = """// unsupported.cc — the MPI-3.1 calls mosix does not implement (include/mosix/mpi_unsupported.h):
// each reports MPI_ERR_UNSUPPORTED_OPERATION with an error code naming it (lib/unsupported.hpp).
// Weak, so a real definition of the same name elsewhere in libmosixcomm wins at link time.
//
// GENERATED by scripts/gen-mpi-unsupported.py (see there how to rerun it): do not edit.
#include <mpi.h>

#include "lib/unsupported.hpp"
#include "runtime/library_entry.hpp"

// The parameters are the standard's, named as it names them; none is used.
#pragma GCC diagnostic ignored "-Wunused-parameter"

namespace mosix::lib {

namespace {
const char* const kCalls[] = {
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ompi-header", default="/usr/lib/x86_64-linux-gnu/openmpi/include/mpi.h")
    ap.add_argument("--root", default=ROOT)
    args = ap.parse_args()
    inc = os.path.join(args.root, "include", "mosix")
    functions = standard_functions(args.ompi_header)
    if len(functions) < 380:
        sys.exit("gen-mpi-unsupported: only %d functions found in %s" % (len(functions), args.ompi_header))
    elsewhere, defined = declared_elsewhere(inc, "mpi_unsupported.h")
    todo = [f for f in functions if f[1] not in elsewhere]

    h = [HEADER_TOP]
    h.append("/* ---- types and constants ---------------------------------------------------------------- */\n")
    for name, text in PREAMBLE:
        if name in defined:
            continue
        if text.startswith("#define"):  # one another header gains after this run takes precedence
            text = "#ifndef %s\n%s\n#endif" % (name, text)
        h.append(text + "\n")
    h.append("\n/* ---- the calls (%d of MPI-3.1's %d) ------------------------------------------------------ */\n"
             % (len(todo), len(functions)))
    for ret, name, params in todo:
        h.append(proto(ret, name, params) + ";\n")
    h.append("\n/* ---- the profiling interface ------------------------------------------------------------- */\n")
    for ret, name, params in todo:
        h.append(proto(ret, name, params, "P") + ";\n")
    h.append(HEADER_BOTTOM)

    c = [SOURCE_TOP]
    for _, name, _ in todo:
        c.append('    "%s",\n' % name)
    c.append("};\n}  // namespace\n\n")
    c.append("const char* unsupported_call(int code) noexcept {\n"
             "    int i = code - kUnsupportedCodeBase;\n"
             "    return i >= 0 && i < static_cast<int>(sizeof kCalls / sizeof *kCalls) ? kCalls[i] : nullptr;\n"
             "}\n\n}  // namespace mosix::lib\n\n")
    c.append('extern "C" {\n')
    for i, (ret, name, params) in enumerate(todo):
        c.append("\n__attribute__((weak)) " + proto(ret, name, params) + " {\n")
        if name.startswith("MPI_T_"):
            c.append("    return %s;\n}\n" % T_RESULT.get(name, "MPI_T_ERR_INVALID"))
            continue
        c.append("    MOSIX_LIBRARY_ENTRY();\n")
        call = "mosix::lib::unsupported(%s, %d)" % (first_comm(params) or "MPI_COMM_NULL", i)
        if ret == "int":
            c.append("    return %s;\n}\n" % call)
        else:
            c.append("    %s;\n    return %s;\n}\n" % (call, NULL_RESULT.get(ret, ret + "{}")))
    c.append("\n}  // extern \"C\"\n")

    t = ["/* mpi_names.c — takes the address of every MPI-3.1 function (and its PMPI_ name): linking it\n"
         " * against libmosixcomm shows that no standard name is missing.\n"
         " * GENERATED by scripts/gen-mpi-unsupported.py: do not edit. */\n",
         "#include <mpi.h>\n#include <stdio.h>\n\n",
         "typedef void (*any_function)(void);\n\n",
         "static const any_function functions[] = {\n"]
    for _, name, _ in functions:
        t.append("    (any_function)%s, (any_function)P%s,\n" % (name, name))
    t.append("};\n\n"
             "int main(void) {\n"
             "    size_t n = sizeof functions / sizeof *functions, missing = 0;\n"
             "    for (size_t i = 0; i < n; ++i) missing += functions[i] == 0;\n"
             "    printf(\"%zu MPI-3.1 names, %zu missing\\n\", n, missing);\n"
             "    return missing != 0;\n"
             "}\n")

    outputs = [os.path.join(args.root, rel)
               for rel in ("include/mosix/mpi_unsupported.h", "lib/mpi/unsupported.cc", "tests/mpi_names.c")]
    for path, parts in zip(outputs, (h, c, t)):
        with open(path, "w") as f:
            f.write("".join(parts))
    # The tree's style (.clang-format), so a rerun's diff shows only what changed.
    if shutil.which("clang-format"):
        style = os.path.join(ROOT, ".clang-format")
        subprocess.run(["clang-format", "-i", "--style=file:" + style] + outputs, check=True)
    print("gen-mpi-unsupported: %d of %d MPI-3.1 functions are unsupported" % (len(todo), len(functions)))


if __name__ == "__main__":
    main()
