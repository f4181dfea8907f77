"""Doctor concurrency benchmark (issue 5): how many round trips do the live probes add?

Starts two real sandboxes as subprocesses - `xkeys sandbox --latency 0.5` and `--latency 0` -
reads their JSON lines, and runs doctor against each several times: in-process (`run_doctor`
over the real HTTP stack, its own client per run) and as the `xkeys doctor` command
(credentials in environment variables). The time latency adds, divided by one request's added
latency (RTT := 0.5 s), is the number of round trips doctor waits for. A sequential checker
waits one per request; the goal is <= 2 round trips for >= 5 live probes.

Run: .venv/bin/python bench/bench_doctor.py [--reps N] [--latency SEC]
Prints figures and ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "app"))

from xkeys.core.creds import Credentials  # noqa: E402
from xkeys.core.doctor import run_doctor  # noqa: E402
from xkeys.core.kinds import KINDS, Kind  # noqa: E402


def start_sandbox(latency: float) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "xkeys", "sandbox", "--latency", str(latency)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line:
        proc.kill()
        raise SystemExit("the sandbox did not start")
    return proc, json.loads(line)


def stop(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


async def one_run(info: dict[str, Any]) -> tuple[float, Any]:
    creds = Credentials(
        values={Kind(k): v for k, v in info["credentials"].items()}, redirect_uri=info.get("redirect_uri")
    )
    t = time.perf_counter()
    report = await run_doctor(creds, api_base=info["base_url"], timeout=10)
    return time.perf_counter() - t, report


async def in_process(
    fast: dict[str, Any], slow: dict[str, Any], reps: int
) -> tuple[list[float], list[float], Any, Any]:
    """Alternate fast and slow runs so machine load drifts hit both alike."""
    t_fast: list[float] = []
    t_slow: list[float] = []
    rep_fast = rep_slow = None
    await one_run(fast)  # warm-up: imports, first connections
    for _ in range(reps):
        t, rep_fast = await one_run(fast)
        t_fast.append(t)
        t, rep_slow = await one_run(slow)
        t_slow.append(t)
    return t_fast, t_slow, rep_fast, rep_slow


def cli(fast: dict[str, Any], slow: dict[str, Any], reps: int) -> tuple[list[float], list[float]]:
    """`xkeys doctor --json` as a subprocess, alternating fast and slow sandboxes."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("X_", "TWITTER_", "XKEYS_"))}
    t_fast: list[float] = []
    t_slow: list[float] = []
    with tempfile.TemporaryDirectory() as cfg:
        env.update({"XKEYS_CONFIG_DIR": cfg, "XKEYS_SECRET_STORE": "file"})
        for k, v in fast["credentials"].items():
            env[KINDS[Kind(k)].env[0]] = v
        for _ in range(reps):
            for info, times in ((fast, t_fast), (slow, t_slow)):
                t = time.perf_counter()
                out = subprocess.run(
                    [sys.executable, "-m", "xkeys", "doctor", "--json", "--api-base", info["base_url"]],
                    env=env,
                    capture_output=True,
                    text=True,
                    cwd=ROOT,
                    stdin=subprocess.DEVNULL,
                )
                times.append(time.perf_counter() - t)
                if out.returncode != 0:
                    print(f"  (doctor exited {out.returncode}: {out.stderr.strip()[:200]})")
    return t_fast, t_slow


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--latency", type=float, default=0.5)
    ap.add_argument("--cli-reps", type=int, default=5)
    a = ap.parse_args()
    rtt = a.latency
    slow_proc, slow = start_sandbox(a.latency)
    fast_proc, fast = start_sandbox(0.0)
    try:
        t_fast, t_slow, rep_fast, rep_slow = asyncio.run(in_process(fast, slow, a.reps))
        c_fast, c_slow = cli(fast, slow, a.cli_reps) if a.cli_reps else ([], [])
    finally:
        stop(slow_proc)
        stop(fast_proc)
    assert rep_fast is not None and rep_slow is not None
    probes = len(rep_slow.live_probes)
    requests = rep_slow.requests
    med_fast, med_slow = statistics.median(t_fast), statistics.median(t_slow)
    added = statistics.median(s - f for s, f in zip(t_slow, t_fast, strict=True))  # paired runs
    print(f"doctor concurrency benchmark (latency {a.latency} s per request = 1 RTT; {a.reps} runs each)")
    print(
        f"  exit codes: latency 0 -> {rep_fast.exit_code}, latency {a.latency} -> {rep_slow.exit_code}; "
        f"diagnoses {rep_slow.diagnoses or 'none'}"
    )
    print(
        f"  live probes: {probes} ({', '.join(p.removeprefix('probe.') for p in rep_slow.live_probes)}); "
        f"{requests} requests"
    )
    print(
        f"  in-process run_doctor: median {med_fast:.3f} s at latency 0, {med_slow:.3f} s at latency {a.latency} "
        f"(min {min(t_fast):.3f} / {min(t_slow):.3f})"
    )
    print(
        f"  time added by latency: {added:.3f} s = {added / rtt:.2f} round trips "
        f"(a sequential checker: {requests * rtt:.1f} s = {requests} round trips)"
    )
    print(f"  speed-up over sequential: {requests * rtt / added:.1f}x" if added > 0 else "  speed-up: n/a")
    goal = probes >= 5 and added / rtt <= 2
    print(f"  goal (<= 2 round trips for >= 5 live probes): {'met' if goal else 'NOT met'}")
    if c_fast and c_slow:
        cf, cs = statistics.median(c_fast), statistics.median(c_slow)
        c_added = statistics.median(s - f for s, f in zip(c_slow, c_fast, strict=True))
        print(
            f"  `xkeys doctor` command: median {cf:.3f} s at latency 0, {cs:.3f} s at latency {a.latency}: "
            f"added {c_added:.3f} s = {c_added / rtt:.2f} round trips (includes process start-up noise)"
        )


if __name__ == "__main__":
    main()
