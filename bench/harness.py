#!/usr/bin/env python3
"""httpbench benchmark harness (issue 4): httpbench against nginx and peer load generators.

Started by bench/run.sh, which owns the temporary directory and a PID file that its EXIT trap
reads, so servers die even if this process is killed hard. Standard library only.

Every target is a server started here on 127.0.0.1; the harness takes no URL, so it cannot be
pointed anywhere else.
"""

from __future__ import annotations

import argparse
import datetime
import grp
import json
import math
import os
import platform
import pwd
import re
import resource
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from targets import target_lines, target_rows

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
LOOPBACK = "127.0.0.1"

# Proxy variables are dropped from every child's environment: a proxy would send "loopback"
# traffic somewhere else, and would measure the proxy rather than the client.
PROXY_VARS = {"http_proxy", "https_proxy", "all_proxy", "no_proxy", "ftp_proxy"}
CHILD_ENV = {k: v for k, v in os.environ.items() if k.lower() not in PROXY_VARS}


def log(msg: str = "") -> None:
    print(msg, flush=True)


# ---------------------------------------------------------------------------------------------
# Running clients: one subprocess each, with its own rusage from wait4().
# ---------------------------------------------------------------------------------------------


@dataclass
class Proc:
    rc: int
    out: str
    err: str
    wall_s: float
    cpu_s: float  # user + sys of the client process (and any children it waited for)
    maxrss_kib: int
    timed_out: bool


# GNU time as the client's parent. Linux carries a process's peak RSS across exec, and a child
# forked from this Python process starts with Python's ~20 MiB, so wait4's ru_maxrss would be
# a floor of the harness's size, not the client's. time(1) is a small process that forks and
# reports its child's own peak (%M, KiB).
def _gnu_time() -> str | None:
    """GNU time's path if it is installed and takes -f/-o (busybox's does not)."""
    path = shutil.which("time") or "/usr/bin/time"
    if not os.access(path, os.X_OK):
        return None
    with tempfile.NamedTemporaryFile() as f:
        p = subprocess.run([path, "-f", "%M", "-o", f.name, "true"], capture_output=True)
        return path if p.returncode == 0 and f.read().strip().isdigit() else None


GNU_TIME = _gnu_time()


def run_measured(argv: list[str], timeout_s: float, workdir: Path,
                 tracker: "Servers | None" = None) -> Proc:
    """Runs argv; returns its output with its CPU time (user + sys) and peak RSS.

    CPU comes from wait4 (microseconds; GNU time prints hundredths), which covers the whole
    subtree: time(1) itself only sleeps in wait. taskset exec()s the client in place.
    """
    rss_file = workdir / "rss.txt"
    rss_file.unlink(missing_ok=True)
    if GNU_TIME:
        argv = [GNU_TIME, "-f", "%M", "-o", str(rss_file), *argv]
    with tempfile.TemporaryFile(dir=workdir) as out, tempfile.TemporaryFile(dir=workdir) as err:
        start = time.monotonic()
        # Own process group, so a timeout or Ctrl-C can end the client behind time(1) too.
        p = subprocess.Popen(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                             env=CHILD_ENV, cwd=workdir, start_new_session=True)
        if tracker:
            tracker.track_group(p.pid)
        reaped = timed_out = False
        try:
            deadline = start + timeout_s
            while not reaped and not timed_out:
                pid, status, ru = os.wait4(p.pid, os.WNOHANG)
                reaped = pid != 0
                timed_out = not reaped and time.monotonic() > deadline
                if not reaped:
                    time.sleep(0.01)
        finally:
            if not reaped:  # timeout, or an exception such as KeyboardInterrupt
                timed_out = True
                os.killpg(p.pid, signal.SIGKILL)
                _, status, ru = os.wait4(p.pid, 0)
            if tracker:
                tracker.untrack_group(p.pid)
        wall = time.monotonic() - start
        p.returncode = os.waitstatus_to_exitcode(status)  # keep Popen from waiting again
        maxrss = ru.ru_maxrss
        if GNU_TIME:
            try:
                maxrss = int(rss_file.read_text().split()[-1])
            except (OSError, ValueError, IndexError):
                maxrss = 0  # killed before time(1) could write it
        out.seek(0)
        err.seek(0)
        return Proc(rc=p.returncode, out=out.read().decode(errors="replace"),
                    err=err.read().decode(errors="replace"), wall_s=wall,
                    cpu_s=ru.ru_utime + ru.ru_stime, maxrss_kib=maxrss,
                    timed_out=timed_out)


# ---------------------------------------------------------------------------------------------
# Output parsers. Each returns rps, ok (2xx responses), errors (anything else) and a note.
# ---------------------------------------------------------------------------------------------


@dataclass
class Parsed:
    rps: float
    ok: int
    errors: int
    note: str = ""
    extra: dict = field(default_factory=dict)


def _num(pattern: str, text: str, default: float | None = None) -> float:
    m = re.search(pattern, text, re.MULTILINE)
    if not m:
        if default is None:
            raise ValueError(f"no match for {pattern!r}")
        return default
    return float(m.group(1))


def parse_httpbench(out: str) -> Parsed:
    run = json.loads(out)["runs"][0]
    errs = {k: v for k, v in run.get("errors", {}).items() if v}
    codes = {k: v for k, v in run.get("status_codes", {}).items() if not k.startswith("2")}
    note = ", ".join([f"{k} {v}" for k, v in errs.items()] + [f"HTTP {k}: {v}" for k, v in codes.items()])
    return Parsed(rps=run["rps"], ok=run["succeeded"], errors=run["failed"], note=note,
                  extra={"json": {k: run.get(k) for k in
                                  ("requests", "succeeded", "failed", "errors", "elapsed_s",
                                   "rps", "cpu_s", "connections", "latency_ms")}})


def parse_wrk(out: str) -> Parsed:
    # "N requests in 5.00s, ..." / "Requests/sec:  92422.09" / optional error lines.
    total = int(_num(r"^\s*(\d+) requests in", out))
    non2xx = int(_num(r"Non-2xx or 3xx responses:\s*(\d+)", out, 0))
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    sock_errs = sum(int(x) for x in sock.groups()) if sock else 0
    note = sock.group(0) if sock else ""
    return Parsed(rps=_num(r"Requests/sec:\s*([\d.]+)", out), ok=total - non2xx,
                  errors=non2xx + sock_errs, note=note)


def parse_h2load(out: str) -> Parsed:
    # "finished in 5.00s, 85754.00 req/s, ..." / "requests: T total, S started, D done,
    # OK succeeded, F failed, E errored, T timeout" (failed already includes errored).
    m = re.search(r"requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, "
                  r"(\d+) failed, (\d+) errored, (\d+) timeout", out)
    if not m:
        raise ValueError("no h2load requests line")
    succeeded, failed = int(m.group(4)), int(m.group(5))
    return Parsed(rps=_num(r"finished in [\d.]+m?s, ([\d.]+) req/s", out), ok=succeeded,
                  errors=failed, note=f"{failed} failed" if failed else "")


def parse_ab(out: str) -> Parsed:
    # "Complete requests:", "Failed requests:", "Non-2xx responses:" (only when > 0),
    # "Requests per second:    89427.84 [#/sec] (mean)".
    complete = int(_num(r"^Complete requests:\s*(\d+)", out))
    failed = int(_num(r"^Failed requests:\s*(\d+)", out))
    non2xx = int(_num(r"^Non-2xx responses:\s*(\d+)", out, 0))
    errors = failed + non2xx
    return Parsed(rps=_num(r"^Requests per second:\s*([\d.]+)", out), ok=complete - errors,
                  errors=errors, note=f"failed {failed}, non-2xx {non2xx}" if errors else "")


def parse_hey(out: str) -> Parsed:
    # "Requests/sec:\t41739.57", "Status code distribution:\n  [200]\t41773 responses",
    # "Error distribution:\n  [12]\tGet ...: <error>".
    codes = {int(c): int(n) for c, n in re.findall(r"^\s*\[(\d{3})\]\s+(\d+) responses", out, re.M)}
    ok = sum(n for c, n in codes.items() if 200 <= c < 300)
    err_section = out.split("Error distribution:", 1)
    err_lines = re.findall(r"^\s*\[(\d+)\]\s+(.*)$", err_section[1], re.M) if len(err_section) > 1 else []
    transport = sum(int(n) for n, _ in err_lines)
    non2xx = sum(n for c, n in codes.items() if not 200 <= c < 300)
    note = "; ".join(f"{n}x {msg.strip()[:80]}" for n, msg in err_lines[:2])
    return Parsed(rps=_num(r"Requests/sec:\s*([\d.]+)", out), ok=ok, errors=transport + non2xx,
                  note=note)


# ---------------------------------------------------------------------------------------------
# Clients: how to build each tool's command line for a run of about `duration` seconds.
# ---------------------------------------------------------------------------------------------


@dataclass
class Client:
    name: str  # label in the tables
    build: Callable[[str, int, float], list[str]]  # (url, requests, duration_s) -> argv
    parse: Callable[[str], Parsed]
    by_count: bool  # needs -n sized by calibration (httpbench, ab); else it takes a duration
    min_requests: int = 1  # ab refuses -n below -c


def httpbench_client(name: str, binary: Path, *flags: str) -> Client:
    return Client(name, lambda url, n, d: [str(binary), *flags, "-n", str(n), "--json", url],
                  parse_httpbench, by_count=True)


# ---------------------------------------------------------------------------------------------
# Servers: started on loopback, pinned, tracked by PID (also in run.sh's PID file).
# ---------------------------------------------------------------------------------------------


class Servers:
    def __init__(self, workdir: Path, pidfile: Path, pin: list[str]):
        self.workdir = workdir
        self.pidfile = pidfile
        self.pin = pin
        self.procs: dict[int, subprocess.Popen] = {}
        self.client_group: int | None = None

    def _track(self, p: subprocess.Popen) -> None:
        self.procs[p.pid] = p
        self._write_pidfile()

    # The running client's process group (time(1) and the client), so that run.sh's trap can
    # end it too if this process dies mid-run.
    def track_group(self, pgid: int) -> None:
        self.client_group = pgid
        self._write_pidfile()

    def untrack_group(self, pgid: int) -> None:
        if self.client_group == pgid:
            self.client_group = None
            self._write_pidfile()

    def _write_pidfile(self) -> None:
        # Written aside and renamed, so the trap never reads half a file.
        lines = [f"{pid}\n" for pid in self.procs]
        if self.client_group:
            lines.append(f"-{self.client_group}\n")
        tmp = self.pidfile.with_suffix(".tmp")
        tmp.write_text("".join(lines))
        tmp.replace(self.pidfile)

    def stop(self, pid: int) -> None:
        p = self.procs.pop(pid, None)
        self._write_pidfile()
        if p is None or p.poll() is not None:
            return
        p.terminate()  # nginx: fast shutdown of master and workers; httpbench serve: clean stop
        try:
            p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()

    def stop_all(self) -> None:
        for pid in list(self.procs):
            self.stop(pid)

    @staticmethod
    def _free_port() -> int:
        # Small race between close and nginx's bind; the start-up check below catches it.
        with socket.socket() as s:
            s.bind((LOOPBACK, 0))
            return s.getsockname()[1]

    @staticmethod
    def _wait_listening(p: subprocess.Popen, port: int, what: str, log_file: Path) -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if p.poll() is not None:
                raise RuntimeError(f"{what} exited with {p.returncode}: "
                                   f"{log_file.read_text(errors='replace')[-2000:]}")
            try:
                with socket.create_connection((LOOPBACK, port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"{what} did not listen on {LOOPBACK}:{port} within 10 s")

    def start_nginx(self, nginx: str) -> tuple[int, str]:
        """Starts nginx with a private config; returns (pid, base URL)."""
        d = self.workdir / "nginx"
        www = d / "www"
        www.mkdir(parents=True)
        (www / "100b.txt").write_bytes(b"x" * 99 + b"\n")
        (www / "16k.txt").write_bytes((b"y" * 63 + b"\n") * 256)
        version = nginx_version(nginx)
        vinfo = subprocess.run([nginx, "-V"], capture_output=True, text=True).stderr
        # Only the temp paths of modules this build has: a directive of a missing one is fatal.
        temp_paths = "".join(
            f"  {kind}_temp_path {d}/{kind};\n" for kind, flag in
            (("client_body", "client-body"), ("proxy", "proxy"), ("fastcgi", "fastcgi"),
             ("uwsgi", "uwsgi"), ("scgi", "scgi"))
            if f"--http-{flag}-temp-path" in vinfo or kind == "client_body")
        # As root, nginx would switch its worker to "nobody"; keep it the current user instead.
        user = ""
        if os.geteuid() == 0:
            user = f"user {pwd.getpwuid(0).pw_name} {grp.getgrgid(os.getegid()).gr_name};\n"
        port = self._free_port()
        # The same files over h2c (HTTP/2 with prior knowledge) on a port of their own.
        h2_port = self._free_port()
        conf = d / "nginx.conf"
        conf.write_text(f"""\
worker_processes 1;
daemon off;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
{user}events {{ worker_connections 4096; }}
http {{
  access_log off;
  default_type text/plain;
  sendfile on;
  # The default (1000) would close kept-alive connections mid-run and make clients reconnect.
  keepalive_requests 100000000;
{temp_paths}  server {{
    listen {LOOPBACK}:{port} backlog=4096;
    root {www};
  }}
  server {{
    listen {LOOPBACK}:{h2_port} http2 backlog=4096;
    # As many streams as the largest scenario keeps in flight on one connection.
    http2_max_concurrent_streams 256;
    root {www};
  }}
}}
""")
        argv = [*self.pin, nginx, "-p", f"{d}/", "-c", str(conf)]
        if version >= (1, 19, 5):
            argv += ["-e", f"{d}/error.log"]  # else it first opens the system's error log
        with open(d / "stdout.log", "wb") as out:
            p = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT,
                                 stdin=subprocess.DEVNULL, env=CHILD_ENV, cwd=d)
        self._track(p)
        self._wait_listening(p, port, "nginx", d / "error.log")
        self.nginx_h2_base = f"http://{LOOPBACK}:{h2_port}"
        return p.pid, f"http://{LOOPBACK}:{port}"

    def start_httpbench(self, binary: Path, *flags: str) -> tuple[int, str]:
        """Starts `httpbench serve --port 0 FLAGS`; returns (pid, URL from its first line)."""
        out_file = self.workdir / f"serve-{len(self.procs)}-{time.monotonic_ns()}.log"
        with open(out_file, "wb") as out:
            p = subprocess.Popen([*self.pin, str(binary), "serve", "--address", LOOPBACK,
                                  "--port", "0", *flags], stdout=out, stderr=subprocess.STDOUT,
                                 stdin=subprocess.DEVNULL, env=CHILD_ENV, cwd=self.workdir)
        self._track(p)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            m = re.match(r"listening on (http://127\.0\.0\.1:(\d+))/", out_file.read_text())
            if m:
                return p.pid, m.group(1)
            if p.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError(f"httpbench serve did not start: {out_file.read_text()[-2000:]}")


def machine_busy_s() -> float:
    """CPU seconds all CPUs have spent busy since boot (user, nice, system, irq, softirq)."""
    try:
        f = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:8]]
        return (f[0] + f[1] + f[2] + f[5] + f[6]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return float("nan")


def proc_tree_cpu_s(pid: int) -> float:
    """user + sys seconds so far of pid and its direct children (nginx's worker)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pids = [pid]
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            pids += [int(c) for c in (task / "children").read_text().split()]
    except OSError:
        pass
    for p in pids:
        try:
            # Fields after the ")" of the command name: utime and stime are the 12th and 13th.
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError):
            pass
    return total


# ---------------------------------------------------------------------------------------------
# Measurements.
# ---------------------------------------------------------------------------------------------


@dataclass
class Result:
    tool: str
    round: int
    argv: list[str]
    ok: int = 0
    errors: int = 0
    rps: float = 0.0
    cpu_us_per_req: float = 0.0
    maxrss_kib: int = 0
    wall_s: float = 0.0
    server_cpu_us_per_req: float | None = None
    # CPU used by neither client nor server during the run, in % of one CPU: other work on the
    # machine (a build) or kernel time charged to no process. High values mean a skewed run.
    other_cpu_pct: float | None = None
    failed: str = ""  # why the run produced no numbers
    partner: str = ""  # in compare_paired: the tool of the run next to this one, its ratio's other side
    note: str = ""
    extra: dict = field(default_factory=dict)


class Bench:
    def __init__(self, args: argparse.Namespace, servers: Servers):
        self.args = args
        self.servers = servers
        self.client_pin = args.client_pin
        self.calibrated: dict[tuple[str, str], int] = {}
        self.idle_budget_s = float(args.wait_idle)

    def wait_idle(self) -> None:
        """With --wait-idle: holds the next run while other work keeps the machine busy.

        On a shared 2-core machine a build running alongside halves everyone's numbers; waiting
        for a quiet moment, within a total budget, gives clean runs without a fully quiet hour.
        """
        waited = 0.0
        while self.idle_budget_s > 0:
            b0, t0 = machine_busy_s(), time.monotonic()
            time.sleep(0.5)
            dt = time.monotonic() - t0
            if (machine_busy_s() - b0) / dt < 0.1:  # idle servers and this loop use ~nothing
                break
            waited += dt
            self.idle_budget_s -= dt
        if waited:
            log(f"    (waited {waited:.0f} s for the machine to be idle; "
                f"{max(self.idle_budget_s, 0):.0f} s of --wait-idle left)")

    def run_once(self, client: Client, url: str, n: int, rnd: int,
                 server_pid: int | None = None, timeout_s: float | None = None) -> Result:
        argv = [*self.client_pin, *client.build(url, n, self.args.duration)]
        if timeout_s is None:
            timeout_s = self.args.duration * 4 + 30
        self.wait_idle()
        srv0 = proc_tree_cpu_s(server_pid) if server_pid else 0.0
        busy0 = machine_busy_s()
        p = run_measured(argv, timeout_s, self.args.workdir, self.servers)
        busy1 = machine_busy_s()
        srv1 = proc_tree_cpu_s(server_pid) if server_pid else 0.0
        r = Result(tool=client.name, round=rnd, argv=argv, wall_s=p.wall_s,
                   maxrss_kib=p.maxrss_kib)
        if server_pid and p.wall_s > 0:
            r.other_cpu_pct = max(0.0, (busy1 - busy0) - p.cpu_s - (srv1 - srv0)) * 100 / p.wall_s
        if p.timed_out:
            r.failed = f"killed after {timeout_s:.0f} s"
            return r
        try:
            parsed = client.parse(p.out)
        except (ValueError, KeyError, IndexError, json.JSONDecodeError) as e:
            r.failed = f"exit {p.rc}, unparsable output ({e}): {(p.err or p.out).strip()[-300:]}"
            return r
        r.ok, r.errors, r.rps, r.note, r.extra = parsed.ok, parsed.errors, parsed.rps, parsed.note, parsed.extra
        if p.rc != 0:
            r.note = (r.note + f"; exit {p.rc}: {p.err.strip()[-200:]}").strip("; ")
        r.cpu_us_per_req = p.cpu_s * 1e6 / r.ok if r.ok else float("nan")
        if server_pid and r.ok:
            r.server_cpu_us_per_req = (srv1 - srv0) * 1e6 / r.ok
        return r

    def requests_for(self, client: Client, url: str) -> int:
        """For count-driven clients: the -n that lasts about --duration seconds.

        Short runs of growing size until one lasts 0.3 s, then scaled by its rate. These also
        warm up the server and the page cache before the measured rounds.
        """
        key = (client.name, url)
        if key in self.calibrated:
            return self.calibrated[key]
        n = max(200, client.min_requests)
        rate = 0.0
        for _ in range(6):
            r = self.run_once(client, url, n, rnd=0)
            if r.failed or not r.ok:
                raise RuntimeError(f"calibration of {client.name} failed: {r.failed or r.note}")
            rate = r.ok / max(r.wall_s, 1e-3)  # wall, not rps: start-up time counts toward it
            if r.wall_s >= 0.3:
                break
            n *= 4
        want = max(client.min_requests, int(rate * self.args.duration))
        self.calibrated[key] = want
        return want

    def _counts(self, clients: list[Client], url: str) -> dict[str, int | None]:
        """The -n of each count-driven client (None: its calibration failed)."""
        counts = {}
        for c in clients:
            if c.by_count and c.name not in counts:
                try:
                    counts[c.name] = self.requests_for(c, url)
                except RuntimeError as e:
                    log(f"    {e}")
                    counts[c.name] = None
        return counts

    def _run_logged(self, c: Client, url: str, counts: dict[str, int | None], rnd: int,
                    server_pid: int | None, partner: str = "") -> Result:
        if c.by_count and counts[c.name] is None:
            return Result(tool=c.name, round=rnd, argv=[], failed="calibration failed", partner=partner)
        r = self.run_once(c, url, counts.get(c.name) or 0, rnd, server_pid)
        r.partner = partner
        if r.failed:
            log(f"    round {rnd} {c.name:<28} FAILED: {r.failed}")
        else:
            log(f"    round {rnd} {c.name:<28} {r.rps:>10.0f} req/s  "
                f"{r.cpu_us_per_req:>7.1f} us cpu/req  {r.maxrss_kib / 1024:>6.1f} MiB"
                + (f"  errors {r.errors}" if r.errors else "")
                + (f"  ({r.note})" if r.note else "")
                + (f"  [other CPU use {r.other_cpu_pct:.0f}%]"
                   if r.other_cpu_pct is not None and r.other_cpu_pct > 15 else ""))
        return r

    def compare(self, clients: list[Client], url: str, server_pid: int | None = None) -> list[Result]:
        """Runs every client once per round, the order rotated by one each round (A B C, B C A,
        C A B, ...): each client follows each other one equally often, so what a run leaves
        behind (a large peer's memory, its sockets) does not always fall on the same client."""
        counts = self._counts(clients, url)
        results = []
        for rnd in range(1, self.args.rounds + 1):
            shift = (rnd - 1) % len(clients)
            for c in clients[shift:] + clients[:shift]:
                results.append(self._run_logged(c, url, counts, rnd, server_pid))
        return results

    def compare_paired(self, pairs: list[tuple[Client, Client]], url: str,
                       server_pid: int | None = None) -> list[Result]:
        """Runs the two clients of each pair back to back, A B in odd rounds and B A in even
        ones, the pairs' order rotated by one each round. A ratio is taken between the two runs
        of its pair only, which follow each other. With one run per tool per round, httpbench
        and its fourth peer ran up to four runs apart, and whatever else this shared machine
        did in between fell on one side of the ratio. httpbench runs once per pair."""
        counts = self._counts([c for pair in pairs for c in pair], url)
        results = []
        for rnd in range(1, self.args.rounds + 1):
            shift = (rnd - 1) % len(pairs)
            for a, b in pairs[shift:] + pairs[:shift]:
                first, second = (a, b) if rnd % 2 else (b, a)
                results.append(self._run_logged(first, url, counts, rnd, server_pid, second.name))
                results.append(self._run_logged(second, url, counts, rnd, server_pid, first.name))
        return results


# ---------------------------------------------------------------------------------------------
# Summaries and markdown.
# ---------------------------------------------------------------------------------------------


def median(xs: list[float]) -> float:
    xs = [x for x in xs if x is not None and not math.isnan(x)]
    return statistics.median(xs) if xs else float("nan")


def fmt(x: float | None, digits: int = 0) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return f"{x:,.{digits}f}"


# Absolute paths shown by another name in the report (the httpbench binary as "httpbench").
DISPLAY_ALIASES: dict[str, str] = {}


def display_cmd(argv: list[str], pin: list[str]) -> str:
    """The command as a reader would retype it: no pinning prefix, no absolute paths."""
    argv = argv[len(pin):] if argv[:len(pin)] == pin else argv
    shown = [DISPLAY_ALIASES.get(a) or (Path(a).name if a.startswith("/") else a) for a in argv]
    shown = [re.sub(r"http://127\.0\.0\.1:\d+", "http://127.0.0.1:PORT", a) for a in shown]
    return shlex.join(shown)


def tool_table(results: list[Result], pin: list[str]) -> list[str]:
    lines = ["| client | command (last round) | req/s median (min–max) | client CPU µs/req | "
             "server CPU µs/req | client peak RSS MiB | errors (all rounds) | other CPU % (max) |",
             "|---|---|---|---|---|---|---|---|"]
    for tool in dict.fromkeys(r.tool for r in results):
        rs = [r for r in results if r.tool == tool]
        good = [r for r in rs if not r.failed]
        failed = [r for r in rs if r.failed]
        if not good:
            lines.append(f"| {tool} | | failed: {failed[0].failed[:120]} | | | | | |")
            continue
        rps = [r.rps for r in good]
        notes = "; ".join(dict.fromkeys(r.note for r in good if r.note))
        err = f"{sum(r.errors for r in good)}" + (f" ({notes[:150]})" if notes else "")
        if failed:
            err += f"; {len(failed)} run(s) failed: {failed[0].failed[:80]}"
        lines.append(
            f"| {tool} | `{display_cmd(good[-1].argv, pin)}` | {fmt(median(rps))} "
            f"({fmt(min(rps))}–{fmt(max(rps))}) | {fmt(median([r.cpu_us_per_req for r in good]), 1)} "
            f"| {fmt(median([r.server_cpu_us_per_req for r in good]), 1)} "
            f"| {fmt(median([r.maxrss_kib / 1024 for r in good]), 1)} | {err} "
            f"| {fmt(max((r.other_cpu_pct for r in good if r.other_cpu_pct is not None), default=None))} |")
    return lines


def ratio_table(results: list[Result], pairs: list[tuple[str, str]], label: str) -> tuple[list[str], list[dict]]:
    """Per-round ratios a/b of req/s (and of CPU per request), and their medians."""
    lines = [f"| {label} | req/s ratio per round | median | CPU/req ratio (median) |",
             "|---|---|---|---|"]
    summary = []
    for a, b in pairs:
        ra = {r.round: r for r in results if r.tool == a and r.partner in ("", b) and not r.failed}
        rb = {r.round: r for r in results if r.tool == b and r.partner in ("", a) and not r.failed}
        rounds = sorted(set(ra) & set(rb))
        if not rounds:
            continue
        ratios = [ra[i].rps / rb[i].rps for i in rounds if rb[i].rps]
        cpu = [ra[i].cpu_us_per_req / rb[i].cpu_us_per_req for i in rounds if rb[i].cpu_us_per_req]
        lines.append(f"| {a} / {b} | {', '.join(f'{x:.2f}' for x in ratios)} | "
                     f"**{fmt(median(ratios), 2)}** | {fmt(median(cpu), 2)} |")
        summary.append({"a": a, "b": b, "ratios": ratios, "median": median(ratios),
                        "cpu_ratios": cpu, "cpu_ratio_median": median(cpu)})
    return lines, summary


# ---------------------------------------------------------------------------------------------
# Environment.
# ---------------------------------------------------------------------------------------------


def nginx_version(nginx: str) -> tuple[int, ...]:
    out = subprocess.run([nginx, "-v"], capture_output=True, text=True).stderr
    m = re.search(r"nginx/(\d+)\.(\d+)\.(\d+)", out)
    return tuple(int(x) for x in m.groups()) if m else (0, 0, 0)


def first_line(argv: list[str]) -> str:
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=10, env=CHILD_ENV)
        text = (p.stdout + p.stderr).strip()
        return text.splitlines()[0] if text else "?"
    except (OSError, subprocess.TimeoutExpired):
        return "?"


def deb_version(pkg: str) -> str:
    if not shutil.which("dpkg-query"):
        return ""
    p = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", pkg], capture_output=True, text=True)
    return p.stdout.strip() if p.returncode == 0 else ""


def python_with(modules: list[str]) -> str | None:
    """An interpreter that can import all of modules: Debian's python3-* packages only reach
    /usr/bin/python3, which may not be the python3 first on PATH (pyenv, venvs)."""
    candidates = [sys.executable, shutil.which("python3"), "/usr/bin/python3"]
    for py in dict.fromkeys(c for c in candidates if c):
        check = f"import {', '.join(modules)}"
        if subprocess.run([py, "-c", check], capture_output=True, env=CHILD_ENV).returncode == 0:
            return py
    return None


def loadavg() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except (OSError, IndexError):
        return "?"


def machine_info() -> list[str]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    sysctls = []
    for k in ("net/core/somaxconn", "net/ipv4/tcp_max_syn_backlog", "net/ipv4/ip_local_port_range",
              "net/ipv4/tcp_tw_reuse"):
        try:
            sysctls.append(f"{k.replace('/', '.')}={' '.join(Path('/proc/sys', k).read_text().split())}")
        except OSError:
            pass
    return [f"- date: {datetime.datetime.now().astimezone().isoformat(timespec='seconds')}",
            f"- CPUs (`nproc`): {os.cpu_count()} — {cpu}",
            f"- memory: {mem}",
            f"- kernel: {platform.system()} {platform.release()} ({platform.machine()})",
            f"- sysctl: {', '.join(sysctls)}"]


# ---------------------------------------------------------------------------------------------
# Scenarios. Each returns markdown lines and a JSON-able summary.
# ---------------------------------------------------------------------------------------------


class Scenarios:
    def __init__(self, args, bench: Bench, servers: Servers, tools: dict[str, str | None]):
        self.args = args
        self.bench = bench
        self.servers = servers
        self.tools = tools
        self.hb = args.httpbench
        self.d = args.duration
        self._nginx: tuple[int, str] | None = None

    def nginx(self) -> tuple[int, str]:
        if self._nginx is None:
            self._nginx = self.servers.start_nginx(self.tools["nginx"])
        return self._nginx

    def skipped(self, tool: str) -> str:
        return f"- {tool}: not installed, skipped"

    def peers(self, want: dict[str, Client]) -> tuple[list[Client], list[str]]:
        have, notes = [], []
        for tool, client in want.items():
            if self.tools.get(tool):
                have.append(client)
            else:
                notes.append(self.skipped(tool))
                log(f"    {tool} not installed: skipped")
        return have, notes

    def _throughput(self, title: str, path: str, c: int, with_peers: list[str]) -> tuple[list[str], dict]:
        pid, base = self.nginx()
        url = f"{base}/{path}"
        d = self.d
        hb = httpbench_client("httpbench async", self.hb, "--mode", "async", "-c", str(c))
        candidates = {
            "wrk": Client("wrk", lambda u, n, _: ["wrk", "-t1", f"-c{c}", f"-d{d}s", u], parse_wrk, False),
            "h2load": Client("h2load --h1", lambda u, n, _: ["h2load", "--h1", "-t1", f"-c{c}", "-D", str(d), u],
                             parse_h2load, False),
            "ab": Client("ab -k", lambda u, n, _: ["ab", "-q", "-r", "-k", f"-c{c}", "-n", str(n), u],
                         parse_ab, True, min_requests=c),
            "hey": Client("hey", lambda u, n, _: ["hey", "-c", str(c), "-z", f"{d}s", u], parse_hey, False),
        }
        peers, notes = self.peers({k: v for k, v in candidates.items() if k in with_peers})
        results = self.bench.compare_paired([(hb, p) for p in peers], url, pid) if peers \
            else self.bench.compare([hb], url, pid)
        lines = [f"nginx (1 worker) serving `/{path}`; {c} connections, keep-alive, ~{d} s per run.", ""]
        lines += notes + ([""] if notes else [])
        lines += tool_table(results, self.bench.client_pin) + [""]
        rl, summary = ratio_table(results, [(hb.name, p.name) for p in peers], "httpbench / peer")
        return lines + rl, {"results": results, "ratios": summary}

    def s1_throughput(self):
        return self._throughput("1. Throughput, keep-alive, 100-byte file", "100b.txt", 50,
                                ["wrk", "h2load", "ab", "hey"])

    def s1b_throughput_16k(self):
        return self._throughput("1b. Throughput, keep-alive, 16 KiB file", "16k.txt", 50, ["wrk"])

    def s2_new_connections(self):
        pid, base = self.nginx()
        url = f"{base}/100b.txt"
        d = self.d
        hb = httpbench_client("httpbench async no-keep-alive", self.hb, "--mode", "async",
                              "--no-keep-alive", "-c", "50")
        peers, notes = self.peers({
            "ab": Client("ab (no -k)", lambda u, n, _: ["ab", "-q", "-r", "-c50", "-n", str(n), u],
                         parse_ab, True, min_requests=50),
            "hey": Client("hey -disable-keepalive",
                          lambda u, n, _: ["hey", "-disable-keepalive", "-c", "50", "-z", f"{d}s", u],
                          parse_hey, False),
            # Not in the list; wrk reconnects after each "Connection: close" reply.
            "wrk": Client("wrk Connection: close",
                          lambda u, n, _: ["wrk", "-t1", "-c50", f"-d{d}s", "-H", "Connection: close", u],
                          parse_wrk, False),
        })
        results = self.bench.compare_paired([(hb, p) for p in peers], url, pid) if peers \
            else self.bench.compare([hb], url, pid)
        lines = [f"nginx, `/100b.txt`, 50 in flight, a new TCP connection per request, ~{d} s per run.", ""]
        lines += notes + ([""] if notes else [])
        lines += tool_table(results, self.bench.client_pin) + [""]
        rl, summary = ratio_table(results, [(hb.name, p.name) for p in peers], "httpbench / peer")
        return lines + rl, {"results": results, "ratios": summary}

    def s3_sequential(self):
        pid, base = self.nginx()
        url = f"{base}/100b.txt"
        hb_ka = httpbench_client("httpbench sync keep-alive", self.hb, "--mode", "sync", "-c", "1")
        hb_close = httpbench_client("httpbench sync no-keep-alive", self.hb, "--mode", "sync",
                                    "--no-keep-alive", "-c", "1")
        notes, pairs = [], []
        if self.tools.get("ab"):
            ab_k = Client("ab -k -c1", lambda u, n, _: ["ab", "-q", "-r", "-k", "-c1", "-n", str(n), u],
                          parse_ab, True)
            ab = Client("ab -c1", lambda u, n, _: ["ab", "-q", "-r", "-c1", "-n", str(n), u],
                        parse_ab, True)
            pairs = [(hb_ka, ab_k), (hb_close, ab)]
            results = self.bench.compare_paired(pairs, url, pid)
        else:
            notes.append(self.skipped("ab"))
            results = self.bench.compare([hb_ka, hb_close], url, pid)
        lines = [f"nginx, `/100b.txt`, one request at a time, ~{self.d} s per run.", ""]
        lines += notes + ([""] if notes else [])
        lines += tool_table(results, self.bench.client_pin) + [""]
        rl, summary = ratio_table(results, [(a.name, b.name) for a, b in pairs], "httpbench / peer")
        return lines + rl, {"results": results, "ratios": summary}

    def s4_c10k(self):
        c = self.args.c10k
        pid, url = self.servers.start_httpbench(self.hb, "--delay", "1s")
        url += "/"
        try:
            base = self.bench.run_once(httpbench_client("baseline", self.hb, "--mode", "async", "-c", "1"),
                                       url, 1, rnd=0, timeout_s=30)
            if base.failed:
                raise RuntimeError(f"baseline run failed: {base.failed}")
            log(f"    baseline -c 1 -n 1: peak RSS {base.maxrss_kib} KiB")
            client = httpbench_client("httpbench c10k", self.hb, "--mode", "async", "-c", str(c))
            rows = []
            for rnd in range(1, self.args.rounds + 1):
                r = self.bench.run_once(client, url, c, rnd, timeout_s=120)
                rows.append(r)
                j = r.extra.get("json", {})
                per_conn = (r.maxrss_kib - base.maxrss_kib) / c
                if r.failed:
                    log(f"    round {rnd}: FAILED {r.failed}")
                else:
                    log(f"    round {rnd}: {r.ok}/{c} ok, errors {r.errors} {r.note}, "
                        f"elapsed {j.get('elapsed_s', 0):.2f} s (wall {r.wall_s:.2f} s), "
                        f"peak RSS {r.maxrss_kib} KiB = {per_conn:.1f} KiB/connection over baseline, "
                        f"p50 {j.get('latency_ms', {}).get('p50', 0):.0f} ms "
                        f"max {j.get('latency_ms', {}).get('max', 0):.0f} ms")
        finally:
            self.servers.stop(pid)
        lines = [f"`httpbench serve --delay 1s` (separate process, CPU 1); client "
                 f"`httpbench --mode async -c {c} -n {c}` (CPU 0), open-files limit "
                 f"{resource.getrlimit(resource.RLIMIT_NOFILE)[0]}. "
                 f"Baseline: `-c 1 -n 1` run, peak RSS {base.maxrss_kib / 1024:.1f} MiB.", "",
                 "| round | succeeded | failed | errors | connections | elapsed s | wall s | "
                 "latency p50 / p99 / max ms | client CPU s | peak RSS MiB | RSS per connection KiB |",
                 "|---|---|---|---|---|---|---|---|---|---|---|"]
        for r in rows:
            if r.failed:
                lines.append(f"| {r.round} | failed: {r.failed[:100]} | | | | | | | | | |")
                continue
            j = r.extra["json"]
            lat = j.get("latency_ms") or {}
            lines.append(
                f"| {r.round} | {r.ok} | {r.errors} | {r.note or '–'} | {j.get('connections')} | "
                f"{j['elapsed_s']:.2f} | {r.wall_s:.2f} | {lat.get('p50', 0):.0f} / {lat.get('p99', 0):.0f} / "
                f"{lat.get('max', 0):.0f} | {r.cpu_us_per_req * r.ok / 1e6:.2f} | {r.maxrss_kib / 1024:.1f} | "
                f"{(r.maxrss_kib - base.maxrss_kib) / c:.1f} |")
        good = [r for r in rows if not r.failed]
        headline = (f"{median([r.ok for r in good]):.0f}/{c} succeeded (median), "
                    f"{sum(r.errors for r in good)} errors, "
                    f"{median([(r.maxrss_kib - base.maxrss_kib) / c for r in good]):.1f} KiB client RSS "
                    "per connection" if good else "all rounds failed")
        data = {"baseline_rss_kib": base.maxrss_kib, "results": rows, "headline": [headline]}
        if good:
            data.update(connections=c, succeeded_median=median([r.ok for r in good]),
                        errors=sum(r.errors for r in good),
                        rss_per_conn_kib=median([(r.maxrss_kib - base.maxrss_kib) / c for r in good]))
        return lines, data

    def s5_seed(self):
        n, c, delay = 200, 100, 0.05
        pid, url = self.servers.start_httpbench(self.hb, "--delay", "50ms")
        url += "/"
        py_tools = {}
        if self.tools.get("python-httpx"):
            py_tools["httpx sequential (httpx.Client)"] = (self.tools["python-httpx"], "httpx-sync")
            py_tools["httpx asyncio.gather (AsyncClient, 100 conns)"] = (self.tools["python-httpx"], "httpx-async")
        if self.tools.get("python-aiohttp"):
            py_tools["aiohttp asyncio.gather (TCPConnector limit=100)"] = (self.tools["python-aiohttp"], "aiohttp")
        notes = [self.skipped(t) for t in ("python-httpx", "python-aiohttp") if not self.tools.get(t)]
        hb_runs: list[dict] = []
        py_runs: dict[str, list[dict]] = {k: [] for k in py_tools}
        try:
            for rnd in range(1, self.args.rounds + 1):
                argv = [*self.bench.client_pin, str(self.hb), "--mode", "compare", "--compare",
                        "sync,threads,async", "-n", str(n), "-c", str(c), "--json", url]
                self.bench.wait_idle()
                p = run_measured(argv, 120, self.args.workdir, self.servers)
                try:
                    doc = json.loads(p.out)
                    hb_runs.append({"doc": doc, "proc_cpu_s": p.cpu_s, "maxrss_kib": p.maxrss_kib,
                                    "wall_s": p.wall_s})
                    msg = ", ".join(f"{r['mode']} {r['elapsed_s']:.3f} s ({r['succeeded']} ok)"
                                    for r in doc["runs"])
                    log(f"    round {rnd} httpbench compare: {msg}; speedup {doc.get('comparison', {}).get('speedup')}")
                except (json.JSONDecodeError, KeyError) as e:
                    log(f"    round {rnd} httpbench compare FAILED ({e}): {p.err.strip()[-300:]}")
                for label, (py, variant) in py_tools.items():
                    argv = [*self.bench.client_pin, py, str(BENCH_DIR / "py_clients.py"), variant,
                            url, "-n", str(n), "-c", str(c)]
                    self.bench.wait_idle()
                    q = run_measured(argv, 120, self.args.workdir, self.servers)
                    try:
                        res = json.loads(q.out)
                        res.update(proc_cpu_s=q.cpu_s, maxrss_kib=q.maxrss_kib)
                        py_runs[label].append(res)
                        log(f"    round {rnd} {label}: {res['wall_s']:.3f} s, {res['ok']} ok, "
                            f"{res['failed']} failed, cpu {res['cpu_s'] * 1e6 / max(res['ok'], 1):.0f} us/req")
                    except (json.JSONDecodeError, KeyError) as e:
                        log(f"    round {rnd} {label} FAILED ({e}): {q.err.strip()[-300:]}")
        finally:
            self.servers.stop(pid)
        ideal_s = math.ceil(n / c) * delay
        lines = [f"`httpbench serve --delay 50ms`; {n} requests, {c} in flight for the concurrent "
                 f"modes; medians of {self.args.rounds} round(s). Ideal concurrent time = "
                 f"{math.ceil(n / c)} waves × 50 ms = {ideal_s * 1000:.0f} ms; ideal speedup = "
                 "sync time / that.", ""] + notes + ([""] if notes else [])
        lines += ["| client | wall s | speedup vs its sequential | ideal speedup | CPU µs/req "
                  "(requests phase) | failed | peak RSS MiB |", "|---|---|---|---|---|---|---|"]
        summary = {"httpbench": {}, "python": {}}
        if hb_runs:
            modes = [r["mode"] for r in hb_runs[0]["doc"]["runs"]]
            sync_s = median([next(r["elapsed_s"] for r in h["doc"]["runs"] if r["mode"] == "sync")
                             for h in hb_runs])
            for mode in modes:
                runs = [next(r for r in h["doc"]["runs"] if r["mode"] == mode) for h in hb_runs]
                el = median([r["elapsed_s"] for r in runs])
                sp = 1.0 if mode == "sync" else median(
                    [h["doc"].get("comparison", {}).get("speedup", {}).get(mode, float("nan"))
                     for h in hb_runs])
                cpu = median([r["cpu_s"] * 1e6 / max(r["succeeded"], 1) for r in runs])
                failed = sum(r["failed"] for r in runs)
                lines.append(f"| httpbench {mode} | {el:.3f} | {sp:.2f} | "
                             f"{'–' if mode == 'sync' else f'{sync_s / ideal_s:.1f}'} | {cpu:.0f} | "
                             f"{failed} | {median([h['maxrss_kib'] / 1024 for h in hb_runs]):.1f} (whole compare) |")
                summary["httpbench"][mode] = {"elapsed_s": el, "speedup": sp, "cpu_us_per_req": cpu,
                                              "failed": failed}
        py_seq = median([r["wall_s"] for r in py_runs.get("httpx sequential (httpx.Client)", [])])
        for label, runs in py_runs.items():
            if not runs:
                lines.append(f"| {label} | failed | | | | | |")
                continue
            el = median([r["wall_s"] for r in runs])
            cpu = median([r["cpu_s"] * 1e6 / max(r["ok"], 1) for r in runs])
            sequential = "sequential" in label
            sp = "1.00" if sequential else (f"{py_seq / el:.2f}" if not math.isnan(py_seq) else "–")
            ideal = "–" if sequential or math.isnan(py_seq) else f"{py_seq / ideal_s:.1f}"
            lines.append(f"| python {label} | {el:.3f} | {sp} | {ideal} | {cpu:.0f} | "
                         f"{sum(r['failed'] for r in runs)} | {median([r['maxrss_kib'] / 1024 for r in runs]):.1f} |")
            summary["python"][label] = {"wall_s": el, "cpu_us_per_req": cpu, "runs": runs}
        lines += ["", "httpbench's CPU is its per-mode `cpu_s` (CPU time of the threads doing the "
                  "requests); the Python clients measure `getrusage(RUSAGE_SELF)` around the "
                  "requests only, not interpreter start-up and imports."]
        if hb_runs:
            summary["ideal_speedup"] = sync_s / ideal_s
        summary["headline"] = [
            ", ".join(f"{m} ×{v['speedup']:.1f} ({v['cpu_us_per_req']:.0f} µs CPU/req)"
                      for m, v in summary["httpbench"].items() if m != "sync")
            + (f" vs ideal ×{sync_s / ideal_s:.1f}" if hb_runs else "")]
        if summary["python"]:
            summary["headline"].append("Python: " + ", ".join(
                f"{k.split(' (')[0]} {v['wall_s']:.2f} s ({v['cpu_us_per_req']:.0f} µs CPU/req)"
                for k, v in summary["python"].items()))
        summary["httpbench_runs"] = [{"doc_runs": [{k: r.get(k) for k in ("mode", "elapsed_s", "cpu_s", "succeeded", "failed", "connections")}
                                                   for r in h["doc"]["runs"]],
                                      "comparison": h["doc"].get("comparison")} for h in hb_runs]
        return lines, summary

    def s6_builtin_target(self):
        if not self.tools.get("wrk"):
            log("    wrk not installed: skipped")
            return [self.skipped("wrk")], {}
        npid, nbase = self.nginx()
        spid, surl = self.servers.start_httpbench(self.hb, "--body-size", "100")
        d = self.d
        try:
            wrk = lambda name: Client(name, lambda u, n, _: ["wrk", "-t1", "-c50", f"-d{d}s", u],
                                      parse_wrk, False)
            results = []
            for rnd in range(1, self.args.rounds + 1):
                for name, url, pid in (("wrk → httpbench serve", surl + "/", spid),
                                       ("wrk → nginx", f"{nbase}/100b.txt", npid)):
                    r = self.bench.run_once(wrk(name), url, 0, rnd, pid)
                    results.append(r)
                    log(f"    round {rnd} {name:<24} {r.rps:>10.0f} req/s  server cpu "
                        f"{fmt(r.server_cpu_us_per_req, 1)} us/req  other CPU {fmt(r.other_cpu_pct)}%"
                        + (f"  FAILED {r.failed}" if r.failed else "")
                        + (f"  errors {r.errors} ({r.note})" if r.errors else ""))
        finally:
            self.servers.stop(spid)
        lines = [f"`wrk -t1 -c50 -d{d}s` (CPU 0) against `httpbench serve --body-size 100` and "
                 "against nginx's 100-byte file (each server on CPU 1). Target: ratio ≥ 0.8.", ""]
        lines += tool_table(results, self.bench.client_pin) + [""]
        rl, summary = ratio_table(results, [("wrk → httpbench serve", "wrk → nginx")], "serve / nginx")
        return lines + rl, {"results": results, "ratios": summary}


    def s7_thread_scaling(self):
        pid, base = self.nginx()
        url = f"{base}/100b.txt"
        t1 = httpbench_client("httpbench async -t 1", self.hb, "--mode", "async", "-c", "50", "-t", "1")
        t2 = httpbench_client("httpbench async -t 2", self.hb, "--mode", "async", "-c", "50", "-t", "2")
        results = self.bench.compare([t1, t2], url, pid)
        pinned = bool(self.bench.client_pin)
        lines = [f"nginx (1 worker) serving `/100b.txt`; 50 connections split over 1 or 2 event loops "
                 f"(`-t`), ~{self.d} s per run. "
                 + ("Both threads share the client's one CPU (the other one is nginx's), so on this "
                    "machine the run shows what a second loop costs when it has no core of its own "
                    "(two threads taking turns, each with fewer ready sockets per wake-up), not how "
                    "far -t scales: that needs a free core per loop and a server with cores to spare."
                    if pinned else "Unpinned: client threads and nginx share the machine's CPUs."), ""]
        lines += tool_table(results, self.bench.client_pin) + [""]
        rl, summary = ratio_table(results, [(t2.name, t1.name)], "-t 2 / -t 1")
        return lines + rl, {"results": results, "ratios": summary}

    def s8_http2(self):
        """HTTP/2 against h2load, the HTTP/2 load generator people use: same connections x streams,
        same request (h2load is given httpbench's user-agent, the one header that differs)."""
        pid, _ = self.nginx()
        url = f"{self.servers.nginx_h2_base}/100b.txt"
        d = self.d
        if not self.tools.get("h2load"):
            return [self.skipped("h2load")], {}
        ua = subprocess.run([str(self.hb), "--version"], capture_output=True, text=True).stdout.split()
        agent = f"httpbench/{ua[1]}" if len(ua) > 1 else "httpbench"
        lines, summary = [], {}
        for conns, streams in ((5, 8), (50, 1)):
            c = conns * streams
            hb = httpbench_client(f"httpbench async h2 {conns}x{streams}", self.hb, "--mode", "async",
                                  "--http2", "-c", str(c), "--streams", str(streams))
            h2 = Client(f"h2load {conns}x{streams}",
                        lambda u, n, _, conns=conns, streams=streams: [
                            "h2load", "-t1", f"-c{conns}", f"-m{streams}", "-D", str(d),
                            "-H", f"user-agent: {agent}", u],
                        parse_h2load, False)
            results = self.bench.compare_paired([(hb, h2)], url, pid)
            lines += [f"nginx (1 worker) over h2c serving `/100b.txt`; {conns} connections x {streams} "
                      f"streams (httpbench `-c {c} --streams {streams}`, h2load `-c {conns} -m {streams}`), "
                      f"~{d} s per run.", ""]
            lines += tool_table(results, self.bench.client_pin) + [""]
            rl, ratios = ratio_table(results, [(hb.name, h2.name)], "httpbench / h2load")
            lines += rl + [""]
            summary[f"{conns}x{streams}"] = {"results": results, "ratios": ratios}
        return lines, summary


SCENARIOS = [
    ("1", "1. Throughput: keep-alive, 100-byte file, 50 connections", "s1_throughput", ["nginx"]),
    ("1b", "1b. Throughput: keep-alive, 16 KiB file, 50 connections", "s1b_throughput_16k", ["nginx"]),
    ("2", "2. New connection per request: 50 in flight, no keep-alive", "s2_new_connections", ["nginx"]),
    ("3", "3. Sequential: one request at a time", "s3_sequential", ["nginx"]),
    ("4", "4. C10k: 10,000 connections against a 1 s delay", "s4_c10k", []),
    ("5", "5. Seed benchmark: sync vs threads vs async, 200 requests × 50 ms", "s5_seed", []),
    ("6", "6. Built-in target: httpbench serve vs nginx under wrk", "s6_builtin_target", ["nginx"]),
    ("7", "7. Event loops: async -t 1 vs -t 2", "s7_thread_scaling", ["nginx"]),
    ("8", "8. HTTP/2: httpbench vs h2load on nginx h2c, 5 x 8 and 50 x 1", "s8_http2", ["nginx"]),
]


# ---------------------------------------------------------------------------------------------
# Main.
# ---------------------------------------------------------------------------------------------


def raise_nofile(want: int) -> int:
    """Raises the open-files limit (inherited by every child) toward want; returns the soft one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < want:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, want))  # root may raise the hard limit
            return want
        except (ValueError, OSError):
            pass
    new_soft = want if hard == resource.RLIM_INFINITY else min(want, hard)
    if new_soft > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (new_soft, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description="Benchmark httpbench against nginx and peer load "
                                 "generators on loopback; writes a markdown report.")
    ap.add_argument("--httpbench", default="build/httpbench",
                    help="httpbench binary (default build/httpbench; relative to the repo root "
                         "unless it exists relative to the current directory)")
    ap.add_argument("--rounds", type=int, help="rounds per scenario (default 3, --quick 1)")
    ap.add_argument("--duration", type=float, help="seconds per run (default 5, --quick 1)")
    ap.add_argument("--quick", action="store_true", help="smoke test: 1 round of 1 s runs")
    ap.add_argument("--only", help="comma-separated scenarios to run, e.g. 1,5 (default all: "
                                   + ",".join(s[0] for s in SCENARIOS) + ")")
    ap.add_argument("--c10k", type=int, default=10000, help="connections for scenario 4 (default 10000)")
    ap.add_argument("--wait-idle", type=float, default=0, metavar="SECONDS",
                    help="before each run, wait until no other process uses CPU, spending at "
                         "most SECONDS in all (default 0: never wait)")
    ap.add_argument("--no-pin", action="store_true", help="do not pin server and client with taskset")
    ap.add_argument("--out", help="markdown report (default bench/results/latest.md, "
                                  "--quick: bench/results/quick.md); a .json beside it keeps raw runs")
    ap.add_argument("--workdir", help=argparse.SUPPRESS)  # given by run.sh
    ap.add_argument("--pidfile", help=argparse.SUPPRESS)  # read by run.sh's EXIT trap
    args = ap.parse_args()
    # The options as the user gave them, for the report: not run.sh's internal ones.
    args.user_argv, skip = [], False
    for a in sys.argv[1:]:
        if skip:
            skip = False
        elif a in ("--workdir", "--pidfile"):
            skip = True
        elif not a.startswith(("--workdir=", "--pidfile=")):
            args.user_argv.append(a)
    args.rounds = args.rounds or (1 if args.quick else 3)
    args.duration = args.duration or (1.0 if args.quick else 5.0)
    if args.rounds < 1 or args.duration <= 0 or args.c10k < 1 or args.wait_idle < 0:
        ap.error("--rounds, --duration and --c10k must be positive, --wait-idle not negative")
    if args.duration != int(args.duration):
        ap.error("--duration must be whole seconds (wrk, h2load and hey take whole seconds)")
    args.duration = int(args.duration)
    hb = Path(args.httpbench)
    if not hb.is_absolute() and not hb.exists():
        hb = REPO_ROOT / hb
    args.httpbench = hb.resolve()
    if not os.access(args.httpbench, os.X_OK):
        ap.error(f"httpbench binary not found or not executable: {args.httpbench} (build it, or "
                 "pass --httpbench PATH)")
    args.out = Path(args.out) if args.out else BENCH_DIR / "results" / ("quick.md" if args.quick else "latest.md")
    wanted = args.only.split(",") if args.only else [s[0] for s in SCENARIOS]
    unknown = set(wanted) - {s[0] for s in SCENARIOS}
    if unknown:
        ap.error(f"unknown scenario(s): {', '.join(sorted(unknown))}")
    args.scenarios = [s for s in SCENARIOS if s[0] in wanted]
    return args


def find_tools() -> dict[str, str | None]:
    nginx = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/sbin/nginx")
                                           if os.access(p, os.X_OK)), None)
    return {"nginx": nginx, "wrk": shutil.which("wrk"), "h2load": shutil.which("h2load"),
            "ab": shutil.which("ab"), "hey": shutil.which("hey"),
            "python-httpx": python_with(["httpx"]), "python-aiohttp": python_with(["aiohttp"])}


def tool_versions(args, tools) -> list[str]:
    lines = [f"- httpbench: {first_line([str(args.httpbench), '--version'])} (`{args.httpbench}`)"]
    probes = {"nginx": ["-v"], "wrk": ["-v"], "h2load": ["--version"], "ab": ["-V"]}
    debs = {"nginx": "nginx", "wrk": "wrk", "h2load": "nghttp2-client", "ab": "apache2-utils", "hey": "hey"}
    for tool, deb in debs.items():
        if not tools.get(tool):
            lines.append(f"- {tool}: not installed (Debian package `{deb}`)")
            continue
        v = first_line([tools[tool], *probes[tool]]) if tool in probes else ""
        dv = deb_version(deb)
        lines.append(f"- {tool}: {v}{' — ' if v and dv else ''}{f'Debian {deb} {dv}' if dv else ''}")
    for mod in ("httpx", "aiohttp"):
        py = tools.get(f"python-{mod}")
        if py:
            v = first_line([py, "-c", f"import sys, {mod}; print({mod}.__version__, 'on Python', sys.version.split()[0])"])
            lines.append(f"- python {mod}: {v} (`{py}`)")
        else:
            lines.append(f"- python {mod}: not installed (Debian package `python3-{mod}`)")
    return lines


def jsonable(obj):
    """Results as plain JSON: dataclasses as dicts, paths as strings, NaN as null."""
    if isinstance(obj, Result):
        return jsonable(obj.__dict__)
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
    if isinstance(obj, Path):
        return str(obj)
    if isinstance(obj, float) and math.isnan(obj):
        return None
    return obj


def main() -> int:
    args = parse_args()
    own_workdir = args.workdir is None
    args.workdir = Path(args.workdir or tempfile.mkdtemp(prefix="httpbench-bench."))
    pidfile = Path(args.pidfile) if args.pidfile else args.workdir / "pids"
    # TERM/HUP from run.sh or the terminal: unwind through the finally blocks that stop servers.
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda s, _f: sys.exit(128 + s))

    # A per-process limit, inherited: the client and the server of scenario 4 each hold c10k.
    nofile = raise_nofile(args.c10k + 1024)
    affinity = sorted(os.sched_getaffinity(0))
    pin_note = "not pinned (--no-pin)"
    server_pin, client_pin = [], []
    if not args.no_pin:
        if not shutil.which("taskset"):
            pin_note = "not pinned: taskset not installed"
        elif len(affinity) < 2:
            pin_note = "not pinned: fewer than 2 CPUs available"
        else:
            client_pin = ["taskset", "-c", str(affinity[0])]
            server_pin = ["taskset", "-c", str(affinity[1])]
            pin_note = f"client on CPU {affinity[0]}, server on CPU {affinity[1]} (taskset)"
    args.client_pin = client_pin
    DISPLAY_ALIASES[str(args.httpbench)] = "httpbench"
    if not GNU_TIME:
        log("GNU time (Debian package `time`) not found: peak RSS will include the harness's own")

    tools = find_tools()
    servers = Servers(args.workdir, pidfile, server_pin)
    bench = Bench(args, servers)
    sc = Scenarios(args, bench, servers, tools)
    started = time.monotonic()
    load_start = loadavg()

    log(f"httpbench benchmark: {args.rounds} round(s) of {args.duration} s runs; {pin_note}; "
        f"open files {nofile}; work dir {args.workdir}")
    for tool, path in tools.items():
        log(f"  {tool:<15} {path or 'not installed: skipped'}")
    # Not the load average: it lags by a minute, so a run just before would trip it.
    b0 = machine_busy_s()
    time.sleep(1)
    if machine_busy_s() - b0 > 0.2:
        log("  WARNING: other processes are using CPU: numbers will be off (see --wait-idle)")

    sections: list[str] = []
    raw: dict = {}
    try:
        for key, title, method, needs in args.scenarios:
            log(f"\n== {title}")
            missing = [t for t in needs if not tools.get(t)]
            if missing:
                log(f"    skipped: {', '.join(missing)} not installed")
                sections += [f"## {title}", "", f"Skipped: {', '.join(missing)} not installed.", ""]
                continue
            if key == "4" and nofile < args.c10k + 100:
                args.c10k = nofile - 200
                log(f"    open-files limit {nofile}: using {args.c10k} connections")
            t0 = time.monotonic()
            try:
                lines, data = getattr(sc, method)()
            except RuntimeError as e:  # a server or calibration that failed; go on with the rest
                log(f"    FAILED: {e}")
                lines, data = [f"Failed: {e}"], {"error": str(e)}
            raw[key] = data
            sections += [f"## {title}", ""] + lines + ["", f"_{time.monotonic() - t0:.0f} s_", ""]
    finally:
        servers.stop_all()
        if own_workdir:
            shutil.rmtree(args.workdir, ignore_errors=True)

    total = time.monotonic() - started
    summary = ["## Summary", ""]
    for key, title, *_ in args.scenarios:
        data = raw.get(key) or {}
        items = [f"{r['a']} / {r['b']}: req/s ×{r['median']:.2f}, CPU/req ×{r['cpu_ratio_median']:.2f}"
                 for r in data.get("ratios", [])] + data.get("headline", [])
        if data.get("error"):
            items.append(f"failed: {data['error']}")
        if items:
            summary.append(f"- **{title.split(':')[0]}** — " + "; ".join(items))
    summary.append("")
    summary += target_lines(raw)
    header = [
        "# httpbench benchmark results", "",
        f"Generated by `{shlex.join(['bench/run.sh', *args.user_argv])}` "
        f"({args.rounds} round(s), {args.duration} s per run; httpbench and each peer run back "
        "to back, in turn first and second, the pairs' order rotated each round; "
        f"total {total / 60:.1f} min). Lower CPU µs/req and RSS are better; ratios are "
        "httpbench / peer per round (req/s: > 1 means httpbench is faster). CPU and RSS are "
        "those of the whole client process: user + sys from `wait4`, divided by successful "
        "requests, and peak RSS from GNU time's %M; server CPU (user + sys of the server "
        "process and its workers) is read from /proc around each run. \"Other CPU %\" is the "
        "CPU the machine spent on anything but client and server during a run (in % of one "
        "CPU, worst round): near 0 on a quiet machine, high when something else was running.", "",
        "## Machine", "", *machine_info(), f"- pinning: {pin_note}",
        f"- load average (1 min) at start {load_start}, at end {loadavg()}: other work on the "
        "machine skews everything", "", "## Tools", "",
        *tool_versions(args, tools), "",
    ]
    if args.quick:
        header[2:2] = ["**Quick smoke run: 1 s runs, numbers are indicative only.**", ""]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(header + summary + sections).rstrip() + "\n")
    args.out.with_suffix(".json").write_text(json.dumps(jsonable(
        {"args": {k: v for k, v in vars(args).items() if k not in ("scenarios", "user_argv")},
         "command": ["bench/run.sh", *args.user_argv], "tools": tools,
         "scenarios": raw, "targets": target_rows(raw)}), indent=1) + "\n")
    log(f"\nwrote {args.out} and {args.out.with_suffix('.json').name} in {total:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
