"""The v2/v1.1 endpoints' answers, and the guarantee that every route answers with a designed
status (a sandbox bug must never look like X's 500)."""

from __future__ import annotations

import itertools
import re
from typing import Any

import httpx
import pytest

from sandbox_support import bearer, signed
from xkeys.sandbox import SCENARIOS


async def test_search_fields_expansions_and_pages(sandbox_client: httpx.AsyncClient) -> None:
    c = sandbox_client.sandbox_info["credentials"]  # type: ignore[attr-defined]
    h = bearer(c["bearer_token"])
    r = await sandbox_client.get(
        "/2/tweets/search/recent",
        headers=h,
        params={"query": "x", "tweet.fields": "created_at,author_id", "expansions": "author_id"},
    )
    assert r.status_code == 200 and r.headers["x-rate-limit-limit"] == "450"
    body = r.json()
    tweets = body["data"]
    assert 1 <= len(tweets) <= 10 and body["meta"]["result_count"] == len(tweets)
    ids = [int(t["id"]) for t in tweets]
    assert ids == sorted(ids, reverse=True)
    assert body["meta"]["newest_id"] == tweets[0]["id"] and body["meta"]["oldest_id"] == tweets[-1]["id"]
    for t in tweets:
        assert t["edit_history_tweet_ids"] == [t["id"]] and re.fullmatch(r"\d{19}", t["id"])
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", t["created_at"])
        assert re.search(r"\bx\b", t["text"].lower())
    assert {u["id"] for u in body["includes"]["users"]} == {t["author_id"] for t in tweets}
    # a page token is tied to its query; an unknown one is refused
    if "next_token" in body["meta"]:
        bad = await sandbox_client.get(
            "/2/tweets/search/recent", headers=h, params={"query": "other", "next_token": body["meta"]["next_token"]}
        )
        assert bad.status_code == 400
    none = await sandbox_client.get("/2/tweets/search/recent", headers=h, params={"query": "zzzznothing"})
    assert none.json() == {"meta": {"result_count": 0}}


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"query": " "},
        {"query": "x", "max_results": "5"},
        {"query": "x", "max_results": "101"},
        {"query": "x", "max_results": "ten"},
        {"query": "q" * 513},
    ],
)
async def test_search_invalid_requests(sandbox_client: httpx.AsyncClient, params: dict[str, str]) -> None:
    c = sandbox_client.sandbox_info["credentials"]  # type: ignore[attr-defined]
    r = await sandbox_client.get("/2/tweets/search/recent", params=params, headers=bearer(c["bearer_token"]))
    assert r.status_code == 400 and r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["type"] == "https://api.twitter.com/2/problems/invalid-request" and body["errors"][0]["message"]


async def test_search_from_and_exclusion(sandbox_client: httpx.AsyncClient) -> None:
    c = sandbox_client.sandbox_info["credentials"]  # type: ignore[attr-defined]
    r = await signed(sandbox_client, c, "POST", "/2/tweets", json={"text": "unique marmalade words"})
    tid = r.json()["data"]["id"]
    me = (await signed(sandbox_client, c, "GET", "/2/users/me")).json()["data"]
    h = bearer(c["bearer_token"])
    hit = await sandbox_client.get(
        "/2/tweets/search/recent", headers=h, params={"query": f"marmalade from:{me['username']}"}
    )
    assert [t["id"] for t in hit.json()["data"]] == [tid]
    miss = await sandbox_client.get("/2/tweets/search/recent", headers=h, params={"query": "marmalade -unique"})
    assert miss.json()["meta"]["result_count"] == 0
    other = await sandbox_client.get(
        "/2/tweets/search/recent", headers=h, params={"query": "marmalade from:XDevelopers"}
    )
    assert other.json()["meta"]["result_count"] == 0


async def test_create_and_delete_tweet(sandbox_client: httpx.AsyncClient) -> None:
    c = sandbox_client.sandbox_info["credentials"]  # type: ignore[attr-defined]
    r = await signed(sandbox_client, c, "POST", "/2/tweets", json={"text": "first post"})
    assert r.status_code == 201
    data = r.json()["data"]
    assert r.headers["location"] == f"https://api.x.com/2/tweets/{data['id']}"
    assert data["text"] == "first post" and data["edit_history_tweet_ids"] == [data["id"]]
    assert r.headers["x-rate-limit-limit"] == "200"
    dup = await signed(sandbox_client, c, "POST", "/2/tweets", json={"text": "first post"})
    assert dup.status_code == 403 and "duplicate content" in dup.json()["detail"]
    long = await signed(sandbox_client, c, "POST", "/2/tweets", json={"text": "a" * 281})
    assert long.status_code == 403
    for bad in ({}, {"text": ""}, {"text": 5}):
        r = await signed(sandbox_client, c, "POST", "/2/tweets", json=bad)
        assert r.status_code == 400 and r.json()["title"] == "Invalid Request"
    r = await sandbox_client.post(
        "/2/tweets",
        content=b"not json",
        headers={**bearer(c["oauth2_access_token"]), "content-type": "application/json"},
    )
    assert r.status_code == 400
    gone = await signed(sandbox_client, c, "DELETE", f"/2/tweets/{data['id']}")
    assert gone.status_code == 200 and gone.json() == {"data": {"deleted": True}}
    again = await signed(sandbox_client, c, "DELETE", f"/2/tweets/{data['id']}")
    assert again.json() == {"data": {"deleted": False}}
    assert (await signed(sandbox_client, c, "DELETE", "/2/tweets/abc")).status_code == 400
    # someone else's tweet
    theirs = await sandbox_client.get(
        "/2/tweets/search/recent",
        headers=bearer(c["bearer_token"]),
        params={"query": "from:XDevelopers", "max_results": "10"},
    )
    if theirs.json()["meta"]["result_count"]:
        tid = theirs.json()["data"][0]["id"]
        r = await signed(sandbox_client, c, "DELETE", f"/2/tweets/{tid}")
        assert r.status_code == 403


async def test_dm_send(sandbox_client: httpx.AsyncClient) -> None:
    c = sandbox_client.sandbox_info["credentials"]  # type: ignore[attr-defined]
    me = c["access_token"].split("-")[0]
    r = await signed(sandbox_client, c, "POST", "/2/dm_conversations/with/2244994945/messages", json={"text": "hi"})
    assert r.status_code == 201
    d = r.json()["data"]
    assert sorted(d["dm_conversation_id"].split("-"), key=int) == sorted([me, "2244994945"], key=int)
    assert re.fullmatch(r"\d{19}", d["dm_event_id"])
    assert (
        await signed(sandbox_client, c, "POST", "/2/dm_conversations/with/abc/messages", json={"text": "hi"})
    ).status_code == 400
    assert (
        await signed(sandbox_client, c, "POST", "/2/dm_conversations/with/2244994945/messages", json={})
    ).status_code == 400
    # read-write-only tokens (not DM) are refused; app-only too
    r = await sandbox_client.post(
        "/2/dm_conversations/with/2244994945/messages", json={"text": "hi"}, headers=bearer(c["bearer_token"])
    )
    assert r.status_code == 403 and r.json()["type"].endswith("unsupported-authentication")


async def test_user_lookup_cases(sandbox_client: httpx.AsyncClient) -> None:
    c = sandbox_client.sandbox_info["credentials"]  # type: ignore[attr-defined]
    h = bearer(c["bearer_token"])
    r = await sandbox_client.get(
        "/2/users/by/username/xdevelopers",
        headers=h,
        params={"user.fields": "created_at,description,public_metrics,verified"},
    )
    d = r.json()["data"]
    assert d["username"] == "XDevelopers" and d["verified"] is True and "public_metrics" in d and "created_at" in d
    r = await sandbox_client.get("/2/users/by/username/no_such_user1", headers=h)
    assert r.status_code == 200
    err = r.json()["errors"][0]
    assert err["detail"] == "Could not find user with username: [no_such_user1]."
    assert err["type"] == "https://api.twitter.com/2/problems/resource-not-found"
    r = await sandbox_client.get("/2/users/by/username/bad-name!", headers=h)
    assert r.status_code == 400
    # user context works too, with the user-context limit
    r = await signed(sandbox_client, c, "GET", "/2/users/by/username/XDevelopers")
    assert r.status_code == 200 and r.headers["x-rate-limit-limit"] == "900"


async def test_invalidate_bearer_then_new_one(sandbox_client: httpx.AsyncClient) -> None:
    c = sandbox_client.sandbox_info["credentials"]  # type: ignore[attr-defined]
    pair = (c["consumer_key"], c["consumer_secret"])
    from urllib.parse import unquote

    # sent decoded (`=` instead of `%3D`), as some tools do: still the same token
    r = await sandbox_client.post(
        "/oauth2/invalidate_token", data={"access_token": unquote(c["bearer_token"])}, auth=pair
    )
    assert r.status_code == 200 and r.json() == {"access_token": c["bearer_token"]}
    r = await sandbox_client.get("/2/users/by/username/XDevelopers", headers=bearer(c["bearer_token"]))
    assert r.status_code == 401 and r.json()["errors"][0]["code"] == 89
    fresh = (await sandbox_client.post("/oauth2/token", data={"grant_type": "client_credentials"}, auth=pair)).json()
    assert fresh["access_token"] != c["bearer_token"] and fresh["access_token"].startswith("A" * 21)
    r = await sandbox_client.get("/2/users/by/username/XDevelopers", headers=bearer(fresh["access_token"]))
    assert r.status_code == 200
    r = await sandbox_client.post("/oauth2/invalidate_token", data={"access_token": "A" * 40}, auth=pair)
    assert r.status_code == 403
    r = await sandbox_client.post("/oauth2/token", data={}, auth=pair)
    assert r.status_code == 403 and r.json()["errors"][0]["code"] == 170


async def test_unknown_route_is_code_34(sandbox_client: httpx.AsyncClient) -> None:
    for method, path in (("GET", "/2/nope"), ("PUT", "/2/tweets"), ("GET", "/")):
        r = await sandbox_client.request(method, path)
        assert r.status_code == 404
        assert r.json() == {"errors": [{"message": "Sorry, that page does not exist", "code": 34}]}


# ------------------------------------------------------------------------------ no accidental 500
ROUTES = [
    ("POST", "/oauth2/token"),
    ("POST", "/oauth2/invalidate_token"),
    ("GET", "/2/users/me"),
    ("GET", "/2/users/by/username/XDevelopers"),
    ("GET", "/2/tweets/search/recent?query=x"),
    ("POST", "/2/tweets"),
    ("DELETE", "/2/tweets/123"),
    ("POST", "/2/dm_conversations/with/2244994945/messages"),
    ("GET", "/2/usage/tweets"),
    ("GET", "/1.1/account/verify_credentials.json"),
    ("POST", "/1.1/statuses/update.json"),
    ("POST", "/1.1/oauth/invalidate_token"),
    ("POST", "/oauth/request_token"),
    ("GET", "/oauth/authorize"),
    ("POST", "/oauth/authorize"),
    ("GET", "/oauth/authenticate"),
    ("POST", "/oauth/access_token"),
    ("GET", "/i/oauth2/authorize"),
    ("POST", "/i/oauth2/authorize"),
    ("POST", "/2/oauth2/token"),
    ("POST", "/2/oauth2/revoke"),
]
AUTHS = ["none", "garbage", "bearer", "oauth2", "oauth1", "basic-consumer", "basic-client", "bad-basic"]
BODIES: list[tuple[str, bytes]] = [
    ("", b""),
    ("application/json", b'{"text": "x", "token": "t", "grant_type": "refresh_token"}'),
    ("application/json", b"[1, 2]"),
    ("application/json", b"\xff\xfe"),
    ("application/x-www-form-urlencoded", b"status=hi&grant_type=client_credentials&oauth_token=zz&action=approve"),
    ("application/x-www-form-urlencoded", b"\xff=\xfe"),
    ("text/plain", b"hello"),
]


async def _auth_headers(kind: str, c: dict[str, str], method: str, url: str) -> dict[str, str]:
    from base64 import b64encode

    from sandbox_support import oauth1_sign

    return {
        "none": {},
        "garbage": {"Authorization": "OAuth \x01\x02"},
        "bearer": bearer(c["bearer_token"]),
        "oauth2": bearer(c["oauth2_access_token"]),
        "oauth1": oauth1_sign(c, method, url),
        "basic-consumer": {
            "Authorization": "Basic " + b64encode(f"{c['consumer_key']}:{c['consumer_secret']}".encode()).decode()
        },
        "basic-client": {
            "Authorization": "Basic " + b64encode(f"{c['client_id']}:{c['client_secret']}".encode()).decode()
        },
        "bad-basic": {"Authorization": "Basic !!!notbase64"},
    }[kind]


@pytest.mark.parametrize("scenario", [s for s in SCENARIOS if s != "flaky"])
async def test_every_route_answers_a_designed_status(make_sandbox_client: Any, scenario: str) -> None:
    client, info = make_sandbox_client(scenario)
    c = info["credentials"]
    app = client.sandbox_app
    # every body shape in the healthy scenario; elsewhere a form body (keeps the suite fast)
    bodies = BODIES if scenario == "healthy" else [BODIES[4]]
    for (method, path), kind, (ctype, body) in itertools.product(ROUTES, AUTHS, bodies):
        url = "https://api.x.com" + path
        headers = await _auth_headers(kind, c, method, url)
        if ctype:
            headers["content-type"] = ctype
        r = await client.request(method, url, headers=headers, content=body)
        assert r.status_code in {200, 201, 302, 400, 401, 402, 403, 404, 413, 429}, (method, path, kind, body, r.text)
        assert "date" in r.headers
        if path.startswith("/2/") and not path.startswith("/2/oauth2/"):
            assert "x-rate-limit-limit" in r.headers, (method, path, kind)
    assert app.state.sandbox.bugs == []


async def test_a_bug_is_loud_and_never_a_500(
    make_sandbox_client: Any, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from xkeys.sandbox import api as sandbox_api

    client, info = make_sandbox_client()

    def broken(*a: Any, **k: Any) -> Any:
        raise KeyError("deliberate")

    monkeypatch.setattr(sandbox_api, "_user_json", broken)
    r = await client.get("/2/users/by/username/XDevelopers", headers=bearer(info["credentials"]["bearer_token"]))
    assert r.status_code == 599 and "sandbox bug" in r.text
    assert client.sandbox_app.state.sandbox.bugs and "SANDBOX BUG" in caplog.text


async def test_oversized_body_is_413(sandbox_client: httpx.AsyncClient) -> None:
    c = sandbox_client.sandbox_info["credentials"]  # type: ignore[attr-defined]
    r = await sandbox_client.post(
        "/2/tweets",
        content=b"{" + b" " * (1 << 20) + b"}",
        headers={**bearer(c["oauth2_access_token"]), "content-type": "application/json"},
    )
    assert r.status_code == 413


# ------------------------------------------------------------------------------ fuzz
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=300)
_auth = st.one_of(
    _header_text,
    st.builds(lambda s: "OAuth " + s, _header_text),
    st.builds(
        lambda kv: "OAuth " + ", ".join(f'{k}="{v}"' for k, v in kv.items()),
        st.dictionaries(
            st.sampled_from(
                [
                    "oauth_consumer_key",
                    "oauth_signature",
                    "oauth_signature_method",
                    "oauth_timestamp",
                    "oauth_nonce",
                    "oauth_token",
                    "oauth_version",
                    "realm",
                    "oauth_callback",
                ]
            ),
            st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E, blacklist_characters='"\\'), max_size=40),
        ),
    ),
    st.builds(lambda s: "Bearer " + s, _header_text),
    st.builds(lambda s: "Basic " + s, _header_text),
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    route=st.sampled_from(ROUTES),
    auth=_auth,
    body=st.binary(max_size=200),
    ctype=st.sampled_from(["application/json", "application/x-www-form-urlencoded", "text/plain", ""]),
    query=st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=60),
)
async def test_fuzzed_requests_get_designed_answers(
    sandbox_client: httpx.AsyncClient, route: tuple[str, str], auth: str, body: bytes, ctype: str, query: str
) -> None:
    method, path = route
    headers = {"Authorization": auth}
    if ctype:
        headers["content-type"] = ctype
    sep = "&" if "?" in path else "?"
    r = await sandbox_client.request(method, path + sep + query.replace("#", "%23"), headers=headers, content=body)
    assert r.status_code in {200, 201, 302, 400, 401, 402, 403, 404, 413, 429}, (route, auth, body, r.text)
    assert sandbox_client.sandbox_app.state.sandbox.bugs == []  # type: ignore[attr-defined]
