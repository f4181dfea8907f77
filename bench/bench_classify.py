"""Cost of one `classify` call over a realistic mix of pasted inputs (the TUI calls it on
every keystroke): prints p50/p90/p99/max in microseconds. Goal: p99 well under 1 ms.

Run: .venv/bin/python bench/bench_classify.py [--calls N] [--seed S]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "app"), str(ROOT / "tests")]

import shapes_samples as S  # noqa: E402  (the generators the tests use)
from xkeys.core.shapes import classify  # noqa: E402


def mix(rng: random.Random) -> list[tuple[str, str | None]]:
    """What people paste: clean values, dirty pastes, wrong fields, lookalikes, keystroke prefixes."""
    ck, cs = S.consumer_key(rng=rng), S.consumer_secret(rng=rng)
    at, ats = S.access_token(rng=rng), S.access_token_secret(rng=rng)
    b, cid, csec = S.bearer(rng), S.client_id(rng=rng), S.client_secret(rng)
    o2, rt, xai = S.oauth2_token("at", rng=rng), S.oauth2_token("rt", rng=rng), S.xai_key(rng)
    items: list[tuple[str, str | None]] = [
        (ck, None),
        (cs, None),
        (at, None),
        (ats, None),
        (b, None),
        (cid, None),
        (csec, None),
        (o2, None),
        (rt, None),
        (xai, None),
        (S.bearer_decoded(rng), None),
        (S.legacy_access_token(rng), None),
        (ck, "consumer_key"),
        (cs, "consumer_secret"),
        (cid, "consumer_key"),
        (b, "access_token"),
        (f'export X_API_KEY="{ck}"\n', None),
        (f"  \u201c{cs}\u201d ", None),
        ("Bearer " + b, None),
        ("\u200b" + ats + "\u00a0", None),
        (at[:20] + "\n" + at[20:], None),
        (ck + "\n" + cs, None),
        ("ghp_" + S.rnd(36, rng=rng), None),
        ("sk-proj-" + S.rnd(60, rng=rng), None),
        ("your-key-here", None),
        ("7Qm2XXXX...bT", None),
        ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0." + S.rnd(43, rng=rng), None),
    ]
    # keystroke-by-keystroke typing of a bearer and a secret (what the TUI sees)
    items += [(b[:i], "bearer_token") for i in range(1, len(b), 7)]
    items += [(cs[:i], "consumer_secret") for i in range(1, len(cs), 3)]
    items += [
        (rng.choice(["", " ", "x" * rng.randint(1, 300), S.rnd(rng.randint(1, 200), rng=rng)]), None) for _ in range(20)
    ]
    return items


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--calls", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    inputs = mix(rng)
    for text, field in inputs:  # warm up (regex caches, enum lookups)
        classify(text, field)
    samples: list[float] = []
    clock = time.perf_counter_ns
    n = len(inputs)
    for i in range(a.calls):
        text, field = inputs[i % n]
        t0 = clock()
        classify(text, field, now=1_780_000_000.0)
        samples.append((clock() - t0) / 1000.0)
    samples.sort()

    def pct(p: float) -> float:
        return samples[min(len(samples) - 1, int(p * len(samples)))]

    by_kind: dict[str, list[float]] = {}
    for text, field in inputs:
        ts = []
        for _ in range(max(5, min(200, a.calls // 1000))):
            t0 = clock()
            c = classify(text, field, now=1_780_000_000.0)
            ts.append((clock() - t0) / 1000.0)
        by_kind.setdefault(c.kind.value, []).append(statistics.median(ts))
    print(f"classify: {a.calls:,} calls over {n} realistic inputs (Python {sys.version.split()[0]})")
    print(
        f"  p50 {pct(0.50):7.2f} us   p90 {pct(0.90):7.2f} us   p99 {pct(0.99):7.2f} us   "
        f"max {samples[-1]:8.2f} us   mean {statistics.fmean(samples):6.2f} us"
    )
    print(f"  p99 / 1 ms budget: {pct(0.99) / 1000:.3f}  ({'OK' if pct(0.99) < 1000 else 'OVER'})")
    print(
        "  median per resulting kind (us):  "
        + "  ".join(f"{k} {statistics.median(v):.1f}" for k, v in sorted(by_kind.items()))
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
