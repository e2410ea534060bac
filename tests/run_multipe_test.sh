#!/bin/sh
# run_multipe_test.sh MOSEXEC N P REGEX PROGRAM [ARGS...] — runs PROGRAM as N ranks on P PEs and
# passes if it exits 0 within the time limit and a line of its output matches REGEX.
set -u
mosexec=$1 n=$2 p=$3 regex=$4
shift 4
out=$(timeout 90 "$mosexec" -n "$n" --pes "$p" "$@" 2>&1)
status=$?
printf '%s\n' "$out"
if [ "$status" -ne 0 ]; then
    echo "FAIL: exit status $status for -n $n --pes $p"
    exit 1
fi
if ! printf '%s\n' "$out" | grep -Eq "$regex"; then
    echo "FAIL: no output line matches: $regex"
    exit 1
fi
