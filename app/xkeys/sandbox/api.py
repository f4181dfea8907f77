"""The v2 and v1.1 endpoints behind one guard (shared/FACTS.md section 2).

`api(name)` wraps a handler: authentication -> scenario policy (enrolment, credits, plan) ->
authentication type, OAuth 1.0a permission level, OAuth 2.0 scopes -> rate limit -> monthly
cap -> handler, and puts X's headers (`x-rate-limit-*`, `x-access-level`) on every answer.
"""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from xkeys.sandbox import errors as E
from xkeys.sandbox.auth import LEVELS, Identity, authenticate
from xkeys.sandbox.state import APP_NAME, SandboxState, Tweet, User
from xkeys.sandbox.wire import Reject, rate_headers, read_form, read_json_body, state_of

#: X's username rule (1-15 letters, digits, underscores)
USERNAME_RE = re.compile(r"^[A-Za-z0-9_]{1,15}$")


# =============================================================================== endpoint table
@dataclass(frozen=True)
class Endpoint:
    name: str
    v2: bool
    auth: str  # "user" | "app" | "any"
    limit_user: int | None = None  # per 15 min (FACTS.md "Recorded per-15-min limits")
    limit_app: int | None = None
    level: str = "read"  # OAuth 1.0a level needed
    scopes: tuple[str, ...] = ()  # OAuth 2.0 scopes needed; () = OAuth 2.0 not accepted
    in_small_plan: bool = True  # endpoint-not-in-plan: False -> 403 code 453
    reads_tweets: bool = False  # counts against the monthly cap


_READ = ("tweet.read", "users.read")
_WRITE = ("tweet.read", "tweet.write", "users.read")
ENDPOINTS: dict[str, Endpoint] = {
    e.name: e
    for e in (
        Endpoint("users_me", True, "user", limit_user=75, scopes=_READ),
        # user lookup: 300 app (recorded); 900 per user is X's documented user-context figure
        Endpoint("user_by_username", True, "any", limit_user=900, limit_app=300, scopes=_READ, in_small_plan=False),
        # search: 450 app (recorded); 180 per user is X's documented user-context figure
        Endpoint(
            "search_recent",
            True,
            "any",
            limit_user=180,
            limit_app=450,
            scopes=_READ,
            in_small_plan=False,
            reads_tweets=True,
        ),
        Endpoint("create_tweet", True, "user", limit_user=200, level="read-write", scopes=_WRITE),
        Endpoint("delete_tweet", True, "user", limit_user=50, level="read-write", scopes=_WRITE),
        # DM send: not in the recordings; 200 per 15 min is an assumption
        Endpoint(
            "dm_send",
            True,
            "user",
            limit_user=200,
            level="read-write-directmessages",
            scopes=("dm.read", "dm.write", "tweet.read", "users.read"),
        ),
        # usage: app-only; limit not recorded (assumed 50)
        Endpoint("usage_tweets", True, "app", limit_app=50, in_small_plan=False),
        Endpoint("verify_credentials", False, "user", limit_user=75, in_small_plan=False),
        # v1.1 posting (tweepy's API.update_status); limit not recorded (assumed like POST /2/tweets)
        Endpoint("statuses_update", False, "user", limit_user=200, level="read-write", in_small_plan=False),
        Endpoint("oauth_invalidate", False, "user"),
    )
}


def _policy(st: SandboxState, ep: Endpoint, ident: Identity) -> Response | None:
    sc = st.scenario
    v2 = ep.v2
    cr = st.creds
    if v2 and not sc.enrolled:
        return E.json_answer(
            {
                "client_id": cr.app_id,
                "detail": E.NOT_ENROLLED,
                "registration_url": "https://developer.x.com/en/docs/projects/overview",
                "title": "Client Forbidden",
                "required_enrollment": "Appropriate Level of API Access",
                "reason": "client-not-enrolled",
                "type": E.PROBLEMS + "client-forbidden",
            },
            403,
            E.PROBLEM_JSON,
        )
    if v2 and not sc.credits:
        return E.problem(
            402,
            "credits",
            "CreditsDepleted",
            f"Your enrolled account [{cr.account_id}] does not have any credits to fulfill this request.",
        )
    if sc.small_plan and not ep.in_small_plan:
        return E.coded(453, v2=v2)
    if ep.auth == "user" and ident.kind == "app":
        if v2:
            return E.problem(403, "unsupported-authentication", "Unsupported Authentication", E.UNSUPPORTED_AUTH_USER)
        return E.coded(220, v2=False)
    if ep.auth == "app" and ident.kind != "app":
        used = "OAuth 1.0a User Context" if ident.kind == "oauth1" else "OAuth 2.0 User Context"
        return E.problem(
            403, "unsupported-authentication", "Unsupported Authentication", E.UNSUPPORTED_AUTH_APP.format(used=used)
        )
    if ident.kind == "oauth1" and LEVELS[ident.access_level] < LEVELS[ep.level]:
        if v2:
            return E.problem(403, "oauth1-permissions", "Forbidden", E.OAUTH1_PERMISSIONS)
        return E.coded(261, v2=False)
    if ident.kind == "oauth2":
        if not ep.scopes:  # an OAuth 1.0a-only endpoint (v1.1)
            if not v2:
                return E.coded(220, v2=False)
            return E.problem(
                403,
                "unsupported-authentication",
                "Unsupported Authentication",
                E.UNSUPPORTED_AUTH_APP.format(used="OAuth 2.0 User Context"),
            )
        if any(s not in ident.scopes for s in ep.scopes):
            return E.blank(403)  # missing scopes: X's generic 403 (FACTS.md section 2)
    return None


def _limit(ep: Endpoint, ident: Identity | None) -> int | None:
    """The endpoint's 15-min limit for this caller (app-only or user context)."""
    if ident is None:
        return ep.limit_user or ep.limit_app
    return ep.limit_app if ident.kind == "app" else ep.limit_user


Handler = Callable[[Request, SandboxState, Identity, Sequence[tuple[str, str]]], Awaitable[Response]]


def api(name: str) -> Callable[[Handler], Callable[[Request], Awaitable[Response]]]:
    """Wrap a handler with authentication, policy, rate limits and X's headers."""
    ep = ENDPOINTS[name]

    def deco(fn: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            st = state_of(request)
            headers: dict[str, str] = {}
            ident: Identity | None = None
            try:
                form = await read_form(request) if request.method != "GET" else []
                got = await authenticate(st, request, v2=ep.v2, form=form)
                if isinstance(got, Response):
                    resp = got
                else:
                    ident = got
                    headers["x-access-level"] = "read" if ident.kind == "app" else ident.access_level
                    resp = _policy(st, ep, ident) or await _counted(st, request, ep, ident, form, fn, headers)
            except Reject as rej:
                resp = rej.response
            if ep.v2 and "x-rate-limit-limit" not in headers:
                # X sends the rate-limit headers on every v2 answer; when the request was refused
                # before counting, show the caller's window (or the anonymous one) untouched
                bucket = ident.bucket if ident else "anonymous"
                limit = _limit(ep, ident) or _limit(ep, None) or 15
                headers.update(rate_headers(st.counter(bucket, ep.name, limit)))
            for k, v in headers.items():
                resp.headers.setdefault(k, v)
            return resp

        endpoint.__name__ = fn.__name__
        return endpoint

    return deco


async def _counted(
    st: SandboxState,
    request: Request,
    ep: Endpoint,
    ident: Identity,
    form: Sequence[tuple[str, str]],
    fn: Handler,
    headers: dict[str, str],
) -> Response:
    limit = _limit(ep, ident)
    if limit is not None:
        c = st.counter(ident.bucket, ep.name, limit)
        if c.remaining <= 0:
            headers.update(rate_headers(c))
            return E.blank(429) if ep.v2 else E.coded(88, v2=False)
        c.remaining -= 1
        headers.update(rate_headers(c))
    if ep.reads_tweets and st.project_usage >= st.project_cap:
        return E.problem(
            429,
            "usage-capped",
            "UsageCapExceeded",
            "Usage cap exceeded: Monthly product cap",
            extra={
                "account_id": int(st.creds.account_id),
                "product_name": "standard-basic",
                "period": "Monthly",
                "scope": "Product",
            },
        )
    return await fn(request, st, ident, form)


# =============================================================================== v2 handlers
def _user_json(st: SandboxState, u: User, fields: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {"id": u.id, "name": u.name, "username": u.username}
    wanted = {f.strip() for f in (fields or "").split(",") if f.strip()}
    extra: dict[str, Any] = {
        "created_at": u.created_at,
        "description": u.description,
        "protected": u.protected,
        "verified": u.verified,
    }
    for f in sorted(wanted & extra.keys()):
        out[f] = extra[f]
    if "public_metrics" in wanted:
        n = st.tweet_count(u.id)
        out["public_metrics"] = {"followers_count": 42, "following_count": 7, "tweet_count": n, "listed_count": 0}
    return out


def _iso(ms: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms / 1000)) + f".{ms % 1000:03d}Z"


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
async def user_by_username(
    request: Request, st: SandboxState, ident: Identity, form: Sequence[tuple[str, str]]
) -> Response:
    name = request.path_params["username"]
    if not USERNAME_RE.match(name):
        return E.invalid_request(
            [
                {
                    "parameters": {"username": [name]},
                    "message": f"The `username` query parameter value [{name}] does not match ^[A-Za-z0-9_]{{1,15}}$",
                }
            ]
        )
    u = st.user_by_username(name)
    if u is None:
        return E.json_answer(
            {
                "errors": [
                    {
                        "value": name,
                        "detail": f"Could not find user with username: [{name}].",
                        "title": "Not Found Error",
                        "resource_type": "user",
                        "parameter": "username",
                        "resource_id": name,
                        "type": E.PROBLEMS + "resource-not-found",
                    }
                ]
            }
        )
    return E.json_answer({"data": _user_json(st, u, request.query_params.get("user.fields"))})


@api("search_recent")
async def search_recent(
    request: Request, st: SandboxState, ident: Identity, form: Sequence[tuple[str, str]]
) -> Response:
    q = request.query_params
    query = q.get("query", "")
    if not query.strip():
        return E.invalid_request(
            [{"parameters": {"query": []}, "message": "The `query` query parameter can not be empty"}]
        )
    if len(query) > 512:
        return E.invalid_request(
            [{"parameters": {"query": [query]}, "message": "The `query` query parameter value is too long"}]
        )
    raw_max = q.get("max_results", "10")
    if not raw_max.isdigit() or not 10 <= int(raw_max) <= 100:
        return E.invalid_request(
            [
                {
                    "parameters": {"max_results": [raw_max]},
                    "message": f"The `max_results` query parameter value [{raw_max}] is not between 10 and 100",
                }
            ]
        )
    max_results = int(raw_max)
    offset = 0
    page_token = q.get("next_token") or q.get("pagination_token")
    if page_token:
        saved = st.pagination.get(page_token)
        if saved is None or saved[0] != query:
            return E.invalid_request(
                [
                    {
                        "parameters": {"next_token": [page_token]},
                        "message": "The `next_token` query parameter value is invalid",
                    }
                ]
            )
        offset = saved[1]
    hits = st.search(query)
    page = hits[offset : offset + max_results]
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
async def create_tweet(
    request: Request, st: SandboxState, ident: Identity, form: Sequence[tuple[str, str]]
) -> Response:
    data = await read_json_body(request)
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        return E.invalid_request(
            [{"message": "$.text: the `text` field is required unless media or a poll is attached"}]
        )
    if _too_long(text):
        return E.problem(403, "about:blank", "Forbidden", "Your Tweet text is too long.")
    author = ident.user_id or st.me.id
    if st.is_duplicate(author, text):
        return E.problem(
            403, "about:blank", "Forbidden", "You are not allowed to create a Tweet with duplicate content."
        )
    t = st.add_tweet(author, text)
    host = request.headers.get("host", "api.x.com")
    return E.json_answer(
        {"data": {"id": t.id, "text": t.text, "edit_history_tweet_ids": [t.id]}},
        201,
        headers={"location": f"https://{host}/2/tweets/{t.id}"},
    )


@api("delete_tweet")
async def delete_tweet(
    request: Request, st: SandboxState, ident: Identity, form: Sequence[tuple[str, str]]
) -> Response:
    tid = request.path_params["id"]
    if not tid.isdigit() or len(tid) > 19:
        return E.invalid_request(
            [{"parameters": {"id": [tid]}, "message": f"The `id` query parameter value [{tid}] is not valid"}]
        )
    t = st.tweets.get(tid)
    if t is None or t.deleted:
        return E.json_answer({"data": {"deleted": False}})
    if t.author_id != (ident.user_id or st.me.id):
        return E.problem(403, "about:blank", "Forbidden", "You are not allowed to delete this Tweet.")
    t.deleted = True
    return E.json_answer({"data": {"deleted": True}})


@api("dm_send")
async def dm_send(request: Request, st: SandboxState, ident: Identity, form: Sequence[tuple[str, str]]) -> Response:
    pid = request.path_params["participant_id"]
    if not pid.isdigit():
        return E.invalid_request(
            [
                {
                    "parameters": {"participant_id": [pid]},
                    "message": f"The `participant_id` query parameter value [{pid}] is not valid",
                }
            ]
        )
    data = await read_json_body(request)
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        return E.invalid_request([{"message": "$.text: the `text` field is required unless attachments are present"}])
    me = ident.user_id or st.me.id
    if pid == me:
        return E.problem(403, "about:blank", "Forbidden", "You cannot send a Direct Message to yourself.")
    a, b = sorted((me, pid), key=int)
    return E.json_answer({"data": {"dm_conversation_id": f"{a}-{b}", "dm_event_id": st.next_id()}}, 201)


@api("usage_tweets")
async def usage_tweets(
    request: Request, st: SandboxState, ident: Identity, form: Sequence[tuple[str, str]]
) -> Response:
    reset_day = 1 + st.seed % 28
    return E.json_answer(
        {
            "data": {
                "cap_reset_day": reset_day,
                "project_cap": str(st.project_cap),
                "project_id": st.creds.project_id,
                "project_usage": str(st.project_usage),
            }
        }
    )


# =============================================================================== v1.1 handlers
def _v1_user(st: SandboxState, u: User) -> dict[str, Any]:
    n = st.tweet_count(u.id)
    created = time.strftime("%a %b %d %H:%M:%S +0000 %Y", time.strptime(u.created_at[:19], "%Y-%m-%dT%H:%M:%S"))
    return {
        "id": int(u.id),
        "id_str": u.id,
        "name": u.name,
        "screen_name": u.username,
        "location": "",
        "description": u.description,
        "url": None,
        "entities": {"description": {"urls": []}},
        "protected": u.protected,
        "followers_count": 42,
        "friends_count": 7,
        "listed_count": 0,
        "created_at": created,
        "favourites_count": 3,
        "utc_offset": None,
        "time_zone": None,
        "geo_enabled": False,
        "verified": u.verified,
        "statuses_count": n,
        "lang": None,
        "contributors_enabled": False,
        "is_translator": False,
        "is_translation_enabled": False,
        "profile_background_color": "F5F8FA",
        "profile_background_image_url": None,
        "profile_background_image_url_https": None,
        "profile_background_tile": False,
        "profile_image_url": "http://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png",
        "profile_image_url_https": "https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png",
        "profile_link_color": "1DA1F2",
        "profile_sidebar_border_color": "C0DEED",
        "profile_sidebar_fill_color": "DDEEF6",
        "profile_text_color": "333333",
        "profile_use_background_image": True,
        "has_extended_profile": False,
        "default_profile": True,
        "default_profile_image": True,
        "following": False,
        "follow_request_sent": False,
        "notifications": False,
        "translator_type": "none",
        "withheld_in_countries": [],
        "suspended": False,
        "needs_phone_verification": False,
    }


@api("verify_credentials")
async def verify_credentials(
    request: Request, st: SandboxState, ident: Identity, form: Sequence[tuple[str, str]]
) -> Response:
    return E.json_answer(_v1_user(st, st.users[ident.user_id or st.me.id]), content_type=E.V11_JSON)


@api("statuses_update")
async def statuses_update(
    request: Request, st: SandboxState, ident: Identity, form: Sequence[tuple[str, str]]
) -> Response:
    params = dict(form)
    params.update(request.query_params)
    text = params.get("status", "")
    if not text.strip():
        return E.json_answer(
            {"errors": [{"code": 170, "message": "Missing required parameter: status."}]}, 400, E.V11_JSON
        )
    if _too_long(text):
        return E.json_answer(
            {"errors": [{"code": 186, "message": "Tweet needs to be a bit shorter."}]}, 403, E.V11_JSON
        )
    author = ident.user_id or st.me.id
    if st.is_duplicate(author, text):
        return E.coded(187, v2=False)
    t = st.add_tweet(author, text)
    created = time.strftime("%a %b %d %H:%M:%S +0000 %Y", time.gmtime(t.created_ms / 1000))
    return E.json_answer(
        {
            "created_at": created,
            "id": int(t.id),
            "id_str": t.id,
            "text": t.text,
            "truncated": False,
            "entities": {"hashtags": [], "symbols": [], "user_mentions": [], "urls": []},
            "source": f'<a href="https://x.com" rel="nofollow">{APP_NAME}</a>',
            "in_reply_to_status_id": None,
            "in_reply_to_status_id_str": None,
            "in_reply_to_user_id": None,
            "in_reply_to_user_id_str": None,
            "in_reply_to_screen_name": None,
            "user": _v1_user(st, st.users[author]),
            "geo": None,
            "coordinates": None,
            "place": None,
            "contributors": None,
            "is_quote_status": False,
            "retweet_count": 0,
            "favorite_count": 0,
            "favorited": False,
            "retweeted": False,
            "lang": "en",
        },
        content_type=E.V11_JSON,
    )


@api("oauth_invalidate")
async def oauth_invalidate(
    request: Request, st: SandboxState, ident: Identity, form: Sequence[tuple[str, str]]
) -> Response:
    """POST /1.1/oauth/invalidate_token: revokes the OAuth 1.0a token that signed the request."""
    rec = st.oauth1_tokens[ident.token]
    rec.revoked = True
    return E.json_answer({"access_token": rec.token}, content_type=E.V11_JSON)
