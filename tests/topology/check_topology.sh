#!/bin/sh
# check_topology.sh MOSEXEC PE_BINDING — where PEs run, seen from inside a job and from
# `mosexec --topology` (runtime/topology.hpp has the rule: PE k on the k-th allowed core, first PU).
#
#   1. 4 ranks on 2 PEs: each PE is bound to exactly one CPU, the two to different CPUs when this
#      host has two cores for them, and ranks 0-1 are on PE 0, 2-3 on PE 1 (block placement);
#   2. MOSIX_BIND=none: the PEs keep every CPU this process may use;
#   3. mosexec --topology with the same job names, for each PE, the PU the PE really ran on, and the
#      ranks it holds; with no program, it exits 0 having run nothing; for a host list it gives each
#      host the PEs mpirun gives it (checked against mpirun --display-map by hand: nodea:2, nodeb:1,
#      nodec:3 and 11 PEs -> 0-3, 4-6, 7-10).
# Exit 0 pass, 1 fail (a FAIL: line says why), 77 (skip) only when this mosexec has no --topology
# and everything else passed.
set -u
mosexec=$1 prog=$2

fail() {
    echo "FAIL: $*"
    exit 1
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

allowed=$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/self/status)
cores=$(nproc)

"$mosexec" -n 4 --pes 2 "$prog" >"$tmp/bound" || fail "bound run: exit status $?"
cat "$tmp/bound"
pe0=$(sed -n 's/^rank 0 pe 0 cpus //p' "$tmp/bound")
pe1=$(sed -n 's/^rank 2 pe 1 cpus //p' "$tmp/bound")
[ -n "$pe0" ] && [ -n "$pe1" ] || fail "ranks 0 and 2 are not on PEs 0 and 1"
grep -q "^rank 1 pe 0 " "$tmp/bound" && grep -q "^rank 3 pe 1 " "$tmp/bound" || fail "not in blocks"
case "$pe0$pe1" in *[,-]*) fail "a PE may run on more than one CPU: '$pe0', '$pe1'" ;; esac
[ "$cores" -lt 2 ] || [ "$pe0" != "$pe1" ] || fail "both PEs on CPU $pe0 though there are $cores cores"

MOSIX_BIND=none "$mosexec" -n 2 --pes 2 "$prog" >"$tmp/unbound" || fail "MOSIX_BIND=none run: exit $?"
cat "$tmp/unbound"
[ "$(grep -c " cpus $allowed\$" "$tmp/unbound")" -eq 2 ] || fail "MOSIX_BIND=none PEs do not keep $allowed"

if ! "$mosexec" --topology >"$tmp/alone" 2>&1; then
    if grep -q "unknown option '--topology'" "$tmp/alone"; then
        echo "this mosexec has no --topology: its checks are skipped"
        exit 77
    fi
    cat "$tmp/alone"
    fail "mosexec --topology alone: exit status not 0"
fi
cat "$tmp/alone"
grep -q "^host .*(hwloc " "$tmp/alone" || fail "no host line"
"$mosexec" --topology -n 4 --pes 2 "$prog" >"$tmp/report" || fail "--topology with a program: exit $?"
cat "$tmp/report"
grep -q "^rank " "$tmp/report" && fail "--topology ran the program"
grep -q "^  PE 0 -> .*PU $pe0): ranks 0-1\$" "$tmp/report" || fail "PE 0 ran on CPU $pe0, not as reported"
grep -q "^  PE 1 -> .*PU $pe1): ranks 2-3\$" "$tmp/report" || fail "PE 1 ran on CPU $pe1, not as reported"
"$mosexec" --topology -n 11 --pes 11 --host nodea:2,nodeb:1,nodec:3 >"$tmp/hosts" || fail "hosts: exit $?"
cat "$tmp/hosts"
grep -q "^  nodea .* PEs 0-3" "$tmp/hosts" && grep -q "^  nodeb .* PEs 4-6" "$tmp/hosts" &&
    grep -q "^  nodec .* PEs 7-10" "$tmp/hosts" || fail "PEs on hosts differ from mpirun's mapping"
echo "PASS"
