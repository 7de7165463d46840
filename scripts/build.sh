#!/usr/bin/env bash
# Installs the Debian packages if missing, then configures and builds httpbench.
#   scripts/build.sh              release build in build/
#   scripts/build.sh --sanitize   AddressSanitizer + UBSan build in build-sanitize/
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=build
extra=()
if [ "${1:-}" = "--sanitize" ]; then
  build_dir=build-sanitize
  extra=(-DHTTPBENCH_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug)
fi

scripts/install-deps.sh
cmake -S . -B "$build_dir" -G Ninja -DHTTPBENCH_WERROR=ON "${extra[@]}" >/dev/null
cmake --build "$build_dir"
