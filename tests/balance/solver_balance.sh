#!/bin/sh
# solver_balance.sh MOSEXEC SOLVER LB F [SOLVER ARGS...] — the periodic balancer on the solver's
# imbalanced plate: 64 ranks on 2 PEs, --lb LB --lb-period 0.2 -v, solver ARGS --imbalance F.
#
# Block placement puts ranks 0..31 on PE 0, and the hot region (the top quarter of the rows, F times
# the work per cell) belongs to ranks 0..15: PE 0 starts with far more work than PE 1.
#   LB refine|greedy  at least one "balancer: rank R PE 0 -> PE 1" line (ranks leave the loaded PE),
#                     and the first decision moves nothing from PE 1 to PE 0: the first balancer line
#                     is PE 0's, and no PE 1 -> PE 0 line comes before PE 0's first decision is
#                     logged in full (a decision's lines share the from-PE's speed figure, which
#                     comes from one snapshot);
#   LB off            no balancer line at all (-v would log any decision);
# and in both cases the checksum equals one rank's without --imbalance, bit for bit (the extra work
# goes to a scratch row, and a move must not change a result).
# Ranks that move back to a PE they left are listed as a note (hysteresis should make that rare);
# they do not fail the test.
set -u
mosexec=$1 solver=$2 lb=$3 imbalance=$4
shift 4

fail() {
    echo "FAIL: $*"
    exit 1
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP

echo "== 1 rank, no imbalance: solver $*"
timeout -k 5 60 "$mosexec" -n 1 "$solver" "$@" >"$tmp/one.out" 2>"$tmp/one.err"
status=$?
cat "$tmp/one.out"
cat "$tmp/one.err" >&2
[ "$status" -eq 0 ] || fail "one rank: exit status $status"
want=$(grep '^checksum ' "$tmp/one.out")
[ -n "$want" ] || fail "one rank: no checksum line"

echo "== 64 ranks on 2 PEs, --lb $lb --lb-period 0.2 -v: solver $* --imbalance $imbalance"
timeout -k 5 90 "$mosexec" -n 64 --pes 2 --lb "$lb" --lb-period 0.2 -v "$solver" "$@" --imbalance "$imbalance" \
    >"$tmp/many.out" 2>"$tmp/many.err"
status=$?
cat "$tmp/many.out"
cat "$tmp/many.err" >&2
[ "$status" -ne 124 ] || fail "64 ranks on 2 PEs did not finish within 90 s"
[ "$status" -eq 0 ] || fail "64 ranks on 2 PEs: exit status $status"
got=$(grep '^checksum ' "$tmp/many.out")
[ "$got" = "$want" ] || fail "checksum '$got' with --lb $lb differs from '$want' on one rank"

grep 'balancer: ' "$tmp/many.err" >"$tmp/lines"
count=$(grep -c 'balancer: rank ' "$tmp/lines")
if [ "$lb" = off ]; then
    [ ! -s "$tmp/lines" ] || fail "--lb off, yet the balancer logged $(wc -l <"$tmp/lines") lines (above)"
    echo "--lb off: no balancer decisions, checksum identical to one rank: $got"
    exit 0
fi

away=$(grep -Ec '^mosix: PE 0: balancer: rank [0-9]+ PE 0 -> PE 1: ' "$tmp/lines")
[ "$away" -gt 0 ] || fail "no rank moved from the loaded PE 0 to PE 1 ($count balancer lines)"
first=$(grep 'balancer: rank ' "$tmp/lines" | head -n 1)
printf '%s\n' "$first" | grep -Eq '^mosix: PE 0: balancer: rank [0-9]+ PE 0 -> PE 1: PE 0 time ' ||
    fail "the first decision is not a load move from PE 0 to PE 1: $first"
# The end of PE 0's first decision: the last line with the same speed figure for PE 0.
speed=$(printf '%s\n' "$first" | sed -n 's/^[^(]*(work [^,]*, speed \([0-9.e+-]*\)).*/\1/p')
[ -n "$speed" ] || fail "cannot read PE 0's speed from: $first"
wrong=$(awk -v speed=", speed $speed)" '
    /balancer: rank / { ++n }
    /^mosix: PE 0: balancer: rank / && index($0, speed) { last = n }
    /balancer: rank [0-9]+ PE 1 -> PE 0: / { back[n] = $0 }
    END { for (i = 1; i <= last; ++i) if (i in back) print back[i] }' "$tmp/lines")
[ -z "$wrong" ] || fail "a rank moved from PE 1 onto the loaded PE 0 during the first decision: $wrong"
firstn=$(grep '^mosix: PE 0: ' "$tmp/lines" | grep -Fc ", speed $speed)")

# Ranks that went back to a PE they had left (not a failure: reported for the balancer's authors).
returns=$(awk '
    /balancer: rank [0-9]+ PE [0-9]+ -> PE [0-9]+:/ {
        for (i = 1; i <= NF; ++i) if ($i == "rank") { r = $(i + 1); from = $(i + 3); to = $(i + 6); break }
        sub(":", "", to)
        left[r, from] = 1
        if ((r, to) in left) {
            printf "%s%s", (out ? ", " : ""), "rank " r " back to PE " to
            out = 1
        }
    }
    END { print "" }' "$tmp/lines")
[ -z "$returns" ] || echo "note: ranks returned to a PE they had left: $returns"
echo "--lb $lb: $count moves, $away from PE 0 to PE 1, first decision $firstn moves off PE 0;" \
    "checksum identical to one rank: $got"
