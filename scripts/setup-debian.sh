#!/usr/bin/env bash
# Installs what mosix needs to build, test and run on Debian 12. Safe to run again: when every
# package is already there it does nothing (no apt-get update), so the other scripts call it first.
set -euo pipefail

packages=(
    build-essential cmake ninja-build pkg-config git
    libucx-dev ucx-utils                 # transport
    libopenmpi-dev openmpi-bin libpmix-dev  # PMIx bootstrap (mpirun); Open MPI as the reference
    libhwloc-dev hwloc                   # topology
    libboost-context-dev                 # rank fibers
    libzstd-dev                          # checkpoint compression
    libgtest-dev libgmock-dev            # tests
    iproute2 util-linux                  # tests: hosts as network namespaces (ip netns, unshare)
    procps time                          # tests: finding a job's processes (ps, pgrep); peak RSS
    autoconf automake                    # tests: an autotools MPI project built with mosixcc
    libblas-dev                          # tests: HPC Challenge (hpcc) built with mosixcc
    gnuplot-nox                          # bench/report.sh: the report's plots (SVG)
    clang-format clang-tidy tmux
    nlohmann-json3-dev                   # mosexec's statistics and run report, mosctl show, mosmon (JSON)
    libncurses-dev                       # mosmon, the live terminal monitor
    python3                              # tests: the run report's HTML and data (tests/control/check_report.py)
)

missing=()
for p in "${packages[@]}"; do
    if [[ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" != installed ]]; then
        missing+=("$p")
    fi
done
if ((${#missing[@]} == 0)); then
    echo "setup-debian: all ${#packages[@]} packages already installed"
    exit 0
fi

sudo=()
if ((EUID != 0)); then
    if ! command -v sudo >/dev/null; then
        echo "setup-debian: need root (or sudo) to install: ${missing[*]}" >&2
        exit 1
    fi
    sudo=(sudo)
fi
echo "setup-debian: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${packages[@]}"
