#!/usr/bin/env bash
# report.sh — every benchmark of mosix, side by side with Open MPI where one applies, in one run,
# and bench/REPORT.md with tables and plots (bench/report/*.svg, gnuplot) from it:
#
#   bash bench/report.sh            # about 15 minutes on a quiet 2-core machine, build included
#   QUICK=1 bash bench/report.sh    # every section with shrunken sweeps (a few minutes): to check
#                                   # the machinery; writes to BUILD_DIR/report-quick/, not bench/
#
# The machine is shared and noisy, so only figures taken in the same run are compared: every
# Open MPI figure is measured next to mosix's, in turns, and the report gives their ratio.
#
#   1 point-to-point latency and bandwidth, 1 B to 4 MiB (bench_p2p --sweep): two ranks on one PE,
#     on two PEs (cores), on two stand-in hosts (network namespaces); Open MPI on the same cores
#     through ob1 (btl vader / tcp) and through UCX (pml ucx)
#   2 barrier, bcast, allreduce, alltoall from 2 to 64 ranks (bench_collectives), Open MPI with as
#     many processes (oversubscribed beyond the cores)
#   3 start-up time and peak memory of `mosexec -n N hello_allreduce` up to N = 100 000 against
#     `mpirun -np N`, as far as Open MPI gets within its time cap and the free memory
#   4 live migration time against rank memory (bench_migrate, here and between stand-in hosts);
#     checkpoint and restart time against job memory (bench/checkpoint.sh)
#   5 the load balancer: bench/balance.sh's table (imbalanced solver off / on / ideal; CPU hog)
#
# Environment:
#   BUILD_DIR   build directory (default: build-report at the top of the tree); configured as
#               Release and built by this script (ninja) if it is not already
#   REPORT_DIR  where REPORT.md and report/ go (default: bench/, QUICK: BUILD_DIR/report-quick)
#   QUICK=1     reduced sweeps everywhere
#   BALANCE_SCENARIOS, BALANCE_REPEAT, BALANCE_BUDGET  balance.sh's SCENARIOS (default "1 4": the
#               imbalanced solver, the CPU hog), REPEAT (default 1) and BUDGET (default 420 s)
#   P2P_ROUNDS  rounds of the point-to-point sweeps, the best of them counts (default 2)
#   STARTUP_CAP seconds one start-up job may take (default 120)
#
# Needs: cmake, ninja, gnuplot (scripts/setup-debian.sh installs them), Open MPI's mpirun and
# mpicc. The stand-in hosts, the memory figures and balance.sh's scenarios 3 and 5 need root
# (network namespaces, a memory cgroup); without it those rows say why they are missing.
# Every job runs under timeout; the namespaces, the cgroups and any job still running are removed
# however the script ends (EXIT trap; INT, TERM and HUP exit through it).
# Exit status: 0 when the report was written (sections that failed say so in it), 1 otherwise.
# shellcheck disable=SC2054 # commas inside arguments (btl lists, sizes), not array separators
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
netns=$repo/tests/netns
QUICK=${QUICK:-0}
build=$(readlink -m "${BUILD_DIR:-$repo/build-report}")
if [ "$QUICK" = 1 ]; then out=$(readlink -m "${REPORT_DIR:-$build/report-quick}")
else out=$(readlink -m "${REPORT_DIR:-$here}"); fi
export LC_ALL=C  # decimal points
start=$(date +%s)

say() { printf '[%3d:%02d] %s\n' $((($(date +%s) - start) / 60)) $((($(date +%s) - start) % 60)) "$*" >&2; }
die() { say "report.sh: $*"; exit 1; }

tmp=$(mktemp -d)
data=$tmp/data  # what report_write.sh turns into the report
mkdir -p "$data"
job="" prefix="" cg=""
cleanup() {
    if [ -n "$job" ]; then  # timeout leads the job's process group
        kill -TERM -- "-$job" 2>/dev/null
        sleep 1
        kill -KILL -- "-$job" 2>/dev/null
    fi
    [ -n "$prefix" ] && netns_down "$prefix"
    [ -n "$cg" ] && cgroup_remove
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
# shellcheck source=tests/netns/hosts.sh
. "$netns/hosts.sh"

# bounded SECONDS OUT COMMAND... — runs COMMAND under timeout, stdout to OUT, stderr to OUT.err, in
# the background so a signal interrupts the wait at once. Returns its status (124/137: timed out).
bounded() {
    local secs=$1 o=$2
    shift 2
    timeout -k 5 "$secs" "$@" >"$o" 2>"$o.err" &
    job=$!
    wait "$job"
    local st=$?
    job=""
    if [ $st != 0 ]; then
        say "  failed (exit status $st$([ $st = 124 ] || [ $st = 137 ] && echo ", timed out after $secs s")): $*"
        tail -3 "$o.err" | sed 's/^/    | /' >&2
    fi
    return $st
}
why() {  # why STATUS ERRFILE — one line for the report
    case $1 in
    124 | 137) echo "timed out" ;;
    *) echo "exit status $1: $(grep -v '^ *$' "$2" 2>/dev/null | grep -iv 'warning' | head -1 | cut -c1-120)" ;;
    esac
}

# ---- build -------------------------------------------------------------------------------------------
for t in cmake ninja gnuplot timeout taskset; do
    command -v $t >/dev/null || die "no $t: run scripts/setup-debian.sh first"
done
command -v mpirun >/dev/null || die "no mpirun (openmpi-bin): run scripts/setup-debian.sh first"
say "build: $build (Release)"
if [ ! -f "$build/CMakeCache.txt" ]; then
    timeout 300 cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMOSIX_BUILD_TESTS=OFF \
        -DMOSIX_SANITIZE=OFF >"$tmp/cmake.log" 2>&1 || { cat "$tmp/cmake.log" >&2; die "cmake failed"; }
fi
case $(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build/CMakeCache.txt") in
Release | RelWithDebInfo) ;;
*) die "$build is not a Release or RelWithDebInfo build: its figures would mean nothing" ;;
esac
grep -q '^MOSIX_SANITIZE:BOOL=ON' "$build/CMakeCache.txt" && die "$build is a sanitizer build"
timeout 1500 cmake --build "$build" >"$tmp/build.log" 2>&1 || { tail -30 "$tmp/build.log" >&2; die "the build failed"; }
mosexec=$build/launcher/mosexec
bin=$build/bench
ompi=$build/bench/openmpi
for f in "$mosexec" "$bin/bench_p2p" "$bin/bench_collectives" "$bin/bench_migrate" "$build/examples/solver" \
    "$build/examples/hello_allreduce" "$ompi/bench_p2p" "$ompi/bench_collectives" "$ompi/hello_allreduce"; do
    [ -x "$f" ] || die "$f was not built (Open MPI's mpicc missing?)"
done
say "build: done"

# ---- the machine -------------------------------------------------------------------------------------
cores=$(nproc)
{
    echo "date $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "cpu $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
    echo "cores $cores"
    echo "memory $(awk '$1 == "MemTotal:" { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
    echo "kernel $(uname -r)"
    echo "debian $(cat /etc/debian_version 2>/dev/null || echo ?)"
    echo "mosix $("$mosexec" --version 2>&1 | head -1)"
    echo "commit $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo ?)$(git -C "$repo" diff --quiet HEAD -- 2>/dev/null || echo ' (with uncommitted changes)')"
    echo "openmpi $(mpirun --version 2>&1 | sed -n 's/.*(Open MPI) //p' | head -1)"
    echo "ucx $(ucx_info -v 2>/dev/null | sed -n 's/^# Version //p' | head -1)"
    echo "hwloc $(hwloc-info --version 2>/dev/null | awk '{ print $NF }')"
    echo "compiler $(cc --version | head -1)"
    echo "gnuplot $(gnuplot --version)"
    echo "load_start $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "quick $QUICK"
} >"$data/machine"
# The cores mosix binds its PEs 0 and 1 to (mosexec --topology): Open MPI gets the same ones.
pu0=$("$mosexec" --topology -n 2 "$bin/bench_p2p" | sed -n 's/.*PE 0 -> .*(OS core [0-9]*, PU \([0-9]*\)).*/\1/p')
pu1=$("$mosexec" --topology -n 2 "$bin/bench_p2p" | sed -n 's/.*PE 1 -> .*(OS core [0-9]*, PU \([0-9]*\)).*/\1/p')
[ -n "$pu0" ] || pu0=0
[ -n "$pu1" ] || pu1=$((cores > 1 ? 1 : 0))
echo "pus $pu0 $pu1" >>"$data/machine"
# Open MPI's ranks 0 and 1 on those cores (--cpu-set with --bind-to core leaves them unbound in 4.1).
printf 'rank 0=localhost slot=%s\nrank 1=localhost slot=%s\n' "$pu0" "$pu1" >"$tmp/rankfile"
rankfile=(--rankfile "$tmp/rankfile" --mca rmaps_rank_file_physical 1)

mpirun=(mpirun)
[ "$(id -u)" = 0 ] && mpirun+=(--allow-run-as-root)
export OMPI_MCA_btl_base_warn_component_unused=0
ob1_local=(--mca pml ob1 --mca btl self,vader)
# Open MPI 4.1 takes pml ucx only on InfiniBand-like devices unless told any device will do.
ucx=(--mca pml ucx --mca pml_ucx_tls any --mca pml_ucx_devices any --mca osc ^ucx)

# Root, namespaces for the stand-in hosts (hosts.sh's netns_test_setup, without its exit).
ns_why=""
if [ "$(id -u)" != 0 ]; then ns_why="needs root (network namespaces)"
elif ! command -v ip >/dev/null; then ns_why="no ip command (iproute2)"
elif ! command -v unshare >/dev/null; then ns_why="no unshare command (util-linux)"
elif ! unshare --uts --ipc true 2>/dev/null; then ns_why="cannot unshare UTS and IPC namespaces"
fi
hosts_up() {
    [ -z "$ns_why" ] || return 1
    prefix="mxr$$"
    export NETNS_PREFIX=$prefix
    in_h0=(ip netns exec "${prefix}h0")
    netns_up "$prefix" 2 && return 0
    ns_why="could not set up 2 hosts in network namespaces"
    netns_down "$prefix"
    prefix=""
    return 1
}
hosts_down() {
    [ -n "$prefix" ] && netns_down "$prefix"
    prefix=""
}
# As tests/netns/solver_across_hosts.sh: mpirun reaches the hosts through rsh_agent.sh, its own
# traffic on the test network; UCX over TCP on eth0 only; not bound (every stand-in host would use
# the same cores).
mosix_hosts=(env UCX_TLS=tcp,self UCX_NET_DEVICES=eth0 MOSIX_BIND=none)
mpirun_hosts=(--mca plm_rsh_agent "$netns/rsh_agent.sh" --mca oob_tcp_if_include 10.77.0.0/24
    --mca btl_tcp_if_include 10.77.0.0/24)

# ---- 1: point-to-point --------------------------------------------------------------------------------
if [ "$QUICK" = 1 ]; then p2p_args=(--sweep --time 0.01 --max-bytes 65536) p2p_rounds=1
else p2p_args=(--sweep --time 0.05) p2p_rounds=${P2P_ROUNDS:-2}; fi
# p2p PLACEMENT IMPL COMMAND... — one sweep; its lines go to $data/p2p.raw as
# "PLACEMENT IMPL BYTES LATENCY_US BANDWIDTH_MBPS".
p2p() {
    local pl=$1 impl=$2
    shift 2
    if bounded 180 "$tmp/p2p.out" "$@"; then
        awk -v p="$pl" -v i="$impl" '$1 == "p2p" { print p, i, $2, $3, $4 }' "$tmp/p2p.out" >>"$data/p2p.raw"
    else
        echo "$pl $impl $(why $? "$tmp/p2p.out.err")" >>"$data/p2p.failed"
    fi
}
: >"$data/p2p.raw"
: >"$data/p2p.failed"
round=1
while [ $round -le "$p2p_rounds" ]; do
    say "point-to-point, round $round of $p2p_rounds: same PE (core $pu0)"
    p2p same mosix "$mosexec" -n 2 --pes 1 "$bin/bench_p2p" "${p2p_args[@]}"
    # Two processes on one core: without yielding, every round trip waits for a time slice.
    p2p same ob1 taskset -c "$pu0" "${mpirun[@]}" -np 2 --bind-to none --mca mpi_yield_when_idle 1 \
        "${ob1_local[@]}" "$ompi/bench_p2p" "${p2p_args[@]}"
    p2p same ucx taskset -c "$pu0" "${mpirun[@]}" -np 2 --bind-to none --mca mpi_yield_when_idle 1 \
        "${ucx[@]}" "$ompi/bench_p2p" "${p2p_args[@]}"
    say "point-to-point, round $round of $p2p_rounds: 2 PEs (cores $pu0 and $pu1)"
    p2p cores mosix "$mosexec" -n 2 --pes 2 "$bin/bench_p2p" "${p2p_args[@]}"
    p2p cores ob1 "${mpirun[@]}" -np 2 "${rankfile[@]}" "${ob1_local[@]}" "$ompi/bench_p2p" "${p2p_args[@]}"
    p2p cores ucx "${mpirun[@]}" -np 2 "${rankfile[@]}" "${ucx[@]}" "$ompi/bench_p2p" "${p2p_args[@]}"
    say "point-to-point, round $round of $p2p_rounds: 2 stand-in hosts"
    if hosts_up; then
        p2p hosts mosix "${in_h0[@]}" "${mosix_hosts[@]}" "$mosexec" -n 2 --host 10.77.0.2:1,10.77.0.3:1 \
            --mpirun-arg --mca --mpirun-arg plm_rsh_agent --mpirun-arg "$netns/rsh_agent.sh" \
            --mpirun-arg --mca --mpirun-arg oob_tcp_if_include --mpirun-arg 10.77.0.0/24 \
            --mpirun-arg --mca --mpirun-arg btl_tcp_if_include --mpirun-arg 10.77.0.0/24 \
            "$bin/bench_p2p" "${p2p_args[@]}"
        p2p hosts ob1 "${in_h0[@]}" "${mpirun[@]}" -np 2 --host 10.77.0.2:1,10.77.0.3:1 --bind-to none \
            "${mpirun_hosts[@]}" --mca pml ob1 --mca btl self,tcp "$ompi/bench_p2p" "${p2p_args[@]}"
        p2p hosts ucx "${in_h0[@]}" "${mpirun[@]}" -np 2 --host 10.77.0.2:1,10.77.0.3:1 --bind-to none \
            "${mpirun_hosts[@]}" "${ucx[@]}" -x UCX_TLS=tcp,self -x UCX_NET_DEVICES=eth0 \
            "$ompi/bench_p2p" "${p2p_args[@]}"
        hosts_down
    else
        echo "hosts all $ns_why" >>"$data/p2p.failed"
    fi
    round=$((round + 1))
done

# ---- 2: collectives ---------------------------------------------------------------------------------
if [ "$QUICK" = 1 ]; then coll_ranks="2 8" coll_args=(--time 0.01)
else coll_ranks="2 4 8 16 32 64" coll_args=(--time 0.1); fi
coll_args+=(--sizes 8,16384)
: >"$data/coll.raw"
: >"$data/coll.failed"
coll() {  # coll IMPL N COMMAND... — its lines to $data/coll.raw as "IMPL OP BYTES RANKS AVG_US MAX_US"
    local impl=$1 n=$2
    shift 2
    if bounded 240 "$tmp/coll.out" "$@"; then
        awk -v i="$impl" '$1 == "coll" { print i, $2, $3, $4, $5, $6 }' "$tmp/coll.out" >>"$data/coll.raw"
    else
        echo "$impl $n $(why $? "$tmp/coll.out.err")" >>"$data/coll.failed"
    fi
}
for n in $coll_ranks; do
    say "collectives: $n ranks"
    coll mosix "$n" "$mosexec" -n "$n" "$bin/bench_collectives" "${coll_args[@]}"
    if [ "$n" -le "$cores" ]; then place=(--bind-to core)
    else place=(--oversubscribe --bind-to none); fi
    coll ob1 "$n" "${mpirun[@]}" -np "$n" "${place[@]}" "${ob1_local[@]}" "$ompi/bench_collectives" "${coll_args[@]}"
    coll ucx "$n" "${mpirun[@]}" -np "$n" "${place[@]}" "${ucx[@]}" "$ompi/bench_collectives" "${coll_args[@]}"
done

# ---- 3: start-up time and memory ------------------------------------------------------------------------
. "$here/report_startup.sh"

# ---- 4: migration, checkpoint and restart -------------------------------------------------------------
if [ "$QUICK" = 1 ]; then mig_args=(--reps 3 --max-mib 4) host_mig_args=(--reps 3 --max-mib 4)
else mig_args=(--reps 5) host_mig_args=(--reps 3 --max-mib 64); fi
say "migration: 2 PEs on this host (bench_migrate ${mig_args[*]})"
st=0
bounded 600 "$data/migrate_local.txt" "$mosexec" -n 2 --pes 2 "$bin/bench_migrate" "${mig_args[@]}" || st=$?
[ $st = 0 ] || echo "$(why $st "$data/migrate_local.txt.err")" >"$data/migrate_local.failed"
say "migration: between 2 stand-in hosts (bench/migrate_hosts.sh ${host_mig_args[*]})"
if [ -n "$ns_why" ]; then
    echo "$ns_why" >"$data/migrate_hosts.failed"
else
    st=0
    bounded 600 "$data/migrate_hosts.txt" sh "$here/migrate_hosts.sh" "$build" "${host_mig_args[@]}" || st=$?
    [ $st = 0 ] || echo "$(why $st "$data/migrate_hosts.txt.err")" >"$data/migrate_hosts.failed"
fi
say "checkpoint and restart (bench/checkpoint.sh)"
if [ "$QUICK" = 1 ]; then ck_env=(GRIDS=1024 REPEAT=1); else ck_env=(REPEAT=2); fi
st=0
bounded 900 "$data/checkpoint.txt" env "${ck_env[@]}" sh "$here/checkpoint.sh" "$build" || st=$?
[ $st = 0 ] || echo "$(why $st "$data/checkpoint.txt.err")" >"$data/checkpoint.failed"

# ---- 5: the load balancer --------------------------------------------------------------------------------
if [ "$QUICK" = 1 ]; then lb_env=(REPEAT=1 BUDGET=60) lb_secs=200
else lb_env=("REPEAT=${BALANCE_REPEAT:-1}" "BUDGET=${BALANCE_BUDGET:-420}") lb_secs=$((${BALANCE_BUDGET:-420} + 180)); fi
lb_env+=("SCENARIOS=${BALANCE_SCENARIOS:-1 4}")
say "load balancer (bench/balance.sh, ${lb_env[*]})"
st=0
bounded "$lb_secs" "$data/balance.txt" env "${lb_env[@]}" sh "$here/balance.sh" "$build" || st=$?
[ $st = 0 ] || echo "$(why $st "$data/balance.txt.err")" >"$data/balance.failed"

# ---- the report -------------------------------------------------------------------------------------------
echo "load_end $(cut -d' ' -f1-3 /proc/loadavg)" >>"$data/machine"
echo "duration $(($(date +%s) - start))" >>"$data/machine"
say "writing $out/REPORT.md"
if ! bash "$here/report_write.sh" "$data" "$out"; then
    rm -rf "$build/report-data-failed"
    cp -r "$data" "$build/report-data-failed"
    die "report_write.sh failed; the data is in $build/report-data-failed (report_write.sh DATA OUT writes it again)"
fi
say "done: $out/REPORT.md, plots in $out/report/"
