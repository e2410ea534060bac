#!/bin/sh
# control_test.sh MODE ... — operator control of running jobs: mosexec's control socket and mosctl
# (ctest, tests/control.cmake). Each mode shows what it ran and exits non-zero with a "FAIL:" line;
# 77 means skipped. Every job runs with its own MOSIX_CONTROL_DIR, so jobs of other test runs (and
# other users of this machine) are never seen.
#
#   dir_mode      MOSEXEC MOSCTL        the socket directory is created 0700, the socket is the
#                                       user's, and both go away when the job ends
#   unsafe_dir    MOSEXEC               a directory open to others is refused with one line, and
#                                       the job runs anyway
#   other_user    MOSEXEC MOSCTL        (root) another uid cannot reach the socket, and one that can
#                                       (CAP_DAC_OVERRIDE) is refused by mosexec's peer check
#   cleanup SIG PES MOSEXEC             SIG to mosexec removes the socket (TERM also ends the job)
#   list          MOSEXEC MOSCTL        mosctl list shows a running job, and removes a stale socket
#   errors        MOSEXEC MOSCTL        out-of-range RANK/PE, unknown job, several jobs
#   reaches PES   MOSEXEC MOSCTL        a command reaches PE 0's MOSIX_CONTROL_FD (1 PE: mosexec's
#                                       child; 2 PEs: through the agent)
#   migrate       MOSEXEC MOSCTL PROG   mosctl migrate 3 1 moves rank 3 of a running 8-rank, 2-PE job
set -u

fail() {
    echo "FAIL: $*"
    exit 1
}

tmp=$(mktemp -d)
# Jobs this script started and has not seen end, and what they may leave behind: killed by id.
started=""
cleanup() {
    for pid in $started; do kill -9 "$pid" 2>/dev/null; done
    rm -rf "$tmp"
}
trap cleanup EXIT
export MOSIX_CONTROL_DIR="$tmp/ctl"
# A shell starts background jobs with SIGINT and SIGQUIT ignored, which mosexec (rightly) keeps;
# restore them.
bg_job() { # OUT COMMAND...: starts the command in the background; $job is its pid
    out=$1
    shift
    env --default-signal=INT,QUIT "$@" >"$out" 2>&1 &
    job=$!
    started="$started $job"
}

# wait_socket PID: waits (at most 20 s) for job PID's control socket.
wait_socket() {
    tries=0
    while [ ! -S "$MOSIX_CONTROL_DIR/$1.sock" ]; do
        tries=$((tries + 1))
        [ "$tries" -le 200 ] || fail "no control socket for job $1 within 20 s"
        kill -0 "$1" 2>/dev/null || fail "job $1 ended before its socket appeared"
        sleep 0.1
    done
}

# wait_end PID SECONDS: waits for background job PID to end; sets $status.
wait_end() {
    tries=0
    while kill -0 "$1" 2>/dev/null; do
        tries=$((tries + 1))
        [ "$tries" -le $(($2 * 10)) ] || fail "job $1 still running after $2 s"
        sleep 0.1
    done
    wait "$1"
    status=$?
    started=$(echo " $started " | sed "s/ $1 / /")  # its pid may now be anyone's
}

# child_of PID: the pid of PID's (only) child.
child_of() { ps -o pid= --ppid "$1" | tr -d ' ' | head -n 1; }

# run_ctl EXPECTED_STATUS REGEX MOSCTL ARGS...: runs mosctl, shows its output, checks both.
run_ctl() {
    want=$1 re=$2
    shift 2
    got=$("$@" 2>&1)
    st=$?
    echo "\$ $*"
    echo "$got"
    [ "$st" -eq "$want" ] || fail "exit status $st, expected $want"
    echo "$got" | grep -Eq -e "$re" || fail "no line matches '$re'"
}

mode=$1
shift
case $mode in
dir_mode)
    mosexec=$1 mosctl=$2
    bg_job "$tmp/out" "$mosexec" -n 2 --pes 1 sleep 30
    wait_socket "$job"
    ls -la "$MOSIX_CONTROL_DIR"
    [ "$(stat -c %a "$MOSIX_CONTROL_DIR")" = 700 ] || fail "the socket directory is not mode 0700"
    [ "$(stat -c %u "$MOSIX_CONTROL_DIR")" = "$(id -u)" ] || fail "the socket directory is not ours"
    [ "$(stat -c %u "$MOSIX_CONTROL_DIR/$job.sock")" = "$(id -u)" ] || fail "the socket is not ours"
    [ "$(stat -c %a "$MOSIX_CONTROL_DIR/$job.sock")" = 700 ] || fail "the socket file is open to others"
    kill -TERM "$job"
    wait_end "$job" 10
    [ "$status" -eq 143 ] || fail "exit status $status after SIGTERM, expected 143"
    [ ! -e "$MOSIX_CONTROL_DIR/$job.sock" ] || fail "the socket outlived its job"
    ;;
unsafe_dir)
    mosexec=$1
    mkdir -m 755 "$MOSIX_CONTROL_DIR"
    out=$("$mosexec" -n 2 --pes 1 echo ran 2>&1)
    st=$?
    echo "$out"
    [ "$st" -eq 0 ] || fail "exit status $st: the job must run without operator control"
    echo "$out" | grep -q "^ran$" || fail "the program did not run"
    echo "$out" | grep -Eq "^mosexec: no operator control for this job \\(mosctl\\): .* is open to other users \\(mode 0755" ||
        fail "no line saying why there is no control socket"
    [ "$(ls -A "$MOSIX_CONTROL_DIR")" = "" ] || fail "a socket was made in the unsafe directory"
    ;;
other_user)
    mosexec=$1 mosctl=$2
    [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null || {
        echo "skipped: needs root and setpriv to act as another user"
        exit 77
    }
    # Another user may pass $tmp (so that what stops it is the socket directory) and run mosctl.
    chmod 755 "$tmp"
    cp "$mosctl" "$tmp/mosctl"
    chmod 755 "$tmp/mosctl"
    bg_job "$tmp/out" "$mosexec" -n 2 --pes 1 sleep 30
    wait_socket "$job"
    nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"
    run_ctl 1 "cannot read $MOSIX_CONTROL_DIR: Permission denied" $nobody "$tmp/mosctl" list
    run_ctl 1 "Permission denied" $nobody "$tmp/mosctl" migrate --job "$job" 1 0
    # With CAP_DAC_OVERRIDE the directory no longer stops it: the peer check must.
    dac="--inh-caps=+dac_override --ambient-caps=+dac_override"
    run_ctl 1 "job $job: this job belongs to uid 0; uid 65534 may not control it" \
        $nobody $dac "$tmp/mosctl" migrate --job "$job" 1 0
    kill -TERM "$job"
    wait_end "$job" 10
    ;;
cleanup)
    sig=$1 pes=$2 mosexec=$3
    bg_job "$tmp/out" "$mosexec" -n 2 --pes "$pes" sleep 30
    wait_socket "$job"
    # With one PE, mosexec's child: a signal that kills mosexec outright leaves it running.
    pe=$([ "$pes" -eq 1 ] && child_of "$job")
    kill -"$sig" "$job"
    wait_end "$job" 10
    [ -n "$pe" ] && kill -9 "$pe" 2>/dev/null
    cat "$tmp/out"
    echo "mosexec ended by SIG$sig with status $status"
    [ ! -e "$MOSIX_CONTROL_DIR/$job.sock" ] || fail "the socket outlived mosexec (SIG$sig)"
    ls -A "$MOSIX_CONTROL_DIR" | grep -q . && fail "files left in the socket directory: $(ls -A "$MOSIX_CONTROL_DIR")"
    ;;
list)
    mosexec=$1 mosctl=$2
    run_ctl 0 "^no running jobs$" "$mosctl" list
    bg_job "$tmp/live" "$mosexec" -n 8 --pes 2 sleep 30
    live=$job
    # A stale socket: its mosexec killed outright (and its program ended by id).
    bg_job "$tmp/dead" "$mosexec" -n 2 --pes 1 sleep 31
    dead=$job
    wait_socket "$dead"
    pe=$(child_of "$dead")
    kill -9 "$dead"
    wait_end "$dead" 10
    [ -n "$pe" ] && kill -9 "$pe"
    [ -S "$MOSIX_CONTROL_DIR/$dead.sock" ] || fail "SIGKILL left no stale socket to test with"
    wait_socket "$live"
    run_ctl 0 "^$live +8 +2  [^ ]*/sleep 30$" "$mosctl" list
    echo "$got" | grep -q "^mosctl: removed the socket of job $dead, whose mosexec is gone$" ||
        fail "the stale socket of job $dead was not reported"
    [ ! -e "$MOSIX_CONTROL_DIR/$dead.sock" ] || fail "the stale socket is still there"
    echo "$got" | grep -q "^$dead " && fail "the dead job is listed"
    kill -TERM "$live"
    wait_end "$live" 10
    ;;
errors)
    mosexec=$1 mosctl=$2
    run_ctl 1 "^mosctl: no running job \\(no job sockets in $MOSIX_CONTROL_DIR\\)$" "$mosctl" migrate 1 1
    bg_job "$tmp/a" "$mosexec" -n 8 --pes 2 sleep 30
    a=$job
    wait_socket "$a"
    run_ctl 1 "^mosctl: job $a: rank '8' is not a rank of this job \\(ranks 0 to 7\\)$" "$mosctl" migrate 8 0
    run_ctl 1 "^mosctl: job $a: PE '2' is not a PE of this job \\(PEs 0 to 1\\)$" "$mosctl" migrate 0 2
    run_ctl 1 "^mosctl: no job 1 \\(no socket " "$mosctl" migrate --job 1 0 1
    bg_job "$tmp/b" "$mosexec" -n 4 --pes 1 sleep 30
    b=$job
    wait_socket "$b"
    run_ctl 1 "^mosctl: 2 jobs are running \\(.*\\): choose one with --job ID$" "$mosctl" migrate 1 0
    run_ctl 0 "^asked the job to move rank 3 to PE 0 " "$mosctl" migrate --job "$b" 3 0
    run_ctl 0 "^asked the job to move rank 7 to PE 1 " "$mosctl" --job "$a" migrate 7 1
    kill -TERM "$a" "$b"
    wait_end "$a" 10
    wait_end "$b" 10
    ;;
reaches)
    pes=$1 mosexec=$2 mosctl=$3
    # PE 0 reads one line from its control descriptor and prints it; other PEs just end.
    # shellcheck disable=SC2016
    prog='[ "${PMIX_RANK:-0}" = 0 ] || exit 0; read -r line <&"$MOSIX_CONTROL_FD"; echo "PE 0 got: $line"'
    bg_job "$tmp/out" "$mosexec" -n 4 --pes "$pes" sh -c "$prog"
    wait_socket "$job"
    run_ctl 0 "^asked the job to move rank 3 to PE $((pes - 1)) " "$mosctl" migrate 3 $((pes - 1))
    wait_end "$job" 20
    cat "$tmp/out"
    [ "$status" -eq 0 ] || fail "exit status $status"
    grep -q "^PE 0 got: migrate 3 $((pes - 1))$" "$tmp/out" || fail "the command did not reach PE 0"
    ;;
migrate)
    mosexec=$1 mosctl=$2 prog=$3
    bg_job "$tmp/out" "$mosexec" -n 8 --pes 2 "$prog" 1 20
    wait_socket "$job"
    # Asked before rank 3 first looks, the move would be over before the program could see it.
    tries=0
    until grep -q "^rank 3 starts on PE" "$tmp/out"; do
        tries=$((tries + 1))
        [ "$tries" -le 200 ] || fail "rank 3 did not say where it starts within 20 s: $(cat "$tmp/out")"
        sleep 0.1
    done
    run_ctl 0 "^asked the job to move rank 3 to PE 1 " "$mosctl" migrate 3 1
    wait_end "$job" 40
    cat "$tmp/out"
    grep -q "^rank 3 starts on PE 0$" "$tmp/out" || fail "rank 3 did not start on PE 0"
    grep -q "^rank 3 moved from PE 0 to PE 1$" "$tmp/out" || fail "rank 3 did not move to PE 1"
    [ "$status" -eq 0 ] || fail "exit status $status"
    ;;
*)
    fail "unknown mode '$mode'"
    ;;
esac
exit 0
