#!/bin/sh
# run.sh BUILD_DIR — runs the benchmarks already built in BUILD_DIR (builds nothing) and prints
# their figures: bench_p2p on 2 ranks, bench_allreduce on 64, under mosix and, if they were built
# (bench/openmpi/), under Open MPI for comparison. Run it on a quiet machine.
set -eu
build=${1:?usage: bench/run.sh BUILD_DIR}
mosexec=$build/launcher/mosexec
for f in "$mosexec" "$build/bench/bench_p2p" "$build/bench/bench_allreduce"; do
    [ -x "$f" ] || { echo "run.sh: $f is missing: build first (ninja -C $build)" >&2; exit 2; }
done

echo "### mosix ($(nproc) cores, one PE)"
"$mosexec" -n 2 "$build/bench/bench_p2p"
"$mosexec" -n 64 "$build/bench/bench_allreduce"

ompi=$build/bench/openmpi
if [ -x "$ompi/bench_p2p" ] && command -v mpirun >/dev/null; then
    mpirun="mpirun --allow-run-as-root --mca pml ob1 --mca btl self,vader"
    echo
    echo "### Open MPI (ob1/vader), 2 processes bound to cores"
    $mpirun -np 2 --bind-to core "$ompi/bench_p2p"
    echo
    echo "### Open MPI (ob1/vader), 64 processes oversubscribed on $(nproc) cores"
    $mpirun -np 64 --oversubscribe --bind-to none "$ompi/bench_allreduce"
fi
