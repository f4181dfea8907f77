"""tweepy against the real sandbox server, its requests session forwarded from
https://api.twitter.com by a transport adapter: a real SDK must not tell the sandbox from X."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests
import tweepy

from sandbox_support import find_pin, forward_x_hosts, parse_form
from xkeys.sandbox.server import SandboxHandle


def _client(handle: SandboxHandle, **over: str) -> tweepy.Client:
    c = {**handle.info["credentials"], **over}
    client = tweepy.Client(
        bearer_token=c["bearer_token"],
        consumer_key=c["consumer_key"],
        consumer_secret=c["consumer_secret"],
        access_token=c["access_token"],
        access_token_secret=c["access_token_secret"],
    )
    forward_x_hosts(client.session, handle.base_url)
    return client


def _api(handle: SandboxHandle, **over: str) -> tweepy.API:
    c = {**handle.info["credentials"], **over}
    auth = tweepy.OAuth1UserHandler(
        c["consumer_key"], c["consumer_secret"], c["access_token"], c["access_token_secret"]
    )
    api = tweepy.API(auth)
    forward_x_hosts(api.session, handle.base_url)
    return api


def test_client_reads_writes_and_dms(sandbox_server: SandboxHandle) -> None:
    client = _client(sandbox_server)
    me = client.get_me(user_auth=True)
    assert me.data.id == int(sandbox_server.info["credentials"]["access_token"].split("-")[0])
    dev = client.get_user(username="XDevelopers")
    assert dev.data.username == "XDevelopers" and dev.data.id == 2244994945
    missing = client.get_user(username="nobody_here_42")
    assert missing.data is None and missing.errors[0]["title"] == "Not Found Error"
    created = client.create_tweet(text="hello from tweepy through the sandbox", user_auth=True)
    tweet_id = created.data["id"]
    found = client.search_recent_tweets("tweepy sandbox", tweet_fields=["created_at", "author_id"])
    assert [t.id for t in found.data] == [int(tweet_id)]
    assert found.data[0].author_id == me.data.id and found.data[0].created_at is not None
    assert found.meta["result_count"] == 1
    page = client.search_recent_tweets("x", max_results=10)
    assert page.meta["result_count"] == len(page.data) == 10 and "next_token" in page.meta
    nxt = client.search_recent_tweets("x", max_results=10, next_token=page.meta["next_token"])
    assert not {t.id for t in nxt.data} & {t.id for t in page.data}
    with pytest.raises(tweepy.Forbidden, match="duplicate content"):
        client.create_tweet(text="hello from tweepy through the sandbox", user_auth=True)
    assert client.delete_tweet(tweet_id, user_auth=True).data == {"deleted": True}
    dm = client.create_direct_message(participant_id=2244994945, text="hi", user_auth=True)
    assert sorted(dm.data["dm_conversation_id"].split("-")) == sorted([str(me.data.id), "2244994945"])


def test_client_wrong_secret_is_unauthorized_32(sandbox_server: SandboxHandle) -> None:
    client = _client(sandbox_server, consumer_secret="Z" * 50)
    with pytest.raises(tweepy.Unauthorized) as info:
        client.get_me(user_auth=True)
    assert info.value.api_codes == [32]


def test_client_bearer_on_user_endpoint(sandbox_server: SandboxHandle) -> None:
    client = _client(sandbox_server)
    with pytest.raises(tweepy.Forbidden, match="Application-Only is forbidden"):
        client.get_me(user_auth=False)  # tweepy then sends the app-only bearer


def test_api_v11_verify_and_update(sandbox_server: SandboxHandle) -> None:
    api = _api(sandbox_server)
    user = api.verify_credentials()
    assert user.id_str == sandbox_server.info["credentials"]["access_token"].split("-")[0]
    status = api.update_status("v1.1 post from tweepy")
    assert status.text == "v1.1 post from tweepy"
    with pytest.raises(tweepy.Forbidden) as info:
        api.update_status("v1.1 post from tweepy")
    assert info.value.api_codes == [187]


def test_pin_flow_with_tweepy_handler(sandbox_server: SandboxHandle, monkeypatch: pytest.MonkeyPatch) -> None:
    from requests_oauthlib import OAuth1Session

    class ForwardedOAuth1Session(OAuth1Session):  # tweepy makes a new session for each step
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            forward_x_hosts(self, sandbox_server.base_url)

    monkeypatch.setattr(tweepy.auth, "OAuth1Session", ForwardedOAuth1Session)
    c = sandbox_server.info["credentials"]
    handler = tweepy.OAuth1UserHandler(c["consumer_key"], c["consumer_secret"], callback="oob")
    url = handler.get_authorization_url()
    assert url.startswith("https://api.twitter.com/oauth/authorize?oauth_token=")
    browser = forward_x_hosts(requests.Session(), sandbox_server.base_url)
    form = parse_form(browser.get(url).text)
    pin = find_pin(
        browser.post("https://api.twitter.com" + form["action"], data={**form["fields"], "action": "approve"}).text
    )
    token, secret = handler.get_access_token(pin)
    assert token.startswith(c["access_token"].split("-")[0] + "-")
    api = tweepy.API(tweepy.OAuth1UserHandler(c["consumer_key"], c["consumer_secret"], token, secret))
    forward_x_hosts(api.session, sandbox_server.base_url)
    assert api.verify_credentials().id_str == token.split("-")[0]


def test_pkce_with_tweepy_handler(sandbox_server: SandboxHandle) -> None:
    info = sandbox_server.info
    c = info["credentials"]
    handler = tweepy.OAuth2UserHandler(
        client_id=c["client_id"],
        redirect_uri=info["redirect_uri"],
        scope=["tweet.read", "users.read", "offline.access"],
        client_secret=c["client_secret"],
    )
    forward_x_hosts(handler, sandbox_server.base_url)
    url = handler.get_authorization_url()
    browser = forward_x_hosts(requests.Session(), sandbox_server.base_url)
    form = parse_form(browser.get(url).text)
    r = browser.post(url.split("?")[0], data={**form["fields"], "action": "approve"}, allow_redirects=False)
    token = handler.fetch_token(r.headers["location"].replace("http://", "https://"))
    assert token["scope"] == ["tweet.read", "users.read", "offline.access"] and token["refresh_token"]
    client = tweepy.Client(token["access_token"])
    forward_x_hosts(client.session, sandbox_server.base_url)
    assert client.get_me(user_auth=False).data.username


ScenarioCase = tuple[str, Callable[[tweepy.Client], Any], type[Exception], str]
CASES: list[ScenarioCase] = [
    ("read-only", lambda cl: cl.create_tweet(text="x", user_auth=True), tweepy.Forbidden, "oauth1 app permissions"),
    ("suspended-app", lambda cl: cl.get_me(user_auth=True), tweepy.Unauthorized, "416"),
    ("rotated-secret", lambda cl: cl.get_me(user_auth=True), tweepy.Unauthorized, "32"),
    ("client-not-enrolled", lambda cl: cl.get_user(username="XDevelopers"), tweepy.Forbidden, "attached to a Project"),
    (
        "credits-depleted",
        lambda cl: cl.get_user(username="XDevelopers"),
        tweepy.HTTPException,
        "does not have any credits",
    ),
    ("endpoint-not-in-plan", lambda cl: cl.search_recent_tweets("x"), tweepy.Forbidden, "453"),
    ("rate-limited", lambda cl: cl.get_me(user_auth=True), tweepy.TooManyRequests, "Too Many Requests"),
    ("usage-capped", lambda cl: cl.search_recent_tweets("x"), tweepy.TooManyRequests, "Usage cap exceeded"),
    ("clock-skew", lambda cl: cl.get_me(user_auth=True), tweepy.Unauthorized, "135"),
]


@pytest.mark.parametrize("scenario, call, exc, text", CASES, ids=[c[0] for c in CASES])
def test_scenarios_seen_by_tweepy(
    make_sandbox_server: Callable[..., SandboxHandle],
    scenario: str,
    call: Callable[[tweepy.Client], Any],
    exc: type[Exception],
    text: str,
) -> None:
    client = _client(make_sandbox_server(scenario))
    with pytest.raises(exc) as info:
        call(client)
    assert text in str(info.value)


def test_endpoint_not_in_plan_allows_small_plan_endpoints(make_sandbox_server: Callable[..., SandboxHandle]) -> None:
    client = _client(make_sandbox_server("endpoint-not-in-plan"))
    assert client.get_me(user_auth=True).data is not None
    with pytest.raises(tweepy.Forbidden) as info:
        client.get_user(username="XDevelopers")
    assert info.value.api_codes == [453]
