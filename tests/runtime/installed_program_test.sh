#!/bin/sh
# A site's program against the installed native-snapc: cr_app.c, which includes only <mpi.h> and
# <native_snapc/mpiext_cr.h>, built with mpicc and `pkg-config --cflags --libs native_snapc`; run on 4 ranks with the
# runtime put in by LD_PRELOAD of the installed libnative_snapc_mpi.so, checkpointed twice through OMPI_CR_Checkpoint
# (ref_peer as the node's coordinators), then restarted from its last finished snapshot (ref_restart) under a new
# coordinator: the restarted result must be the uninterrupted one.
# usage: installed_program_test.sh <prefix> <libdir name> <cr_app.c> <ref_peer> <ref_restart> <work dir>
set -eu
prefix=$1 libdir=$2 src=$3 peer=$4 restart=$5 work=$6
rm -rf "$work" && mkdir -p "$work" && cd "$work"
export PKG_CONFIG_PATH="$prefix/$libdir/pkgconfig" OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
libdir_path=$(pkg-config --variable=libdir native_snapc)
# shellcheck disable=SC2046
mpicc -std=c11 -Wall -Werror -o cr_app "$src" $(pkg-config --cflags --libs native_snapc) -Wl,-rpath,"$libdir_path"

node="$work/rt/$(hostname)"
mkdir -p -m 0700 "$work/rt" "$node"
run_peer() { # <log>: a ref_peer for 4 ranks in the node directory; its pid in peer_pid
    "$peer" --socket "$node/local.sock" --pipe-dir "$node" --base "$work/store" --apps 4 --timeout 120 > "$1" 2>&1 &
    peer_pid=$!
    for _ in $(seq 100); do grep -q '^PEER ready' "$1" 2>/dev/null && return 0; sleep 0.1; done
    echo "ref_peer did not start"; cat "$1"; exit 1
}
MPIRUN="mpirun --oversubscribe -np 4 -x LD_PRELOAD=$libdir_path/libnative_snapc_mpi.so -x NATIVE_SNAPC_RUNTIME_DIR=$work/rt"

run_peer peer1.log
timeout 120 $MPIRUN ./cr_app --iterations 200 --pause-us 500 --mode api --at 50,100 > run1.out 2>&1 || { cat run1.out; exit 1; }
wait "$peer_pid" || true
expected=$(grep '^RESULT' run1.out)
[ "$(grep -c 'CRAPP checkpoint .* rc=0 ' run1.out)" -eq 8 ] || { echo "not every checkpoint call succeeded"; cat run1.out; exit 1; }
global=$(ls -d "$work"/store/ompi_global_snapshot_*.ckpt)
grep -q '^# Finished Seq: 1$' "$global/global_snapshot_meta.data" || { echo "seq 1 did not finish"; exit 1; }

run_peer peer2.log
timeout 120 $MPIRUN "$restart" --component-dir "$prefix/$libdir/openmpi" "$global" > restart.out 2>&1 || { cat restart.out; exit 1; }
wait "$peer_pid" || true
[ "$(grep -c '^CRAPP restored .* iteration=100 ' restart.out)" -eq 4 ] || { echo "not every rank restored iteration 100"; cat restart.out; exit 1; }
actual=$(grep '^RESULT' restart.out)
echo "uninterrupted: $expected"
echo "restarted:     $actual"
[ -n "$expected" ] && [ "$actual" = "$expected" ]
