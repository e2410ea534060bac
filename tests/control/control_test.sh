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
#   mosmon        MOSEXEC MOSCTL MOSMON SOLVER
#                                       mosmon in a real terminal (tmux) on a 64-rank, 2-PE solver:
#                                       what it shows, its keys (views, sort), a resize; mosctl show;
#                                       mosctl stop ends the job
#   drain         MOSEXEC MOSCTL PROG   mosctl drain 1 empties PE 1 of a running 16-rank job, nothing
#                                       goes back there, and the job completes with correct sums
#   report MIGRATE MOSEXEC MOSCTL PROG  mosexec --report: valid HTML, and its data match the run
#                                       (MIGRATE=1: one mosctl migrate, so exactly one migration)
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

# migrate_rank3 MOSCTL: once rank 3 has said where it starts (asked before that, the move would be
# over before the program could see it), asks the job to move it to PE 1.
migrate_rank3() {
    tries=0
    until grep -q "^rank 3 starts on PE" "$tmp/out"; do
        tries=$((tries + 1))
        [ "$tries" -le 200 ] || fail "rank 3 did not say where it starts within 20 s: $(cat "$tmp/out")"
        sleep 0.1
    done
    run_ctl 0 "^asked the job to move rank 3 to PE 1 " "$1" migrate 3 1
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
    migrate_rank3 "$mosctl"
    wait_end "$job" 40
    cat "$tmp/out"
    grep -q "^rank 3 starts on PE 0$" "$tmp/out" || fail "rank 3 did not start on PE 0"
    grep -q "^rank 3 moved from PE 0 to PE 1$" "$tmp/out" || fail "rank 3 did not move to PE 1"
    [ "$status" -eq 0 ] || fail "exit status $status"
    ;;
mosmon)
    mosexec=$1 mosctl=$2 mosmon=$3 prog=$4
    command -v tmux >/dev/null || { echo "SKIP: tmux is not installed"; exit 77; }
    bg_job "$tmp/out" "$mosexec" -n 64 --pes 2 "$prog" --nx 512 --ny 512 --iters 100000000 --tol 0
    wait_socket "$job"
    # Both PEs heard from (the first gossip period): every PE line has its figures.
    tries=0
    until "$mosmon" --plain --width 120 >"$tmp/plain" 2>&1 && grep -q "^PE 1 " "$tmp/plain" &&
        ! grep -q "no figures" "$tmp/plain"; do
        tries=$((tries + 1))
        [ "$tries" -le 150 ] || fail "no figures from both PEs within 30 s: $(cat "$tmp/plain")"
        sleep 0.2
    done
    echo "\$ mosmon --plain --width 120"
    cat "$tmp/plain"
    grep -q "^64 ranks on 2 PEs" "$tmp/plain" || fail "--plain does not say 64 ranks on 2 PEs"
    # The RANKS column follows the memory figures ("5.1M/19.7G").
    ranks=$(sed -En 's|^PE [01] .* [0-9.]+[BKMGT]?/[0-9.]+[BKMGT]? +([0-9]+) .*|\1|p' "$tmp/plain" |
        awk '{ n += $1 } END { print n }')
    [ "$ranks" = 64 ] || fail "the PE lines' rank counts add up to '$ranks', not 64"
    run_ctl 0 "^64 ranks on 2 PEs" "$mosctl" show
    # The live view, in a terminal of 120 x 40.
    tsock="$tmp/tmux.sock"
    tmux -S "$tsock" -f /dev/null new-session -d -s mon -x 120 -y 40 \
        "env MOSIX_CONTROL_DIR=$MOSIX_CONTROL_DIR $mosmon --delay 0.3; sleep 30"
    screen() { tmux -S "$tsock" capture-pane -p -t mon >"$tmp/screen"; }
    # expect_screen REGEX WHAT: waits (at most 10 s) until the screen shows REGEX.
    expect_screen() {
        tries=0
        until screen && grep -Eq "$1" "$tmp/screen"; do
            tries=$((tries + 1))
            [ "$tries" -le 50 ] || { cat "$tmp/screen"; fail "the screen does not show $2"; }
            sleep 0.2
        done
    }
    expect_screen "^PE 1 +[^ ]+ +\[[#.]+ *\] [0-9.]+ x[0-9.]+ \[" "PE 1's line with its load and memory bars"
    echo "--- mosmon, 120 x 40 (PEs view)"
    cat "$tmp/screen"
    grep -q "^view: PEs" "$tmp/screen" || fail "the PEs view is not the first"
    grep -Eq "^PE 0 .* [0-9]+\.[0-9]s" "$tmp/screen" || fail "PE 0's line has no age"
    tmux -S "$tsock" send-keys -t mon r
    expect_screen "^view: ranks" "the ranks view after r"
    expect_screen "rank 63 +PE [01]" "rank 63"
    cells=$(grep -oE "rank [0-9]+ +PE [01]" "$tmp/screen" | wc -l)
    echo "--- ranks view: $cells rank cells"
    [ "$cells" -eq 64 ] || { cat "$tmp/screen"; fail "the ranks view shows $cells ranks, not 64"; }
    tmux -S "$tsock" send-keys -t mon h
    expect_screen "^view: hosts" "the hosts view after h"
    expect_screen "^[^ ]+ +2 +\[" "the host's line (2 PEs, a load bar)"
    tmux -S "$tsock" send-keys -t mon p s
    expect_screen "^view: PEs .*sort: load" "the sort by load after s"
    # Smaller: the lines fit the new width (the age column stays), the bars shrink.
    tmux -S "$tsock" resize-window -t mon -x 80 -y 24
    expect_screen "^PE 0 .{20,60}[0-9]\.[0-9]s" "PE 0's whole line (to its age) in 80 columns"
    echo "--- mosmon after resizing to 80 x 24"
    cat "$tmp/screen"
    awk 'length > 80 { exit 1 }' "$tmp/screen" || fail "a line is wider than 80 columns"
    tmux -S "$tsock" send-keys -t mon q
    tries=0
    while screen && grep -q "^view:" "$tmp/screen"; do
        tries=$((tries + 1))
        [ "$tries" -le 50 ] || fail "mosmon is still on the screen 10 s after q"
        sleep 0.2
    done
    tmux -S "$tsock" kill-server
    run_ctl 0 "^stopping the job" "$mosctl" stop
    wait_end "$job" 30
    [ "$status" -eq 143 ] || fail "the stopped job ended with status $status, not 143 (SIGTERM)"
    ;;
drain)
    mosexec=$1 mosctl=$2 prog=$3
    bg_job "$tmp/out" "$mosexec" -n 16 --pes 2 --lb-period 0.5 "$prog" "$tmp/stop" 100
    wait_socket "$job"
    # ranks_on PE: PE's rank count in mosctl show ("-" until it is heard from).
    ranks_on() { "$mosctl" show 2>&1 | awk -v pe="$1" '$1 == pe && NF >= 6 { print $6 }'; }
    tries=0
    until [ "$(ranks_on 1)" = 8 ]; do
        tries=$((tries + 1))
        [ "$tries" -le 150 ] || fail "PE 1 does not show its 8 ranks within 30 s: $("$mosctl" show 2>&1)"
        sleep 0.2
    done
    run_ctl 1 "'no-such-host' is neither a PE number nor a host of this job" "$mosctl" drain no-such-host
    host=$("$mosctl" show | awk '$1 == 0 { print $2 }')
    run_ctl 1 "draining PEs 0, 1 would leave no PE" "$mosctl" drain "$host"
    run_ctl 0 "^drained PE 1: its ranks move" "$mosctl" drain 1
    run_ctl 1 "is drained" "$mosctl" migrate 0 1
    run_ctl 1 "^mosctl: job [0-9]+: draining PE 0 would leave no PE" "$mosctl" drain 0
    # wait_drained: until mosctl show says PE 1 has none of the 16 ranks (a balancer that moved
    # one there before it heard of the drain sends it back).
    wait_drained() {
        tries=0
        until [ "$(ranks_on 1)" = 0 ] && [ "$(ranks_on 0)" = 16 ]; do
            tries=$((tries + 1))
            [ "$tries" -le 300 ] || fail "PE 1 still has ranks 60 s after the drain: $("$mosctl" show 2>&1)"
            sleep 0.2
        done
    }
    wait_drained
    # Several balance periods later, still nothing there.
    sleep 2
    run_ctl 0 "drained" "$mosctl" show
    [ "$(ranks_on 1)" = 0 ] || fail "ranks went back to drained PE 1"
    run_ctl 0 "^undrained PE 1: it takes ranks again" "$mosctl" undrain 1
    run_ctl 0 "^drained PE 1: its ranks move" "$mosctl" drain 1
    sleep 1  # a few gossip periods: the figures below are from after the drain
    wait_drained
    touch "$tmp/stop"
    wait_end "$job" 60
    cat "$tmp/out"
    [ "$status" -eq 0 ] || fail "exit status $status"
    grep -q "^drain_work: [0-9]* rounds on 16 ranks ok$" "$tmp/out" || fail "the job's sums are not right"
    [ "$(grep -c "^rank [0-9]* ends on PE 0$" "$tmp/out")" -eq 16 ] || fail "not every rank ended on PE 0"
    ;;
report)
    migrate=$1 mosexec=$2 mosctl=$3 prog=$4 check=$5
    target=$migrate  # rank_moves ends once rank 3 is on this PE: 0 at once, 1 after mosctl migrate
    bg_job "$tmp/out" "$mosexec" -n 8 --pes 2 --lb off --report "$tmp/run.html" "$prog" "$target" 30
    wait_socket "$job"
    [ "$migrate" = 1 ] && migrate_rank3 "$mosctl"
    wait_end "$job" 60
    cat "$tmp/out"
    [ "$status" -eq 0 ] || fail "exit status $status"
    [ -s "$tmp/run.html" ] && [ -s "$tmp/run.json" ] || fail "no report (run.html and run.json)"
    python3 "$check" "$tmp/run.html" "$tmp/run.json" "$migrate" 8 2 || fail "the report does not match the run"
    ;;
*)
    fail "unknown mode '$mode'"
    ;;
esac
exit 0
