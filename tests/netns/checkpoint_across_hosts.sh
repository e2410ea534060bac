#!/bin/sh
# checkpoint_across_hosts.sh MOSEXEC SOLVER — checkpoint/restart between stand-in hosts (network
# namespaces, hosts.sh): the solver as 64 ranks on 2 hosts, one PE each, checkpoints before
# iteration 200 of 400 (--checkpoint-at 200) into a directory every namespace sees (they share the
# file system); then the job restarts from that checkpoint on 4 hosts. Both runs must print the
# checksum of the uninterrupted run on 1 PE, bit for bit, and the restart must say it resumed
# checkpoint 1 on 4 PEs. UCX over TCP on the veth links, as migrate_across_hosts.sh.
# Exits 77 (ctest: skipped) without root, network namespaces or unshare. Not for sanitizer builds
# (tests/checkpoint.cmake registers it only where checkpoints can be written).
set -u
[ $# -eq 2 ] || {
    echo "usage: checkpoint_across_hosts.sh MOSEXEC SOLVER" >&2
    exit 2
}
mosexec=$(readlink -f "$1") solver=$(readlink -f "$2")
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/netns/hosts.sh
. "$here/hosts.sh"

# h0 (mosexec) and h1..h4; $tmp, removed with the namespaces however the script ends.
netns_test_setup 4

# hosts K: the first K stand-in hosts, one PE each.
hosts() {
    _h="" _i=1
    while [ "$_i" -le "$1" ]; do
        _h="${_h:+$_h,}10.77.0.$((_i + 1)):1"
        _i=$((_i + 1))
    done
    echo "$_h"
}

# on_hosts NAME K ARGS... — mosexec ARGS from h0 with one PE on each of the first K hosts; stdout
# to $tmp/NAME.out, stderr to $tmp/NAME.err (both shown), and the checksum line in $got.
on_hosts() {
    name=$1 k=$2
    shift 2
    echo "== on $k hosts: mosexec $*"
    # UCX over TCP on the veth link only (no shared memory between hosts, no loopback); Open MPI's
    # own traffic on the test network; PEs not bound (every stand-in host would put its PE on core 0).
    UCX_TLS=tcp,self UCX_NET_DEVICES=eth0 MOSIX_BIND=none \
        timeout -k 10 120 ip netns exec "${NETNS_PREFIX}h0" "$mosexec" --host "$(hosts "$k")" \
        --mpirun-arg --mca --mpirun-arg plm_rsh_agent --mpirun-arg "$here/rsh_agent.sh" \
        --mpirun-arg --mca --mpirun-arg oob_tcp_if_include --mpirun-arg 10.77.0.0/24 \
        --mpirun-arg --mca --mpirun-arg btl_tcp_if_include --mpirun-arg 10.77.0.0/24 \
        --tag-output "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
    status=$?
    cat "$tmp/$name.out"
    cat "$tmp/$name.err" >&2
    case $status in 124 | 137) fail "on $k hosts: mosexec $*: did not finish within 120 s" ;; esac
    [ "$status" -eq 0 ] || fail "on $k hosts: mosexec $*: exit status $status"
    # Rank 0 prints from whichever PE it is on.
    got=$(sed -n 's/^\[pe [0-9]*\] \(checksum .*\)/\1/p' "$tmp/$name.out")
    [ -n "$got" ] || fail "on $k hosts: no checksum line"
}

args="--nx 256 --ny 256 --iters 400"
echo "== 64 ranks on 1 PE here, no checkpoint"
# shellcheck disable=SC2086 # args is a list of words
timeout -k 5 60 "$mosexec" -n 64 --pes 1 "$solver" $args >"$tmp/one.out" 2>"$tmp/one.err"
status=$?
cat "$tmp/one.out"
cat "$tmp/one.err" >&2
[ "$status" -eq 0 ] || fail "64 ranks on 1 PE: exit status $status"
want=$(grep '^checksum ' "$tmp/one.out")
[ -n "$want" ] || fail "64 ranks on 1 PE: no checksum line"

ck=$tmp/ck
# shellcheck disable=SC2086
on_hosts ckpt 2 -n 64 --checkpoint-dir "$ck" "$solver" $args --checkpoint-at 200
[ "$got" = "$want" ] || fail "the checkpointing run on 2 hosts prints '$got', not '$want'"
grep -q "mosix: checkpoint 1 written: $ck/ckpt-00000001, 64 ranks, " "$tmp/ckpt.err" ||
    fail "no 'checkpoint 1 written: $ck/ckpt-00000001, 64 ranks' line"
[ -f "$ck/ckpt-00000001/manifest" ] || fail "no committed checkpoint $ck/ckpt-00000001"

on_hosts restart 4 --restart "$ck" "$solver"
grep -q "mosix: restarting from $ck/ckpt-00000001 (checkpoint 1, 64 ranks, 4 PEs)$" "$tmp/restart.err" ||
    fail "no 'restarting from $ck/ckpt-00000001 (checkpoint 1, 64 ranks, 4 PEs)' line"
[ "$got" = "$want" ] || fail "the restart on 4 hosts prints '$got', not '$want'"
echo "checkpointed on 2 hosts, restarted on 4 hosts: $got, as on 1 PE without a checkpoint"
