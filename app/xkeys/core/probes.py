"""Live checks: each probe asks X one question and returns a `CheckResult`.

What each request is and what each answer means: shared/FACTS.md section 2 (the table of
probes) and section 3 (error bodies). Every failing or warning result names a diagnosis id
(shared/DESIGN.md): from `explain.from_response` for HTTP answers, from `http.TransportFailure`
when no usable answer came back.

Scheduling: every probe is an asyncio task started at once. Probes whose input is another
probe's output wait only for that one (bearer-matches-app and the usage fallback wait for the
consumer pair, access-level for the user token, clock for the first `date` header,
rate-limit for the requests of the others), so a healthy full set costs about one round trip
(two when usage has to wait for the app's bearer) instead of one per probe.
"""

from __future__ import annotations

import asyncio
import email.utils
import hmac
import inspect
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import httpx

from xkeys.core import redact
from xkeys.core.http import (
    NETWORK_UNREACHABLE,
    X_SERVER_ERROR,
    OAuth1Auth,
    SigningError,
    TransportFailure,
    basic_auth_header,
    header_safe,
    parse_json,
    send,
)
from xkeys.core.kinds import Kind
from xkeys.core.results import CheckResult, Status

# ---------------------------------------------------------------------------------------------
# knowledge (data, each citing FACTS.md)

#: check ids, in report order (DESIGN.md "doctor")
PROBE_IDS: tuple[str, ...] = (
    "probe.consumer-pair",
    "probe.bearer",
    "probe.bearer-matches-app",
    "probe.user-token",
    "probe.access-level",
    "probe.oauth2-client",
    "probe.oauth2-token",
    "probe.clock",
    "probe.usage",
    "probe.rate-limit",
)

NEEDS: tuple[str, ...] = ("read", "write", "dm")

#: FACTS.md section 2 "write permission": the `x-access-level` values that satisfy each need
ACCESS_LEVELS_OK: dict[str, tuple[str, ...]] = {
    "read": ("read", "read-write", "read-write-directmessages"),
    "write": ("read-write", "read-write-directmessages"),
    "dm": ("read-write-directmessages",),
}
ACCESS_LEVEL_DIAGNOSIS: dict[str, str] = {"write": "write-permission-missing", "dm": "dm-permission-missing"}

#: FACTS.md section 2 "Scopes": most reads need tweet.read users.read, posting tweet.write too,
#: DMs dm.read dm.write
NEED_SCOPES: dict[str, tuple[str, ...]] = {
    "read": ("tweet.read", "users.read"),
    "write": ("tweet.read", "users.read", "tweet.write"),
    "dm": ("tweet.read", "users.read", "dm.read", "dm.write"),
}
#: staying connected past the 2 h token lifetime needs offline.access (FACTS.md section 2)
LONG_LIVED_SCOPE = "offline.access"

#: FACTS.md section 2: the app-only probe target and the probe endpoints
BEARER_PROBE_PATH = "/2/users/by/username/XDevelopers"
USER_ME_PATH = "/2/users/me"
APP_TOKEN_PATH = "/oauth2/token"
OAUTH2_TOKEN_PATH = "/2/oauth2/token"
USAGE_PATH = "/2/usage/tweets"
TWEETS_PATH = "/2/tweets"
DM_PATH = "/2/dm_conversations/with/{user_id}/messages"
#: a syntactically plausible, never-issued authorization code and PKCE verifier (43+ chars):
#: X answers `invalid_request` "authorization code was invalid" only once the client is accepted
DUMMY_CODE = "xkeys-doctor-probe-not-a-real-code"
DUMMY_VERIFIER = "xkeys-doctor-probe-verifier-0123456789abcdefghijkl"
DEFAULT_REDIRECT_URI = "http://127.0.0.1/callback"

#: FACTS.md section 2 "clock": OAuth 1.0a breaks (code 135) beyond ~5 minutes of skew
CLOCK_WARN_SECONDS = 60.0
CLOCK_FAIL_SECONDS = 300.0
#: usage (FACTS.md section 2: project_usage vs project_cap) and rate-limit headroom thresholds
USAGE_WARN_FRACTION = 0.9
RATE_WARN_FRACTION = 0.1

PROBE_LABELS: dict[str, str] = {
    "probe.consumer-pair": "API Key + Secret (app-only token exchange)",
    "probe.bearer": "Bearer Token works",
    "probe.bearer-matches-app": "Bearer Token belongs to this app",
    "probe.user-token": "Access Token + Secret (OAuth 1.0a user context)",
    "probe.access-level": "App permission level",
    "probe.oauth2-client": "OAuth 2.0 Client ID + Secret",
    "probe.oauth2-token": "OAuth 2.0 user token and scopes",
    "probe.clock": "System clock",
    "probe.usage": "Monthly usage cap",
    "probe.rate-limit": "Rate-limit headroom",
}


#: what credential each probe's requests carry: `explain.from_response(context=...)` uses it to
#: settle answers without an error code (a bare 401 means different things per credential)
PROBE_CONTEXT: dict[str, str] = {
    "probe.consumer-pair": "consumer-pair",
    "probe.bearer": "bearer",
    "probe.usage": "bearer",
    "probe.user-token": "oauth1",
    "probe.oauth2-client": "oauth2-client",
    "probe.oauth2-token": "oauth2-user",
}


def _explain(status: int, headers: Mapping[str, str], body: str | bytes, context: str | None) -> Any:
    from xkeys.core.explain import from_response  # engineer D's module

    try:
        return from_response(status, headers, body, context=context)
    except TypeError:  # an explain without contexts
        return from_response(status, headers, body)


@dataclass
class _Observed:
    """A response seen by any probe: what the clock and rate-limit probes work from."""

    path: str
    status: int
    local_time: float
    date: str | None
    rate: dict[str, str]


@dataclass
class ProbeInputs:
    """The (sanitized) values the probes use, plus what `--need` asks for."""

    values: Mapping[Kind, str]
    need: str = "write"
    redirect_uri: str | None = None
    #: scopes known to be granted to the OAuth 2.0 token (from the profile), None if unknown
    scopes: tuple[str, ...] | None = None


def _now_ms(start: float) -> int:
    return int(round((time.perf_counter() - start) * 1000))


class ProbeRun:
    """One concurrent run of every probe whose inputs exist."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        inputs: ProbeInputs,
        *,
        clock: Callable[[], float] = time.time,
        on_result: Callable[[CheckResult], Any] | None = None,
    ) -> None:
        if inputs.need not in NEEDS:
            raise ValueError(f"--need must be one of {', '.join(NEEDS)}")
        self.client = client
        self.inputs = inputs
        self.v = {k: v for k, v in inputs.values.items() if v}
        self.clock = clock
        self.on_result = on_result
        self.results: dict[str, CheckResult] = {}
        self.observed: list[_Observed] = []
        self.requests = 0
        self.user: dict[str, str] | None = None
        self.access_level: str | None = None
        self.transaction_ids: list[str] = []
        self._app_bearer: str | None = None
        self._tasks: dict[str, asyncio.Task[CheckResult]] = {}
        self._first_date: asyncio.Future[_Observed] | None = None
        self._live: set[str] = set()

    # -- plumbing ---------------------------------------------------------------------------

    async def _request(self, probe_id: str, method: str, path: str, **kw: Any) -> httpx.Response:
        self._live.add(probe_id)
        self.requests += 1
        response = await send(self.client, method, path, **kw)
        await response.aread()
        self._observe(path, response)
        return response

    def _observe(self, path: str, response: httpx.Response) -> None:
        h = response.headers
        ob = _Observed(
            path=path,
            status=response.status_code,
            local_time=self.clock(),
            date=h.get("date"),
            rate={k: h[k] for k in h.keys() if k.startswith(("x-rate-limit-", "x-app-limit-", "x-user-limit-"))},
        )
        self.observed.append(ob)
        tid = h.get("x-transaction-id")
        if tid and tid not in self.transaction_ids:
            self.transaction_ids.append(tid)
        if ob.date and self._first_date is not None and not self._first_date.done():
            self._first_date.set_result(ob)

    async def _finish(self, result: CheckResult) -> None:
        self.results[result.id] = result
        if self.on_result is None:
            return
        try:
            out = self.on_result(result)
            if inspect.isawaitable(out):
                await out
        except Exception:  # a broken listener must not break the run
            pass

    async def _guard(self, probe_id: str, fn: Callable[[], Awaitable[CheckResult]]) -> CheckResult:
        start = time.perf_counter()
        try:
            result = await fn()
        except TransportFailure as f:
            result = CheckResult(
                probe_id, Status.FAIL, redact.scrub(f.message), f.diagnosis, details={"transport": f.kind}
            )
        except SigningError as exc:
            result = CheckResult(probe_id, Status.FAIL, redact.scrub(str(exc)), "paste-hygiene")
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # last line of defence: a diagnosis, never a traceback
            result = CheckResult(
                probe_id,
                Status.FAIL,
                f"the check failed unexpectedly ({type(exc).__name__}: {redact.scrub(str(exc))[:160]})",
                "unknown",
            )
        result.message = redact.scrub(result.message)
        if result.elapsed_ms is None:
            result.elapsed_ms = _now_ms(start)
        if probe_id in self._live:
            result.details.setdefault("live", True)
        await self._finish(result)
        return result

    def _skip(self, probe_id: str, reason: str) -> Callable[[], Awaitable[CheckResult]]:
        async def fn() -> CheckResult:
            return CheckResult(probe_id, Status.SKIP, reason, elapsed_ms=0)

        fn.is_skip = True  # type: ignore[attr-defined]
        return fn

    def _diagnose(self, response: httpx.Response, fallback: str, pid: str | None = None) -> tuple[str, str]:
        """(diagnosis id, short description of X's answer) for a non-success answer."""
        try:
            exp = _explain(response.status_code, dict(response.headers), response.content, PROBE_CONTEXT.get(pid or ""))
            diag = getattr(exp, "diagnosis", None) or "unknown"
        except Exception:
            diag = "unknown"
        if diag == "unknown":
            diag = fallback
        said = _said(response)
        return diag, f"HTTP {response.status_code}{(', ' + said) if said else ''}"

    # -- the probes -------------------------------------------------------------------------

    async def consumer_pair(self) -> CheckResult:
        pid = "probe.consumer-pair"
        key, secret = self.v[Kind.CONSUMER_KEY], self.v[Kind.CONSUMER_SECRET]
        if not (header_safe(key) and header_safe(secret)):
            return _unsendable(pid, "API Key or API Key Secret")
        r = await self._request(
            pid,
            "POST",
            APP_TOKEN_PATH,
            headers={"Authorization": basic_auth_header(key, secret)},
            data={"grant_type": "client_credentials"},
        )
        if r.status_code == 200:
            body = parse_json(r)
            token = body.get("access_token") if isinstance(body, dict) else None
            if isinstance(token, str) and token and str(body.get("token_type", "")).lower() == "bearer":
                self._app_bearer = token
                redact.remember(token)
                return CheckResult(
                    pid,
                    Status.PASS,
                    "X accepted the API Key and Secret and issued the app's Bearer Token",
                    details={"bearer_fingerprint": redact.fingerprint(unquote(token))},
                )
            return CheckResult(pid, Status.FAIL, "X answered 200 without a bearer token in the body", X_SERVER_ERROR)
        diag, said = self._diagnose(
            r, "bad-consumer-credentials" if r.status_code in (401, 403) else X_SERVER_ERROR, pid
        )
        return CheckResult(
            pid,
            Status.FAIL,
            _refused("the API Key and Secret", said, diag),
            diag,
            details={"http_status": r.status_code},
        )

    async def _bearer_get(self, pid: str, token: str, path: str) -> httpx.Response:
        return await self._request(pid, "GET", path, headers={"Authorization": f"Bearer {token}"})

    async def bearer(self) -> CheckResult:
        pid = "probe.bearer"
        token = self.v[Kind.BEARER_TOKEN]
        if not header_safe(token):
            return _unsendable(pid, "Bearer Token")
        r = await self._bearer_get(pid, token, BEARER_PROBE_PATH)
        if r.status_code == 200:
            parse_json(r)
            return CheckResult(pid, Status.PASS, "the Bearer Token works (app-only user lookup answered)")
        diag, said = self._diagnose(r, "invalid-or-expired-token" if r.status_code == 401 else X_SERVER_ERROR, pid)
        status, message = _soft_or_fail(
            diag, r, "the Bearer Token is accepted, but", _refused("the Bearer Token", said, diag)
        )
        return CheckResult(pid, status, message, diag, details={"http_status": r.status_code})

    async def bearer_matches_app(self) -> CheckResult:
        pid = "probe.bearer-matches-app"
        pair = await self._tasks["probe.consumer-pair"]
        if pair.status is not Status.PASS or not self._app_bearer:
            return CheckResult(pid, Status.SKIP, "needs a working API Key and Secret to fetch the app's Bearer Token")
        pasted = self.v[Kind.BEARER_TOKEN]
        # X URL-encodes the token (%3D); a hand-decoded copy (=) is the same token (FACTS.md 3)
        same = hmac.compare_digest(unquote(pasted).encode(), unquote(self._app_bearer).encode())
        fp_app, fp_pasted = redact.fingerprint(unquote(self._app_bearer)), redact.fingerprint(unquote(pasted))
        if same:
            return CheckResult(
                pid,
                Status.PASS,
                "the Bearer Token is the one this API Key and Secret issue",
                details={"fingerprint": fp_app},
            )
        return CheckResult(
            pid,
            Status.FAIL,
            f"the Bearer Token (fp {fp_pasted}) is not this app's (its bearer has fp {fp_app}): "
            "it belongs to another app or to an older key generation",
            "bearer-wrong-app",
            details={"app_fingerprint": fp_app, "pasted_fingerprint": fp_pasted},
        )

    async def user_token(self) -> CheckResult:
        pid = "probe.user-token"
        ck, cs = self.v[Kind.CONSUMER_KEY], self.v[Kind.CONSUMER_SECRET]
        at, ats = self.v[Kind.ACCESS_TOKEN], self.v[Kind.ACCESS_TOKEN_SECRET]
        if not all(header_safe(x) for x in (ck, cs, at, ats)):
            return _unsendable(pid, "one of the four OAuth 1.0a values")
        r = await self._request(pid, "GET", USER_ME_PATH, auth=OAuth1Auth(ck, cs, at, ats))
        if r.status_code == 200:
            body = parse_json(r)
            data = body.get("data") if isinstance(body, dict) else None
            if not isinstance(data, dict) or "id" not in data:
                return CheckResult(pid, Status.FAIL, "X answered 200 without a user in the body", X_SERVER_ERROR)
            uid, uname = str(data.get("id")), str(data.get("username", ""))
            self.user = {"id": uid, "username": uname}
            level = r.headers.get("x-access-level")
            self.access_level = level
            details: dict[str, Any] = {"user_id": uid, "username": uname, "access_level": level}
            prefix = at.split("-", 1)[0]
            if prefix != uid:
                # FACTS.md section 1: the access token's numeric prefix is the user it acts for
                return CheckResult(
                    pid,
                    Status.WARN,
                    f"the token works as @{uname} (id {uid}) but its prefix names user {prefix[:19]}: "
                    "the Access Token and Secret may come from different generations",
                    "invalid-or-expired-token",
                    details=details,
                )
            return CheckResult(
                pid, Status.PASS, f"the four OAuth 1.0a values work: acting as @{uname} (id {uid})", details=details
            )
        diag, said = self._diagnose(r, "signature-rejected" if r.status_code == 401 else X_SERVER_ERROR, pid)
        status, message = _soft_or_fail(
            diag, r, "the user token is accepted, but", _refused("the four OAuth 1.0a values", said, diag)
        )
        return CheckResult(pid, status, message, diag, details={"http_status": r.status_code})

    async def access_level_check(self) -> CheckResult:
        pid = "probe.access-level"
        ut = await self._tasks["probe.user-token"]
        if ut.status not in (Status.PASS, Status.WARN) or self.user is None:
            return CheckResult(
                pid, Status.SKIP, "needs a working Access Token and Secret (x-access-level comes with it)"
            )
        level = self.access_level
        need = self.inputs.need
        if not level:
            return CheckResult(pid, Status.SKIP, "X did not send an x-access-level header with the user answer")
        if level in ACCESS_LEVELS_OK[need]:
            return CheckResult(
                pid,
                Status.PASS,
                f"the tokens carry access level {level!r}, enough for --need {need}",
                details={"access_level": level},
            )
        diag = ACCESS_LEVEL_DIAGNOSIS[need]
        return CheckResult(
            pid,
            Status.FAIL,
            f"the tokens carry access level {level!r}; --need {need} requires "
            f"{' or '.join(repr(x) for x in ACCESS_LEVELS_OK[need])}: set the app permission, "
            "then regenerate the Access Token and Secret",
            diag,
            details={"access_level": level},
        )

    async def oauth2_client(self) -> CheckResult:
        pid = "probe.oauth2-client"
        cid = self.v[Kind.CLIENT_ID]
        secret = self.v.get(Kind.CLIENT_SECRET)
        if not header_safe(cid) or (secret is not None and not header_safe(secret)):
            return _unsendable(pid, "Client ID or Client Secret")
        redirect = self.inputs.redirect_uri or DEFAULT_REDIRECT_URI
        headers = {"Authorization": basic_auth_header(cid, secret)} if secret else {}
        form = {
            "grant_type": "authorization_code",
            "code": DUMMY_CODE,
            "redirect_uri": redirect,
            "code_verifier": DUMMY_VERIFIER,
            "client_id": cid,
        }
        r = await self._request(pid, "POST", OAUTH2_TOKEN_PATH, headers=headers, data=form)
        who = "Client ID and Secret" if secret else "Client ID (public client, no secret)"
        body: Any = None
        try:
            body = parse_json(r)
        except TransportFailure:
            if r.status_code >= 500 or r.status_code < 400:
                raise
        err = str(body.get("error", "")) if isinstance(body, dict) else ""
        desc = str(body.get("error_description", "")) if isinstance(body, dict) else ""
        # FACTS.md section 2, OAuth 2.0 client pair: the dummy code is refused only after the client is accepted
        if r.status_code == 400 and err == "invalid_request" and "authorization code" in desc.lower():
            return CheckResult(
                pid, Status.PASS, f"X accepted the {who} (the probe's dummy code was refused, as expected)"
            )
        if err == "unauthorized_client":
            diag = "client-secret-rejected"
            msg = (
                "X refused the Client Secret for this Client ID (wrong or regenerated secret)"
                if secret
                else "X wants a Client Secret for this Client ID (a confidential client)"
            )
            return CheckResult(pid, Status.FAIL, msg, diag, details={"http_status": r.status_code})
        if err == "invalid_client":
            return CheckResult(
                pid,
                Status.FAIL,
                "X does not know this Client ID (an API Key or Bearer pasted as Client ID?)",
                "invalid-client",
                details={"http_status": r.status_code},
            )
        if r.status_code == 200:
            return CheckResult(
                pid, Status.WARN, "X exchanged the probe's dummy code: this API base does not behave like X", "unknown"
            )
        diag, said = self._diagnose(r, "invalid-client" if r.status_code in (400, 401, 403) else X_SERVER_ERROR, pid)
        return CheckResult(
            pid, Status.FAIL, _refused(f"the {who}", said, diag), diag, details={"http_status": r.status_code}
        )

    async def _scope_probe(self, pid: str, token: str, scope_set: str, path: str) -> tuple[str, httpx.Response | None]:
        """Does the token hold the write scopes of `scope_set`? Ask the write endpoint with an
        EMPTY body: X checks the token's scopes before the body, so a 403 means "scope missing"
        and a 400 (empty body refused) means "granted" - nothing can be posted or sent."""
        r = await self._request(pid, "POST", path, headers={"Authorization": f"Bearer {token}"}, json={})
        if r.status_code == 400:
            return "granted", r
        if 200 <= r.status_code < 300:
            # cannot happen with an empty body on X; if some host did create something, undo it
            try:
                body = parse_json(r)
                new_id = body.get("data", {}).get("id") if isinstance(body, dict) else None
                if new_id and scope_set == "write":
                    await self._request(
                        pid, "DELETE", f"/2/tweets/{new_id}", headers={"Authorization": f"Bearer {token}"}
                    )
            except TransportFailure:
                pass
            return "granted", r
        return "refused", r

    async def oauth2_token(self) -> CheckResult:
        pid = "probe.oauth2-token"
        token = self.v[Kind.OAUTH2_ACCESS_TOKEN]
        if not header_safe(token):
            return _unsendable(pid, "OAuth 2.0 access token")
        need = self.inputs.need
        granted = self.inputs.scopes
        # FACTS.md section 2: missing scopes do not stop the consent, later calls answer 403. When
        # the granted scopes are not recorded, the write scope is tested alongside users/me.
        write_probe: asyncio.Task[tuple[str, httpx.Response | None]] | None = None
        if granted is None and need in ("write", "dm"):
            write_probe = asyncio.create_task(self._scope_probe(pid, token, "write", TWEETS_PATH))
        try:
            r = await self._bearer_get(pid, token, USER_ME_PATH)
        except BaseException:
            if write_probe is not None:
                write_probe.cancel()
            raise
        if r.status_code != 200:
            if write_probe is not None:
                write_probe.cancel()
            fallback = (
                "oauth2-token-expired"
                if r.status_code == 401
                else "missing-scopes"
                if r.status_code == 403
                else X_SERVER_ERROR
            )
            diag, said = self._diagnose(r, fallback, pid)
            if r.status_code == 401 and diag in (
                "invalid-or-expired-token",
                "unsupported-authentication",
                "bad-auth-header",
                "signature-rejected",
            ):
                diag = "oauth2-token-expired"  # a 401 for an OAuth 2.0 user token: expired (2 h) or revoked
                said = f"{said}: expired (2 h) or revoked"
            status, message = _soft_or_fail(
                diag, r, "the OAuth 2.0 token is accepted, but", _refused("the OAuth 2.0 user token", said, diag)
            )
            if r.status_code == 403 and diag == "missing-scopes":
                message = (
                    f"X refused the OAuth 2.0 user token for users/me ({said}): it lacks "
                    f"{' '.join(NEED_SCOPES['read'])}"
                )
            return CheckResult(pid, status, message, diag, details={"http_status": r.status_code})
        body = parse_json(r)
        data = body.get("data") if isinstance(body, dict) else None
        uname = str(data.get("username", "")) if isinstance(data, dict) else ""
        uid = str(data.get("id", "")) if isinstance(data, dict) else ""
        if self.user is None and uid:
            self.user = {"id": uid, "username": uname}
        details: dict[str, Any] = {"user_id": uid, "username": uname}
        if granted is not None:
            missing = [s for s in NEED_SCOPES[need] if s not in granted]
            details["scopes"] = list(granted)
            details["scopes_from"] = "profile"
        else:
            # users/me answering proves tweet.read + users.read (FACTS.md section 2)
            missing = []
            unknown: list[str] = []
            checks: list[tuple[str, tuple[str, ...], Awaitable[tuple[str, httpx.Response | None]]]] = []
            if write_probe is not None:
                checks.append(("write", ("tweet.write",), write_probe))
            if need == "dm" and uid:
                checks.append(
                    ("dm", ("dm.read", "dm.write"), self._scope_probe(pid, token, "dm", DM_PATH.format(user_id=uid)))
                )
            for scope_set, scopes, aw in checks:
                verdict, resp = await aw
                if verdict == "granted":
                    continue
                assert resp is not None
                diag, said = self._diagnose(resp, "missing-scopes" if resp.status_code == 403 else X_SERVER_ERROR, pid)
                if resp.status_code == 403 and diag in (
                    "missing-scopes",
                    "unknown",
                    "write-permission-missing",
                    "dm-permission-missing",
                    "unsupported-authentication",
                ):
                    missing.extend(scopes)
                elif diag in ("rate-limited",) or resp.status_code >= 500:
                    unknown.extend(scopes)
                else:
                    status, message = _soft_or_fail(
                        diag,
                        resp,
                        "the OAuth 2.0 token is accepted, but",
                        f"the OAuth 2.0 token works as @{uname}, but X refused it for {scope_set} ({said})",
                    )
                    return CheckResult(pid, status, message, diag, details=details)
            details["scopes_from"] = "probed"
            if unknown:
                details["scopes_unknown"] = unknown
        if missing:
            details["missing_scopes"] = missing
            return CheckResult(
                pid,
                Status.FAIL,
                f"the OAuth 2.0 token works as @{uname} but lacks {' '.join(missing)} "
                f"for --need {need}: log in again (xkeys login pkce) asking for those scopes",
                "missing-scopes",
                details=details,
            )
        if granted is not None:
            tail = "" if LONG_LIVED_SCOPE in granted else f" (no {LONG_LIVED_SCOPE}: it cannot be refreshed after 2 h)"
            return CheckResult(
                pid,
                Status.PASS,
                f"the OAuth 2.0 user token works as @{uname} with the scopes --need {need} requires{tail}",
                details=details,
            )
        if details.get("scopes_unknown"):
            return CheckResult(
                pid,
                Status.PASS,
                f"the OAuth 2.0 user token works as @{uname}; whether it holds "
                f"{' '.join(details['scopes_unknown'])} could not be settled just now",
                details=details,
            )
        return CheckResult(
            pid,
            Status.PASS,
            f"the OAuth 2.0 user token works as @{uname} and holds the scopes --need {need} requires "
            "(checked without posting anything)",
            details=details,
        )

    async def clock_check(self) -> CheckResult:
        pid = "probe.clock"
        assert self._first_date is not None
        others = [t for k, t in self._tasks.items() if k not in ("probe.clock", "probe.rate-limit")]
        # the first date header usually arrives before any probe finishes; else wait for all
        while not self._first_date.done():
            pending = [t for t in others if not t.done()]
            if not pending:
                break
            waiting: list[asyncio.Future[_Observed] | asyncio.Task[CheckResult]] = [self._first_date, *pending]
            await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
        if not self._first_date.done():
            return CheckResult(pid, Status.SKIP, "no answer from X carried a date header to compare with")
        ob = self._first_date.result()
        server = _parse_http_date(ob.date or "")
        if server is None:
            return CheckResult(pid, Status.SKIP, f"X's date header could not be read ({(ob.date or '')[:40]!r})")
        skew = ob.local_time - server  # > 0: this machine is ahead
        # the header has whole seconds: up to 1 s of the difference is rounding
        magnitude = max(0.0, abs(skew) - 1.0)
        direction = "ahead of" if skew > 0 else "behind"
        details = {"skew_seconds": round(skew, 1)}
        if magnitude >= CLOCK_FAIL_SECONDS:
            return CheckResult(
                pid,
                Status.FAIL,
                f"this machine's clock is {_human(abs(skew))} {direction} X's: OAuth 1.0a requests fail "
                "(code 135) - turn on automatic time (NTP)",
                "clock-skew",
                details=details,
            )
        if magnitude >= CLOCK_WARN_SECONDS:
            return CheckResult(
                pid,
                Status.WARN,
                f"this machine's clock is {_human(abs(skew))} {direction} X's: still inside the window, "
                "but turn on automatic time (NTP)",
                "clock-skew",
                details=details,
            )
        return CheckResult(
            pid, Status.PASS, f"the clock agrees with X's (within {max(1, round(abs(skew)))} s)", details=details
        )

    async def usage(self) -> CheckResult:
        pid = "probe.usage"
        token = self.v.get(Kind.BEARER_TOKEN)
        if token is not None and not header_safe(token):
            token = None
        if token is None:
            pair = self._tasks.get("probe.consumer-pair")
            if pair is not None:
                await pair
            token = self._app_bearer
            if token is None:
                return CheckResult(pid, Status.SKIP, "needs a working Bearer Token (or API Key and Secret)")
        r = await self._bearer_get(pid, token, USAGE_PATH)
        if (
            r.status_code == 401
            and self._app_bearer is None
            and Kind.CONSUMER_KEY in self.v
            and "probe.consumer-pair" in self._tasks
        ):
            # the pasted bearer is refused (probe.bearer says why): try the app's own bearer
            await self._tasks["probe.consumer-pair"]
            if self._app_bearer:
                r = await self._bearer_get(pid, self._app_bearer, USAGE_PATH)
        if r.status_code == 200:
            body = parse_json(r)
            data = body.get("data") if isinstance(body, dict) else None
            if not isinstance(data, dict):
                return CheckResult(pid, Status.FAIL, "X answered 200 without usage data", X_SERVER_ERROR)
            used, cap = _num(data.get("project_usage")), _num(data.get("project_cap"))
            reset_day = data.get("cap_reset_day")
            details = {"project_usage": used, "project_cap": cap, "cap_reset_day": reset_day}
            resets = f"; the cap resets on day {reset_day} of the month" if reset_day is not None else ""
            if used is None or not cap:
                return CheckResult(pid, Status.PASS, f"usage answered without a cap{resets}", details=details)
            share = used / cap
            text = f"{used:,} of {cap:,} posts read this month ({share:.0%}){resets}"
            if share >= 1:
                return CheckResult(pid, Status.FAIL, f"monthly cap reached: {text}", "usage-capped", details=details)
            if share >= USAGE_WARN_FRACTION:
                return CheckResult(
                    pid, Status.WARN, f"close to the monthly cap: {text}", "usage-capped", details=details
                )
            return CheckResult(pid, Status.PASS, text, details=details)
        diag, said = self._diagnose(r, X_SERVER_ERROR, pid)
        status, message = _soft_or_fail(
            diag, r, "the usage check is accepted, but", _refused("the bearer on the usage endpoint", said, diag)
        )
        return CheckResult(pid, status, message, diag, details={"http_status": r.status_code})

    async def rate_limit(self) -> CheckResult:
        pid = "probe.rate-limit"
        others = [t for k, t in self._tasks.items() if k not in ("probe.rate-limit", "probe.clock")]
        if others:
            await asyncio.wait(others)
        rows = []
        for ob in self.observed:
            if ob.status >= 400 and ob.status != 429:
                continue  # refused before X knew whose window to count: the numbers say nothing
            limit, remaining = _num(ob.rate.get("x-rate-limit-limit")), _num(ob.rate.get("x-rate-limit-remaining"))
            reset = _num(ob.rate.get("x-rate-limit-reset"))
            if limit and remaining is not None:
                rows.append((remaining / limit, ob.path, limit, remaining, reset, ob.local_time))
            for scope in ("app", "user"):
                lim24 = _num(ob.rate.get(f"x-{scope}-limit-24hour-limit"))
                rem24 = _num(ob.rate.get(f"x-{scope}-limit-24hour-remaining"))
                if lim24 and rem24 is not None:
                    rows.append(
                        (
                            rem24 / lim24,
                            f"{ob.path} ({scope} 24 h)",
                            lim24,
                            rem24,
                            _num(ob.rate.get(f"x-{scope}-limit-24hour-reset")),
                            ob.local_time,
                        )
                    )
        if not rows:
            return CheckResult(pid, Status.SKIP, "no answer from X carried rate-limit headers")
        rows.sort(key=lambda r: r[0])
        share, path, limit, remaining, reset, seen_at = rows[0]
        wait = f", resets in {_human(max(0.0, reset - seen_at))}" if reset else ""
        details = {
            "endpoint": path,
            "limit": limit,
            "remaining": remaining,
            "reset": reset,
            "endpoints": sorted({r[1] for r in rows}),
        }
        text = f"{path}: {remaining:,} of {limit:,} requests left in this window{wait}"
        if remaining <= 0:
            return CheckResult(pid, Status.WARN, f"rate limit exhausted - {text}", "rate-limited", details=details)
        if share < RATE_WARN_FRACTION:
            return CheckResult(pid, Status.WARN, f"little headroom - {text}", "rate-limited", details=details)
        return CheckResult(pid, Status.PASS, f"headroom on every endpoint probed; tightest {text}", details=details)

    # -- scheduling -------------------------------------------------------------------------

    def plan(self) -> dict[str, Callable[[], Awaitable[CheckResult]]]:
        """probe id -> coroutine function (a skip when the inputs are missing)."""

        def has(*ks: Kind) -> bool:
            return all(k in self.v for k in ks)

        plan: dict[str, Callable[[], Awaitable[CheckResult]]] = {}
        plan["probe.consumer-pair"] = (
            self.consumer_pair
            if has(Kind.CONSUMER_KEY, Kind.CONSUMER_SECRET)
            else self._skip("probe.consumer-pair", "needs the API Key and API Key Secret")
        )
        plan["probe.bearer"] = (
            self.bearer if has(Kind.BEARER_TOKEN) else self._skip("probe.bearer", "no Bearer Token given")
        )
        plan["probe.bearer-matches-app"] = (
            self.bearer_matches_app
            if has(Kind.BEARER_TOKEN, Kind.CONSUMER_KEY, Kind.CONSUMER_SECRET)
            else self._skip("probe.bearer-matches-app", "needs the Bearer Token and the API Key and Secret")
        )
        plan["probe.user-token"] = (
            self.user_token
            if has(Kind.CONSUMER_KEY, Kind.CONSUMER_SECRET, Kind.ACCESS_TOKEN, Kind.ACCESS_TOKEN_SECRET)
            else self._skip(
                "probe.user-token", "needs all four OAuth 1.0a values (API Key + Secret, Access Token + Secret)"
            )
        )
        plan["probe.access-level"] = (
            self.access_level_check
            if has(Kind.CONSUMER_KEY, Kind.CONSUMER_SECRET, Kind.ACCESS_TOKEN, Kind.ACCESS_TOKEN_SECRET)
            else self._skip("probe.access-level", "needs the OAuth 1.0a user token (Access Token + Secret)")
        )
        plan["probe.oauth2-client"] = (
            self.oauth2_client
            if has(Kind.CLIENT_ID)
            else self._skip("probe.oauth2-client", "no OAuth 2.0 Client ID given")
        )
        plan["probe.oauth2-token"] = (
            self.oauth2_token
            if has(Kind.OAUTH2_ACCESS_TOKEN)
            else self._skip("probe.oauth2-token", "no OAuth 2.0 user access token given")
        )
        any_live = any(not getattr(fn, "is_skip", False) for fn in plan.values())
        plan["probe.clock"] = (
            self.clock_check if any_live else self._skip("probe.clock", "no live check to read X's clock from")
        )
        plan["probe.usage"] = (
            self.usage
            if has(Kind.BEARER_TOKEN) or has(Kind.CONSUMER_KEY, Kind.CONSUMER_SECRET)
            else self._skip("probe.usage", "needs a Bearer Token (or API Key and Secret)")
        )
        plan["probe.rate-limit"] = (
            self.rate_limit
            if any_live
            else self._skip("probe.rate-limit", "no live check to read rate-limit headers from")
        )
        return plan

    async def run(self) -> list[CheckResult]:
        """Start every probe at once; dependents await their inputs. Results in PROBE_IDS order."""
        self._first_date = asyncio.get_running_loop().create_future()
        plan = self.plan()
        for pid in PROBE_IDS:
            self._tasks[pid] = asyncio.create_task(self._guard(pid, plan[pid]), name=pid)
        try:
            await asyncio.gather(*self._tasks.values())
        finally:
            for t in self._tasks.values():
                if not t.done():
                    t.cancel()
            if not self._first_date.done():
                self._first_date.cancel()
        return [self.results[pid] for pid in PROBE_IDS]

    @property
    def live_probes(self) -> list[str]:
        """Probes that made at least one request."""
        return [pid for pid in PROBE_IDS if pid in self._live]

    @property
    def unreachable(self) -> bool:
        """True when every live probe failed because X could not be reached at all."""
        live = [self.results[p] for p in self.live_probes if p in self.results]
        return bool(live) and all(r.status is Status.FAIL and r.diagnosis == NETWORK_UNREACHABLE for r in live)


# ---------------------------------------------------------------------------------------------
# helpers

#: diagnoses that say the credential itself was accepted but something else stands in the way:
#: the probe warns instead of failing (FACTS.md section 3: 453 = plan, 88/429 = wait)
_SOFT = {
    "endpoint-not-in-plan": "your plan does not include {endpoint} (the credential itself works)",
    "rate-limited": "{endpoint} is rate-limited right now (the credential itself works)",
}


def _soft_or_fail(diag: str, response: httpx.Response, accepted: str, refused: str) -> tuple[Status, str]:
    if diag in _SOFT:
        extra = ""
        reset = _num(response.headers.get("x-rate-limit-reset"))
        if diag == "rate-limited" and reset:
            extra = f"; the window resets at {time.strftime('%H:%M:%S UTC', time.gmtime(reset))}"
        path = response.request.url.path if response.request is not None else "this endpoint"
        return Status.WARN, f"{accepted} {_SOFT[diag].format(endpoint=path)}{extra}"
    return Status.FAIL, refused


#: diagnoses that mean "this credential itself was not accepted" (vs. the account, plan or X)
_CREDENTIAL_DIAGNOSES = frozenset(
    {
        "bad-consumer-credentials",
        "signature-rejected",
        "invalid-or-expired-token",
        "bearer-wrong-app",
        "invalid-client",
        "client-secret-rejected",
        "oauth2-token-expired",
        "bad-auth-header",
        "unsupported-authentication",
        "wrong-field",
        "client-id-as-consumer-key",
        "paste-hygiene",
    }
)


def _refused(subject: str, said: str, diag: str) -> str:
    if diag in _CREDENTIAL_DIAGNOSES:
        return f"X did not accept {subject} ({said})"
    return f"the request with {subject} got {said}"


def _unsendable(pid: str, what: str) -> CheckResult:
    return CheckResult(
        pid,
        Status.FAIL,
        f"the {what} contains spaces or invisible/non-ASCII characters and cannot be sent: re-copy it",
        "paste-hygiene",
    )


def _said(response: httpx.Response) -> str:
    """X's own words, short (codes, titles, error names: never echoes request data)."""
    import json

    try:
        body = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return ""
    if isinstance(body, dict):
        errors = body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            e = errors[0]
            code = e.get("code")
            return f"code {code}" if code is not None else str(e.get("title", ""))[:60]
        if "error" in body:
            return str(body.get("error"))[:60]
        if "title" in body:
            return str(body.get("title"))[:60]
    return ""


def _num(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _parse_http_date(value: str) -> float | None:
    """RFC 7231 date with a `GMT` or (X's v2) `UTC` ending (FACTS.md section 2) -> epoch."""
    v = value.strip()
    if v.endswith(" UTC"):
        v = v[:-4] + " GMT"
    try:
        dt = email.utils.parsedate_to_datetime(v)
    except (TypeError, ValueError, IndexError):
        return None
    if dt is None:
        return None
    if dt.tzinfo is None:
        import datetime as _dt

        dt = dt.replace(tzinfo=_dt.timezone.utc)
    return dt.timestamp()


def _human(seconds: float) -> str:
    s = int(round(seconds))
    if s < 120:
        return f"{s} s"
    if s < 7200:
        return f"{int(round(s / 60))} min"
    if s < 172800:
        return f"{s / 3600:.1f} h"
    return f"{s / 86400:.1f} days"


async def run_probes(
    client: httpx.AsyncClient,
    values: Mapping[Kind, str],
    *,
    need: str = "write",
    redirect_uri: str | None = None,
    scopes: tuple[str, ...] | None = None,
    clock: Callable[[], float] = time.time,
    on_result: Callable[[CheckResult], Any] | None = None,
) -> ProbeRun:
    """Run every probe whose inputs exist; the returned run holds results, user, access level."""
    run = ProbeRun(client, ProbeInputs(values, need, redirect_uri, scopes), clock=clock, on_result=on_result)
    await run.run()
    return run
