#!/bin/sh
# balance.sh BUILD_DIR — what the automatic load balancer buys on the imbalanced solver
# (examples/solver.c, 64 ranks, --nx 1024 --ny 1024 --iters 8000 --tol 0): its time with
# --lb off, refine and greedy next to the ideal, measured in one run (the machine is noisy, so only
# figures taken together mean anything). Builds nothing: build BUILD_DIR first.
#
#   1  2 PEs here, --imbalance 3 (the hot quarter of the plate costs 3x: PE 0 has twice PE 1's work)
#   2  the same with the hot region wandering (--hot-moves 2000)
#   3  4 PEs on two stand-in hosts (network namespaces, tests/netns/hosts.sh), 2 PEs on each
#   4  the balanced solver on 2 PEs with a CPU hog pinned to core 0 (PE 0's core), and without it:
#      4a on the grid above (fine-grained: iterations far shorter than the kernel's time slices),
#      4b on a 4096x2048 grid for 1500 iterations (coarse-grained), each with its own 1-PE run
#   5  memory pressure: scenario 3's job with the second host's PEs moved into a memory cgroup
#      limited to their RSS + 64 MiB, under the balancer's 512 MiB watermark; the -v log must show
#      ranks leaving that host for memory
#
# The ideal is the total CPU work over the cores: the same solver on 1 PE (64 ranks, same run of
# this script) divided by min(PEs, cores); with the hog, by the cores less the half of core 0 the
# hog takes. Times are the solver's own (its iteration loop), each the best of $REPEAT (default 2).
# Every run's checksum must equal the 1-PE run's: a wrong one (or a failed job) fails the script.
#
# Scenarios 3 and 5 need root (network namespaces, cgroups), ip, unshare and mpirun; without them
# their rows are skipped with a note. Scenario 5 needs the cgroup v1 memory controller. On a
# machine with fewer than 4 cores, scenario 3's PEs share cores (the table says so).
#
# Bounded: every job runs under timeout, and once $BUDGET seconds (default 540) have passed the
# remaining runs are skipped (a job already running may take 30 s more). The hog, the namespaces,
# the cgroup and any job still running are removed however the script ends (EXIT trap; TERM, HUP
# and INT exit through it); only SIGKILL can leave them: then `ip netns list | grep mxb`,
# /sys/fs/cgroup/memory/.../mosix-balance-PID and a `sh -c 'while :; do :; done'` show what to
# remove.
#
# SCENARIOS="1 3" runs only those (the 1-PE references always run); KEEP=1 keeps the jobs' output
# (the last run of each kind, with the balancer's -v log) and says where.
# Exit status: 0, 1 if a checksum was wrong or a job failed, 2 if BUILD_DIR is not built.
set -u
build=$(readlink -f "${1:?usage: bench/balance.sh BUILD_DIR}")
here=$(cd "$(dirname "$0")" && pwd)
netns=$(cd "$here/../tests/netns" && pwd)
mosexec=$build/launcher/mosexec
solver=$build/examples/solver
for f in "$mosexec" "$solver"; do
    [ -x "$f" ] || { echo "balance.sh: $f is missing: build first (ninja -C $build)" >&2; exit 2; }
done
REPEAT=${REPEAT:-2}
BUDGET=${BUDGET:-540}
SCENARIOS=${SCENARIOS:-1 2 3 4 5}
want() { case " $SCENARIOS " in *" $1 "*) return 0 ;; esac; return 1; }
start=$(date +%s)
load=$(cut -d' ' -f1-3 /proc/loadavg)
cores=$(nproc)
grid="--nx 1024 --ny 1024 --iters 8000 --tol 0"
period=0.5

# shellcheck source=tests/netns/hosts.sh
. "$netns/hosts.sh"

tmp=$(mktemp -d)
job="" hog="" prefix="" cg="" nowait=""
cleanup() {
    # The running job: timeout leads its own process group (mosexec, mpirun, the PEs under it).
    if [ -n "$job" ]; then
        kill -TERM -- "-$job" 2>/dev/null
        sleep 1
        kill -KILL -- "-$job" 2>/dev/null
    fi
    [ -n "$hog" ] && kill -KILL "$hog" 2>/dev/null
    [ -n "$prefix" ] && netns_down "$prefix"  # kills whatever still runs on the stand-in hosts
    [ -n "$cg" ] && cgroup_remove
    if [ -n "${KEEP:-}" ]; then note "the jobs' output is in $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

note() { echo "balance.sh: $*" >&2; }
failures=0
failed() {
    note "FAILED: $*"
    failures=$((failures + 1))
}
left() { echo $((BUDGET - ($(date +%s) - start))); }

# run WHERE OUT LABEL MOSEXEC-ARGS... — one job, in the background so that a signal interrupts
# the wait at once; WHERE is "local" or "ns" (the stand-in hosts, 2 PEs each). Sets r_time,
# r_moves (the balancer's moves in the -v log) and r_sum; empty r_time if the job failed or the
# budget is spent. Returns at once, without waiting, if $nowait is set (scenario 5: finish waits).
run() {
    r_where=$1 r_out=$2 r_label=$3
    shift 3
    r_time="" r_moves="" r_sum=""
    secs=$(left)
    if [ "$secs" -lt 40 ]; then
        note "$r_label: skipped, the ${BUDGET} s budget is spent"
        return 1
    fi
    secs=$(min 150 $((secs + 30)))
    if [ "$r_where" = local ]; then
        timeout -k 5 "$secs" "$mosexec" "$@" >"$r_out" 2>"$r_out.err" &
    else
        # As tests/netns/solver_across_hosts.sh: mpirun reaches the hosts through rsh_agent.sh (which
        # passes no variables: mosexec forwards every MOSIX_* and UCX_* with -x), here through
        # $agent; UCX over TCP on eth0 only (also between the 2 PEs of a host); PEs not bound
        # (every stand-in host would put its PEs on the same cores).
        UCX_TLS=tcp,self UCX_NET_DEVICES=eth0 MOSIX_BIND=none \
            timeout -k 5 "$secs" ip netns exec "${prefix}h0" "$mosexec" --host 10.77.0.2:2,10.77.0.3:2 \
            --mpirun-arg --mca --mpirun-arg plm_rsh_agent --mpirun-arg "$agent" \
            --mpirun-arg --mca --mpirun-arg oob_tcp_if_include --mpirun-arg 10.77.0.0/24 \
            --mpirun-arg --mca --mpirun-arg btl_tcp_if_include --mpirun-arg 10.77.0.0/24 \
            "$@" >"$r_out" 2>"$r_out.err" &
    fi
    job=$!
    job_start=$(date +%s)
    [ -n "$nowait" ] && return 0
    finish "$r_out" "$r_label"
}

# finish OUT LABEL — waits for the job run started and checks it.
finish() {
    wait "$job"
    st=$?
    job=""
    r_sum=$(awk '$1 == "checksum" { print $2; exit }' "$1")
    r_moves=$(grep -c 'balancer: rank [0-9]* PE [0-9]* -> PE' "$1.err")
    if [ $st != 0 ]; then
        [ $st = 124 ] || [ $st = 137 ] && st="$st (timed out)"
        failed "$2: exit status $st"
        tail -5 "$1.err" >&2
        return 1
    fi
    if [ -z "$ref_sum" ] && [ -n "$r_sum" ]; then
        ref_sum=$r_sum  # the first run of all, on 1 PE: what every other run must give
    elif [ "$r_sum" != "$ref_sum" ]; then
        failed "$2: checksum '$r_sum', the 1-PE run gave '$ref_sum'"
        return 1
    fi
    r_time=$(awk '$1 == "time" { print $2; exit }' "$1")
    note "$2: ${r_time} s, $r_moves moves, checksum ok"
}

# best WHERE LABEL MOSEXEC-ARGS... — the best time of $REPEAT runs in b_time ("n/a" if none
# finished) and that run's moves in b_moves.
best() {
    where=$1 label=$2
    shift 2
    b_time="n/a" b_moves=""
    i=1
    while [ $i -le "$REPEAT" ]; do
        if run "$where" "$tmp/job.out" "$label, run $i" "$@" && [ -n "$r_time" ]; then
            if [ "$b_time" = n/a ] || awk -v a="$r_time" -v b="$b_time" 'BEGIN { exit !(a < b) }'; then
                b_time=$r_time b_moves=$r_moves
            fi
        fi
        i=$((i + 1))
    done
}

# scenario ID TEXT PES WHERE IDEAL SOLVER-ARGS... — off, refine and greedy; appends a table row.
scenario() {
    id=$1 text=$2 pes=$3 where=$4 ideal=$5
    shift 5
    for lb in off refine greedy; do
        best "$where" "scenario $id, --lb $lb" -n 64 --pes "$pes" --lb "$lb" --lb-period $period -v "$solver" $grid "$@"
        case $lb in
        off) t_off=$b_time ;;
        refine) t_refine=$b_time m_refine=$b_moves ;;
        greedy) t_greedy=$b_time m_greedy=$b_moves ;;
        esac
    done
    row "$id $text" "$pes" "$ideal"
}

fmt_time() {  # fmt_time SECONDS [MOVES]
    if [ "$1" = n/a ]; then echo n/a; elif [ -n "${2:-}" ]; then echo "$1 ($2)"; else echo "$1"; fi
}
ratio() { awk -v t="$1" -v i="$2" 'BEGIN { if (t == "n/a" || i == "n/a" || i == 0) print "-"; else printf "%.2f\n", t / i }'; }
rows=$tmp/rows
: >"$rows"
row() {  # row TEXT PES IDEAL — from t_off, t_refine, t_greedy and their moves
    printf '| %-50s | %3s | %7s | %-14s | %-14s | %7s | %5s | %6s | %6s |\n' "$1" "$2" "$t_off" \
        "$(fmt_time "$t_refine" "$m_refine")" "$(fmt_time "$t_greedy" "$m_greedy")" "$3" \
        "$(ratio "$t_off" "$3")" "$(ratio "$t_refine" "$3")" "$(ratio "$t_greedy" "$3")" >>"$rows"
}
skip_row() {  # skip_row TEXT PES WHY
    printf '| %-50s | %3s | %-77s |\n' "$1" "$2" "skipped: $3" >>"$rows"
}
divide() { awk -v t="$1" -v d="$2" 'BEGIN { if (t == "n/a") print "n/a"; else printf "%.2f\n", t / d }'; }
min() { [ "$1" -lt "$2" ] && echo "$1" || echo "$2"; }

# Root, namespaces and mpirun for scenarios 3 and 5 (hosts.sh's netns_test_setup, without its exit).
ns_why=""
if [ "$(id -u)" != 0 ]; then ns_why="needs root (network namespaces, cgroups)"
elif ! command -v ip >/dev/null; then ns_why="no ip command (iproute2)"
elif ! command -v unshare >/dev/null; then ns_why="no unshare command (util-linux)"
elif ! command -v mpirun >/dev/null; then ns_why="no mpirun (openmpi-bin)"
elif ! unshare --uts --ipc true 2>/dev/null; then ns_why="cannot unshare UTS and IPC namespaces"
fi

# ---- the 1-PE references: checksum and total work ----
# The first run's checksum is the one every other run must give (--imbalance and --hot-moves only
# add work to a scratch row: the same checksum with and without them).
ref_sum=""
best local "reference, 1 PE, imbalance 3" -n 64 --pes 1 "$solver" $grid --imbalance 3
t1=$b_time
[ -n "$ref_sum" ] || { note "the 1-PE reference runs failed: nothing to compare with"; exit 1; }

# ---- 1 and 2: 2 PEs on this host ----
ideal2=$(divide "$t1" "$(min 2 "$cores")")
want 1 && scenario 1 "imbalance 3 (2:1 between the PEs)" 2 local "$ideal2" --imbalance 3
want 2 && scenario 2 "imbalance 3, hot region moves (--hot-moves 2000)" 2 local "$ideal2" --imbalance 3 --hot-moves 2000

# ---- 3 and 5: two stand-in hosts, 2 PEs each ----
mem_report=""
want 3 || want 5 || ns_why="not asked for"
if [ -z "$ns_why" ]; then
    prefix="mxb$$"
    export NETNS_PREFIX="$prefix"
    # tests/netns/rsh_agent.sh also mounts the memory cgroup hierarchy on each stand-in host, so a
    # PE there sees its cgroup's limit (scenario 5).
    agent=$netns/rsh_agent.sh
    if ! netns_up "$prefix" 2; then
        ns_why="could not set up 2 hosts in network namespaces"
        netns_down "$prefix"
        prefix=""
    fi
fi
if ! want 3; then
    :
elif [ -n "$ns_why" ]; then
    skip_row "3 imbalance 3, 2 hosts (netns) x 2 PEs" 4 "$ns_why"
else
    scenario 3 "imbalance 3, 2 hosts (netns) x 2 PEs" 4 ns "$(divide "$t1" "$(min 4 "$cores")")" --imbalance 3
fi

# Scenario 5. The memory cgroup (v1) the PEs are in, as a directory: mount point + path (a mount of
# the hierarchy's root only; a container shown a sub-tree is not handled).
cgroup_dir_of() {  # cgroup_dir_of PID
    mnt=$(awk '{ for (i = 7; i <= NF; ++i) if ($i == "-") break
                 if ($(i + 1) == "cgroup" && $4 == "/" && $(i + 3) ~ /(^|,)memory(,|$)/) { print $5; exit } }' \
        /proc/self/mountinfo)
    path=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ { print $3; exit }' "/proc/$1/cgroup")
    [ -n "$mnt" ] && [ -n "$path" ] && [ -d "$mnt$path" ] && echo "${mnt%/}$path"
}
cgroup_remove() {  # moves anything left back to the parent, then removes the cgroup
    tries=0
    while [ -d "$cg" ] && [ $tries -lt 25 ]; do
        for p in $(cat "$cg/cgroup.procs" 2>/dev/null); do echo "$p" >"${cg%/*}/cgroup.procs" 2>/dev/null; done
        rmdir "$cg" 2>/dev/null && break
        sleep 0.2
        tries=$((tries + 1))
    done
    [ -d "$cg" ] && note "could not remove the cgroup $cg"
    cg=""
}
rss_kib() { awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status" 2>/dev/null; }

memory_scenario() {
    out=$tmp/mem.out
    # mosexec passes every MOSIX_* variable on to the PEs (mpirun -x), through rsh_agent.sh too.
    export MOSIX_LB_MEMORY_LOW=512M
    nowait=1
    run ns "$out" "scenario 5, memory pressure" \
        -n 64 --lb refine --lb-period $period -v "$solver" $grid --imbalance 3
    st=$?
    nowait=""
    unset MOSIX_LB_MEMORY_LOW
    [ $st = 0 ] || return 1
    # The second host's PEs (10.77.0.3 is ${prefix}h2): the solver's processes in that namespace.
    pids="" tries=0
    while [ $tries -lt 100 ]; do
        pids=""
        for p in $(ip netns pids "${prefix}h2" 2>/dev/null); do
            [ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$solver" ] && pids="$pids $p"
        done
        [ "$(echo $pids | wc -w)" -ge 2 ] && break
        sleep 0.2
        tries=$((tries + 1))
    done
    sleep 1  # the ranks have their memory
    pids=$(echo $pids | tr ' ' '\n' | sort -n | paste -sd' ')
    set -- $pids
    parent=""
    [ $# -ge 1 ] && parent=$(cgroup_dir_of "$1")
    pes="" rss=0
    for p in $pids; do
        pes="$pes $(tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | sed -n 's/^OMPI_COMM_WORLD_RANK=//p')"
        rss=$((rss + $(rss_kib "$p") * 1024))
    done
    pes=$(echo $pes | tr ' ' '\n' | sort -n | paste -sd' ')
    limit=$((rss + (64 << 20)))
    if [ $# -lt 2 ]; then
        mem_report="no PE processes found on the second host: no cgroup"
    elif [ -z "$parent" ]; then
        mem_report="no cgroup v1 memory hierarchy to use (this script handles v1 only)"
    elif ! mkdir "$parent/mosix-balance-$$" 2>/dev/null; then
        mem_report="cannot create a cgroup under $parent"
    else
        cg=$parent/mosix-balance-$$
        moved=0
        if echo "$limit" >"$cg/memory.limit_in_bytes"; then
            for p in $pids; do echo "$p" >"$cg/cgroup.procs" && moved=$((moved + 1)); done
        fi
        if [ "$moved" -lt 2 ]; then
            mem_report="could not put the PEs into $cg"
        else
            mem_report="PEs $pes (pids $pids) in ${cg#/sys/fs/cgroup/}: limit $((limit >> 20)) MiB (their RSS $((rss >> 20)) MiB + 64 MiB), $(($(date +%s) - job_start)) s after the job started"
        fi
    fi
    finish "$out" "scenario 5, memory pressure"
    [ -n "$cg" ] && cgroup_remove
    mem_moves=$(grep -c 'balancer: rank [0-9]* PE [0-9]* -> PE [0-9]*: .*memory' "$out.err")
    load_moves=$((r_moves - mem_moves))
    {
        echo "5 memory pressure: 4 PEs on 2 hosts as in 3, --lb refine, MOSIX_LB_MEMORY_LOW=512M (the default)"
        echo "  $mem_report"
        if [ -n "$r_time" ]; then
            echo "  time $r_time s, checksum $r_sum (right); moves: $mem_moves for memory, $load_moves for load"
            # Ranks per PE at the end (16 each at the start), and load moves onto the pressured PEs
            # once the first memory move was made (there should be none).
            awk -v pressed="$pes" '
                BEGIN { n = split(pressed, p, " "); for (i = 1; i <= n; ++i) hot[p[i]] = 1
                        for (i = 0; i < 4; ++i) count[i] = 16 }
                match($0, /balancer: rank [0-9]+ PE [0-9]+ -> PE [0-9]+/) {
                    split(substr($0, RSTART, RLENGTH), w, " ")
                    --count[w[5]]; ++count[w[8]]
                    if ($0 ~ /watermark/) mem = 1
                    else if (mem && (w[8] in hot)) ++back
                }
                END { printf "  ranks per PE at the end:"
                      for (i = 0; i < 4; ++i) printf "%s PE %d: %d%s", i ? "," : "", i, count[i], (i in hot) ? " (in the cgroup)" : ""
                      printf "; load moves onto the cgroup'"'"'s PEs after the first memory move: %d\n", back }' "$out.err"
            [ "$mem_moves" -gt 0 ] || echo "  WARNING: no rank left for memory"
            grep 'balancer: rank [0-9]* PE [0-9]* -> PE [0-9]*: .*memory' "$out.err" | head -4 | cut -c1-200 |
                sed 's/^/    /'
            [ "$mem_moves" -gt 4 ] && echo "    ... ($((mem_moves - 4)) more)"
        else
            echo "  the job failed (see above)"
        fi
    } >"$tmp/mem.report"
}
: >"$tmp/mem.report"
if ! want 5; then
    :
elif [ -n "$ns_why" ]; then
    echo "5 memory pressure: skipped: $ns_why" >"$tmp/mem.report"
else
    memory_scenario
fi
if [ -n "$prefix" ]; then
    netns_down "$prefix"
    prefix=""
fi

# ---- 4: a CPU hog on core 0 ----
# hog_scenario ID TEXT — the balanced solver ($grid) on 1 PE (the ideal's work), on 2 PEs without
# the hog, then off/refine/greedy with it; a row, and a line for the notes under the table.
: >"$tmp/hog.report"
hog_scenario() {
    best local "scenario $1, 1 PE, balanced" -n 64 --pes 1 "$solver" $grid
    t1h=$b_time
    best local "scenario $1, no hog" -n 64 --pes 2 --lb off "$solver" $grid
    t_nohog=$b_time
    taskset -c 0 sh -c 'while :; do :; done' &
    hog=$!
    # Half of core 0 is the hog's: the PEs have the cores less a half.
    scenario "$1" "$2" 2 local \
        "$(awk -v t="$t1h" -v c="$(min 2 "$cores")" 'BEGIN { if (t == "n/a") print "n/a"; else printf "%.2f\n", t / (c - 0.5) }')"
    kill -KILL "$hog" 2>/dev/null
    wait "$hog" 2>/dev/null
    hog=""
    speedup=$(awk -v o="$t_off" -v r="$t_refine" 'BEGIN { if (o == "n/a" || r == "n/a") print "-"; else printf "%.2fx\n", o / r }')
    echo "scenario $1: $grid: 1 PE $t1h s; 2 PEs without the hog $t_nohog s (--lb off); with the hog, refine over off: $speedup" >>"$tmp/hog.report"
}
if ! want 4; then
    :
elif command -v taskset >/dev/null; then
    # 4a, fine-grained: an iteration of a PE's 32 ranks takes about 0.5 ms, far less than the time
    # slices the kernel gives the hog and PE 0 in turn (milliseconds), so every iteration waits
    # for PE 0's next slice however few ranks it keeps: the limit of what moving ranks can do.
    hog_scenario 4a "balanced, CPU hog on core 0, fine-grained"
    # 4b, coarse-grained: 8x the cells, iterations of several milliseconds, as codes that are
    # worth spreading over cores have them. Its own checksum (another grid): the 1-PE run sets it.
    saved_grid=$grid saved_sum=$ref_sum
    grid="--nx 4096 --ny 2048 --iters 1500 --tol 0" ref_sum=""
    hog_scenario 4b "balanced, CPU hog on core 0, 4096x2048"
    grid=$saved_grid ref_sum=$saved_sum
else
    skip_row "4 balanced, CPU hog on core 0" 2 "no taskset (util-linux)"
fi

# ---- the table ----
printf '%s, %s cores, %s, load average at start %s (1, 5, 15 min)\n' "$(date -u +%Y-%m-%d)" "$cores" "$(uname -r)" "$load"
printf 'solver %s, 64 ranks, --lb-period %s; seconds (the solver'"'"'s loop), best of %s\n' "$grid" "$period" "$REPEAT"
printf 'reference, 64 ranks on 1 PE: %s s with --imbalance 3; checksum %s\n\n' "$t1" "$ref_sum"
printf '| %-50s | %3s | %7s | %-14s | %-14s | %7s | %5s | %6s | %6s |\n' scenario PEs off "refine (moves)" \
    "greedy (moves)" ideal "off/i" "ref/i" "gre/i"
printf '|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n' ---------------------------------------------------- ----- --------- \
    ---------------- ---------------- --------- ------- -------- --------
cat "$rows"
echo
echo "ideal: the 1-PE time over min(PEs, cores) (scenario 4: its own 1-PE time over the cores less the hog's half core)."
want 3 && [ "$cores" -lt 4 ] && echo "scenario 3: 4 PEs on $cores cores: the PEs share cores (not bound), as the OS schedules them."
cat "$tmp/hog.report"
cat "$tmp/mem.report"
echo "whole run: $(($(date +%s) - start)) s, load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
[ "$failures" = 0 ] || { echo "balance.sh: $failures failed runs (see above)"; exit 1; }
exit 0
