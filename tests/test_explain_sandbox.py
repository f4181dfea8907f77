"""from_response / from_exception on real answers of the sandbox X API, one per scenario.

The requests are what the probes (and real SDKs) send; the sandbox answers with X's recorded
status codes, bodies and headers, and explain must name the scenario's diagnosis.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from oauthlib.oauth1 import Client as OAuth1Client

from xkeys.core.explain import Explanation, from_exception, from_response

BASE = "https://api.x.com"


def _auth_headers(auth: str, creds: dict[str, str], method: str, url: str) -> tuple[dict[str, str], str | None]:
    if auth == "oauth1":
        client = OAuth1Client(
            creds["consumer_key"],
            client_secret=creds["consumer_secret"],
            resource_owner_key=creds["access_token"],
            resource_owner_secret=creds["access_token_secret"],
        )
        _, headers, _ = client.sign(url, method)
        return dict(headers), None
    if auth == "bearer":
        return {"authorization": "Bearer " + creds["bearer_token"]}, None
    if auth == "bearer-revoked":
        return {"authorization": "Bearer AAAAAAAAAAAAAAAAAAAAAnotavalidtoken%3Dxyz"}, None
    if auth == "oauth2-user":
        return {"authorization": "Bearer " + creds["oauth2_access_token"]}, None
    if auth == "consumer-pair":
        basic = base64.b64encode(f"{creds['consumer_key']}:{creds['consumer_secret']}".encode()).decode()
        return (
            {"authorization": "Basic " + basic, "content-type": "application/x-www-form-urlencoded"},
            "grant_type=client_credentials",
        )
    if auth == "oauth2-client":  # the dummy-code exchange of FACTS.md §2
        basic = base64.b64encode(f"{creds['client_id']}:{creds['client_secret']}".encode()).decode()
        body = (
            "grant_type=authorization_code&code=dummy&code_verifier="
            + "v" * 43
            + "&redirect_uri="
            + quote("http://127.0.0.1:8765/callback", safe="")
            + "&client_id="
            + creds["client_id"]
        )
        return {"authorization": "Basic " + basic, "content-type": "application/x-www-form-urlencoded"}, body
    raise AssertionError(auth)


async def _ask(
    make: Callable[..., Any],
    scenario: str,
    method: str,
    path: str,
    auth: str,
    context: str | None,
    json_body: dict[str, Any] | None = None,
) -> tuple[httpx.Response, Explanation]:
    client, info = make(scenario)
    url = BASE + path
    headers, body = _auth_headers(auth, info["credentials"], method, url)
    if json_body is not None:
        headers["content-type"] = "application/json"
        body = json.dumps(json_body)
    r = await client.request(method, url, headers=headers, content=body)
    return r, from_response(r.status_code, r.headers, r.content, context=context)


CASES = [
    # scenario, method, path, auth/context, body, expected diagnosis, status, error code
    ("read-only", "POST", "/2/tweets", "oauth1", {"text": "hi"}, "write-permission-missing", 403, "oauth1-permissions"),
    ("suspended-app", "GET", "/2/users/me", "oauth1", None, "app-suspended", 401, 416),
    ("rotated-secret", "GET", "/2/users/me", "oauth1", None, "signature-rejected", 401, 32),
    ("rotated-secret", "POST", "/oauth2/token", "consumer-pair", None, "bad-consumer-credentials", 403, 99),
    (
        "rotated-secret",
        "POST",
        "/2/oauth2/token",
        "oauth2-client",
        None,
        "client-secret-rejected",
        401,
        "unauthorized_client",
    ),
    (
        "client-not-enrolled",
        "GET",
        "/2/users/by/username/XDevelopers",
        "bearer",
        None,
        "client-not-enrolled",
        403,
        "client-forbidden",
    ),
    ("credits-depleted", "GET", "/2/users/by/username/XDevelopers", "bearer", None, "credits-depleted", 402, "credits"),
    (
        "endpoint-not-in-plan",
        "GET",
        "/2/tweets/search/recent?query=x",
        "bearer",
        None,
        "endpoint-not-in-plan",
        403,
        453,
    ),
    ("rate-limited", "GET", "/2/users/me", "oauth1", None, "rate-limited", 429, 88),
    ("usage-capped", "GET", "/2/tweets/search/recent?query=x", "bearer", None, "usage-capped", 429, "usage-capped"),
    ("clock-skew", "GET", "/2/users/me", "oauth1", None, "clock-skew", 401, 135),
    ("missing-scopes", "POST", "/2/tweets", "oauth2-user", {"text": "hi"}, "missing-scopes", 403, None),
    ("healthy", "GET", "/2/users/by/username/XDevelopers", "bearer-revoked", None, "invalid-or-expired-token", 401, 89),
    ("healthy", "GET", "/2/users/me", "bearer", None, "unsupported-authentication", 403, "unsupported-authentication"),
]


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}:{c[5]}" for c in CASES])
async def test_scenario_answer_is_named(case: tuple[Any, ...], make_sandbox_client: Callable[..., Any]) -> None:
    scenario, method, path, auth, body, diag, status, code = case
    context = "bearer" if auth == "bearer-revoked" else auth
    r, e = await _ask(make_sandbox_client, scenario, method, path, auth, context, body)
    assert r.status_code == status
    assert e.diagnosis == diag, (r.text[:200], e.matched)
    assert e.http_status == status and e.error_code == code
    assert e.confidence in ("high", "medium")


async def test_healthy_dummy_code_exchange_means_pair_accepted(make_sandbox_client: Callable[..., Any]) -> None:
    # FACTS.md §2: invalid_request "authorization code was invalid" = the client pair was accepted
    r, e = await _ask(make_sandbox_client, "healthy", "POST", "/2/oauth2/token", "oauth2-client", "oauth2-client")
    assert r.status_code == 400
    assert e.diagnosis == "authorization-code-invalid"


async def test_healthy_answers_are_not_errors(make_sandbox_client: Callable[..., Any]) -> None:
    r, e = await _ask(make_sandbox_client, "healthy", "GET", "/2/users/me", "oauth1", "oauth1")
    assert r.status_code == 200 and e.diagnosis == "unknown"


async def test_flaky_faults_all_become_diagnoses(make_sandbox_client: Callable[..., Any]) -> None:
    client, info = make_sandbox_client("flaky", seed=3, hang_seconds=0.01)
    headers, _ = _auth_headers("bearer", info["credentials"], "GET", BASE + "/2/users/by/username/XDevelopers")
    seen: dict[str, set[str]] = {}
    for _ in range(40):
        try:
            r = await client.get("/2/users/by/username/XDevelopers", headers=headers)
        except httpx.HTTPError as exc:
            e = from_exception(exc)
            assert e.diagnosis == "network-unreachable", (type(exc).__name__, e.matched)
            seen.setdefault("exception", set()).add(e.variant or "")
            continue
        if r.status_code == 200:
            continue
        e = from_response(r.status_code, r.headers, r.content, context="bearer")
        assert e.diagnosis == "x-server-error", (r.status_code, r.text[:120])
        seen.setdefault(str(r.status_code), set()).add(e.diagnosis)
    assert {"500", "503", "exception"} <= set(seen)
    assert {"timeout", "refused"} <= seen["exception"]
