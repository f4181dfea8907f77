"""Issue 7: a paste box never shows what was pasted, safe mode on or off.

A real paste event (and setting `.text`, as a program would) lands in the box; right after it the
screen and its SVG export hold no 12-character run of any pasted secret, the masked summary names
what was found, and the values still fill the fields / run the checks.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual import events
from tui_helpers import app as make_test_app
from tui_helpers import screen_text

from xkeys.core.kinds import Kind
from xkeys.core.redact import MIN_RUN, fingerprint
from xkeys.tui.screens.onboard import KeyEntryScreen, PortalStepScreen, PurposeScreen
from xkeys.tui.widgets.paste_sink import PasteSink
from xkeys.tui.widgets.secret_field import SecretField

SIZE = (100, 50)


def leaked(text: str, secrets: list[str]) -> list[str]:
    return [s[:3] + "…" for s in secrets if any(s[i : i + MIN_RUN] in text for i in range(len(s) - MIN_RUN + 1))]


async def settle(pilot: Any) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def shown(app: Any) -> str:
    return screen_text(app) + "\n" + app.export_screenshot()


async def _paste(pilot: Any, sink: PasteSink, text: str, how: str) -> None:
    if how == "event":
        sink.focus()
        await pilot.pause()
        sink.post_message(events.Paste(text))
    else:
        sink.text = text
    await pilot.pause()


@pytest.mark.parametrize("safe", [True, False])
@pytest.mark.parametrize("how", ["event", "set"])
async def test_troubleshoot_paste_is_never_shown(make_sandbox: Any, safe: bool, how: str) -> None:
    sb = make_sandbox("healthy")
    secrets = [v for v in sb.credentials.values() if len(v) >= MIN_RUN]
    app = make_test_app("troubleshoot", services=sb.services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.safe_mode = safe
        screen = app.screen
        screen.query_one("#src-paste").value = True
        await pilot.pause()
        sink = screen.query_one("#paste-creds", PasteSink)
        await _paste(pilot, sink, sb.env_text(), how)
        assert sink.text == ""
        text = shown(app)
        assert not leaked(text, secrets), leaked(text, secrets)
        assert fingerprint(sb.credentials["consumer_secret"]) in screen_text(app)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert screen.report is not None  # the kept values ran the checks
        assert not leaked(shown(app), secrets)


async def test_troubleshoot_typing_into_the_box_shows_nothing(make_sandbox: Any) -> None:
    sb = make_sandbox("healthy")
    app = make_test_app("troubleshoot", services=sb.services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.query_one("#src-paste").value = True
        await pilot.pause()
        sink = app.screen.query_one("#paste-creds", PasteSink)
        sink.focus()
        await pilot.press(*"X_API_KEY=abcdefghijklmnopqrstu")
        assert sink.text == ""
        assert "abcdefghijkl" not in shown(app)


@pytest.mark.parametrize("how", ["event", "set"])
async def test_key_entry_paste_box_is_never_shown(make_sandbox: Any, how: str) -> None:
    sb = make_sandbox("healthy")
    secrets = [v for v in sb.credentials.values() if len(v) >= MIN_RUN]
    app = make_test_app(services=sb.services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1")
        assert isinstance(app.screen, PurposeScreen)
        await pilot.press("enter")
        await pilot.press("ctrl+n")
        while isinstance(app.screen, PortalStepScreen):
            await pilot.press("ctrl+n")
        screen = app.screen
        assert isinstance(screen, KeyEntryScreen)
        screen.query_one("#paste-all").collapsed = False
        await pilot.pause()
        sink = screen.query_one("#paste-box", PasteSink)
        await _paste(pilot, sink, sb.env_text(), how)
        await settle(pilot)
        assert sink.text == "" and sink.result is None  # filled, then the values were dropped
        text = shown(app)
        assert not leaked(text, secrets), leaked(text, secrets)
        fields = {f.kind: f for f in screen.query(SecretField)}
        assert fields[Kind.CONSUMER_KEY].value == sb.credentials["consumer_key"]
