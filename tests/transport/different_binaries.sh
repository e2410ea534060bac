#!/bin/sh
# different_binaries.sh PROGRAM_A PROGRAM_B — two PEs running different builds of a program must
# refuse to start together, with a message saying so, instead of exchanging meaningless pointers.
set -u
a=$1 b=$2
command -v mpirun >/dev/null || { echo "no mpirun: skipped"; exit 77; }
root=""
[ "$(id -u)" = 0 ] && root="--allow-run-as-root"
out=$(MOSIX_NRANKS=2 timeout 60 mpirun $root -x MOSIX_NRANKS -np 1 "$a" : -np 1 "$b" 2>&1)
status=$?
printf '%s\n' "$out"
[ "$status" -ne 0 ] || { echo "FAIL: the job started although its PEs run different binaries"; exit 1; }
printf '%s\n' "$out" | grep -q "differ (binary .* every PE must run the same program build" ||
    { echo "FAIL: no message naming the difference"; exit 1; }
echo "refused as expected"
