"""Requests per second the sandbox answers on loopback (the real uvicorn server, started as
`xkeys sandbox` in a subprocess so client and server do not share a GIL). Goal: >= 500/s so the
test suite stays fast. Prints the figure, the ratio to the goal and the status mix (rate limits
are real, so part of the mix is 429s once a window is spent - still fully processed answers).

Run: .venv/bin/python bench/bench_sandbox.py [--requests N] [--concurrency C] [--max-seconds S]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
from oauthlib.oauth1 import Client as OAuth1Client

ROOT = Path(__file__).resolve().parent.parent
GOAL = 500.0


async def load(
    base: str, creds: dict[str, str], total: int, concurrency: int, max_seconds: float
) -> tuple[int, float, Counter[int]]:
    signer = OAuth1Client(
        creds["consumer_key"],
        client_secret=creds["consumer_secret"],
        resource_owner_key=creds["access_token"],
        resource_owner_secret=creds["access_token_secret"],
    )
    app_only = {"Authorization": f"Bearer {creds['bearer_token']}"}
    user2 = {"Authorization": f"Bearer {creds['oauth2_access_token']}"}
    statuses: Counter[int] = Counter()
    counter = iter(range(total))
    deadline = time.monotonic() + max_seconds

    async def worker(client: httpx.AsyncClient) -> None:
        for i in counter:
            if time.monotonic() > deadline:
                return
            kind = i % 10
            if kind < 5:  # app-only lookup (the bearer probe)
                r = await client.get("/2/users/by/username/XDevelopers", headers=app_only)
            elif kind < 7:  # OAuth 2.0 user token search
                r = await client.get("/2/tweets/search/recent", params={"query": "x api"}, headers=user2)
            elif kind < 9:  # OAuth 1.0a signed user probe (HMAC-SHA1 verified server-side)
                url = base + "/2/users/me"
                _, headers, _ = signer.sign(url, "GET")
                r = await client.get(url, headers=headers)
            else:  # the consumer-pair probe
                r = await client.post(
                    "/oauth2/token",
                    data={"grant_type": "client_credentials"},
                    auth=(creds["consumer_key"], creds["consumer_secret"]),
                )
            statuses[r.status_code] += 1

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=10.0, limits=limits) as client:
        await client.get("/2/users/me")  # warm up
        t0 = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        elapsed = time.perf_counter() - t0
    return sum(statuses.values()), elapsed, statuses


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (Linux /proc), None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--requests", type=int, default=4000)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--max-seconds", type=float, default=30.0)
    a = ap.parse_args()
    proc = subprocess.Popen([sys.executable, "-m", "xkeys", "sandbox"], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert proc.stdout is not None
        info = json.loads(proc.stdout.readline())
        cpu0 = cpu_seconds(proc.pid)
        client0 = time.process_time()
        done, elapsed, statuses = asyncio.run(
            load(info["base_url"], info["credentials"], a.requests, a.concurrency, a.max_seconds)
        )
        cpu1 = cpu_seconds(proc.pid)
        client_cpu = time.process_time() - client0
    finally:
        proc.terminate()
        proc.wait(10)
    rate = done / elapsed if elapsed else 0.0
    mix = ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items()))
    print(f"sandbox loopback: {done} requests in {elapsed:.2f} s with {a.concurrency} connections")
    print(f"throughput: {rate:.0f} requests/s  (goal >= {GOAL:.0f}/s, ratio {rate / GOAL:.2f})")
    print(f"status mix: {mix}")
    if cpu0 is not None and cpu1 is not None and cpu1 > cpu0:
        # what one server core could answer if the load generator did not share the machine
        print(
            f"server CPU: {(cpu1 - cpu0) / done * 1000:.2f} ms per request -> capacity "
            f"{done / (cpu1 - cpu0):.0f} requests/s per core "
            f"(load generator: {client_cpu / done * 1000:.2f} ms CPU per request)"
        )
    try:
        load1 = Path("/proc/loadavg").read_text().split()[0]
        print(f"machine load average (1 min) at the end: {load1} on {os.cpu_count()} CPUs")
    except OSError:
        pass
    return 0 if rate >= GOAL else 1


if __name__ == "__main__":
    raise SystemExit(main())
