"""Canary test, TUI half: every flow driven with the pilot while canary secrets are loaded.

The screen (a tall terminal, so nothing hides below the fold), its SVG export, the clipboard and
any report file are searched for any 12-character run of a canary (see tests/test_canary.py).
"""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from test_canary import CANARIES, ENV_NAME, _env_text, hits  # noqa: E402
from xkeys.core.kinds import Kind  # noqa: E402
from xkeys.sandbox import create_app  # noqa: E402
from xkeys.tui.app import make_app  # noqa: E402
from xkeys.tui.services import Services  # noqa: E402

API = "https://api.x.com"
NOW = datetime(2026, 3, 14, 12, 0, 0, tzinfo=timezone.utc)
TALL = (110, 90)
CANARY_ENV = {ENV_NAME[k]: v for k, v in CANARIES.items()}


class Seen:
    """Everything the app showed or handed out during one flow."""

    def __init__(self) -> None:
        self.texts: list[tuple[str, str]] = []
        self.copied: list[str] = []
        self.opened: list[str] = []

    def copy(self, text: str) -> bool:
        self.copied.append(text)
        return True

    def open(self, url: str) -> bool:
        self.opened.append(url)
        return True

    def look(self, app: Any, where: str, svg: bool = True) -> None:
        strips = app.screen._compositor.render_strips()
        self.texts.append((where, "\n".join(s.text.rstrip() for s in strips)))
        if svg:
            self.texts.append((where + " (svg)", app.export_screenshot()))

    async def look_all(self, pilot: Any, where: str) -> None:
        """Look, then look again at the bottom of every scrolled container (below the fold)."""
        app = pilot.app
        self.look(app, where)
        scrolled = [w for w in app.screen.query(".body") if getattr(w, "max_scroll_y", 0) > 0]
        if scrolled:
            for w in scrolled:
                w.scroll_end(animate=False)
            await pilot.pause()
            self.look(app, where + " (scrolled to the end)", svg=False)
            for w in scrolled:
                w.scroll_home(animate=False)
            await pilot.pause()

    def problems(self) -> list[str]:
        out = [f"{where}: {hits(text)}" for where, text in self.texts if hits(text)]
        out += [f"clipboard: {hits(t)}" for t in self.copied if hits(t)]
        out += [f"browser: {hits(t)}" for t in self.opened if hits(t)]
        return out


def _services(seen: Seen, tmp: Path, *, environ: dict[str, str] | None = None, store: Any = None) -> Services:
    asgi = create_app("healthy", 0)
    return Services(
        http_client=lambda: httpx.AsyncClient(transport=httpx.ASGITransport(app=asgi), base_url=API, timeout=10.0),
        api_base=API,
        clock=lambda: NOW,
        store_factory=(lambda: store) if store is not None else None,
        clipboard=seen.copy,
        open_browser=seen.open,
        export_dir=str(tmp),
        environ=dict(environ if environ is not None else CANARY_ENV),
    )


async def settle(pilot: Any) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.fixture
def canary_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    from xkeys.core.store import Profile, Store

    # core.creds opens the store from the environment: point it at this one
    monkeypatch.setenv("XKEYS_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("XKEYS_SECRET_STORE", "file")

    store = Store(config_dir=str(tmp_path / "config"), secret_store="file")
    values = {k: v for k, v in CANARIES.items() if k is not Kind.XAI_API_KEY}
    store.save(Profile(name="canary", values=values))
    store.use("canary")
    return store


async def test_support_flow(tmp_path: Path) -> None:
    seen = Seen()
    app = make_app("support", services=_services(seen, tmp_path), clock=lambda: NOW)
    async with app.run_test(size=TALL) as pilot:
        await settle(pilot)
        await seen.look_all(pilot, "support, safe mode")
        assert app.screen.doc is not None
        await pilot.press("f3")
        await pilot.pause()
        await seen.look_all(pilot, "support, safe mode off")
        await pilot.press("ctrl+y")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await seen.look_all(pilot, "support, after copy and save")
        await pilot.press("ctrl+r")
        await settle(pilot)
        await seen.look_all(pilot, "support, checks again")
    assert seen.copied and seen.copied[0].startswith("# xkeys support report")
    saved = (tmp_path / "xkeys-support-report.md").read_text(encoding="utf-8")
    seen.texts.append(("saved report", saved))
    assert not seen.problems(), "\n".join(seen.problems())


@pytest.mark.parametrize("source", ["env", "envfile", "paste", "profile"])
async def test_troubleshoot_flow(tmp_path: Path, source: str, canary_store: Any) -> None:
    seen = Seen()
    envfile = tmp_path / "canary.env"
    envfile.write_text(_env_text(CANARIES))
    app = make_app(
        "troubleshoot", services=_services(seen, tmp_path, store=canary_store), clock=lambda: NOW, profile="canary"
    )
    async with app.run_test(size=TALL) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.query_one(f"#src-{source}").value = True
        await pilot.pause()
        if source == "envfile":
            screen.query_one("#env-path").value = str(envfile)
        if source == "paste":
            screen.query_one("#paste-creds").text = _env_text(CANARIES)
            await pilot.pause()
            await seen.look_all(pilot, "troubleshoot right after the paste")
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert screen.report is not None, source
        await seen.look_all(pilot, f"troubleshoot via {source}")
        # an error pasted with the secrets in it is explained without echoing them
        screen.query_one("#error-box").text = (
            f"Authorization: Bearer {CANARIES[Kind.BEARER_TOKEN]}\n"
            '{"errors":[{"code":89,"message":"Invalid or expired token."}]}'
        )
        await pilot.press("ctrl+e")
        await settle(pilot)
        screen.query_one("#error-box").text = ""
        await pilot.pause()
        await seen.look_all(pilot, f"troubleshoot via {source}, after explain")
        await pilot.press("f3")
        await pilot.pause()
        await seen.look_all(pilot, f"troubleshoot via {source}, safe mode")
    assert not seen.problems(), "\n".join(seen.problems())


async def test_onboarding_key_entry(tmp_path: Path) -> None:
    from xkeys.tui.screens.onboard import KeyEntryScreen, PortalStepScreen, PurposeScreen
    from xkeys.tui.widgets.secret_field import SecretField

    seen = Seen()
    app = make_app("home", services=_services(seen, tmp_path, environ={}), clock=lambda: NOW)
    async with app.run_test(size=TALL) as pilot:
        await settle(pilot)
        await seen.look_all(pilot, "home")
        await pilot.press("1")
        assert isinstance(app.screen, PurposeScreen)
        await pilot.press("enter")
        await pilot.press("ctrl+n")
        for _ in range(40):
            if not isinstance(app.screen, PortalStepScreen):
                break
            seen.look(app, f"portal step {app.screen.index}", svg=False)
            await pilot.press("ctrl+n")
        assert isinstance(app.screen, KeyEntryScreen)
        for f in app.screen.query(SecretField):
            value = CANARIES.get(f.kind)
            if not value:
                continue
            f.input.focus()
            f.input.value = value  # as a paste would (typing every key is slow)
            await pilot.pause()
        await settle(pilot)
        await seen.look_all(pilot, "key entry, filled")
        await pilot.press("f3")
        await pilot.pause()
        await seen.look_all(pilot, "key entry, safe mode")
        await pilot.press("ctrl+n")
        await settle(pilot)
        await seen.look_all(pilot, "after key entry")
    assert not seen.problems(), "\n".join(seen.problems())


@pytest.mark.parametrize("flow", ["home", "rotate", "support"])
async def test_flows_with_a_canary_profile(tmp_path: Path, flow: str, canary_store: Any) -> None:
    seen = Seen()
    app = make_app(
        flow, services=_services(seen, tmp_path, environ={}, store=canary_store), clock=lambda: NOW, profile="canary"
    )
    async with app.run_test(size=TALL) as pilot:
        await settle(pilot)
        seen.look(app, flow)
        await pilot.press("f3")
        await pilot.pause()
        await seen.look_all(pilot, f"{flow}, safe mode toggled")
        await pilot.press("ctrl+p")
        await pilot.pause()
        await seen.look_all(pilot, f"{flow}, command palette")
    assert not seen.problems(), "\n".join(seen.problems())


def test_the_tui_check_can_fail() -> None:
    seen = Seen()
    seen.texts.append(("x", f"shown: {CANARIES[Kind.CLIENT_SECRET]}"))
    assert seen.problems() == ["x: ['client_secret']"]


async def test_a_crash_prints_no_secret(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An unhandled exception ends the app with a traceback: no local variables, no values."""
    from xkeys.core import redact

    redact.remember(*CANARIES.values())  # as loading the credentials does
    app = make_app("home", services=_services(Seen(), tmp_path, environ={}), clock=lambda: NOW)

    def boom() -> None:
        secret_value = CANARIES[Kind.CONSUMER_SECRET]
        raise RuntimeError(f"crash while checking {secret_value}")

    with pytest.raises(RuntimeError):
        async with app.run_test() as pilot:
            app.call_later(boom)
            await pilot.pause()
    out, err = capsys.readouterr()
    assert "RuntimeError: crash while checking [redacted]" in out + err
    assert "secret_value = " not in out + err  # locals are not listed
    assert not hits(out + err), hits(out + err)
