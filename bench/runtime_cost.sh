#!/bin/bash
# The runtime's cost in a rank: runtime_cost_bench on 4 ranks, RUNS times with the runtime (native-snapc run)
# and RUNS times without it (plain mpirun), alternating; prints the medians of each figure and the differences.
# usage: runtime_cost.sh <runtime_cost_bench> <native-snapc> [RUNS]
set -euo pipefail
bench=$1 command=$2 runs=${3:-20}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
with=$scratch/with without=$scratch/without
for ((i = 0; i < runs; i++)); do
    mpirun --oversubscribe -np 4 "$bench" | grep '^init_ms=' >>"$without"
    "$command" run --snapshots "$scratch/snapshots" -- --oversubscribe -np 4 "$bench" | grep '^init_ms=' >>"$with"
done
median() { # file field
    sed -E "s/.*$2=([0-9.]+).*/\1/" "$1" | sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'
}
printf '%-28s %12s %12s %12s\n' "median of $runs runs, 4 ranks" "without" "with" "added"
for field in init_ms finalize_ms test_point_ns safe_point_us; do
    a=$(median "$without" $field) b=$(median "$with" $field)
    printf '%-28s %12.2f %12.2f %12.2f\n' "$field" "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN {print b - a}')"
done
