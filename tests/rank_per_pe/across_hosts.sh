#!/bin/sh
# across_hosts.sh MOSEXEC GLOBALS — one rank per PE with PEs on two stand-in hosts (network
# namespaces, tests/netns/hosts.sh): 2 ranks on 4 PEs, two per host, so both ranks start on the
# first host and every round one moves to a free PE, across the veth link half of the time. Each
# rank's globals must arrive with it (the program checks them after every move).
# Exits 77 (ctest: skipped) without root, network namespaces or unshare.
set -u
mosexec=$(readlink -f "$1") prog=$(readlink -f "$2")
here=$(cd "$(dirname "$0")/../netns" && pwd)
. "$here/hosts.sh"
netns_test_setup 2

set -- --rank-per-pe -n 2 --pes 4 --host 10.77.0.2:2,10.77.0.3:2 \
    --mpirun-arg --mca --mpirun-arg plm_rsh_agent --mpirun-arg "$here/rsh_agent.sh" \
    --mpirun-arg --mca --mpirun-arg oob_tcp_if_include --mpirun-arg 10.77.0.0/24 \
    --mpirun-arg --mca --mpirun-arg btl_tcp_if_include --mpirun-arg 10.77.0.0/24 \
    --tag-output "$prog" --rounds 12 --migrate --collide
UCX_TLS=tcp,self UCX_NET_DEVICES=eth0 MOSIX_BIND=none \
    timeout -k 10 150 ip netns exec "${NETNS_PREFIX}h0" "$mosexec" "$@" >"$tmp/out" 2>"$tmp/err"
status=$?
cat "$tmp/out"
cat "$tmp/err" >&2
[ "$status" -ne 124 ] || fail "the job did not finish within 150 s"
[ "$status" -eq 0 ] || fail "exit status $status"
line=$(sed -n 's/^\[pe [0-9]*\] \(globals ok: .*\)/\1/p' "$tmp/out")
[ -n "$line" ] || fail "no 'globals ok' line"
printf '%s\n' "$line" | grep -q "^globals ok: 2 ranks, 12 rounds, 12 migrations ([1-9][0-9]* between hosts)" ||
    fail "not 12 migrations, some between hosts: $line"
echo "across 2 hosts: $line"
