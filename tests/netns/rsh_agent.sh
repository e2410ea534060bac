#!/bin/sh
# rsh_agent.sh HOST COMMAND... — mpirun's "ssh" for the netns tests (--mca plm_rsh_agent): runs
# COMMAND, a remote shell command line as ssh would pass it, "on" HOST, an address 10.77.0.N of a
# namespace made by hosts.sh (NETNS_PREFIX names them).
#
# Each stand-in host also gets its own hostname and IPC namespace (unshare --uts --ipc), or UCX
# would take the PEs for neighbours and use shared memory between them; and, like a login over ssh,
# a fresh environment, so that the job's variables get there only through mpirun's -x.
#
# And the cgroup v1 memory hierarchy, where a real host has it: `ip netns exec` gives the command a
# mount namespace with a fresh sysfs on /sys, which hides /sys/fs/cgroup, and a PE finds the memory
# limit that caps its free memory (the balancer's memory pressure) through /proc/self/mountinfo.
# The mounts are made in that private mount namespace (its mounts are slaves of the machine's), so
# nothing changes outside it; a machine without the v1 memory controller just goes without.
host=$1
shift
case $host in
10.77.0.*) n=$((${host#10.77.0.} - 1)) ;;
*)
    echo "rsh_agent.sh: '$host' is not a netns test host (10.77.0.N)" >&2
    exit 255
    ;;
esac
ns=${NETNS_PREFIX:?NETNS_PREFIX is not set}h$n
# shellcheck disable=SC2016 # the inner shell expands $1 and $*
exec ip netns exec "$ns" unshare --uts --ipc \
    env -i PATH="$PATH" HOME="${HOME:-/}" LANG=C sh -c '
        { mount -t tmpfs -o size=64k,mode=755 cgroup_root /sys/fs/cgroup && mkdir /sys/fs/cgroup/memory &&
            mount -t cgroup -o memory cgroup /sys/fs/cgroup/memory; } 2>/dev/null
        hostname "$1" && shift && exec sh -c "$*"' sh "host$n" "$@"
