"""OAuth 1.0a PIN (out-of-band) flow: request token, authorize URL, PIN -> perpetual tokens.

Protocol (shared/FACTS.md section 2, "OAuth 1.0a PIN (out-of-band) flow"):
1. ``POST /oauth/request_token`` signed with the consumer pair, ``oauth_callback=oob`` in the
   form body -> form ``oauth_token, oauth_token_secret, oauth_callback_confirmed=true``.
2. the user opens ``<api base>/oauth/authorize?oauth_token=...``, approves, sees a PIN.
3. ``POST /oauth/access_token`` signed with the consumer pair + request token, ``oauth_verifier``
   in the body -> form ``oauth_token, oauth_token_secret, user_id, screen_name``; never expire.

Failures map to diagnoses: 415 callback-not-approved, 417 oob-required, "Invalid
oauth_verifier" invalid-pin, 32 signature-rejected; anything else goes through
`xkeys.core.explain.from_response`. Signing is oauthlib's (via `xkeys.core.http.OAuth1Auth`),
HTTP is the shared httpx client with explicit timeouts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

import httpx

from xkeys.core import http as xhttp
from xkeys.core.redact import remember, scrub

REQUEST_TOKEN_PATH = "/oauth/request_token"
AUTHORIZE_PATH = "/oauth/authorize"
ACCESS_TOKEN_PATH = "/oauth/access_token"


class FlowError(Exception):
    """A login/token step failed. `diagnosis` is a catalog id (knowledge.py); the message is
    one sentence without secrets; `status` the HTTP status when X answered."""

    def __init__(
        self, diagnosis: str, message: str, status: int | None = None, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.diagnosis = diagnosis
        self.message = message
        self.status = status
        self.details = details or {}

    def to_dict(self) -> dict[str, Any]:
        return {"diagnosis": self.diagnosis, "message": self.message, "status": self.status}


@dataclass
class RequestToken:
    token: str = field(repr=False)
    secret: str = field(repr=False)
    authorize_url: str = field(repr=False)
    callback_confirmed: bool = False


@dataclass
class AccessTokens:
    access_token: str = field(repr=False)
    access_token_secret: str = field(repr=False)
    user_id: str | None = None
    screen_name: str | None = None


#: (pattern in the body, diagnosis, what to tell the user) - FACTS.md section 2 PIN flow failures
_FAILURES: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (
        re.compile(r'"code"\s*:\s*415\b|callback url not approved', re.I),
        "callback-not-approved",
        "X refused the callback: the app sent a callback URL that is not registered for it",
    ),
    (
        re.compile(r'"code"\s*:\s*417\b|only support the oauth_callback value', re.I),
        "oob-required",
        "X requires the out-of-band callback ('oob') for this app",
    ),
    (
        re.compile(r"invalid oauth_verifier|oauth_verifier.*invalid", re.I),
        "invalid-pin",
        "X rejected the PIN: it is wrong, was already used, or expired - start the login again",
    ),
    (
        re.compile(r'"code"\s*:\s*32\b|could not authenticate you|api_error_code=32', re.I),
        "signature-rejected",
        "X could not verify the request signature: the consumer key/secret pair is wrong or mismatched",
    ),
)


def failure_from_response(response: httpx.Response, step: str) -> FlowError:
    body = response.text[:4000]
    hay = body + " " + response.headers.get("www-authenticate", "")
    for pattern, diag, message in _FAILURES:
        if pattern.search(hay):
            return FlowError(diag, f"{message} (HTTP {response.status_code} at {step})", response.status_code)
    if step == "access_token" and response.status_code == 401 and "verifier" in body.lower():
        return FlowError("invalid-pin", "X rejected the PIN (HTTP 401)", 401)
    from xkeys.core.explain import from_response

    exp = from_response(response.status_code, dict(response.headers), body)
    diag = exp.diagnosis if exp.diagnosis and exp.diagnosis != "unknown" else "unknown"
    title = exp.title if diag != "unknown" else f"X answered HTTP {response.status_code}"
    return FlowError(diag, f"{scrub(title)} (at {step})", response.status_code)


def authorize_url(api_base: str, token: str) -> str:
    return f"{api_base.rstrip('/')}{AUTHORIZE_PATH}?{urlencode({'oauth_token': token})}"


def _form(response: httpx.Response) -> dict[str, str]:
    return dict(parse_qsl(response.text.strip(), keep_blank_values=True))


async def _post(client: httpx.AsyncClient, path: str, auth: httpx.Auth, data: dict[str, str]) -> httpx.Response:
    try:
        return await xhttp.send(client, "POST", path, data=data, auth=auth, headers={"Accept": "*/*"}, retries=0)
    except xhttp.TransportFailure as exc:
        raise FlowError(exc.diagnosis, str(exc)) from None
    except xhttp.SigningError as exc:
        raise FlowError("bad-auth-header", str(exc)) from None


class _ClientScope:
    """Use the caller's client, or make one (closed on exit)."""

    def __init__(self, client: httpx.AsyncClient | None, api_base: str | None, timeout: float) -> None:
        self._given = client
        self._api_base = api_base
        self._timeout = timeout
        self._own: httpx.AsyncClient | None = None

    async def __aenter__(self) -> httpx.AsyncClient:
        if self._given is not None:
            return self._given
        self._own = xhttp.create_client(self._api_base, self._timeout)
        return self._own

    async def __aexit__(self, *exc: object) -> None:
        if self._own is not None:
            await self._own.aclose()


async def request_token(
    consumer_key: str,
    consumer_secret: str,
    *,
    api_base: str | None = None,
    client: httpx.AsyncClient | None = None,
    timeout: float = xhttp.DEFAULT_TIMEOUT,
    callback: str = "oob",
) -> RequestToken:
    """Step 1: a request token for the out-of-band (PIN) flow."""
    remember(consumer_secret)
    async with _ClientScope(client, api_base, timeout) as c:
        auth = xhttp.OAuth1Auth(consumer_key, consumer_secret)
        resp = await _post(c, REQUEST_TOKEN_PATH, auth, {"oauth_callback": callback})
        if resp.status_code != 200:
            raise failure_from_response(resp, "request_token")
        form = _form(resp)
        token, secret = form.get("oauth_token"), form.get("oauth_token_secret")
        if not token or not secret:
            raise FlowError("x-server-error", "X answered the request-token call without a token", resp.status_code)
        remember(secret)
        base = str(c.base_url).rstrip("/")
        return RequestToken(
            token=token,
            secret=secret,
            authorize_url=authorize_url(base, token),
            callback_confirmed=form.get("oauth_callback_confirmed") == "true",
        )


def clean_pin(pin: str) -> str:
    """The PIN as typed -> digits only; a non-number is refused before asking X."""
    digits = re.sub(r"[\s\-]", "", pin or "")
    if not digits.isdigit() or not 4 <= len(digits) <= 12:
        raise FlowError("invalid-pin", "a PIN is the number X shows after you authorize the app (7 digits)")
    return digits


async def exchange_pin(
    consumer_key: str,
    consumer_secret: str,
    req: RequestToken,
    pin: str,
    *,
    api_base: str | None = None,
    client: httpx.AsyncClient | None = None,
    timeout: float = xhttp.DEFAULT_TIMEOUT,
) -> AccessTokens:
    """Step 3: the PIN -> the user's access token and secret (they never expire)."""
    verifier = clean_pin(pin)
    async with _ClientScope(client, api_base, timeout) as c:
        auth = xhttp.OAuth1Auth(consumer_key, consumer_secret, req.token, req.secret)
        resp = await _post(c, ACCESS_TOKEN_PATH, auth, {"oauth_verifier": verifier})
        if resp.status_code != 200:
            raise failure_from_response(resp, "access_token")
        form = _form(resp)
        tok, sec = form.get("oauth_token"), form.get("oauth_token_secret")
        if not tok or not sec:
            raise FlowError("x-server-error", "X answered the access-token call without tokens", resp.status_code)
        remember(tok, sec)
        return AccessTokens(
            access_token=tok, access_token_secret=sec, user_id=form.get("user_id"), screen_name=form.get("screen_name")
        )


def store_tokens(store: Any, profile_name: str, consumer_key: str, consumer_secret: str, tokens: AccessTokens) -> Any:
    """Save a PIN login's result into a profile (created if missing) as a new generation."""
    from xkeys.core.kinds import Kind
    from xkeys.core.store import Profile, infer_auth_path

    if store.exists(profile_name):
        prof = store.load(profile_name)
    else:
        prof = Profile(name=profile_name)
    for kind, value in (
        (Kind.CONSUMER_KEY, consumer_key),
        (Kind.CONSUMER_SECRET, consumer_secret),
        (Kind.ACCESS_TOKEN, tokens.access_token),
        (Kind.ACCESS_TOKEN_SECRET, tokens.access_token_secret),
    ):
        prof.values[kind] = value
    if tokens.screen_name:
        prof.extra["screen_name"] = tokens.screen_name
    if tokens.user_id:
        prof.extra["user_id"] = tokens.user_id
    prof.auth_path = infer_auth_path(prof.values)
    return store.save(prof, reason="login pin")
