"""Optional onboarding step "Get user tokens": OAuth 1.0a PIN (`xkeys.core.oauth1`) or OAuth 2.0
with PKCE (`xkeys.core.oauth2`, the pasted redirected URL as the headless way), filling the
access token fields of the key entry form. Network calls run in workers; failures become
diagnosis cards (the flows' exceptions carry diagnosis ids). No token is ever shown unmasked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Static

from xkeys.core.kinds import Kind
from xkeys.core.kinds import label as kind_label
from xkeys.core.redact import mask, scrub
from xkeys.tui.screens.base import XScreen
from xkeys.tui.screens.common import show_cards

DEFAULT_REDIRECT = "http://127.0.0.1:8765/callback"


class UserTokensScreen(XScreen):
    """PIN or PKCE login with the app keys at hand; `on_tokens` gets {Kind: value} on success."""

    PALETTE = (
        ("Copy the authorize URL", "Copy the sign-in link to the clipboard", "copy_url"),
        ("Open the authorize URL", "Open the sign-in link in your browser", "open_url"),
    )

    DEFAULT_CSS = """
    UserTokensScreen .login-row { height: auto; margin: 1 0 0 0; }
    UserTokensScreen .login-row Button { margin: 0 1 0 0; }
    UserTokensScreen Input { margin: 1 0 0 0; }
    UserTokensScreen #login-cards { height: auto; }
    """

    def __init__(
        self,
        values: dict[Kind, str],
        *,
        redirect_uri: str | None = None,
        on_tokens: Callable[[dict[Kind, str]], None] | None = None,
        listen: bool = True,
    ) -> None:
        super().__init__()
        #: catch the redirect on a loopback redirect URI (else only the pasted URL is read)
        self.listen = listen
        self.values = dict(values)
        self.redirect_uri = redirect_uri or DEFAULT_REDIRECT
        self.on_tokens = on_tokens
        self.mode = ""
        self.request: Any | None = None  # oauth1.RequestToken
        self.pkce: Any | None = None  # oauth2.PkceStart
        self.tokens: dict[Kind, str] = {}
        self.error: str | None = None  # the last diagnosis id

    def compose(self) -> ComposeResult:
        yield from self.compose_chrome()
        with VerticalScroll(classes="body"):
            yield Static("Get user tokens (optional)", classes="screen-title")
            yield Static(
                Text(
                    "Act as an account: PIN (OAuth 1.0a, needs the API Key and Secret) or OAuth 2.0 "
                    "with PKCE (needs the Client ID). Esc skips this step.",
                    style="dim",
                )
            )
            with Horizontal(classes="login-row"):
                yield Button("PIN (OAuth 1.0a)", id="login-pin", variant="primary")
                yield Button("PKCE (OAuth 2.0)", id="login-pkce")
            yield Static("", id="login-status")
            yield Static("", id="login-url")
            with Horizontal(classes="login-row", id="login-url-actions"):
                yield Button("Copy URL", id="login-copy")
                yield Button("Open in browser", id="login-open")
            yield Input(placeholder="the PIN X shows after you authorize", id="login-pin-input")
            yield Input(placeholder="paste the whole redirected URL (http://127.0.0.1…?code=…)", id="login-redirect")
            with Horizontal(classes="login-row", id="login-exchange-row"):
                yield Button("Exchange", id="login-exchange", variant="success")
            yield Vertical(id="login-cards")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        super().on_mount()
        self._show_inputs()
        self.query_one("#login-pin", Button).focus()

    def _show_inputs(self) -> None:
        started = self.request is not None or self.pkce is not None
        self.query_one("#login-url-actions").display = started
        self.query_one("#login-exchange-row").display = started
        self.query_one("#login-pin-input").display = started and self.mode == "pin"
        self.query_one("#login-redirect").display = started and self.mode == "pkce"

    def _status(self, text: str, style: str = "dim") -> None:
        self.query_one("#login-status", Static).update(Text(scrub(text), style=style))

    @property
    def url(self) -> str:
        if self.mode == "pin" and self.request is not None:
            return str(self.request.authorize_url)
        if self.mode == "pkce" and self.pkce is not None:
            return str(self.pkce.url)
        return ""

    async def _fail(self, exc: Exception) -> None:
        diag = getattr(exc, "diagnosis", None)
        msg = scrub(str(getattr(exc, "message", "") or exc))[:200]
        self.error = diag or "unknown"
        self._status(f"✗ {msg}", "bold red")
        box = self.query_one("#login-cards", Vertical)
        await show_cards(self.services, box, [], diag or "unknown", msg)
        box.call_after_refresh(box.scroll_visible, animate=False)

    def _client(self) -> Any:
        return self.services.http_client() if self.services.http_client is not None else None

    # -- start --------------------------------------------------------------------------------
    @work(exclusive=True, group="login")
    async def start_pin(self) -> None:
        from xkeys.core import oauth1

        ck, cs = self.values.get(Kind.CONSUMER_KEY), self.values.get(Kind.CONSUMER_SECRET)
        await self.query_one("#login-cards", Vertical).remove_children()
        if not ck or not cs:
            self._status("The PIN flow needs the API Key and API Key Secret: fill them in first.", "yellow")
            return
        self.mode, self.request, self.pkce = "pin", None, None
        self._status("Asking X for a request token…")
        try:
            client = self._client()
            if client is not None:
                async with client:
                    self.request = await oauth1.request_token(ck, cs, api_base=self.services.api_base, client=client)
            else:
                self.request = await oauth1.request_token(ck, cs, api_base=self.services.api_base)
        except Exception as exc:
            await self._fail(exc)
            return
        self._started("Authorize the app at this URL, then type the PIN X shows.")
        self.query_one("#login-pin-input", Input).focus()

    def start_pkce(self) -> None:
        from xkeys.core import oauth2

        cid = self.values.get(Kind.CLIENT_ID)
        if not cid:
            self._status("OAuth 2.0 needs the Client ID: fill it in first.", "yellow")
            return
        try:
            self.pkce = oauth2.start(cid, self.redirect_uri, api_base=self.services.api_base)
        except Exception as exc:
            self.run_worker(self._fail(exc), group="login")
            return
        self.mode, self.request = "pkce", None
        self._started(
            f"Sign in at this URL; X sends the browser to {self.redirect_uri}. Paste the address it lands on."
        )
        self.query_one("#login-redirect", Input).focus()
        if self.listen and oauth2.loopback_target(self.redirect_uri) is not None:
            self.catch_redirect(self.pkce)

    @work(exclusive=True, group="login-loopback")
    async def catch_redirect(self, pkce: Any) -> None:
        """Wait on the loopback redirect URI for the browser; the pasted URL stays the fallback."""
        from xkeys.core import oauth2

        try:
            async with oauth2.LoopbackServer(pkce.redirect_uri) as server:
                self._status(
                    f"Sign in at this URL; xkeys listens on {pkce.redirect_uri} (or paste the address).", "bold"
                )
                redirected = await server.wait()
        except Exception as exc:  # cannot listen or nobody came: pasting still works
            if self.pkce is pkce and not self.tokens:
                self._status(f"{scrub(str(getattr(exc, 'message', exc)))[:160]}; paste the redirected URL.", "yellow")
            return
        if self.pkce is pkce and not self.tokens:
            self.query_one("#login-redirect", Input).value = redirected
            self.exchange()

    def _started(self, hint: str) -> None:
        self.error = None
        t = Text()
        t.append("Authorize URL  ", style="bold")
        t.append(shown_url(self.url, self.xapp.safe_mode), style="underline")
        self.query_one("#login-url", Static).update(t)
        self._status(hint, "bold")
        self._show_inputs()

    def set_safe_mode(self, safe: bool) -> None:
        if self.url:
            t = Text()
            t.append("Authorize URL  ", style="bold")
            t.append(shown_url(self.url, safe), style="underline")
            self.query_one("#login-url", Static).update(t)

    def action_copy_url(self) -> None:
        if self.url:
            self.xapp.copy_text("authorize URL", self.url)

    def action_open_url(self) -> None:
        if self.url:
            self.xapp.open_link(self.url)

    # -- exchange -----------------------------------------------------------------------------
    @work(exclusive=True, group="login")
    async def exchange(self) -> None:
        from xkeys.core import oauth1, oauth2

        await self.query_one("#login-cards", Vertical).remove_children()
        self._status("Exchanging…")
        api_base = self.services.api_base
        try:
            client = self._client()
            async with client if client is not None else _Nothing():
                if self.mode == "pin" and self.request is not None:
                    pin = self.query_one("#login-pin-input", Input).value
                    at = await oauth1.exchange_pin(
                        self.values[Kind.CONSUMER_KEY],
                        self.values[Kind.CONSUMER_SECRET],
                        self.request,
                        pin,
                        api_base=api_base,
                        client=client,
                    )
                    tokens = {Kind.ACCESS_TOKEN: at.access_token, Kind.ACCESS_TOKEN_SECRET: at.access_token_secret}
                    who = at.screen_name
                elif self.mode == "pkce" and self.pkce is not None:
                    redirected = self.query_one("#login-redirect", Input).value
                    code = oauth2.code_from_redirect(redirected, self.pkce.state)
                    ts = await oauth2.exchange(
                        self.pkce,
                        code,
                        client_secret=self.values.get(Kind.CLIENT_SECRET),
                        api_base=api_base,
                        client=client,
                    )
                    tokens = {Kind.OAUTH2_ACCESS_TOKEN: ts.access_token}
                    if ts.refresh_token:
                        tokens[Kind.OAUTH2_REFRESH_TOKEN] = ts.refresh_token
                    who = None
                else:
                    self._status("Start PIN or PKCE first.", "yellow")
                    return
        except Exception as exc:
            await self._fail(exc)
            return
        self.tokens = tokens
        shown = ", ".join(f"{kind_label(k)} {mask(v, k)}" for k, v in tokens.items())
        self._status(f"✓ Signed in{' as @' + who if who else ''}: {shown}. Esc goes back with them filled in.", "green")
        if self.on_tokens is not None:
            self.on_tokens(dict(tokens))

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        bid = event.button.id or ""
        if not bid.startswith("login-"):
            return
        event.stop()
        if bid == "login-pin":
            self.start_pin()
        elif bid == "login-pkce":
            self.start_pkce()
        elif bid == "login-copy":
            self.action_copy_url()
        elif bid == "login-open":
            self.action_open_url()
        elif bid == "login-exchange":
            self.exchange()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id in ("login-pin-input", "login-redirect"):
            event.stop()
            self.exchange()


def shown_url(url: str, safe: bool) -> str:
    """The authorize URL as shown: in screen-share safe mode it is cut after the first 6
    characters of its query (it carries a request token / state); Copy and Open use the full one."""
    if not safe or "?" not in url:
        return url
    head, query = url.split("?", 1)
    return f"{head}?{query[:6]}… (use Copy URL / Open in browser)"


class _Nothing:
    async def __aenter__(self) -> None:
        return None

    async def __aexit__(self, *exc: object) -> None:
        return None


def open_for(screen: Any) -> None:
    """Open the step from a form of SecretFields (onboarding key entry): app keys come from the
    form, the tokens go back into its access token fields."""
    from xkeys.tui.widgets.secret_field import SecretField

    fields = {f.kind: f for f in screen.query(SecretField)}
    values = {k: f.value for k, f in fields.items() if f.raw.strip()}

    def fill(tokens: dict[Kind, str]) -> None:
        for k, v in tokens.items():
            if k in fields:
                fields[k].set_value(v)

    screen.app.push_screen(UserTokensScreen(values, on_tokens=fill))
