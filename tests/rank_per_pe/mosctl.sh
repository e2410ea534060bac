#!/bin/sh
# mosctl.sh MOSEXEC MOSCTL RANK_MOVES — one rank per PE under operator control: 4 ranks on 5 PEs
# (ranks on PEs 0-3, PE 4 free). `mosctl migrate 3 1` must be refused (PE 1 holds rank 1: the job
# says why on stderr and rank 3 stays), then `mosctl migrate 3 4` must move rank 3 to the free PE.
# The program is tests/control/rank_moves.c, which ends once rank 3 is on PE 4.
set -u
mosexec=$1 mosctl=$2 prog=$3
tmp=$(mktemp -d)
job=""
trap '[ -n "$job" ] && kill -9 "$job" 2>/dev/null; rm -rf "$tmp"' EXIT
fail() {
    echo "FAIL: $*"
    cat "$tmp/out" 2>/dev/null
    exit 1
}
export MOSIX_CONTROL_DIR="$tmp/ctl"
# waits (at most 20 s) until the job's output has a line matching $1
wait_for() {
    tries=0
    until grep -q "$1" "$tmp/out"; do
        tries=$((tries + 1))
        [ "$tries" -le 200 ] || fail "no line '$1' within 20 s"
        kill -0 "$job" 2>/dev/null || fail "the job ended before printing '$1'"
        sleep 0.1
    done
}

env --default-signal=INT,QUIT "$mosexec" --rank-per-pe -n 4 --pes 5 "$prog" 4 30 >"$tmp/out" 2>&1 &
job=$!
wait_for "^rank 3 starts on PE 3$"
"$mosctl" migrate 3 1 || fail "mosctl migrate 3 1: exit status $?"
wait_for "rank 3 stays on PE 3: PE 1 already holds a rank"
"$mosctl" migrate 3 4 || fail "mosctl migrate 3 4: exit status $?"
tries=0
while kill -0 "$job" 2>/dev/null; do
    tries=$((tries + 1))
    [ "$tries" -le 400 ] || fail "the job still runs after 40 s"
    sleep 0.1
done
wait "$job"
status=$?
job=""
cat "$tmp/out"
grep -q "^rank 3 moved from PE 3 to PE 1$" "$tmp/out" && fail "rank 3 was let onto PE 1, which holds rank 1"
grep -q "^rank 3 moved from PE 3 to PE 4$" "$tmp/out" || fail "rank 3 did not move to the free PE 4"
[ "$status" -eq 0 ] || fail "exit status $status"
echo "refused onto an occupied PE, moved onto the free one"
