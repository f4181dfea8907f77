"""The TUI in a real terminal (tmux, 80x24), as a user meets it:

1. first paint of `xkeys --demo`: from starting the command until the home screen shows its
   four flows (goal <= 1.0 s);
2. time to the fix: `xkeys troubleshoot --demo --scenario read-only` until the diagnosis id
   `write-permission-missing` is on screen (sandbox start + every check + the card; goal <= 3.0 s).

Each figure is printed with its ratio to the goal, and next to a bare `python -c` that prints
the same words in the same tmux setup (the floor: terminal + interpreter start), measured in the
same run, interleaved. Asserts nothing. `bench_tui_paint.py` measures (1) alone with more runs.

Run: .venv/bin/python bench/bench_tui.py [--reps N]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

GOALS = {"first-paint": 1.0, "time-to-fix": 3.0}
HOME_WORDS = ("Onboard", "Troubleshoot", "Rotate", "Support")
FIX_WORDS = ("write-permission-missing",)


def _q(s: str) -> str:
    return "'" + s.replace("'", "'\"'\"'") + "'"


def tmux(sock: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["tmux", "-L", sock, *args], capture_output=True, text=True, timeout=10)


def seconds_until(sock: str, argv: list[str], words: tuple[str, ...], timeout: float) -> float | None:
    name = f"b{time.monotonic_ns()}"
    t0 = time.perf_counter()
    tmux(sock, "new-session", "-d", "-s", name, "-x", "80", "-y", "24", " ".join(_q(a) for a in argv))
    try:
        while time.perf_counter() - t0 < timeout:
            screen = tmux(sock, "capture-pane", "-p", "-t", name).stdout
            if all(w in screen for w in words):
                return time.perf_counter() - t0
            time.sleep(0.01)
        return None
    finally:
        tmux(sock, "kill-session", "-t", name)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--timeout", type=float, default=20.0)
    a = ap.parse_args()
    if shutil.which("tmux") is None:
        print("tui bench: tmux is not installed; skipped")
        return 0
    py = sys.executable
    cases = {
        "first-paint": ([py, "-m", "xkeys", "--demo"], HOME_WORDS),
        "time-to-fix": ([py, "-m", "xkeys", "troubleshoot", "--demo", "--scenario", "read-only"], FIX_WORDS),
    }
    sock = f"xkeys-bench-tui-{os.getpid()}"
    results: dict[str, list[float]] = {k: [] for k in cases}
    floor: list[float] = []
    missed = 0
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.update(
            {"XKEYS_CONFIG_DIR": os.path.join(tmp, "cfg"), "XKEYS_SECRET_STORE": "file", "TERM": "xterm-256color"}
        )
        os.environ.pop("TMUX", None)
        bare = [py, "-c", f"import time; print({' '.join(HOME_WORDS)!r}, flush=True); time.sleep(30)"]
        tmux(sock, "-f", "/dev/null", "start-server")
        try:
            seconds_until(sock, cases["first-paint"][0], HOME_WORDS, a.timeout)  # warm caches
            for _ in range(a.reps):
                t = seconds_until(sock, bare, HOME_WORDS, a.timeout)
                if t is not None:
                    floor.append(t)
                for key, (argv, words) in cases.items():
                    t = seconds_until(sock, argv, words, a.timeout)
                    if t is None:
                        missed += 1
                    else:
                        results[key].append(t)
        finally:
            tmux(sock, "kill-server")
    if not floor or not all(results.values()):
        print(f"tui bench: a screen never showed within {a.timeout} s ({missed} misses)")
        return 1
    base = statistics.median(floor)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"tui in tmux 80x24 (median of {a.reps} interleaved runs; load average {load:.2f}, {os.cpu_count()} CPUs)")
    print(f"  floor: bare python printing the words      {base:.3f} s")
    out: dict[str, object] = {"floor_s": round(base, 3)}
    for key, times in results.items():
        med = statistics.median(times)
        goal = GOALS[key]
        print(
            f"  {key:<12} {med:.3f} s  (min {min(times):.3f})  / {goal:.1f} s goal: {med / goal:.2f} "
            f"({'OK' if med <= goal else 'OVER'});  {med / base:.1f}x the floor"
        )
        out[key] = {"s": round(med, 3), "goal_s": goal, "ratio_to_goal": round(med / goal, 2), "met": med <= goal}
    print("BENCH " + json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
