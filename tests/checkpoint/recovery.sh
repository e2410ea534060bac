#!/bin/sh
# recovery.sh MOSEXEC SOLVER — mosexec --restart-on-failure: 16 ranks on 2 PEs checkpoint early,
# then one PE is killed with SIGKILL; mosexec must say so, start the job again from the
# checkpoint and finish with the checksum of a run that was never interrupted (exit 0).
set -u
mosexec=$(readlink -f "$1") solver=$(readlink -f "$2")
tmp=$(mktemp -d)
job=""
# The job runs in a session of its own: what is killed (the victim, and anything left at the end)
# is this job's, never another one's on the machine.
trap '[ -z "$job" ] || pkill -9 -s "$job" 2>/dev/null; rm -rf "$tmp"' EXIT
fail() {
    echo "FAIL: $*"
    echo "--- stderr of the job:"
    cat "$tmp/err" 2>/dev/null
    exit 1
}
args="--nx 256 --ny 256 --iters 60000 --tol 0"

# shellcheck disable=SC2086 # args is a list of words
want=$(timeout -k 5 120 "$mosexec" -n 16 --pes 1 "$solver" $args | grep '^checksum ')
[ -n "$want" ] || fail "the uninterrupted run printed no checksum"
echo "uninterrupted: $want"

# shellcheck disable=SC2086
setsid timeout -k 5 150 "$mosexec" -n 16 --pes 2 --checkpoint-dir "$tmp/ck" --restart-on-failure=2 "$solver" $args \
    --checkpoint-at 100 >"$tmp/out" 2>"$tmp/err" &
job=$!
tries=0
until grep -q 'checkpoint 1 written' "$tmp/err" 2>/dev/null; do
    tries=$((tries + 1))
    [ "$tries" -lt 3000 ] || fail "no checkpoint written within 60 s"
    kill -0 "$job" 2>/dev/null || fail "the job ended before its checkpoint was written"
    sleep 0.02
done
# A PE is the process whose command line starts with the program (its agent's starts with mosexec).
victim=$(pgrep -s "$job" -f "^$solver" | head -n 1)
[ -n "$victim" ] || fail "no PE process to kill"
kill -9 "$victim"
echo "killed PE process $victim after the checkpoint"
wait "$job"
status=$?
cat "$tmp/err"
[ "$status" -eq 0 ] || fail "the job ended with status $status after the PE was killed"
grep -q 'killed by signal 9' "$tmp/err" || fail "mosexec did not say that a PE was killed"
grep -q 'restarting the job from' "$tmp/err" || fail "mosexec did not restart the job"
got=$(grep '^checksum ' "$tmp/out")
[ "$got" = "$want" ] || fail "checksum '$got' after recovery differs from '$want'"
echo "recovered from the checkpoint: $got"
