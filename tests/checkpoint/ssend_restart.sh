#!/bin/sh
# ssend_restart.sh MOSEXEC SSEND_MIGRATE — checkpoints with a synchronous send in the middle of its
# life: one while it is unmatched (its bytes already in the receiver's queue), one just after the
# receive matched it (the sender may not have heard yet). Each checkpointing run must finish, and a
# restart from its checkpoint on 1 and 3 PEs must finish the same way: the sender's MPI_Wait
# returns only after the match, so a match lost in the checkpoint would hang (the timeout fails it).
set -u
mosexec=$(readlink -f "$1") prog=$(readlink -f "$2")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() {
    echo "FAIL: $*"
    exit 1
}
for which in unmatched matched; do
    echo "== checkpoint with the send $which, 3 ranks on 3 PEs"
    rm -rf "$tmp/ck"
    timeout -k 5 60 "$mosexec" -n 3 --pes 3 --checkpoint-dir "$tmp/ck" "$prog" --checkpoint "$which" \
        >"$tmp/first.out" 2>"$tmp/first.err" || {
        cat "$tmp/first.out" "$tmp/first.err"
        fail "the checkpointing run ended with status $?"
    }
    cat "$tmp/first.out"
    grep -q '^ssend_migrate ok: 6 scenarios$' "$tmp/first.out" || fail "the checkpointing run did not finish its 6 scenarios"
    grep -q 'checkpoint 1 written' "$tmp/first.err" || fail "no checkpoint was reported written"
    for pes in 1 3; do
        echo "== restarted on $pes PEs"
        timeout -k 5 60 "$mosexec" --pes "$pes" --restart "$tmp/ck" "$prog" >"$tmp/again.out" 2>"$tmp/again.err" || {
            cat "$tmp/again.out" "$tmp/again.err"
            fail "the restart on $pes PEs ended with status $?"
        }
        cat "$tmp/again.out"
        grep -q '^ssend_migrate ok: 6 scenarios$' "$tmp/again.out" || fail "the restart on $pes PEs did not finish"
    done
done
echo "synchronous sends finished across checkpoints, unmatched and matched, restarted on 1 and 3 PEs"
