"""First paint of the TUI: `xkeys --demo` in a real terminal (tmux, 80x24) until the home
screen shows its four flows. Goal: <= 1.0 s.

Measured in the same run, interleaved: a bare `python -c` that prints the same words in the
same tmux setup (terminal start + process start + polling cost), so the ratio tells how much the
app adds to the cheapest possible "something is on screen", whatever the machine's load.
The time is from asking tmux to start the command to the first `capture-pane` that shows the
words, polled every 10 ms.

Run: .venv/bin/python bench/bench_tui_paint.py [--reps N] [--timeout S]
Prints figures and ratios; asserts nothing. Needs tmux.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL = 1.0
#: the home screen is painted when every flow's name is on screen
WORDS = ("Onboard", "Troubleshoot", "Rotate", "Support")


def tmux(sock: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["tmux", "-L", sock, *args], capture_output=True, text=True, timeout=10)


def time_to_paint(sock: str, command: list[str], env: dict[str, str], timeout: float) -> float | None:
    """Seconds from starting `command` in a fresh 80x24 tmux window until WORDS are all shown."""
    name = f"p{time.monotonic_ns()}"
    shell_cmd = " ".join(_quote(c) for c in command)
    t0 = time.perf_counter()
    tmux(sock, "new-session", "-d", "-s", name, "-x", "80", "-y", "24", shell_cmd)
    try:
        while time.perf_counter() - t0 < timeout:
            screen = tmux(sock, "capture-pane", "-p", "-t", name).stdout
            if all(w in screen for w in WORDS):
                return time.perf_counter() - t0
            time.sleep(0.01)
        return None
    finally:
        tmux(sock, "kill-session", "-t", name)


def _quote(s: str) -> str:
    return "'" + s.replace("'", "'\"'\"'") + "'"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--timeout", type=float, default=15.0)
    a = ap.parse_args()
    if shutil.which("tmux") is None:
        print("tui first paint: tmux is not installed; skipped")
        return 0
    sock = f"xkeys-bench-{os.getpid()}"
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "TERM": "xterm-256color",
            "XKEYS_CONFIG_DIR": os.path.join(tmp, "cfg"),
            "XKEYS_SECRET_STORE": "file",
            "NO_COLOR": "1",
        }
        env.pop("TMUX", None)
        py = sys.executable
        bare = [py, "-c", f"import time; print({' '.join(WORDS)!r}, flush=True); time.sleep(30)"]
        app = [py, "-m", "xkeys", "--demo"]
        # the tmux server lives on its own socket; started (and killed) by this script only
        tmux(sock, "-f", "/dev/null", "start-server")
        try:
            # warm-up: bytecode caches, the OS page cache
            time_to_paint(sock, app, env, a.timeout)
            times: dict[str, list[float]] = {"bare": [], "app": []}
            missed = 0
            for _ in range(a.reps):
                for key, cmd in (("bare", bare), ("app", app)):
                    t = time_to_paint(sock, cmd, env, a.timeout)
                    if t is None:
                        missed += 1
                    else:
                        times[key].append(t)
        finally:
            tmux(sock, "kill-server")
    if not times["app"] or not times["bare"]:
        print(f"tui first paint: the home screen never showed within {a.timeout} s ({missed} misses)")
        return 1
    app_med, bare_med = statistics.median(times["app"]), statistics.median(times["bare"])
    print(f"tui first paint (`xkeys --demo` in tmux 80x24, median of {len(times['app'])} interleaved runs)")
    print(f"  bare python printing the same words: {bare_med:.3f} s")
    print(
        f"  xkeys --demo home screen:            {app_med:.3f} s  "
        f"(min {min(times['app']):.3f}, max {max(times['app']):.3f}; {missed} misses)"
    )
    print(f"  ratio to bare python: {app_med / bare_med:.2f}x;  added by the app: {app_med - bare_med:.3f} s")
    print(f"  first paint / {GOAL:.1f} s goal: {app_med / GOAL:.2f}  ({'OK' if app_med <= GOAL else 'OVER'})")
    print(
        "BENCH "
        + json.dumps(
            {
                "figure_s": round(app_med, 3),
                "bare_s": round(bare_med, 3),
                "ratio_to_bare": round(app_med / bare_med, 2),
                "goal_s": GOAL,
                "met": app_med <= GOAL,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
