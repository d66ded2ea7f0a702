#!/bin/sh
# Builds everything and runs the main job (the checkpoint / kill / restart demo).
set -eu
cd "$(dirname "$0")"
scripts/require-deps.sh
exec cmake --workflow --preset main-job
