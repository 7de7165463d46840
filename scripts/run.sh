#!/usr/bin/env bash
# Builds httpbench and runs the seed benchmark offline: sync vs threads vs async, 200 requests
# each, against the built-in target with a 50 ms delay. Extra arguments go to `httpbench demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
exec ./build/httpbench demo "$@"
