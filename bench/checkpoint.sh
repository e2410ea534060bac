#!/bin/sh
# checkpoint.sh BUILD_DIR — what a checkpoint costs against the ranks' memory, and what a restart
# from it takes: the solver (examples/solver.c) as 8 ranks on 2 PEs on grids of 1024, 2048 and 4096
# squared (each rank holds two (rows+2) x nx double arrays: 16, 64 and 256 MiB over all ranks)
# checkpoints before iteration 2 of 4 (--checkpoint-at 2 --iters 4), then restarts from it on 2 PEs.
# Builds nothing: build BUILD_DIR first. Called by bench/run.sh with CHECKPOINT=1.
#
#   written   size, time and rate from the job's own line, "mosix: checkpoint 1 written: ..., X MiB in
#             T s (R MiB/s)": from the first part opened to the commit (every part and the manifest
#             written and fsync'd, the directory renamed), with the ranks suspended throughout
#   restart   wall clock of the whole `mosexec --pes 2 --restart DIR solver` run: start-up (mpirun,
#             two PEs, UCX) + reading and checking every part + the last 2 iterations + exit. The
#             start-up reference is a run of 8 ranks on 2 PEs on a 64 x 64 grid, 1 iteration, no
#             checkpoint; "less start-up" is restart minus it, about the reading. The checkpoint was
#             just written, so the restart reads it from the page cache unless DROP_CACHES=1 (root:
#             sync and drop the machine's clean caches before each restart; it slows whatever else
#             runs on the machine for a while)
#   disk      the file system's sequential write rate for comparison: dd of 256 MiB of zeros with
#             conv=fsync into the same directory
#
# GRIDS="1024 2048" runs only those grid sizes (default "1024 2048 4096"; multiples of 8).
# Each figure is the best of $REPEAT runs (default 2); every restart must print the checkpointing
# run's checksum. Checkpoints go to a temporary directory under $CKPT_TMP (default ${TMPDIR:-/tmp}),
# removed however the script ends; it needs about 300 MiB free there. Bounded: every job runs under
# timeout (120 s). Exit status: 0, 1 if a job failed or a checksum differed, 2 if BUILD_DIR is not
# built.
set -u
build=$(readlink -f "${1:?usage: bench/checkpoint.sh BUILD_DIR}")
mosexec=$build/launcher/mosexec
solver=$build/examples/solver
for f in "$mosexec" "$solver"; do
    [ -x "$f" ] || { echo "checkpoint.sh: $f is missing: build first (ninja -C $build)" >&2; exit 2; }
done
REPEAT=${REPEAT:-2}
export LC_ALL=C  # dd's and awk's decimal points

tmp=$(mktemp -d "${CKPT_TMP:-${TMPDIR:-/tmp}}/mosix-ckpt-bench.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP

note() { echo "checkpoint.sh: $*" >&2; }
failures=0
failed() {
    note "FAILED: $*"
    failures=$((failures + 1))
}
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
# min A B: the smaller number; "" counts as none.
min() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "") print b; else if (b == "") print a; else print (b < a) ? b : a }'; }

# job NAME ARGS... — mosexec ARGS under timeout, stdout and stderr to $tmp/NAME.out and .err;
# the wall clock in $wall, the status in $status.
job() {
    name=$1
    shift
    t0=$(now)
    timeout -k 5 120 "$mosexec" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
    status=$?
    wall=$(elapsed "$t0" "$(now)")
    if [ "$status" -ne 0 ]; then
        failed "mosexec $*: exit status $status$([ "$status" -eq 124 ] && echo ' (timeout)')"
        sed 's/^/  | /' "$tmp/$name.err" >&2
        return 1
    fi
}

fstype=$(df -PT "$tmp" 2>/dev/null | awk 'NR == 2 { print $2 }')
printf '%s, %s cores, %s; checkpoints in %s (%s)\n\n' "$(date -u +%Y-%m-%d)" "$(nproc)" "$(uname -r)" \
    "${tmp%/*}" "${fstype:-?}"

# The disk's own sequential write rate (fsync'd): the best of $REPEAT.
disk_s=""
i=0
while [ "$i" -lt "$REPEAT" ]; do
    s=$(dd if=/dev/zero of="$tmp/f" bs=1M count=256 conv=fsync 2>&1 | sed -n 's/.* copied, \([0-9.]*\) s,.*/\1/p')
    rm -f "$tmp/f"
    [ -n "$s" ] && disk_s=$(min "$disk_s" "$s")
    i=$((i + 1))
done
disk=$(awk -v s="$disk_s" 'BEGIN { if (s > 0) printf "%.0f", 256 / s; else print "n/a" }')
echo "disk: dd bs=1M count=256 conv=fsync: ${disk_s:-?} s, $disk MiB/s"

# Start-up reference: a job that does next to nothing, as many ranks on as many PEs.
startup=""
i=0
while [ "$i" -lt "$REPEAT" ]; do
    job start -n 8 --pes 2 "$solver" --nx 64 --ny 64 --iters 1 && startup=$(min "$startup" "$wall")
    i=$((i + 1))
done
echo "start-up reference: 8 ranks on 2 PEs, 64 x 64, 1 iteration: ${startup:-n/a} s wall clock"
echo

printf '| %-11s | %-11s | %-11s | %-10s | %-12s | %-7s | %-10s | %-13s |\n' grid "rank memory" checkpoint \
    "written in" "write rate" "of disk" restart "less start-up"
printf '|%s|%s|%s|%s|%s|%s|%s|%s|\n' ------------- ------------- ------------- ------------ \
    -------------- --------- ------------ ---------------
ranks=8
for n in ${GRIDS:-1024 2048 4096}; do
    # Each rank's two arrays of (rows + 2) x n doubles, over all ranks (n is a multiple of 8).
    mem=$(awk -v n="$n" -v r="$ranks" 'BEGIN { printf "%.1f", 2 * r * (n / r + 2) * n * 8 / 1048576 }')
    best_rate="" size="" secs="" restart="" want=""
    i=0
    while [ "$i" -lt "$REPEAT" ]; do
        i=$((i + 1))
        rm -rf "$tmp/ck"
        job ckpt -n "$ranks" --pes 2 --checkpoint-dir "$tmp/ck" --checkpoint-keep 1 \
            "$solver" --nx "$n" --ny "$n" --iters 4 --checkpoint-at 2 || continue
        # "mosix: checkpoint 1 written: DIR, 8 ranks, X MiB in T s (R MiB/s)"
        line=$(sed -n 's/^mosix: checkpoint 1 written: .*, \([0-9.]*\) MiB in \([0-9.]*\) s (\([0-9.]*\) MiB\/s)$/\1 \2 \3/p' \
            "$tmp/ckpt.err")
        [ -n "$line" ] || { failed "$n x $n: no 'checkpoint 1 written' line"; continue; }
        sum=$(grep '^checksum ' "$tmp/ckpt.out")
        [ -n "$want" ] || want=$sum
        [ "$sum" = "$want" ] || failed "$n x $n: the checkpointing runs disagree: '$sum', '$want'"
        # shellcheck disable=SC2086 # three numbers
        set -- $line
        if [ -z "$best_rate" ] || awk -v a="$3" -v b="$best_rate" 'BEGIN { exit !(a > b) }'; then
            size=$1 secs=$2 best_rate=$3
        fi
        if [ "${DROP_CACHES:-0}" = 1 ]; then
            sync
            echo 3 >/proc/sys/vm/drop_caches 2>/dev/null || note "cannot drop caches (not root?)"
        fi
        job restart --pes 2 --restart "$tmp/ck" "$solver" || continue
        got=$(grep '^checksum ' "$tmp/restart.out")
        [ "$got" = "$want" ] || { failed "$n x $n: the restart prints '$got', not '$want'"; continue; }
        restart=$(min "$restart" "$wall")
    done
    rm -rf "$tmp/ck"
    ofdisk=$(awk -v r="$best_rate" -v d="$disk" 'BEGIN { if (r == "" || d == "n/a" || d == 0) print "-"; else printf "%.0f %%", 100 * r / d }')
    less=$(awk -v r="$restart" -v s="$startup" 'BEGIN { if (r == "" || s == "") print "-"; else printf "%.2f s", r - s }')
    printf '| %-11s | %7s MiB | %7s MiB | %8s s | %6s MiB/s | %7s | %8s s | %13s |\n' "$n x $n" "$mem" \
        "${size:-n/a}" "${secs:-n/a}" "${best_rate:-n/a}" "$ofdisk" \
        "$(awk -v r="$restart" 'BEGIN { if (r == "") print "n/a"; else printf "%.2f", r }')" "$less"
done
echo
echo "8 ranks on 2 PEs checkpoint before iteration 2 of 4 (solver --checkpoint-at 2 --iters 4) and"
echo "restart from it on 2 PEs; best of $REPEAT. written in / write rate: the job's own figures, parts and"
echo "manifest fsync'd; of disk: that rate over dd's. restart: wall clock of the whole mosexec --restart"
echo "run, start-up included; less start-up: minus the reference job's wall clock."
if [ "${DROP_CACHES:-0}" = 1 ]; then
    echo "Caches were dropped before every restart: it read the checkpoint from the disk."
else
    echo "The restarts read checkpoints just written, from the page cache (DROP_CACHES=1: from the disk)."
fi
[ "$failures" -eq 0 ] || exit 1
