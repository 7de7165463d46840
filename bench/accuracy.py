#!/usr/bin/env python3
"""Accuracy check against a known truth: how far do reported latency percentiles sit from the
true ones? The built-in server answers after a uniformly random delay between --delay and
--delay + --jitter, so the true quantile q is delay + q * jitter (plus loopback overhead, well
under a millisecond). httpbench, wrk and hey (when installed) measure the same target side by
side; the table shows each tool's p50/p90/p99 and its error against the truth.

Usage: bench/accuracy.py [--httpbench build/httpbench] [--requests 3000] [--connections 50]
Traffic goes only to the server this script starts on 127.0.0.1; it is stopped by PID.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys

DELAY_MS, JITTER_MS = 10.0, 40.0
QUANTILES = (0.50, 0.90, 0.99)


def truth(q):
    return DELAY_MS + q * JITTER_MS


def to_ms(value, unit):
    return float(value) * {"us": 1e-3, "ms": 1.0, "s": 1e3, "secs": 1e3}[unit]


def run_httpbench(binary, url, n, c):
    out = subprocess.run([binary, "--json", "-n", str(n), "-c", str(c), url],
                         capture_output=True, text=True, check=True).stdout
    lat = json.loads(out)["runs"][0]["latency_ms"]
    return {0.50: lat["p50"], 0.90: lat["p90"], 0.99: lat["p99"]}


def run_wrk(url, n, c):
    # wrk runs for a duration; pick one that sends about n requests at the mean delay.
    seconds = max(2, round(n / c * (DELAY_MS + JITTER_MS / 2) / 1000))
    out = subprocess.run(["wrk", "-t1", f"-c{c}", f"-d{seconds}s", "--latency", url],
                         capture_output=True, text=True, check=True).stdout
    found = dict(re.findall(r"^\s+(50|90|99)%\s+([\d.]+\w+)", out, re.M))
    result = {}
    for q, key in ((0.50, "50"), (0.90, "90"), (0.99, "99")):
        value, unit = re.match(r"([\d.]+)(\w+)", found[key]).groups()
        result[q] = to_ms(value, unit)
    return result


def run_hey(url, n, c):
    out = subprocess.run(["hey", "-n", str(n), "-c", str(c), url],
                         capture_output=True, text=True, check=True).stdout
    found = dict(re.findall(r"^\s+(50|90|99)% in ([\d.]+) secs", out, re.M))
    return {0.50: float(found["50"]) * 1e3, 0.90: float(found["90"]) * 1e3,
            0.99: float(found["99"]) * 1e3}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--httpbench", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "build", "httpbench"))
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--connections", type=int, default=50)
    args = parser.parse_args()

    server = subprocess.Popen([args.httpbench, "serve", "--port", "0", "--delay",
                               f"{DELAY_MS:g}ms", "--jitter", f"{JITTER_MS:g}ms"],
                              stdout=subprocess.PIPE, text=True)
    try:
        url = server.stdout.readline().split()[-1]
        tools = {"httpbench": lambda: run_httpbench(args.httpbench, url, args.requests,
                                                    args.connections)}
        if shutil.which("wrk"):
            tools["wrk"] = lambda: run_wrk(url, args.requests, args.connections)
        if shutil.which("hey"):
            tools["hey"] = lambda: run_hey(url, args.requests, args.connections)
        rows = []
        for name, run in tools.items():
            got = run()
            errors = [got[q] - truth(q) for q in QUANTILES]
            rows.append((name, got, errors))
        print(f"Target: uniform delay {DELAY_MS:g}-{DELAY_MS + JITTER_MS:g} ms, "
              f"{args.requests} requests, {args.connections} connections")
        print("| tool | p50 ms (true {:.1f}) | p90 ms (true {:.1f}) | p99 ms (true {:.1f}) |"
              " worst error |".format(*(truth(q) for q in QUANTILES)))
        print("|---|---|---|---|---|")
        for name, got, errors in rows:
            cells = " | ".join(f"{got[q]:.2f} ({e:+.2f})" for q, e in zip(QUANTILES, errors))
            print(f"| {name} | {cells} | {max(abs(e) for e in errors):.2f} ms |")
        missing = [t for t in ("wrk", "hey") if t not in tools]
        if missing:
            print(f"not installed, skipped: {', '.join(missing)}")
    finally:
        server.terminate()
        server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
