#!/bin/sh
# solver_migrate.sh MOSEXEC SOLVER N P K [SOLVER ARGS...] — the solver as N ranks on P PEs, each
# rank moving to another PE every K iterations (--migrate-every K), must print the same checksum,
# bit for bit, as one rank that never moves; and the ranks must really have moved.
set -u
mosexec=$1 solver=$2 n=$3 p=$4 k=$5
shift 5

fail() {
    echo "FAIL: $*"
    exit 1
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== 1 rank, no migration: solver $*"
timeout -k 5 60 "$mosexec" -n 1 "$solver" "$@" >"$tmp/one.out" 2>"$tmp/one.err"
status=$?
cat "$tmp/one.out"
cat "$tmp/one.err" >&2
[ "$status" -eq 0 ] || fail "one rank: exit status $status"
want=$(grep '^checksum ' "$tmp/one.out")
[ -n "$want" ] || fail "one rank: no checksum line"

echo "== $n ranks on $p PEs, a move every $k iterations: solver $* --migrate-every $k"
timeout -k 5 90 "$mosexec" -n "$n" --pes "$p" "$solver" "$@" --migrate-every "$k" >"$tmp/many.out" 2>"$tmp/many.err"
status=$?
cat "$tmp/many.out"
cat "$tmp/many.err" >&2
[ "$status" -ne 124 ] || fail "$n ranks on $p PEs did not finish within 90 s"
[ "$status" -eq 0 ] || fail "$n ranks on $p PEs: exit status $status"
got=$(grep '^checksum ' "$tmp/many.out")
moves=$(sed -n 's/^migrations \([0-9][0-9]*\)$/\1/p' "$tmp/many.out")
[ -n "$moves" ] || fail "no 'migrations' line"
[ "$moves" -gt 0 ] || fail "no rank moved"
[ "$got" = "$want" ] || fail "'$got' with $moves migrations differs from '$want' on one rank"
echo "$moves migrations, checksum identical to one rank: $got"
