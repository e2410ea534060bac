#!/bin/sh
# run.sh BUILD_DIR — mosix against Open MPI, side by side, in one run (this machine is noisy, so only
# ratios measured together mean anything). Builds nothing: build BUILD_DIR first (its bench/openmpi/
# holds the same sources built with Open MPI's mpicc). Each figure is the best of $REPEAT runs.
#
#   same PE     mosix: 2 ranks on one PE          Open MPI: 2 processes (shared memory, ob1/vader)
#   2 PEs       mosix: 2 ranks on 2 PEs (UCX)     Open MPI: 2 processes bound to 2 cores
#   64 ranks    mosix: 64 ranks on 2 PEs          Open MPI: 64 processes oversubscribed on 2 cores
#
# Then live migration (mosix only, bench_migrate.c): one rank moves between 2 PEs with 1..256 MiB of
# heap; the reference is a memcpy of the same bytes in the same run. MIGRATE_REPS (default 10)
# sets its round trips per size; bench/migrate_hosts.sh runs it between two stand-in hosts.
#
# BALANCE=1 adds the load balancer's table (bench/balance.sh, about 9 minutes more).
# CHECKPOINT=1 adds checkpoint and restart time and size against rank memory, 16-256 MiB, next to
# the disk's write rate (bench/checkpoint.sh, under a minute more).
#
# This is the short table; bench/report.sh measures every figure (sizes 1 B to 4 MiB, 2 to 64 ranks,
# start-up to 100 000 ranks, ...) and writes bench/REPORT.md with plots.
set -eu
build=${1:?usage: bench/run.sh BUILD_DIR}
REPEAT=${REPEAT:-3}
mosexec=$build/launcher/mosexec
ompi=$build/bench/openmpi
for f in "$mosexec" "$build/bench/bench_p2p" "$build/bench/bench_allreduce" "$build/bench/bench_migrate"; do
    [ -x "$f" ] || { echo "run.sh: $f is missing: build first (ninja -C $build)" >&2; exit 2; }
done
have_ompi=0
if [ -x "$ompi/bench_p2p" ] && [ -x "$ompi/bench_allreduce" ] && command -v mpirun >/dev/null; then
    have_ompi=1
fi
mpirun="mpirun --mca pml ob1 --mca btl self,vader"
[ "$(id -u)" = 0 ] && mpirun="$mpirun --allow-run-as-root"

# best CMD PATTERN LOWER — runs CMD $REPEAT times and prints the best value on the line matching
# PATTERN (the number before the unit); LOWER=1 if smaller is better.
best() {
    cmd=$1 pattern=$2 lower=$3
    i=0 result=""
    while [ $i -lt "$REPEAT" ]; do
        v=$(sh -c "$cmd" 2>/dev/null | awk -v p="$pattern" 'index($0, p) == 1 { print $(NF-1); exit }')
        if [ -n "$v" ]; then
            if [ -z "$result" ]; then result=$v
            else result=$(awk -v a="$result" -v b="$v" -v l="$lower" 'BEGIN { print ((l == 1) == (b < a)) ? b : a }')
            fi
        fi
        i=$((i + 1))
    done
    echo "${result:-n/a}"
}

row() {  # row LABEL UNIT MOSIX OPENMPI LOWER
    ratio=$(awk -v m="$3" -v o="$4" -v l="$5" 'BEGIN {
        if (m == "n/a" || o == "n/a" || m == 0 || o == 0) { print "-"; exit }
        printf "%.2fx", m / o }')
    printf '| %-34s | %10s %-4s | %10s %-4s | %-16s |\n' "$1" "$3" "$2" "$4" "$2" "$ratio"
}

p2p="$build/bench/bench_p2p"
ar="$build/bench/bench_allreduce"
printf '%s, %s cores, %s\n\n' "$(date -u +%Y-%m-%d)" "$(nproc)" "$(uname -r)"
printf '| %-34s | %-15s | %-15s | %-16s |\n' "figure (best of $REPEAT)" "mosix" "Open MPI" "mosix/Open MPI"
printf '|%s|%s|%s|%s|\n' "------------------------------------" "-----------------" "-----------------" "------------------"
for where in "same PE:1:" "2 PEs:2:--bind-to core"; do
    label=${where%%:*}; rest=${where#*:}; pes=${rest%%:*}; bind=${rest#*:}
    m_lat=$(best "$mosexec -n 2 --pes $pes $p2p" "latency 8 B" 1)
    m_bw=$(best "$mosexec -n 2 --pes $pes $p2p" "bandwidth 1 MiB" 0)
    o_lat=n/a o_bw=n/a
    if [ $have_ompi = 1 ]; then
        o_lat=$(best "$mpirun -np 2 $bind $ompi/bench_p2p" "latency 8 B" 1)
        o_bw=$(best "$mpirun -np 2 $bind $ompi/bench_p2p" "bandwidth 1 MiB" 0)
    fi
    row "8 B one-way latency, $label" us "$m_lat" "$o_lat" 1
    row "1 MiB ping-pong bandwidth, $label" GB/s "$m_bw" "$o_bw" 0
done
m=$(best "$mosexec -n 2 --pes 2 $ar" "allreduce 8 B" 1)
o=n/a
[ $have_ompi = 1 ] && o=$(best "$mpirun -np 2 --bind-to core $ompi/bench_allreduce" "allreduce 8 B" 1)
row "allreduce 8 B, 2 ranks on 2 PEs" us "$m" "$o" 1
m=$(best "$mosexec -n 64 $ar" "allreduce 8 B" 1)
o=n/a
[ $have_ompi = 1 ] && o=$(best "$mpirun -np 64 --oversubscribe --bind-to none $ompi/bench_allreduce" "allreduce 8 B" 1)
row "allreduce 8 B, 64 ranks" us "$m" "$o" 1
echo
echo "ratio: for latency mosix/Open MPI (lower is better for mosix), for bandwidth mosix/Open MPI"
echo "(higher is better). 64 ranks: mosix runs them as fibers on one PE per core, Open MPI as 64"
echo "processes time-sharing the cores."

# Live migration: bench_migrate prints its own table (best and median of its 2*REPS one-way moves;
# its ratio compares with a memcpy measured in the same run, so no outer best-of is needed). While
# migration is not available (exit 3) only the memcpy reference is shown. Bounded: 10 minutes.
echo
echo "Live migration, rank memory 1-256 MiB, 2 ranks on 2 PEs (bench_migrate)"
echo
mig="$build/bench/bench_migrate"
status=0
timeout -k 10 600 "$mosexec" -n 2 --pes 2 "$mig" --reps "${MIGRATE_REPS:-10}" || status=$?
if [ $status = 3 ]; then
    echo "(migration is not available in this build: the memcpy reference only)"
    status=0
    timeout -k 10 600 "$mosexec" -n 2 --pes 2 "$mig" --no-migrate || status=$?
    [ $status = 0 ] || echo "run.sh: bench_migrate --no-migrate failed (exit status $status)" >&2
elif [ $status != 0 ]; then
    echo "run.sh: bench_migrate failed (exit status $status): no migration figures" >&2
fi

if [ "${BALANCE:-0}" = 1 ]; then
    echo
    echo "Load balancing: the imbalanced solver with --lb off, refine and greedy (bench/balance.sh)"
    echo
    bstatus=0
    "$(dirname "$0")/balance.sh" "$build" || bstatus=$?
    [ $status != 0 ] || status=$bstatus
fi

if [ "${CHECKPOINT:-0}" = 1 ]; then
    echo
    echo "Checkpoint and restart: 8 ranks on 2 PEs, 16-256 MiB of rank memory (bench/checkpoint.sh)"
    echo
    cstatus=0
    sh "$(dirname "$0")/checkpoint.sh" "$build" || cstatus=$?
    [ $status != 0 ] || status=$cstatus
fi
exit $status  # a move that lost data (or any other failure) fails the whole run
