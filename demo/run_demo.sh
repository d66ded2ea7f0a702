#!/usr/bin/env bash
# The checkpoint / kill / restart demo (the README's first command runs it through the main_job target), on the
# product path only: the installed `native-snapc` command and Debian's mpirun.
#
#  1. snapc_demo on N ranks under mpirun without checkpointing: the uninterrupted result.
#  2. `native-snapc run -- mpirun-options snapc_demo …`: the global coordinator in `run`, one local coordinator on
#     the node, the runtime put into every rank with LD_PRELOAD (the real MCA frameworks load CRS "self" and snapc
#     "full"). `native-snapc checkpoint` twice (the program takes each at its safe point), then the job is killed
#     with SIGKILL.
#  3. `native-snapc restart <snapshot>`: every rank's `native-snapc restart-rank` has the real crs framework select the
#     checkpointer the snapshot names and calls its crs_restart, which execs the restart command the program
#     recorded; the restarted ranks load their state and finish.
#  The restarted result must equal the uninterrupted one. Every step is bounded.
#
# usage: run_demo.sh --demo EXE --command NATIVE_SNAPC --work DIR
#                    [--ranks N] [--iterations N] [--cells N] [--pause-us N]
#                    [--kill external | <n>:<iterations> | save:<n>] [--expect-seq N] [--expect-torn N]
#   --command: an installed native-snapc (<prefix>/bin/native-snapc; it finds <prefix>/lib itself).
#   --kill external (default): once the second checkpoint is done and the job has gone on for a while, every
#       rank gets SIGKILL from outside. <n>:<iterations> / save:<n>: the last rank SIGKILLs itself that many
#       iterations after its n-th checkpoint / halfway through saving its n-th checkpoint (NSNAPC_DEMO_KILL).
#   --expect-seq N: the restart must use sequence N. --expect-torn N: sequence N must be unfinished, the killed
#       rank's snapshot in it must not look complete, and `native-snapc restart --seq N` must refuse it.
# Exit status: 0 when the results match (and the expectations hold), 1 otherwise, 2 for bad usage.
set -u

ranks=4 iterations=3000 cells=4096 pause_us=1000 kill_spec=external expect_seq= expect_torn=
demo= command= work=
while [ $# -gt 0 ]; do
    case "$1" in
        --demo) demo=$2 ;; --command) command=$2 ;; --work) work=$2 ;; --ranks) ranks=$2 ;;
        --iterations) iterations=$2 ;; --cells) cells=$2 ;; --pause-us) pause_us=$2 ;; --kill) kill_spec=$2 ;;
        --expect-seq) expect_seq=$2 ;; --expect-torn) expect_torn=$2 ;;
        *) echo "run_demo.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift 2 || { echo "run_demo.sh: $1 needs a value" >&2; exit 2; }
done
for v in demo command work; do
    [ -n "${!v}" ] || { echo "run_demo.sh: --$v is required" >&2; exit 2; }
done

PHASE_LIMIT=180 # seconds, for each of the three runs
started=$(date +%s.%N)
now() { date +%s.%N; }
say() { printf '[%6.2fs] %s\n' "$(awk -v a="$(now)" -v b="$started" 'BEGIN { print a - b }')" "$*"; }
greater() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a > b) }'; }
ms_since() { awk -v a="$(now)" -v b="$1" 'BEGIN { printf "%.0f", (a - b) * 1000 }'; }
fail() { say "FAILED: $*"; echo "  logs: $work"; exit 1; }

rm -rf "$work" && mkdir -p "$work/snapshots" || exit 2
cd "$work" || exit 2
# The jobs' runtime directories (sockets, FIFOs, the local coordinators' logs) in a short private TMPDIR (a Unix
# socket path holds 107 bytes), linked from the work directory; removed when the demo succeeds.
runtime_tmp=$(mktemp -d "${TMPDIR:-/tmp}/nsdemo.XXXXXX") || exit 2
ln -s "$runtime_tmp" "$work/runtime"

# Debian's mpirun, as root in a container too; N ranks on however many cores there are. The installed command
# finds its activation library and components itself.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 TMPDIR="$runtime_tmp" NATIVE_SNAPC_KEEP_RUNTIME_DIR=1
unset NATIVE_SNAPC_ACTIVATION_LIBRARY NATIVE_SNAPC_COMPONENT_DIR
export NSNAPC_DEMO_KILL=
MPIRUN_OPTIONS=(--oversubscribe -x NSNAPC_DEMO_KILL)
PROBLEM=(--iterations "$iterations" --cells "$cells" --pause-us "$pause_us")

children=()
cleanup() { for p in "${children[@]}"; do kill -KILL "$p" 2>/dev/null; done; }
trap cleanup EXIT

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" | head -n 1; } # field NAME < line
json_field() { sed -n "s/.*\"$1\":\([^,}]*\).*/\1/p" | tr -d '"'; }

echo "native-snapc demo: a $ranks-rank MPI job checkpointed with native-snapc, killed, and restarted"
echo "  command:    $command"
echo "  program:    snapc_demo, heat diffusion on a ring of $((ranks * cells)) cells, $iterations iterations"
echo "  work dir:   $work"
echo

# ---- 1. the uninterrupted run ---------------------------------------------------------------------
say "[1/3] uninterrupted run: mpirun -np $ranks snapc_demo (no checkpointing)"
timeout "$PHASE_LIMIT" mpirun "${MPIRUN_OPTIONS[@]}" -np "$ranks" "$demo" "${PROBLEM[@]}" > plain.out 2> plain.err
plain_rc=$?
expected=$(grep '^RESULT' plain.out)
[ "$plain_rc" -eq 0 ] && [ -n "$expected" ] || fail "the uninterrupted run failed (exit $plain_rc, see plain.err)"
say "      $expected"

# ---- 2. the checkpointed run, killed --------------------------------------------------------------
echo
say "[2/3] native-snapc run -- -np $ranks snapc_demo: checkpointed twice, then killed"
kill_env=
[ "$kill_spec" != external ] && kill_env=$kill_spec
NSNAPC_DEMO_KILL="$kill_env" timeout "$PHASE_LIMIT" "$command" run --snapshots "$work/snapshots" -- \
    "${MPIRUN_OPTIONS[@]}" -np "$ranks" "$demo" "${PROBLEM[@]}" > run1.out 2> run1.err &
job_pid=$!
children+=("$job_pid")
# `timeout` runs the command as its child: that is the job (the pid `checkpoint` and `status` name).
job=
for _ in $(seq 100); do job=$(pgrep -P "$job_pid" -x native-snapc | head -n 1); [ -n "$job" ] && break; sleep 0.05; done
[ -n "$job" ] || fail "native-snapc run did not start (see run1.err)"

# Lines $2+1 .. $3 of file $1: the caller counts the complete lines first and takes exactly those, so a line
# still being written, or written meanwhile, waits for the next call.
lines_between() { [ "$3" -gt "$2" ] && sed -n "$(($2 + 1)),$3p" "$1"; }
seen_out=0 killed_by_us= last_progress=0
declare -A ckpt_ms ckpt_iteration ckpt_save command_ms command_rc
report_new_lines() {
    local line n it out_total ms save
    out_total=$(wc -l < run1.out)
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
}

# Ready: every rank connected to its local coordinator and initialized.
for _ in $(seq 600); do
    "$command" status --json "$job" > status.json 2> /dev/null \
        && [ "$(json_field ranks_connected < status.json)" = "$ranks" ] \
        && [ "$(json_field checkpointable < status.json)" = true ] && break
    kill -0 "$job" 2>/dev/null || break
    sleep 0.1
done
report_new_lines
[ "$(json_field checkpointable < status.json 2>/dev/null)" = true ] || fail "the job never got ready (see run1.err)"
say "      native-snapc status: $ranks of $ranks ranks connected on $(json_field nodes < status.json) node(s), checkpointable"

# Sleeps $1 seconds in tenths, reporting the job's progress meanwhile.
wait_reporting() { for _ in $(seq "$(awk -v s="$1" 'BEGIN { print int(s * 10) }')"); do sleep 0.1; report_new_lines; done; }

# Two checkpoints, 0.8 s apart, as a user or a cron job would ask for them.
for n in 1 2; do
    wait_reporting 0.8
    kill -0 "$job" 2>/dev/null || break
    say "      native-snapc checkpoint $job"
    t0=$(now)
    "$command" checkpoint "$job" > "checkpoint$n.out" 2> "checkpoint$n.err"
    command_rc[$n]=$?
    command_ms[$n]=$(ms_since "$t0")
    if [ "${command_rc[$n]}" -eq 0 ]; then
        say "      checkpoint $n done in ${command_ms[$n]} ms: seq $(awk '{ print $2 }' "checkpoint$n.out") in $(awk '{ print $1 }' "checkpoint$n.out")"
    else
        say "      checkpoint $n failed (exit ${command_rc[$n]}): $(tail -n 1 "checkpoint$n.err")"
    fi
done

mpirun_pid=$(pgrep -P "$job" -x mpirun | head -n 1)
while kill -0 "$job_pid" 2>/dev/null; do
    sleep 0.1
    report_new_lines
    if [ "$kill_spec" = external ] && [ -z "$killed_by_us" ] && [ "${command_rc[2]:-1}" -eq 0 ]; then
        # after the second checkpoint, let the job go on for a while, then kill every rank from outside
        ckpt2_iteration=${ckpt_iteration[2]:-}
        if [ -n "$ckpt2_iteration" ] && [ "$last_progress" -ge $(( ckpt2_iteration + iterations / 10 )) ]; then
            pids=$(pgrep -P "$mpirun_pid" | paste -sd' ')
            say "      killing the job: SIGKILL to every rank (pids $pids), past iteration $last_progress (the last progress line seen)"
            kill -KILL $pids 2>/dev/null
            killed_by_us=$last_progress
        fi
    fi
done
wait "$job_pid"; job_rc=$?
report_new_lines
grep -q '^RESULT' run1.out && fail "the job finished before it was killed (kill spec $kill_spec)"
say "      the job is dead: native-snapc run exit $job_rc"

global=$(ls -d "$work"/snapshots/ompi_global_snapshot_*.ckpt 2>/dev/null | head -n 1)
[ -n "$global" ] || fail "no global snapshot was written"
finished=$(sed -n 's/^# Finished Seq: //p' "$global/global_snapshot_meta.data" | tr '\n' ' ')
[ -n "$finished" ] || fail "no checkpoint finished (see run1.err)"
say "      native-snapc list: finished sequences ${finished% } in $global"
"$command" list "$work/snapshots" > list.out 2>&1

if [ -n "$expect_torn" ]; then
    case " $finished " in *" $expect_torn "*) fail "seq $expect_torn finished, but it was to be cut short" ;; esac
    # the checkpoint the rank died in failed cleanly: `native-snapc checkpoint` said so (exit 1), it did not hang
    n=$((expect_torn + 1))
    [ "${command_rc[$n]:-}" = 1 ] || fail "native-snapc checkpoint $n was to fail (exit 1), it exited ${command_rc[$n]:-?}"
    torn="$global/$expect_torn/opal_snapshot_$((ranks - 1)).ckpt"
    [ -d "$torn" ] || fail "no snapshot directory $torn"
    if grep -q '^# OPAL CRS Component:' "$torn/snapshot_meta.data" 2>/dev/null; then
        fail "the killed rank's snapshot $torn records a checkpointer: it looks complete"
    fi
    # the restart must refuse it, and run nothing
    "$command" restart --seq "$expect_torn" "$global" > torn.out 2>&1; torn_rc=$?
    [ "$torn_rc" -eq 7 ] || fail "native-snapc restart --seq $expect_torn did not refuse the torn sequence (exit $torn_rc, see torn.out)"
    say "      seq $expect_torn is torn: not finished, rank $((ranks - 1))'s snapshot incomplete, and refused: $(sed -n 's/^native-snapc restart: //p' torn.out | head -n 1)"
fi

# ---- 3. the restart -------------------------------------------------------------------------------
echo
last_seq=$(echo "$finished" | awk '{print $NF}')
say "[3/3] native-snapc restart $(basename "$global"): the last finished snapshot, seq $last_seq"
NSNAPC_DEMO_KILL= timeout "$PHASE_LIMIT" "$command" restart "$global" -- "${MPIRUN_OPTIONS[@]}" > restart.out 2> restart.err &
restart_pid=$!
children+=("$restart_pid")
seen_restart=0 seen_err=0
report_restart_lines() {
    local line total err_total
    err_total=$(wc -l < restart.err)
    while IFS= read -r line; do
        case "$line" in "native-snapc restart: "*) say "      $line" ;; esac
    done < <(lines_between restart.err "$seen_err" "$err_total")
    seen_err=$err_total
    total=$(wc -l < restart.out)
    while IFS= read -r line; do
        case "$line" in
            RESUMED*) [ "$(echo "$line" | field rank)" = 0 ] && say "      rank 0 resumed at iteration $(echo "$line" | field iteration)" ;;
            PROGRESS*) say "      iteration $(echo "$line" | sed 's/.*iteration=\([0-9]*\).*/\1/')/$iterations" ;;
        esac
    done < <(lines_between restart.out "$seen_restart" "$total")
    seen_restart=$total
}
while kill -0 "$restart_pid" 2>/dev/null; do sleep 0.1; report_restart_lines; done
wait "$restart_pid"; restart_rc=$?
report_restart_lines
resumed=$(grep -c '^RESUMED' restart.out)
restart_seq=$(sed -n 's/^native-snapc restart: restarting .* from seq \([0-9]*\) .*/\1/p' restart.err | head -n 1)
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
    printf '  checkpoint %d:        seq %d %s, iteration %s, %s ms as the slowest rank saw it (its state save %s ms), %s ms to `native-snapc checkpoint`\n' \
        "$n" "$seq_n" "$state" "${ckpt_iteration[$n]}" "${ckpt_ms[$n]}" "${ckpt_save[$n]}" "${command_ms[$n]:-?}"
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
rm -rf "$runtime_tmp" "$work/runtime"
exit 0
