"""OAuth 1.0a in the sandbox: every rejection X gives, and the PIN flow with requests-oauthlib."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest
import requests
from requests_oauthlib import OAuth1Session

from sandbox_support import find_pin, oauth1_sign, parse_form, signed
from xkeys.sandbox.server import SandboxHandle

V2_JSON = "application/json; charset=utf-8"
V11_JSON = "application/json;charset=utf-8"


def _creds(client: httpx.AsyncClient) -> dict[str, str]:
    return dict(client.sandbox_info["credentials"])  # type: ignore[attr-defined]


def _code(r: httpx.Response) -> int:
    return int(r.json()["errors"][0]["code"])


async def test_verify_credentials_v11(sandbox_client: httpx.AsyncClient) -> None:
    c = _creds(sandbox_client)
    r = await signed(sandbox_client, c, "GET", "/1.1/account/verify_credentials.json")
    assert r.status_code == 200
    assert r.headers["content-type"] == V11_JSON
    u = r.json()
    assert u["id_str"] == c["access_token"].split("-")[0] and u["id"] == int(u["id_str"])
    assert len(u) >= 43 and u["url"] is None and u["utc_offset"] is None
    assert r.headers["x-access-level"] == "read-write-directmessages"
    assert r.headers["date"].endswith(" GMT")


@pytest.mark.parametrize("field", ["consumer_secret", "access_token_secret"])
async def test_wrong_secret_is_code_32(sandbox_client: httpx.AsyncClient, field: str) -> None:
    c = _creds(sandbox_client)
    c[field] = c[field][:-2] + "zz"
    for path, ctype in (("/2/users/me", V2_JSON), ("/1.1/account/verify_credentials.json", V11_JSON)):
        r = await signed(sandbox_client, c, "GET", path)
        assert r.status_code == 401
        assert r.headers["content-type"] == ctype
        assert r.json() == {"errors": [{"code": 32, "message": "Could not authenticate you."}]}


async def test_whitespace_in_secret_is_code_32(sandbox_client: httpx.AsyncClient) -> None:
    c = _creds(sandbox_client)
    c["consumer_secret"] += " "
    r = await signed(sandbox_client, c, "GET", "/2/users/me")
    assert (r.status_code, _code(r)) == (401, 32)


async def test_unknown_consumer_key_is_code_32(sandbox_client: httpx.AsyncClient) -> None:
    c = _creds(sandbox_client)
    c["consumer_key"] = c["client_id"]  # a Client ID pasted as the consumer key
    r = await signed(sandbox_client, c, "GET", "/2/users/me")
    assert (r.status_code, _code(r)) == (401, 32)


async def test_unknown_and_revoked_token_is_code_89(sandbox_client: httpx.AsyncClient) -> None:
    c = _creds(sandbox_client)
    bogus = dict(c, access_token=c["access_token"].split("-")[0] + "-" + "x" * 30)
    r = await signed(sandbox_client, bogus, "GET", "/2/users/me")
    assert r.status_code == 401 and r.json() == {"errors": [{"code": 89, "message": "Invalid or expired token."}]}
    # revoke the real one through X's own endpoint, then it is 89 too
    r = await signed(sandbox_client, c, "POST", "/1.1/oauth/invalidate_token", form={})
    assert r.status_code == 200 and r.json() == {"access_token": c["access_token"]}
    r = await signed(sandbox_client, c, "GET", "/2/users/me")
    assert (r.status_code, _code(r)) == (401, 89)
    r = await signed(sandbox_client, c, "GET", "/1.1/account/verify_credentials.json")
    assert (r.status_code, _code(r)) == (401, 89)
    assert r.headers["www-authenticate"] == 'OAuth realm="https://api.twitter.com", api_error_code=89'


@pytest.mark.parametrize("offset", [-301, 301, 3600])
async def test_timestamp_outside_window_is_code_135(sandbox_client: httpx.AsyncClient, offset: int) -> None:
    c = _creds(sandbox_client)
    r = await signed(sandbox_client, c, "GET", "/2/users/me", timestamp=time.time() + offset)
    assert r.status_code == 401 and r.json() == {"errors": [{"code": 135, "message": "Timestamp out of bounds."}]}


async def test_timestamp_inside_window_is_accepted(sandbox_client: httpx.AsyncClient) -> None:
    c = _creds(sandbox_client)
    r = await signed(sandbox_client, c, "GET", "/2/users/me", timestamp=time.time() - 240)
    assert r.status_code == 200


async def test_nonce_replay_is_rejected(sandbox_client: httpx.AsyncClient) -> None:
    c = _creds(sandbox_client)
    url = "https://api.x.com/2/users/me"
    headers = oauth1_sign(c, "GET", url, nonce="samenonce123")
    assert (await sandbox_client.get(url, headers=headers)).status_code == 200
    again = await sandbox_client.get(url, headers=headers)
    assert (again.status_code, _code(again)) == (401, 32)


@pytest.mark.parametrize(
    "header",
    [
        "OAuth",
        'OAuth oauth_consumer_key="abc"',
        "OAuth garbage-without-equals",
        'OAuth oauth_consumer_key="a", oauth_signature="b", oauth_signature_method="RSA-SHA1", '
        'oauth_timestamp="1", oauth_nonce="n"',
        'OAuth oauth_consumer_key="a", oauth_signature="b", oauth_signature_method="HMAC-SHA1", '
        'oauth_timestamp="soon", oauth_nonce="n"',
        "Bearer",
        "Basic Zm9vOmJhcg==",
        "Token abc",
    ],
)
async def test_malformed_auth_header_is_code_215(sandbox_client: httpx.AsyncClient, header: str) -> None:
    for path, ctype in (("/2/users/me", V2_JSON), ("/1.1/account/verify_credentials.json", V11_JSON)):
        r = await sandbox_client.get(path, headers={"Authorization": header})
        assert r.status_code == 400, (header, r.text)
        assert r.headers["content-type"] == ctype
        assert r.json() == {"errors": [{"code": 215, "message": "Bad Authentication data."}]}


async def test_missing_auth(sandbox_client: httpx.AsyncClient) -> None:
    r = await sandbox_client.get("/2/users/me")
    assert r.status_code == 401 and r.json()["type"] == "about:blank"
    assert "x-rate-limit-limit" in r.headers
    r = await sandbox_client.get("/1.1/account/verify_credentials.json")
    assert (r.status_code, _code(r)) == (400, 215)


async def test_signature_covers_query_and_host(sandbox_client: httpx.AsyncClient) -> None:
    c = _creds(sandbox_client)
    url = "https://api.x.com/2/tweets/search/recent?query=x%20api&max_results=10"
    ok = await sandbox_client.get(url, headers=oauth1_sign(c, "GET", url))
    assert ok.status_code == 200
    # signed for another query than the one sent
    bad = await sandbox_client.get(url.replace("max_results=10", "max_results=11"), headers=oauth1_sign(c, "GET", url))
    assert (bad.status_code, _code(bad)) == (401, 32)
    # signed for api.twitter.com but sent to api.x.com: the host is part of the base string
    other = await sandbox_client.get(url, headers=oauth1_sign(c, "GET", url.replace("api.x.com", "api.twitter.com")))
    assert (other.status_code, _code(other)) == (401, 32)
    # ... unless the client really addressed that host
    twitter_url = url.replace("api.x.com", "api.twitter.com")
    hosted = await sandbox_client.get(url, headers={**oauth1_sign(c, "GET", twitter_url), "Host": "api.twitter.com"})
    assert hosted.status_code == 200


async def test_x_forwarded_proto_is_the_signed_scheme(make_sandbox_client: Any) -> None:
    client, info = make_sandbox_client()
    c = info["credentials"]
    http_url = "http://api.x.com/2/users/me"
    r = await client.get(http_url, headers=oauth1_sign(c, "GET", "https://api.x.com/2/users/me"))
    assert r.status_code == 401
    r = await client.get(
        http_url, headers={**oauth1_sign(c, "GET", "https://api.x.com/2/users/me"), "X-Forwarded-Proto": "https"}
    )
    assert r.status_code == 200


async def test_read_only_tokens_cannot_write(make_sandbox_client: Any) -> None:
    client, info = make_sandbox_client("read-only")
    c = info["credentials"]
    me = await signed(client, c, "GET", "/2/users/me")
    assert me.status_code == 200 and me.headers["x-access-level"] == "read"
    r = await signed(client, c, "POST", "/2/tweets", json={"text": "hello"})
    assert r.status_code == 403
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json() == {
        "title": "Forbidden",
        "detail": "Your client app is not configured with the appropriate oauth1 app permissions for this endpoint.",
        "type": "https://api.twitter.com/2/problems/oauth1-permissions",
        "status": 403,
    }
    r = await signed(client, c, "POST", "/1.1/statuses/update.json", form={"status": "hello"})
    assert r.status_code == 403 and _code(r) == 261
    r = await signed(client, c, "POST", "/2/dm_conversations/with/2244994945/messages", json={"text": "hi"})
    assert r.status_code == 403 and r.json()["type"].endswith("/oauth1-permissions")


# ----------------------------------------------------------------------------- PIN flow, real server
def _approve(session: requests.Session, handle: SandboxHandle, url: str) -> requests.Response:
    page = session.get(url, timeout=5)
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    form = parse_form(page.text)
    assert ("action", "approve") in form["buttons"] and ("action", "cancel") in form["buttons"]
    return session.post(
        handle.base_url + form["action"], data={**form["fields"], "action": "approve"}, timeout=5, allow_redirects=False
    )


def test_pin_flow_with_requests_oauthlib(sandbox_server: SandboxHandle) -> None:
    base = sandbox_server.base_url
    c = sandbox_server.info["credentials"]
    oauth = OAuth1Session(c["consumer_key"], client_secret=c["consumer_secret"], callback_uri="oob")
    fetched = oauth.fetch_request_token(base + "/oauth/request_token", timeout=5)
    assert fetched["oauth_callback_confirmed"] == "true"
    url = oauth.authorization_url(base + "/oauth/authorize")
    browser = requests.Session()
    pin_page = _approve(browser, sandbox_server, url)
    assert pin_page.status_code == 200
    pin = find_pin(pin_page.text)
    tokens = oauth.fetch_access_token(base + "/oauth/access_token", verifier=pin, timeout=5)
    user_id = c["access_token"].split("-")[0]
    assert tokens["user_id"] == user_id and tokens["screen_name"]
    assert tokens["oauth_token"].startswith(user_id + "-")
    # the new token works, with the same signing library
    user = OAuth1Session(
        c["consumer_key"],
        client_secret=c["consumer_secret"],
        resource_owner_key=tokens["oauth_token"],
        resource_owner_secret=tokens["oauth_token_secret"],
    )
    me = user.get(base + "/2/users/me", timeout=5)
    assert me.status_code == 200 and me.json()["data"]["id"] == user_id
    # the PIN is single use
    again = OAuth1Session(
        c["consumer_key"],
        client_secret=c["consumer_secret"],
        resource_owner_key=fetched["oauth_token"],
        resource_owner_secret=fetched["oauth_token_secret"],
        verifier=pin,
    )
    r = again.post(base + "/oauth/access_token", timeout=5)
    assert r.status_code == 401
    assert r.text == "Error processing your OAuth request: Invalid oauth_verifier parameter"
    assert r.headers["content-type"] == "text/html;charset=utf-8"


def test_pin_flow_wrong_pin_and_authenticate_alias(sandbox_server: SandboxHandle) -> None:
    base = sandbox_server.base_url
    c = sandbox_server.info["credentials"]
    oauth = OAuth1Session(c["consumer_key"], client_secret=c["consumer_secret"], callback_uri="oob")
    fetched = oauth.fetch_request_token(base + "/oauth/request_token", timeout=5)
    pin = find_pin(
        _approve(
            requests.Session(), sandbox_server, base + "/oauth/authenticate?oauth_token=" + fetched["oauth_token"]
        ).text
    )
    wrong = str((int(pin) + 1) % 10_000_000).zfill(7)
    r = OAuth1Session(
        c["consumer_key"],
        client_secret=c["consumer_secret"],
        resource_owner_key=fetched["oauth_token"],
        resource_owner_secret=fetched["oauth_token_secret"],
        verifier=wrong,
    ).post(base + "/oauth/access_token", timeout=5)
    assert r.status_code == 401 and "Invalid oauth_verifier parameter" in r.text


def test_request_token_wrong_secret_and_unapproved_callback(sandbox_server: SandboxHandle) -> None:
    base = sandbox_server.base_url
    c = sandbox_server.info["credentials"]
    r = OAuth1Session(c["consumer_key"], client_secret="x" * 50, callback_uri="oob").post(
        base + "/oauth/request_token", timeout=5
    )
    assert r.status_code == 401 and r.json()["errors"][0]["code"] == 32
    assert r.headers["www-authenticate"] == 'OAuth realm="https://api.twitter.com", api_error_code=32'
    r = OAuth1Session(
        c["consumer_key"], client_secret=c["consumer_secret"], callback_uri="https://evil.example/cb"
    ).post(base + "/oauth/request_token", timeout=5)
    assert r.status_code == 401 and r.json()["errors"][0]["code"] == 415


def test_callback_flow_redirects_with_verifier(sandbox_server: SandboxHandle) -> None:
    base = sandbox_server.base_url
    c = sandbox_server.info["credentials"]
    cb = sandbox_server.info["redirect_uri"]
    oauth = OAuth1Session(c["consumer_key"], client_secret=c["consumer_secret"], callback_uri=cb)
    oauth.fetch_request_token(base + "/oauth/request_token", timeout=5)
    r = _approve(requests.Session(), sandbox_server, oauth.authorization_url(base + "/oauth/authorize"))
    assert r.status_code == 302 and r.headers["location"].startswith(cb + "?")
    oauth.parse_authorization_response(r.headers["location"])
    tokens = oauth.fetch_access_token(base + "/oauth/access_token", timeout=5)
    assert tokens["user_id"] == c["access_token"].split("-")[0]


def test_cancel_consent(sandbox_server: SandboxHandle) -> None:
    base = sandbox_server.base_url
    c = sandbox_server.info["credentials"]
    oauth = OAuth1Session(c["consumer_key"], client_secret=c["consumer_secret"], callback_uri="oob")
    oauth.fetch_request_token(base + "/oauth/request_token", timeout=5)
    browser = requests.Session()
    form = parse_form(browser.get(oauth.authorization_url(base + "/oauth/authorize"), timeout=5).text)
    r = browser.post(base + form["action"], data={**form["fields"], "action": "cancel"}, timeout=5)
    assert r.status_code == 200 and "not authorized" in r.text
    # the page is no longer valid afterwards
    assert browser.get(oauth.authorization_url(base + "/oauth/authorize"), timeout=5).status_code == 403


async def test_pin_flow_read_only_app_gives_read_tokens(make_sandbox_client: Any) -> None:
    """In-process, signing with oauthlib: request token in the body (as SDKs do), access token
    with oauth_token in both header and body."""
    client, info = make_sandbox_client("read-only")
    c = info["credentials"]
    url = "https://api.x.com/oauth/request_token"
    body = "oauth_callback=oob"
    h = oauth1_sign(c, "POST", url, body=body, token="", token_secret="")
    h["Authorization"] = h["Authorization"].replace(', oauth_token=""', "")
    r = await client.post(url, content=body, headers=h)
    assert r.status_code == 200 and r.headers["content-type"] == "text/html;charset=utf-8", r.text
    rt = dict(httpx.QueryParams(r.text))
    page = await client.get("/oauth/authorize", params={"oauth_token": rt["oauth_token"]})
    form = parse_form(page.text)
    approved = await client.post(form["action"], data={**form["fields"], "action": "approve"})
    pin = find_pin(approved.text)
    url = "https://api.x.com/oauth/access_token"
    # signed once (header + verifier), then oauth_token repeated in the body, as some SDKs send it
    h = oauth1_sign(
        c, "POST", url, body=f"oauth_verifier={pin}", token=rt["oauth_token"], token_secret=rt["oauth_token_secret"]
    )
    r = await client.post(url, content=f"oauth_token={rt['oauth_token']}&oauth_verifier={pin}", headers=h)
    assert r.status_code == 200, r.text
    at = dict(httpx.QueryParams(r.text))
    me = await signed(client, c, "GET", "/2/users/me", token=at["oauth_token"], token_secret=at["oauth_token_secret"])
    assert me.status_code == 200 and me.headers["x-access-level"] == "read"


def test_x_auth_access_type_asks_for_less(sandbox_server: SandboxHandle) -> None:
    base = sandbox_server.base_url
    c = sandbox_server.info["credentials"]
    oauth = OAuth1Session(c["consumer_key"], client_secret=c["consumer_secret"], callback_uri="oob")
    oauth.fetch_request_token(base + "/oauth/request_token?x_auth_access_type=read", timeout=5)
    page = _approve(requests.Session(), sandbox_server, oauth.authorization_url(base + "/oauth/authorize"))
    pin = find_pin(page.text)
    tokens = oauth.fetch_access_token(base + "/oauth/access_token", verifier=pin, timeout=5)
    user = OAuth1Session(
        c["consumer_key"],
        client_secret=c["consumer_secret"],
        resource_owner_key=tokens["oauth_token"],
        resource_owner_secret=tokens["oauth_token_secret"],
    )
    me = user.get(base + "/2/users/me", timeout=5)
    assert me.headers["x-access-level"] == "read"
    assert user.post(base + "/2/tweets", json={"text": "no"}, timeout=5).status_code == 403


async def test_oauth_endpoints_401_carry_www_authenticate(make_sandbox_client: Any) -> None:
    client, info = make_sandbox_client("suspended-app")
    c = info["credentials"]
    r = await signed(
        client, c, "POST", "/oauth/request_token", form={"oauth_callback": "oob"}, token="", token_secret=""
    )
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == 'OAuth realm="https://api.twitter.com", api_error_code=416'
