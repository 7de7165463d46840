#!/usr/bin/env python3
"""Python HTTP clients for the seed benchmark (scenario 5 of bench/run.sh).

    py_clients.py {httpx-sync,httpx-async,aiohttp} URL [-n 200] [-c 100]

Makes N GET requests to URL (the harness only passes its own loopback servers) and prints one
JSON object: wall_s, cpu_s, ok, failed, errors. Both times cover the requests only, not the
interpreter start-up and imports, which would otherwise dominate 200 requests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import time
from collections import Counter


def cpu_now() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def httpx_sync(url: str, n: int, _c: int) -> tuple[int, Counter]:
    import httpx

    ok, errors = 0, Counter()
    # trust_env=False: no proxy from the environment may take loopback traffic elsewhere.
    with httpx.Client(trust_env=False, timeout=30) as client:
        for _ in range(n):
            try:
                r = client.get(url)
                if r.status_code == 200:
                    ok += 1
                else:
                    errors[f"HTTP {r.status_code}"] += 1
            except httpx.HTTPError as e:
                errors[type(e).__name__] += 1
    return ok, errors


async def _gather(n: int, one) -> tuple[int, Counter]:
    results = await asyncio.gather(*(one() for _ in range(n)), return_exceptions=True)
    ok, errors = 0, Counter()
    for r in results:
        if r == 200:
            ok += 1
        elif isinstance(r, BaseException):
            errors[type(r).__name__] += 1
        else:
            errors[f"HTTP {r}"] += 1
    return ok, errors


def httpx_async(url: str, n: int, c: int) -> tuple[int, Counter]:
    import httpx

    async def main():
        limits = httpx.Limits(max_connections=c, max_keepalive_connections=c)
        async with httpx.AsyncClient(limits=limits, trust_env=False, timeout=30) as client:
            async def one():
                return (await client.get(url)).status_code

            return await _gather(n, one)

    return asyncio.run(main())


def aiohttp_async(url: str, n: int, c: int) -> tuple[int, Counter]:
    import aiohttp

    async def main():
        connector = aiohttp.TCPConnector(limit=c)
        timeout = aiohttp.ClientTimeout(total=30)
        async with aiohttp.ClientSession(connector=connector, timeout=timeout,
                                         trust_env=False) as session:
            async def one():
                async with session.get(url) as r:
                    await r.read()
                    return r.status

            return await _gather(n, one)

    return asyncio.run(main())


VARIANTS = {"httpx-sync": httpx_sync, "httpx-async": httpx_async, "aiohttp": aiohttp_async}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("variant", choices=sorted(VARIANTS))
    ap.add_argument("url")
    ap.add_argument("-n", type=int, default=200, help="requests (default 200)")
    ap.add_argument("-c", type=int, default=100, help="connections for the async clients (default 100)")
    args = ap.parse_args()
    if not args.url.startswith(("http://127.", "http://localhost", "http://[::1]")):
        ap.error("only loopback URLs: this is a benchmark of local servers")
    # Import before the clock starts: the harness compares request work, not import time.
    __import__("aiohttp" if args.variant == "aiohttp" else "httpx")
    cpu0, t0 = cpu_now(), time.perf_counter()
    ok, errors = VARIANTS[args.variant](args.url, args.n, args.c)
    wall, cpu = time.perf_counter() - t0, cpu_now() - cpu0
    json.dump({"variant": args.variant, "requests": args.n, "ok": ok, "failed": args.n - ok,
               "errors": dict(errors), "wall_s": wall, "cpu_s": cpu}, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
