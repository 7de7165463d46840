#!/usr/bin/env python3
"""The live view on a real terminal: httpbench runs in a tmux pane (a pseudo-terminal of 80x24)
against the built-in server on a loopback port, and the test reads the screen while the run goes
on. It asserts the progress, the rates, the percentiles, the statuses and failures, that the panel
is redrawn in place and cleared at the end, the plain line of --no-live, nothing with --progress
none, colour only without NO_COLOR, and no escape sequence at all when stderr is not a terminal.

    tests/check_live_view.py HTTPBENCH_BINARY
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

BINARY = os.path.abspath(sys.argv[1])
WIDTH, HEIGHT = 80, 24
failures = []


def check(condition, message, screen=None):
    if not condition:
        failures.append(message + ("\n--- screen ---\n" + screen if screen is not None else ""))
    return condition


class Pane:
    """One tmux server on a private socket, one 80x24 pane running `command`."""

    def __init__(self, workdir, name, command, env):
        self.socket = os.path.join(workdir, "tmux.sock")
        self.name = name
        self.done_file = os.path.join(workdir, name + ".exit")
        self.out_file = os.path.join(workdir, name + ".out")
        exports = " ".join(f"{k}={shq(v)}" for k, v in env.items())
        # stdout to a file, stderr on the pane; the pane stays after the run so the final screen
        # can be read.
        script = (f"env {exports} {command} > {shq(self.out_file)}; "
                  f"echo $? > {shq(self.done_file)}; sleep 60")
        self.tmux("new-session", "-d", "-x", str(WIDTH), "-y", str(HEIGHT), "-s", name, script)

    def tmux(self, *args):
        return subprocess.run(["tmux", "-S", self.socket, "-f", "/dev/null", *args],
                              capture_output=True, text=True, check=True,
                              env={**os.environ, "TERM": "xterm-256color"}).stdout

    def screen(self, escapes=False):
        args = ["capture-pane", "-p", "-J", "-t", self.name]
        if escapes:
            args.append("-e")
        return self.tmux(*args)

    def finished(self):
        return os.path.exists(self.done_file) and open(self.done_file).read().strip() != ""

    def exit_code(self):
        return int(open(self.done_file).read())

    def wait_for(self, pattern, timeout):
        """The first screen (while the run goes on) on which `pattern` matches, or None."""
        end = time.monotonic() + timeout
        while time.monotonic() < end and not self.finished():
            screen = self.screen()
            if re.search(pattern, screen, re.M):
                return screen
            time.sleep(0.05)
        return None

    def wait_exit(self, timeout):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.finished():
                return self.exit_code()
            time.sleep(0.05)
        return None

    def close(self):
        subprocess.run(["tmux", "-S", self.socket, "kill-session", "-t", self.name],
                       capture_output=True)


def shq(text):
    return "'" + text.replace("'", "'\\''") + "'"


def panel_lines(screen):
    return [line for line in screen.splitlines() if line.strip()]


def start_server():
    server = subprocess.Popen([BINARY, "serve", "--port", "0", "--delay", "5ms"],
                              stdout=subprocess.PIPE, text=True)
    line = server.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:\d+/", line)
    if not match:
        server.kill()
        sys.exit(f"the server did not start: {line!r}")
    return server, match.group(0)


def live_run(workdir, url):
    """--rate with --duration: progress by time, rates, percentiles, statuses, in flight."""
    pane = Pane(workdir, "live", f"{shq(BINARY)} -c 8 -r 300 -d 4s {url}",
                {"LANG": "C.UTF-8", "NO_COLOR": ""})
    try:
        first = pane.wait_for(r"^status .*2xx \d+", 8)
        if not check(first is not None, "live view: no panel with statuses during the run",
                     pane.screen()):
            return
        check(not pane.finished(), "live view: the run ended before the panel was read")
        lines = panel_lines(first)
        check(all(len(line) <= WIDTH for line in lines), "live view: a line is wider than 80", first)
        progress = re.search(r"^async .* +(\d+)%  (\d+) req  (\d+\.\d)s/4\.0s  left (\d+\.\d)s$",
                             first, re.M)
        check(progress is not None, "live view: no progress line 'async [bar] N%  N req  "
              "T/4.0s  left T'", first)
        check(re.search(r"[\u2588\u2591]{10,}", first) is not None,
              "live view: no progress bar", first)
        check(re.search(r"^req/s +\d+ now  \d+ mean", first, re.M) is not None,
              "live view: no current and mean req/s", first)
        check(re.search(r"^latency  p50 \d+\.\d+m?s  p90 \d+\.\d+m?s  p99 \d+\.\d+m?s  "
                        r"max \d+\.\d+m?s$", first, re.M) is not None,
              "live view: no p50/p90/p99/max line", first)
        check(re.search(r"^status +2xx \d+ +failed 0$", first, re.M) is not None,
              "live view: no status line with 2xx and failed 0", first)
        check(re.search(r"^load +in flight \d+/8  rate 300/s target, \d+/s now  lag \d+\.\ds  "
                        r"late starts \d+$", first, re.M) is not None,
              "live view: no in-flight and rate line", first)
        # Redrawn in place: one panel on the screen, and its figures move on.
        time.sleep(1.0)
        second = pane.screen()
        check(sum(1 for line in second.splitlines() if line.startswith("latency")) == 1,
              "live view: the panel is not redrawn in place", second)
        later = re.search(r"^async .* +\d+%  (\d+) req", second, re.M)
        if progress and check(later is not None, "live view: progress line gone", second):
            check(int(later.group(1)) > int(progress.group(2)),
                  "live view: the request count does not move on", first + "\n" + second)
        coloured = pane.screen(escapes=True)
        check(re.search(r"\x1b\[[0-9;]*3[0-7]m", coloured) is not None,
              "live view: no colour without NO_COLOR", coloured)
        code = pane.wait_exit(15)
        check(code == 0, f"live view: exit code {code}")
        final = pane.screen()
        check(not any(line.startswith(("latency", "req/s", "status", "load"))
                      for line in final.splitlines()),
              "live view: the panel is not cleared at the end", final)
        report = open(pane.out_file).read()
        check("\x1b" not in report, "live view: escape sequences on stdout")
        check("async" in report and "p99" in report, "live view: no report on stdout", report)
    finally:
        pane.close()


def compare_run(workdir, url):
    """--compare: the mode running, the ones done with their figures; failures by kind; NO_COLOR."""
    pane = Pane(workdir, "compare",
                f"{shq(BINARY)} --compare sync,async -c 4 -d 1.5s --ok-status 201 {url}",
                {"LANG": "C.UTF-8", "NO_COLOR": "1"})
    try:
        screen = pane.wait_for(r"^done +sync 1/2 +\d+ req", 10)
        if not check(screen is not None, "compare: no 'done sync' line while async runs",
                     pane.screen()):
            return
        check(re.search(r"^async 2/2 ", screen, re.M) is not None,
              "compare: the running mode is not named 'async 2/2'", screen)
        check(re.search(r"^done +sync 1/2 +\d+ req  \d+ req/s  p50 \S+  p99 \S+  failed \d+$",
                        screen, re.M) is not None, "compare: sync's figures are not shown", screen)
        check(re.search(r"^status +2xx \d+ +failed \d+: status \d+$", screen, re.M) is not None,
              "compare: failures by kind are not shown (every 200 fails --ok-status 201)", screen)
        coloured = pane.screen(escapes=True)
        check(re.search(r"\x1b\[[0-9;]*[34][0-7]m", coloured) is None,
              "compare: colour despite NO_COLOR", coloured)
        check(pane.wait_exit(15) == 1, "compare: exit code is not 1 with failed requests")
    finally:
        pane.close()


def plain_runs(workdir, url):
    """--no-live: the one plain line; --progress none: nothing on stderr."""
    pane = Pane(workdir, "plain", f"{shq(BINARY)} --no-live -c 2 -n 400 {url}", {"LANG": "C.UTF-8"})
    try:
        screen = pane.wait_for(r"^\[async\] \d+/400  \d+\.\ds  \d+ req/s  errors 0", 8)
        check(screen is not None, "--no-live: no plain progress line", pane.screen())
        if screen:
            check("latency" not in screen, "--no-live: the panel is shown", screen)
        check(pane.wait_exit(15) == 0, "--no-live: exit code")
    finally:
        pane.close()
    pane = Pane(workdir, "none", f"{shq(BINARY)} --progress none -c 2 -n 300 {url}",
                {"LANG": "C.UTF-8"})
    try:
        seen = []
        while not pane.finished():
            seen.append(pane.screen())
            time.sleep(0.1)
        check(pane.exit_code() == 0, "--progress none: exit code")
        check(all(not s.strip() for s in seen), "--progress none: something on the terminal",
              "\n".join(seen))
    finally:
        pane.close()


def not_a_terminal(url):
    """stderr a pipe: nothing but the report, and no escape sequence anywhere."""
    for extra in ([], ["--progress", "live"]):
        run = subprocess.run([BINARY, *extra, "-c", "4", "-d", "1s", url], capture_output=True,
                             timeout=30, env={**os.environ, "TERM": "xterm-256color"})
        check(run.returncode == 0, f"not a terminal {extra}: exit {run.returncode}")
        check(b"\x1b" not in run.stderr and b"\x1b" not in run.stdout,
              f"not a terminal {extra}: escape sequences written: {run.stderr[:200]!r}")
        check(run.stderr == b"", f"not a terminal {extra}: stderr not empty: {run.stderr[:200]!r}")


def main():
    if shutil.which("tmux") is None:
        sys.exit("tmux is not installed (scripts/install-deps.sh installs it)")
    workdir = tempfile.mkdtemp(prefix="httpbench-live-")
    server, url = start_server()
    try:
        live_run(workdir, url)
        compare_run(workdir, url)
        plain_runs(workdir, url)
        not_a_terminal(url)
    finally:
        server.terminate()
        server.wait(timeout=10)
        subprocess.run(["tmux", "-S", os.path.join(workdir, "tmux.sock"), "kill-server"],
                       capture_output=True)
        shutil.rmtree(workdir, ignore_errors=True)
    for f in failures:
        print("FAIL:", f, file=sys.stderr)
    if not failures:
        print("live view checked through a tmux pane: progress, rates, percentiles, statuses, "
              "compare, --no-live, --progress none, NO_COLOR, not a terminal")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
