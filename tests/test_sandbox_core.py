"""Core sandbox behaviour in-process: credentials, app-only bearer, signed user calls, headers."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
from typing import Any
from urllib.parse import quote

import httpx

from sandbox_support import bearer, signed
from xkeys.sandbox import SCENARIOS, demo_credentials
from xkeys.sandbox.creds import app_credentials

ALNUM = re.compile(r"^[A-Za-z0-9]+$")


def test_credentials_have_real_shapes_and_are_deterministic() -> None:
    c = demo_credentials(0)
    assert c == demo_credentials(0)
    assert c != demo_credentials(1)
    assert set(c) == {
        "consumer_key",
        "consumer_secret",
        "bearer_token",
        "access_token",
        "access_token_secret",
        "client_id",
        "client_secret",
        "oauth2_access_token",
        "oauth2_refresh_token",
    }
    assert len(c["consumer_key"]) == 25 and ALNUM.match(c["consumer_key"])
    assert len(c["consumer_secret"]) == 50 and ALNUM.match(c["consumer_secret"])
    assert c["bearer_token"].startswith("A" * 21) and "%3D" in c["bearer_token"]
    assert 110 <= len(c["bearer_token"]) <= 116
    uid, _, tail = c["access_token"].partition("-")
    assert uid.isdigit() and len(uid) == 19 and len(tail) == 30 and ALNUM.match(tail)
    assert len(c["access_token_secret"]) == 45 and ALNUM.match(c["access_token_secret"])
    assert len(c["client_id"]) == 34 and c["client_id"].endswith("MTpjaQ")
    assert base64.urlsafe_b64decode(c["client_id"] + "==").endswith(b":1:ci")
    assert len(c["client_secret"]) == 50 and re.match(r"^[A-Za-z0-9_-]+$", c["client_secret"])
    for kind, tag in (("oauth2_access_token", b":at:1"), ("oauth2_refresh_token", b":rt:1")):
        v = c[kind]
        assert 88 <= len(v) <= 94
        decoded = base64.urlsafe_b64decode(v + "=" * (-len(v) % 4))
        assert decoded.endswith(tag) and re.search(rb":\d{13}:1:[01]:", decoded)


def test_scenarios_listed() -> None:
    assert SCENARIOS[0] == "healthy"
    assert set(SCENARIOS) == {
        "healthy",
        "read-only",
        "suspended-app",
        "rotated-secret",
        "client-not-enrolled",
        "credits-depleted",
        "endpoint-not-in-plan",
        "rate-limited",
        "usage-capped",
        "clock-skew",
        "missing-scopes",
        "flaky",
    }


async def test_client_credentials_returns_the_printed_bearer(sandbox_client: httpx.AsyncClient) -> None:
    c = sandbox_client.sandbox_info["credentials"]  # type: ignore[attr-defined]
    basic = base64.b64encode(f"{quote(c['consumer_key'])}:{quote(c['consumer_secret'])}".encode()).decode()
    r = await sandbox_client.post(
        "/oauth2/token", data={"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {basic}"}
    )
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json;charset=utf-8"
    assert r.json() == {"token_type": "bearer", "access_token": c["bearer_token"]}
    assert "x-rate-limit-limit" not in r.headers and "x-access-level" not in r.headers
    # same pair -> same token
    r2 = await sandbox_client.post(
        "/oauth2/token", data={"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {basic}"}
    )
    assert r2.json()["access_token"] == c["bearer_token"]


async def test_bad_consumer_pair_is_code_99(sandbox_client: httpx.AsyncClient) -> None:
    c = sandbox_client.sandbox_info["credentials"]  # type: ignore[attr-defined]
    for user, pw in ((c["consumer_key"], c["consumer_secret"][:-1] + "x"), (c["client_id"], c["client_secret"])):
        r = await sandbox_client.post("/oauth2/token", data={"grant_type": "client_credentials"}, auth=(user, pw))
        assert r.status_code == 403
        assert r.json() == {
            "errors": [
                {"code": 99, "label": "authenticity_token_error", "message": "Unable to verify your credentials"}
            ]
        }


async def test_users_me_oauth1_and_bearer_rejected(sandbox_client: httpx.AsyncClient) -> None:
    info = sandbox_client.sandbox_info  # type: ignore[attr-defined]
    c = info["credentials"]
    r = await signed(sandbox_client, c, "GET", "/2/users/me")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/json; charset=utf-8"
    data = r.json()["data"]
    assert data["id"] == c["access_token"].split("-")[0]
    assert set(data) == {"id", "name", "username"}
    assert r.headers["x-access-level"] == "read-write-directmessages"
    assert r.headers["x-rate-limit-limit"] == "75" and r.headers["x-rate-limit-remaining"] == "74"
    assert r.headers["date"].endswith(" UTC") and re.fullmatch(r"[0-9a-f]{16}", r.headers["x-transaction-id"])
    r = await sandbox_client.get("/2/users/me", headers=bearer(c["bearer_token"]))
    assert r.status_code == 403
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["type"] == "https://api.twitter.com/2/problems/unsupported-authentication"
    assert body["detail"].startswith("Authenticating with OAuth 2.0 Application-Only is forbidden")
    assert r.headers["x-access-level"] == "read"


async def test_user_lookup_and_usage_with_bearer(sandbox_client: httpx.AsyncClient) -> None:
    c = sandbox_client.sandbox_info["credentials"]  # type: ignore[attr-defined]
    r = await sandbox_client.get("/2/users/by/username/XDevelopers", headers=bearer(c["bearer_token"]))
    assert r.status_code == 200
    assert r.json() == {"data": {"id": "2244994945", "name": "Developers", "username": "XDevelopers"}}
    assert r.headers["x-rate-limit-limit"] == "300"
    r = await sandbox_client.get("/2/usage/tweets", headers=bearer(c["bearer_token"]))
    assert r.status_code == 200
    d = r.json()["data"]
    assert {"project_usage", "project_cap", "cap_reset_day", "project_id"} <= set(d)
    assert int(d["project_usage"]) < int(d["project_cap"])


def test_sandbox_command_prints_json_line_and_exits_0_on_sigterm() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "xkeys", "sandbox", "--seed", "3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        info = json.loads(line)
        assert info["scenario"] == "healthy" and info["base_url"].startswith("http://127.0.0.1:")
        assert info["credentials"] == demo_credentials(3)
        assert info["redirect_uri"] == app_credentials(3).redirect_uri
        r = httpx.get(
            info["base_url"] + "/2/users/by/username/XDevelopers",
            headers=bearer(info["credentials"]["bearer_token"]),
            timeout=5,
        )
        assert r.status_code == 200
    finally:
        proc.terminate()
        rc = proc.wait(10)
    assert rc == 0
    assert proc.stdout.read() == ""  # nothing but the JSON line on stdout (no access log)


def test_sandbox_command_scenario_seed_and_sigint() -> None:
    import signal

    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "xkeys",
            "--scenario",
            "rotated-secret",
            "sandbox",
            "--seed",
            "4",
            "--redirect-uri",
            "http://127.0.0.1:5555/cb",
            "--redirect-uri",
            "https://example.com/cb",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        info = json.loads(proc.stdout.readline())
        assert info["scenario"] == "rotated-secret"
        assert info["redirect_uri"] == "http://127.0.0.1:5555/cb"
        assert info["credentials"] == demo_credentials(4, "rotated-secret")
        assert info["current"]["consumer_secret"] != info["credentials"]["consumer_secret"]
    finally:
        proc.send_signal(signal.SIGINT)
        rc = proc.wait(10)
    assert rc == 0
    assert proc.stderr is not None and "Traceback" not in proc.stderr.read()


def test_server_handle_info(make_sandbox_server: Any) -> None:
    handle = make_sandbox_server("rotated-secret", seed=2)
    assert handle.info["base_url"] == handle.base_url
    assert handle.info["credentials"] == demo_credentials(2, "rotated-secret")
    assert set(handle.info["current"]) == {
        "consumer_secret",
        "bearer_token",
        "client_secret",
        "oauth2_access_token",
        "oauth2_refresh_token",
    }
    r = httpx.get(
        handle.base_url + "/2/users/by/username/XDevelopers",
        headers=bearer(handle.info["current"]["bearer_token"]),
        timeout=5,
    )
    assert r.status_code == 200


def test_sandbox_command_rejects_unknown_scenario() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "xkeys", "sandbox", "--scenario", "nope"], capture_output=True, text=True, timeout=30
    )
    assert out.returncode == 2
    assert "healthy" in out.stderr and "flaky" in out.stderr and "Traceback" not in out.stderr
    assert out.stdout == ""


def test_sandbox_command_rejects_bad_options() -> None:
    for argv in (
        ["--latency", "-1"],
        ["--latency", "nan"],
        ["--port", "70000"],
        ["--redirect-uri", "ftp://x"],
        ["--seed", "abc"],
    ):
        out = subprocess.run(
            [sys.executable, "-m", "xkeys", "sandbox", *argv], capture_output=True, text=True, timeout=30
        )
        assert out.returncode == 2, argv
        assert out.stdout == "" and "Traceback" not in out.stderr and out.stderr.startswith("xkeys: ")
