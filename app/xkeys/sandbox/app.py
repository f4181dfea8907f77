"""The sandbox's Starlette app: X's endpoints (shared/FACTS.md section 2), faithfully on the wire.

Request path: `SandboxApp.__call__` (latency, seeded faults, `date` / `x-transaction-id`
headers) -> Starlette -> `_BugCatcher` (a sandbox bug becomes a loud log and a 599, never an
accidental 500) -> the route. API routes go through `_guard`: authentication (OAuth 1.0a,
app-only bearer, OAuth 2.0 user token) -> scenario policy (enrolment, credits, plan) ->
authentication type, permission level, scopes -> rate limit -> usage cap -> handler.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import random
import re
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from email.utils import formatdate
from typing import Any
from urllib.parse import unquote, urlencode

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from starlette.types import Message, Receive, Scope, Send

from xkeys.sandbox import errors as E
from xkeys.sandbox import flows, oauth1
from xkeys.sandbox.creds import ALNUM, bearer_for, oauth2_token as mint_oauth2_token
from xkeys.sandbox.scenarios import get_scenario
from xkeys.sandbox.state import (
    APP_NAME,
    CODE_LIFETIME,
    REQUEST_TOKEN_LIFETIME,
    AuthCode,
    TIMESTAMP_WINDOW,
    Counter,
    OAuth1Token,
    RequestToken,
    SandboxState,
    Tweet,
    User,
    bucket_of,
)

log = logging.getLogger("xkeys.sandbox")

#: OAuth 1.0a app permission levels, lowest first (FACTS.md section 2, `x-access-level`)
LEVELS = {"read": 0, "read-write": 1, "read-write-directmessages": 2}
#: OAuth 2.0 scopes X knows (FACTS.md section 2)
KNOWN_SCOPES = frozenset(
    "tweet.read tweet.write tweet.moderate.write users.read users.email follows.read follows.write "
    "offline.access space.read mute.read mute.write like.read like.write list.read list.write "
    "block.read block.write bookmark.read bookmark.write dm.read dm.write media.write "
    "timeline.read".split()
)
USERNAME_RE = re.compile(r"^[A-Za-z0-9_]{1,15}$")
MAX_BODY = 1 << 20


# =============================================================================== endpoint table
@dataclass(frozen=True)
class Endpoint:
    name: str
    v2: bool
    auth: str                          # "user" | "app" | "any"
    limit_user: int | None = None      # per 15 min (FACTS.md "Recorded per-15-min limits")
    limit_app: int | None = None
    level: str = "read"                # OAuth 1.0a level needed
    scopes: tuple[str, ...] = ()       # OAuth 2.0 scopes needed; () = OAuth 2.0 not accepted
    in_small_plan: bool = True         # endpoint-not-in-plan: False -> 403 code 453
    reads_tweets: bool = False         # counts against the monthly cap


_READ = ("tweet.read", "users.read")
_WRITE = ("tweet.read", "tweet.write", "users.read")
ENDPOINTS: dict[str, Endpoint] = {e.name: e for e in (
    Endpoint("users_me", True, "user", limit_user=75, scopes=_READ),
    # user lookup: 300 app (recorded); 900 per user is X's documented user-context figure
    Endpoint("user_by_username", True, "any", limit_user=900, limit_app=300, scopes=_READ,
             in_small_plan=False),
    # search: 450 app (recorded); 180 per user is X's documented user-context figure
    Endpoint("search_recent", True, "any", limit_user=180, limit_app=450, scopes=_READ,
             in_small_plan=False, reads_tweets=True),
    Endpoint("create_tweet", True, "user", limit_user=200, level="read-write", scopes=_WRITE),
    Endpoint("delete_tweet", True, "user", limit_user=50, level="read-write", scopes=_WRITE),
    # DM send: not in the recordings; 200 per 15 min is an assumption
    Endpoint("dm_send", True, "user", limit_user=200, level="read-write-directmessages",
             scopes=("dm.read", "dm.write", "tweet.read", "users.read")),
    # usage: app-only; limit not recorded (assumed 50)
    Endpoint("usage_tweets", True, "app", limit_app=50, in_small_plan=False),
    Endpoint("verify_credentials", False, "user", limit_user=75, in_small_plan=False),
    # v1.1 posting (tweepy's API.update_status); limit not recorded (assumed like POST /2/tweets)
    Endpoint("statuses_update", False, "user", limit_user=200, level="read-write", in_small_plan=False),
    Endpoint("oauth_invalidate", False, "user"),
)}


@dataclass
class Identity:
    kind: str                 # "oauth1" | "oauth2" | "app"
    bucket: str               # rate-limit bucket (a hash, never the token)
    user_id: str | None = None
    access_level: str = "read"
    scopes: tuple[str, ...] = ()
    token: str = ""           # the credential (kept in memory only)


# =============================================================================== helpers
def _signed_uri(request: Request) -> str:
    """The URL the client addressed: scheme (X-Forwarded-Proto) + Host + raw path (+ query)."""
    scope = request.scope
    proto = request.headers.get("x-forwarded-proto", "").split(",")[0].strip() or scope.get("scheme", "http")
    host = request.headers.get("host")
    if not host:
        server = scope.get("server") or ("localhost", None)
        host = server[0] if not server[1] else f"{server[0]}:{server[1]}"
    raw_path = scope.get("raw_path") or scope["path"].encode()
    path = raw_path.decode("latin-1").split("?")[0]
    qs = scope.get("query_string", b"").decode("latin-1")
    return f"{proto}://{host}{path}" + (f"?{qs}" if qs else "")


async def _body(request: Request) -> bytes:
    body = await request.body()
    if len(body) > MAX_BODY:
        raise _Reject(E.problem(413, "about:blank", "Payload Too Large", "Request body too large."))
    return body


def _is_form(request: Request) -> bool:
    return request.headers.get("content-type", "").split(";")[0].strip().lower() == \
        "application/x-www-form-urlencoded"


async def _form(request: Request) -> list[tuple[str, str]]:
    """Form pairs of a form-encoded body (empty for other bodies)."""
    if not _is_form(request):
        return []
    try:
        return oauth1.parse_form(await _body(request))
    except UnicodeDecodeError:
        raise _Reject(E.coded(215, v2=False)) from None


async def _params(request: Request) -> dict[str, str]:
    """Body parameters, form-encoded or JSON (real SDKs send both to the OAuth 2.0 endpoints)."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "application/json":
        try:
            data = json.loads(await _body(request) or b"{}")
        except (ValueError, UnicodeDecodeError):
            raise _Reject(E.oauth2_error(400, "invalid_request", "Request body is not valid JSON.")) from None
        if not isinstance(data, dict):
            raise _Reject(E.oauth2_error(400, "invalid_request", "Request body is not a JSON object."))
        return {str(k): str(v) for k, v in data.items() if v is not None}
    out: dict[str, str] = {}
    for k, v in await _form(request):
        out.setdefault(k, v)
    return out


async def _json_body(request: Request) -> dict[str, Any]:
    try:
        data = json.loads(await _body(request) or b"null")
    except (ValueError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict):
        raise _Reject(E.problem(400, "invalid-request", "Invalid Request",
                                "One or more parameters to your request was invalid.",
                                extra={"errors": [{"message": "Request body must be a JSON object."}]}))
    return data


def _basic(request: Request) -> tuple[str, str] | None:
    """HTTP Basic credentials, percent-decoded (RFC 6749 2.3.1); None if absent or not Basic."""
    auth = request.headers.get("authorization", "")
    scheme, _, rest = auth.strip().partition(" ")
    if scheme.lower() != "basic" or not rest.strip():
        return None
    try:
        decoded = base64.b64decode(rest.strip(), validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None
    user, sep, pw = decoded.partition(":")
    if not sep:
        return None
    return unquote(user), unquote(pw)


def _eq(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and hmac.compare_digest(a.encode(), b.encode())


class _Reject(Exception):
    """Carries a designed answer out of a helper."""

    def __init__(self, response: Response) -> None:
        super().__init__("reject")
        self.response = response


def _st(request: Request) -> SandboxState:
    return request.app.state.sandbox  # type: ignore[no-any-return]


def _rate_headers(c: Counter) -> dict[str, str]:
    return {"x-rate-limit-limit": str(c.limit), "x-rate-limit-remaining": str(max(c.remaining, 0)),
            "x-rate-limit-reset": str(c.reset)}


# =============================================================================== OAuth 1.0a
TokenLookup = Callable[[str], "tuple[str | None, Any] | Response"]


async def _oauth1(st: SandboxState, request: Request, *, v2: bool, lookup: TokenLookup,
                  form: Sequence[tuple[str, str]] | None = None) -> tuple[oauth1.SignedRequest, Any] | Response:
    """Verify an OAuth 1.0a request; returns (signed request, token record) or X's error."""
    if form is None:
        form = await _form(request)
    try:
        sr = oauth1.read(request.headers.get("authorization", ""), uri=_signed_uri(request),
                         method=request.method, query=request.scope.get("query_string", b"").decode("latin-1"),
                         form=form)
    except oauth1.MalformedHeader:
        return E.coded(215, v2=v2)
    if not _eq(sr.consumer_key, st.consumer_key):
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


def _access_token_lookup(st: SandboxState, v2: bool) -> TokenLookup:
    def lookup(token: str) -> tuple[str | None, Any] | Response:
        rec = st.oauth1_tokens.get(token) if token else None
        if rec is None or rec.revoked:
            return E.coded(89, v2=v2)
        return rec.secret, rec
    return lookup


# =============================================================================== the guard
async def _authenticate(st: SandboxState, request: Request, ep: Endpoint,
                        form: Sequence[tuple[str, str]]) -> Identity | Response:
    v2 = ep.v2
    auth = request.headers.get("authorization", "").strip()
    if not auth:
        return E.blank(401) if v2 else E.coded(215, v2=False)
    scheme, _, rest = auth.partition(" ")
    scheme = scheme.lower()
    if scheme == "oauth":
        got = await _oauth1(st, request, v2=v2, lookup=_access_token_lookup(st, v2), form=form)
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
            if st.scenario.suspended:
                return E.coded(416, v2=v2)
            return Identity("oauth2", "o2:" + bucket_of(tok), o2.user_id, st.access_level, o2.scopes, tok)
        if st.app_bearers.get(tok):
            if st.scenario.suspended:
                return E.coded(416, v2=v2)
            return Identity("app", "app:" + bucket_of(tok), token=tok)
        if tok.startswith("A" * 21) or tok in st.app_bearers:
            return E.coded(89, v2=v2)       # an app bearer that is invalidated, stale or mistyped
        return E.blank(401) if v2 else E.coded(89, v2=False)
    return E.coded(215, v2=v2)


def _policy(st: SandboxState, ep: Endpoint, ident: Identity) -> Response | None:
    sc = st.scenario
    v2 = ep.v2
    cr = st.creds
    if v2 and not sc.enrolled:
        return E.json_answer({
            "client_id": cr.app_id, "detail": E.NOT_ENROLLED,
            "registration_url": "https://developer.x.com/en/docs/projects/overview",
            "title": "Client Forbidden", "required_enrollment": "Appropriate Level of API Access",
            "reason": "client-not-enrolled", "type": E.PROBLEMS + "client-forbidden",
        }, 403, E.PROBLEM_JSON)
    if v2 and not sc.credits:
        return E.problem(402, "credits", "CreditsDepleted",
                         f"Your enrolled account [{cr.account_id}] does not have any credits to "
                         "fulfill this request.")
    if sc.small_plan and not ep.in_small_plan:
        return E.coded(453, v2=v2)
    if ep.auth == "user" and ident.kind == "app":
        if v2:
            return E.problem(403, "unsupported-authentication", "Unsupported Authentication",
                             E.UNSUPPORTED_AUTH_USER)
        return E.coded(220, v2=False)
    if ep.auth == "app" and ident.kind != "app":
        used = "OAuth 1.0a User Context" if ident.kind == "oauth1" else "OAuth 2.0 User Context"
        return E.problem(403, "unsupported-authentication", "Unsupported Authentication",
                         E.UNSUPPORTED_AUTH_APP.format(used=used))
    if ident.kind == "oauth1" and LEVELS[ident.access_level] < LEVELS[ep.level]:
        if v2:
            return E.problem(403, "oauth1-permissions", "Forbidden", E.OAUTH1_PERMISSIONS)
        return E.coded(261, v2=False)
    if ident.kind == "oauth2":
        if not ep.scopes:
            return E.coded(220, v2=v2) if not v2 else E.problem(
                403, "unsupported-authentication", "Unsupported Authentication",
                E.UNSUPPORTED_AUTH_APP.format(used="OAuth 2.0 User Context"))
        if any(s not in ident.scopes for s in ep.scopes):
            return E.blank(403)
    return None


Handler = Callable[[Request, SandboxState, Identity, Sequence[tuple[str, str]]], Awaitable[Response]]


def api(name: str) -> Callable[[Handler], Callable[[Request], Awaitable[Response]]]:
    """Wrap a handler with authentication, policy, rate limits and X's headers."""
    ep = ENDPOINTS[name]

    def deco(fn: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            st = _st(request)
            headers: dict[str, str] = {}
            try:
                form = await _form(request) if request.method != "GET" else []
                got = await _authenticate(st, request, ep, form)
                if isinstance(got, Response):
                    resp = got
                    ident = None
                else:
                    ident = got
                    headers["x-access-level"] = "read" if ident.kind == "app" else ident.access_level
                    resp = _policy(st, ep, ident) or await _counted(st, request, ep, ident, form, fn, headers)
            except _Reject as rej:
                resp = rej.response
                ident = None
            if ep.v2 and "x-rate-limit-limit" not in headers:
                # X sends the rate-limit headers on every v2 answer; before authentication the
                # caller's bucket is unknown, so show the endpoint's anonymous window
                limit = ep.limit_user or ep.limit_app or 15
                bucket = ident.bucket if ident else "anonymous"
                headers.update(_rate_headers(st.counter(bucket, ep.name, limit)))
            for k, v in headers.items():
                resp.headers.setdefault(k, v)
            return resp
        endpoint.__name__ = fn.__name__
        return endpoint
    return deco


async def _counted(st: SandboxState, request: Request, ep: Endpoint, ident: Identity,
                   form: Sequence[tuple[str, str]], fn: Handler, headers: dict[str, str]) -> Response:
    limit = ep.limit_app if ident.kind == "app" else ep.limit_user
    if limit is not None:
        c = st.counter(ident.bucket, ep.name, limit)
        if c.remaining <= 0:
            headers.update(_rate_headers(c))
            return E.blank(429) if ep.v2 else E.coded(88, v2=False)
        c.remaining -= 1
        headers.update(_rate_headers(c))
    if ep.reads_tweets and st.project_usage >= st.project_cap:
        return E.problem(429, "usage-capped", "UsageCapExceeded", "Usage cap exceeded: Monthly product cap",
                         extra={"account_id": int(st.creds.account_id), "product_name": "standard-basic",
                                "period": "Monthly", "scope": "Product"})
    return await fn(request, st, ident, form)


# =============================================================================== v2 handlers
def _user_json(st: SandboxState, u: User, fields: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {"id": u.id, "name": u.name, "username": u.username}
    wanted = {f.strip() for f in (fields or "").split(",") if f.strip()}
    extra: dict[str, Any] = {"created_at": u.created_at, "description": u.description,
                             "protected": u.protected, "verified": u.verified}
    for f in sorted(wanted & extra.keys()):
        out[f] = extra[f]
    if "public_metrics" in wanted:
        n = sum(1 for t in st.tweets.values() if t.author_id == u.id and not t.deleted)
        out["public_metrics"] = {"followers_count": 42, "following_count": 7, "tweet_count": n,
                                 "listed_count": 0}
    return out


def _iso(ms: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms / 1000)) + ".%03dZ" % (ms % 1000)


def _tweet_json(t: Tweet, fields: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {"id": t.id, "text": t.text, "edit_history_tweet_ids": [t.id]}
    wanted = {f.strip() for f in (fields or "").split(",")}
    if "author_id" in wanted:
        out["author_id"] = t.author_id
    if "created_at" in wanted:
        out["created_at"] = _iso(t.created_ms)
    return out


@api("users_me")
async def users_me(request: Request, st: SandboxState, ident: Identity, form: Sequence[tuple[str, str]]) -> Response:
    u = st.users[ident.user_id or st.me.id]
    return E.json_answer({"data": _user_json(st, u, request.query_params.get("user.fields"))})


@api("user_by_username")
async def user_by_username(request: Request, st: SandboxState, ident: Identity,
                           form: Sequence[tuple[str, str]]) -> Response:
    name = request.path_params["username"]
    if not USERNAME_RE.match(name):
        return E.invalid_request([{"parameters": {"username": [name]},
                                   "message": f"The `username` query parameter value [{name}] does not "
                                              "match ^[A-Za-z0-9_]{1,15}$"}])
    u = st.user_by_username(name)
    if u is None:
        return E.json_answer({"errors": [{
            "value": name, "detail": f"Could not find user with username: [{name}].",
            "title": "Not Found Error", "resource_type": "user", "parameter": "username",
            "resource_id": name, "type": E.PROBLEMS + "resource-not-found"}]})
    return E.json_answer({"data": _user_json(st, u, request.query_params.get("user.fields"))})


@api("search_recent")
async def search_recent(request: Request, st: SandboxState, ident: Identity,
                        form: Sequence[tuple[str, str]]) -> Response:
    q = request.query_params
    query = q.get("query", "")
    if not query.strip():
        return E.invalid_request([{"parameters": {"query": []},
                                   "message": "The `query` query parameter can not be empty"}])
    if len(query) > 512:
        return E.invalid_request([{"parameters": {"query": [query]},
                                   "message": "The `query` query parameter value is too long"}])
    raw_max = q.get("max_results", "10")
    if not raw_max.isdigit() or not 10 <= int(raw_max) <= 100:
        return E.invalid_request([{"parameters": {"max_results": [raw_max]},
                                   "message": f"The `max_results` query parameter value [{raw_max}] is not "
                                              "between 10 and 100"}])
    max_results = int(raw_max)
    offset = 0
    page_token = q.get("next_token") or q.get("pagination_token")
    if page_token:
        saved = st.pagination.get(page_token)
        if saved is None or saved[0] != query:
            return E.invalid_request([{"parameters": {"next_token": [page_token]},
                                       "message": "The `next_token` query parameter value is invalid"}])
        offset = saved[1]
    hits = st.search(query)
    page = hits[offset:offset + max_results]
    st.project_usage += len(page)
    if not page:
        return E.json_answer({"meta": {"result_count": 0}})
    meta: dict[str, Any] = {"newest_id": page[0].id, "oldest_id": page[-1].id, "result_count": len(page)}
    if offset + max_results < len(hits):
        nxt = "b26v89c19zqg8o3f" + st.token("0123456789abcdefghijklmnopqrstuvwxyz", 24)
        st.pagination[nxt] = (query, offset + max_results)
        meta["next_token"] = nxt
    fields = q.get("tweet.fields")
    body: dict[str, Any] = {"data": [_tweet_json(t, fields) for t in page], "meta": meta}
    if "author_id" in (q.get("expansions") or "").split(","):
        ids = dict.fromkeys(t.author_id for t in page)
        body["includes"] = {"users": [_user_json(st, st.users[i], q.get("user.fields")) for i in ids if i in st.users]}
    return E.json_answer(body)


def _too_long(text: str) -> bool:
    return len(text) > 280


@api("create_tweet")
async def create_tweet(request: Request, st: SandboxState, ident: Identity,
                       form: Sequence[tuple[str, str]]) -> Response:
    data = await _json_body(request)
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        return E.invalid_request([{"message": "$.text: the `text` field is required unless media or a poll is attached"}])
    if _too_long(text):
        return E.problem(403, "about:blank", "Forbidden", "Your Tweet text is too long.")
    author = ident.user_id or st.me.id
    if any(t.author_id == author and not t.deleted and t.text == text for t in st.tweets.values()):
        return E.problem(403, "about:blank", "Forbidden",
                         "You are not allowed to create a Tweet with duplicate content.")
    t = st.add_tweet(author, text)
    host = request.headers.get("host", "api.x.com")
    return E.json_answer({"data": {"id": t.id, "text": t.text, "edit_history_tweet_ids": [t.id]}}, 201,
                         headers={"location": f"https://{host}/2/tweets/{t.id}"})


@api("delete_tweet")
async def delete_tweet(request: Request, st: SandboxState, ident: Identity,
                       form: Sequence[tuple[str, str]]) -> Response:
    tid = request.path_params["id"]
    if not tid.isdigit() or len(tid) > 19:
        return E.invalid_request([{"parameters": {"id": [tid]},
                                   "message": f"The `id` query parameter value [{tid}] is not valid"}])
    t = st.tweets.get(tid)
    if t is None or t.deleted:
        return E.json_answer({"data": {"deleted": False}})
    if t.author_id != (ident.user_id or st.me.id):
        return E.problem(403, "about:blank", "Forbidden", "You are not allowed to delete this Tweet.")
    t.deleted = True
    return E.json_answer({"data": {"deleted": True}})


@api("dm_send")
async def dm_send(request: Request, st: SandboxState, ident: Identity,
                  form: Sequence[tuple[str, str]]) -> Response:
    pid = request.path_params["participant_id"]
    if not pid.isdigit():
        return E.invalid_request([{"parameters": {"participant_id": [pid]},
                                   "message": f"The `participant_id` query parameter value [{pid}] is not valid"}])
    data = await _json_body(request)
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        return E.invalid_request([{"message": "$.text: the `text` field is required unless attachments are present"}])
    me = ident.user_id or st.me.id
    if pid == me:
        return E.problem(403, "about:blank", "Forbidden", "You cannot send a Direct Message to yourself.")
    a, b = sorted((me, pid), key=int)
    return E.json_answer({"data": {"dm_conversation_id": f"{a}-{b}", "dm_event_id": st.next_id()}}, 201)


@api("usage_tweets")
async def usage_tweets(request: Request, st: SandboxState, ident: Identity,
                       form: Sequence[tuple[str, str]]) -> Response:
    reset_day = 1 + st.seed % 28
    return E.json_answer({"data": {"cap_reset_day": reset_day, "project_cap": str(st.project_cap),
                                   "project_id": st.creds.project_id, "project_usage": str(st.project_usage)}})


# =============================================================================== v1.1 handlers
def _v1_user(st: SandboxState, u: User) -> dict[str, Any]:
    n = sum(1 for t in st.tweets.values() if t.author_id == u.id and not t.deleted)
    created = time.strftime("%a %b %d %H:%M:%S +0000 %Y", time.strptime(u.created_at[:19], "%Y-%m-%dT%H:%M:%S"))
    return {
        "id": int(u.id), "id_str": u.id, "name": u.name, "screen_name": u.username, "location": "",
        "description": u.description, "url": None, "entities": {"description": {"urls": []}},
        "protected": u.protected, "followers_count": 42, "friends_count": 7, "listed_count": 0,
        "created_at": created, "favourites_count": 3, "utc_offset": None, "time_zone": None,
        "geo_enabled": False, "verified": u.verified, "statuses_count": n, "lang": None,
        "contributors_enabled": False, "is_translator": False, "is_translation_enabled": False,
        "profile_background_color": "F5F8FA", "profile_background_image_url": None,
        "profile_background_image_url_https": None, "profile_background_tile": False,
        "profile_image_url": "http://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png",
        "profile_image_url_https": "https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png",
        "profile_link_color": "1DA1F2", "profile_sidebar_border_color": "C0DEED",
        "profile_sidebar_fill_color": "DDEEF6", "profile_text_color": "333333",
        "profile_use_background_image": True, "has_extended_profile": False, "default_profile": True,
        "default_profile_image": True, "following": False, "follow_request_sent": False,
        "notifications": False, "translator_type": "none", "withheld_in_countries": [],
        "suspended": False, "needs_phone_verification": False,
    }


@api("verify_credentials")
async def verify_credentials(request: Request, st: SandboxState, ident: Identity,
                             form: Sequence[tuple[str, str]]) -> Response:
    return E.json_answer(_v1_user(st, st.users[ident.user_id or st.me.id]), content_type=E.V11_JSON)


@api("statuses_update")
async def statuses_update(request: Request, st: SandboxState, ident: Identity,
                          form: Sequence[tuple[str, str]]) -> Response:
    params = dict(form)
    params.update(request.query_params)
    text = params.get("status", "")
    if not text.strip():
        return E.json_answer({"errors": [{"code": 170, "message": "Missing required parameter: status."}]},
                             400, E.V11_JSON)
    if _too_long(text):
        return E.json_answer({"errors": [{"code": 186, "message": "Tweet needs to be a bit shorter."}]},
                             403, E.V11_JSON)
    author = ident.user_id or st.me.id
    if any(t.author_id == author and not t.deleted and t.text == text for t in st.tweets.values()):
        return E.coded(187, v2=False)
    t = st.add_tweet(author, text)
    created = time.strftime("%a %b %d %H:%M:%S +0000 %Y", time.gmtime(t.created_ms / 1000))
    return E.json_answer({
        "created_at": created, "id": int(t.id), "id_str": t.id, "text": t.text, "truncated": False,
        "entities": {"hashtags": [], "symbols": [], "user_mentions": [], "urls": []},
        "source": f'<a href="https://x.com" rel="nofollow">{APP_NAME}</a>',
        "in_reply_to_status_id": None, "in_reply_to_status_id_str": None, "in_reply_to_user_id": None,
        "in_reply_to_user_id_str": None, "in_reply_to_screen_name": None,
        "user": _v1_user(st, st.users[author]), "geo": None, "coordinates": None, "place": None,
        "contributors": None, "is_quote_status": False, "retweet_count": 0, "favorite_count": 0,
        "favorited": False, "retweeted": False, "lang": "en",
    }, content_type=E.V11_JSON)


@api("oauth_invalidate")
async def oauth_invalidate(request: Request, st: SandboxState, ident: Identity,
                           form: Sequence[tuple[str, str]]) -> Response:
    """POST /1.1/oauth/invalidate_token: revokes the OAuth 1.0a token that signed the request."""
    rec = st.oauth1_tokens[ident.token]
    rec.revoked = True
    return E.json_answer({"access_token": rec.token}, content_type=E.V11_JSON)


# =============================================================================== app-only bearer
async def oauth2_token(request: Request) -> Response:
    """POST /oauth2/token: client_credentials with the consumer pair in HTTP Basic."""
    st = _st(request)
    params = dict(request.query_params)
    params.update(dict(await _form(request)))
    basic = _basic(request)
    if basic is not None and basic[0] == st.consumer_key and st.scenario.suspended:
        return E.coded(416, v2=False)
    if basic is None or not _eq(basic[0], st.consumer_key) or not _eq(basic[1], st.consumer_secret):
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
    st = _st(request)
    form = await _form(request)
    params = dict(request.query_params)
    params.update(dict(form))
    basic = _basic(request)
    if basic is not None:
        if st.scenario.suspended and basic[0] == st.consumer_key:
            return E.coded(416, v2=False)
        if not (_eq(basic[0], st.consumer_key) and _eq(basic[1], st.consumer_secret)):
            return E.coded(99, v2=False)
    else:
        got = await _oauth1(st, request, v2=False, lookup=_access_token_lookup(st, False), form=form)
        if isinstance(got, Response):
            return got
    tok = unquote(params.get("access_token", ""))
    if not tok:
        return E.json_answer({"errors": [{"code": 170, "message": "Missing required parameter: access_token"}]},
                             403, E.V11_JSON)
    if not st.app_bearers.get(tok) and not st.app_bearers.get(params.get("access_token", "")):
        return E.coded(348, v2=False)
    key = tok if tok in st.app_bearers else params["access_token"]
    st.app_bearers[key] = False
    return E.json_answer({"access_token": key}, content_type=E.V11_JSON)


# =============================================================================== OAuth 1.0a PIN flow
def _oauth1_plain_error(text: str) -> Response:
    return E.plain(text, 401, {"www-authenticate": E.WWW_AUTH})


async def request_token(request: Request) -> Response:
    st = _st(request)
    got = await _oauth1(st, request, v2=False, lookup=lambda token: (None, None))
    if isinstance(got, Response):
        return got
    sr, _ = got
    callback = sr.oauth.get("oauth_callback", "oob")
    if callback != "oob" and callback not in st.redirect_uris:
        return E.coded(415, v2=False)
    rt = RequestToken(st.token(ALNUM, 27), st.token(ALNUM, 32), callback, st.now())
    st.request_tokens[rt.token] = rt
    return E.plain(urlencode({"oauth_token": rt.token, "oauth_token_secret": rt.secret,
                              "oauth_callback_confirmed": "true"}), 200)


def _live_request_token(st: SandboxState, token: str | None) -> RequestToken | None:
    rt = st.request_tokens.get(token or "")
    if rt is None or rt.used or rt.denied or st.now() - rt.created > REQUEST_TOKEN_LIFETIME:
        return None
    return rt


async def authorize_page(request: Request) -> Response:
    st = _st(request)
    rt = _live_request_token(st, request.query_params.get("oauth_token"))
    if rt is None or rt.verifier is not None:
        return E.raw(flows.invalid_token_page(), 403, E.HTML)
    return E.raw(flows.oauth1_consent(APP_NAME, st.me.username, rt.token, request.url.path), 200, E.HTML)


async def authorize_submit(request: Request) -> Response:
    st = _st(request)
    fields = dict(await _form(request))
    rt = _live_request_token(st, fields.get("oauth_token"))
    if rt is None or rt.verifier is not None:
        return E.raw(flows.invalid_token_page(), 403, E.HTML)
    if fields.get("action") != "approve":
        rt.denied = True
        if rt.callback == "oob":
            return E.raw(flows.denied_page(APP_NAME), 200, E.HTML)
        return RedirectResponse(_with_query(rt.callback, {"denied": rt.token}), 302)
    rt.verifier = str(st.rng.randrange(10**6, 10**7))
    if rt.callback == "oob":
        return E.raw(flows.pin_page(APP_NAME, rt.verifier), 200, E.HTML)
    return RedirectResponse(_with_query(rt.callback, {"oauth_token": rt.token, "oauth_verifier": rt.verifier}), 302)


async def access_token(request: Request) -> Response:
    st = _st(request)
    state: dict[str, RequestToken] = {}

    def lookup(token: str) -> tuple[str | None, Any] | Response:
        rt = st.request_tokens.get(token)
        if rt is None:
            return _oauth1_plain_error("Invalid request token.")
        state["rt"] = rt
        return rt.secret, rt

    got = await _oauth1(st, request, v2=False, lookup=lookup)
    if isinstance(got, Response):
        return got
    sr, _ = got
    rt = state["rt"]
    verifier = sr.oauth.get("oauth_verifier", "")
    live = _live_request_token(st, rt.token)
    if live is None or rt.verifier is None or not _eq(verifier, rt.verifier):
        if live is not None and rt.verifier is not None:
            rt.used = True  # a wrong PIN burns the request token, as X does
        return _oauth1_plain_error(E.INVALID_VERIFIER)
    rt.used = True
    me = st.me
    tok = OAuth1Token(f"{me.id}-{st.token(ALNUM, 30)}", st.token(ALNUM, 45), me.id, st.access_level)
    st.oauth1_tokens[tok.token] = tok
    return E.plain(urlencode({"oauth_token": tok.token, "oauth_token_secret": tok.secret,
                              "user_id": me.id, "screen_name": me.username}), 200)


def _with_query(url: str, params: Mapping[str, str]) -> str:
    return url + ("&" if "?" in url else "?") + urlencode(params)


# =============================================================================== OAuth 2.0 PKCE
_AUTHZ_FIELDS = ("response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge",
                 "code_challenge_method")


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
    st = _st(request)
    p = {k: request.query_params.get(k, "") for k in _AUTHZ_FIELDS}
    checked = _check_authorize(st, p)
    if isinstance(checked, str):
        return E.raw(flows.oauth2_error_page(checked), 400, E.HTML)
    scopes, _ = checked
    return E.raw(flows.oauth2_consent(APP_NAME, st.me.username, scopes, p, request.url.path), 200, E.HTML)


async def o2_authorize_submit(request: Request) -> Response:
    st = _st(request)
    form = dict(await _form(request))
    p = {k: form.get(k, "") for k in _AUTHZ_FIELDS}
    checked = _check_authorize(st, p)
    if isinstance(checked, str):
        return E.raw(flows.oauth2_error_page(checked), 400, E.HTML)
    scopes, method = checked
    if form.get("action") != "approve":
        return RedirectResponse(_with_query(p["redirect_uri"], {"error": "access_denied", "state": p["state"]}), 302)
    code = mint_oauth2_token(st.rng, st.now_ms(), "ac")
    st.codes[code] = AuthCode(code, p["client_id"], p["redirect_uri"], tuple(scopes), p["code_challenge"],
                              method, st.now(), st.me.id)
    return RedirectResponse(_with_query(p["redirect_uri"], {"state": p["state"], "code": code}), 302)


def _client_auth(st: SandboxState, request: Request, params: Mapping[str, str]) -> Response | None:
    basic = _basic(request)
    auth = request.headers.get("authorization", "").strip()
    if auth and basic is None:
        return E.oauth2_error(401, "unauthorized_client", E.MISSING_AUTH)
    cid = basic[0] if basic else params.get("client_id", "")
    if not cid:
        return E.oauth2_error(400, "invalid_request", "Missing required parameter [client_id].")
    if cid != st.client.client_id or (basic and params.get("client_id") not in (None, "", cid)):
        return E.oauth2_error(401, "invalid_client", "Client authentication failed.")
    secret = basic[1] if basic else params.get("client_secret")
    if st.client.secret is not None and not _eq(secret, st.client.secret):
        return E.oauth2_error(401, "unauthorized_client", E.MISSING_AUTH)
    return None


def _s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")


def _token_answer(st: SandboxState, client_id: str, user_id: str, scopes: tuple[str, ...]) -> Response:
    at = st.new_o2_token("at", client_id, user_id, scopes)
    body: dict[str, Any] = {"token_type": "bearer", "expires_in": 7200, "access_token": at.token,
                            "scope": " ".join(scopes)}
    if "offline.access" in scopes:
        body["refresh_token"] = st.new_o2_token("rt", client_id, user_id, scopes).token
    return E.json_answer(body, headers={"cache-control": "no-store", "pragma": "no-cache"})


async def o2_token(request: Request) -> Response:
    st = _st(request)
    params = await _params(request)
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
        if not _eq(expected, ac.challenge):
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
    st = _st(request)
    params = await _params(request)
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


# =============================================================================== app assembly
def _routes() -> list[Route]:
    return [
        Route("/oauth2/token", oauth2_token, methods=["POST"]),
        Route("/oauth2/invalidate_token", oauth2_invalidate, methods=["POST"]),
        Route("/2/users/me", users_me, methods=["GET"]),
        Route("/2/users/by/username/{username}", user_by_username, methods=["GET"]),
        Route("/2/tweets/search/recent", search_recent, methods=["GET"]),
        Route("/2/tweets", create_tweet, methods=["POST"]),
        Route("/2/tweets/{id}", delete_tweet, methods=["DELETE"]),
        Route("/2/dm_conversations/with/{participant_id}/messages", dm_send, methods=["POST"]),
        Route("/2/usage/tweets", usage_tweets, methods=["GET"]),
        Route("/1.1/account/verify_credentials.json", verify_credentials, methods=["GET"]),
        Route("/1.1/statuses/update.json", statuses_update, methods=["POST"]),
        Route("/1.1/oauth/invalidate_token", oauth_invalidate, methods=["POST"]),
        Route("/1.1/oauth/invalidate_token.json", oauth_invalidate, methods=["POST"]),
        Route("/oauth/request_token", request_token, methods=["POST"]),
        Route("/oauth/authorize", authorize_page, methods=["GET"]),
        Route("/oauth/authenticate", authorize_page, methods=["GET"]),
        Route("/oauth/authorize", authorize_submit, methods=["POST"]),
        Route("/oauth/authenticate", authorize_submit, methods=["POST"]),
        Route("/oauth/access_token", access_token, methods=["POST"]),
        Route("/i/oauth2/authorize", o2_authorize_page, methods=["GET"]),
        Route("/i/oauth2/authorize", o2_authorize_submit, methods=["POST"]),
        Route("/2/oauth2/token", o2_token, methods=["POST"]),
        Route("/2/oauth2/revoke", o2_revoke, methods=["POST"]),
    ]


async def _not_found(request: Request, exc: Exception) -> Response:
    """Unknown route or method: X's v1.1 code 34 page."""
    code = exc.status_code if isinstance(exc, HTTPException) else 404
    if code not in (404, 405):
        return E.json_answer({"errors": [{"message": "Bad request", "code": 214}]}, 400, E.V11_JSON)
    return E.json_answer({"errors": [{"message": "Sorry, that page does not exist", "code": 34}]}, 404, E.V11_JSON)


class _BugCatcher:
    """Innermost safety net: a bug in a route is logged loudly and answered with a 599 (a
    status X never uses) so nothing mistakes it for X's 500. Designed rejections raised as
    `_Reject` are answered normally."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except _Reject as rej:
            if not started:
                await rej.response(scope, receive, send)
        except Exception as exc:  # noqa: BLE001 - the point of this class
            st: SandboxState = scope["app"].state.sandbox
            st.bugs.append(f"{scope.get('method')} {scope.get('path')}: {type(exc).__name__}")
            log.error("SANDBOX BUG while answering %s %s", scope.get("method"), scope.get("path"),
                      exc_info=exc)
            if not started:
                await E.raw(f"sandbox bug ({type(exc).__name__}); see the sandbox log\n", 599,
                            "text/plain; charset=utf-8")(scope, receive, send)


# ------------------------------------------------------------------------------ faults
FAULTS = ("hang", "503", "500", "reset")


def fault_for(seed: int, n: int) -> str | None:
    """The fault the flaky scenario injects into the n-th request (None: answer normally).

    Reproducible: a pure function of (seed, request number). About half the requests fail,
    evenly spread over hangs, 503 HTML pages, 500s and connection resets.
    """
    r = random.Random(f"flaky:{seed}:{n}").random()
    if r < 0.5:
        return None
    return FAULTS[min(int((r - 0.5) * 8), 3)]


class SandboxApp(Starlette):
    """Starlette plus the outermost layer: latency, faults and the `date` header."""

    hang_seconds: float = 30.0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        st: SandboxState = self.state.sandbox
        latency: float = self.state.latency
        if latency > 0:
            await asyncio.sleep(latency)
        st.request_count += 1
        path: str = scope.get("path", "")
        v2 = path.startswith("/2/")
        api_like = v2 or path.startswith("/1.1/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                if b"date" not in names:
                    headers.append((b"date", _http_date(st.now(), v2).encode()))
                if api_like and b"x-transaction-id" not in names:
                    headers.append((b"x-transaction-id", st.transaction_id().encode()))
                message = {**message, "headers": headers}
            await send(message)

        fault = fault_for(st.seed, st.request_count) if st.scenario.flaky else None
        if fault is None:
            await super().__call__(scope, receive, send_with_headers)
            return
        transport = getattr(getattr(send, "__self__", None), "transport", None)
        if fault == "hang":
            await self._hang(receive, transport)
        elif fault == "reset":
            await self._reset(transport)
        elif fault == "503":
            await E.raw(flows.over_capacity_page(), 503, E.HTML)(scope, receive, send_with_headers)
        else:
            resp = E.coded(131, v2=v2) if api_like else E.raw("Internal Server Error", 500, E.FORM_TEXT)
            await resp(scope, receive, send_with_headers)

    async def _hang(self, receive: Receive, transport: Any) -> None:
        """Never answer. On a real server: until the client gives up (or hang_seconds), then
        drop the connection. In-process (no transport): sleep, then raise the timeout the
        client would have seen."""
        if transport is None:
            await asyncio.sleep(self.hang_seconds)
            import httpx

            raise httpx.ReadTimeout("sandbox flaky scenario: the server did not answer in time")

        async def until_disconnect() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass

        try:
            await asyncio.wait_for(until_disconnect(), self.hang_seconds)
        except asyncio.TimeoutError:
            pass
        await self._reset(transport)

    @staticmethod
    async def _reset(transport: Any) -> None:
        if transport is None:
            import httpx

            raise httpx.ReadError("[Errno 104] Connection reset by peer (sandbox flaky scenario)")
        transport.abort()
        for _ in range(3):  # let uvicorn see the connection_lost before the app returns
            await asyncio.sleep(0)


def _http_date(epoch: float, v2: bool) -> str:
    """RFC 7231 date; v2 answers end in `UTC`, v1.1 and others in `GMT` (FACTS.md section 2)."""
    d = formatdate(epoch, usegmt=True)
    return d[:-3] + "UTC" if v2 else d


def create_app(scenario: str = "healthy", seed: int = 0, latency: float = 0.0,
               clock: Callable[[], float] | None = None, *,
               redirect_uris: Sequence[str] | None = None, hang_seconds: float = 30.0) -> SandboxApp:
    """The sandbox for one scenario and seed.

    clock: epoch seconds (for tests); the scenario's offset is added on top.
    redirect_uris: the app's registered callback URLs (default: the one in the JSON line).
    hang_seconds: how long a flaky hang lasts at most.
    """
    sc = get_scenario(scenario)
    app = SandboxApp(routes=_routes(), exception_handlers={404: _not_found, 405: _not_found})
    app.add_middleware(_BugCatcher)
    app.state.sandbox = SandboxState(sc, seed, clock, redirect_uris)
    app.state.latency = max(0.0, float(latency))
    app.hang_seconds = hang_seconds
    return app


def line_info(app: SandboxApp, base_url: str) -> dict[str, Any]:
    """The JSON line `xkeys sandbox` prints (and `handle.info`)."""
    st: SandboxState = app.state.sandbox
    info: dict[str, Any] = {"base_url": base_url, "scenario": st.scenario.name,
                            "redirect_uri": st.redirect_uris[0], "credentials": st.printed()}
    if st.scenario.rotated:
        info["current"] = st.current()
    return info
