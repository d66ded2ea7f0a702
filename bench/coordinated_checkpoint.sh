#!/usr/bin/env bash
# Coordinated checkpoint benchmark: `native-snapc checkpoint` of a job of N ranks on this one node, from the
# command's start to its return, with a no-op program state (cr_app --mode safe: a counter and a sum, a safe point
# per iteration). For each N: the job is started with `native-snapc run`, two warm-up checkpoints, then COUNT
# timed ones; median, p99 (nearest rank) and the median per rank are printed, then the job ends with a term checkpoint.
#
# usage: coordinated_checkpoint.sh --command NATIVE_SNAPC --app CR_APP [--ranks "4 16 64"] [--count 20] [--pause-us 1000]
# The command's environment decides where the activation library is (an installed command finds its own).
set -u

command= app= ranks_list="4 16 64" count=20 pause_us=1000
while [ $# -gt 0 ]; do
    case "$1" in
        --command) command=$2 ;; --app) app=$2 ;; --ranks) ranks_list=$2 ;; --count) count=$2 ;; --pause-us) pause_us=$2 ;;
        *) echo "coordinated_checkpoint.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift 2 || { echo "coordinated_checkpoint.sh: $1 needs a value" >&2; exit 2; }
done
[ -n "$command" ] && [ -n "$app" ] || { echo "usage: coordinated_checkpoint.sh --command NATIVE_SNAPC --app CR_APP [--ranks LIST] [--count N] [--pause-us US]" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/nsbench.XXXXXX") || exit 2
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 TMPDIR="$work"
job_pid=
cleanup() { [ -n "$job_pid" ] && kill -KILL "$job_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
json_field() { sed -n "s/.*\"$1\":\([^,}]*\).*/\1/p" | tr -d '"'; }
now_ns() { date +%s%N; }

echo "coordinated checkpoint: \`native-snapc checkpoint\` to its return, cr_app --mode safe --pause-us $pause_us, $count checkpoints after 2 warm-up"
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%6s  %10s  %10s  %10s  %14s  %8s\n' ranks "ready (s)" "median ms" "p99 ms" "median/rank ms" failures
status=0
for ranks in $ranks_list; do
    out="$work/run-$ranks"
    start=$(now_ns)
    timeout 600 "$command" run --snapshots "$work/snapshots-$ranks" -- --oversubscribe -np "$ranks" \
        "$app" --iterations 1000000000 --pause-us "$pause_us" --mode safe > "$out.out" 2> "$out.err" &
    job_pid=$!
    job=
    for _ in $(seq 100); do job=$(pgrep -P "$job_pid" -x native-snapc | head -n 1); [ -n "$job" ] && break; sleep 0.05; done
    ready=
    for _ in $(seq 1200); do
        if "$command" status --json "$job" 2> /dev/null > "$out.status" \
            && [ "$(json_field ranks_connected < "$out.status")" = "$ranks" ] && [ "$(json_field checkpointable < "$out.status")" = true ]; then
            ready=$(awk -v a="$(now_ns)" -v b="$start" 'BEGIN { printf "%.1f", (a - b) / 1e9 }')
            break
        fi
        kill -0 "$job_pid" 2>/dev/null || break
        sleep 0.1
    done
    if [ -z "$ready" ]; then
        echo "  $ranks ranks: the job never got ready (see $out.err)"; tail -n 5 "$out.err"; status=1; continue
    fi
    "$command" checkpoint "$job" > /dev/null 2>&1; "$command" checkpoint "$job" > /dev/null 2>&1
    failures=0
    : > "$out.times"
    for _ in $(seq "$count"); do
        t0=$(now_ns)
        "$command" checkpoint "$job" > /dev/null 2>> "$out.failures" || failures=$((failures + 1))
        t1=$(now_ns)
        echo $(( (t1 - t0) / 1000 )) >> "$out.times"
    done
    "$command" checkpoint --term "$job" > /dev/null 2>&1
    wait "$job_pid" 2>/dev/null; job_pid=
    sort -n "$out.times" | awk -v ranks="$ranks" -v ready="$ready" -v failures="$failures" '
        { t[NR] = $1 / 1000 }
        END {
            median = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
            p = int(0.99 * NR); if (p < 0.99 * NR) p++   # nearest rank
            printf "%6d  %10s  %10.1f  %10.1f  %14.2f  %8d\n", ranks, ready, median, t[p], median / ranks, failures
        }'
    [ "$failures" -eq 0 ] || { status=1; tail -n 3 "$out.failures"; }
done
exit $status
