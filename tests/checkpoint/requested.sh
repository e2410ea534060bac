#!/bin/sh
# requested.sh MOSEXEC MOSCTL SOLVER — checkpoints the program does not call for: every second
# (mosexec --checkpoint-every 1), and once on an operator's word (mosctl checkpoint). Each must be
# written while the job runs, the job must finish as if nothing happened, and a restart from the
# checkpoint must give the same checksum.
set -u
mosexec=$(readlink -f "$1") mosctl=$(readlink -f "$2") solver=$(readlink -f "$3")
tmp=$(mktemp -d)
job=""
trap '[ -z "$job" ] || kill -9 "$job" 2>/dev/null; rm -rf "$tmp"' EXIT
export MOSIX_CONTROL_DIR="$tmp/ctl"
fail() {
    echo "FAIL: $*"
    exit 1
}
args="--nx 256 --ny 256 --iters 100000 --tol 0"
# shellcheck disable=SC2086 # args is a list of words
want=$(timeout -k 5 120 "$mosexec" -n 16 --pes 1 "$solver" $args | grep '^checksum ')
[ -n "$want" ] || fail "the uninterrupted run printed no checksum"
echo "uninterrupted: $want"

restart_checks() { # DIR WHAT
    got=$(timeout -k 5 120 "$mosexec" --pes 3 --restart "$1" "$solver" 2>"$tmp/restart.err" | grep '^checksum ')
    [ "$got" = "$want" ] || fail "$2: restart on 3 PEs printed '$got' ($(cat "$tmp/restart.err"))"
    echo "$2: restarted on 3 PEs from $(ls "$1" | tail -n 1): $got"
}

echo "== --checkpoint-every 1"
# shellcheck disable=SC2086
got=$(timeout -k 5 120 "$mosexec" -n 16 --pes 2 --checkpoint-dir "$tmp/every" --checkpoint-every 1 \
    --checkpoint-keep 5 "$solver" $args 2>"$tmp/every.err" | grep '^checksum ')
cat "$tmp/every.err"
[ "$got" = "$want" ] || fail "--checkpoint-every: the job printed '$got'"
grep -q 'checkpoint 1 written' "$tmp/every.err" || fail "--checkpoint-every: no checkpoint was written"
restart_checks "$tmp/every" "--checkpoint-every"

echo "== mosctl checkpoint"
# shellcheck disable=SC2086
timeout -k 5 120 "$mosexec" -n 16 --pes 2 --checkpoint-dir "$tmp/asked" "$solver" $args \
    >"$tmp/asked.out" 2>"$tmp/asked.err" &
job=$!
tries=0
# The job's id is its mosexec's pid (not timeout's): it is the only job in this control directory.
until "$mosctl" list 2>/dev/null | grep -q "^[0-9]"; do
    tries=$((tries + 1))
    [ "$tries" -lt 300 ] || fail "the job's control socket did not appear"
    kill -0 "$job" 2>/dev/null || fail "the job ended before mosctl could reach it"
    sleep 0.02
done
"$mosctl" checkpoint || fail "mosctl checkpoint failed"
wait "$job"
status=$?
job=""
cat "$tmp/asked.err"
[ "$status" -eq 0 ] || fail "mosctl checkpoint: the job ended with status $status"
[ "$(grep '^checksum ' "$tmp/asked.out")" = "$want" ] || fail "mosctl checkpoint: the job's checksum changed"
grep -q 'checkpoint 1 written' "$tmp/asked.err" || fail "mosctl checkpoint: no checkpoint was written"
restart_checks "$tmp/asked" "mosctl checkpoint"
