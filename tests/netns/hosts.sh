# hosts.sh — sourced by the netns tests: stand-in hosts on one machine, as network namespaces.
#
#   netns_up PREFIX K   creates K+1 namespaces PREFIXh0 (10.77.0.1, where mosexec runs) and
#                       PREFIXh1..PREFIXhK (10.77.0.2..), each with one interface "eth0", all on a
#                       bridge inside a further namespace PREFIXsw (the "switch"). Nothing is
#                       added to the machine's own network namespace.
#   netns_down PREFIX   kills every process left in those namespaces and deletes them; safe to call
#                       more than once and after a failed netns_up.
#
# Only 10.77.0.0/24, only inside these namespaces; every loop is bounded.

netns_up() {
    _p=$1 _k=$2
    ip netns add "${_p}sw" || return 1
    ip -n "${_p}sw" link add br0 type bridge || return 1
    ip -n "${_p}sw" link set br0 up || return 1
    _i=0
    while [ "$_i" -le "$_k" ]; do
        _ns=${_p}h$_i
        ip netns add "$_ns" || return 1
        ip -n "$_ns" link add eth0 type veth peer name "port$_i" netns "${_p}sw" || return 1
        ip -n "${_p}sw" link set "port$_i" master br0 up || return 1
        ip -n "$_ns" addr add "10.77.0.$((_i + 1))/24" dev eth0 || return 1
        ip -n "$_ns" link set eth0 up || return 1
        ip -n "$_ns" link set lo up || return 1
        _i=$((_i + 1))
    done
    # Wait (at most 5 s) until every bridge port forwards.
    _tries=0
    while bridge -n "${_p}sw" link show | grep -qv 'state forwarding'; do
        _tries=$((_tries + 1))
        [ "$_tries" -lt 25 ] || return 1
        sleep 0.2
    done
}

netns_down() {
    _p=$1
    for _ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^${_p}\(h[0-9]*\|sw\)$"); do
        _round=0
        while [ "$_round" -lt 10 ]; do
            _pids=$(ip netns pids "$_ns" 2>/dev/null)
            [ -n "$_pids" ] || break
            kill -9 $_pids 2>/dev/null
            sleep 0.2
            _round=$((_round + 1))
        done
        ip netns del "$_ns" 2>/dev/null
    done
}

skip() {
    echo "SKIP: $*"
    exit 77
}

fail() {
    echo "FAIL: $*"
    exit 1
}

# netns_test_setup K — what every stand-in-host test does first: skip (exit 77) where network
# namespaces cannot be made, bring up K hosts under a prefix of this process, and tear them down
# (with the temporary directory $tmp) however the test ends.
netns_test_setup() {
    [ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces)"
    command -v ip >/dev/null || skip "no ip command (iproute2)"
    command -v unshare >/dev/null || skip "no unshare command (util-linux)"
    command -v mpirun >/dev/null || skip "no mpirun (openmpi-bin)"
    unshare --uts --ipc true 2>/dev/null || skip "cannot unshare UTS and IPC namespaces"
    export NETNS_PREFIX="mx$$"
    tmp=$(mktemp -d)
    trap 'netns_down "$NETNS_PREFIX"; rm -rf "$tmp"' EXIT
    trap 'exit 1' INT TERM HUP
    if ! netns_up "$NETNS_PREFIX" "$1"; then
        ip netns add "${NETNS_PREFIX}probe" 2>/dev/null || skip "cannot create network namespaces"
        ip netns del "${NETNS_PREFIX}probe"
        fail "could not set up $1 hosts in network namespaces"
    fi
}
