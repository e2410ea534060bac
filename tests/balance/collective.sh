#!/bin/sh
# collective.sh MOSEXEC COLLECTIVE — tests/balance/collective.c as 16 ranks on 2 PEs, twice:
#   --lb refine  the program must report at least one rank that changed PE inside mosix_balance()
#                and none that moved elsewhere; -v must log as many "mosix_balance: rank R PE a ->
#                PE b" lines as it counted moves, at least one of them off PE 0 (where block placement
#                put the heavy ranks 0..7), and no periodic "balancer:" decision (--lb-period 3600:
#                the moves are the collective's);
#   --lb off     nobody moves, nothing is logged, and the checksum is the first job's (it depends on
#                the computation only, not on where ranks ran).
# The program checks its Allreduce checksum after every iteration itself.
set -u
mosexec=$1 prog=$2

fail() {
    echo "FAIL: $*"
    exit 1
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP

# run LB: the job with --lb LB; its final line goes to $tmp/LB.line.
run() {
    echo "== 16 ranks on 2 PEs, --lb $1 --lb-period 3600 --gossip-period 0.1 -v"
    timeout -k 5 90 "$mosexec" -n 16 --pes 2 --lb "$1" --lb-period 3600 --gossip-period 0.1 -v "$prog" \
        >"$tmp/$1.out" 2>"$tmp/$1.err"
    status=$?
    cat "$tmp/$1.out"
    cat "$tmp/$1.err" >&2
    [ "$status" -ne 124 ] || fail "--lb $1: the job did not finish within 90 s"
    [ "$status" -eq 0 ] || fail "--lb $1: exit status $status"
    grep '^collective ok: ' "$tmp/$1.out" >"$tmp/$1.line" || fail "--lb $1: no 'collective ok' line"
}

run refine
line=$(cat "$tmp/refine.line")
printf '%s\n' "$line" |
    grep -Eq '^collective ok: 16 ranks, lb refine, 4 balance calls, [1-9][0-9]* ranks moved at mosix_balance, 0 moved elsewhere, checksum 0x[0-9a-f]{16}$' ||
    fail "--lb refine: unexpected summary: $line"
moved=$(printf '%s\n' "$line" | sed 's/.* calls, \([0-9]*\) ranks moved.*/\1/')
logged=$(grep -Ec '^mosix: PE [0-9]+: mosix_balance: rank [0-9]+ PE [0-9]+ -> PE [0-9]+: ' "$tmp/refine.err")
[ "$logged" -eq "$moved" ] || fail "--lb refine: $moved ranks moved, but -v logged $logged mosix_balance moves"
off0=$(grep -Ec '^mosix: PE 0: mosix_balance: rank [0-9]+ PE 0 -> PE 1: ' "$tmp/refine.err")
[ "$off0" -gt 0 ] || fail "--lb refine: no rank moved off PE 0, which holds the heavy ranks"
! grep -q 'balancer: ' "$tmp/refine.err" || fail "--lb refine: the periodic balancer decided (above)"
sum=${line##*checksum }

run off
line=$(cat "$tmp/off.line")
[ "$line" = "collective ok: 16 ranks, lb off, 4 balance calls, 0 ranks moved at mosix_balance, 0 moved elsewhere, checksum $sum" ] ||
    fail "--lb off: unexpected summary (want 0 moves and checksum $sum): $line"
! grep -q 'mosix_balance: \|balancer: ' "$tmp/off.err" || fail "--lb off: balance decisions logged (above)"
echo "mosix_balance moved $moved ranks ($off0 off PE 0) with the balancer on, none with it off; checksum $sum both times"
