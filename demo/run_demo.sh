#!/usr/bin/env bash
# The checkpoint / kill / restart demo (the README's first command runs it through the main_job target).
#
#  1. snapc_demo on N ranks under Debian's mpirun without checkpointing: the uninterrupted result.
#  2. The same job with the native-snapc runtime in every rank (LD_PRELOAD=libnative_snapc_mpi.so: the real MCA
#     frameworks load libnative_snapc.so's CRS "self" and snapc "full" components) and the reference runtime's
#     ref_peer as the node's local coordinator, the HNP and sstore/central. ref_peer checkpoints the job twice (like
#     ompi-checkpoint); the program takes them at its safe point; then the job is killed with SIGKILL.
#  3. A restart from the last finished snapshot: ref_restart (ompi-restart + opal-restart) on every rank reads
#     the snapshot and calls the CRS's crs_restart, which execs the restart command the application recorded;
#     the restarted ranks load their state and finish.
#  The restarted result must equal the uninterrupted one. Every step is bounded.
#
# usage: run_demo.sh --demo EXE --peer EXE --restart EXE --activation LIB --work DIR
#                    [--ranks N] [--iterations N] [--cells N] [--pause-us N]
#                    [--kill external | <n>:<iterations> | save:<n>] [--expect-seq N] [--expect-torn N]
#   --kill external (default): once the second checkpoint is done and the job has gone on for a while, every
#       rank gets SIGKILL from outside. <n>:<iterations> / save:<n>: the last rank SIGKILLs itself that many
#       iterations after its n-th checkpoint / halfway through saving its n-th checkpoint (NSNAPC_DEMO_KILL).
#   --expect-seq N: the restart must use sequence N. --expect-torn N: sequence N must be unfinished, and the
#       killed rank's snapshot in it must not look complete (no checkpointer recorded in its metadata).
# Exit status: 0 when the results match (and the expectations hold), 1 otherwise, 2 for bad usage.
set -u

ranks=4 iterations=3000 cells=4096 pause_us=1000 kill_spec=external expect_seq= expect_torn=
demo= peer= restart= activation= work=
while [ $# -gt 0 ]; do
    case "$1" in
        --demo) demo=$2 ;; --peer) peer=$2 ;; --restart) restart=$2 ;; --activation) activation=$2 ;;
        --work) work=$2 ;; --ranks) ranks=$2 ;; --iterations) iterations=$2 ;; --cells) cells=$2 ;;
        --pause-us) pause_us=$2 ;; --kill) kill_spec=$2 ;; --expect-seq) expect_seq=$2 ;;
        --expect-torn) expect_torn=$2 ;;
        *) echo "run_demo.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift 2 || { echo "run_demo.sh: $1 needs a value" >&2; exit 2; }
done
for v in demo peer restart activation work; do
    [ -n "${!v}" ] || { echo "run_demo.sh: --$v is required" >&2; exit 2; }
done

PHASE_LIMIT=180 # seconds, for each of the three runs
started=$(date +%s.%N)
say() { printf '[%6.2fs] %s\n' "$(awk -v a="$(date +%s.%N)" -v b="$started" 'BEGIN { print a - b }')" "$*"; }
greater() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a > b) }'; }
fail() { say "FAILED: $*"; echo "  logs: $work"; exit 1; }

components="$(dirname "$activation")/openmpi"
node_dir="$work/rt/$(hostname)"
rm -rf "$work" && mkdir -p "$work/logs" "$work/snapshots" && mkdir -p -m 0700 "$work/rt" "$node_dir" || exit 2
cd "$work" || exit 2

# Debian's mpirun, as root in a container too; 4 ranks on however many cores there are.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# The runtime's contract (docs/runtime.md): the node directory holds the local coordinator's socket and the FIFOs.
export NSNAPC_DEMO_KILL=
MPIRUN=(mpirun --oversubscribe -np "$ranks" -x NSNAPC_DEMO_KILL)
RUNTIME=(-x LD_PRELOAD="$activation" -x NATIVE_SNAPC_RUNTIME_DIR="$work/rt")
PROBLEM=(--iterations "$iterations" --cells "$cells" --pause-us "$pause_us")

children=()
cleanup() { for p in "${children[@]}"; do kill -KILL "$p" 2>/dev/null; done; }
trap cleanup EXIT

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" | head -n 1; } # field NAME < line

# Starts ref_peer on socket $1 with extra options; its pid in peer_pid.
start_peer() {
    local socket=$1 log=$2; shift 2
    "$peer" --socket "$socket" --pipe-dir "$node_dir" --base "$work/snapshots" --apps "$ranks" --timeout "$PHASE_LIMIT" "$@" \
        < /dev/null > "$log" 2> "$log.err" &
    peer_pid=$!
    children+=("$peer_pid")
    for _ in $(seq 100); do grep -q '^PEER ready' "$log" 2>/dev/null && return 0; sleep 0.1; done
    fail "ref_peer did not start (see $log.err)"
}

echo "native-snapc demo: a $ranks-rank MPI job checkpointed through libnative_snapc.so, killed, and restarted"
echo "  runtime:    $activation (LD_PRELOAD; components in $components)"
echo "  program:    snapc_demo, heat diffusion on a ring of $((ranks * cells)) cells, $iterations iterations"
echo "  work dir:   $work"
echo

# ---- 1. the uninterrupted run ---------------------------------------------------------------------
say "[1/3] uninterrupted run: mpirun -np $ranks snapc_demo (no checkpointing)"
timeout "$PHASE_LIMIT" "${MPIRUN[@]}" "$demo" "${PROBLEM[@]}" > plain.out 2> plain.err
plain_rc=$?
expected=$(grep '^RESULT' plain.out)
[ "$plain_rc" -eq 0 ] && [ -n "$expected" ] || fail "the uninterrupted run failed (exit $plain_rc, see plain.err)"
say "      $expected"

# ---- 2. the checkpointed run, killed --------------------------------------------------------------
echo
say "[2/3] checkpointed run: ref_peer + mpirun -np $ranks snapc_demo with the native-snapc runtime (LD_PRELOAD)"
# ref_peer takes a checkpoint 0.8 s after the job's INIT and another 0.8 s after the first is done.
start_peer "$node_dir/local.sock" peer1.log --on 'init+800=checkpoint' --on 'done#1+800=checkpoint'
kill_env=
[ "$kill_spec" != external ] && kill_env=$kill_spec
NSNAPC_DEMO_KILL="$kill_env" \
    timeout "$PHASE_LIMIT" "${MPIRUN[@]}" "${RUNTIME[@]}" "$demo" "${PROBLEM[@]}" > run1.out 2> run1.err &
job_pid=$!
children+=("$job_pid")

# Lines $2+1 .. $3 of file $1: the caller counts the complete lines first and takes exactly those, so a line
# still being written, or written meanwhile, waits for the next call.
lines_between() { [ "$3" -gt "$2" ] && sed -n "$(($2 + 1)),$3p" "$1"; }
seen_out=0 seen_peer=0 killed_by_us= last_progress=0 ckpt2_iteration=
declare -A ckpt_ms ckpt_iteration ckpt_save
report_new_lines() {
    local line n it out_total peer_total
    out_total=$(wc -l < run1.out) peer_total=$(wc -l < peer1.log)
    while IFS= read -r line; do
        case "$line" in
            PROGRESS*) last_progress=$(echo "$line" | sed 's/.*iteration=\([0-9]*\).*/\1/')
                       say "      iteration $last_progress/$iterations" ;;
            CHECKPOINT\ *) n=$(echo "$line" | field n); it=$(echo "$line" | field iteration)
                       ckpt_iteration[$n]=$it
                       ms=$(echo "$line" | field ms); save=$(echo "$line" | field save_ms)
                       # the slowest rank's view of the checkpoint
                       if [ -z "${ckpt_ms[$n]:-}" ] || greater "$ms" "${ckpt_ms[$n]}"; then ckpt_ms[$n]=$ms; fi
                       if [ -z "${ckpt_save[$n]:-}" ] || greater "$save" "${ckpt_save[$n]}"; then ckpt_save[$n]=$save; fi ;;
            CHECKPOINT-FAILED*|KILLED*) say "      $line" ;;
        esac
    done < <(lines_between run1.out "$seen_out" "$out_total")
    seen_out=$out_total
    while IFS= read -r line; do
        case "$line" in
            CKPT\ start*) say "      ref_peer: checkpoint $(echo "$line" | field number) requested (seq $(echo "$line" | field seq)): signal to every rank" ;;
            CKPT\ done*) n=$(echo "$line" | field number)
                         say "      ref_peer: checkpoint $n done: $(echo "$line" | field result), seq $(echo "$line" | field seq), $(echo "$line" | field finished) ranks" ;;
        esac
    done < <(lines_between peer1.log "$seen_peer" "$peer_total")
    seen_peer=$peer_total
}

while kill -0 "$job_pid" 2>/dev/null; do
    sleep 0.1
    report_new_lines
    if [ "$kill_spec" = external ] && [ -z "$killed_by_us" ] && grep -q '^CKPT done number=2 ' peer1.log; then
        # after the second checkpoint, let the job go on for a while, then kill every rank from outside
        ckpt2_iteration=${ckpt_iteration[2]:-}
        if [ -n "$ckpt2_iteration" ] && [ "$last_progress" -ge $(( ckpt2_iteration + iterations / 10 )) ]; then
            pids=$(sed -n 's/^HELLO .* pid=\([0-9]*\).*/\1/p' peer1.log | paste -sd' ')
            say "      killing the job: SIGKILL to every rank (pids $pids), past iteration $last_progress (the last progress line seen)"
            kill -KILL $pids 2>/dev/null
            killed_by_us=$last_progress
        fi
    fi
done
wait "$job_pid"; job_rc=$?
report_new_lines
grep -q '^RESULT' run1.out && fail "the job finished before it was killed (kill spec $kill_spec)"
say "      the job is dead: mpirun exit $job_rc"
wait "$peer_pid" 2>/dev/null

global=$(ls -d "$work"/snapshots/ompi_global_snapshot_*.ckpt 2>/dev/null | head -n 1)
[ -n "$global" ] || fail "no global snapshot was written"
finished=$(sed -n 's/^# Finished Seq: //p' "$global/global_snapshot_meta.data" | tr '\n' ' ')
[ -n "$finished" ] || fail "no checkpoint finished (see peer1.log)"
say "      finished snapshots: seq ${finished% } in $global"

if [ -n "$expect_torn" ]; then
    case " $finished " in *" $expect_torn "*) fail "seq $expect_torn finished, but it was to be cut short" ;; esac
    torn="$global/$expect_torn/opal_snapshot_$((ranks - 1)).ckpt"
    [ -d "$torn" ] || fail "no snapshot directory $torn"
    if grep -q '^# OPAL CRS Component:' "$torn/snapshot_meta.data" 2>/dev/null; then
        fail "the killed rank's snapshot $torn records a checkpointer: it looks complete"
    fi
    # the real restart path must refuse it too, and run nothing
    if "$restart" --seq "$expect_torn" --rank "$((ranks - 1))" --component-dir "$components" "$global" > torn.out 2>&1; then
        fail "ref_restart accepted the torn snapshot $torn"
    fi
    say "      seq $expect_torn is torn: not finished, rank $((ranks - 1))'s snapshot incomplete and refused ($(sed -n 's/^RESTART-FAILED .*reason=//p' torn.out))"
fi

# ---- 3. the restart -------------------------------------------------------------------------------
echo
last_seq=$(echo "$finished" | awk '{print $NF}')
say "[3/3] restart from the last finished snapshot, seq $last_seq: mpirun -np $ranks ref_restart (ompi-restart + opal-restart)"
start_peer "$node_dir/local.sock" peer2.log
NSNAPC_DEMO_KILL= \
    timeout "$PHASE_LIMIT" "${MPIRUN[@]}" "${RUNTIME[@]}" "$restart" --component-dir "$components" "$global" > restart.out 2> restart.err
restart_rc=$?
wait "$peer_pid" 2>/dev/null
grep '^RESTART-FAILED' restart.out | while IFS= read -r line; do say "      $line"; done
resumed=$(grep -c '^RESUMED' restart.out)
restart_seq=$(grep '^RESTART ' restart.out | field seq | head -n 1)
from_iteration=$(grep '^RESUMED' restart.out | field iteration | head -n 1)
say "      $resumed ranks exec'd their restart command and resumed at iteration ${from_iteration:-?}"
actual=$(grep '^RESULT' restart.out)
[ "$restart_rc" -eq 0 ] && [ -n "$actual" ] || fail "the restarted job failed (exit $restart_rc, see restart.out, restart.err)"
say "      $actual"

# ---- summary ------------------------------------------------------------------------------------------
match=no
[ "$actual" = "$expected" ] && match=yes
echo
echo "Summary"
taken=0
for n in 1 2 3 4 5 6 7 8 9; do
    [ -n "${ckpt_iteration[$n]:-}" ] || continue
    seq_n=$((n - 1)) state="finished"
    case " $finished " in *" $seq_n "*) taken=$((taken + 1)) ;; *) state="NOT finished (the job died in it)" ;; esac
    printf '  checkpoint %d:        seq %d %s, iteration %s, %s ms as the slowest rank saw it (its state save %s ms)\n' \
        "$n" "$seq_n" "$state" "${ckpt_iteration[$n]}" "${ckpt_ms[$n]}" "${ckpt_save[$n]}"
    echo "                       $global/$seq_n/opal_snapshot_{0..$((ranks - 1))}.ckpt"
done
echo "  checkpoints taken:   $taken finished"
if [ "$kill_spec" = external ]; then
    echo "  kill:                SIGKILL to every rank from outside, past iteration $killed_by_us (the last progress line seen)"
else
    echo "  kill:                $(grep -h '^KILLED' run1.out | head -n 1)"
fi
echo "  restarted from:      seq $restart_seq, iteration $from_iteration ($resumed ranks)"
echo "  uninterrupted:       $expected"
echo "  restarted:           $actual"
echo "  result match:        $match"

[ "$match" = yes ] || fail "the restarted result differs from the uninterrupted one"
[ "$resumed" -eq "$ranks" ] || fail "$resumed of $ranks ranks resumed"
[ -z "$expect_seq" ] || [ "$restart_seq" = "$expect_seq" ] || fail "restarted from seq $restart_seq, expected $expect_seq"
exit 0
