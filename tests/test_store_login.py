"""PIN and PKCE logins end to end against the sandbox as a real server (the consent forms are
approved over HTTP), refresh rotation, revoke, and every failure mapped to its diagnosis."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from xkeys.cli import main
from xkeys.core import http as xhttp
from xkeys.core import oauth1, oauth2
from xkeys.core.kinds import Kind
from xkeys.core.oauth1 import FlowError
from xkeys.core.store import Store

ROOT = Path(__file__).resolve().parent.parent


# ------------------------------------------------------------------ helpers: a person's browser


def _form(html_text: str) -> tuple[str, dict[str, str]]:
    m = re.search(r'<form[^>]*method="post"[^>]*action="([^"]*)"', html_text, re.I)
    assert m, "no consent form on the page"
    fields = {
        unescape(k): unescape(v)
        for k, v in re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)"', html_text)
    }
    return unescape(m.group(1)), fields


def approve_sync(url: str, *, action: str = "approve", tamper: dict[str, str] | None = None) -> httpx.Response:
    """Open the authorize URL and press a button on the consent page (no redirects followed)."""
    with httpx.Client(timeout=10) as c:
        page = c.get(url)
        assert page.status_code == 200, page.text[:300]
        target, fields = _form(page.text)
        fields.update(tamper or {})
        fields["action"] = action
        return c.post(httpx.URL(url).join(target), data=fields)


async def approve_async(
    client: httpx.AsyncClient, url: str, *, action: str = "approve", tamper: dict[str, str] | None = None
) -> httpx.Response:
    path = url[url.index("/", len("https://")) :]
    page = await client.get(path)
    assert page.status_code == 200, page.text[:300]
    target, fields = _form(page.text)
    fields.update(tamper or {})
    fields["action"] = action
    return await client.post(target, data=fields)


def pin_of(page: str) -> str:
    pins = re.findall(r"(?<!\d)\d{7}(?!\d)", re.sub(r"<[^>]+>", " ", page))
    assert len(pins) == 1, "the PIN page shows one 7-digit PIN"
    return pins[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def xkeys(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "xkeys", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=str(ROOT),
    )


@pytest.fixture
def cfg(tmp_path, monkeypatch):
    monkeypatch.setenv("XKEYS_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("XKEYS_SECRET_STORE", "file")
    monkeypatch.delenv("XKEYS_PROFILE", raising=False)
    monkeypatch.delenv("XKEYS_API_BASE", raising=False)
    return tmp_path / "cfg"


def base_env(cfg: Path, creds: dict[str, str], **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("X_", "TWITTER_", "XKEYS_")) and k not in ("CONSUMER_KEY", "CLIENT_ID")
    }
    env.update({"XKEYS_CONFIG_DIR": str(cfg), "XKEYS_SECRET_STORE": "file", "BROWSER": "true"})
    env.update(extra)
    return env


# ------------------------------------------------------------------ PIN, end to end


def test_login_pin_end_to_end_with_real_server(cfg, sandbox_server):
    creds = sandbox_server.info["credentials"]
    env = base_env(cfg, creds, X_API_KEY=creds["consumer_key"], X_API_SECRET=creds["consumer_secret"])
    proc = xkeys(["login", "pin", "--profile", "acme", "--api-base", sandbox_server.base_url, "--no-browser"], env)
    assert proc.stdout is not None and proc.stdin is not None
    url = proc.stdout.readline().strip()
    assert url.startswith(sandbox_server.base_url + "/oauth/authorize?oauth_token="), url
    pin = pin_of(approve_sync(url).text)
    out, err = proc.communicate(pin + "\n", timeout=60)
    assert proc.returncode == 0, err
    assert "logged in as @" in out
    p = Store().load("acme")
    assert p.values[Kind.CONSUMER_KEY] == creds["consumer_key"]
    assert p.extra["screen_name"] and p.extra["user_id"]
    assert p.values[Kind.ACCESS_TOKEN].startswith(p.extra["user_id"] + "-")
    assert p.auth_path == "oauth1-user"
    for v in p.values.values():
        assert v not in out + err, "a secret reached the terminal"
    # the new tokens really work: a signed GET /2/users/me
    auth = xhttp.OAuth1Auth(
        creds["consumer_key"], creds["consumer_secret"], p.values[Kind.ACCESS_TOKEN], p.values[Kind.ACCESS_TOKEN_SECRET]
    )
    r = httpx.get(sandbox_server.base_url + "/2/users/me", auth=auth, timeout=10)
    assert r.status_code == 200 and r.json()["data"]["username"] == p.extra["screen_name"]


def test_login_pin_wrong_pin_exits_1_with_invalid_pin(cfg, sandbox_server):
    creds = sandbox_server.info["credentials"]
    env = base_env(cfg, creds, X_API_KEY=creds["consumer_key"], X_API_SECRET=creds["consumer_secret"])
    proc = xkeys(["login", "pin", "--profile", "acme", "--api-base", sandbox_server.base_url, "--no-browser"], env)
    assert proc.stdout is not None
    url = proc.stdout.readline().strip()
    real = pin_of(approve_sync(url).text)
    wrong = str((int(real) + 1) % 10_000_000).zfill(7)
    _, err = proc.communicate(wrong + "\n", timeout=60)
    assert proc.returncode == 1
    assert "invalid-pin" in err
    assert Store().list() == []


def test_login_pin_without_consumer_pair_is_usage_error(cfg, sandbox_server, monkeypatch, capsys):
    for name in list(os.environ):
        if name.startswith(("X_", "TWITTER_")):
            monkeypatch.delenv(name)
    assert main(["login", "pin", "--profile", "acme", "--api-base", sandbox_server.base_url, "--no-browser"]) == 2
    assert "consumer key and secret" in capsys.readouterr().err
    assert main(["login", "pin"]) == 2  # no profile given, none active
    assert "--profile NAME" in capsys.readouterr().err


async def test_pin_failures_map_to_diagnoses(make_sandbox_client):
    client, info = make_sandbox_client()
    c = info["credentials"]
    # 32: a wrong consumer secret
    with pytest.raises(FlowError) as exc:
        await oauth1.request_token(c["consumer_key"], "x" * 50, client=client)
    assert exc.value.diagnosis == "signature-rejected"
    # 415: a callback that is not registered
    with pytest.raises(FlowError) as exc:
        await oauth1.request_token(
            c["consumer_key"], c["consumer_secret"], client=client, callback="https://evil.example/cb"
        )
    assert exc.value.diagnosis == "callback-not-approved"
    # a wrong PIN, then the right one is burnt too (as X does)
    req = await oauth1.request_token(c["consumer_key"], c["consumer_secret"], client=client)
    pin = pin_of((await approve_async(client, req.authorize_url)).text)
    with pytest.raises(FlowError) as exc:
        await oauth1.exchange_pin(
            c["consumer_key"], c["consumer_secret"], req, "1234567" if pin != "1234567" else "7654321", client=client
        )
    assert exc.value.diagnosis == "invalid-pin"
    with pytest.raises(FlowError) as exc:
        await oauth1.exchange_pin(c["consumer_key"], c["consumer_secret"], req, pin, client=client)
    assert exc.value.diagnosis == "invalid-pin"
    # not a number at all: refused before asking X
    with pytest.raises(FlowError) as exc:
        oauth1.clean_pin("abc")
    assert exc.value.diagnosis == "invalid-pin"
    assert oauth1.clean_pin(" 123 4567\n") == "1234567"


def test_oob_required_answer_maps_to_its_diagnosis():
    # X's 417 answer to a desktop app that sent a callback (FACTS.md section 2, PIN flow failures)
    body = '{"errors":[{"code":417,"message":"Desktop applications only support the oauth_callback value \'oob\'"}]}'
    resp = httpx.Response(401, text=body, request=httpx.Request("POST", "https://api.x.com/oauth/request_token"))
    err = oauth1.failure_from_response(resp, "request_token")
    assert err.diagnosis == "oob-required" and err.status == 401


# ------------------------------------------------------------------ PKCE, end to end


def _pkce_server(make_sandbox_server, port: int):
    uri = f"http://127.0.0.1:{port}/callback"
    return make_sandbox_server(redirect_uris=[uri]), uri


def test_login_pkce_loopback_end_to_end_then_refresh_and_revoke(cfg, make_sandbox_server, capsys):
    server, uri = _pkce_server(make_sandbox_server, free_port())
    creds = server.info["credentials"]
    env = base_env(cfg, creds, X_CLIENT_ID=creds["client_id"], X_CLIENT_SECRET=creds["client_secret"])
    proc = xkeys(
        ["login", "pkce", "--profile", "acme", "--api-base", server.base_url, "--redirect-uri", uri, "--wait", "30"],
        env,
    )
    assert proc.stdout is not None
    url = proc.stdout.readline().strip()
    q = parse_qs(urlsplit(url).query)
    assert url.startswith(server.base_url + "/i/oauth2/authorize?")
    assert q["code_challenge_method"] == ["S256"] and q["redirect_uri"] == [uri] and q["state"][0]
    assert "offline.access" in q["scope"][0].split()
    answer = approve_sync(url)
    assert answer.status_code == 302
    landing = httpx.get(answer.headers["location"], timeout=10)  # the browser follows to the loopback server
    assert landing.status_code == 200 and "close this tab" in landing.text
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    p = Store().load("acme")
    at, rt = p.values[Kind.OAUTH2_ACCESS_TOKEN], p.values[Kind.OAUTH2_REFRESH_TOKEN]
    assert p.callback_url == uri and p.auth_path == "oauth2-user"
    assert "offline.access" in p.extra["scopes"] and p.extra["oauth2_expires_at"]
    assert p.extra.get("username")
    for v in p.values.values():
        assert v not in out + err
    r = httpx.get(server.base_url + "/2/users/me", headers={"Authorization": f"Bearer {at}"}, timeout=10)
    assert r.status_code == 200

    # refresh: a new pair is stored; the old refresh token is dead
    # (in-process from here on: same code path, no interpreter start-up per command)
    assert main(["token", "refresh", "--profile", "acme", "--api-base", server.base_url]) == 0
    p2 = Store().load("acme")
    assert p2.values[Kind.OAUTH2_REFRESH_TOKEN] != rt and p2.values[Kind.OAUTH2_ACCESS_TOKEN] != at
    assert p2.history[-1].reason == "token refresh"
    assert main(["token", "refresh", "--profile", "acme", "--api-base", server.base_url]) == 0  # new one works
    with pytest.raises(FlowError) as exc:
        import asyncio

        asyncio.run(
            oauth2.refresh(creds["client_id"], rt, client_secret=creds["client_secret"], api_base=server.base_url)
        )
    assert exc.value.diagnosis == "refresh-token-invalid"

    # revoke: both gone from X and from the profile
    live_at = Store().load("acme").values[Kind.OAUTH2_ACCESS_TOKEN]
    assert main(["token", "revoke", "--profile", "acme", "--api-base", server.base_url]) == 0
    p3 = Store().load("acme")
    assert Kind.OAUTH2_ACCESS_TOKEN not in p3.values and Kind.OAUTH2_REFRESH_TOKEN not in p3.values
    r = httpx.get(server.base_url + "/2/users/me", headers={"Authorization": f"Bearer {live_at}"}, timeout=10)
    assert r.status_code == 401
    assert main(["token", "refresh", "--profile", "acme", "--api-base", server.base_url]) == 2
    assert "login pkce" in capsys.readouterr().err


def test_login_pkce_paste_mode_no_browser(cfg, make_sandbox_server):
    server, uri = _pkce_server(make_sandbox_server, free_port())
    creds = server.info["credentials"]
    env = base_env(
        cfg, creds, X_CLIENT_ID=creds["client_id"], X_CLIENT_SECRET=creds["client_secret"], X_REDIRECT_URI=uri
    )
    proc = xkeys(
        [
            "login",
            "pkce",
            "--profile",
            "acme",
            "--api-base",
            server.base_url,
            "--no-browser",
            "--scopes",
            "tweet.read users.read",
        ],
        env,
    )
    assert proc.stdout is not None
    url = proc.stdout.readline().strip()
    answer = approve_sync(url)
    location = answer.headers["location"]  # nothing listens there: the user copies it from the address bar
    out, err = proc.communicate(location + "\n", timeout=60)
    assert proc.returncode == 0, err
    p = Store().load("acme")
    assert Kind.OAUTH2_ACCESS_TOKEN in p.values and Kind.OAUTH2_REFRESH_TOKEN not in p.values
    assert "without a refresh token" in out


def test_login_pkce_cancel_and_state_tampering(cfg, make_sandbox_server):
    server, uri = _pkce_server(make_sandbox_server, free_port())
    creds = server.info["credentials"]
    env = base_env(cfg, creds, X_CLIENT_ID=creds["client_id"], X_CLIENT_SECRET=creds["client_secret"])
    args = ["login", "pkce", "--profile", "acme", "--api-base", server.base_url, "--no-browser", "--redirect-uri", uri]
    proc = xkeys(args, env)
    assert proc.stdout is not None
    url = proc.stdout.readline().strip()
    location = approve_sync(url).headers["location"]
    forged = re.sub(r"state=[^&]+", "state=someone-elses", location)
    _, err = proc.communicate(forged + "\n", timeout=60)
    assert proc.returncode == 1 and "state" in err and "authorization-code-invalid" in err
    proc = xkeys(args, env)
    assert proc.stdout is not None
    url = proc.stdout.readline().strip()
    location = approve_sync(url, action="cancel").headers["location"]
    _, err = proc.communicate(location + "\n", timeout=60)
    assert proc.returncode == 1 and "cancelled" in err
    assert Store().list() == []


async def test_pkce_failures_map_to_diagnoses(make_sandbox_client):
    a, b = "http://127.0.0.1:8976/callback", "http://127.0.0.1:8977/cb"
    client, info = make_sandbox_client(redirect_uris=[a, b])
    c = info["credentials"]
    cid, secret = c["client_id"], c["client_secret"]

    async def code_for(start: oauth2.PkceStart, tamper: dict[str, str] | None = None) -> str:
        ans = await approve_async(client, start.url, tamper=tamper)
        return oauth2.code_from_redirect(ans.headers["location"], start.state)

    st = oauth2.start(cid, a, api_base="https://api.x.com")
    assert st.url.startswith("https://x.com/i/oauth2/authorize?")  # production: the consent page is on x.com
    st = oauth2.start(cid, a, api_base="http://sandbox.test")
    assert st.url.startswith("http://sandbox.test/i/oauth2/authorize?")
    st = oauth2.start(cid, a, api_base="https://api.x.com")
    code = await code_for(st)
    # the redirect URI at the token step differs from the one authorized
    other = oauth2.PkceStart(st.url, st.state, st.code_verifier, b, st.scopes, cid)
    with pytest.raises(FlowError) as exc:
        await oauth2.exchange(other, code, client_secret=secret, client=client)
    assert exc.value.diagnosis == "redirect-uri-mismatch"
    # the code is burnt: reuse -> authorization-code-invalid
    with pytest.raises(FlowError) as exc:
        await oauth2.exchange(st, code, client_secret=secret, client=client)
    assert exc.value.diagnosis == "authorization-code-invalid"
    # wrong client secret
    st = oauth2.start(cid, a, api_base="https://api.x.com")
    code = await code_for(st)
    with pytest.raises(FlowError) as exc:
        await oauth2.exchange(st, code, client_secret="w" * 50, client=client)
    assert exc.value.diagnosis == "client-secret-rejected"
    # unknown client id (a consumer key pasted as Client ID)
    with pytest.raises(FlowError) as exc:
        await oauth2.refresh(c["consumer_key"], "r" * 90, client=client)
    assert exc.value.diagnosis in ("invalid-client", "client-secret-rejected")
    with pytest.raises(FlowError) as exc:
        await oauth2.refresh(c["consumer_key"], "r" * 90, client_secret=secret, client=client)
    assert exc.value.diagnosis == "invalid-client"
    # fewer scopes granted than asked -> missing-scopes reported with the tokens
    st = oauth2.start(cid, a, ("tweet.read", "tweet.write", "users.read"), api_base="https://api.x.com")
    code = await code_for(st, tamper={"scope": "tweet.read users.read"})
    ts = await oauth2.exchange(st, code, client_secret=secret, client=client)
    assert ts.missing_scopes == ("tweet.write",) and ts.refresh_token is None
    # revoke answers revoked
    assert await oauth2.revoke(cid, ts.access_token, client_secret=secret, client=client)


def test_redirect_uri_helpers():
    assert oauth2.loopback_target("http://127.0.0.1:8765/callback") == ("127.0.0.1", 8765, "/callback")
    assert oauth2.loopback_target("http://localhost:3000/") == ("127.0.0.1", 3000, "/")
    assert oauth2.loopback_target("https://127.0.0.1:8765/callback") is None  # no TLS on the loopback server
    assert oauth2.loopback_target("http://example.com/callback") is None
    assert oauth2.loopback_target("http://10.0.0.5:80/cb") is None
    with pytest.raises(FlowError):
        oauth2.check_redirect_uri("myapp://callback?x=1")
    with pytest.raises(FlowError):
        oauth2.parse_scopes("tweet.read tweets.write")
    assert oauth2.parse_scopes("tweet.read,users.read") == ("tweet.read", "users.read")
    with pytest.raises(FlowError) as exc:
        oauth2.code_from_redirect("just some text", "s")
    assert exc.value.diagnosis == "authorization-code-invalid"


async def test_loopback_server_answers_only_its_path_and_reports_a_busy_port():
    port = free_port()
    async with oauth2.LoopbackServer(f"http://localhost:{port}/cb") as srv:
        async with httpx.AsyncClient(timeout=5) as c:
            assert (await c.get(f"http://127.0.0.1:{port}/favicon.ico")).status_code == 404
            assert (await c.get(f"http://127.0.0.1:{port}/cb")).status_code == 400  # no code yet
            with pytest.raises(FlowError) as exc:
                await srv.wait(0.2)
            assert exc.value.diagnosis == "redirect-uri-mismatch" and "--no-browser" in exc.value.message
            r = await c.get(f"http://127.0.0.1:{port}/cb?state=abc&code=xyz")
            assert r.status_code == 200
            got = await srv.wait(2)
        assert oauth2.code_from_redirect(got, "abc") == "xyz"
        with pytest.raises(FlowError) as exc:  # the port is taken (by the server above)
            async with oauth2.LoopbackServer(f"http://127.0.0.1:{port}/cb"):
                pass
        assert "cannot listen" in exc.value.message
    with pytest.raises(FlowError):
        oauth2.LoopbackServer("https://example.com/cb")
