"""Snapshot tests (pytest-textual-snapshot) of every screen and key state at 80x24.

Deterministic: a fixed clock (no times on screen, no cursor blink), the in-process sandbox with
seed 0, no real paths. Update with `pytest tests/tui/test_tui_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tui_helpers import app as make_test_app
from tui_helpers import services

from conftest import Sandbox
from xkeys.core.kinds import Kind
from xkeys.tui.widgets.checks import DiagnosisCard
from xkeys.tui.widgets.secret_field import SecretField

SIZE = (80, 24)


async def settle(pilot: Any) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def to_key_entry(pilot: Any, path_keys: tuple[str, ...] = (), preset_keys: tuple[str, ...] = ()) -> None:
    await settle(pilot)
    await pilot.press("1", *path_keys, "enter")
    if preset_keys:
        await pilot.press("tab", *preset_keys, "enter")
    await pilot.press("ctrl+n")
    for _ in pilot.app.screen.state.plan.steps:
        await pilot.press("ctrl+n")
    await pilot.pause()


async def first_card_on_top(pilot: Any) -> None:
    """The app scrolls the first diagnosis card into view after a refresh; do it again once the
    layout has settled so the snapshot does not depend on when the card's height was known."""
    await pilot.pause()
    cards = list(pilot.app.screen.query(DiagnosisCard))
    if cards:
        cards[0].scroll_visible(top=True, animate=False)
        await pilot.pause()


async def fill(pilot: Any, values: dict[Kind, str]) -> None:
    for kind, value in values.items():
        pilot.app.screen.query_one(f"#field-{kind.value}", SecretField).set_value(value)
    await pilot.pause()


def test_snapshot_home(snap_compare: Any) -> None:
    assert snap_compare(make_test_app(), terminal_size=SIZE, run_before=settle)


def test_snapshot_home_light_theme(snap_compare: Any) -> None:
    assert snap_compare(make_test_app(theme="textual-light"), terminal_size=SIZE, run_before=settle)


def test_snapshot_home_demo_profile(snap_compare: Any) -> None:
    sb = Sandbox("healthy")
    assert snap_compare(
        make_test_app(services=sb.services, sandbox_info=sb.info), terminal_size=SIZE, run_before=settle
    )


def test_snapshot_onboard_path_choice(snap_compare: Any) -> None:
    async def run(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("1")

    assert snap_compare(make_test_app(), terminal_size=SIZE, run_before=run)


def test_snapshot_onboard_socialapi_plan(snap_compare: Any) -> None:
    async def run(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("1", "tab", "down", "enter")
        pilot.app.screen.query_one("#plan-summary").scroll_visible(animate=False)

    assert snap_compare(make_test_app(), terminal_size=SIZE, run_before=run)


def test_snapshot_portal_step_user_auth_socialapi(snap_compare: Any) -> None:
    async def run(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("1", "tab", "down", "enter", "ctrl+n", "ctrl+n", "ctrl+n", "ctrl+n")
        await pilot.pause()
        pilot.app.screen.query_one("#copy-0").scroll_visible(animate=False)

    assert snap_compare(make_test_app(), terminal_size=SIZE, run_before=run)


def test_snapshot_portal_step_keys_oauth1(snap_compare: Any) -> None:
    async def run(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("1", "ctrl+n", "ctrl+n", "ctrl+n", "ctrl+n", "ctrl+n")

    assert snap_compare(make_test_app(), terminal_size=SIZE, run_before=run)


def test_snapshot_key_entry_wrong_field(snap_compare: Any) -> None:
    sb = Sandbox("healthy")

    async def run(pilot: Any) -> None:
        await to_key_entry(pilot, path_keys=("down", "down"))
        await fill(
            pilot,
            {
                Kind.CONSUMER_KEY: sb.credentials["client_id"],
                Kind.CONSUMER_SECRET: '  "' + sb.credentials["consumer_secret"] + '"\n',
            },
        )
        pilot.app.screen.query_one("#field-consumer_key").scroll_visible(top=True, animate=False)

    assert snap_compare(make_test_app(services=sb.services), terminal_size=SIZE, run_before=run)


def test_snapshot_key_entry_safe_mode(snap_compare: Any) -> None:
    sb = Sandbox("healthy")

    async def run(pilot: Any) -> None:
        await to_key_entry(pilot)
        await fill(
            pilot, {k: sb.credentials[k.value] for k in (Kind.CONSUMER_KEY, Kind.CONSUMER_SECRET, Kind.BEARER_TOKEN)}
        )
        pilot.app.safe_mode = True  # (F3 would also show a toast, which expires on a timer)
        await pilot.pause()
        pilot.app.screen.query_one("#field-consumer_key").scroll_visible(top=True, animate=False)

    assert snap_compare(make_test_app(services=sb.services), terminal_size=SIZE, run_before=run)


def _verify(scenario: str) -> tuple[Any, Any]:
    sb = Sandbox(scenario)

    async def run(pilot: Any) -> None:
        await to_key_entry(pilot)
        await fill(
            pilot,
            {
                k: sb.credentials[k.value]
                for k in (
                    Kind.CONSUMER_KEY,
                    Kind.CONSUMER_SECRET,
                    Kind.BEARER_TOKEN,
                    Kind.ACCESS_TOKEN,
                    Kind.ACCESS_TOKEN_SECRET,
                )
            },
        )
        await pilot.press("ctrl+n")
        await settle(pilot)
        await first_card_on_top(pilot)

    return make_test_app(services=sb.services), run


def test_snapshot_verify_results(snap_compare: Any) -> None:
    app, run = _verify("healthy")
    assert snap_compare(app, terminal_size=SIZE, run_before=run)


def test_snapshot_verify_diagnosis_card(snap_compare: Any) -> None:
    app, run = _verify("read-only")
    assert snap_compare(app, terminal_size=SIZE, run_before=run)


def test_snapshot_finish_exported(snap_compare: Any, tmp_path: Path) -> None:
    sb = Sandbox("healthy", export_dir=str(tmp_path))
    app = make_test_app(services=sb.services)

    async def run(pilot: Any) -> None:
        await to_key_entry(pilot)
        await fill(
            pilot,
            {
                k: sb.credentials[k.value]
                for k in (
                    Kind.CONSUMER_KEY,
                    Kind.CONSUMER_SECRET,
                    Kind.BEARER_TOKEN,
                    Kind.ACCESS_TOKEN,
                    Kind.ACCESS_TOKEN_SECRET,
                )
            },
        )
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press("ctrl+n")
        await pilot.pause()
        pilot.app.screen.query_one("#save").press()
        await pilot.pause()
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run)
    assert (tmp_path / ".env").exists()


def test_snapshot_troubleshoot_read_only(snap_compare: Any) -> None:
    sb = Sandbox("read-only")
    app = make_test_app("troubleshoot", services=sb.services, sandbox_info=sb.info, scenario="read-only")

    async def run(pilot: Any) -> None:
        await settle(pilot)
        await first_card_on_top(pilot)
        assert "write-permission-missing" in {c.diag_id for c in pilot.app.screen.query(DiagnosisCard)}

    assert snap_compare(app, terminal_size=SIZE, run_before=run)


def test_snapshot_troubleshoot_results_top(snap_compare: Any) -> None:
    sb = Sandbox("read-only")
    app = make_test_app("troubleshoot", services=sb.services, sandbox_info=sb.info, scenario="read-only")

    async def run(pilot: Any) -> None:
        await settle(pilot)
        pilot.app.screen.query_one("#checks").scroll_visible(top=True, animate=False)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run)


def test_snapshot_troubleshoot_sources(snap_compare: Any) -> None:
    assert snap_compare(make_test_app("troubleshoot", services=services()), terminal_size=SIZE, run_before=settle)


def test_snapshot_troubleshoot_explain(snap_compare: Any) -> None:
    async def run(pilot: Any) -> None:
        await settle(pilot)
        screen = pilot.app.screen
        screen.query_one(
            "#error-box"
        ).text = '{"errors":[{"code":261,"message":"Application cannot perform write actions."}]}'
        pilot.app.screen.query_one("#explain").press()
        await pilot.pause()
        await settle(pilot)
        screen.query_one("#explained").scroll_visible(top=True, animate=False)
        await pilot.pause()

    assert snap_compare(make_test_app("troubleshoot"), terminal_size=SIZE, run_before=run)


def test_snapshot_support_fallback(snap_compare: Any) -> None:
    sb = Sandbox("healthy")
    app = make_test_app(services=sb.services, sandbox_info=sb.info)

    async def run(pilot: Any) -> None:
        # the fallback itself (the flow opens xkeys.tui.screens.support when that exists)
        from xkeys.tui.screens.troubleshoot import TroubleshootScreen

        await settle(pilot)
        pilot.app.safe_mode = True
        await pilot.app.push_screen(TroubleshootScreen(auto=True, support=True))
        await settle(pilot)
        pilot.app.screen.query_one(".body").scroll_home(animate=False)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run)


def test_snapshot_rotate_preview(snap_compare: Any) -> None:
    """The fallback preview screen (the guided RotateScreen has its own snapshot in test_tui_rotate)."""
    from xkeys.tui.screens.rotate_preview import RotationPreviewScreen

    async def run(pilot: Any) -> None:
        await settle(pilot)
        await pilot.app.push_screen(RotationPreviewScreen())
        await pilot.pause()
        await pilot.press("down")

    assert snap_compare(make_test_app(), terminal_size=SIZE, run_before=run)
