#!/usr/bin/env bash
# Builds mosix (Release, in build/), installs it to /usr/local, and runs the solver example as 64
# ranks with the installed mosexec:
#   bash scripts/run-example.sh [solver arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."

prefix=/usr/local
as_root=()
if ((EUID != 0)); then as_root=(sudo); fi

bash scripts/setup-debian.sh

# A build/ made by another generator cannot be reused; start it again.
if [[ -f build/CMakeCache.txt ]] && ! grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' build/CMakeCache.txt; then
    echo "run-example: build/ was configured with another generator; reconfiguring from scratch"
    rm -rf build
fi
echo "==> configure"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix"
echo "==> build"
cmake --build build
echo "==> install to $prefix"
"${as_root[@]}" cmake --install build --prefix "$prefix"
# So programs linked against the installed libmosixcomm without an rpath (pkg-config) find it.
"${as_root[@]}" ldconfig

echo "==> $prefix/bin/mosexec -n 64 build/examples/solver $*"
exec "$prefix/bin/mosexec" -n 64 build/examples/solver "$@"
