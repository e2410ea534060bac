#!/bin/sh
# run.sh KIND LAUNCHER_DIR MOSEXEC WORK — builds the ring programs (ring.c, ringxx.cc) the way an
# existing MPI project would, with the build tree's wrappers in LAUNCHER_DIR, runs them under
# mosexec and checks what rank 0 printed. KIND is one of:
#   autotools       autoreconf, then CC=mosixcc CXX=mosixcxx ./configure && make (autotools/)
#   makefile        make CC=mosixcc CXX=mosixcxx with a plain Makefile (makefile/)
#   cmake_compiler  cmake -DCMAKE_C_COMPILER=mosixcc -DCMAKE_CXX_COMPILER=mosixcxx (cmake_compiler/)
#   findmpi         cmake -DMPI_C_COMPILER=mosixcc ... with find_package(MPI), whose own ctest
#                   runs the programs through MPIEXEC_EXECUTABLE=mosexec (findmpi/)
# WORK is emptied first.
set -eu
kind=$1
launcher=$(cd "$2" && pwd)
mosexec=$(cd "$(dirname "$3")" && pwd)/$(basename "$3")
work=$4
here=$(cd "$(dirname "$0")" && pwd)
mosixcc=$launcher/mosixcc
mosixcxx=$launcher/mosixcxx

rm -rf "$work"
mkdir -p "$work"
cp "$here/ring.c" "$here/ringxx.cc" "$here/$kind/"* "$work/"
cd "$work"

# run_ring N PROGRAM EXPECTED [mosexec options]: the job's output must hold EXPECTED.
run_ring() {
    n=$1 prog=$2 expected=$3
    shift 3
    echo "+ mosexec $* $n ./$prog"
    status=0
    out=$("$mosexec" "$@" "$n" "./$prog" 2>&1) || status=$?
    printf '%s\n' "$out"
    [ "$status" -eq 0 ] || { echo "FAIL: exit status $status"; exit 1; }
    printf '%s\n' "$out" | grep -qx "$expected" || { echo "FAIL: expected '$expected'"; exit 1; }
}

case $kind in
    autotools)
        autoreconf --install >autoreconf.log 2>&1 || { cat autoreconf.log; exit 1; }
        ./configure CC="$mosixcc" CXX="$mosixcxx"
        make
        run_ring 4 ring "ring on 4 ranks: sum 6" -n
        run_ring 3 ringxx "ring++ on 3 ranks: sum 3" -n
        ;;
    makefile)
        make CC="$mosixcc" CXX="$mosixcxx"
        # mpirun's spelling of the rank count works too.
        run_ring 4 ring "ring on 4 ranks: sum 6" -np
        run_ring 5 ringxx "ring++ on 5 ranks: sum 10" -np
        ;;
    cmake_compiler)
        cmake -S . -B build -DCMAKE_C_COMPILER="$mosixcc" -DCMAKE_CXX_COMPILER="$mosixcxx"
        cmake --build build
        cd build
        run_ring 4 ring "ring on 4 ranks: sum 6" -n
        run_ring 1 ringxx "ring++ on 1 ranks: sum 0" -n
        ;;
    findmpi)
        # A sanitized build tree's wrappers compile with -fsanitize=...; FindMPI takes that as a
        # compile option only, so the link needs it too (as with any sanitized MPI library).
        san=$("$mosixcc" -showme:compile | tr ' ' '\n' | grep '^-fsanitize=' | tr '\n' ' ' || true)
        cmake -S . -B build -DMPI_C_COMPILER="$mosixcc" -DMPI_CXX_COMPILER="$mosixcxx" \
            -DMPIEXEC_EXECUTABLE="$mosexec" ${san:+"-DCMAKE_EXE_LINKER_FLAGS=$san"}
        # FindMPI must have taken mosix's flags from the wrapper, not found some other MPI.
        grep -q '^MPI_C_LIB_NAMES:STRING=.*mosixcomm' build/CMakeCache.txt || {
            echo "FAIL: FindMPI did not take libmosixcomm from $mosixcc"; grep '^MPI_' build/CMakeCache.txt; exit 1; }
        cmake --build build
        ctest --test-dir build --output-on-failure
        ;;
    *)
        echo "run.sh: unknown kind '$kind' (autotools, makefile, cmake_compiler or findmpi)" >&2
        exit 2
        ;;
esac
echo "PASS: $kind"
