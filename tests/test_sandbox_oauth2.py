"""OAuth 2.0 Authorization Code + PKCE in the sandbox, driven by requests-oauthlib, and every
rejection of the authorize page and the token endpoint."""

from __future__ import annotations

import base64
import hashlib
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import requests
from requests.auth import HTTPBasicAuth
from requests_oauthlib import OAuth2Session

from sandbox_support import bearer, parse_form
from xkeys.sandbox.server import SandboxHandle

SCOPES = ["tweet.read", "tweet.write", "users.read", "offline.access"]


@pytest.fixture(autouse=True)
def _plain_http_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    # the real server runs on http://127.0.0.1; oauthlib refuses plain http without this
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")


def _approve_via_http(base: str, authorize_url: str, action: str = "approve") -> requests.Response:
    browser = requests.Session()
    page = browser.get(authorize_url, timeout=5)
    assert page.status_code == 200, page.text
    form = parse_form(page.text)
    return browser.post(
        base + form["action"], data={**form["fields"], "action": action}, timeout=5, allow_redirects=False
    )


def test_pkce_flow_refresh_rotation_and_revoke(sandbox_server: SandboxHandle) -> None:
    base = sandbox_server.base_url
    info = sandbox_server.info
    c = info["credentials"]
    session = OAuth2Session(c["client_id"], redirect_uri=info["redirect_uri"], scope=SCOPES, pkce="S256")
    url, state = session.authorization_url(base + "/i/oauth2/authorize")
    assert "code_challenge_method=S256" in url
    r = _approve_via_http(base, url)
    assert r.status_code == 302
    location = r.headers["location"]
    q = parse_qs(urlsplit(location).query)
    assert location.startswith(info["redirect_uri"] + "?") and q["state"] == [state]
    token = session.fetch_token(
        base + "/2/oauth2/token", authorization_response=location, client_secret=c["client_secret"], timeout=5
    )
    assert token["token_type"] == "bearer" and token["expires_in"] == 7200
    assert token["scope"] == SCOPES  # oauthlib splits the space-separated string
    me = session.get(base + "/2/users/me", timeout=5)
    assert me.status_code == 200 and me.json()["data"]["id"] == c["access_token"].split("-")[0]
    # the code is single use
    again = requests.post(
        base + "/2/oauth2/token",
        auth=HTTPBasicAuth(c["client_id"], c["client_secret"]),
        data={
            "grant_type": "authorization_code",
            "code": q["code"][0],
            "redirect_uri": info["redirect_uri"],
            "code_verifier": "x" * 43,
            "client_id": c["client_id"],
        },
        timeout=5,
    )
    assert again.status_code == 400
    assert again.json() == {
        "error": "invalid_request",
        "error_description": "Value passed for the authorization code was invalid.",
    }
    # refresh rotates the refresh token
    old_refresh = token["refresh_token"]
    new = session.refresh_token(
        base + "/2/oauth2/token", auth=HTTPBasicAuth(c["client_id"], c["client_secret"]), timeout=5
    )
    assert new["refresh_token"] != old_refresh and new["access_token"] != token["access_token"]
    stale = requests.post(
        base + "/2/oauth2/token",
        auth=HTTPBasicAuth(c["client_id"], c["client_secret"]),
        data={"grant_type": "refresh_token", "refresh_token": old_refresh, "client_id": c["client_id"]},
        timeout=5,
    )
    assert stale.status_code == 400
    assert stale.json() == {"error": "invalid_request", "error_description": "Value passed for the token was invalid."}
    # revoke the new access token: it stops working
    rv = requests.post(
        base + "/2/oauth2/revoke",
        auth=HTTPBasicAuth(c["client_id"], c["client_secret"]),
        data={"token": new["access_token"], "token_type_hint": "access_token"},
        timeout=5,
    )
    assert rv.status_code == 200 and rv.json() == {"revoked": True}
    gone = requests.get(base + "/2/users/me", headers=bearer(new["access_token"]), timeout=5)
    assert gone.status_code == 401 and gone.json()["type"] == "about:blank"


async def _authorize(
    client: httpx.AsyncClient,
    info: dict[str, Any],
    *,
    scope: str = "tweet.read users.read",
    verifier: str = "v" * 50,
    method: str = "S256",
    **over: str,
) -> httpx.Response:
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
        if method.upper() == "S256"
        else verifier
    )
    params = {
        "response_type": "code",
        "client_id": info["credentials"]["client_id"],
        "redirect_uri": info["redirect_uri"],
        "scope": scope,
        "state": "st8",
        "code_challenge": challenge,
        "code_challenge_method": method,
        **over,
    }
    return await client.get("/i/oauth2/authorize", params=params)


async def _code(client: httpx.AsyncClient, info: dict[str, Any], **kw: Any) -> str:
    page = await _authorize(client, info, **kw)
    assert page.status_code == 200, page.text
    form = parse_form(page.text)
    r = await client.post(form["action"], data={**form["fields"], "action": "approve"})
    assert r.status_code == 302
    return parse_qs(urlsplit(r.headers["location"]).query)["code"][0]


def _exchange(info: dict[str, Any], code: str, verifier: str = "v" * 50, **over: str) -> dict[str, str]:
    return {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": info["redirect_uri"],
        "code_verifier": verifier,
        "client_id": info["credentials"]["client_id"],
        **over,
    }


def _basic(info: dict[str, Any], secret: str | None = None) -> tuple[str, str]:
    c = info["credentials"]
    return c["client_id"], secret if secret is not None else c["client_secret"]


@pytest.mark.parametrize(
    "override, reason",
    [
        ({"redirect_uri": "http://127.0.0.1:8976/callback/"}, "redirect"),
        ({"redirect_uri": "http://localhost:8976/callback"}, "redirect"),
        ({"client_id": "bm90LWEtY2xpZW50LWlkLWF0LWFsbDoxOmNp"}, "client"),
        ({"scope": "tweet.read bogus.scope"}, "scope"),
        ({"scope": ""}, "scope"),
        ({"state": ""}, "state"),
        ({"state": "s" * 501}, "state"),
        ({"code_challenge": ""}, "challenge"),
        ({"code_challenge_method": "md5"}, "method"),
        ({"response_type": "token"}, "response_type"),
    ],
)
async def test_authorize_rejections_show_error_page(
    sandbox_client: httpx.AsyncClient, override: dict[str, str], reason: str
) -> None:
    r = await _authorize(sandbox_client, sandbox_client.sandbox_info, **override)  # type: ignore[attr-defined]
    assert r.status_code == 400
    assert "Something went wrong" in r.text and "You weren't able to give access to the App" in r.text
    assert "<form" not in r.text


async def test_authorize_accepts_lowercase_s256_and_plain(sandbox_client: httpx.AsyncClient) -> None:
    info = sandbox_client.sandbox_info  # type: ignore[attr-defined]
    for method in ("s256", "plain"):
        code = await _code(sandbox_client, info, method=method)
        r = await sandbox_client.post("/2/oauth2/token", data=_exchange(info, code), auth=_basic(info))
        assert r.status_code == 200, r.text


async def test_cancel_redirects_with_access_denied(sandbox_client: httpx.AsyncClient) -> None:
    info = sandbox_client.sandbox_info  # type: ignore[attr-defined]
    form = parse_form((await _authorize(sandbox_client, info)).text)
    r = await sandbox_client.post(form["action"], data={**form["fields"], "action": "cancel"})
    assert r.status_code == 302
    assert parse_qs(urlsplit(r.headers["location"]).query) == {"error": ["access_denied"], "state": ["st8"]}


async def test_token_rejections(sandbox_client: httpx.AsyncClient) -> None:
    info = sandbox_client.sandbox_info  # type: ignore[attr-defined]
    c = info["credentials"]
    # redirect mismatch at the token step
    code = await _code(sandbox_client, info)
    r = await sandbox_client.post(
        "/2/oauth2/token", data=_exchange(info, code, redirect_uri="https://other.example/cb"), auth=_basic(info)
    )
    assert r.status_code == 400 and r.json()["error_description"] == (
        "Value passed for the redirect uri did not match the uri of the authorization code."
    )
    # wrong PKCE verifier
    code = await _code(sandbox_client, info)
    r = await sandbox_client.post("/2/oauth2/token", data=_exchange(info, code, verifier="w" * 50), auth=_basic(info))
    assert r.status_code == 400 and r.json()["error"] == "invalid_request"
    # wrong client secret: the pair is rejected before the code is looked at
    r = await sandbox_client.post("/2/oauth2/token", data=_exchange(info, "dummy"), auth=_basic(info, "x" * 50))
    assert r.status_code == 401
    assert r.json() == {"error": "unauthorized_client", "error_description": "Missing valid authorization header"}
    # confidential client without any secret
    r = await sandbox_client.post("/2/oauth2/token", data=_exchange(info, "dummy"))
    assert r.status_code == 401 and r.json()["error"] == "unauthorized_client"
    # unknown client id (a consumer key pasted as Client ID)
    r = await sandbox_client.post(
        "/2/oauth2/token",
        data=_exchange(info, "dummy", client_id=c["consumer_key"]),
        auth=(c["consumer_key"], c["client_secret"]),
    )
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"
    # the doctor's pair probe: a good pair with a dummy code says "code invalid" (= pair accepted)
    r = await sandbox_client.post("/2/oauth2/token", data=_exchange(info, "dummy"), auth=_basic(info))
    assert r.status_code == 400 and r.json() == {
        "error": "invalid_request",
        "error_description": "Value passed for the authorization code was invalid.",
    }
    # missing grant type, unsupported grant type, missing code
    r = await sandbox_client.post("/2/oauth2/token", data={"client_id": c["client_id"]}, auth=_basic(info))
    assert r.status_code == 400 and r.json()["error"] == "invalid_request"
    r = await sandbox_client.post("/2/oauth2/token", data={"grant_type": "password"}, auth=_basic(info))
    assert r.status_code == 400 and r.json()["error"] == "unsupported_grant_type"
    r = await sandbox_client.post("/2/oauth2/token", data={"grant_type": "authorization_code"}, auth=_basic(info))
    assert r.status_code == 400 and "code" in r.json()["error_description"]


async def test_code_expires_after_30_seconds(make_sandbox_client: Any) -> None:
    now = [1_800_000_000.0]
    client, info = make_sandbox_client(clock=lambda: now[0])
    code = await _code(client, info)
    now[0] += 31
    r = await client.post("/2/oauth2/token", data=_exchange(info, code), auth=_basic(info))
    assert r.status_code == 400
    assert r.json()["error_description"] == "Value passed for the authorization code was invalid."
    code = await _code(client, info)
    now[0] += 29
    r = await client.post("/2/oauth2/token", data=_exchange(info, code), auth=_basic(info))
    assert r.status_code == 200


async def test_access_token_expires_after_two_hours(make_sandbox_client: Any) -> None:
    now = [1_800_000_000.0]
    client, info = make_sandbox_client(clock=lambda: now[0])
    code = await _code(client, info)
    tok = (await client.post("/2/oauth2/token", data=_exchange(info, code), auth=_basic(info))).json()
    assert (await client.get("/2/users/me", headers=bearer(tok["access_token"]))).status_code == 200
    now[0] += 7200
    r = await client.get("/2/users/me", headers=bearer(tok["access_token"]))
    assert r.status_code == 401 and r.json()["type"] == "about:blank"


async def test_json_body_and_secret_in_body_and_percent_encoded_basic(sandbox_client: httpx.AsyncClient) -> None:
    info = sandbox_client.sandbox_info  # type: ignore[attr-defined]
    c = info["credentials"]
    code = await _code(sandbox_client, info, scope="tweet.read users.read offline.access")
    r = await sandbox_client.post(
        "/2/oauth2/token", json={**_exchange(info, code), "client_secret": c["client_secret"]}
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["scope"] == "tweet.read users.read offline.access" and isinstance(body["expires_in"], int)
    # Basic with percent-encoded parts (RFC 6749 2.3.1) plus client_id in the JSON body
    raw = base64.b64encode(f"{c['client_id']}:{c['client_secret'].replace('-', '%2D')}".encode()).decode()
    r = await sandbox_client.post(
        "/2/oauth2/token",
        headers={"Authorization": f"Basic {raw}"},
        json={"grant_type": "refresh_token", "refresh_token": body["refresh_token"], "client_id": c["client_id"]},
    )
    assert r.status_code == 200, r.text
    r2 = await sandbox_client.post(
        "/2/oauth2/revoke",
        json={"token": r.json()["refresh_token"], "client_id": c["client_id"], "client_secret": c["client_secret"]},
    )
    assert r2.status_code == 200
    r3 = await sandbox_client.post(
        "/2/oauth2/token",
        auth=_basic(info),
        data={"grant_type": "refresh_token", "refresh_token": r.json()["refresh_token"]},
    )
    assert r3.status_code == 400


async def test_demo_oauth2_token_and_scopes(make_sandbox_client: Any) -> None:
    client, info = make_sandbox_client()
    c = info["credentials"]
    r = await client.post("/2/tweets", json={"text": "from oauth2"}, headers=bearer(c["oauth2_access_token"]))
    assert r.status_code == 201
    # a token granted only read scopes cannot post: 403
    code = await _code(client, info, scope="tweet.read users.read")
    tok = (await client.post("/2/oauth2/token", data=_exchange(info, code), auth=_basic(info))).json()
    r = await client.post("/2/tweets", json={"text": "nope"}, headers=bearer(tok["access_token"]))
    assert r.status_code == 403
    assert r.json() == {"title": "Forbidden", "detail": "Forbidden", "type": "about:blank", "status": 403}
    # OAuth 2.0 user token on the app-only usage endpoint
    r = await client.get("/2/usage/tweets", headers=bearer(tok["access_token"]))
    assert r.status_code == 403 and r.json()["type"].endswith("/unsupported-authentication")


async def test_public_client_needs_no_secret_and_refuses_one(make_sandbox_client: Any) -> None:
    client, info = make_sandbox_client(public_client=True)
    assert info["client_type"] == "public"
    code = await _code(client, info, scope="tweet.read users.read offline.access")
    # a secret sent by a public client is refused like a wrong one
    r = await client.post("/2/oauth2/token", data=_exchange(info, code), auth=_basic(info))
    assert r.status_code == 401 and r.json()["error"] == "unauthorized_client"
    code = await _code(client, info)
    r = await client.post("/2/oauth2/token", data=_exchange(info, code))  # no Authorization header at all
    assert r.status_code == 200, r.text
    assert "client_type" not in make_sandbox_client()[1]
