#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for a bounded time.
#   scripts/fuzz.sh [SECONDS]   default 60 s per target
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
scripts/install-deps.sh
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
if ! command -v clang++ >/dev/null || ! installed libclang-rt-14-dev; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends clang libclang-rt-14-dev
fi
# The fuzz targets, tests/fuzz/fuzz_<name>.cpp, each with a seed corpus in tests/fuzz/corpus/<name>.
targets=(response cli http2)
CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DHTTPBENCH_FUZZ=ON -DHTTPBENCH_BUILD_TESTS=OFF \
  -DHTTPBENCH_BUILD_BENCH=OFF -DCMAKE_BUILD_TYPE=Release >/dev/null
build_targets=()
for target in "${targets[@]}"; do build_targets+=(--target "fuzz_$target"); done
cmake --build build-fuzz "${build_targets[@]}"
# A libFuzzer process uses one core: the targets run side by side, each for the whole time, so
# the run takes SECONDS however many targets there are. Each one's summary is printed in turn.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "fuzzing ${targets[*]} for ${seconds}s each, side by side"
pids=()
for target in "${targets[@]}"; do
  mkdir "$work/$target"
  cp tests/fuzz/corpus/$target/* "$work/$target/"
  ./build-fuzz/tests/fuzz/fuzz_$target -max_total_time="$seconds" -max_len=4096 \
    -print_final_stats=1 "$work/$target" >"$work/$target.log" 2>&1 &
  pids+=($!)
done
failed=0
for i in "${!targets[@]}"; do
  status=0
  wait "${pids[$i]}" || status=$?
  echo "fuzz_${targets[$i]}: exit status $status"
  tail -n 12 "$work/${targets[$i]}.log"
  [ "$status" -eq 0 ] || failed=1
done
exit "$failed"
