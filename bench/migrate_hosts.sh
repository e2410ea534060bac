#!/bin/sh
# migrate_hosts.sh BUILD_DIR [bench_migrate options...] — bench_migrate between two stand-in hosts:
# one PE on each of two network namespaces (tests/netns/hosts.sh: 10.77.0.2 and 10.77.0.3 on a
# private bridge, mosexec in a third, 10.77.0.1), so a moving rank crosses a veth link over UCX's
# TCP transport instead of shared memory. Also measures that link with bench_p2p (1 MiB ping-pong),
# the bound a move between hosts cannot beat, next to the local memcpy bench_migrate reports.
#
# Needs root (network namespaces), ip, unshare and mpirun; exits 77 without them (hosts.sh's skip).
# The namespaces are removed however the script ends (EXIT trap; INT/TERM/HUP exit through it);
# only SIGKILL can leave them, and then `ip netns list | grep mx<pid>` shows what to delete.
# Bounded: each job has a timeout. Options after BUILD_DIR go to bench_migrate (--no-migrate,
# --reps R, --max-mib M). Exit status: bench_migrate's (3: migration not available), 1 on failure.
set -u
build=$(readlink -f "${1:?usage: bench/migrate_hosts.sh BUILD_DIR [bench_migrate options...]}")
shift
here=$(cd "$(dirname "$0")" && pwd)
netns=$here/../tests/netns
mosexec=$build/launcher/mosexec mig=$build/bench/bench_migrate p2p=$build/bench/bench_p2p
for f in "$mosexec" "$mig" "$p2p" "$netns/hosts.sh" "$netns/rsh_agent.sh"; do
    [ -e "$f" ] || { echo "migrate_hosts.sh: $f is missing (build first: ninja -C $build)" >&2; exit 2; }
done
# shellcheck source=tests/netns/hosts.sh
. "$netns/hosts.sh"

# Two hosts besides mosexec's; sets NETNS_PREFIX, $tmp and the clean-up traps.
netns_test_setup 2

# As tests/netns/solver_across_hosts.sh: mpirun reaches the hosts through rsh_agent.sh; its own
# traffic stays on the test network; UCX uses TCP on eth0 only (no shared memory, no loopback
# between hosts); PEs are not bound (every stand-in host would put its PE on core 0).
run_job() {  # run_job SECONDS PROGRAM ARGS... — one PE on each of the two hosts
    secs=$1
    shift
    UCX_TLS=tcp,self UCX_NET_DEVICES=eth0 MOSIX_BIND=none \
        timeout -k 10 "$secs" ip netns exec "${NETNS_PREFIX}h0" "$mosexec" -n 2 \
        --host 10.77.0.2:1,10.77.0.3:1 \
        --mpirun-arg --mca --mpirun-arg plm_rsh_agent --mpirun-arg "$netns/rsh_agent.sh" \
        --mpirun-arg --mca --mpirun-arg oob_tcp_if_include --mpirun-arg 10.77.0.0/24 \
        --mpirun-arg --mca --mpirun-arg btl_tcp_if_include --mpirun-arg 10.77.0.0/24 \
        "$@"
}

printf '%s, %s cores, %s: 2 stand-in hosts (network namespaces), UCX over TCP on veth\n\n' \
    "$(date -u +%Y-%m-%d)" "$(nproc)" "$(uname -r)"

# The link's own speed first: what a rank's bytes can at best cross it at.
# Jobs run in the background and the script waits for them: a signal then interrupts the wait at
# once, and the EXIT trap's netns_down kills whatever runs in the namespaces.
run_job 120 "$p2p" >"$tmp/p2p.out" 2>"$tmp/p2p.err" &
wait $!
st=$?
if [ $st = 0 ]; then
    bw=$(awk 'index($0, "bandwidth 1 MiB") == 1 { print $(NF-1); exit }' "$tmp/p2p.out")
    echo "link reference: 1 MiB ping-pong between the hosts: ${bw:-?} GB/s"
    [ -n "$bw" ] && awk -v b="$bw" 'BEGIN { if (b > 0) printf "  (64 MiB at that rate: %.1f ms)\n", 64 * 1048576 / b / 1e6 }'
else
    echo "link reference: bench_p2p between the hosts failed (exit status $st)"
    cat "$tmp/p2p.err" >&2
fi
echo

run_job 600 "$mig" "$@" >"$tmp/mig.out" 2>"$tmp/mig.err" &
wait $!
st=$?
cat "$tmp/mig.out"
cat "$tmp/mig.err" >&2
case $st in
0) ;;
124 | 137) fail "bench_migrate did not finish within 600 s" ;;
3) echo "migrate_hosts.sh: migration is not available in this build (rerun with --no-migrate for the rest)" ;;
*) echo "migrate_hosts.sh: bench_migrate failed (exit status $st)" ;;
esac
exit $st
