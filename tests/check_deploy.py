#!/usr/bin/env python3
"""Offline checks of deploy/: the Kubernetes manifests and the Containerfile.

1. The manifests parse as YAML and the Indexed Job is consistent: completions = parallelism =
   HTTPBENCH_SHARDS, Indexed completion mode, no restarts, the target URL names the Service of
   target.yaml. With kubectl installed (Debian's kubernetes-client), kubectl reads every manifest
   with `kubectl label --local` (no cluster, no network); otherwise that step says it was skipped.
2. The Job's own arguments run here as the Job would run them, one process per index with
   JOB_COMPLETION_INDEX and HTTPBENCH_SHARDS set, against `httpbench serve` on 127.0.0.1 (only -n
   lowered and the URL pointed at loopback), and the README's collection step (JSON lines out of
   the logs) feeds `httpbench merge --require-complete`, which must count every request.
3. The Containerfile's runtime stage installs the package of every shared library the binary
   links (dpkg -S over ldd), beyond what debian:12-slim already has; or it installs the .deb of
   cpack with apt, whose Depends tests/install/check_deb.sh checks against ldd.

Usage: check_deploy.py HTTPBENCH_BINARY REPO_ROOT
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import yaml

BINARY, ROOT = sys.argv[1], sys.argv[2]
DEPLOY = os.path.join(ROOT, "deploy")
# Packages debian:12-slim already has.
BASE_PACKAGES = {"libc6", "libgcc-s1", "libstdc++6"}
TEST_REQUESTS = 40


def fail(message):
    print(f"FAIL: {message}")
    sys.exit(1)


def load(name):
    with open(os.path.join(DEPLOY, "kubernetes", name)) as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def check_manifests():
    job = load("job.yaml")
    if len(job) != 1 or job[0].get("kind") != "Job" or job[0].get("apiVersion") != "batch/v1":
        fail("job.yaml must hold one batch/v1 Job")
    job = job[0]
    spec = job["spec"]
    if spec.get("completionMode") != "Indexed":
        fail("the Job must be Indexed (it sets JOB_COMPLETION_INDEX)")
    pod = spec["template"]["spec"]
    if pod.get("restartPolicy") != "Never":
        fail("restartPolicy must be Never: a retried shard would be counted twice")
    (container,) = pod["containers"]
    env = {e["name"]: e["value"] for e in container.get("env", [])}
    shards = int(env["HTTPBENCH_SHARDS"])
    if not (spec["completions"] == spec["parallelism"] == shards):
        fail(f"completions {spec['completions']}, parallelism {spec['parallelism']} and "
             f"HTTPBENCH_SHARDS {shards} must be equal")
    args = container["args"]
    if not all(isinstance(a, str) for a in args):
        fail("every argument must be a string")
    if "--start-at" not in args or "$(START_AT)" not in args or "START_AT" not in env:
        fail("the shards must start together: --start-at $(START_AT) with START_AT in env")
    if "--json" not in args:
        fail("each shard must print its JSON result for the merge step")

    target = load("target.yaml")
    services = [d for d in target if d.get("kind") == "Service"]
    deployments = [d for d in target if d.get("kind") == "Deployment"]
    if len(services) != 1 or len(deployments) != 1:
        fail("target.yaml must hold one Deployment and one Service")
    service = services[0]
    url = args[-1]
    expected = f"http://{service['metadata']['name']}:{service['spec']['ports'][0]['port']}/"
    if url != expected:
        fail(f"the Job's URL {url} does not name the Service of target.yaml ({expected})")
    selector = service["spec"]["selector"]
    labels = deployments[0]["spec"]["template"]["metadata"]["labels"]
    if any(labels.get(k) != v for k, v in selector.items()):
        fail("the Service's selector does not match the target's pod labels")

    kubectl = shutil.which("kubectl")
    if not kubectl:
        print("kubectl not installed (Debian: kubernetes-client): kubectl read skipped")
    else:
        for name in ("job.yaml", "target.yaml"):
            path = os.path.join(DEPLOY, "kubernetes", name)
            # --local: decoded by kubectl itself, no API server; KUBECONFIG=/dev/null so that
            # nothing could be contacted even by mistake.
            run = subprocess.run(
                [kubectl, "label", "--local", "-f", path, "checked=yes", "-o", "json"],
                capture_output=True, text=True, timeout=60,
                env=dict(os.environ, KUBECONFIG="/dev/null"))
            if run.returncode != 0:
                fail(f"kubectl cannot read {name}: {run.stderr.strip()}")
            print(f"kubectl read {name}")
    return args, env, shards


def run_job_locally(args, env, shards):
    serve = subprocess.Popen([BINARY, "serve", "--port", "0", "--delay", "1ms"],
                             stdout=subprocess.PIPE, text=True)
    try:
        line = serve.stdout.readline()
        match = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
        if not match:
            fail(f"httpbench serve did not say where it listens: {line!r}")
        local_args = list(args)
        local_args[-1] = match.group(1)
        local_args[local_args.index("-n") + 1] = str(TEST_REQUESTS)
        start_at = f"{time.time() + 1.5:.3f}"
        with tempfile.TemporaryDirectory() as tmp:
            pods = []
            for index in range(shards):
                pod_env = dict(os.environ, JOB_COMPLETION_INDEX=str(index),
                               HTTPBENCH_SHARDS=env["HTTPBENCH_SHARDS"], START_AT=start_at)
                # Kubernetes expands $(START_AT) in args from the container's env.
                expanded = [a.replace("$(START_AT)", start_at) for a in local_args]
                # The log holds stdout and stderr together, as `kubectl logs` shows them.
                log = open(os.path.join(tmp, f"pod-{index}.log"), "w")
                pods.append((subprocess.Popen([BINARY, *expanded], env=pod_env, stdout=log,
                                              stderr=subprocess.STDOUT), log))
            for pod, log in pods:
                if pod.wait(timeout=60) != 0:
                    fail(f"a shard exited {pod.returncode}")
                log.close()
            # The README's collection step: the JSON line of each pod's log.
            files = []
            for index in range(shards):
                with open(os.path.join(tmp, f"pod-{index}.log")) as f:
                    lines = [l for l in f if l.startswith("{")]
                if len(lines) != 1:
                    fail(f"pod {index}'s log holds {len(lines)} JSON lines, not 1")
                path = os.path.join(tmp, f"shard-{index}.json")
                with open(path, "w") as f:
                    f.write(lines[0])
                files.append(path)
            merged = subprocess.run([BINARY, "merge", "--require-complete", "--json", *files],
                                    capture_output=True, text=True, timeout=60)
            if merged.returncode != 0:
                fail(f"merge failed: {merged.stderr.strip()}")
            run = json.loads(merged.stdout)["runs"][0]
            if run["requests"] != TEST_REQUESTS or run["succeeded"] != TEST_REQUESTS:
                fail(f"merged {run['requests']} requests ({run['succeeded']} ok), "
                     f"expected {TEST_REQUESTS}")
            print(f"the Job's arguments ran as {shards} shards; merge counted {TEST_REQUESTS}")
    finally:
        serve.terminate()
        serve.wait(timeout=10)


def check_containerfile():
    with open(os.path.join(DEPLOY, "Containerfile")) as f:
        text = f.read()
    runtime = text.split("FROM debian:12-slim", 1)
    if len(runtime) != 2:
        fail("the Containerfile's runtime stage must be FROM debian:12-slim")
    if re.search(r"apt-get install[^\n]*(\\\n[^\n]*)*/tmp/httpbench_\*\.deb", runtime[1]) and \
            "cpack -G DEB" in runtime[0]:
        # apt installs the .deb with the packages its Depends names; tests/install/check_deb.sh
        # checks that Depends against ldd of the packaged binary.
        print("the runtime stage installs the .deb built by cpack, with its Depends")
        return
    installed = set(re.findall(r"\b(lib[a-z0-9.+-]+)", runtime[1]))
    ldd = subprocess.run(["ldd", BINARY], capture_output=True, text=True, check=True).stdout
    needed = set()
    for path in re.findall(r"=> (/\S+)", ldd):
        real = os.path.realpath(path)
        owner = subprocess.run(["dpkg", "-S", real], capture_output=True, text=True)
        if owner.returncode != 0:
            # usr-merged systems register /lib paths under /usr/lib, or the reverse.
            alt = real.replace("/usr/lib/", "/lib/", 1) if real.startswith("/usr/") else \
                "/usr" + real
            owner = subprocess.run(["dpkg", "-S", alt], capture_output=True, text=True)
        if owner.returncode != 0:
            fail(f"no Debian package owns {path}")
        package = owner.stdout.split(":", 1)[0]
        # A sanitizer build links its runtime; the image holds the release build.
        if not re.match(r"lib(asan|ubsan|tsan|lsan)\d", package):
            needed.add(package)
    missing = sorted(needed - BASE_PACKAGES - installed)
    if missing:
        fail(f"the runtime image lacks {', '.join(missing)} (the binary links them)")
    print(f"runtime packages cover the binary's libraries: {', '.join(sorted(needed))}")


def main():
    args, env, shards = check_manifests()
    run_job_locally(args, env, shards)
    check_containerfile()
    print("deploy checks passed")


if __name__ == "__main__":
    main()
