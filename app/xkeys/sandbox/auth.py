"""Who is calling: OAuth 1.0a (HMAC-SHA1 verified), an app-only bearer or an OAuth 2.0 user token."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from xkeys.sandbox import errors as E
from xkeys.sandbox import oauth1
from xkeys.sandbox.state import TIMESTAMP_WINDOW, OAuth1Token, SandboxState, bucket_of
from xkeys.sandbox.wire import read_form, safe_eq, signed_uri


@dataclass
class Identity:
    kind: str  # "oauth1" | "oauth2" | "app"
    bucket: str  # rate-limit bucket (a hash, never the token)
    user_id: str | None = None
    access_level: str = "read"
    scopes: tuple[str, ...] = ()
    token: str = ""  # the credential (kept in memory only)


#: OAuth 1.0a app permission levels, lowest first (FACTS.md section 2, `x-access-level`)
LEVELS = {"read": 0, "read-write": 1, "read-write-directmessages": 2}
TokenLookup = Callable[[str], "tuple[str | None, Any] | Response"]


async def verify_oauth1(
    st: SandboxState,
    request: Request,
    *,
    v2: bool,
    lookup: TokenLookup,
    form: Sequence[tuple[str, str]] | None = None,
) -> tuple[oauth1.SignedRequest, Any] | Response:
    """Verify an OAuth 1.0a request; returns (signed request, token record) or X's error.

    Order as X answers: unreadable header 215, unknown consumer key 32, suspended app 416,
    timestamp outside +-5 min 135, unknown/revoked token (per `lookup`), bad signature 32,
    replayed nonce 32.
    """
    if form is None:
        form = await read_form(request)
    try:
        sr = oauth1.read(
            request.headers.get("authorization", ""),
            uri=signed_uri(request),
            method=request.method,
            query=request.scope.get("query_string", b"").decode("latin-1"),
            form=form,
        )
    except oauth1.MalformedHeader:
        return E.coded(215, v2=v2)
    if not safe_eq(sr.consumer_key, st.consumer_key):
        return E.coded(32, v2=v2)
    if st.scenario.suspended:
        return E.coded(416, v2=v2)
    ts = float(sr.oauth["oauth_timestamp"])
    if abs(st.now() - ts) > TIMESTAMP_WINDOW:
        return E.coded(135, v2=v2)
    found = lookup(sr.token)
    if isinstance(found, Response):
        return found
    token_secret, record = found
    if not sr.verify(st.consumer_secret, token_secret):
        return E.coded(32, v2=v2)
    if st.nonce_seen(sr.consumer_key, sr.token, sr.oauth["oauth_nonce"], ts):
        return E.coded(32, v2=v2)
    return sr, record


def access_token_lookup(st: SandboxState, v2: bool) -> TokenLookup:
    def lookup(token: str) -> tuple[str | None, Any] | Response:
        rec = st.oauth1_tokens.get(token) if token else None
        if rec is None or rec.revoked:
            return E.coded(89, v2=v2)
        return rec.secret, rec

    return lookup


async def authenticate(
    st: SandboxState, request: Request, *, v2: bool, form: Sequence[tuple[str, str]]
) -> Identity | Response:
    """The caller's identity, or X's answer for bad credentials (215, 401 32/89/135, 416)."""
    auth = request.headers.get("authorization", "").strip()
    if not auth:
        return E.blank(401) if v2 else E.coded(215, v2=False)
    scheme, _, rest = auth.partition(" ")
    scheme = scheme.lower()
    if scheme == "oauth":
        got = await verify_oauth1(st, request, v2=v2, lookup=access_token_lookup(st, v2), form=form)
        if isinstance(got, Response):
            return got
        _, rec = got
        assert isinstance(rec, OAuth1Token)
        return Identity("oauth1", "o1:" + bucket_of(rec.token), rec.user_id, rec.access_level, token=rec.token)
    if scheme == "bearer":
        tok = rest.strip()
        if not tok or " " in tok:
            return E.coded(215, v2=v2)
        o2 = st.o2_tokens.get(tok)
        if o2 is not None and o2.kind == "at":
            if o2.revoked or (o2.expires is not None and st.now() >= o2.expires):
                return E.blank(401) if v2 else E.coded(89, v2=False)
            ident = Identity("oauth2", "o2:" + bucket_of(tok), o2.user_id, st.access_level, o2.scopes, tok)
        elif st.app_bearers.get(tok):
            ident = Identity("app", "app:" + bucket_of(tok), token=tok)
        elif tok.startswith("A" * 21) or tok in st.app_bearers:
            return E.coded(89, v2=v2)  # an app bearer that is invalidated, stale or mistyped
        else:
            return E.blank(401) if v2 else E.coded(89, v2=False)
        return E.coded(416, v2=v2) if st.scenario.suspended else ident
    return E.coded(215, v2=v2)
