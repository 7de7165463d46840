#!/usr/bin/env bash
# Installs the Debian packages if missing, then configures and builds httpbench.
#   scripts/build.sh              release build in build/
#   scripts/build.sh --sanitize   AddressSanitizer + UBSan build in build-sanitize/
#   scripts/build.sh --tsan       ThreadSanitizer build in build-tsan/
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=build
extra=()
case "${1:-}" in
  --sanitize) build_dir=build-sanitize; extra=(-DHTTPBENCH_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug) ;;
  --tsan) build_dir=build-tsan; extra=(-DHTTPBENCH_TSAN=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo) ;;
esac

scripts/install-deps.sh
cmake -S . -B "$build_dir" -G Ninja -DHTTPBENCH_WERROR=ON "${extra[@]}" >/dev/null
cmake --build "$build_dir"
