"""Probe edge cases against the sandbox: clock skew, non-JSON answers, TLS, odd values."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from xkeys.core import http, probes
from xkeys.core.creds import Credentials
from xkeys.core.doctor import run_doctor
from xkeys.core.kinds import Kind
from xkeys.core.results import Status


def creds_from(info: dict[str, Any], **override: str) -> Credentials:
    values = {Kind(k): v for k, v in info["credentials"].items()}
    values.update({Kind(k): v for k, v in override.items()})
    return Credentials(values=values, redirect_uri=info.get("redirect_uri"))


def probe(report: Any, pid: str) -> Any:
    return report.check(pid)


@pytest.mark.parametrize(
    ("offset", "status"),
    [(0.0, Status.PASS), (-150.0, Status.WARN), (150.0, Status.WARN), (900.0, Status.FAIL), (-7200.0, Status.FAIL)],
)
async def test_clock_skew_thresholds(make_sandbox_client: Any, offset: float, status: Status) -> None:
    client, info = make_sandbox_client(scenario="healthy")
    report = await run_doctor(creds_from(info), client=client, clock=lambda: time.time() + offset)
    check = probe(report, "probe.clock")
    assert check.status is status, check.message
    if status is not Status.PASS:
        assert check.diagnosis == "clock-skew"
        assert ("ahead of" if offset > 0 else "behind") in check.message
    assert abs(check.details["skew_seconds"] - offset) < 5


def test_http_dates_with_gmt_and_utc_endings() -> None:
    gmt = probes._parse_http_date("Fri, 07 Jan 2022 08:05:56 GMT")
    utc = probes._parse_http_date("Fri, 07 Jan 2022 08:05:56 UTC")
    assert gmt == utc == 1641542756.0
    assert probes._parse_http_date("yesterday") is None
    assert probes._parse_http_date("") is None


async def test_sandbox_dates_parse_on_v2_and_token_endpoints(sandbox_client: httpx.AsyncClient) -> None:
    info = sandbox_client.sandbox_info  # type: ignore[attr-defined]
    v2 = await sandbox_client.get(
        "/2/users/by/username/XDevelopers", headers={"Authorization": f"Bearer {info['credentials']['bearer_token']}"}
    )
    token = await sandbox_client.post("/oauth2/token", data={"grant_type": "client_credentials"})
    assert v2.headers["date"].endswith("UTC")
    for r in (v2, token):
        parsed = probes._parse_http_date(r.headers["date"])
        assert parsed is not None and abs(parsed - time.time()) < 5


async def test_html_page_instead_of_json_is_an_x_server_error(sandbox_client: httpx.AsyncClient) -> None:
    r = await sandbox_client.get("/oauth/authorize", params={"oauth_token": "nonexistent"})
    assert r.headers["content-type"].startswith("text/html")
    with pytest.raises(http.TransportFailure) as err:
        http.parse_json(r)
    assert (err.value.diagnosis, err.value.kind) == ("x-server-error", "html")


async def test_form_text_instead_of_json_is_bad_json(sandbox_client: httpx.AsyncClient) -> None:
    c = sandbox_client.sandbox_info["credentials"]  # type: ignore[attr-defined]
    r = await sandbox_client.post(
        "/oauth/request_token",
        data={"oauth_callback": "oob"},
        auth=http.OAuth1Auth(c["consumer_key"], c["consumer_secret"]),
    )
    assert r.status_code == 200 and "oauth_token=" in r.text
    with pytest.raises(http.TransportFailure) as err:
        http.parse_json(r)
    assert (err.value.diagnosis, err.value.kind) == ("x-server-error", "bad-json")
    assert c["consumer_secret"] not in str(err.value)


async def test_non_ascii_value_is_paste_hygiene_not_a_crash(make_sandbox_client: Any) -> None:
    client, info = make_sandbox_client(scenario="healthy")
    bad = info["credentials"]["consumer_secret"][:20] + "é" + info["credentials"]["consumer_secret"][21:]
    report = await run_doctor(creds_from(info, consumer_secret=bad), client=client)
    for pid in ("probe.consumer-pair", "probe.user-token"):
        check = probe(report, pid)
        assert check.status is Status.FAIL and check.diagnosis == "paste-hygiene", check.message
        assert bad[:12] not in check.message
    assert "probe.consumer-pair" not in report.live_probes
    assert probe(report, "probe.bearer").status is Status.PASS


async def test_tls_against_a_plain_http_server_is_network_unreachable(sandbox_server: Any) -> None:
    base = sandbox_server.base_url.replace("http://", "https://")
    report = await run_doctor(creds_from(sandbox_server.info), api_base=base, timeout=5)
    live = [report.check(p) for p in report.live_probes]
    assert live and all(c.diagnosis == "network-unreachable" and c.details["transport"] == "tls" for c in live)
    assert report.exit_code == 3


async def test_unresolvable_host_exits_3() -> None:
    from xkeys.sandbox import demo_credentials

    creds = Credentials(values={Kind(k): v for k, v in demo_credentials(0).items()})
    report = await run_doctor(creds, api_base="http://no-such-host.invalid", timeout=3)
    assert report.exit_code == 3
    assert "network-unreachable" in report.diagnoses
    assert report.check("probe.access-level").status is Status.SKIP


async def test_real_server_healthy_round_trip(sandbox_server: Any) -> None:
    report = await run_doctor(creds_from(sandbox_server.info), api_base=sandbox_server.base_url)
    assert report.exit_code == 0, [(c.id, c.message) for c in report.checks if c.status is Status.FAIL]
    assert report.api_base == sandbox_server.base_url
    assert report.transaction_ids  # x-transaction-id kept for support reports


def test_top_level_profile_option_reaches_doctor(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("X_", "TWITTER_", "XKEYS_"))}
    env.update({"XKEYS_CONFIG_DIR": str(tmp_path), "XKEYS_SECRET_STORE": "file"})
    out = subprocess.run(
        [sys.executable, "-m", "xkeys", "--profile", "ghost", "doctor", "--offline"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert out.returncode == 2 and "ghost" in out.stderr


def test_need_is_validated() -> None:
    with pytest.raises(ValueError):
        probes.ProbeRun(httpx.AsyncClient(), probes.ProbeInputs({}, need="admin"))
