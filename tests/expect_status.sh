#!/bin/sh
# expect_status.sh STATUS REGEX COMMAND [ARGS...] — runs the command, shows its output (stdout and
# stderr), and passes only if it exits with STATUS and a line of its output matches REGEX. The
# command-line tests of mosexec, mosctl and the checkpoint flags are all of this form.
exp=$1
re=$2
shift 2
out=$("$@" 2>&1)
status=$?
printf '%s\n' "$out"
[ "$status" -eq "$exp" ] && printf '%s\n' "$out" | grep -q -e "$re"
