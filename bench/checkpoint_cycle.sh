#!/bin/bash
# The checkpoint cycle benchmark, three times: each run's report, then the median of the three ratios.
# Runs under SCHED_FIFO when allowed (root or CAP_SYS_NICE), so that other load on the machine does not land
# between the two processes' steps; both implementations run under the same policy, alternating.
# usage: checkpoint_cycle.sh <checkpoint_cycle_bench> <libnative_snapc.so> [cycles per run] [blocks]
set -euo pipefail
bench=$1 library=$2 cycles=${3:-2000} blocks=${4:-10}
policy=()
if chrt -f 50 true 2>/dev/null; then
    policy=(chrt -f 50)
    echo "(scheduling: SCHED_FIFO 50)"
else
    echo "(scheduling: default; chrt -f not permitted)"
fi
ratios=()
for run in 1 2 3; do
    echo "== run $run of 3"
    report=$("${policy[@]}" "$bench" "$library" "$cycles" "$blocks")
    echo "$report"
    ratios+=("$(echo "$report" | sed -nE 's/.*ratio native \/ C +median ([0-9.]+).*/\1/p')")
done
median=$(printf '%s\n' "${ratios[@]}" | sort -n | sed -n 2p)
echo "cycle ratio native / C, median of the three runs: $median (runs: ${ratios[*]}; target <= 1.00)"
