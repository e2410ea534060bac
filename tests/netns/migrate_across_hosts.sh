#!/bin/sh
# migrate_across_hosts.sh MODE MOSEXEC PROGRAM [K] — live migration between stand-in hosts
# (network namespaces, hosts.sh): 64 ranks on K hosts (default 2), one PE each, UCX over TCP on
# veth links, ranks moving between hosts while they communicate.
#   storm   PROGRAM is tests/migration/storm: it must print "storm ok" with at least 100
#           migrations (it checks every message, every collective and the job's checksum itself)
#   storm_balanced  the storm for longer with the balancer acting five times a second on gossip
#           twenty times a second: its moves land at any library call, between the storm's own
#           (this is what caught a rank leaving with a held message half fetched)
#   solver  PROGRAM is the solver, run with --migrate-every: its checksum must equal that of one
#           rank that never moves, and it must report migrations
# Exits 77 (ctest: skipped) without root, network namespaces or unshare. Not for sanitizer builds
# (tests/migration.cmake registers it only where ranks can move).
set -u
mode=$1 mosexec=$(readlink -f "$2") prog=$(readlink -f "$3") k=${4:-2}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/hosts.sh"

case $mode in
storm | storm_balanced | solver) ;;
*)
    echo "usage: migrate_across_hosts.sh storm|storm_balanced|solver MOSEXEC PROGRAM [K]" >&2
    exit 2
    ;;
esac

netns_test_setup "$k"

hosts=""
i=1
while [ "$i" -le "$k" ]; do
    hosts="${hosts:+$hosts,}10.77.0.$((i + 1)):1"
    i=$((i + 1))
done

if [ "$mode" = solver ]; then
    args="--nx 256 --ny 256 --iters 400"
    echo "== 1 rank, no migration"
    # shellcheck disable=SC2086 # args is a list of words
    "$mosexec" -n 1 "$prog" $args >"$tmp/one.out" || fail "one rank: exit status $?"
    want=$(grep '^checksum ' "$tmp/one.out")
    [ -n "$want" ] || fail "one rank: no checksum line"
    echo "$want"
    # shellcheck disable=SC2086
    set -- "$prog" $args --migrate-every 50
elif [ "$mode" = storm_balanced ]; then
    export MOSIX_LB=refine MOSIX_LB_PERIOD=0.2 MOSIX_GOSSIP_PERIOD=0.05
    set -- "$prog" --rounds 40
else
    set -- "$prog" --rounds 20
fi

echo "== 64 ranks on hosts $hosts: $*"
job="$*"
# UCX over TCP on the veth link only (no shared memory between hosts, no loopback); Open MPI's own
# traffic on the test network; PEs not bound (every stand-in host would put its PE on core 0).
set -- -n 64 --host "$hosts" \
    --mpirun-arg --mca --mpirun-arg plm_rsh_agent --mpirun-arg "$here/rsh_agent.sh" \
    --mpirun-arg --mca --mpirun-arg oob_tcp_if_include --mpirun-arg 10.77.0.0/24 \
    --mpirun-arg --mca --mpirun-arg btl_tcp_if_include --mpirun-arg 10.77.0.0/24 \
    --tag-output "$@"
UCX_TLS=tcp,self UCX_NET_DEVICES=eth0 MOSIX_BIND=none \
    timeout -k 10 150 ip netns exec "${NETNS_PREFIX}h0" "$mosexec" "$@" >"$tmp/many.out" 2>"$tmp/many.err"
status=$?
cat "$tmp/many.out"
cat "$tmp/many.err" >&2
[ "$status" -ne 124 ] || fail "the job did not finish within 150 s"
[ "$status" -eq 0 ] || fail "$job on $k hosts: exit status $status"

if [ "$mode" = solver ]; then
    # Rank 0 prints from whichever PE it is on by then.
    got=$(sed -n 's/^\[pe [0-9]*\] \(checksum .*\)/\1/p' "$tmp/many.out")
    moves=$(sed -n 's/^\[pe [0-9]*\] migrations \([0-9][0-9]*\)$/\1/p' "$tmp/many.out")
    [ "${moves:-0}" -gt 0 ] || fail "no rank moved"
    [ "$got" = "$want" ] || fail "checksum '$got' on $k hosts differs from '$want' on one rank"
    echo "$moves migrations across $k hosts, checksum identical to one rank: $got"
else
    line=$(sed -n 's/^\[pe [0-9]*\] \(storm ok: .*\)/\1/p' "$tmp/many.out")
    [ -n "$line" ] || fail "no 'storm ok' line"
    moves=$(printf '%s\n' "$line" | sed -n 's/.* rounds, \([0-9][0-9]*\) migrations,.*/\1/p')
    [ "${moves:-0}" -ge 100 ] || fail "only ${moves:-0} migrations (want at least 100)"
    echo "across $k hosts: $line"
fi
