#!/usr/bin/env bash
# Builds httpbench and runs the whole test suite with ctest.
#   scripts/test.sh              release build
#   scripts/test.sh --sanitize   under AddressSanitizer and UndefinedBehaviorSanitizer
#   scripts/test.sh --tsan       under ThreadSanitizer
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh "$@"
build_dir=build
[ "${1:-}" = "--sanitize" ] && build_dir=build-sanitize
[ "${1:-}" = "--tsan" ] && build_dir=build-tsan
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
# Under the sanitizers, the README's CI-gate example is left out: it runs serially for 40 s through
# a script of shell commands, and every path of the binary it drives is run by other tests there.
exclude=()
[ "${1:-}" = "--sanitize" ] && exclude=(-E '^ReadmeExamples[.]')
ctest --test-dir "$build_dir" --output-on-failure -j2 "${exclude[@]}"
