"""Pilot tests (App.run_test) of the TUI flows, on the in-process sandbox X API."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest
from tui_helpers import app as make_test_app
from tui_helpers import screen_text, services

from xkeys.core.kinds import Kind
from xkeys.core.redact import MIN_RUN
from xkeys.tui.screens.home import HomeScreen
from xkeys.tui.screens.onboard import FinishScreen, KeyEntryScreen, PortalStepScreen, PurposeScreen, VerifyScreen
from xkeys.tui.screens.troubleshoot import TroubleshootScreen
from xkeys.tui.widgets.checks import CheckList, DiagnosisCard
from xkeys.tui.widgets.secret_field import SecretField

SIZE = (80, 24)


def leaked(text: str, secrets: list[str]) -> list[str]:
    """Any MIN_RUN-long run of a secret present in `text`."""
    hits = []
    for s in secrets:
        for i in range(len(s) - MIN_RUN + 1):
            if s[i : i + MIN_RUN] in text:
                hits.append(s[:4] + "…")
                break
    return hits


async def settle(pilot: Any) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


# ------------------------------------------------------------------------------ home
async def test_home_shows_the_four_flows_and_no_profile() -> None:
    app = make_test_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        text = screen_text(app)
        for word in ("Onboard", "Troubleshoot", "Rotate", "Support"):
            assert word in text
        assert "Profile: none" in text


async def test_home_keys_open_each_flow_and_escape_returns() -> None:
    app = make_test_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1")
        assert isinstance(app.screen, PurposeScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("down", "enter")
        assert isinstance(app.screen, TroubleshootScreen)
        await pilot.press("escape")
        await pilot.press("3")
        assert "Rotate" in screen_text(app) and "Impact" in screen_text(app)
        await pilot.press("escape")
        await pilot.press("4")
        await settle(pilot)
        assert app.safe_mode is True
        assert "SCREEN-SHARE SAFE" in screen_text(app)


async def test_home_shows_the_active_profile_and_its_last_check(file_store: Any) -> None:
    from xkeys.core.store import Profile

    file_store.save(
        Profile(
            name="acme",
            values={Kind.CONSUMER_KEY: "x" * 25},
            preset="carapace",
            extra={
                "last_check": {"summary": {"pass": 9, "warn": 1, "fail": 2}, "diagnoses": ["write-permission-missing"]}
            },
        )
    )
    app = make_test_app(services=services(store=file_store))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "acme" in text and "preset carapace" in text
        assert "✗ 2" in text and "write-permission-missing" in text


async def test_command_palette_opens_a_flow_and_toggles_theme() -> None:
    app = make_test_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"troubleshoot")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TroubleshootScreen)
        before = app.theme
        await pilot.press("f2")
        assert app.theme != before
        await pilot.press("f3")
        assert app.safe_mode is True


async def test_palette_provider_lists_every_flow_and_screen_actions() -> None:
    from xkeys.tui.commands import XKeysCommands

    app = make_test_app("troubleshoot")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        provider = XKeysCommands(app.screen)
        names = [str(n) for n, _, _ in provider._commands()]
        for expected in (
            "Home",
            "Onboard",
            "Troubleshoot",
            "Rotate",
            "Support",
            "Toggle light/dark theme",
            "Toggle screen-share safe mode",
            "Run all checks",
            "Explain a pasted error",
            "Quit xkeys",
        ):
            assert expected in names


# ------------------------------------------------------------------------------ onboarding
async def _to_key_entry(pilot: Any, path_index: int, preset_index: int = 0) -> None:
    app = pilot.app
    await pilot.press("1")
    assert isinstance(app.screen, PurposeScreen)
    # path radio set has focus: move to the wanted option and select it
    for _ in range(path_index):
        await pilot.press("down")
    await pilot.press("enter")
    if preset_index:
        await pilot.press("tab")
        for _ in range(preset_index):
            await pilot.press("down")
        await pilot.press("enter")
    await pilot.press("ctrl+n")
    n = len(app.screen.state.plan.steps)
    for i in range(n):
        assert isinstance(app.screen, PortalStepScreen)
        assert app.screen.index == i
        await pilot.press("ctrl+n")
    assert isinstance(app.screen, KeyEntryScreen)


async def _type_into(pilot: Any, kind: Kind, value: str, typed: int = 4) -> SecretField:
    """Put `value` in a field: all but the last `typed` characters at once (a paste), the rest
    as keystrokes (feedback must follow every keystroke)."""
    field = pilot.app.screen.query_one(f"#field-{kind.value}", SecretField)
    field.input.focus()
    await pilot.pause()  # focus selects the old text; set the new value after that
    head, tail = value[:-typed] if typed else value, value[-typed:] if typed else ""
    field.input.value = head
    field.input.cursor_position = len(head)
    for ch in tail:
        await pilot.press(ch)
    await pilot.pause()
    return field


async def test_onboarding_oauth1_whole_path_on_the_sandbox(make_sandbox: Any, file_store: Any) -> None:
    sb = make_sandbox("healthy", store=file_store)
    app = make_test_app(services=sb.services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _to_key_entry(pilot, path_index=0)
        screen = app.screen
        assert [f.kind for f in screen.query(SecretField)] == [
            Kind.CONSUMER_KEY,
            Kind.CONSUMER_SECRET,
            Kind.BEARER_TOKEN,
            Kind.ACCESS_TOKEN,
            Kind.ACCESS_TOKEN_SECRET,
        ]
        # paste everything: the sandbox's .env fills all five fields
        screen.query_one("#paste-all").collapsed = False
        await pilot.pause()
        screen.query_one("#paste-box").text = sb.env_text()
        pilot.app.screen.query_one("#fill").press()
        await pilot.pause()
        await pilot.pause()
        for f in screen.query(SecretField):
            assert f.status == "ok", (f.kind, f.status)
            assert f.value == sb.credentials[f.kind.value]
        assert screen.query_one("#paste-box").text == ""
        assert not leaked(screen_text(app), list(sb.credentials.values()))
        await pilot.press("ctrl+n")
        assert isinstance(app.screen, VerifyScreen)
        await settle(pilot)
        verify = app.screen
        report = verify.state.report
        assert report is not None
        checks = verify.query_one(CheckList).results
        assert {c.id for c in checks} >= {"probe.consumer-pair", "probe.user-token", "probe.access-level"}
        assert not [c for c in checks if str(c.status) == "fail"], [c.id for c in checks if str(c.status) == "fail"]
        assert verify.passed
        await pilot.press("ctrl+n")
        assert isinstance(app.screen, FinishScreen)
        await pilot.pause()
        pilot.app.screen.query_one("#save").press()
        await pilot.pause()
        await settle(pilot)
        assert "Saved" in screen_text(app)
        saved = file_store.load("default")
        assert saved.values[Kind.ACCESS_TOKEN] == sb.credentials["access_token"]
        assert saved.preset == "custom" and saved.auth_path == "oauth1"
        assert saved.extra["last_check"]["summary"]["fail"] == 0
        assert file_store.active_name() == "default"
        assert not leaked(screen_text(app), list(sb.credentials.values()))


async def test_onboarding_oauth2_socialapi_exports_a_0600_env(make_sandbox: Any, tmp_path: Path) -> None:
    sb = make_sandbox("healthy", export_dir=str(tmp_path))
    app = make_test_app(services=sb.services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _to_key_entry(pilot, path_index=1, preset_index=1)
        plan = app.screen.state.plan
        assert plan.preset.id == "socialapi" and plan.need == "dm"
        assert [f.kind for f in app.screen.query(SecretField)] == [Kind.CLIENT_ID, Kind.CLIENT_SECRET]
        cid = await _type_into(pilot, Kind.CLIENT_ID, sb.credentials["client_id"])
        assert cid.status == "ok"
        await _type_into(pilot, Kind.CLIENT_SECRET, sb.credentials["client_secret"])
        await pilot.press("ctrl+n")
        await settle(pilot)
        checks = {c.id: c for c in app.screen.query_one(CheckList).results}
        assert str(checks["probe.oauth2-client"].status) == "pass"
        await pilot.press("ctrl+n")
        await pilot.pause()
        pilot.app.screen.query_one("#save").press()
        await pilot.pause()
        await settle(pilot)
        env = tmp_path / ".env.socialapi"
        assert env.exists(), screen_text(app)
        assert stat.S_IMODE(os.stat(env).st_mode) == 0o600
        body = env.read_text()
        assert f"X_CLIENT_ID={sb.credentials['client_id']}" in body
        assert "https://api.social-api.ai/oauth/callback/twitter" in body
        assert "Exported" in screen_text(app)


async def test_portal_step_copy_open_and_checklist() -> None:
    app = make_test_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1", "tab", "down", "enter", "ctrl+n")  # SocialAPI preset
        for _ in range(3):
            await pilot.press("ctrl+n")
        screen = app.screen
        assert isinstance(screen, PortalStepScreen) and screen.step.id == "user-auth"
        screen.query_one("#copy-0").press()
        screen.query_one("#open-url").press()
        await settle(pilot)
        rec = app.services.clipboard.__self__  # the Recorder
        assert rec.copied == ["https://api.social-api.ai/oauth/callback/twitter"]
        assert rec.opened == ["https://console.x.com"]
        assert app.clipboard == "https://api.social-api.ai/oauth/callback/twitter"  # OSC 52 side
        from xkeys.tui.widgets.portal_step import PortalStepView

        view = screen.query_one(PortalStepView)
        assert view.ticked == (0, len(screen.step.checklist))
        screen.query_one("#check-0").toggle()
        await pilot.pause()
        assert view.ticked[0] == 1


async def test_wrong_field_warning_and_move(make_sandbox: Any) -> None:
    sb = make_sandbox("healthy")
    app = make_test_app(services=sb.services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _to_key_entry(pilot, path_index=2)  # both: all seven fields
        field = await _type_into(pilot, Kind.CONSUMER_KEY, sb.credentials["client_id"])
        assert field.status == "error" and field.belongs is Kind.CLIENT_ID
        text = screen_text(app)
        assert "Client ID" in text and "✗" in text
        assert not leaked(text, [sb.credentials["client_id"]])
        pilot.app.screen.query_one("#field-consumer_key .move").press()
        await pilot.pause()
        await pilot.pause()
        target = app.screen.query_one("#field-client_id", SecretField)
        assert target.value == sb.credentials["client_id"] and target.status == "ok"
        assert field.status == "empty"
        # a bearer in an OAuth 1.0a box, and an xAI key
        bearer = await _type_into(pilot, Kind.ACCESS_TOKEN_SECRET, sb.credentials["bearer_token"])
        assert bearer.status == "error" and bearer.belongs is Kind.BEARER_TOKEN
        xai = await _type_into(pilot, Kind.CONSUMER_SECRET, "xai-" + "Ab3" * 26)
        assert xai.status == "error" and xai.belongs is None
        assert "xai-key-not-x" in screen_text(app) or "xAI" in screen_text(app)


async def test_reveal_toggle_and_safe_mode(make_sandbox: Any) -> None:
    sb = make_sandbox("healthy")
    app = make_test_app(services=sb.services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _to_key_entry(pilot, path_index=0)
        secret = sb.credentials["consumer_secret"]
        field = await _type_into(pilot, Kind.CONSUMER_SECRET, secret)
        assert not leaked(screen_text(app), [secret])
        pilot.app.screen.query_one("#field-consumer_secret .reveal").press()
        await pilot.pause()
        await pilot.pause()
        assert field.input.password is False
        assert leaked(screen_text(app), [secret])  # revealed on request
        await pilot.press("f3")  # safe mode masks again and disables reveal
        await pilot.pause()
        assert field.input.password is True
        assert field.query_one(".reveal").disabled
        assert not leaked(screen_text(app), [secret])
        key = await _type_into(pilot, Kind.CONSUMER_KEY, sb.credentials["consumer_key"])
        assert key.status == "ok"
        assert sb.credentials["consumer_key"][:6] not in screen_text(app)


BAD_PASTES = (
    "nothing to see here",
    "X_API_KEY=your-key-here\nX_API_SECRET=xxxxx\n",
    "\x00\x01binary\x00" * 50,
    "=" * 5000,
)


async def test_bad_pastes_never_crash(make_sandbox: Any) -> None:
    sb = make_sandbox("healthy")
    app = make_test_app(services=sb.services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _to_key_entry(pilot, path_index=0)
        screen = app.screen
        screen.query_one("#paste-all").collapsed = False
        await pilot.pause()
        for paste in BAD_PASTES:
            app.clear_notifications()
            screen.query_one("#paste-box").text = paste
            screen.query_one("#fill").press()
            await settle(pilot)
            assert all(f.status == "empty" for f in screen.query(SecretField)), repr(paste[:20])
            messages = [str(n.message) for n in app._notifications]
            assert any("No X credentials" in m or "Could not read" in m for m in messages), messages
        await pilot.press("ctrl+n")  # nothing typed: stays, says so
        assert isinstance(app.screen, KeyEntryScreen)
        field = await _type_into(pilot, Kind.CONSUMER_KEY, "[bold]not-a-key[/bold] ;)", typed=30)
        assert field.status == "error"


# ------------------------------------------------------------------------------ troubleshoot
#: the diagnosis each scenario must surface on the troubleshoot screen (DESIGN.md ids)
SCENARIO_DIAGNOSIS: dict[str, str | None] = {
    "healthy": None,
    "read-only": "write-permission-missing",
    "suspended-app": "app-suspended",
    "client-not-enrolled": "client-not-enrolled",
    "credits-depleted": "credits-depleted",
    "endpoint-not-in-plan": "endpoint-not-in-plan",
    "rate-limited": "rate-limited",
    "usage-capped": "usage-capped",
    "clock-skew": "clock-skew",
    "missing-scopes": "missing-scopes",
}


def _scenarios() -> list[str]:
    from xkeys.sandbox import SCENARIOS

    return list(SCENARIOS)


@pytest.mark.parametrize("scenario", _scenarios())
async def test_troubleshoot_every_scenario_shows_its_fix(make_sandbox: Any, scenario: str) -> None:
    sb = make_sandbox(scenario)
    app = make_test_app("troubleshoot", services=sb.services, sandbox_info=sb.info, scenario=scenario)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TroubleshootScreen)
        report = screen.report
        assert report is not None, screen_text(app)
        cards = {c.diag_id for c in screen.query(DiagnosisCard)}
        # every diagnosis doctor named has its card, with a catalog entry (title, fix)
        assert set(report.diagnoses) <= cards
        for card in screen.query(DiagnosisCard):
            assert card.entry is not None, card.diag_id
            assert card.diag_id in str(card.body())
            assert "Fix:" in str(card.body())
        expected = SCENARIO_DIAGNOSIS.get(scenario)
        if expected:
            assert expected in cards, (scenario, cards)
        elif scenario == "healthy":
            assert not [c for c in report.checks if str(c.status) == "fail"]
        assert not leaked(screen_text(app), list(sb.credentials.values()))


async def test_troubleshoot_read_only_first_card_is_visible(make_sandbox: Any) -> None:
    sb = make_sandbox("read-only")
    app = make_test_app("troubleshoot", services=sb.services, sandbox_info=sb.info, scenario="read-only")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.pause()
        assert "write-permission-missing" in screen_text(app)


async def test_network_down_becomes_a_diagnosis() -> None:
    svc = services(api_base="http://127.0.0.1:9")  # nothing listens on the discard port
    from xkeys.sandbox import demo_credentials

    info = {"base_url": "http://127.0.0.1:9", "credentials": demo_credentials(0, "healthy")}
    app = make_test_app("troubleshoot", services=svc, sandbox_info=info)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        cards = {c.diag_id for c in screen.query(DiagnosisCard)}
        assert "network-unreachable" in cards, (cards, screen_text(app))


async def test_troubleshoot_env_file_and_paste_sources(make_sandbox: Any, tmp_path: Path) -> None:
    sb = make_sandbox("read-only")
    env = tmp_path / "bot.env"
    env.write_text(sb.env_text())
    app = make_test_app("troubleshoot", services=sb.services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.query_one("#src-envfile").value = True
        await pilot.pause()
        screen.query_one("#env-path").value = str(env)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert "write-permission-missing" in {c.diag_id for c in screen.query(DiagnosisCard)}
        # missing file: one sentence, no crash
        screen.query_one("#env-path").value = str(tmp_path / "nope.env")
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert screen.report is None
        status = screen.query_one(CheckList).status_text
        assert "does not exist" in status and "nope.env" in status
        assert "does not exist" in screen_text(app)
        # paste
        screen.query_one("#src-paste").value = True
        await pilot.pause()
        screen.query_one("#paste-creds").text = sb.env_text()
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert screen.report is not None
        assert "write-permission-missing" in {c.diag_id for c in screen.query(DiagnosisCard)}


async def test_troubleshoot_environment_source(make_sandbox: Any) -> None:
    sb = make_sandbox("healthy", environ={"X_API_KEY": "", "X_BEARER_TOKEN": ""})
    sb.services.environ = {
        "X_API_KEY": sb.credentials["consumer_key"],
        "X_API_SECRET": sb.credentials["consumer_secret"],
    }
    app = make_test_app("troubleshoot", services=sb.services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.query_one("#src-env").value = True
        await pilot.press("ctrl+r")
        await settle(pilot)
        ids = {c.id: str(c.status) for c in screen.report.checks}
        assert ids.get("probe.consumer-pair") == "pass"


@pytest.mark.parametrize(
    "error,diag",
    [
        ('{"errors":[{"code":261,"message":"Application cannot perform write actions."}]}', "write-permission-missing"),
        (
            'HTTP/1.1 402 Payment Required\n\n{"title":"CreditsDepleted","type":"https://api.twitter.com/2/problems/credits"}',
            "credits-depleted",
        ),
        ("[red]definitely not an X error[/red]", "unknown"),
    ],
)
async def test_paste_an_error_explains_it(error: str, diag: str) -> None:
    app = make_test_app("troubleshoot")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.query_one("#error-box").text = error
        pilot.app.screen.query_one("#explain").press()
        await pilot.pause()
        await settle(pilot)
        cards = list(screen.query("#explained DiagnosisCard").results(DiagnosisCard))
        assert [c.diag_id for c in cards] == [diag]
        assert diag in str(cards[0].body())


async def test_demo_mode_with_a_real_sandbox_server() -> None:
    """`--demo`: the app starts the sandbox server itself and troubleshoots its keys."""
    pytest.importorskip("xkeys.sandbox.server")
    app = make_test_app("troubleshoot", demo=True, scenario="read-only")
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(100):
            await pilot.pause(0.05)
            await app.workers.wait_for_complete()
            if getattr(app.screen, "report", None) is not None:
                break
        assert app.sandbox_info is not None, app.sandbox_error
        assert app.services.api_base.startswith("http://127.0.0.1:")
        assert "write-permission-missing" in {c.diag_id for c in app.screen.query(DiagnosisCard)}
    assert app.sandbox_handle is not None


async def test_env_file_option_opens_troubleshoot_on_that_file(make_sandbox: Any, tmp_path: Path) -> None:
    sb = make_sandbox("read-only")
    env = tmp_path / "bot.env"
    env.write_text(sb.env_text())
    app = make_test_app("troubleshoot", services=sb.services, env_file=str(env))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.source == "envfile"
        assert screen.report is not None
        assert "write-permission-missing" in {c.diag_id for c in screen.query(DiagnosisCard)}
