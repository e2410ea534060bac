#!/bin/sh
# launcher_multipe.sh MODE MOSEXEC ... — whole-job checks of mosexec with several PEs (ctest,
# tests/multipe.cmake). Each mode shows what it ran and exits non-zero with a "FAIL:" line.
#
#   default_pes MOSEXEC SOLVER     -n 64 with the default PE count (this host's cores) gives the
#                                  one-rank checksum; --dry-run shows that PE count
#   kill_pe     MOSEXEC SOLVER     kill -9 of one PE: mosexec exits 137 within 5 s, with one line
#                                  naming the PE, its pid and host; nothing of the job is left
#   stop SIGNAL MOSEXEC SOLVER     SIGNAL (TERM, INT, HUP) to mosexec ends the whole job: exit
#                                  128+signal within 5 s, nothing left
#   lines       MOSEXEC PROG       long_lines from 8 ranks on 2 PEs: every line arrives whole
#   stdin       MOSEXEC PROG       stdin reaches rank 0, on PE 0 ([pe 0] tag)
#   first_exit  MOSEXEC            the first failing PE's exit status is mosexec's, at once
set -u

fail() {
    echo "FAIL: $*"
    exit 1
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# job_pes ROOT EXE: pids of the descendants of ROOT that run EXE (the PEs, not their agents).
job_pes() {
    for pid in $(ps -eo pid=,ppid= | awk -v root="$1" '
        { parent[$1] = $2 }
        END { for (p in parent) { q = p; while (q in parent && q != root && q > 1) q = parent[q];
                                  if (q == root && p != root) print p } }'); do
        [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$2" ] && echo "$pid"
    done
}

# wait_pes ROOT EXE N: waits (at most 20 s) until N PEs run.
wait_pes() {
    tries=0
    while [ "$(job_pes "$1" "$2" | wc -l)" -lt "$3" ]; do
        tries=$((tries + 1))
        [ "$tries" -le 200 ] || fail "the job's $3 PEs did not start within 20 s"
        kill -0 "$1" 2>/dev/null || fail "mosexec ended before its PEs started: $(cat "$tmp/err")"
        sleep 0.1
    done
}

# wait_end PID LIMIT_MS: waits for the background job PID; sets $status and $took (ms).
wait_end() {
    start=$(now_ms)
    tries=0
    while kill -0 "$1" 2>/dev/null && [ "$tries" -lt $(($2 / 50 + 40)) ]; do
        sleep 0.05
        tries=$((tries + 1))
    done
    took=$(($(now_ms) - start))
    kill -0 "$1" 2>/dev/null && { kill -9 "$1"; fail "mosexec still running after ${took} ms"; }
    wait "$1"
    status=$?
    [ "$took" -le "$2" ] || fail "mosexec took ${took} ms to end (limit $2 ms)"
}

# nothing_left MARKER: no process whose command line holds MARKER (PE or agent) is alive.
nothing_left() {
    sleep 0.2
    left=$(pgrep -f -- "$1")
    [ -z "$left" ] || fail "processes of the job are still running: $(ps -o pid,args -p "$(echo $left | tr ' ' ,)")"
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mode=$1
shift
# A long solver run whose command line is unique to this test run.
marker="--iters $((100000000 + $$))"

case $mode in
default_pes)
    mosexec=$1 solver=$2
    line=$("$mosexec" -n 64 --dry-run "$solver") || fail "--dry-run failed"
    echo "$line"
    pes=$(echo "$line" | sed -n 's/.*MOSIX_PES=\([0-9]*\).*/\1/p')
    cores=$(nproc)
    [ -n "$pes" ] && [ "$pes" -ge 1 ] && [ "$pes" -le 64 ] || fail "no PE count in the --dry-run line"
    [ "$cores" -lt 2 ] || [ "$pes" -ge 2 ] || fail "$cores CPUs, yet the default is $pes PE"
    [ "$pes" -eq 1 ] || echo "$line" | grep -q -- "-np $pes " || fail "mpirun is not asked for $pes PEs"
    "$mosexec" -n 1 "$solver" >"$tmp/one" || fail "-n 1: exit status $?"
    "$mosexec" -n 64 "$solver" >"$tmp/many" || fail "-n 64 on $pes PEs: exit status $?"
    one=$(grep '^checksum ' "$tmp/one") many=$(grep '^checksum ' "$tmp/many")
    echo "1 rank: $one; 64 ranks on $pes PEs: $many"
    [ -n "$one" ] && [ "$one" = "$many" ] || fail "the checksums differ"
    ;;
kill_pe)
    mosexec=$1 solver=$2
    set -- -n 8 --pes 2 "$solver" --nx 512 --ny 512 --tol 0 $marker
    "$mosexec" "$@" >"$tmp/out" 2>"$tmp/err" &
    job=$!
    wait_pes "$job" "$solver" 2
    sleep 0.5  # past start-up: the job is computing
    victim=$(job_pes "$job" "$solver" | tail -n 1)
    echo "killing PE process $victim: $(ps -o args= -p "$victim")"
    kill -9 "$victim"
    wait_end "$job" 5000
    cat "$tmp/err"
    echo "mosexec ended ${took} ms after the kill, status $status"
    [ "$status" -eq 137 ] || fail "exit status $status, expected 137"
    grep -Eq "^mosexec: PE [01] \\(pid $victim\\) on host [^ ]+ was killed by signal 9 \\(SIGKILL\\)$" "$tmp/err" ||
        fail "no line naming the PE, its pid and host"
    # mosexec says it once; the surviving PE may add the runtime's own view ("mosix: ...").
    [ "$(grep -c '^mosexec:' "$tmp/err")" -eq 1 ] || fail "mosexec printed more than that one line"
    ! grep -qv -e '^mosexec: PE' -e '^mosix: ' "$tmp/err" || fail "other messages on stderr"
    nothing_left "$marker"
    ;;
stop)
    sig=$1 mosexec=$2 solver=$3
    # A shell starts background jobs with SIGINT ignored, which mosexec (rightly) keeps; restore it.
    env --default-signal=INT "$mosexec" -n 8 --pes 2 "$solver" --nx 512 --ny 512 --tol 0 $marker \
        >"$tmp/out" 2>"$tmp/err" &
    job=$!
    wait_pes "$job" "$solver" 2
    kill -"$sig" "$job"
    wait_end "$job" 5000
    cat "$tmp/err"
    case $sig in HUP) want=129 ;; INT) want=130 ;; TERM) want=143 ;; *) fail "signal $sig?" ;; esac
    echo "mosexec ended ${took} ms after SIG$sig, status $status"
    [ "$status" -eq "$want" ] || fail "exit status $status, expected $want"
    nothing_left "$marker"
    ;;
lines)
    mosexec=$1 prog=$2
    for stream in out err; do
        for len in 200 5000 100000; do
            "$mosexec" -n 8 --pes 2 "$prog" "$len" 200 "$stream" >"$tmp/1" 2>"$tmp/2" || fail "exit status $?"
            [ "$stream" = out ] && got=$tmp/1 || got=$tmp/2
            total=$(wc -l <"$got")
            # Whole: LEN copies of one rank's letter (ranks 0..7 print a..h), nothing else.
            whole=$(awk -v len="$len" '{ c = substr($0, 1, 1) }
                c >= "a" && c <= "h" && gsub(c, "") == len && $0 == "" { n++ } END { print n + 0 }' "$got")
            echo "std$stream, lines of $len: $whole of $total lines whole (1600 expected)"
            [ "$total" -eq 1600 ] && [ "$whole" -eq 1600 ] || fail "lines were torn or lost"
        done
    done
    ;;
stdin)
    mosexec=$1 prog=$2
    out=$(echo "hello rank zero" | "$mosexec" -n 4 --pes 2 --tag-output "$prog") || fail "exit status $?"
    echo "$out"
    [ "$out" = "[pe 0] rank 0 read: hello rank zero" ] || fail "stdin did not reach rank 0 on PE 0"
    ;;
first_exit)
    mosexec=$1
    start=$(now_ms)
    "$mosexec" -n 2 --pes 2 sh -c '[ "$PMIX_RANK" = 1 ] && exit 7; sleep 30'
    status=$? took=$(($(now_ms) - start))
    echo "exit status $status after ${took} ms"
    [ "$status" -eq 7 ] || fail "exit status $status, expected PE 1's 7"
    [ "$took" -lt 5000 ] || fail "PE 0 was not ended at once"
    ;;
*)
    fail "unknown mode '$mode'"
    ;;
esac
exit 0
