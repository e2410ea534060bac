#!/bin/sh
# rsh_agent.sh HOST COMMAND... — mpirun's "ssh" for the netns tests (--mca plm_rsh_agent): runs
# COMMAND, a remote shell command line as ssh would pass it, "on" HOST, an address 10.77.0.N of a
# namespace made by hosts.sh (NETNS_PREFIX names them).
#
# Each stand-in host also gets its own hostname and IPC namespace (unshare --uts --ipc), or UCX
# would take the PEs for neighbours and use shared memory between them; and, like a login over ssh,
# a fresh environment, so that the job's variables get there only through mpirun's -x.
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
exec ip netns exec "$ns" unshare --uts --ipc \
    env -i PATH="$PATH" HOME="${HOME:-/}" LANG=C sh -c 'hostname "$1" && shift && exec sh -c "$*"' sh "host$n" "$@"
