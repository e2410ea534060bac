#!/bin/sh
# solver_restart.sh MOSEXEC SOLVER MODE [OTHER] — checkpoint/restart of whole jobs with the
# solver's --checkpoint-at K (mosix_checkpoint before iteration K), as a user would run them.
#
#   pes      64 ranks, 256 x 256, 400 iterations: the run that checkpoints before iteration 200 on
#            2 PEs, and its restarts on 1, 4 and 3 PEs, must each print the checksum of the
#            uninterrupted run on 1 PE, bit for bit; the checkpoint must be committed (manifest, one
#            part per rank, no *.tmp left) and the restarts must not write another one.
#   refused  a small checkpoint (8 ranks on 2 PEs, 64 x 64, 100 iterations, checkpoint before 50),
#            then restarts that must fail (non-zero status, within the timeout) naming the problem:
#            a copy with one byte flipped in the middle of rank-5 ("checksum mismatch"), a copy with
#            rank-3 cut to half ("truncated" / "ends early"), the intact checkpoint with another
#            mosix program OTHER ("another build"), a directory with no checkpoint and one with only
#            an uncommitted ckpt-N.tmp ("holds no complete checkpoint"). Last, the intact checkpoint
#            must still restart and print the uninterrupted run's checksum.
#
# Every job runs under timeout; the temporary directory goes however the script ends. A failure is
# one "FAIL:" line and exit status 1.
set -u
usage() {
    echo "usage: solver_restart.sh MOSEXEC SOLVER pes|refused [OTHER_MOSIX_PROGRAM]" >&2
    exit 2
}
[ $# -ge 3 ] || usage
mosexec=$(readlink -f "$1") solver=$(readlink -f "$2") mode=$3
case $mode in
pes) ;;
refused)
    [ $# -ge 4 ] || usage
    other=$(readlink -f "$4")
    ;;
*) usage ;;
esac

fail() {
    echo "FAIL: $*"
    exit 1
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP

# run NAME SECONDS ARGS... — mosexec ARGS, stdout to $tmp/NAME.out, stderr to $tmp/NAME.err, both
# shown; the status in $status (124: the timeout ended it).
run() {
    name=$1 secs=$2
    shift 2
    echo "== mosexec $*"
    timeout -k 5 "$secs" "$mosexec" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
    status=$?
    cat "$tmp/$name.out"
    cat "$tmp/$name.err" >&2
    case $status in 124 | 137) fail "mosexec $*: did not finish within $secs s" ;; esac
}

# must_work NAME WHAT SECONDS ARGS... — the job must exit 0 and print a checksum line, which is
# left in $got.
must_work() {
    name=$1 what=$2 secs=$3
    shift 3
    run "$name" "$secs" "$@"
    [ "$status" -eq 0 ] || fail "$what: exit status $status"
    got=$(grep '^checksum ' "$tmp/$name.out")
    [ -n "$got" ] || fail "$what: no checksum line"
}

# committed DIR SEQ NRANKS — DIR/ckpt-SEQ is a whole checkpoint and the only thing in DIR.
committed() {
    c=$1/$(printf 'ckpt-%08d' "$2")
    [ -f "$c/manifest" ] || fail "no committed checkpoint $c (no manifest)"
    parts=0
    for f in "$c"/rank-*; do
        [ -f "$f" ] && parts=$((parts + 1))
    done
    [ "$parts" -eq "$3" ] || fail "$c holds $parts rank parts, not $3"
    for f in "$1"/* "$1"/.[!.]*; do
        [ ! -e "$f" ] || [ "$f" = "$c" ] || fail "$1 holds more than $c: $f"
    done
}

# refused NAME WHO REGEX ARGS... — the restart must fail, say "cannot restart from" and match the
# extended regex REGEX; the refusal is printed.
refused() {
    name=$1 who=$2 re=$3
    shift 3
    run "$name" 60 "$@"
    [ "$status" -ne 0 ] || fail "$who: the restart succeeded"
    said=$(sed -n '/cannot restart from/{p;q;}' "$tmp/$name.err")
    [ -n "$said" ] || fail "$who: exit status $status without a 'cannot restart from' line"
    printf '%s\n' "$said" | grep -Eq -e "$re" || fail "$who: the refusal does not match '$re': $said"
    refusals="$refusals
  $who (exit status $status):
    $said"
}

if [ "$mode" = pes ]; then
    args="--nx 256 --ny 256 --iters 400"
    # shellcheck disable=SC2086 # args is a list of words
    must_work whole "64 ranks on 1 PE without a checkpoint" 60 -n 64 --pes 1 "$solver" $args
    want=$got

    # shellcheck disable=SC2086
    must_work ckpt "64 ranks on 2 PEs checkpointing before iteration 200" 60 \
        -n 64 --pes 2 --checkpoint-dir "$tmp/ck" "$solver" $args --checkpoint-at 200
    [ "$got" = "$want" ] || fail "the checkpointing run's '$got' differs from '$want' without a checkpoint"
    grep -q "^mosix: checkpoint 1 written: $tmp/ck/ckpt-00000001, 64 ranks, " "$tmp/ckpt.err" ||
        fail "no 'checkpoint 1 written: $tmp/ck/ckpt-00000001, 64 ranks' line"
    committed "$tmp/ck" 1 64

    for p in 1 4 3; do
        must_work "restart$p" "restart on $p PEs" 60 --pes "$p" --restart "$tmp/ck" "$solver"
        grep -q "^mosix: restarting from $tmp/ck/ckpt-00000001 (checkpoint 1, 64 ranks, $p PEs)$" \
            "$tmp/restart$p.err" || fail "restart on $p PEs: no 'restarting from ... ($p PEs)' line"
        [ "$got" = "$want" ] || fail "restart on $p PEs: '$got' differs from '$want' without a checkpoint"
    done
    committed "$tmp/ck" 1 64  # the restarts checkpointed nothing more
    echo "checkpointed on 2 PEs, restarted on 1, 4 and 3 PEs: every run prints $want"
    exit 0
fi

# refused
args="--nx 64 --ny 64 --iters 100"
# shellcheck disable=SC2086 # args is a list of words
must_work ckpt "8 ranks on 2 PEs checkpointing before iteration 50" 60 \
    -n 8 --pes 2 --checkpoint-dir "$tmp/ck" "$solver" $args --checkpoint-at 50
want=$got
committed "$tmp/ck" 1 8
ckpt="ckpt-00000001"
refusals=""

# (a) One byte of rank-5 flipped (every bit of it), in the middle of the part.
cp -R "$tmp/ck" "$tmp/flipped"
part=$tmp/flipped/$ckpt/rank-5
at=$(($(wc -c <"$part") / 2))
byte=$(od -An -tu1 -j "$at" -N 1 "$part" | tr -d ' ')
[ -n "$byte" ] || fail "cannot read byte $at of $part"
printf '%b' "\\0$(printf '%03o' $((byte ^ 255)))" | dd of="$part" bs=1 seek="$at" count=1 conv=notrunc 2>/dev/null
cmp -s "$tmp/ck/$ckpt/rank-5" "$part" && fail "could not flip byte $at of $part"
refused flipped "rank-5 with byte $at flipped" "rank-5 checksum mismatch" \
    --pes 2 --restart "$tmp/flipped" "$solver"

# (b) rank-3 cut to half its size.
cp -R "$tmp/ck" "$tmp/cut"
part=$tmp/cut/$ckpt/rank-3
size=$(wc -c <"$part")
dd if="$tmp/ck/$ckpt/rank-3" of="$part" bs="$((size / 2))" count=1 2>/dev/null
[ "$(wc -c <"$part")" -eq $((size / 2)) ] || fail "could not cut $part to $((size / 2)) bytes"
refused cut "rank-3 cut to $((size / 2)) of $size bytes" "rank-3 (is truncated|ends early)" \
    --pes 2 --restart "$tmp/cut" "$solver"

# (c) The intact checkpoint with another mosix program.
refused other "another program (${other##*/})" "another build" --pes 2 --restart "$tmp/ck" "$other"

# (d) Nothing to restart from: an empty directory, and one holding only an uncommitted checkpoint
# (what a crash while writing leaves).
mkdir "$tmp/empty" "$tmp/uncommitted"
cp -R "$tmp/ck/$ckpt" "$tmp/uncommitted/$ckpt.tmp"
refused empty "an empty directory" "holds no complete checkpoint" --pes 2 --restart "$tmp/empty" "$solver"
refused uncommitted "a directory with only $ckpt.tmp" "holds no complete checkpoint" \
    --pes 2 --restart "$tmp/uncommitted" "$solver"

# The refusals were about the damage: the intact checkpoint still restarts.
must_work intact "the intact checkpoint" 60 --pes 2 --restart "$tmp/ck" "$solver"
[ "$got" = "$want" ] || fail "the intact checkpoint's restart prints '$got', not '$want'"

echo "every damaged or missing checkpoint was refused:$refusals"
echo "and the intact one restarts: $got"
