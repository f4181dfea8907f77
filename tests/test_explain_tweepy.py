"""explain() on the exception text a real SDK (tweepy) raises against the sandbox server.

The corpus holds hand-collected wrapper forms; this checks the live article: tweepy's own
formatting of every scenario's answer, bare and inside a full traceback.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

import pytest
import tweepy

from sandbox_support import forward_x_hosts
from xkeys.core.explain import explain
from xkeys.sandbox.server import SandboxHandle


def _client(h: SandboxHandle, **over: str) -> tweepy.Client:
    c = {**h.info["credentials"], **over}
    client = tweepy.Client(
        bearer_token=c["bearer_token"],
        consumer_key=c["consumer_key"],
        consumer_secret=c["consumer_secret"],
        access_token=c["access_token"],
        access_token_secret=c["access_token_secret"],
    )
    forward_x_hosts(client.session, h.base_url)
    return client


def _api(h: SandboxHandle) -> tweepy.API:
    c = h.info["credentials"]
    api = tweepy.API(
        tweepy.OAuth1UserHandler(c["consumer_key"], c["consumer_secret"], c["access_token"], c["access_token_secret"])
    )
    forward_x_hosts(api.session, h.base_url)
    return api


def _dup(h: SandboxHandle) -> None:
    client = _client(h)
    for _ in range(2):
        client.create_tweet(text="the same words twice", user_auth=True)


CASES: list[tuple[str, str, Callable[[SandboxHandle], Any], str, int, int | str | None]] = [
    ("rotated-secret", "get_me", lambda h: _client(h).get_me(user_auth=True), "signature-rejected", 401, 32),
    (
        "read-only",
        "create_tweet",
        lambda h: _client(h).create_tweet(text="x", user_auth=True),
        "write-permission-missing",
        403,
        "oauth1-permissions",
    ),
    ("read-only", "v1.1 update_status", lambda h: _api(h).update_status("x"), "write-permission-missing", 403, 261),
    (
        "client-not-enrolled",
        "get_user",
        lambda h: _client(h).get_user(username="XDevelopers"),
        "client-not-enrolled",
        403,
        "client-forbidden",
    ),
    (
        "credits-depleted",
        "get_user",
        lambda h: _client(h).get_user(username="XDevelopers"),
        "credits-depleted",
        402,
        "credits",
    ),
    (
        "endpoint-not-in-plan",
        "search",
        lambda h: _client(h).search_recent_tweets("x"),
        "endpoint-not-in-plan",
        403,
        453,
    ),
    ("endpoint-not-in-plan", "v1.1 verify", lambda h: _api(h).verify_credentials(), "endpoint-not-in-plan", 403, 453),
    ("rate-limited", "get_me", lambda h: _client(h).get_me(user_auth=True), "rate-limited", 429, 88),
    ("usage-capped", "search", lambda h: _client(h).search_recent_tweets("x"), "usage-capped", 429, "usage-capped"),
    ("clock-skew", "get_me", lambda h: _client(h).get_me(user_auth=True), "clock-skew", 401, 135),
    ("suspended-app", "get_me", lambda h: _client(h).get_me(user_auth=True), "app-suspended", 401, 416),
    (
        "healthy",
        "bearer on /2/users/me",
        lambda h: _client(h).get_me(user_auth=False),
        "unsupported-authentication",
        403,
        "unsupported-authentication",
    ),
    (
        "healthy",
        "revoked bearer",
        lambda h: _client(h, bearer_token="AAAAAAAAAAAAAAAAAAAAAnope%3Dnope").get_user(username="XDevelopers"),
        "invalid-or-expired-token",
        401,
        89,
    ),
    ("healthy", "duplicate tweet", _dup, "duplicate-content", 403, 187),
]


@pytest.mark.e2e
@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_tweepy_exception_text(case: tuple[Any, ...], make_sandbox_server: Callable[..., SandboxHandle]) -> None:
    scenario, _label, call, diag, status, code = case
    handle = make_sandbox_server(scenario)
    with pytest.raises(tweepy.TweepyException) as info:
        call(handle)
    exc = info.value
    for text in (str(exc), "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))):
        e = explain(text)
        assert (e.diagnosis, e.http_status, e.error_code) == (diag, status, code), (text[-300:], e.matched)
        assert e.confidence in ("high", "medium")


@pytest.mark.e2e
@pytest.mark.parametrize(
    "good_secret,diag,word",
    [(True, "authorization-code-invalid", "invalid_request"), (False, "client-secret-rejected", "unauthorized_client")],
)
def test_oauthlib_token_errors(
    good_secret: bool, diag: str, word: str, sandbox_server: SandboxHandle, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the sandbox redirect is http://127.0.0.1
    c = sandbox_server.info["credentials"]
    handler = tweepy.OAuth2UserHandler(
        client_id=c["client_id"],
        redirect_uri=sandbox_server.info["redirect_uri"],
        scope=["tweet.read", "users.read"],
        client_secret=c["client_secret"] if good_secret else "W" * 50,
    )
    forward_x_hosts(handler, sandbox_server.base_url)
    handler.get_authorization_url()
    with pytest.raises(Exception) as info:  # oauthlib's OAuth2Error subclasses
        handler.fetch_token(f"{sandbox_server.info['redirect_uri']}?state={handler._state}&code=not-a-real-code")
    exc = info.value
    e = explain(f"{type(exc).__module__}.{type(exc).__name__}: {exc}")
    assert (e.diagnosis, e.error_code, e.confidence) == (diag, word, "high")
