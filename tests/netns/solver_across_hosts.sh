#!/bin/sh
# solver_across_hosts.sh MOSEXEC SOLVER [K] — the solver as 64 ranks on K stand-in hosts (network
# namespaces, hosts.sh), one PE each, talking UCX over TCP on veth links; its checksum must equal
# the one-rank run's. Exits 77 (ctest: skipped) without root, network namespaces or unshare.
set -u
mosexec=$(readlink -f "$1") solver=$(readlink -f "$2") k=${3:-2}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/hosts.sh"

netns_test_setup "$k"

hosts=""
i=1
while [ "$i" -le "$k" ]; do
    hosts="${hosts:+$hosts,}10.77.0.$((i + 1)):1"
    i=$((i + 1))
done

echo "== 1 rank"
"$mosexec" -n 1 "$solver" >"$tmp/one.out" || fail "one rank: exit status $?"
want=$(grep '^checksum ' "$tmp/one.out")
[ -n "$want" ] || fail "one rank: no checksum line"
echo "$want"

echo "== 64 ranks on hosts $hosts"
# UCX over TCP on the veth link only (no shared memory between hosts, no loopback); Open MPI's own
# traffic on the test network; PEs not bound (every stand-in host would put its PE on core 0).
set -- -n 64 --host "$hosts" \
    --mpirun-arg --mca --mpirun-arg plm_rsh_agent --mpirun-arg "$here/rsh_agent.sh" \
    --mpirun-arg --mca --mpirun-arg oob_tcp_if_include --mpirun-arg 10.77.0.0/24 \
    --mpirun-arg --mca --mpirun-arg btl_tcp_if_include --mpirun-arg 10.77.0.0/24 \
    --tag-output
# Like ssh, rsh_agent.sh passes no variables: a sanitized build's settings go along with -x.
for var in ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do
    if env | grep -q "^$var="; then set -- "$@" --mpirun-arg -x --mpirun-arg "$var"; fi
done
set -- "$@" "$solver"
UCX_TLS=tcp,self UCX_NET_DEVICES=eth0 MOSIX_BIND=none \
    timeout -k 10 120 ip netns exec "${NETNS_PREFIX}h0" "$mosexec" "$@" >"$tmp/many.out" 2>"$tmp/many.err"
status=$?
cat "$tmp/many.out"
cat "$tmp/many.err" >&2
[ "$status" -ne 124 ] || fail "the job did not finish within 120 s"
[ "$status" -eq 0 ] || fail "64 ranks on $k hosts: exit status $status"
got=$(sed -n 's/^\[pe [0-9]*\] \(checksum .*\)/\1/p' "$tmp/many.out")  # rank 0 may have moved
[ "$got" = "$want" ] || fail "checksum '$got' on $k hosts differs from '$want' on one rank"
echo "$k hosts agree with one rank: $got"
