"""The flaky scenario: seeded, reproducible hangs, 503 HTML pages, 500s and connection resets,
in-process and on the real server; and --latency."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx

from sandbox_support import bearer
from xkeys.sandbox.app import FAULTS, fault_for
from xkeys.sandbox.server import SandboxHandle


def test_faults_are_seeded_and_reproducible() -> None:
    a = [fault_for(7, n) for n in range(1, 401)]
    assert a == [fault_for(7, n) for n in range(1, 401)]
    assert a != [fault_for(8, n) for n in range(1, 401)]
    counts = Counter(a)
    assert 150 <= counts[None] <= 250  # about half the requests are answered
    assert all(counts[f] >= 40 for f in FAULTS)  # every fault shows up


def _first(seed: int, fault: str | None) -> int:
    return next(n for n in range(1, 1000) if fault_for(seed, n) == fault)


async def _outcome(client: httpx.AsyncClient, token: str) -> str:
    try:
        r = await client.get("/2/users/by/username/XDevelopers", headers=bearer(token))
    except httpx.TimeoutException:
        return "hang"
    except httpx.TransportError:
        return "reset"
    if r.status_code == 200:
        try:
            r.json()
        except ValueError:
            assert r.headers["content-type"] == "application/json; charset=utf-8"
            return "bad-json"
        return "ok"
    if r.status_code == 503:
        assert r.headers["content-type"].startswith("text/html") and "Over capacity" in r.text
        return "503"
    assert r.status_code == 500 and r.json() == {"errors": [{"code": 131, "message": "Internal error"}]}
    return "500"


async def test_in_process_faults_follow_the_seed(make_sandbox_client: Any) -> None:
    seed = 3
    client, info = make_sandbox_client("flaky", seed=seed, hang_seconds=0.05)
    token = info["credentials"]["bearer_token"]
    seen = [await _outcome(client, token) for _ in range(40)]
    expected = [fault_for(seed, n) or "ok" for n in range(1, 41)]
    assert seen == expected
    assert set(seen) == {"ok", "hang", "503", "500", "reset", "bad-json"}
    assert client.sandbox_app.state.sandbox.bugs == []


def test_real_server_faults(make_sandbox_server: Callable[..., SandboxHandle]) -> None:
    seed = 11
    handle = make_sandbox_server("flaky", seed=seed, hang_seconds=5)
    token = handle.info["credentials"]["bearer_token"]
    seen = []
    with httpx.Client(base_url=handle.base_url, timeout=0.5) as client:
        for _ in range(24):
            try:
                r = client.get("/2/users/by/username/XDevelopers", headers=bearer(token))
                outcome = {200: "ok", 503: "503", 500: "500"}[r.status_code]
                if outcome == "ok" and not r.text.endswith("}"):
                    outcome = "bad-json"
                seen.append(outcome)
            except httpx.TimeoutException:
                seen.append("hang")
            except httpx.TransportError:
                seen.append("reset")
    assert seen == [fault_for(seed, n) or "ok" for n in range(1, 25)]
    assert {"hang", "reset"} <= set(seen)
    assert handle.app.state.sandbox.bugs == []


def test_latency_delays_every_answer(make_sandbox_server: Callable[..., SandboxHandle]) -> None:
    handle = make_sandbox_server(latency=0.2)
    with httpx.Client(base_url=handle.base_url, timeout=5) as client:
        t = time.monotonic()
        r = client.get("/2/users/me")
        assert r.status_code == 401
        assert time.monotonic() - t >= 0.2


def test_negative_latency_is_ignored() -> None:
    from xkeys.sandbox import create_app

    assert create_app(latency=-1.0).state.latency == 0.0
