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
