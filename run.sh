#!/bin/sh
# Builds the library and runs the main job.
set -eu
cd "$(dirname "$0")"
scripts/require-deps.sh
exec cmake --workflow --preset main-job
