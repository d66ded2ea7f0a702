#!/bin/sh
# Builds everything and runs every test (CTest: C drivers and the NUnit suite).
set -eu
cd "$(dirname "$0")"
scripts/require-deps.sh
exec cmake --workflow --preset test
