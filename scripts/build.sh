#!/usr/bin/env bash
# Installs the Debian packages if missing, then configures and builds httpbench.
#   scripts/build.sh              release build in build/
#   scripts/build.sh --sanitize   AddressSanitizer + UBSan build in build-sanitize/
#   scripts/build.sh --tsan       ThreadSanitizer build in build-tsan/
#   HTTPBENCH_CI=1 (set by .ci/run): debug information as line tables only (-g1), see below
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=build
extra=()
case "${1:-}" in
  # The sanitizer build is for the test suite: no microbenchmark.
  --sanitize) build_dir=build-sanitize
              extra=(-DHTTPBENCH_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug -DHTTPBENCH_BUILD_BENCH=OFF) ;;
  --tsan) build_dir=build-tsan; extra=(-DHTTPBENCH_TSAN=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo) ;;
esac
# CI builds from nothing on two cores and debugs nothing: -g1 keeps file:line in sanitizer reports
# and backtraces and takes a quarter to a third less compile time than -g. Local builds keep -g
# (and their ccache entries).
line_tables=OFF
[ -n "${HTTPBENCH_CI:-}" ] && line_tables=ON
extra+=(-DHTTPBENCH_LINE_TABLES_ONLY=$line_tables)

scripts/install-deps.sh
cmake -S . -B "$build_dir" -G Ninja -DHTTPBENCH_WERROR=ON "${extra[@]}" >/dev/null
cmake --build "$build_dir"
