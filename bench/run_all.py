"""Run every benchmark in bench/ one after another and print a summary table:
benchmark, figure, goal, ratio, met?

Each `bench_*.py` is also runnable alone and prints its own figures and ratios, measured in the
same run (see bench/README.md). This script runs them as subprocesses (sequentially: running
them together would make them measure each other), keeps their full output, and reads the
headline figures out of it. A benchmark it has no reader for still runs and is listed with its
last line.

Run: .venv/bin/python bench/run_all.py [--quick] [--only NAME ...] [--log FILE]
  --quick   smaller repetition counts (about 1-2 minutes in all instead of about 3-5)
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass
class Row:
    name: str
    figure: str
    goal: str
    ratio: str
    met: bool | None  # None: could not tell


def _num(pattern: str, text: str, group: int = 1) -> float | None:
    m = re.search(pattern, text)
    return float(m.group(group).replace(",", "")) if m else None


def read_startup(out: str) -> Row:
    # the first block is "as installed (bytecode cached)"; prefer the installed script's line
    block = out.split("start-up, this shell")[0]
    m = re.search(r"xkeys --version \(installed script\)\s+([\d.]+) ms\s+\(([\d.]+)x", block) or re.search(
        r"python -m xkeys --version\s+([\d.]+) ms\s+\(([\d.]+)x", block
    )
    bare = _num(r"python -c pass\s+([\d.]+) ms", block)
    if not m:
        return Row("CLI start-up", "?", "<= 4x bare python", "?", None)
    ms, ratio = float(m.group(1)), float(m.group(2))
    return Row(
        "CLI start-up",
        f"xkeys --version {ms:.0f} ms vs python {bare or 0:.0f} ms",
        "<= 4x bare python",
        f"{ratio:.2f}x",
        ratio <= 4.0,
    )


def read_classify(out: str) -> Row:
    p50, p99 = _num(r"p50\s+([\d.]+) us", out), _num(r"p99\s+([\d.]+) us", out)
    ratio = _num(r"p99 / 1 ms budget: ([\d.]+)", out)
    if p99 is None:
        return Row("classify per call", "?", "p99 < 1 ms", "?", None)
    return Row(
        "classify per call",
        f"p50 {p50:.0f} us, p99 {p99:.0f} us",
        "p99 < 1 ms",
        f"{ratio if ratio is not None else p99 / 1000:.3f} of budget",
        p99 < 1000,
    )


def read_doctor(out: str) -> Row:
    probes = _num(r"live probes: (\d+)", out)
    added = _num(r"time added by latency: ([\d.]+) s", out)
    trips = _num(r"time added by latency: [\d.]+ s = ([\d.]+) round trips", out)
    seq = _num(r"a sequential checker: [\d.]+ s = (\d+) round trips", out)
    goal = "<= 2 round trips added for >= 5 probes at 0.5 s"
    if trips is None or probes is None:
        return Row("doctor concurrency", "?", goal, "?", None)
    return Row(
        "doctor concurrency",
        f"{int(probes)} probes: +{added:.2f} s at 0.5 s latency",
        goal,
        f"{trips:.2f} round trips (sequential: {int(seq) if seq else '?'})",
        trips <= 2 and probes >= 5,
    )


def read_sandbox(out: str) -> Row:
    rate, ratio = _num(r"throughput: (\d+) requests/s", out), _num(r"ratio ([\d.]+)\)", out)
    cap = _num(r"capacity (\d+) requests/s per core", out)
    if rate is None:
        return Row("sandbox throughput", "?", ">= 500 req/s", "?", None)
    extra = f" (server CPU allows {cap:.0f}/s per core)" if cap else ""
    return Row(
        "sandbox throughput",
        f"{rate:.0f} req/s on loopback{extra}",
        ">= 500 req/s",
        f"{ratio:.2f}x goal" if ratio is not None else "?",
        rate >= 500,
    )


def read_tui_paint(out: str) -> Row:
    m = re.search(r"^BENCH (\{.*\})$", out, re.M)
    if not m:
        return Row("TUI first paint (bench_tui_paint)", "?", "<= 1.0 s", "?", None)
    d = json.loads(m.group(1))
    return Row(
        "TUI first paint (bench_tui_paint)",
        f"{d['figure_s']:.2f} s (bare python in tmux {d['bare_s']:.2f} s)",
        f"<= {d['goal_s']:.1f} s",
        f"{d['ratio_to_bare']:.1f}x bare python",
        bool(d["met"]),
    )


def read_tui(out: str) -> list[Row]:
    """bench_tui.py (engineer F): first paint and time to the fix, each against its goal."""
    m = re.search(r"^BENCH (\{.*\})$", out, re.M)
    if not m:
        return [Row("TUI (first paint, time to fix)", "?", "<= 1.0 s, <= 3.0 s", "?", None)]
    d = json.loads(m.group(1))
    rows = []
    for key, title in (("first-paint", "TUI first paint (bench_tui)"), ("time-to-fix", "TUI time to the fix")):
        if key in d:
            v = d[key]
            floor = f" (floor {d['floor_s']:.2f} s)" if "floor_s" in d else ""
            rows.append(
                Row(
                    title,
                    f"{v['s']:.2f} s{floor}",
                    f"<= {v['goal_s']:.1f} s",
                    f"{v['ratio_to_goal']:.2f} of goal",
                    bool(v["met"]),
                )
            )
    return rows


#: script -> (extra args for --quick, reader of its output)
KNOWN: dict[str, tuple[list[str], Callable[[str], Row | list[Row]]]] = {
    "bench_startup.py": (["--reps", "15"], read_startup),
    "bench_classify.py": (["--calls", "50000"], read_classify),
    "bench_doctor.py": (["--reps", "5", "--cli-reps", "3"], read_doctor),
    "bench_sandbox.py": (["--requests", "2000"], read_sandbox),
    "bench_tui_paint.py": (["--reps", "5"], read_tui_paint),
    "bench_tui.py": (["--reps", "3"], read_tui),
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller repetition counts")
    ap.add_argument("--only", nargs="*", default=None, help="run only these (e.g. startup classify)")
    ap.add_argument("--log", default=None, help="also write every benchmark's full output to this file")
    a = ap.parse_args()
    scripts = sorted(HERE.glob("bench_*.py"))
    if a.only:
        scripts = [s for s in scripts if any(o in s.name for o in a.only)]
    rows: list[Row] = []
    log: list[str] = []
    for script in scripts:
        quick_args, reader = KNOWN.get(script.name, ([], None))  # type: ignore[assignment]
        cmd = [sys.executable, str(script), *(quick_args if a.quick else [])]
        print(f"== {script.name} {' '.join(cmd[2:])}", flush=True)
        t0 = time.perf_counter()
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900, stdin=subprocess.DEVNULL)
            err = proc.stderr.strip()
            out = proc.stdout + (f"\n[stderr]\n{err}\n" if proc.returncode and err else "")
        except subprocess.TimeoutExpired:
            out, proc = "timed out after 900 s", None
        took = time.perf_counter() - t0
        print(out.rstrip() + f"\n   ({took:.1f} s)\n", flush=True)
        log.append(f"== {script.name}\n{out}")
        if reader is not None:
            got = reader(out)
            new = got if isinstance(got, list) else [got]
        else:
            last = next((ln.strip() for ln in reversed(out.splitlines()) if ln.strip()), "(no output)")
            new = [Row(script.stem.removeprefix("bench_"), last[:60], "see its output", "-", None)]
        if proc is None or proc.returncode != 0:
            for row in new:
                row.figure = f"{row.figure} (exit {proc.returncode if proc else 'timeout'})"
        rows.extend(new)
    if a.log:
        Path(a.log).write_text("\n".join(log), encoding="utf-8")
    print_table(rows)
    return 0


def print_table(rows: list[Row]) -> None:
    head = ("benchmark", "figure", "goal", "ratio", "met?")
    cells = [(r.name, r.figure, r.goal, r.ratio, {True: "yes", False: "NO", None: "?"}[r.met]) for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) if cells else len(h) for i, h in enumerate(head)]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)) + " |"
    print(line)
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for c in cells:
        print("| " + " | ".join(v.ljust(w) for v, w in zip(c, widths, strict=True)) + " |")


if __name__ == "__main__":
    sys.exit(main())
