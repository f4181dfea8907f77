"""Pilot tests of the optional "Get user tokens" onboarding step (UserTokensScreen) on the
in-process sandbox: the consent form is approved over HTTP, the way a browser would."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import httpx
from test_tui_pilot import _to_key_entry
from tui_helpers import app as make_test_app
from tui_helpers import screen_text

from xkeys.core.kinds import Kind
from xkeys.tui.screens.login import UserTokensScreen
from xkeys.tui.widgets.checks import DiagnosisCard
from xkeys.tui.widgets.secret_field import SecretField

SIZE = (80, 24)


async def settle(pilot: Any) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def approve(client: httpx.AsyncClient, url: str) -> str:
    """Open the authorize URL, press Approve on the consent form; -> the answer page."""
    u = httpx.URL(url)
    page = await client.get(u.raw_path.decode())
    assert page.status_code == 200, page.text[:200]
    m = re.search(r'<form[^>]*method="post"[^>]*action="([^"]*)"', page.text, re.I)
    assert m, "no consent form"
    fields = {
        unescape(k): unescape(v)
        for k, v in re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)"', page.text)
    }
    fields["action"] = "approve"
    answer = await client.post(unescape(m.group(1)), data=fields)
    return answer.text


def pin_of(page: str) -> str:
    pins = re.findall(r"(?<!\d)\d{7}(?!\d)", re.sub(r"<[^>]+>", " ", page))
    assert len(pins) == 1
    return pins[0]


async def test_pin_step_end_to_end_fills_the_access_token_fields(make_sandbox: Any) -> None:
    sb = make_sandbox("healthy")
    app = make_test_app(services=sb.services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _to_key_entry(pilot, path_index=0)
        form = app.screen
        for kind in (Kind.CONSUMER_KEY, Kind.CONSUMER_SECRET):
            form.query_one(f"#field-{kind.value}", SecretField).set_value(sb.credentials[kind.value])
        await pilot.pause()
        from xkeys.tui.commands import XKeysCommands

        entry = [fn for n, fn, _ in XKeysCommands(form)._commands() if str(n) == "Get user tokens"]
        assert len(entry) == 1  # the wizard's optional step, offered on the key entry form
        entry[0]()
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, UserTokensScreen)
        screen.query_one("#login-pin").press()
        await settle(pilot)
        assert screen.request is not None, screen_text(app)
        screen.query_one("#login-copy").press()
        screen.query_one("#login-open").press()
        await settle(pilot)
        assert sb.recorder.opened[-1] == screen.request.authorize_url
        async with sb.client() as client:
            pin = pin_of(await approve(client, screen.request.authorize_url))
        # a wrong PIN first: a diagnosis card, no tokens
        screen.query_one("#login-pin-input").value = "0000000" if pin != "0000000" else "1111111"
        screen.query_one("#login-exchange").press()
        await settle(pilot)
        assert not screen.tokens and screen.error == "invalid-pin"
        assert [c for c in screen.query(DiagnosisCard)]
        # (a failed exchange may spend the request token: start again)
        screen.query_one("#login-pin").press()
        await settle(pilot)
        async with sb.client() as client:
            pin = pin_of(await approve(client, screen.request.authorize_url))
        screen.query_one("#login-pin-input").value = pin
        screen.query_one("#login-exchange").press()
        await settle(pilot)
        assert set(screen.tokens) == {Kind.ACCESS_TOKEN, Kind.ACCESS_TOKEN_SECRET}, screen_text(app)
        text = screen_text(app)
        assert "Signed in" in text
        assert screen.tokens[Kind.ACCESS_TOKEN_SECRET][:12] not in text
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is form
        got = form.query_one(f"#field-{Kind.ACCESS_TOKEN.value}", SecretField)
        assert got.value == screen.tokens[Kind.ACCESS_TOKEN] and got.status == "ok"


async def test_pkce_step_with_the_pasted_redirect_gets_tokens(make_sandbox: Any) -> None:
    sb = make_sandbox("healthy")
    values = {Kind(k): v for k, v in sb.credentials.items() if k in ("client_id", "client_secret")}
    got: list[dict[Kind, str]] = []
    app = make_test_app(services=sb.services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = UserTokensScreen(
            values, redirect_uri=sb.asgi.state.sandbox.redirect_uris[0], on_tokens=got.append, listen=False
        )
        await app.push_screen(screen)
        await settle(pilot)
        screen.query_one("#login-pkce").press()
        await settle(pilot)
        assert screen.pkce is not None
        async with sb.client() as client:
            u = httpx.URL(screen.pkce.url)
            page = await client.get(u.raw_path.decode())
            m = re.search(r'<form[^>]*method="post"[^>]*action="([^"]*)"', page.text, re.I)
            assert m
            fields = {
                unescape(k): unescape(v)
                for k, v in re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)"', page.text)
            }
            fields["action"] = "approve"
            answer = await client.post(unescape(m.group(1)), data=fields)
        redirected = answer.headers.get("location", "")
        assert "code=" in redirected, answer.status_code
        # a URL with another state is refused with its diagnosis
        screen.query_one("#login-redirect").value = redirected.replace("state=", "state=x")
        screen.query_one("#login-exchange").press()
        await settle(pilot)
        assert not got and screen.error
        screen.query_one("#login-redirect").value = redirected
        screen.query_one("#login-exchange").press()
        await settle(pilot)
        assert got and Kind.OAUTH2_ACCESS_TOKEN in got[0], screen_text(app)


async def test_pkce_step_catches_the_redirect_on_the_loopback_uri() -> None:
    import socket

    from conftest import Sandbox
    from xkeys.sandbox import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    redirect = f"http://127.0.0.1:{port}/callback"
    sb = Sandbox("healthy")
    sb.asgi = create_app("healthy", 0, redirect_uris=[redirect])
    values = {Kind(k): v for k, v in sb.credentials.items() if k in ("client_id", "client_secret")}
    got: list[dict[Kind, str]] = []
    app = make_test_app(services=sb.services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = UserTokensScreen(values, redirect_uri=redirect, on_tokens=got.append)
        await app.push_screen(screen)
        await pilot.pause()
        screen.query_one("#login-pkce").press()
        await pilot.pause(0.3)
        assert screen.pkce is not None
        async with sb.client() as client:
            u = httpx.URL(screen.pkce.url)
            page = await client.get(u.raw_path.decode())
            m = re.search(r'<form[^>]*method="post"[^>]*action="([^"]*)"', page.text, re.I)
            assert m
            fields = {
                unescape(k): unescape(v)
                for k, v in re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)"', page.text)
            }
            fields["action"] = "approve"
            answer = await client.post(unescape(m.group(1)), data=fields)
        location = answer.headers["location"]
        async with httpx.AsyncClient(timeout=10) as browser:  # the browser following the redirect
            landed = await browser.get(location)
        assert landed.status_code == 200
        await settle(pilot)
        assert got and Kind.OAUTH2_ACCESS_TOKEN in got[0], screen_text(app)


def test_safe_mode_cuts_the_authorize_url() -> None:
    from xkeys.tui.screens.login import shown_url

    url = "https://api.x.com/oauth/authorize?oauth_token=O28oh1MmAmIDYVeMVvD1F3RGpu1"
    assert shown_url(url, False) == url
    assert "O28oh1MmAm" not in shown_url(url, True) and shown_url(url, True).startswith("https://api.x.com/oauth/")


async def test_key_entry_has_a_visible_button_for_the_user_token_step(make_sandbox: Any) -> None:
    sb = make_sandbox("healthy")
    app = make_test_app(services=sb.services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _to_key_entry(pilot, path_index=0)
        button = app.screen.query_one("#user-tokens")
        button.press()
        await settle(pilot)
        assert isinstance(app.screen, UserTokensScreen)
