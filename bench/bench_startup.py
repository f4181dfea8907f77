"""Start-up cost of `xkeys --version` against bare `python -c pass`, measured in the same run
with interleaved repetitions (so machine load hits every variant alike). Goal: <= 4x.

Run: .venv/bin/python bench/bench_startup.py [--reps N]
Prints the median wall time of each variant and its ratio to bare Python. `python -X
importtime -m xkeys --version` shows where the time goes when the ratio is over goal.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL = 4.0


def variants() -> dict[str, list[str]]:
    py = sys.executable
    v = {
        "python -c pass": [py, "-c", "pass"],
        "python -m xkeys --version": [py, "-m", "xkeys", "--version"],
        "python -m xkeys classify (1 value)": [py, "-m", "xkeys", "classify", "--json"],
    }
    exe = Path(py).with_name("xkeys")
    if not exe.exists():
        found = shutil.which("xkeys")
        exe = Path(found) if found else exe
    if exe.exists():
        v["xkeys --version (installed script)"] = [str(exe), "--version"]
    return v


def time_once(cmd: list[str], stdin: bytes, env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, input=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=env)
    return time.perf_counter() - t0


def environments() -> dict[str, dict[str, str]]:
    """`as installed`: bytecode cached, as after `pip install` (a private pycache prefix, so the
    source tree is not touched). `no bytecode`: this shell's environment, which may forbid .pyc
    files (PYTHONDONTWRITEBYTECODE) and so compiles every module on every start."""
    cached = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cached["PYTHONPYCACHEPREFIX"] = os.path.join(tempfile.gettempdir(), "xkeys-bench-pycache")
    envs = {"as installed (bytecode cached)": cached}
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        envs["this shell (PYTHONDONTWRITEBYTECODE set)"] = dict(os.environ)
    return envs


def slowest_imports(args: list[str], env: dict[str, str], runs: int = 5, top: int = 12) -> list[tuple[int, str]]:
    """Top-level imports by cumulative microseconds, the minimum over several runs."""
    best: dict[str, int] = {}
    for _ in range(runs):
        p = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "xkeys", *args],
            input=b"x\n",
            capture_output=True,
            env=env,
            check=False,
        )
        for line in p.stderr.decode(errors="replace").splitlines():
            if not line.startswith("import time:") or "cumulative" in line:
                continue
            _, cum, name = line.split("|")
            if name.startswith("   "):  # nested deeper than the top two levels
                continue
            key = name.strip()
            best[key] = min(best.get(key, 1 << 60), int(cum))
    return sorted(((v, k) for k, v in best.items()), reverse=True)[:top]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--reps", type=int, default=40)
    ap.add_argument(
        "--why",
        action="store_true",
        help="also print the slowest imports of `xkeys --version` and of classify (-X importtime)",
    )
    a = ap.parse_args()
    vs = variants()
    stdin = b"Q7mZk2RtVb9XwLp4Hn6sJd3Fa\n"
    width = max(map(len, vs))
    for env_name, env in environments().items():
        for cmd in vs.values():  # warm the page cache and the bytecode cache
            for _ in range(3):
                time_once(cmd, stdin, env)
        times: dict[str, list[float]] = {k: [] for k in vs}
        for _ in range(a.reps):  # interleaved: each round runs every variant once
            for name, cmd in vs.items():
                times[name].append(time_once(cmd, stdin, env))
        base = statistics.median(times["python -c pass"])
        print(f"start-up, {env_name}: median of {a.reps} interleaved runs (Python {sys.version.split()[0]})")
        for name, ts in times.items():
            med = statistics.median(ts)
            ratio = med / base
            flag = (
                "" if name == "python -c pass" or "classify" in name else ("  OK" if ratio <= GOAL else "  OVER GOAL")
            )
            print(f"  {name:<{width}}  {med * 1000:7.1f} ms  ({ratio:4.2f}x bare python){flag}")
    print(f"goal: `xkeys --version` <= {GOAL:.0f}x bare python")
    if a.why:
        env = next(iter(environments().values()))
        for label, args in (("--version", ["--version"]), ("classify", ["classify", "--json"])):
            print(f"slowest imports of `xkeys {label}` (cumulative, best of 5 runs):")
            for cum, name in slowest_imports(args, env):
                print(f"  {cum / 1000:6.1f} ms  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
