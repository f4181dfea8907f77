"""The sandbox's Starlette app: X's endpoints (shared/FACTS.md section 2), faithfully on the wire.

Request path: `SandboxApp.__call__` (latency, seeded faults, `date` / `x-transaction-id`
headers) -> Starlette -> `_BugCatcher` (a sandbox bug becomes a loud log and a 599, never an
accidental 500) -> the route: `api` (v2/v1.1 endpoints behind one guard) or `flows` (OAuth).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Sequence
from email.utils import formatdate
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Message, Receive, Scope, Send

from xkeys.sandbox import api, flows, pages
from xkeys.sandbox import errors as E
from xkeys.sandbox.scenarios import get_scenario
from xkeys.sandbox.state import SandboxState
from xkeys.sandbox.wire import Reject

log = logging.getLogger("xkeys.sandbox")


def _routes() -> list[Route]:
    return [
        Route("/oauth2/token", flows.oauth2_token, methods=["POST"]),
        Route("/oauth2/invalidate_token", flows.oauth2_invalidate, methods=["POST"]),
        Route("/2/users/me", api.users_me, methods=["GET"]),
        Route("/2/users/by/username/{username}", api.user_by_username, methods=["GET"]),
        Route("/2/tweets/search/recent", api.search_recent, methods=["GET"]),
        Route("/2/tweets", api.create_tweet, methods=["POST"]),
        Route("/2/tweets/{id}", api.delete_tweet, methods=["DELETE"]),
        Route("/2/dm_conversations/with/{participant_id}/messages", api.dm_send, methods=["POST"]),
        Route("/2/usage/tweets", api.usage_tweets, methods=["GET"]),
        Route("/1.1/account/verify_credentials.json", api.verify_credentials, methods=["GET"]),
        Route("/1.1/statuses/update.json", api.statuses_update, methods=["POST"]),
        Route("/1.1/oauth/invalidate_token", api.oauth_invalidate, methods=["POST"]),
        Route("/1.1/oauth/invalidate_token.json", api.oauth_invalidate, methods=["POST"]),
        Route("/oauth/request_token", flows.request_token, methods=["POST"]),
        Route("/oauth/authorize", flows.authorize_page, methods=["GET"]),
        Route("/oauth/authenticate", flows.authorize_page, methods=["GET"]),
        Route("/oauth/authorize", flows.authorize_submit, methods=["POST"]),
        Route("/oauth/authenticate", flows.authorize_submit, methods=["POST"]),
        Route("/oauth/access_token", flows.access_token, methods=["POST"]),
        Route("/i/oauth2/authorize", flows.o2_authorize_page, methods=["GET"]),
        Route("/i/oauth2/authorize", flows.o2_authorize_submit, methods=["POST"]),
        Route("/2/oauth2/token", flows.o2_token, methods=["POST"]),
        Route("/2/oauth2/revoke", flows.o2_revoke, methods=["POST"]),
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
    `Reject` are answered normally."""

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
        except Reject as rej:
            if not started:
                await rej.response(scope, receive, send)
        except Exception as exc:  # noqa: BLE001 - the point of this class
            st: SandboxState = scope["app"].state.sandbox
            st.bugs.append(f"{scope.get('method')} {scope.get('path')}: {type(exc).__name__}")
            log.error("SANDBOX BUG while answering %s %s", scope.get("method"), scope.get("path"), exc_info=exc)
            if not started:
                await E.raw(
                    f"sandbox bug ({type(exc).__name__}); see the sandbox log\n", 599, "text/plain; charset=utf-8"
                )(scope, receive, send)


# ------------------------------------------------------------------------------ faults
FAULTS = ("hang", "503", "500", "reset", "bad-json")
#: what a garbage-JSON fault answers: a 200 with X's v2 JSON content type and a body cut off mid-way
#: (as a proxy or a dropped chunk would leave it)
BAD_JSON_BODY = b'{"data":{"id":"2244994945","name":"X Dev'

#: the longest an in-process hang lasts before it raises the client's timeout
IN_PROCESS_HANG = 1.0


def fault_for(seed: int, n: int) -> str | None:
    """The fault the flaky scenario injects into the n-th request (None: answer normally).

    Reproducible: a pure function of (seed, request number). About 60% of the requests fail:
    one in eight each hangs, gets a 503 HTML page, a 500 or a connection reset, and one in ten
    gets a 200 whose JSON body is cut off. (The garbage-JSON band was carved out of the answered
    half, so the other faults still hit the same requests for a given seed as before.)
    """
    r = random.Random(f"flaky:{seed}:{n}").random()
    if r < 0.4:
        return None
    if r < 0.5:
        return "bad-json"
    return FAULTS[min(int((r - 0.5) * 8), 3)]


class SandboxApp(Starlette):
    """Starlette plus the outermost layer: latency, the flaky faults, and the `date` (from the
    sandbox clock) and `x-transaction-id` headers."""

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
        elif fault == "bad-json":
            await E.raw(BAD_JSON_BODY, 200, E.V2_JSON)(scope, receive, send_with_headers)
        elif fault == "503":
            await E.raw(pages.over_capacity_page(), 503, E.HTML)(scope, receive, send_with_headers)
        else:
            resp = E.coded(131, v2=v2) if api_like else E.raw("Internal Server Error", 500, E.FORM_TEXT)
            await resp(scope, receive, send_with_headers)

    async def _hang(self, receive: Receive, transport: Any) -> None:
        """Never answer. On a real server: until the client gives up (or hang_seconds), then
        drop the connection. In-process (no transport): sleep, then raise the timeout the
        client would have seen."""
        if transport is None:
            # in-process the client's timeout cannot apply (ASGITransport ignores it): stand in
            # for it after at most IN_PROCESS_HANG seconds, so tests stay fast
            await asyncio.sleep(min(self.hang_seconds, IN_PROCESS_HANG))
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
            raise httpx.ReadError("[Errno 104] Connection reset by peer (sandbox flaky scenario)")
        transport.abort()
        for _ in range(3):  # let uvicorn see the connection_lost before the app returns
            await asyncio.sleep(0)


def _http_date(epoch: float, v2: bool) -> str:
    """RFC 7231 date; v2 answers end in `UTC`, v1.1 and others in `GMT` (FACTS.md section 2)."""
    d = formatdate(epoch, usegmt=True)
    return d[:-3] + "UTC" if v2 else d


def create_app(
    scenario: str = "healthy",
    seed: int = 0,
    latency: float = 0.0,
    clock: Callable[[], float] | None = None,
    *,
    redirect_uris: Sequence[str] | None = None,
    hang_seconds: float = 30.0,
    public_client: bool = False,
) -> SandboxApp:
    """The sandbox for one scenario and seed.

    clock: epoch seconds (for tests); the scenario's offset is added on top.
    redirect_uris: the app's registered callback URLs (default: the one in the JSON line).
    hang_seconds: how long a flaky hang lasts at most on a real server (the client usually gives
    up first); in-process a hang raises `httpx.ReadTimeout` after min(hang_seconds, 1 s).
    public_client: the OAuth 2.0 client is a public (Native App) client: no client secret.
    """
    sc = get_scenario(scenario)
    app = SandboxApp(routes=_routes(), exception_handlers={404: _not_found, 405: _not_found})
    app.add_middleware(_BugCatcher)
    app.state.sandbox = SandboxState(sc, seed, clock, redirect_uris, public_client)
    app.state.latency = max(0.0, float(latency))
    app.hang_seconds = hang_seconds
    return app


def line_info(app: SandboxApp, base_url: str) -> dict[str, Any]:
    """The JSON line `xkeys sandbox` prints (and `handle.info`)."""
    st: SandboxState = app.state.sandbox
    info: dict[str, Any] = {
        "base_url": base_url,
        "scenario": st.scenario.name,
        "redirect_uri": st.redirect_uris[0],
        "credentials": st.printed(),
    }
    if st.scenario.rotated:
        info["current"] = st.current()
    if st.client.secret is None:
        info["client_type"] = "public"
    return info
