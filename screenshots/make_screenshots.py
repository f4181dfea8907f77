"""Screenshots of the real xkeys TUI, driven on the sandbox X API, written as SVGs here.

Deterministic: sandbox seed 0, a fixed clock, no cursor blink, 80x24 (the size the app is
designed for). The sandbox runs in-process (httpx ASGI transport), so nothing listens on a port.

Run: .venv/bin/python screenshots/make_screenshots.py [--only NAME ...] [--out DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx

from xkeys.core.kinds import Kind
from xkeys.sandbox import create_app, demo_credentials
from xkeys.tui.app import XKeysApp, make_app
from xkeys.tui.services import Services

HERE = Path(__file__).resolve().parent
API = "https://api.x.com"
SIZE = (80, 24)
NOW = datetime(2026, 3, 14, 12, 0, tzinfo=timezone.utc)
OAUTH1 = (Kind.CONSUMER_KEY, Kind.CONSUMER_SECRET, Kind.BEARER_TOKEN, Kind.ACCESS_TOKEN,
          Kind.ACCESS_TOKEN_SECRET)


class Shot:
    def __init__(self, scenario: str = "healthy", flow: str = "home", demo: bool = False) -> None:
        self.scenario = scenario
        asgi = create_app(scenario, 0)
        self.creds = demo_credentials(0, scenario)
        self.export_dir = tempfile.mkdtemp(prefix="xkeys-shots-")

        def client() -> httpx.AsyncClient:
            return httpx.AsyncClient(transport=httpx.ASGITransport(app=asgi), base_url=API, timeout=10.0)

        svc = Services(http_client=client, api_base=API, clock=lambda: NOW, store_factory=None,
                       clipboard=lambda text: True, open_browser=lambda url: True,
                       export_dir=self.export_dir, environ={})
        info = {"base_url": API, "scenario": scenario, "credentials": self.creds} if demo else None
        self.app: XKeysApp = make_app(flow, services=svc, clock=lambda: NOW, sandbox_info=info,
                                      scenario=scenario)


async def settle(pilot: Any) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def key_entry(pilot: Any, *path_keys: str) -> None:
    await settle(pilot)
    await pilot.press("1", *path_keys, "enter", "ctrl+n")
    for _ in pilot.app.screen.state.plan.steps:
        await pilot.press("ctrl+n")
    await pilot.pause()


def fill(pilot: Any, values: dict[Kind, str]) -> None:
    for kind, value in values.items():
        pilot.app.screen.query_one(f"#field-{kind.value}").set_value(value)


async def card_on_top(pilot: Any) -> None:
    await pilot.pause()
    cards = list(pilot.app.screen.query("DiagnosisCard"))
    if cards:
        cards[0].scroll_visible(top=True, animate=False)
    await pilot.pause()


async def home(shot: Shot, pilot: Any) -> None:
    await settle(pilot)


async def onboard_path(shot: Shot, pilot: Any) -> None:
    await settle(pilot)
    await pilot.press("1")


async def key_entry_wrong_field(shot: Shot, pilot: Any) -> None:
    await key_entry(pilot, "down", "down")  # "both": every field
    fill(pilot, {Kind.CONSUMER_KEY: shot.creds["client_id"],
                 Kind.CONSUMER_SECRET: '  "' + shot.creds["consumer_secret"] + '"\n'})
    await pilot.pause()
    pilot.app.screen.query_one("#field-consumer_key").scroll_visible(top=True, animate=False)


async def verify_results(shot: Shot, pilot: Any) -> None:
    await key_entry(pilot)
    fill(pilot, {k: shot.creds[k.value] for k in OAUTH1})
    await pilot.press("ctrl+n")
    await settle(pilot)


async def diagnosis_card(shot: Shot, pilot: Any) -> None:
    await verify_results(shot, pilot)
    await card_on_top(pilot)


async def troubleshoot(shot: Shot, pilot: Any) -> None:
    await settle(pilot)
    await card_on_top(pilot)


SHOTS: dict[str, tuple[Callable[[], Shot], Callable[[Shot, Any], Awaitable[None]]]] = {
    "home": (lambda: Shot(demo=True), home),
    "onboard-path": (lambda: Shot(), onboard_path),
    "key-entry-wrong-field": (lambda: Shot(), key_entry_wrong_field),
    "verify-results": (lambda: Shot("healthy"), verify_results),
    "diagnosis-card": (lambda: Shot("read-only"), diagnosis_card),
    "troubleshoot": (lambda: Shot("read-only", flow="troubleshoot", demo=True), troubleshoot),
}


async def take(name: str, out: Path) -> Path:
    make, drive = SHOTS[name]
    shot = make()
    async with shot.app.run_test(size=SIZE) as pilot:
        await drive(shot, pilot)
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        svg = shot.app.export_screenshot(title=f"xkeys - {name}")
    path = out / f"{name}.svg"
    path.write_text(svg, encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="*", choices=sorted(SHOTS), help="take only these")
    ap.add_argument("--out", default=str(HERE), help="output directory (default: screenshots/)")
    a = ap.parse_args(argv)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    for name in a.only or list(SHOTS):
        path = asyncio.run(take(name, out))
        print(f"wrote {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
