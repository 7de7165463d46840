#!/usr/bin/env bash
# Benchmarks httpbench against nginx and the peer load generators that are installed (wrk,
# h2load, ab, hey, python httpx/aiohttp), on loopback only, and writes bench/results/latest.md.
#
#   bench/run.sh [--quick] [--rounds N] [--duration S] [--httpbench PATH] [--only 1,2,...]
#
# Installs nothing: see bench/README.md for the Debian packages. Never part of the test suite.
# The work is done by bench/harness.py (standard library only); this wrapper owns the temporary
# directory and kills, by PID, any server the harness could not stop itself (e.g. killed -9).
set -euo pipefail

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

python=""
for candidate in python3 /usr/bin/python3; do
  if command -v "$candidate" >/dev/null 2>&1 &&
    "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 9))' 2>/dev/null; then
    python="$(command -v "$candidate")"
    break
  fi
done
if [[ -z "$python" ]]; then
  echo "bench/run.sh: needs python3 >= 3.9" >&2
  exit 2
fi

workdir="$(mktemp -d "${TMPDIR:-/tmp}/httpbench-bench.XXXXXX")"
pidfile="$workdir/pids"
: >"$pidfile"

cleanup() {
  local id
  # The harness keeps this file current: one line per server PID it started, and "-PGID" for
  # the process group of the client running at the time. Whatever is listed now is orphaned.
  while read -r id; do
    [[ "$id" =~ ^-?[0-9]+$ ]] || continue
    kill -TERM -- "$id" 2>/dev/null || continue
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      kill -0 -- "$id" 2>/dev/null || break
      sleep 0.2
    done
    kill -KILL -- "$id" 2>/dev/null || true
  done <"$pidfile"
  rm -rf "$workdir"
}
trap cleanup EXIT

# Scenario 4 holds 10,000 sockets in the client and as many in the server; the harness raises
# the limit further when it may.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# In the background and waited for, because bash runs no trap until a foreground child exits:
# INT/TERM are passed on at once, the harness stops its servers, and then the EXIT trap runs.
"$python" "$bench_dir/harness.py" --workdir "$workdir" --pidfile "$pidfile" "$@" &
harness=$!
trap 'kill -TERM "$harness" 2>/dev/null || true' INT TERM
status=0
wait "$harness" || status=$?
while kill -0 "$harness" 2>/dev/null; do # a trapped signal ends `wait` early
  status=0
  wait "$harness" || status=$?
done
exit "$status"
