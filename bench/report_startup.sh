# report_startup.sh — sourced by report.sh (section 3): start-up time and peak memory of a whole job
# against its rank count. The program is examples/hello_allreduce (every rank takes part in one
# MPI_Allreduce, so every rank has started and met all others); the time is the wall clock of the
# whole command, `mosexec -n N` or `mpirun -np N` (Open MPI processes oversubscribed beyond the
# cores, ob1 over vader), from fork to exit. The memory is the peak of a memory cgroup (v1) made for
# the job: everything its processes charged, mpirun and its daemons included.
#
# mosix runs every N of the list; Open MPI goes up the same list until a run fails or times out
# (STARTUP_CAP seconds, default 120), or until the next N would, going by the last run, need more
# than half the machine's available memory or more than the cap: each of these ends its series, and
# the report says which. Each job's cgroup is limited to half the available memory at the time, so a
# run that grows beyond the estimate is stopped by the kernel rather than the machine swapping.
# Writes $data/startup.raw ("IMPL N SECONDS PEAK_BYTES") and $data/startup.stop ("IMPL WHY").
# shellcheck shell=bash disable=SC2154 # tmp, data, build, mosexec, cores... are report.sh's

if [ "$QUICK" = 1 ]; then startup_ns="1 10 100 1000" cap=${STARTUP_CAP:-30}
else startup_ns="1 10 100 1000 3000 10000 30000 100000" cap=${STARTUP_CAP:-120}; fi

# The memory cgroup this script is in, as a directory (v1, a mount of the hierarchy's root).
cg_parent=""
if [ "$(id -u)" = 0 ]; then
    cg_mnt=$(awk '{ for (i = 7; i <= NF; ++i) if ($i == "-") break
                    if ($(i + 1) == "cgroup" && $4 == "/" && $(i + 3) ~ /(^|,)memory(,|$)/) { print $5; exit } }' \
        /proc/self/mountinfo)
    cg_path=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ { print $3; exit }' /proc/self/cgroup)
    [ -n "$cg_mnt" ] && [ -d "$cg_mnt$cg_path" ] && cg_parent=${cg_mnt%/}${cg_path%/}
fi
cgroup_remove() {  # moves anything left to the parent, then removes $cg
    local tries=0 p
    while [ -d "$cg" ] && [ $tries -lt 25 ]; do
        for p in $(cat "$cg/cgroup.procs" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
        rmdir "$cg" 2>/dev/null && break
        sleep 0.2
        tries=$((tries + 1))
    done
    [ -d "$cg" ] && say "could not remove the cgroup $cg"
    cg=""
}
avail_bytes() { awk '$1 == "MemAvailable:" { printf "%.0f\n", $2 * 1024 }' /proc/meminfo; }

# startup IMPL N COMMAND... — one job in its own cgroup; sets s_secs, s_peak ("" without a cgroup)
# and s_status.
startup() {
    local impl=$1 n=$2
    shift 2
    s_peak=""
    if [ -n "$cg_parent" ] && mkdir "$cg_parent/mosix-report-$$" 2>/dev/null; then
        cg=$cg_parent/mosix-report-$$
        echo $(($(avail_bytes) / 2)) >"$cg/memory.limit_in_bytes" 2>/dev/null
        # The swap of this cgroup too, where the kernel accounts it: a job must not swap.
        echo $(($(avail_bytes) / 2)) >"$cg/memory.memsw.limit_in_bytes" 2>/dev/null
    fi
    local t0 t1
    t0=$(date +%s.%N)
    s_status=0
    if [ -n "$cg" ]; then
        bounded "$cap" "$tmp/startup.out" sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' sh "$cg" "$@" ||
            s_status=$?
    else
        bounded "$cap" "$tmp/startup.out" "$@" || s_status=$?
    fi
    t1=$(date +%s.%N)
    s_secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    if [ -n "$cg" ]; then
        s_peak=$(cat "$cg/memory.max_usage_in_bytes")
        grep -q '^oom_kill [1-9]' "$cg/memory.oom_control" 2>/dev/null && s_status=oom
        cgroup_remove
    fi
    if [ "$s_status" = 0 ] && ! grep -q "^sum \([0-9]*\) expected \1$" "$tmp/startup.out"; then
        s_status=wrong
        say "  $impl -n $n: no right sum in its output"
    fi
    [ "$s_status" = 0 ] && echo "$impl $n $s_secs ${s_peak:-0}" >>"$data/startup.raw"
    say "  $impl, $n ranks: $s_secs s, peak $(awk -v b="${s_peak:-0}" 'BEGIN { printf "%.0f MiB", b / 1048576 }') (status $s_status)"
}

# series IMPL COMMAND-PREFIX... -- PROGRAM — runs the rank counts of $startup_ns in turn.
series() {
    local impl=$1 n last_n="" last_secs="" last_peak=""
    shift
    for n in $startup_ns; do
        if [ -n "$last_n" ]; then
            local need_mem need_secs
            need_mem=$(awk -v p="$last_peak" -v a="$last_n" -v b="$n" 'BEGIN { printf "%.0f", p / a * b }')
            need_secs=$(awk -v s="$last_secs" -v a="$last_n" -v b="$n" 'BEGIN { printf "%.0f", s / a * b }')
            if [ "$need_mem" -gt $(($(avail_bytes) / 2)) ]; then
                echo "$impl stopped before $n ranks: going by $last_n ranks it would need about $((need_mem >> 30)) GiB, more than half the available memory" >>"$data/startup.stop"
                return
            fi
            if [ "$need_secs" -gt "$cap" ]; then
                echo "$impl stopped before $n ranks: going by $last_n ranks it would take about $need_secs s, more than the $cap s cap" >>"$data/startup.stop"
                return
            fi
        fi
        say "start-up: $impl, $n ranks"
        if [ "$impl" = mosix ]; then
            # A PE maps 2 areas per rank and vm.max_map_count (65530 by default) caps them: mosexec
            # starts more PEs than cores by itself when the ranks need them, and says so on stderr.
            startup mosix "$n" "$mosexec" -n "$n" "$build/examples/hello_allreduce"
            grep -h '^mosexec: .* ranks need' "$tmp/startup.out.err" 2>/dev/null | sed 's/^mosexec: /mosix /' \
                >>"$data/startup.notes"
        else
            startup openmpi "$n" "${mpirun[@]}" -np "$n" --oversubscribe --bind-to none "${ob1_local[@]}" \
                "$ompi/hello_allreduce"
        fi
        if [ "$s_status" != 0 ]; then
            local reason
            case $s_status in
            124 | 137) reason="did not finish within the $cap s cap" ;;
            oom) reason="ran out of its memory limit (half the available memory)" ;;
            wrong) reason="printed no right sum" ;;
            *) reason="failed, $(why "$s_status" "$tmp/startup.out.err")" ;;
            esac
            echo "$impl stopped at $n ranks: it $reason" >>"$data/startup.stop"
            return
        fi
        last_n=$n last_secs=$s_secs last_peak=${s_peak:-0}
    done
}
: >"$data/startup.raw"
: >"$data/startup.stop"
: >"$data/startup.notes"
[ -n "$cg_parent" ] || echo "all no memory figures: needs root and a cgroup v1 memory hierarchy" >>"$data/startup.stop"
series mosix
series openmpi
