"""Screenshots of the real xkeys TUI, driven on the sandbox X API, written as SVGs here.

Deterministic: sandbox seed 0, a fixed clock, no cursor blink, 80x24 (the size the app is
designed for). The sandbox runs in-process (httpx ASGI transport), so nothing listens on a port.

Run: .venv/bin/python screenshots/make_screenshots.py [--only NAME ...] [--out DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import sys
import tempfile
import time
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


#: env var names the credentials are loaded from (support mode reads the environment)
ENV_NAMES = {
    "consumer_key": "X_API_KEY",
    "consumer_secret": "X_API_SECRET",
    "bearer_token": "X_BEARER_TOKEN",
    "access_token": "X_ACCESS_TOKEN",
    "access_token_secret": "X_ACCESS_TOKEN_SECRET",
}


class _FixedWallClock:
    """`time` as seen by core.doctor during a shot: wall-clock time is NOW (the clock-skew check
    compares it with the sandbox's `date`), everything else (perf_counter) is the real module."""

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)

    @staticmethod
    def time() -> float:
        return NOW.timestamp()


class Shot:
    def __init__(self, scenario: str = "healthy", flow: str = "home", demo: bool = False,
                 env: bool = False, profile: str | None = None, fixed_x_clock: bool = False) -> None:
        self.scenario = scenario
        # fixed_x_clock: the sandbox answers with the same fixed time as the app's clock
        asgi = create_app(scenario, 0, clock=NOW.timestamp) if fixed_x_clock else create_app(scenario, 0)
        self.fixed_x_clock = fixed_x_clock
        self.creds = demo_credentials(0, scenario)
        self.export_dir = tempfile.mkdtemp(prefix="xkeys-shots-")
        environ = {ENV_NAMES[k]: v for k, v in self.creds.items() if k in ENV_NAMES} if env else {}
        store_factory = None
        if profile:  # a throwaway file store holding the sandbox's keys as `profile`
            from xkeys.core.store import Profile, Store

            os.environ["XKEYS_CONFIG_DIR"] = os.path.join(self.export_dir, "config")
            os.environ["XKEYS_SECRET_STORE"] = "file"
            store = Store()
            store.save(Profile(profile, values={Kind(k): v for k, v in self.creds.items()}))
            store.use(profile)
            store_factory = lambda: store  # noqa: E731

        def client() -> httpx.AsyncClient:
            return httpx.AsyncClient(transport=httpx.ASGITransport(app=asgi), base_url=API, timeout=10.0)

        svc = Services(http_client=client, api_base=API, clock=lambda: NOW, store_factory=store_factory,
                       clipboard=lambda text: True, open_browser=lambda url: True,
                       export_dir=self.export_dir, environ=environ)
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


async def support(shot: Shot, pilot: Any) -> None:
    await settle(pilot)


async def rotation_impact(shot: Shot, pilot: Any) -> None:
    await settle(pilot)
    await pilot.press("enter", "enter")  # the profile, then the first target -> impact preview
    await settle(pilot)


def report_svg(name: str) -> str:
    """`xkeys report --format md` on the sandbox's read-only keys, printed by rich at 100 columns."""
    from rich.console import Console
    from rich.markdown import Markdown

    from xkeys.core.creds import Credentials
    from xkeys.core.redact import remember
    from xkeys.core.report import collect_report, render

    scenario = "read-only"
    asgi = create_app(scenario, 0, clock=NOW.timestamp)
    creds = demo_credentials(0, scenario)
    values = {Kind(k): v for k, v in creds.items() if k in Kind._value2member_map_ and v}
    remember(*values.values())

    async def build() -> dict[str, Any]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=asgi), base_url=API, timeout=10.0) as c:
            return await collect_report(Credentials(values=values, sources={k: "demo" for k in values},
                                                    profile="demo"),
                                        api_base=API, client=c, environ={}, clock=NOW.timestamp)

    md = render(asyncio.run(build()), "md")
    console = Console(record=True, width=100, force_terminal=True, color_system="truecolor", file=io.StringIO())
    console.print(Markdown(md))
    return console.export_svg(title=f"xkeys - {name}")


SHOTS: dict[str, tuple[Callable[[], Shot], Callable[[Shot, Any], Awaitable[None]]]] = {
    "home": (lambda: Shot(demo=True), home),
    "onboard-path": (lambda: Shot(), onboard_path),
    "key-entry-wrong-field": (lambda: Shot(), key_entry_wrong_field),
    "verify-results": (lambda: Shot("healthy"), verify_results),
    "diagnosis-card": (lambda: Shot("read-only"), diagnosis_card),
    "troubleshoot": (lambda: Shot("read-only", flow="troubleshoot", demo=True), troubleshoot),
    "support": (lambda: Shot("read-only", flow="support", env=True, fixed_x_clock=True), support),
    "rotation-impact": (lambda: Shot("rotated-secret", flow="rotate", profile="acme", fixed_x_clock=True), rotation_impact),
}
#: shots that are not a TUI screen
DOCS = {"report": report_svg}


async def take(name: str, out: Path) -> Path:
    import xkeys.core.doctor as doctor_module

    make, drive = SHOTS[name]
    shot = make()
    real_time = doctor_module.time
    if shot.fixed_x_clock:
        doctor_module.time = _FixedWallClock()  # type: ignore[assignment]
    try:
        async with shot.app.run_test(size=SIZE) as pilot:
            await drive(shot, pilot)
            await pilot.wait_for_scheduled_animations()
            await pilot.pause()
            svg = shot.app.export_screenshot(title=f"xkeys - {name}")
    finally:
        doctor_module.time = real_time
    path = out / f"{name}.svg"
    path.write_text(svg, encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="*", choices=sorted([*SHOTS, *DOCS]), help="take only these")
    ap.add_argument("--out", default=str(HERE), help="output directory (default: screenshots/)")
    a = ap.parse_args(argv)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    for name in a.only or [*SHOTS, *DOCS]:
        if name in DOCS:
            path = out / f"{name}.svg"
            path.write_text(DOCS[name](name), encoding="utf-8")
        else:
            path = asyncio.run(take(name, out))
        print(f"wrote {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
