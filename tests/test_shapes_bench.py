"""The benchmark scripts keep working (no timing asserts here: bench/ prints the figures)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_bench_classify_runs_and_prints_percentiles() -> None:
    p = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_classify.py"), "--calls", "2000"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert p.returncode == 0, p.stderr
    assert "p50" in p.stdout and "p99" in p.stdout and "us" in p.stdout
