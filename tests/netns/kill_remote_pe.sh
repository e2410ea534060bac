#!/bin/sh
# kill_remote_pe.sh MOSEXEC SOLVER — a PE on a stand-in host (network namespace, hosts.sh) killed
# with SIGKILL: mosexec exits 137 within 5 s with one line naming that PE, its pid and its host,
# and no process is left in any of the namespaces. Exits 77 (ctest: skipped) where network
# namespaces cannot be made.
set -u
mosexec=$(readlink -f "$1") solver=$(readlink -f "$2")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/hosts.sh"

netns_test_setup 2

set -- -n 8 --host 10.77.0.2:1,10.77.0.3:1 \
    --mpirun-arg --mca --mpirun-arg plm_rsh_agent --mpirun-arg "$here/rsh_agent.sh" \
    --mpirun-arg --mca --mpirun-arg oob_tcp_if_include --mpirun-arg 10.77.0.0/24
# Like ssh, rsh_agent.sh passes no variables: a sanitized build's settings go along with -x.
for var in ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do
    if env | grep -q "^$var="; then set -- "$@" --mpirun-arg -x --mpirun-arg "$var"; fi
done
UCX_TLS=tcp,self UCX_NET_DEVICES=eth0 MOSIX_BIND=none \
    timeout -k 5 60 ip netns exec "${NETNS_PREFIX}h0" "$mosexec" "$@" \
    "$solver" --nx 512 --ny 512 --tol 0 --iters 1000000000 >"$tmp/out" 2>"$tmp/err" &
job=$!

# The PE on the second stand-in host (PE 1): the solver process in namespace h2.
victim=""
tries=0
while [ -z "$victim" ]; do
    for pid in $(ip netns pids "${NETNS_PREFIX}h2"); do
        [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$solver" ] && victim=$pid
    done
    tries=$((tries + 1))
    [ -n "$victim" ] || [ "$tries" -le 200 ] || fail "no PE started on host 2 within 20 s: $(cat "$tmp/err")"
    [ -n "$victim" ] || sleep 0.1
done
sleep 0.5  # let the job get going
echo "killing PE process $victim in ${NETNS_PREFIX}h2"
start=$(($(date +%s%N) / 1000000))
kill -9 "$victim"
wait "$job"
status=$?
took=$(($(date +%s%N) / 1000000 - start))
cat "$tmp/err"
echo "mosexec ended ${took} ms after the kill, status $status"
[ "$status" -eq 137 ] || fail "exit status $status, expected 137"
[ "$took" -le 5000 ] || fail "mosexec took ${took} ms (limit 5000)"
grep -Eq "^mosexec: PE 1 \\(pid $victim\\) on host host2 was killed by signal 9 \\(SIGKILL\\)$" "$tmp/err" ||
    fail "no line naming PE 1, its pid and host2"
# mosexec says it once; the surviving PE may add the runtime's own view ("mosix: ...").
[ "$(grep -c '^mosexec:' "$tmp/err")" -eq 1 ] || fail "mosexec printed more than that one line"
! grep -qv -e '^mosexec: PE' -e '^mosix: ' "$tmp/err" || fail "other messages on stderr"
for n in 0 1 2; do
    left=$(ip netns pids "${NETNS_PREFIX}h$n")
    [ -z "$left" ] || fail "processes left on host $n: $left"
done
echo "PE 1 reported, nothing left on any host"
