"""The OAuth endpoints: app-only bearer (client_credentials), the OAuth 1.0a PIN flow and the
OAuth 2.0 Authorization Code + PKCE flow (shared/FACTS.md section 2)."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, unquote, urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from xkeys.sandbox import errors as E
from xkeys.sandbox import pages
from xkeys.sandbox.auth import LEVELS, access_token_lookup, verify_oauth1
from xkeys.sandbox.creds import ALNUM, bearer_for
from xkeys.sandbox.creds import oauth2_token as mint_oauth2_token
from xkeys.sandbox.state import (
    APP_NAME,
    CODE_LIFETIME,
    REQUEST_TOKEN_LIFETIME,
    AuthCode,
    OAuth1Token,
    RequestToken,
    SandboxState,
)
from xkeys.sandbox.wire import basic_credentials, read_form, read_params, safe_eq, state_of, with_query

#: OAuth 2.0 scopes X knows (FACTS.md section 2)
KNOWN_SCOPES = frozenset(
    "tweet.read tweet.write tweet.moderate.write users.read users.email follows.read follows.write "
    "offline.access space.read mute.read mute.write like.read like.write list.read list.write "
    "block.read block.write bookmark.read bookmark.write dm.read dm.write media.write "
    "timeline.read".split()
)


# =============================================================================== app-only bearer
async def oauth2_token(request: Request) -> Response:
    """POST /oauth2/token: client_credentials with the consumer pair in HTTP Basic."""
    st = state_of(request)
    params = dict(request.query_params)
    params.update(dict(await read_form(request)))
    basic = basic_credentials(request)
    if basic is not None and basic[0] == st.consumer_key and st.scenario.suspended:
        return E.coded(416, v2=False)
    if basic is None or not safe_eq(basic[0], st.consumer_key) or not safe_eq(basic[1], st.consumer_secret):
        return E.coded(99, v2=False)
    if params.get("grant_type") != "client_credentials":
        return E.coded(170, v2=False)
    valid = [b for b, ok in st.app_bearers.items() if ok]
    if not valid:
        st.bearer_generation += 1
        fresh = bearer_for(st.consumer_key, st.consumer_secret, st.bearer_generation)
        st.app_bearers[fresh] = True
        valid = [fresh]
    return E.json_answer({"token_type": "bearer", "access_token": valid[0]}, content_type=E.V11_JSON)


async def oauth2_invalidate(request: Request) -> Response:
    """POST /oauth2/invalidate_token: consumer pair in Basic (or signed), `access_token` param."""
    st = state_of(request)
    form = await read_form(request)
    params = dict(request.query_params)
    params.update(dict(form))
    basic = basic_credentials(request)
    if basic is not None:
        if st.scenario.suspended and basic[0] == st.consumer_key:
            return E.coded(416, v2=False)
        if not (safe_eq(basic[0], st.consumer_key) and safe_eq(basic[1], st.consumer_secret)):
            return E.coded(99, v2=False)
    else:
        got = await verify_oauth1(st, request, v2=False, lookup=access_token_lookup(st, False), form=form)
        if isinstance(got, Response):
            return got
    raw = params.get("access_token", "")
    if not raw:
        return E.json_answer(
            {"errors": [{"code": 170, "message": "Missing required parameter: access_token"}]}, 403, E.V11_JSON
        )
    # the bearer as issued (URL-encoded), whether the client sent it encoded or decoded
    key = next((c for c in (raw, quote(unquote(raw), safe="")) if st.app_bearers.get(c)), None)
    if key is None:
        return E.coded(348, v2=False)
    st.app_bearers[key] = False
    return E.json_answer({"access_token": key}, content_type=E.V11_JSON)


# =============================================================================== OAuth 1.0a PIN flow
def _oauth1_plain_error(text: str) -> Response:
    return E.plain(text, 401, {"www-authenticate": E.WWW_AUTH})


_ASKABLE = {"read": "read", "write": "read-write"}


async def request_token(request: Request) -> Response:
    st = state_of(request)
    got = await verify_oauth1(st, request, v2=False, lookup=lambda token: (None, None))
    if isinstance(got, Response):
        return got
    sr, _ = got
    callback = sr.oauth.get("oauth_callback", "oob")
    if callback != "oob" and callback not in st.redirect_uris:
        return E.coded(415, v2=False)
    # x_auth_access_type lets the app ask for less than its permission level, never more
    asked = dict(sr.params).get("x_auth_access_type", "").lower()
    level = st.access_level
    if asked in _ASKABLE and LEVELS[_ASKABLE[asked]] < LEVELS[level]:
        level = _ASKABLE[asked]
    rt = RequestToken(st.token(ALNUM, 27), st.token(ALNUM, 32), callback, st.now(), level)
    st.request_tokens[rt.token] = rt
    return E.plain(
        urlencode({"oauth_token": rt.token, "oauth_token_secret": rt.secret, "oauth_callback_confirmed": "true"}), 200
    )


def _live_request_token(st: SandboxState, token: str | None) -> RequestToken | None:
    rt = st.request_tokens.get(token or "")
    if rt is None or rt.used or rt.denied or st.now() - rt.created > REQUEST_TOKEN_LIFETIME:
        return None
    return rt


async def authorize_page(request: Request) -> Response:
    st = state_of(request)
    rt = _live_request_token(st, request.query_params.get("oauth_token"))
    if rt is None or rt.verifier is not None:
        return E.raw(pages.invalid_token_page(), 403, E.HTML)
    return E.raw(pages.oauth1_consent(APP_NAME, st.me.username, rt.token, request.url.path), 200, E.HTML)


async def authorize_submit(request: Request) -> Response:
    st = state_of(request)
    fields = dict(await read_form(request))
    rt = _live_request_token(st, fields.get("oauth_token"))
    if rt is None or rt.verifier is not None:
        return E.raw(pages.invalid_token_page(), 403, E.HTML)
    if fields.get("action") != "approve":
        rt.denied = True
        if rt.callback == "oob":
            return E.raw(pages.denied_page(APP_NAME), 200, E.HTML)
        return RedirectResponse(with_query(rt.callback, {"denied": rt.token}), 302)
    rt.verifier = str(st.rng.randrange(10**6, 10**7))
    if rt.callback == "oob":
        return E.raw(pages.pin_page(APP_NAME, rt.verifier), 200, E.HTML)
    return RedirectResponse(with_query(rt.callback, {"oauth_token": rt.token, "oauth_verifier": rt.verifier}), 302)


async def access_token(request: Request) -> Response:
    st = state_of(request)
    state: dict[str, RequestToken] = {}

    def lookup(token: str) -> tuple[str | None, Any] | Response:
        rt = st.request_tokens.get(token)
        if rt is None:
            return _oauth1_plain_error("Invalid request token.")
        state["rt"] = rt
        return rt.secret, rt

    got = await verify_oauth1(st, request, v2=False, lookup=lookup)
    if isinstance(got, Response):
        return got
    sr, _ = got
    rt = state["rt"]
    verifier = sr.oauth.get("oauth_verifier", "")
    live = _live_request_token(st, rt.token)
    if live is None or rt.verifier is None or not safe_eq(verifier, rt.verifier):
        if live is not None and rt.verifier is not None:
            rt.used = True  # a wrong PIN burns the request token, as X does
        return _oauth1_plain_error(E.INVALID_VERIFIER)
    rt.used = True
    me = st.me
    tok = OAuth1Token(f"{me.id}-{st.token(ALNUM, 30)}", st.token(ALNUM, 45), me.id, rt.access_level)
    st.oauth1_tokens[tok.token] = tok
    return E.plain(
        urlencode(
            {"oauth_token": tok.token, "oauth_token_secret": tok.secret, "user_id": me.id, "screen_name": me.username}
        ),
        200,
    )


# =============================================================================== OAuth 2.0 PKCE
_AUTHZ_FIELDS = (
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
)


def _check_authorize(st: SandboxState, p: Mapping[str, str]) -> tuple[list[str], str] | str:
    """Validate an authorize request: (scopes, method) or the reason for X's error page."""
    if p.get("client_id") != st.client.client_id:
        return "unknown client_id"
    if p.get("redirect_uri") not in st.client.redirect_uris:
        return "redirect_uri does not match a registered callback exactly"
    if p.get("response_type") != "code":
        return "response_type must be code"
    scopes = [s for s in p.get("scope", "").split(" ") if s]
    if not scopes or any(s not in KNOWN_SCOPES for s in scopes):
        return "missing or unknown scope"
    state = p.get("state", "")
    if not state or len(state) > 500:
        return "state is required (up to 500 characters)"
    if not p.get("code_challenge"):
        return "code_challenge is required"
    method = (p.get("code_challenge_method") or "plain").upper()
    if method not in ("S256", "PLAIN"):
        return "code_challenge_method must be S256 or plain"
    return scopes, "S256" if method == "S256" else "plain"


async def o2_authorize_page(request: Request) -> Response:
    st = state_of(request)
    p = {k: request.query_params.get(k, "") for k in _AUTHZ_FIELDS}
    checked = _check_authorize(st, p)
    if isinstance(checked, str):
        return E.raw(pages.oauth2_error_page(checked), 400, E.HTML)
    scopes, _ = checked
    return E.raw(pages.oauth2_consent(APP_NAME, st.me.username, scopes, p, request.url.path), 200, E.HTML)


async def o2_authorize_submit(request: Request) -> Response:
    st = state_of(request)
    form = dict(await read_form(request))
    p = {k: form.get(k, "") for k in _AUTHZ_FIELDS}
    checked = _check_authorize(st, p)
    if isinstance(checked, str):
        return E.raw(pages.oauth2_error_page(checked), 400, E.HTML)
    scopes, method = checked
    if form.get("action") != "approve":
        return RedirectResponse(with_query(p["redirect_uri"], {"error": "access_denied", "state": p["state"]}), 302)
    code = mint_oauth2_token(st.rng, st.now_ms(), "ac")
    st.codes[code] = AuthCode(
        code, p["client_id"], p["redirect_uri"], tuple(scopes), p["code_challenge"], method, st.now(), st.me.id
    )
    return RedirectResponse(with_query(p["redirect_uri"], {"state": p["state"], "code": code}), 302)


def _client_auth(st: SandboxState, request: Request, params: Mapping[str, str]) -> Response | None:
    basic = basic_credentials(request)
    auth = request.headers.get("authorization", "").strip()
    if auth and basic is None:
        return E.oauth2_error(401, "unauthorized_client", E.MISSING_AUTH)
    cid = basic[0] if basic else params.get("client_id", "")
    if not cid:
        return E.oauth2_error(400, "invalid_request", "Missing required parameter [client_id].")
    if cid != st.client.client_id or (basic and params.get("client_id") not in (None, "", cid)):
        return E.oauth2_error(401, "invalid_client", "Client authentication failed.")
    secret = basic[1] if basic else params.get("client_secret")
    if st.client.secret is None:
        # a public (Native App) client has no secret; sending one is refused like a wrong one
        if secret:
            return E.oauth2_error(401, "unauthorized_client", E.MISSING_AUTH)
    elif not safe_eq(secret, st.client.secret):
        return E.oauth2_error(401, "unauthorized_client", E.MISSING_AUTH)
    return None


def _s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")


def _token_answer(st: SandboxState, client_id: str, user_id: str, scopes: tuple[str, ...]) -> Response:
    at = st.new_o2_token("at", client_id, user_id, scopes)
    body: dict[str, Any] = {
        "token_type": "bearer",
        "expires_in": 7200,
        "access_token": at.token,
        "scope": " ".join(scopes),
    }
    if "offline.access" in scopes:
        body["refresh_token"] = st.new_o2_token("rt", client_id, user_id, scopes).token
    return E.json_answer(body, headers={"cache-control": "no-store", "pragma": "no-cache"})


async def o2_token(request: Request) -> Response:
    st = state_of(request)
    params = await read_params(request)
    bad = _client_auth(st, request, params)
    if bad is not None:
        return bad
    grant = params.get("grant_type", "")
    cid = st.client.client_id
    if grant == "authorization_code":
        for name in ("code", "redirect_uri", "code_verifier"):
            if not params.get(name):
                return E.oauth2_error(400, "invalid_request", f"Missing required parameter [{name}].")
        ac = st.codes.get(params["code"])
        if ac is None or ac.used or ac.client_id != cid or st.now() - ac.issued > CODE_LIFETIME:
            return E.oauth2_error(400, "invalid_request", E.BAD_CODE)
        ac.used = True
        if params["redirect_uri"] != ac.redirect_uri:
            return E.oauth2_error(400, "invalid_request", E.BAD_REDIRECT)
        verifier = params["code_verifier"]
        expected = _s256(verifier) if ac.method == "S256" else verifier
        if not safe_eq(expected, ac.challenge):
            return E.oauth2_error(400, "invalid_request", E.BAD_VERIFIER)
        return _token_answer(st, cid, ac.user_id, ac.scopes)
    if grant == "refresh_token":
        value = params.get("refresh_token", "")
        rt = st.o2_tokens.get(value)
        if not value or rt is None or rt.kind != "rt" or rt.revoked or rt.client_id != cid:
            return E.oauth2_error(400, "invalid_request", E.BAD_TOKEN)
        rt.revoked = True  # single use: rotates on every refresh
        return _token_answer(st, cid, rt.user_id, rt.scopes)
    if not grant:
        return E.oauth2_error(400, "invalid_request", "Missing required parameter [grant_type].")
    return E.oauth2_error(400, "unsupported_grant_type", f"Grant type {grant} is not supported.")


async def o2_revoke(request: Request) -> Response:
    st = state_of(request)
    params = await read_params(request)
    bad = _client_auth(st, request, params)
    if bad is not None:
        return bad
    value = params.get("token", "")
    if not value:
        return E.oauth2_error(400, "invalid_request", "Missing required parameter [token].")
    tok = st.o2_tokens.get(value)
    if tok is not None and tok.client_id == st.client.client_id:
        tok.revoked = True
    return E.json_answer({"revoked": True})
