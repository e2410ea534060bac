#!/bin/sh
# checkpoint.sh MOSEXEC GLOBALS — a checkpoint of a job with one rank per PE holds each rank's
# copy of the program's globals: 3 ranks on 4 PEs moving every round, a checkpoint in round 10 of
# 20; restarted from it on 5 PEs the job must end with the uninterrupted run's checksum (the
# globals — counter, table, checksum — come back from the checkpoint, not from the program file).
# A restart without --rank-per-pe must be refused with a message, not run with shared globals.
set -u
mosexec=$(readlink -f "$1") prog=$(readlink -f "$2")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() {
    echo "FAIL: $*"
    exit 1
}
ok_line() { sed -n 's/^\(globals ok: .*\)$/\1/p' "$1"; }
checksum_of() { printf '%s\n' "$1" | sed -n 's/.*checksum \(0x[0-9a-f]*\)$/\1/p'; }

echo "== 3 ranks on 4 PEs, one rank per PE, checkpoint in round 10 of 20"
timeout -k 5 90 "$mosexec" --rank-per-pe -n 3 --pes 4 --checkpoint-dir "$tmp/ck" "$prog" --rounds 20 --migrate \
    --checkpoint-round 10 >"$tmp/first.out" 2>"$tmp/first.err"
status=$?
cat "$tmp/first.err"
[ "$status" -eq 0 ] || fail "the checkpointing run ended with status $status: $(cat "$tmp/first.out")"
first=$(ok_line "$tmp/first.out")
[ -n "$first" ] || fail "the checkpointing run printed no 'globals ok'"
grep -q 'checkpoint 1 written' "$tmp/first.err" || fail "no checkpoint was reported written"
want=$(checksum_of "$first")
echo "$first"

echo "== restarted on 5 PEs"
timeout -k 5 90 "$mosexec" --rank-per-pe --pes 5 --restart "$tmp/ck" "$prog" >"$tmp/again.out" 2>"$tmp/again.err"
status=$?
cat "$tmp/again.err"
[ "$status" -eq 0 ] || fail "the restart ended with status $status: $(cat "$tmp/again.out")"
again=$(ok_line "$tmp/again.out")
[ -n "$again" ] || { cat "$tmp/again.out" "$tmp/again.err"; fail "the restart printed no 'globals ok'"; }
echo "$again"
[ "$(checksum_of "$again")" = "$want" ] || fail "checksum after the restart differs from $want"

echo "== restarted without --rank-per-pe"
timeout -k 5 90 "$mosexec" --pes 1 --restart "$tmp/ck" "$prog" >"$tmp/shared.out" 2>"$tmp/shared.err"
status=$?
cat "$tmp/shared.out" "$tmp/shared.err"
[ "$status" -ne 0 ] || fail "a restart without --rank-per-pe ran"
grep -q "written by a job with one rank per PE.*restart with --rank-per-pe" "$tmp/shared.err" ||
    fail "no message saying the checkpoint needs --rank-per-pe"
echo "restart on 5 PEs reached checksum $want; a restart without --rank-per-pe was refused"
