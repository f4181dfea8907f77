"""Fault drills against the REAL sandbox server (uvicorn on 127.0.0.1), one fault at a time.

For each fault of the sandbox's `flaky` scenario (a hang past the client's timeout, a 503 HTML
page, a 500, a connection reset) and for X being unreachable (connection refused), three
surfaces must each name a diagnosis and exit right, never print a traceback or a secret:

- `xkeys doctor` (a subprocess; credentials from environment variables, `--api-base`, a short
  `--timeout`): exit 1 when X answered badly (`x-server-error`), 3 when it could not be reached
  (`network-unreachable`);
- `xkeys report` (a subprocess): the report is made, names the diagnosis, exits 1;
- the TUI troubleshoot screen (Textual pilot, `make_app`): a diagnosis card with the same id.

Choosing the fault: the sandbox picks the fault of its n-th request as a pure function of
(seed, n) (`xkeys.sandbox.app.fault_for`) and offers no switch to force one fault. The drills
use only the Bearer Token, so doctor makes at most 4 requests (the bearer and usage probes,
each retried once on a 5xx or a reset), and pick the first seed whose first 4 requests all get
the drilled fault: whatever the order of the concurrent requests, every one of them gets it.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from xkeys.core.creds import searched_names
from xkeys.core.redact import MIN_RUN
from xkeys.sandbox.app import FAULTS, fault_for
from xkeys.sandbox.server import SandboxHandle

pytestmark = pytest.mark.e2e

#: the most requests a bearer-only doctor run makes (2 probes x (1 + 1 retry))
MAX_REQUESTS = 4
#: the client's timeout in the drills: a hang must be cut off by it, quickly
TIMEOUT = "0.5"
#: how long the sandbox itself keeps a hanging request open (bounds the server thread)
HANG_SECONDS = 3.0

#: what each fault must become. (diagnosis, doctor exit, report exit, transport kinds allowed)
EXPECTED: dict[str, tuple[str, int, int, set[str | None]]] = {
    "hang": ("x-server-error", 1, 1, {"read-timeout"}),
    "503": ("x-server-error", 1, 1, {None, "html"}),
    "500": ("x-server-error", 1, 1, {None, "bad-json"}),
    "reset": ("x-server-error", 1, 1, {"reset", "protocol"}),
    "bad-json": ("x-server-error", 1, 1, {"bad-json"}),
    "refused": ("network-unreachable", 3, 1, {"refused"}),
}
#: faults the brief asks for that the sandbox must offer
WANTED_FAULTS = ("hang", "503", "500", "reset", "bad-json")


def seed_for(fault: str, n: int = MAX_REQUESTS) -> int:
    """The first seed whose first `n` requests all get `fault` (about 8**n seeds to try)."""
    for seed in range(2_000_000):
        if all(fault_for(seed, k) == fault for k in range(1, n + 1)):
            return seed
    raise AssertionError(f"no seed gives {n} {fault!r} faults in a row")


@pytest.fixture
def target(
    request: pytest.FixtureRequest, make_sandbox_server: Callable[..., SandboxHandle]
) -> Iterator[tuple[str, str, str]]:
    """(fault, base URL, bearer token) for the drilled fault."""
    fault: str = request.param
    if fault == "refused":
        from xkeys.sandbox import demo_credentials

        token = demo_credentials(0, "flaky")["bearer_token"]
        # a bound, never listening socket: connecting to its port is refused
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        try:
            yield fault, f"http://127.0.0.1:{sock.getsockname()[1]}", token
        finally:
            sock.close()
        return
    seed = seed_for(fault)
    handle = make_sandbox_server("flaky", seed=seed, hang_seconds=HANG_SECONDS)
    yield fault, handle.base_url, handle.info["credentials"]["bearer_token"]
    assert handle.app.state.sandbox.bugs == []
    assert handle.app.state.sandbox.request_count <= MAX_REQUESTS


#: every fault the sandbox offers (in its order), then X unreachable
DRILLS = [*FAULTS, "refused"]


def _env(tmp_path: Path, token: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in searched_names() and not k.startswith("XKEYS_")}
    env.update(
        {
            "XKEYS_CONFIG_DIR": str(tmp_path / "cfg"),
            "XKEYS_SECRET_STORE": "file",
            "NO_COLOR": "1",
            "PYTHONIOENCODING": "utf-8",
            "X_BEARER_TOKEN": token,
        }
    )
    return env


def xkeys(tmp_path: Path, token: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "xkeys", *args],
        capture_output=True,
        text=True,
        env=_env(tmp_path, token),
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def assert_clean(text: str, token: str) -> None:
    assert "Traceback" not in text and 'File "' not in text, text[-2000:]
    for i in range(len(token) - MIN_RUN + 1):
        run = token[i : i + MIN_RUN]
        if run != "A" * MIN_RUN:  # a bearer starts with 21 A's: public, not the secret part
            assert run not in text, "the bearer token leaked"


def _live_failures(checks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c for c in checks if c["id"].startswith("probe.") and c["status"] == "fail"]


# ------------------------------------------------------------------------------------------
# doctor


@pytest.mark.parametrize("target", DRILLS, indirect=True)
def test_doctor_names_the_fault(tmp_path: Path, target: tuple[str, str, str]) -> None:
    fault, base, token = target
    diagnosis, exit_code, _, transports = EXPECTED[fault]
    out = xkeys(tmp_path, token, "doctor", "--api-base", base, "--timeout", TIMEOUT, "--json")
    assert_clean(out.stdout + out.stderr, token)
    assert out.returncode == exit_code, (fault, out.returncode, out.stdout[-1500:], out.stderr)
    data = json.loads(out.stdout)
    failing = _live_failures(data["checks"])
    assert [c["id"] for c in failing] == ["probe.bearer", "probe.usage"], failing
    for c in failing:
        assert c["diagnosis"] == diagnosis, (fault, c)
        assert c.get("details", {}).get("transport") in transports, (fault, c)
        assert c["message"]
    assert data["diagnoses"] == [diagnosis]
    assert data["unreachable"] is (exit_code == 3)


@pytest.mark.parametrize("target", ["hang", "refused"], indirect=True)
def test_doctor_text_output_names_the_fault(tmp_path: Path, target: tuple[str, str, str]) -> None:
    fault, base, token = target
    diagnosis, exit_code, _, _ = EXPECTED[fault]
    out = xkeys(tmp_path, token, "doctor", "--api-base", base, "--timeout", TIMEOUT)
    assert_clean(out.stdout + out.stderr, token)
    assert out.returncode == exit_code
    assert diagnosis in out.stdout


# ------------------------------------------------------------------------------------------
# report


@pytest.mark.parametrize("target", DRILLS, indirect=True)
def test_report_names_the_fault(tmp_path: Path, target: tuple[str, str, str]) -> None:
    fault, base, token = target
    diagnosis, doctor_exit, exit_code, _ = EXPECTED[fault]
    out = xkeys(tmp_path, token, "report", "--format", "json", "--api-base", base, "--timeout", TIMEOUT)
    assert_clean(out.stdout + out.stderr, token)
    assert out.returncode == exit_code, (fault, out.stdout[-1500:], out.stderr)
    doc = json.loads(out.stdout)
    assert doc["exit_code"] == doctor_exit
    assert diagnosis in [d["id"] for d in doc["diagnoses"]], doc["diagnoses"]
    entry = next(d for d in doc["diagnoses"] if d["id"] == diagnosis)
    assert entry["title"] and entry["fix"], entry
    assert {c["diagnosis"] for c in _live_failures(doc["checks"])} == {diagnosis}


@pytest.mark.parametrize("target", ["503"], indirect=True)
def test_report_markdown_names_the_fault(tmp_path: Path, target: tuple[str, str, str]) -> None:
    fault, base, token = target
    out = xkeys(tmp_path, token, "report", "--api-base", base, "--timeout", TIMEOUT)
    assert_clean(out.stdout + out.stderr, token)
    assert out.returncode == 1
    assert "x-server-error" in out.stdout


# ------------------------------------------------------------------------------------------
# the TUI troubleshoot screen


def _screen_text(app: Any) -> str:
    return "\n".join(s.text.rstrip() for s in app.screen._compositor.render_strips())


@pytest.mark.parametrize("target", DRILLS, indirect=True)
async def test_tui_troubleshoot_names_the_fault(target: tuple[str, str, str]) -> None:
    from xkeys.core.http import create_client
    from xkeys.tui.app import make_app
    from xkeys.tui.screens.troubleshoot import TroubleshootScreen
    from xkeys.tui.services import Services
    from xkeys.tui.widgets.checks import DiagnosisCard

    fault, base, token = target
    diagnosis, exit_code, _, _ = EXPECTED[fault]
    fixed = datetime(2026, 3, 14, 12, 0, tzinfo=timezone.utc)
    services = Services(
        http_client=lambda: create_client(base, float(TIMEOUT)),
        api_base=base,
        clock=lambda: fixed,
        store_factory=None,
        clipboard=lambda _t: True,
        open_browser=lambda _u: True,
        environ={},
    )
    info = {"base_url": base, "scenario": "flaky", "credentials": {"bearer_token": token}}
    app = make_app("troubleshoot", services=services, sandbox_info=info, clock=lambda: fixed)
    async with app.run_test(size=(100, 40)) as pilot:
        for _ in range(100):
            await pilot.pause(0.05)
            await app.workers.wait_for_complete()
            if getattr(app.screen, "report", None) is not None:
                break
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, TroubleshootScreen)
        assert screen.report is not None, _screen_text(app)
        assert screen.report.exit_code == exit_code
        cards = {c.diag_id for c in screen.query(DiagnosisCard)}
        assert diagnosis in cards, (fault, cards, _screen_text(app))
        for card in screen.query(DiagnosisCard):
            assert card.entry is not None and "Fix:" in str(card.body())
        assert_clean(_screen_text(app), token)


# ------------------------------------------------------------------------------------------
# the drills cover every fault the sandbox can inject, and the sandbox every fault asked for


def test_every_sandbox_fault_is_drilled() -> None:
    assert set(FAULTS) <= set(EXPECTED), f"new sandbox faults without a drill: {set(FAULTS) - set(EXPECTED)}"


def test_sandbox_offers_every_wanted_fault() -> None:
    assert set(WANTED_FAULTS) <= set(FAULTS)


def test_seeds_really_give_the_fault() -> None:
    for fault in FAULTS:
        seed = seed_for(fault)
        assert [fault_for(seed, k) for k in range(1, MAX_REQUESTS + 1)] == [fault] * MAX_REQUESTS
