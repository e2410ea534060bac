#!/bin/sh
# run_program_test.sh — whole-program checks for ctest (tests/programs.cmake). Each mode runs
# programs as a user would, through mosexec (and Open MPI's mpirun), shows their output, and exits
# non-zero with a "FAIL:" line saying what differed.
#
#   expect   MOSEXEC N REGEX PROG [ARGS...]      exit 0 and stdout matches REGEX
#   fails    MOSEXEC N STATUS REGEX PROG [ARGS...]  exits STATUS, stderr matches REGEX
#   hello    MOSEXEC N PROG                      exactly ranks 0..N-1 say hello, once each
#   checksum MOSEXEC "N1 N2 ..." PROG [MPIRUN "N1 ..." OMPI_PROG] -- [ARGS...]
#            the "checksum" line is identical for every N, under mosix and (if given) Open MPI
#   rss      MOSEXEC N REGEX PROG [ARGS...]      like expect, and reports peak RSS (/usr/bin/time)
#   compare  MOSEXEC MPIRUN N MOSIX_PROG OMPI_PROG   same stdout under mosix and Open MPI
set -u

fail() {
    echo "FAIL: $*"
    exit 1
}

# run FILE_PREFIX COMMAND...: stdout to PREFIX.out, stderr to PREFIX.err, status in $status.
run() {
    prefix=$1
    shift
    "$@" >"$prefix.out" 2>"$prefix.err"
    status=$?
    cat "$prefix.out"
    cat "$prefix.err" >&2
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mode=$1
shift
case $mode in
expect)
    mosexec=$1 n=$2 re=$3
    shift 3
    run "$tmp/r" "$mosexec" -n "$n" "$@"
    [ "$status" -eq 0 ] || fail "exit status $status"
    grep -Eq -e "$re" "$tmp/r.out" || fail "no line matches '$re'"
    ;;
fails)
    mosexec=$1 n=$2 want=$3 re=$4
    shift 4
    run "$tmp/r" "$mosexec" -n "$n" "$@"
    [ "$status" -eq "$want" ] || fail "exit status $status, expected $want"
    grep -Eq -e "$re" "$tmp/r.err" || fail "stderr has no line matching '$re'"
    ;;
hello)
    mosexec=$1 n=$2 prog=$3
    run "$tmp/r" "$mosexec" -n "$n" "$prog"
    [ "$status" -eq 0 ] || fail "exit status $status"
    seq 0 $((n - 1)) | sed "s/.*/Hello from rank & of $n/" >"$tmp/want"
    sort -n -k4 "$tmp/r.out" | cmp -s - "$tmp/want" || fail "not exactly one hello from each of $n ranks"
    ;;
checksum)
    mosexec=$1 counts=$2 prog=$3 mpirun="" ocounts="" oprog=""
    shift 3
    if [ "$1" != "--" ]; then
        mpirun=$1 ocounts=$2 oprog=$3
        shift 3
    fi
    shift # --
    first=""
    agree() { # LABEL: checks $tmp/r.out's checksum against the first one seen
        sum=$(grep '^checksum ' "$tmp/r.out")
        [ -n "$sum" ] || fail "$1: no checksum line"
        [ -n "$first" ] || first=$sum
        [ "$sum" = "$first" ] || fail "$1: '$sum' differs from '$first'"
    }
    for n in $counts; do
        echo "== mosix, $n ranks"
        run "$tmp/r" "$mosexec" -n "$n" "$prog" "$@"
        [ "$status" -eq 0 ] || fail "mosix, $n ranks: exit status $status"
        agree "mosix, $n ranks"
    done
    export OMPI_MCA_rmaps_base_oversubscribe=1
    for n in $ocounts; do
        echo "== Open MPI, $n processes"
        run "$tmp/r" "$mpirun" --allow-run-as-root --oversubscribe --mca pml ob1 -np "$n" "$oprog" "$@"
        [ "$status" -eq 0 ] || fail "Open MPI, $n processes: exit status $status"
        agree "Open MPI, $n processes"
    done
    echo "all runs agree: $first"
    ;;
rss)
    mosexec=$1 n=$2 re=$3
    shift 3
    if [ -x /usr/bin/time ]; then
        run "$tmp/r" /usr/bin/time -f 'peak RSS %M KiB' -o "$tmp/rss" "$mosexec" -n "$n" "$@"
        [ -s "$tmp/rss" ] && echo "$n ranks: $(tail -n 1 "$tmp/rss")"
    else
        run "$tmp/r" "$mosexec" -n "$n" "$@"
        echo "peak RSS not measured: /usr/bin/time is missing (Debian package 'time')"
    fi
    [ "$status" -eq 0 ] || fail "exit status $status"
    grep -Eq -e "$re" "$tmp/r.out" || fail "no line matches '$re'"
    ;;
compare)
    mosexec=$1 mpirun=$2 n=$3 mine=$4 theirs=$5
    run "$tmp/m" "$mosexec" -n "$n" "$mine"
    [ "$status" -eq 0 ] || fail "mosix: exit status $status"
    # ob1 starts fastest; oversubscription lets 7 processes share 2 cores.
    export OMPI_MCA_rmaps_base_oversubscribe=1
    run "$tmp/o" "$mpirun" --allow-run-as-root --oversubscribe --mca pml ob1 -np "$n" "$theirs"
    [ "$status" -eq 0 ] || fail "Open MPI: exit status $status"
    diff -u "$tmp/o.out" "$tmp/m.out" >"$tmp/diff" || {
        cat "$tmp/diff"
        fail "stdout differs between Open MPI (-) and mosix (+)"
    }
    echo "mosix and Open MPI print the same"
    ;;
*)
    fail "unknown mode '$mode'"
    ;;
esac
exit 0
