#!/bin/sh
# balance_memory_pressure.sh MOSEXEC SOLVER — the balancer moves ranks off a host that runs out of
# memory. 64 solver ranks on two stand-in hosts (network namespaces, hosts.sh), one PE each, with
# --lb-period 0.2 -v. Once the job runs, host 2's PE process goes into a memory cgroup (v1) of its
# own whose limit is its resident size plus 64 MiB: the free memory it measures (the cgroup's
# headroom) drops far below the balancer's 512 MiB watermark, while host 1 keeps the machine's.
# Asserted: at least one "balancer: rank R PE 1 -> PE 0: host 1 free memory ... < 512 MiB
# watermark" line (PE 1's ranks leave for memory), no rank moves onto PE 1 after the first such
# line (a move may not take a host below the watermark, and host 2 stays below it), and the
# checksum equals one rank's.
# Exits 77 (ctest: skipped) without root, network namespaces, unshare or the cgroup v1 memory
# controller. The cgroup and the namespaces are removed however the test ends.
set -u
mosexec=$(readlink -f "$1") solver=$(readlink -f "$2")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/hosts.sh"

args="--nx 512 --ny 512 --iters 8000 --tol 0"

# The machine's cgroup v1 memory hierarchy: its mount point, if mounted at its root.
memcg_mount=$(awk '{
        for (i = 7; i <= NF && $i != "-"; ++i) {}
        if ($(i + 1) == "cgroup" && $4 == "/" && ("," $(i + 3) ",") ~ /,memory,/) { print $5; exit }
    }' /proc/self/mountinfo)
[ "$(id -u)" -ne 0 ] || [ -n "$memcg_mount" ] || skip "no cgroup v1 memory controller mounted"

netns_test_setup 2

cgroup=""  # the cgroup this test made, once it exists
# Removes the cgroup (after the namespaces: netns_down kills what is left in them, so the cgroup is
# empty then), the namespaces and $tmp. Bounded: the kernel may need a moment after the last exit.
cleanup() {
    netns_down "$NETNS_PREFIX"
    if [ -n "$cgroup" ] && [ -d "$cgroup" ]; then
        _round=0
        while [ "$_round" -lt 25 ] && ! rmdir "$cgroup" 2>/dev/null; do
            for _pid in $(cat "$cgroup/cgroup.procs" 2>/dev/null); do
                echo "$_pid" >"$cgroup/../cgroup.procs" 2>/dev/null
            done
            sleep 0.2
            _round=$((_round + 1))
        done
        [ ! -d "$cgroup" ] || echo "WARNING: could not remove $cgroup"
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

echo "== 1 rank: solver $args"
# shellcheck disable=SC2086 # args is a list of words
timeout -k 5 60 "$mosexec" -n 1 "$solver" $args >"$tmp/one.out" || fail "one rank: exit status $?"
want=$(grep '^checksum ' "$tmp/one.out")
[ -n "$want" ] || fail "one rank: no checksum line"
echo "$want"

echo "== 64 ranks on hosts 10.77.0.2:1,10.77.0.3:1, --lb-period 0.2 -v: solver $args"
# UCX over TCP on the veth link only; Open MPI's own traffic on the test network; PEs not bound
# (every stand-in host would put its PE on core 0); rsh_agent.sh makes the cgroup visible.
set -- -n 64 --host 10.77.0.2:1,10.77.0.3:1 \
    --mpirun-arg --mca --mpirun-arg plm_rsh_agent --mpirun-arg "$here/rsh_agent.sh" \
    --mpirun-arg --mca --mpirun-arg oob_tcp_if_include --mpirun-arg 10.77.0.0/24 \
    --mpirun-arg --mca --mpirun-arg btl_tcp_if_include --mpirun-arg 10.77.0.0/24 \
    --tag-output --lb-period 0.2 -v
# shellcheck disable=SC2086
UCX_TLS=tcp,self UCX_NET_DEVICES=eth0 MOSIX_BIND=none \
    timeout -k 10 100 ip netns exec "${NETNS_PREFIX}h0" "$mosexec" "$@" "$solver" $args \
    >"$tmp/many.out" 2>"$tmp/many.err" &
job=$!

# Host 2's PE (PE 1): the solver process in namespace h2.
pe=""
tries=0
while [ -z "$pe" ]; do
    for pid in $(ip netns pids "${NETNS_PREFIX}h2"); do
        [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$solver" ] && pe=$pid
    done
    tries=$((tries + 1))
    [ -n "$pe" ] || [ "$tries" -le 200 ] || fail "no PE started on host 2 within 20 s: $(cat "$tmp/many.err")"
    [ -n "$pe" ] || sleep 0.1
done
sleep 1 # let the job get going: every rank allocated, the balancer measuring

# A cgroup below the PE's own, limited to what the PE holds now plus 64 MiB.
path=$(sed -n 's/^[0-9]*:memory:\(.*\)$/\1/p' "/proc/$pe/cgroup")
[ -n "$path" ] || fail "PE process $pe is in no v1 memory cgroup: $(cat "/proc/$pe/cgroup")"
rss_kb=$(sed -n 's/^VmRSS:[^0-9]*\([0-9]*\) kB$/\1/p' "/proc/$pe/status")
[ -n "$rss_kb" ] || fail "cannot read the resident size of PE process $pe (did the job end?)"
limit=$((rss_kb * 1024 + (64 << 20)))
cgroup="$memcg_mount${path%/}/mosix_balance_$$"
mkdir "$cgroup" || fail "cannot create cgroup $cgroup"
# Where the kernel still can (it was removed in Linux 6.x), charges move with the process (1:
# anonymous pages, 2: file pages), so usage starts at what it holds. Without that the cgroup counts
# only what the PE allocates from now on, and the headroom is about its resident size plus 64 MiB:
# still far below the watermark for the solver's PE.
echo 3 2>/dev/null >"$cgroup/memory.move_charge_at_immigrate" || echo "(charges stay behind: no move_charge_at_immigrate)"
echo "$limit" >"$cgroup/memory.limit_in_bytes" || fail "cannot set $cgroup/memory.limit_in_bytes"
echo "$pe" >"$cgroup/cgroup.procs" || fail "cannot move PE process $pe into $cgroup"
usage=$(cat "$cgroup/memory.usage_in_bytes")
echo "PE process $pe (resident $((rss_kb / 1024)) MiB) in $cgroup: limit $((limit >> 20)) MiB," \
    "usage $((usage >> 20)) MiB, headroom $(((limit - usage) >> 20)) MiB"

wait "$job"
status=$?
cat "$tmp/many.out"
cat "$tmp/many.err" >&2
[ "$status" -ne 124 ] || fail "the job did not finish within 100 s"
[ "$status" -eq 0 ] || fail "64 ranks on 2 hosts: exit status $status"
got=$(sed -n 's/^\[pe [0-9]*\] \(checksum .*\)/\1/p' "$tmp/many.out") # rank 0 may have moved
[ "$got" = "$want" ] || fail "checksum '$got' on 2 hosts differs from '$want' on one rank"

# Balancer lines in the order mosexec got them, without the "[pe N] " tags.
sed -n 's/^\[pe [0-9]*\] \(mosix: PE [0-9]*: balancer: rank .*\)/\1/p' "$tmp/many.err" >"$tmp/lines"
memory_re='^mosix: PE 1: balancer: rank [0-9]+ PE 1 -> PE 0: host 1 free memory [0-9.]+ [KMG]iB < 512 MiB watermark: '
memory=$(grep -Ec "$memory_re" "$tmp/lines")
[ "$memory" -gt 0 ] || fail "no rank left host 2 for memory ($(wc -l <"$tmp/lines") balancer lines)"
onto=$(awk -v re="$memory_re" '$0 ~ re { seen = 1 } seen && / -> PE 1: / { print }' "$tmp/lines")
[ -z "$onto" ] || fail "ranks moved onto host 2 after it fell below the watermark: $onto"
echo "$memory ranks left host 2 for memory, none moved onto it after; checksum identical to one rank: $got"
