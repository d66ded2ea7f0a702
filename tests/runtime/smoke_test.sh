#!/usr/bin/env bash
# runtime_smoke: ref_peer and ONE ref_app singleton running init -> loop -> finalize against
# libnative_snapc.so, the peer checkpointing once (200 ms after INIT). Asserts the key lines of both.
# usage: smoke_test.sh <ref_peer> <ref_app> <libnative_snapc.so>
set -u
peer=$1 app=$2 library=$3

# Unix socket paths are limited to 107 bytes: fall back to /tmp for a long TMPDIR.
base=${TMPDIR:-/tmp}
if [ ${#base} -gt 60 ]; then base=/tmp; fi
work=$(mktemp -d "$base/nsnapc_smoke.XXXXXX") || exit 1
mkdir -p "$work/pipes"
# Both sides find the FIFOs through the same MCA variable (opal_cr_tmp_dir).
export OMPI_MCA_opal_cr_tmp_dir="$work/pipes"

"$peer" --socket "$work/peer.sock" --base "$work/store" --apps 1 --wait-ms 20000 --timeout 120 \
        --on 'init+200=checkpoint' </dev/null >"$work/peer.out" 2>&1 &
peer_pid=$!
"$app" --peer "$work/peer.sock" --library "$library" --timeout 90 --stop-on-error \
       init loop:30000:1 finalize >"$work/app.out" 2>&1
app_rc=$?
# The peer exits once the app has disconnected; give it 15 s (it never saw the app if that failed early).
for _ in $(seq 150); do kill -0 "$peer_pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$peer_pid" 2>/dev/null; then
    echo "ref_peer still running 15 s after ref_app ended: stopping it"
    kill "$peer_pid"
fi
wait "$peer_pid"
peer_rc=$?

if ! grep -Eq '^LIBRARY .* init=1 finalize=1 ft_event=1 request_op=1$' "$work/app.out"; then
    echo "runtime_smoke: $library does not export app_coord_init/finalize/ft_event/request_op (yet):"
    grep -E '^(LIBRARY|ERROR)' "$work/app.out"
    echo "logs kept in $work"
    exit 1
fi

failures=0
expect() { # <file> <extended regex> <what>
    if ! grep -Eq -- "$2" "$work/$1"; then
        echo "MISSING in $1: $3   (pattern: $2)"
        failures=$((failures + 1))
    fi
}
refuse() { # <file> <extended regex> <what>
    if grep -Eq -- "$2" "$work/$1"; then
        echo "UNEXPECTED in $1: $3"
        failures=$((failures + 1))
    fi
}

expect app.out '^LIBRARY .* init=1 finalize=1 ft_event=1 request_op=1$' "the four app_coord_* exports"
expect app.out '^STEP 1 init rc=0 ' "init succeeded"
expect app.out '^STEP 2 loop:30000:1 rc=0 finished=1 crs=1 ' "one checkpoint completed during the loop"
expect app.out '^STEP 3 finalize rc=0 ' "finalize succeeded"
expect app.out '^DONE ref_app vpid=0 steps=3 failed=0 ' "the script ran to its end"
refuse app.out '^WATCHDOG' "the app watchdog fired"

expect peer.out '^HELLO conn=1 jobid=[0-9]+ vpid=0 ' "the app connected"
expect peer.out '^RECV from=0 tag=25 REQUEST_OP event=1 name=init ' "INIT to the HNP"
expect peer.out '^SIGNAL vpid=0 pid=[0-9]+ id=0 signo=[0-9]+ count=1$' "the checkpoint signal"
expect peer.out '^FIFO vpid=0 id=0 open ' "the FIFO rendezvous"
expect peer.out '^FIFO vpid=0 id=0 options=0,0,0,0,0,0 handle=1$' "the options block"
expect peer.out '^FIFO vpid=0 id=0 response=0$' "response START"
expect peer.out '^RECV from=0 tag=44 SSTORE_PULL handle=1 ' "sstore register (PULL)"
expect peer.out '^RECV from=0 tag=44 SSTORE_PUSH handle=1 skipped=0 crs_comp=refnoop ' "sstore sync (PUSH)"
expect peer.out '^FIFO vpid=0 id=0 final=4 finished$' "final state CONTINUE"
expect peer.out '^FIFO vpid=0 id=0 released$' "the release"
expect peer.out '^RECV from=0 tag=24 LOCAL_FINISH cr_state=4 ' "LOCAL_FINISH to the daemon"
expect peer.out '^CKPT done number=1 handle=1 seq=0 result=ok ' "the checkpoint completed"
expect peer.out '^RECV from=0 tag=25 REQUEST_OP event=2 name=fin ' "FIN to the HNP"
expect peer.out '^SEND to=0 tag=25 FIN_ACK op_event=3 ' "FIN_ACK"
expect peer.out '^SUMMARY apps=1 checkpoints=1 ok=1 failed=0 .* undecodable=0 ' "the peer's summary"
refuse peer.out 'UNDECODABLE|^WATCHDOG' "an undecodable message or the peer watchdog"

meta=$(find "$work/store" -name snapshot_meta.data 2>/dev/null | head -n 1)
if [ -z "$meta" ] || ! grep -q '^# OPAL CRS Component: refnoop$' "$meta"; then
    echo "MISSING: the snapshot metadata file with the CRS line"
    failures=$((failures + 1))
fi
[ "$app_rc" -eq 0 ] || { echo "ref_app exit status $app_rc"; failures=$((failures + 1)); }
[ "$peer_rc" -eq 0 ] || { echo "ref_peer exit status $peer_rc"; failures=$((failures + 1)); }

if [ "$failures" -ne 0 ]; then
    echo "---- ref_app ($work/app.out) ----"; cat "$work/app.out"
    echo "---- ref_peer ($work/peer.out) ----"; cat "$work/peer.out"
    echo "runtime_smoke: $failures check(s) failed; logs kept in $work"
    exit 1
fi
rm -rf "$work"
echo "runtime_smoke: ok"
