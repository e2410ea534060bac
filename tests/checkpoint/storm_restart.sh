#!/bin/sh
# storm_restart.sh MOSEXEC STORM — a checkpoint taken in the middle of the migration storm, with
# messages in flight (sent, not yet received; rendezvous ones too), and the storm finished from it
# on other numbers of PEs. The storm checks every message, collective and its own memory as it
# goes; the job's checksum (summed over what receivers got) must be the uninterrupted run's.
set -u
mosexec=$(readlink -f "$1") storm=$(readlink -f "$2")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() {
    echo "FAIL: $*"
    exit 1
}
ok_line() { sed -n 's/^\(storm ok: .*\)$/\1/p' "$1"; }
checksum_of() { printf '%s\n' "$1" | sed -n 's/.*checksum \(0x[0-9a-f]*\)$/\1/p'; }

echo "== 64 ranks on 2 PEs, checkpoint in round 8 of 16"
timeout -k 5 150 "$mosexec" -n 64 --pes 2 --checkpoint-dir "$tmp/ck" "$storm" --rounds 16 \
    --checkpoint-round 8 >"$tmp/first.out" 2>"$tmp/first.err" || {
    cat "$tmp/first.err"
    fail "the checkpointing run ended with status $?"
}
first=$(ok_line "$tmp/first.out")
[ -n "$first" ] || fail "the checkpointing run printed no 'storm ok'"
grep -q 'checkpoint 1 written' "$tmp/first.err" || fail "no checkpoint was reported written"
want=$(checksum_of "$first")
echo "$first"

for pes in 3 1; do
    echo "== restarted on $pes PEs"
    timeout -k 5 150 "$mosexec" --pes "$pes" --restart "$tmp/ck" "$storm" >"$tmp/again.out" 2>"$tmp/again.err" || {
        cat "$tmp/again.err"
        fail "the restart on $pes PEs ended with status $?"
    }
    again=$(ok_line "$tmp/again.out")
    [ -n "$again" ] || fail "the restart on $pes PEs printed no 'storm ok'"
    echo "$again"
    [ "$(checksum_of "$again")" = "$want" ] || fail "checksum after the restart on $pes PEs differs from $want"
done
echo "the storm finished from its checkpoint on 3 and 1 PEs with checksum $want"
