"""The support screen (`xkeys support`) through Textual's pilot, on the in-process sandbox."""

from __future__ import annotations

import os
import stat
import time
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest

from xkeys.core.doctor import run_doctor
from xkeys.core.redact import MIN_RUN
from xkeys.sandbox import create_app, demo_credentials
from xkeys.tui.app import make_app
from xkeys.tui.services import Services

SIZE = (100, 40)
API = "https://api.x.com"
FIXED_NOW = datetime(2026, 3, 14, 12, 0, 0, tzinfo=timezone.utc)


def coarse_clock() -> float:
    """Real time in 2-minute steps, shared by the sandbox and doctor: the clock skew reads exactly 0
    and reset times are whole windows (stable snapshots), while OAuth 1.0a timestamps signed with
    the real time stay inside the sandbox's 5-minute window."""
    return float(int(time.time()) // 120 * 120)


#: environment facts that do not depend on the machine the tests run on (snapshots)
FIXED_ENV: dict[str, Any] = {
    "xkeys": "0.0.test",
    "python": "3.x (CPython)",
    "os": "TestOS 1.0",
    "machine": "x86_64",
    "terminal": {
        "term": "xterm-256color",
        "term_program": None,
        "colorterm": "truecolor",
        "size": "100x40",
        "multiplexer": None,
        "ssh": False,
    },
    "env_vars": {"X_API_KEY": "set", "X_BEARER_TOKEN": "empty"},
    "network_vars": [],
}


class Rig:
    def __init__(self, scenario: str = "healthy", tmp: Path | None = None) -> None:
        # the sandbox and doctor share one fixed clock: clock skew and reset times are stable
        self.asgi = create_app(scenario, 0, clock=coarse_clock)
        self.credentials = demo_credentials(0, scenario)
        self.info = {"base_url": API, "scenario": scenario, "credentials": self.credentials}
        self.copied: list[str] = []

        def fixed_env(environ: Any, creds: Any = None, size: Any = None, now: Any = None) -> dict[str, Any]:
            env = dict(FIXED_ENV)
            if creds is not None:
                env["credential_sources"] = {k.value: v for k, v in creds.sources.items()}
            return env

        self.services = Services(
            http_client=lambda: httpx.AsyncClient(
                transport=httpx.ASGITransport(app=self.asgi), base_url=API, timeout=10.0
            ),
            api_base=API,
            clock=lambda: FIXED_NOW,
            store_factory=None,
            clipboard=self._copy,
            open_browser=lambda url: True,
            environ={},
            export_dir=str(tmp) if tmp else None,
            overrides={"envinfo": fixed_env, "run_doctor": partial(run_doctor, clock=coarse_clock)},
        )

    def _copy(self, text: str) -> bool:
        self.copied.append(text)
        return True

    def app(self, scenario: str = "healthy") -> Any:
        return make_app(
            "support", services=self.services, sandbox_info=self.info, scenario=scenario, clock=lambda: FIXED_NOW
        )


def screen_text(app: Any) -> str:
    return "\n".join(s.text.rstrip() for s in app.screen._compositor.render_strips())


def leaks(text: str, values: dict[str, str]) -> list[str]:
    hits = []
    for name, v in values.items():
        public = v.split("-", 1)[0] + "-" if v.split("-", 1)[0].isdigit() else ""
        if any(v[i : i + MIN_RUN] in text for i in range(len(v) - MIN_RUN + 1) if i + MIN_RUN > len(public)):
            hits.append(name)
    return hits


async def settle(pilot: Any) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_support_screen_shows_the_support_view_safely(tmp_path: Path) -> None:
    from xkeys.tui.screens.support import SupportScreen

    rig = Rig("read-only", tmp_path)
    app = rig.app("read-only")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SupportScreen) and app.safe_mode is True
        assert screen.doc is not None
        text = screen_text(app)
        assert "SCREEN-SHARE SAFE MODE" in text
        assert "write-permission-missing" in text and "Access level  read" in text
        for row in screen.doc["credentials"]:
            assert row["fingerprint"] in text
        assert rig.credentials["consumer_key"][:6] not in text  # identifier prefix hidden in safe mode
        assert "Rate limit" in text and "Clock" in text and "Usage" in text
        assert not leaks(text, rig.credentials)
        # safe mode off: the identifier prefix appears, still no secret
        await pilot.press("f3")
        await pilot.pause()
        text = screen_text(app)
        assert app.safe_mode is False and rig.credentials["consumer_key"][:6] + "…" in text
        assert not leaks(text, rig.credentials)
        await pilot.press("f3")
        await pilot.pause()
        assert rig.credentials["consumer_key"][:6] not in screen_text(app)
        # copy report: the Markdown report goes to the clipboard, redacted
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert len(rig.copied) == 1
        md = rig.copied[0]
        assert md.startswith("# xkeys support report") and "write-permission-missing" in md
        assert not leaks(md, rig.credentials)
        # save report: 0600 file in the export folder
        await pilot.press("ctrl+s")
        await settle(pilot)
        saved = tmp_path / "xkeys-support-report.md"
        assert saved.read_text(encoding="utf-8") == md
        assert stat.S_IMODE(os.stat(saved).st_mode) == 0o600


async def test_support_screen_healthy_and_need_selector() -> None:
    rig = Rig("healthy")
    app = rig.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        doc = app.screen.doc
        assert doc["exit_code"] == 0 and doc["access_level"].startswith("read-write")
        assert doc["user"]["id"] == rig.credentials["access_token"].split("-")[0]
        assert not leaks(screen_text(app), rig.credentials)
        app.screen.need = "dm"
        app.screen.action_check()
        await settle(pilot)
        assert app.screen.doc["need"] == "dm"


async def test_copy_before_checks_is_refused_politely() -> None:
    from xkeys.tui.screens.support import SupportScreen

    rig = Rig("healthy")
    app = rig.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SupportScreen)
        screen.doc = None
        screen.action_copy_report()
        await pilot.pause()
        assert rig.copied == []


async def test_support_without_credentials_names_the_variables() -> None:
    asgi = create_app("healthy", 0)
    services = Services(
        http_client=lambda: httpx.AsyncClient(transport=httpx.ASGITransport(app=asgi), base_url=API),
        api_base=API,
        clock=lambda: FIXED_NOW,
        store_factory=None,
        environ={"X_API_KEY": ""},
        clipboard=lambda t: True,
    )
    app = make_app("support", services=services, clock=lambda: FIXED_NOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "No X credentials found" in text and "X_API_KEY" in text


def test_support_snapshot(snap_compare: Any) -> None:
    rig = Rig("read-only")

    async def run_before(pilot: Any) -> None:
        await settle(pilot)

    assert snap_compare(rig.app("read-only"), terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("size", [(80, 24)])
def test_support_snapshot_80x24(snap_compare: Any, size: tuple[int, int]) -> None:
    rig = Rig("healthy")

    async def run_before(pilot: Any) -> None:
        await settle(pilot)

    assert snap_compare(rig.app(), terminal_size=size, run_before=run_before)
