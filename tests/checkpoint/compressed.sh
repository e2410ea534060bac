#!/bin/sh
# compressed.sh MOSEXEC SOLVER — mosexec --checkpoint-compress: the parts are zstd streams (they
# start with zstd's frame magic), smaller than the plain ones, and a restart from them on another
# number of PEs gives the uninterrupted run's checksum; a flipped byte in one is refused.
set -u
mosexec=$(readlink -f "$1") solver=$(readlink -f "$2")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() {
    echo "FAIL: $*"
    exit 1
}
args="--nx 256 --ny 256 --iters 400"
# shellcheck disable=SC2086 # args is a list of words
want=$(timeout -k 5 120 "$mosexec" -n 64 --pes 1 "$solver" $args | grep '^checksum ')
[ -n "$want" ] || fail "the uninterrupted run printed no checksum"
for mode in plain zstd; do
    flag=""
    [ "$mode" = zstd ] && flag="--checkpoint-compress"
    # shellcheck disable=SC2086 # args and flag are lists of words
    timeout -k 5 120 "$mosexec" -n 64 --pes 2 --checkpoint-dir "$tmp/$mode" $flag "$solver" $args \
        --checkpoint-at 200 >/dev/null 2>"$tmp/$mode.err" || fail "the $mode checkpointing run failed"
    cat "$tmp/$mode.err"
done
magic=$(od -A n -t x1 -N 4 "$tmp/zstd/ckpt-00000001/rank-7" | tr -d ' ')
[ "$magic" = 28b52ffd ] || fail "a compressed part starts with $magic, not zstd's frame magic"
plain=$(du -sk "$tmp/plain/ckpt-00000001" | cut -f1)
zstd=$(du -sk "$tmp/zstd/ckpt-00000001" | cut -f1)
echo "plain ${plain} KiB, zstd ${zstd} KiB"
[ "$zstd" -lt "$plain" ] || fail "the compressed checkpoint is not smaller"
got=$(timeout -k 5 120 "$mosexec" --pes 3 --restart "$tmp/zstd" "$solver" | grep '^checksum ')
[ "$got" = "$want" ] || fail "restart from the compressed checkpoint: '$got', want '$want'"
echo "restarted on 3 PEs from the compressed checkpoint: $got"
part="$tmp/zstd/ckpt-00000001/rank-7"
size=$(wc -c <"$part")
printf '\377' | dd of="$part" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
if timeout -k 5 60 "$mosexec" --pes 2 --restart "$tmp/zstd" "$solver" >/dev/null 2>"$tmp/bad.err"; then
    fail "a damaged compressed part was accepted"
fi
grep -q 'cannot restart from' "$tmp/bad.err" || fail "no clear refusal: $(cat "$tmp/bad.err")"
echo "refused: $(grep -m1 'cannot restart from' "$tmp/bad.err")"
