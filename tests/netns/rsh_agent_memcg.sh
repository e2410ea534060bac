#!/bin/sh
# rsh_agent_memcg.sh HOST COMMAND... — rsh_agent.sh for tests that limit a stand-in host's memory
# with a cgroup: the same, plus the cgroup v1 memory hierarchy mounted where a real host has it.
#
# Why: `ip netns exec` gives the command a mount namespace of its own with a fresh sysfs on /sys
# (so that /sys/class/net shows the namespace's interfaces), and that hides the cgroup hierarchies
# mounted under /sys/fs/cgroup. A PE finds its memory cgroup, and so the limit that caps its free
# memory, through /proc/self/mountinfo; without the mount it would see only the machine's
# MemAvailable. The mounts are made in that private mount namespace (ip netns exec makes its mounts
# slaves of the machine's), so nothing changes outside it, and they go away with its last process.
host=$1
shift
case $host in
10.77.0.*) n=$((${host#10.77.0.} - 1)) ;;
*)
    echo "rsh_agent_memcg.sh: '$host' is not a netns test host (10.77.0.N)" >&2
    exit 255
    ;;
esac
ns=${NETNS_PREFIX:?NETNS_PREFIX is not set}h$n
# shellcheck disable=SC2016 # the inner shell expands $1 and $*
exec ip netns exec "$ns" unshare --uts --ipc \
    env -i PATH="$PATH" HOME="${HOME:-/}" LANG=C sh -c '
        mount -t tmpfs -o size=64k,mode=755 cgroup_root /sys/fs/cgroup &&
            mkdir /sys/fs/cgroup/memory &&
            mount -t cgroup -o memory cgroup /sys/fs/cgroup/memory || exit 255
        hostname "$1" && shift && exec sh -c "$*"' sh "host$n" "$@"
