"""Pilot tests of the TUI rotation flow (RotateScreen) on the in-process sandbox, with a real
file-backed profile store (XKEYS_CONFIG_DIR + XKEYS_SECRET_STORE=file)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tui_helpers import app as make_test_app
from tui_helpers import screen_text

from conftest import Sandbox
from xkeys.core.kinds import Kind
from xkeys.sandbox import current_credentials
from xkeys.tui.screens.rotate import RotateScreen
from xkeys.tui.widgets.checks import DiagnosisCard
from xkeys.tui.widgets.secret_field import SecretField

SIZE = (80, 24)


async def settle(pilot: Any) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    from xkeys.core.store import Store

    monkeypatch.setenv("XKEYS_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("XKEYS_SECRET_STORE", "file")
    return Store()


def rotated_sandbox(store: Any, name: str = "acme") -> tuple[Sandbox, dict[str, str]]:
    from xkeys.core.store import Profile

    old = current_credentials(0, "rotated-secret") or {}
    sb = Sandbox("rotated-secret", 0, store=store, environ={"LEGACY_SECRET": "x"})
    sb.services.environ = {"LEGACY_SECRET": sb.credentials["consumer_secret"]}
    store.save(Profile(name, values={Kind(k): v for k, v in sb.credentials.items()}))
    return sb, old


async def to_paste(pilot: Any, target_index: int = 0) -> RotateScreen:
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, RotateScreen)
    await pilot.press("enter")  # the profile -> focus moves to the targets
    for _ in range(target_index):
        await pilot.press("down")
    await pilot.press("enter")  # the target -> impact preview (worker)
    await settle(pilot)
    assert screen.step == "impact"
    screen.query_one("#rot-continue").press()
    await settle(pilot)
    assert screen.step == "paste"
    return screen


async def test_rotate_consumer_pair_end_to_end_saves_a_new_generation(store: Any) -> None:
    sb, current = rotated_sandbox(store)
    old_secret = sb.credentials["consumer_secret"]
    app = make_test_app("rotate", services=sb.services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "acme" in screen_text(app)
        screen = await to_paste(pilot)
        imp = screen.impact
        assert imp.target == "consumer" and Kind.ACCESS_TOKEN in imp.invalidates
        assert [e.where for e in imp.exposures] == ["LEGACY_SECRET"]
        fields = screen.fields()
        assert list(fields)[:3] == [Kind.CONSUMER_KEY, Kind.CONSUMER_SECRET, Kind.BEARER_TOKEN]
        fields[Kind.CONSUMER_KEY].set_value(sb.credentials["consumer_key"])
        fields[Kind.CONSUMER_SECRET].set_value(current["consumer_secret"])
        fields[Kind.BEARER_TOKEN].set_value(current["bearer_token"])
        await pilot.pause()
        assert fields[Kind.CONSUMER_SECRET].status == "ok"
        screen.query_one("#rot-verify").press()
        await settle(pilot)
        assert screen.verification is not None and screen.verification.ok, screen.verification.failed
        assert not screen.query_one("#rot-save").disabled
        screen.query_one("#rot-save").press()
        await settle(pilot)
        text = screen_text(app)
        assert "Rotated consumer of profile acme" in text
        for secret in (old_secret, current["consumer_secret"], current["bearer_token"]):
            assert secret[:12] not in text
    from xkeys.core.store import Store

    p = Store().load("acme")
    assert p.values[Kind.CONSUMER_SECRET] == current["consumer_secret"]
    assert p.values[Kind.BEARER_TOKEN] == current["bearer_token"]
    assert Kind.ACCESS_TOKEN not in p.values
    assert p.history[-1].reason == "rotate consumer"
    assert Store().load_generation("acme", p.history[-2].gen)[Kind.CONSUMER_SECRET] == old_secret


async def test_rotate_rejects_a_wrong_paste_and_a_stale_secret_fails_live(store: Any) -> None:
    sb, current = rotated_sandbox(store)
    app = make_test_app("rotate", services=sb.services)
    async with app.run_test(size=SIZE) as pilot:
        screen = await to_paste(pilot)
        fields = screen.fields()
        fields[Kind.CONSUMER_KEY].set_value(sb.credentials["consumer_key"])
        # the bearer token pasted into the secret box: refused before any network call
        fields[Kind.CONSUMER_SECRET].set_value(current["bearer_token"])
        await pilot.pause()
        assert fields[Kind.CONSUMER_SECRET].status == "error"
        screen.query_one("#rot-verify").press()
        await settle(pilot)
        assert screen.step == "paste" and screen.verification is None
        assert "✗ API Key Secret" in screen_text(app) or "✗" in screen_text(app)
        # the old (stale) secret: caught as the old value
        fields[Kind.CONSUMER_SECRET].set_value(sb.credentials["consumer_secret"])
        await pilot.pause()
        screen.query_one("#rot-verify").press()
        await settle(pilot)
        assert screen.verification is None and "old" in screen_text(app)
        # a made-up secret of the right shape: passes shapes, fails the live check -> cards, no save
        fields[Kind.CONSUMER_SECRET].set_value(current["consumer_secret"][::-1])
        fields[Kind.BEARER_TOKEN].set_value(current["bearer_token"])
        await pilot.pause()
        screen.query_one("#rot-verify").press()
        await settle(pilot)
        assert screen.verification is not None and not screen.verification.ok
        assert screen.query_one("#rot-save").disabled
        assert list(screen.query(DiagnosisCard))
    from xkeys.core.store import Store

    assert Store().load("acme").values[Kind.CONSUMER_SECRET] == sb.credentials["consumer_secret"]


async def test_home_rotate_entry_opens_the_rotation_screen(store: Any) -> None:
    sb, _ = rotated_sandbox(store)
    app = make_test_app(services=sb.services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        assert isinstance(app.screen, RotateScreen)
        assert "Impact" in screen_text(app)
        assert all(isinstance(f, SecretField) for f in app.screen.query(SecretField))


def test_snapshot_rotation_impact_preview(store: Any, snap_compare: Any) -> None:
    sb, _ = rotated_sandbox(store)

    async def to_impact(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert pilot.app.screen.step == "impact"

    assert snap_compare(make_test_app("rotate", services=sb.services), terminal_size=SIZE, run_before=to_impact)
