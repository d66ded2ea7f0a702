#!/bin/bash
# What each NativeAOT choice of libnative_snapc.so buys: the library is published once as shipped and once
# without each choice (same shim objects), then each variant's file size, dlopen + first app_coord_init (the PMIx
# fence left out) and resident memory added are measured by checkpoint_cycle_bench, RUNS times per variant,
# variants alternating, under SCHED_FIFO when allowed. Prints the medians.
# usage: nativeaot_choices.sh <checkpoint_cycle_bench> <NativeSnapc.csproj> <shim objects, %3B-separated> <scratch> [RUNS]
set -euo pipefail
bench=$1 project=$2 objects=$3 scratch=$4 runs=${5:-11}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_opal_cr_tmp_dir=$scratch
# name | what is changed from the shipped build
variants=(
    "shipped|"
    "no GC heap cap|-p:NativeSnapcGcHeapHardLimit="
    "runtime registers membarrier|-p:NativeSnapcMembarrierPolicy=false"
    "stack-trace metadata|-p:StackTraceSupport=true"
    "culture data (ICU)|-p:InvariantGlobalization=false"
    "resource strings|-p:UseSystemResourceKeys=false"
    "optimized for size|-p:OptimizationPreference=Size"
    "optimized for speed|-p:OptimizationPreference=Speed"
    "not dehydrated|-p:IlcDehydrate=false"
)
policy=()
chrt -f 50 true 2>/dev/null && policy=(chrt -f 50)
mkdir -p "$scratch"
for i in "${!variants[@]}"; do
    IFS='|' read -r name change <<<"${variants[$i]}"
    echo "publishing: $name" >&2
    dotnet publish "$project" --nologo -v:quiet -c Release -r linux-x64 --artifacts-path "$scratch/artifacts-$i" \
        -o "$scratch/variant-$i" "-p:NativeSnapcShimObjects=$objects" $change >"$scratch/publish-$i.log" 2>&1 \
        || { cat "$scratch/publish-$i.log" >&2; exit 1; }
done
for ((run = 0; run < runs; run++)); do
    for i in "${!variants[@]}"; do
        "${policy[@]}" "$bench" "$scratch/variant-$i/libnative_snapc.so" 2000 10 \
            | sed -nE "s/.*dlopen \+ init without the fence ([0-9.]+) ms.*/first_ms=\1/p; s/^resident memory added .*: ([0-9]+) KiB/rss_kib=\1/p" \
            | tr '\n' ' ' >>"$scratch/measured-$i"
        echo >>"$scratch/measured-$i"
    done
done
median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
printf '%-30s %10s %16s %14s\n' "median of $runs runs" "file MB" "first call ms" "resident KiB"
for i in "${!variants[@]}"; do
    IFS='|' read -r name change <<<"${variants[$i]}"
    size=$(stat -c %s "$scratch/variant-$i/libnative_snapc.so")
    first=$(sed -nE 's/.*first_ms=([0-9.]+).*/\1/p' "$scratch/measured-$i" | median)
    rss=$(sed -nE 's/.*rss_kib=([0-9]+).*/\1/p' "$scratch/measured-$i" | median)
    printf '%-30s %10.2f %16.2f %14s\n' "$name" "$(awk -v s="$size" 'BEGIN {print s / 1e6}')" "$first" "$rss"
done
