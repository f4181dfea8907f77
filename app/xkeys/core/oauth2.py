"""OAuth 2.0 Authorization Code with PKCE (S256): authorize URL, loopback callback or pasted
redirect, state check, code exchange, refresh (rotating refresh tokens), revoke.

Protocol (shared/FACTS.md section 2, "OAuth 2.0 Authorization Code + PKCE"):
- authorize: ``https://x.com/i/oauth2/authorize?response_type=code&client_id&redirect_uri&scope
  &state&code_challenge&code_challenge_method=S256`` - the consent page lives on x.com in
  production; pointed at another API base (the sandbox) it is ``<api base>/i/oauth2/authorize``.
  The code is valid for 30 s; the redirect URI must match a registered one exactly.
- token: ``POST /2/oauth2/token`` form ``grant_type=authorization_code, code, redirect_uri,
  code_verifier, client_id``; confidential clients also send HTTP Basic.
- refresh: ``grant_type=refresh_token, refresh_token, client_id``; a new refresh token every
  time (the old one is dead), so callers store the new one before doing anything else.
- revoke: ``POST /2/oauth2/revoke`` ``token, token_type_hint``.
Failures map to: redirect-uri-mismatch, authorization-code-invalid, refresh-token-invalid,
invalid-client, client-secret-rejected, missing-scopes (FACTS.md sections 2 and 3).

PKCE verifier/challenge and the authorize URL come from oauthlib; HTTP is httpx (shared client).
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import ipaddress
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import httpx

from xkeys.core import http as xhttp
from xkeys.core.oauth1 import FlowError, _ClientScope
from xkeys.core.redact import remember, scrub

TOKEN_PATH = "/2/oauth2/token"
REVOKE_PATH = "/2/oauth2/revoke"
AUTHORIZE_PATH = "/i/oauth2/authorize"
#: production API hosts whose consent page is on x.com (FACTS.md section 2)
PRODUCTION_HOSTS = {"api.x.com": "https://x.com", "api.twitter.com": "https://twitter.com"}
#: FACTS.md section 2 scopes: reads need tweet.read users.read, posting tweet.write, staying
#: connected past 2 h offline.access
DEFAULT_SCOPES = ("tweet.read", "tweet.write", "users.read", "offline.access")
KNOWN_SCOPES = frozenset(
    "tweet.read tweet.write tweet.moderate.write users.email users.read follows.read follows.write "
    "offline.access space.read mute.read mute.write like.read like.write list.read list.write "
    "block.read block.write bookmark.read bookmark.write dm.read dm.write media.write timeline.read".split()
)
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


@dataclass
class PkceStart:
    url: str = field(repr=False)
    state: str = field(repr=False)
    code_verifier: str = field(repr=False)
    redirect_uri: str
    scopes: tuple[str, ...]
    client_id: str = field(repr=False)


@dataclass
class TokenSet:
    access_token: str = field(repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    expires_in: int | None = None
    expires_at: int | None = None
    scopes: tuple[str, ...] = ()
    token_type: str = "bearer"
    missing_scopes: tuple[str, ...] = ()


def authorize_endpoint(api_base: str) -> str:
    base = api_base.rstrip("/")
    host = (urlsplit(base).hostname or "").lower()
    site = PRODUCTION_HOSTS.get(host)
    return f"{site or base}{AUTHORIZE_PATH}"


def parse_scopes(scopes: str | None) -> tuple[str, ...]:
    if not scopes:
        return DEFAULT_SCOPES
    out = tuple(dict.fromkeys(s for s in scopes.replace(",", " ").split() if s))
    unknown = [s for s in out if s not in KNOWN_SCOPES]
    if unknown:
        raise FlowError(
            "missing-scopes", f"unknown scope(s): {', '.join(unknown)} (X's scopes: {', '.join(sorted(KNOWN_SCOPES))})"
        )
    return out


def check_redirect_uri(uri: str) -> str:
    parts = urlsplit(uri)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FlowError(
            "redirect-uri-mismatch",
            "the redirect URI must be an http(s) URL registered in the app's "
            "User authentication settings, e.g. http://127.0.0.1:8765/callback",
        )
    if parts.query or parts.fragment:
        raise FlowError("redirect-uri-mismatch", "the redirect URI must not carry a query or fragment")
    return uri


def start(
    client_id: str,
    redirect_uri: str,
    scopes: tuple[str, ...] = DEFAULT_SCOPES,
    *,
    api_base: str | None = None,
    state: str | None = None,
) -> PkceStart:
    """The authorize URL with a fresh state and a S256 PKCE challenge (oauthlib)."""
    from oauthlib.oauth2 import WebApplicationClient

    check_redirect_uri(redirect_uri)
    base = xhttp.resolve_api_base(api_base)
    oc = WebApplicationClient(client_id)
    verifier = oc.create_code_verifier(64)
    challenge = oc.create_code_challenge(verifier, "S256")
    st = state or secrets.token_urlsafe(24)
    # built here rather than by oauthlib's prepare_request_uri, which refuses http:// endpoints
    # (the sandbox on 127.0.0.1); the parameters are the ones FACTS.md section 2 lists
    query = urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "scope": " ".join(scopes),
            "state": st,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        },
        quote_via=quote,
    )
    url = f"{authorize_endpoint(base)}?{query}"
    return PkceStart(
        url=url, state=st, code_verifier=verifier, redirect_uri=redirect_uri, scopes=tuple(scopes), client_id=client_id
    )


def code_from_redirect(redirected: str, expected_state: str) -> str:
    """The redirected URL (pasted or caught by the loopback server) -> the authorization code."""
    text = (redirected or "").strip().strip("'\"")
    if "?" in text:
        query = text.split("?", 1)[1]
    elif "=" in text:
        query = text
    else:
        raise FlowError(
            "authorization-code-invalid",
            "that is not the redirected URL: paste the whole address "
            "of the page X sent your browser to (it contains ?state=...&code=...)",
        )
    query = query.split("#", 1)[0]
    params = {k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}
    if params.get("error"):
        err = params["error"]
        desc = params.get("error_description", "")
        if err == "access_denied":
            raise FlowError("unknown", "the authorization was cancelled on the consent page")
        raise FlowError("authorization-code-invalid", f"X sent back error {err!r} {scrub(desc)[:120]}".strip())
    if params.get("state") != expected_state:
        raise FlowError(
            "authorization-code-invalid",
            "the state in the redirected URL does not match this login "
            "(a URL from another attempt, or tampered): start the login again",
        )
    code = params.get("code")
    if not code:
        raise FlowError("authorization-code-invalid", "the redirected URL has no code")
    remember(code)
    return code


# ------------------------------------------------------------------------------ token endpoint

#: (error, phrase in error_description, diagnosis, message) - FACTS.md section 2
_TOKEN_FAILURES: tuple[tuple[str, str, str, str], ...] = (
    (
        "invalid_request",
        "redirect uri",
        "redirect-uri-mismatch",
        "the redirect URI does not match the one used to authorize (it must match exactly, and be registered)",
    ),
    (
        "invalid_request",
        "authorization code",
        "authorization-code-invalid",
        "the authorization code is invalid: it expires after 30 seconds and works once",
    ),
    (
        "invalid_request",
        "value passed for the token",
        "refresh-token-invalid",
        "the refresh token is invalid: it was used already (they rotate on every refresh) or revoked",
    ),
    (
        "unauthorized_client",
        "",
        "client-secret-rejected",
        "X rejected the client authentication: wrong Client Secret, or a secret sent for a public (Native) app",
    ),
    (
        "invalid_client",
        "",
        "invalid-client",
        "X does not know this Client ID (a consumer key or bearer pasted as Client ID?)",
    ),
)


def token_failure(response: httpx.Response, step: str) -> FlowError:
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and "error" in body:
        err = str(body.get("error", ""))
        desc = str(body.get("error_description", "")).lower()
        for e, phrase, diag, msg in _TOKEN_FAILURES:
            if err == e and phrase in desc:
                if diag == "authorization-code-invalid" and step == "refresh":
                    diag, msg = "refresh-token-invalid", _TOKEN_FAILURES[2][3]
                return FlowError(diag, f"{msg} (HTTP {response.status_code})", response.status_code)
        if err == "invalid_request" and step == "refresh":
            return FlowError(
                "refresh-token-invalid", f"{_TOKEN_FAILURES[2][3]} (HTTP {response.status_code})", response.status_code
            )
    from xkeys.core.explain import from_response

    exp = from_response(response.status_code, dict(response.headers), response.text[:4000])
    diag = exp.diagnosis if exp.diagnosis and exp.diagnosis != "unknown" else "unknown"
    title = exp.title if diag != "unknown" else f"X answered HTTP {response.status_code}"
    return FlowError(diag, f"{scrub(title)} (at {step})", response.status_code)


async def _token_call(
    client: httpx.AsyncClient, path: str, data: dict[str, str], client_id: str, client_secret: str | None
) -> httpx.Response:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if client_secret:
        headers["Authorization"] = xhttp.basic_auth_header(client_id, client_secret)
    try:
        return await xhttp.send(client, "POST", path, data=data, headers=headers, retries=0)
    except xhttp.TransportFailure as exc:
        raise FlowError(exc.diagnosis, str(exc)) from None


def _token_set(response: httpx.Response, requested: tuple[str, ...], now: float | None) -> TokenSet:
    try:
        body = xhttp.parse_json(response)
    except xhttp.TransportFailure as exc:
        raise FlowError(exc.diagnosis, str(exc), response.status_code) from None
    if not isinstance(body, dict) or not body.get("access_token"):
        raise FlowError("x-server-error", "the token answer has no access token", response.status_code)
    granted = tuple(str(body.get("scope") or "").split())
    expires_in = body.get("expires_in")
    exp = int(expires_in) if isinstance(expires_in, (int, float, str)) and str(expires_in).isdigit() else None
    ts = TokenSet(
        access_token=str(body["access_token"]),
        refresh_token=str(body["refresh_token"]) if body.get("refresh_token") else None,
        expires_in=exp,
        expires_at=int((now or time.time()) + exp) if exp else None,
        scopes=granted,
        token_type=str(body.get("token_type") or "bearer"),
        missing_scopes=tuple(s for s in requested if granted and s not in granted),
    )
    remember(ts.access_token, ts.refresh_token)
    return ts


async def exchange(
    start_info: PkceStart,
    code: str,
    *,
    client_secret: str | None = None,
    api_base: str | None = None,
    client: httpx.AsyncClient | None = None,
    timeout: float = xhttp.DEFAULT_TIMEOUT,
) -> TokenSet:
    """The authorization code -> access (+ refresh) token."""
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": start_info.redirect_uri,
        "code_verifier": start_info.code_verifier,
        "client_id": start_info.client_id,
    }
    async with _ClientScope(client, api_base, timeout) as c:
        resp = await _token_call(c, TOKEN_PATH, data, start_info.client_id, client_secret)
        if resp.status_code != 200:
            raise token_failure(resp, "exchange")
        return _token_set(resp, start_info.scopes, None)


async def refresh(
    client_id: str,
    refresh_token: str,
    *,
    client_secret: str | None = None,
    api_base: str | None = None,
    client: httpx.AsyncClient | None = None,
    timeout: float = xhttp.DEFAULT_TIMEOUT,
) -> TokenSet:
    """A new access token and a new refresh token (the old refresh token is dead from now on)."""
    remember(refresh_token)
    data = {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": client_id}
    async with _ClientScope(client, api_base, timeout) as c:
        resp = await _token_call(c, TOKEN_PATH, data, client_id, client_secret)
        if resp.status_code != 200:
            raise token_failure(resp, "refresh")
        return _token_set(resp, (), None)


async def revoke(
    client_id: str,
    token: str,
    *,
    token_type_hint: str = "access_token",
    client_secret: str | None = None,
    api_base: str | None = None,
    client: httpx.AsyncClient | None = None,
    timeout: float = xhttp.DEFAULT_TIMEOUT,
) -> bool:
    """Revoke a token; True when X confirms (`{"revoked": true}`)."""
    remember(token)
    data = {"token": token, "token_type_hint": token_type_hint, "client_id": client_id}
    async with _ClientScope(client, api_base, timeout) as c:
        resp = await _token_call(c, REVOKE_PATH, data, client_id, client_secret)
        if resp.status_code != 200:
            raise token_failure(resp, "revoke")
        try:
            body = resp.json()
        except ValueError:
            body = {}
        return bool(isinstance(body, dict) and body.get("revoked", True))


# ------------------------------------------------------------------------------ loopback server


def loopback_target(redirect_uri: str) -> tuple[str, int, str] | None:
    """(bind host, port, path) when the redirect URI points at this machine over http, else None
    (then the user pastes the redirected URL)."""
    parts = urlsplit(redirect_uri)
    if parts.scheme != "http" or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if host == "localhost":
        bind = "127.0.0.1"
    else:
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:
            return None
        if not ip.is_loopback:
            return None
        bind = str(ip)
    port = parts.port or 80
    return bind, port, parts.path or "/"


_DONE_PAGE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>xkeys</title></head><body>"
    "<h1>{title}</h1><p>{text}</p></body></html>"
)


class LoopbackServer:
    """A one-shot HTTP server on 127.0.0.1 that catches the redirect from the consent page."""

    def __init__(self, redirect_uri: str) -> None:
        target = loopback_target(redirect_uri)
        if target is None:
            raise FlowError(
                "redirect-uri-mismatch",
                "the redirect URI is not an http://127.0.0.1 / localhost "
                "address, so xkeys cannot catch it here: paste the redirected URL instead",
            )
        self.host, self.port, self.path = target
        self.redirect_uri = redirect_uri
        self._server: asyncio.AbstractServer | None = None
        self._result: asyncio.Future[str] | None = None

    async def __aenter__(self) -> LoopbackServer:
        loop = asyncio.get_running_loop()
        self._result = loop.create_future()
        localhost = (urlsplit(self.redirect_uri).hostname or "").lower() == "localhost"
        try:
            if localhost:  # browsers may try ::1 first for "localhost": listen there too when possible
                try:
                    self._server = await asyncio.start_server(self._handle, ["127.0.0.1", "::1"], self.port)
                except OSError:
                    self._server = await asyncio.start_server(self._handle, self.host, self.port)
            else:
                self._server = await asyncio.start_server(self._handle, self.host, self.port)
        except OSError as exc:
            raise FlowError(
                "redirect-uri-mismatch",
                f"cannot listen on {self.host}:{self.port} for the redirect "
                f"({exc.strerror or type(exc).__name__}); free the port or use --no-browser",
            ) from None
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)

    async def wait(self, timeout: float = 300.0) -> str:
        """The full redirected URL (path + query) once the browser arrives."""
        assert self._result is not None
        try:
            return await asyncio.wait_for(asyncio.shield(self._result), timeout)
        except asyncio.TimeoutError:
            raise FlowError(
                "redirect-uri-mismatch",
                f"no redirect reached {self.redirect_uri} within {int(timeout)} s "
                "(is this the redirect URI registered for the app? on a headless machine use "
                "--no-browser and paste the URL)",
            ) from None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            line = await asyncio.wait_for(reader.readline(), 10)
            while True:  # drain headers
                h = await asyncio.wait_for(reader.readline(), 10)
                if h in (b"\r\n", b"\n", b""):
                    break
            parts = line.decode("latin-1").split()
            target = parts[1] if len(parts) >= 2 else "/"
            path = target.split("?", 1)[0]
            if parts[:1] != ["GET"] or path != self.path:
                await self._reply(writer, 404, "Not found", "This is xkeys waiting for the X login redirect.")
                return
            query = target.split("?", 1)[1] if "?" in target else ""
            params = parse_qs(query)
            if "code" in params or "error" in params:
                ok = "code" in params
                await self._reply(
                    writer,
                    200,
                    "Done - you can close this tab" if ok else "Authorization not given",
                    "xkeys received the answer from X; return to your terminal.",
                )
                if self._result is not None and not self._result.done():
                    self._result.set_result(self.redirect_uri.split("?", 1)[0] + "?" + query)
            else:
                await self._reply(writer, 400, "No code", "This address expects ?code=...&state=... from X.")
        except (asyncio.TimeoutError, ConnectionError, OSError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    @staticmethod
    async def _reply(writer: asyncio.StreamWriter, status: int, title: str, text: str) -> None:
        body = _DONE_PAGE.format(title=html.escape(title), text=html.escape(text)).encode()
        reason = {200: "OK", 400: "Bad Request", 404: "Not Found"}.get(status, "OK")
        writer.write(
            f"HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
            + body
        )
        with contextlib.suppress(Exception):
            await writer.drain()


def token_values(ts: TokenSet) -> dict[str, Any]:
    """Non-secret facts of a token set, for the profile's metadata."""
    return {"scopes": list(ts.scopes), "oauth2_expires_at": ts.expires_at, "missing_scopes": list(ts.missing_scopes)}


async def fetch_username(
    access_token: str,
    *,
    api_base: str | None = None,
    client: httpx.AsyncClient | None = None,
    timeout: float = xhttp.DEFAULT_TIMEOUT,
) -> tuple[str | None, str | None]:
    """(user id, username) of a user token via GET /2/users/me; (None, None) when it fails."""
    async with _ClientScope(client, api_base, timeout) as c:
        try:
            resp = await xhttp.send(c, "GET", "/2/users/me", headers={"Authorization": f"Bearer {access_token}"})
            data = resp.json() if resp.status_code == 200 else {}
        except (xhttp.TransportFailure, ValueError):
            return None, None
    user = data.get("data") if isinstance(data, dict) else None
    if not isinstance(user, dict):
        return None, None
    return (str(user["id"]) if user.get("id") else None, str(user["username"]) if user.get("username") else None)


def store_tokens(
    store: Any,
    profile_name: str,
    client_id: str,
    client_secret: str | None,
    redirect_uri: str | None,
    ts: TokenSet,
    *,
    reason: str,
    user: tuple[str | None, str | None] = (None, None),
) -> Any:
    """Save OAuth 2.0 tokens into a profile (created if missing) as a new generation.

    Called right after a token answer - for a refresh, before anything else - because the old
    refresh token is already dead (FACTS.md section 2: refresh tokens rotate)."""
    from xkeys.core.kinds import Kind
    from xkeys.core.store import Profile, infer_auth_path

    prof = store.load(profile_name) if store.exists(profile_name) else Profile(name=profile_name)
    prof.values[Kind.CLIENT_ID] = client_id
    if client_secret:
        prof.values[Kind.CLIENT_SECRET] = client_secret
    prof.values[Kind.OAUTH2_ACCESS_TOKEN] = ts.access_token
    if ts.refresh_token:
        prof.values[Kind.OAUTH2_REFRESH_TOKEN] = ts.refresh_token
    elif reason.startswith("login"):
        prof.values.pop(Kind.OAUTH2_REFRESH_TOKEN, None)  # a new login without offline.access
    if redirect_uri:
        prof.callback_url = redirect_uri
    prof.extra.update(token_values(ts))
    uid, uname = user
    if uid:
        prof.extra["oauth2_user_id"] = uid
    if uname:
        prof.extra["username"] = uname
    prof.auth_path = infer_auth_path(prof.values)
    return store.save(prof, reason=reason)
