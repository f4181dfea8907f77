"""Each scenario produces the exact error X produces (shared/FACTS.md section 3), in-process."""

from __future__ import annotations

import base64
import email.utils
from typing import Any

import httpx

from sandbox_support import bearer, signed

PROBLEM = "application/problem+json"


def _basic(user: str, pw: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{pw}".encode()).decode()}


async def _app_token(client: httpx.AsyncClient, key: str, secret: str) -> httpx.Response:
    return await client.post("/oauth2/token", data={"grant_type": "client_credentials"}, headers=_basic(key, secret))


async def test_suspended_app_answers_416_everywhere(make_sandbox_client: Any) -> None:
    client, info = make_sandbox_client("suspended-app")
    c = info["credentials"]
    want = {"errors": [{"code": 416, "message": "Invalid / suspended application"}]}
    answers = [
        await signed(client, c, "GET", "/2/users/me"),
        await signed(client, c, "GET", "/1.1/account/verify_credentials.json"),
        await client.get("/2/users/by/username/XDevelopers", headers=bearer(c["bearer_token"])),
        await client.get("/2/users/me", headers=bearer(c["oauth2_access_token"])),
        await _app_token(client, c["consumer_key"], c["consumer_secret"]),
        await signed(
            client, c, "POST", "/oauth/request_token", form={"oauth_callback": "oob"}, token="", token_secret=""
        ),
    ]
    for r in answers:
        assert r.status_code == 401 and r.json() == want, (r.request.url, r.text)


async def test_rotated_secret(make_sandbox_client: Any) -> None:
    client, info = make_sandbox_client("rotated-secret")
    c, cur = info["credentials"], info["current"]
    assert set(cur) == {
        "consumer_secret",
        "bearer_token",
        "client_secret",
        "oauth2_access_token",
        "oauth2_refresh_token",
    }
    assert all(cur[k] != c[k] for k in cur)
    # stale consumer secret: signatures fail, the pair is refused for app-only auth
    r = await signed(client, c, "GET", "/2/users/me")
    assert r.status_code == 401 and r.json()["errors"][0]["code"] == 32
    r = await _app_token(client, c["consumer_key"], c["consumer_secret"])
    assert r.status_code == 403 and r.json()["errors"][0]["code"] == 99
    # the regenerated secret works with the same access token, and yields the current bearer
    r = await signed(client, {**c, "consumer_secret": cur["consumer_secret"]}, "GET", "/2/users/me")
    assert r.status_code == 200
    r = await _app_token(client, c["consumer_key"], cur["consumer_secret"])
    assert r.json()["access_token"] == cur["bearer_token"]
    # the stale bearer is dead, the current one works
    r = await client.get("/2/users/by/username/XDevelopers", headers=bearer(c["bearer_token"]))
    assert r.status_code == 401 and r.json()["errors"][0]["code"] == 89
    r = await client.get("/2/users/by/username/XDevelopers", headers=bearer(cur["bearer_token"]))
    assert r.status_code == 200
    # stale client secret is refused; current accepted (dummy code -> "code invalid")
    form = {
        "grant_type": "authorization_code",
        "code": "dummy",
        "redirect_uri": info["redirect_uri"],
        "code_verifier": "dummy",
        "client_id": c["client_id"],
    }
    r = await client.post("/2/oauth2/token", data=form, auth=(c["client_id"], c["client_secret"]))
    assert r.status_code == 401 and r.json()["error"] == "unauthorized_client"
    r = await client.post("/2/oauth2/token", data=form, auth=(c["client_id"], cur["client_secret"]))
    assert r.status_code == 400 and r.json()["error"] == "invalid_request"
    # rotating the client secret invalidated the old OAuth 2.0 tokens
    r = await client.get("/2/users/me", headers=bearer(c["oauth2_access_token"]))
    assert r.status_code == 401
    r = await client.post(
        "/2/oauth2/token",
        auth=(c["client_id"], cur["client_secret"]),
        data={"grant_type": "refresh_token", "refresh_token": c["oauth2_refresh_token"]},
    )
    assert r.status_code == 400 and r.json()["error_description"] == "Value passed for the token was invalid."
    r = await client.get("/2/users/me", headers=bearer(cur["oauth2_access_token"]))
    assert r.status_code == 200


async def test_client_not_enrolled(make_sandbox_client: Any) -> None:
    client, info = make_sandbox_client("client-not-enrolled")
    c = info["credentials"]
    for r in (
        await client.get("/2/users/by/username/XDevelopers", headers=bearer(c["bearer_token"])),
        await signed(client, c, "GET", "/2/users/me"),
    ):
        assert r.status_code == 403 and r.headers["content-type"] == PROBLEM
        body = r.json()
        assert body["reason"] == "client-not-enrolled"
        assert body["type"] == "https://api.twitter.com/2/problems/client-forbidden"
        assert body["title"] == "Client Forbidden"
        assert body["detail"].startswith(
            "When authenticating requests to the Twitter API v2 endpoints, you must use "
            "keys and tokens from a Twitter developer App that is attached to a Project."
        )
        assert "x-rate-limit-remaining" in r.headers
    # the keys themselves are fine: app-only auth and v1.1 work
    assert (await _app_token(client, c["consumer_key"], c["consumer_secret"])).status_code == 200
    assert (await signed(client, c, "GET", "/1.1/account/verify_credentials.json")).status_code == 200


async def test_credits_depleted(make_sandbox_client: Any) -> None:
    client, info = make_sandbox_client("credits-depleted", seed=5)
    c = info["credentials"]
    r = await client.get("/2/users/by/username/XDevelopers", headers=bearer(c["bearer_token"]))
    assert r.status_code == 402 and r.headers["content-type"] == PROBLEM
    body = r.json()
    assert body["title"] == "CreditsDepleted" and body["type"] == "https://api.twitter.com/2/problems/credits"
    assert body["detail"].startswith("Your enrolled account [") and body["detail"].endswith(
        "] does not have any credits to fulfill this request."
    )
    assert (await signed(client, c, "POST", "/2/tweets", json={"text": "hi"})).status_code == 402


async def test_endpoint_not_in_plan(make_sandbox_client: Any) -> None:
    client, info = make_sandbox_client("endpoint-not-in-plan")
    c = info["credentials"]
    blocked = [
        await client.get("/2/tweets/search/recent", params={"query": "x"}, headers=bearer(c["bearer_token"])),
        await client.get("/2/users/by/username/XDevelopers", headers=bearer(c["bearer_token"])),
        await client.get("/2/usage/tweets", headers=bearer(c["bearer_token"])),
        await signed(client, c, "GET", "/1.1/account/verify_credentials.json"),
    ]
    for r in blocked:
        assert r.status_code == 403
        err = r.json()["errors"][0]
        assert err["code"] == 453 and err["message"].startswith(
            "You currently have access to a subset of X API V2 endpoints and limited v1.1 endpoints"
        )
    assert (await signed(client, c, "GET", "/2/users/me")).status_code == 200
    made = await signed(client, c, "POST", "/2/tweets", json={"text": "small plan"})
    assert made.status_code == 201
    gone = await signed(client, c, "DELETE", f"/2/tweets/{made.json()['data']['id']}")
    assert gone.json() == {"data": {"deleted": True}}


async def test_rate_limited_starts_spent_and_resets(make_sandbox_client: Any) -> None:
    now = [1_800_000_000.0]
    client, info = make_sandbox_client("rate-limited", clock=lambda: now[0])
    c = info["credentials"]
    r = await signed(client, c, "GET", "/2/users/me", timestamp=now[0])
    assert r.status_code == 429
    assert r.json() == {
        "title": "Too Many Requests",
        "detail": "Too Many Requests",
        "type": "about:blank",
        "status": 429,
    }
    assert r.headers["x-rate-limit-limit"] == "75" and r.headers["x-rate-limit-remaining"] == "0"
    reset = int(r.headers["x-rate-limit-reset"])
    assert now[0] < reset <= now[0] + 900
    r = await signed(client, c, "GET", "/1.1/account/verify_credentials.json", timestamp=now[0])
    assert r.status_code == 429 and r.json() == {"errors": [{"code": 88, "message": "Rate limit exceeded"}]}
    now[0] = reset + 1
    r = await signed(client, c, "GET", "/2/users/me", timestamp=now[0])
    assert r.status_code == 200 and r.headers["x-rate-limit-remaining"] == "74"


async def test_real_rate_limit_counts_per_token_and_endpoint(make_sandbox_client: Any) -> None:
    now = [1_800_000_000.0]
    client, info = make_sandbox_client(clock=lambda: now[0])
    c = info["credentials"]
    for i in range(50):
        r = await client.delete(f"/2/tweets/{1000 + i}", headers=bearer(c["oauth2_access_token"]))
        assert r.status_code == 200 and r.headers["x-rate-limit-remaining"] == str(49 - i)
    r = await client.delete("/2/tweets/1", headers=bearer(c["oauth2_access_token"]))
    assert r.status_code == 429 and r.headers["x-rate-limit-remaining"] == "0"
    # another endpoint, and the same endpoint with another token, have their own windows
    assert (await client.get("/2/users/me", headers=bearer(c["oauth2_access_token"]))).status_code == 200
    r = await signed(client, c, "DELETE", "/2/tweets/1", timestamp=now[0])
    assert r.status_code == 200 and r.headers["x-rate-limit-remaining"] == "49"
    now[0] += 901
    assert (await client.delete("/2/tweets/1", headers=bearer(c["oauth2_access_token"]))).status_code == 200


async def test_usage_capped(make_sandbox_client: Any) -> None:
    client, info = make_sandbox_client("usage-capped")
    c = info["credentials"]
    r = await client.get("/2/tweets/search/recent", params={"query": "x"}, headers=bearer(c["bearer_token"]))
    assert r.status_code == 429 and r.headers["content-type"] == PROBLEM
    body = r.json()
    assert body["title"] == "UsageCapExceeded" and body["period"] == "Monthly"
    assert body["type"] == "https://api.twitter.com/2/problems/usage-capped"
    assert r.headers["x-rate-limit-remaining"] != "0"  # not a rate limit
    usage = (await client.get("/2/usage/tweets", headers=bearer(c["bearer_token"]))).json()["data"]
    assert int(usage["project_usage"]) >= int(usage["project_cap"])
    assert (await signed(client, c, "GET", "/2/users/me")).status_code == 200


async def test_usage_counts_tweets_read(sandbox_client: httpx.AsyncClient) -> None:
    c = sandbox_client.sandbox_info["credentials"]  # type: ignore[attr-defined]
    h = bearer(c["bearer_token"])
    before = int((await sandbox_client.get("/2/usage/tweets", headers=h)).json()["data"]["project_usage"])
    found = (await sandbox_client.get("/2/tweets/search/recent", params={"query": "x"}, headers=h)).json()
    after = int((await sandbox_client.get("/2/usage/tweets", headers=h)).json()["data"]["project_usage"])
    assert after - before == found["meta"]["result_count"] > 0


async def test_clock_skew(make_sandbox_client: Any) -> None:
    real = 1_800_000_000.0
    client, info = make_sandbox_client("clock-skew", clock=lambda: real)
    c = info["credentials"]
    r = await signed(client, c, "GET", "/2/users/me", timestamp=real)
    assert r.status_code == 401 and r.json() == {"errors": [{"code": 135, "message": "Timestamp out of bounds."}]}
    server_time = email.utils.parsedate_to_datetime(r.headers["date"].replace("UTC", "GMT")).timestamp()
    assert server_time - real == 3600
    # a client that follows the server's date header gets in
    r = await signed(client, c, "GET", "/2/users/me", timestamp=server_time)
    assert r.status_code == 200
    # bearer auth has no timestamp: unaffected
    r = await client.get("/2/users/by/username/XDevelopers", headers=bearer(c["bearer_token"]))
    assert r.status_code == 200


async def test_missing_scopes(make_sandbox_client: Any) -> None:
    client, info = make_sandbox_client("missing-scopes")
    tok = bearer(info["credentials"]["oauth2_access_token"])
    assert (await client.get("/2/users/me", headers=tok)).status_code == 200
    r = await client.post("/2/tweets", json={"text": "hello"}, headers=tok)
    assert r.status_code == 403 and r.json()["status"] == 403
    # the refreshed token keeps the same (insufficient) scopes
    c = info["credentials"]
    new = await client.post(
        "/2/oauth2/token",
        auth=(c["client_id"], c["client_secret"]),
        data={"grant_type": "refresh_token", "refresh_token": c["oauth2_refresh_token"]},
    )
    assert "tweet.write" not in new.json()["scope"].split()
    # OAuth 1.0a is unaffected
    assert (await signed(client, c, "POST", "/2/tweets", json={"text": "hello"})).status_code == 201


async def test_healthy_date_header_follows_the_clock(make_sandbox_client: Any) -> None:
    client, _ = make_sandbox_client(clock=lambda: 1_700_000_000.0)
    r = await client.get("/2/users/me")
    assert r.headers["date"] == "Tue, 14 Nov 2023 22:13:20 UTC"
    r = await client.post("/oauth2/token")
    assert r.headers["date"] == "Tue, 14 Nov 2023 22:13:20 GMT"
