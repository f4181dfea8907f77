"""xkeys.core.report + envinfo: the support report (against the sandbox), rendering, diff, files."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from xkeys.core import envinfo
from xkeys.core.creds import load_credentials
from xkeys.core.doctor import run_doctor
from xkeys.core.redact import MIN_RUN
from xkeys.core.report import (
    ReportError,
    build_report,
    collect_report,
    diff_reports,
    parse_report,
    to_json,
    to_markdown,
    write_private,
)
from xkeys.sandbox import demo_credentials

ENV_NAMES = {
    "consumer_key": "X_API_KEY",
    "consumer_secret": "X_API_SECRET",
    "bearer_token": "X_BEARER_TOKEN",
    "access_token": "X_ACCESS_TOKEN",
    "access_token_secret": "X_ACCESS_TOKEN_SECRET",
    "client_id": "X_CLIENT_ID",
    "client_secret": "X_CLIENT_SECRET",
}


@pytest.fixture(autouse=True)
def _isolated_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XKEYS_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("XKEYS_SECRET_STORE", "file")
    monkeypatch.delenv("XKEYS_PROFILE", raising=False)


def environ_for(values: dict[str, str]) -> dict[str, str]:
    env = {ENV_NAMES[k]: v for k, v in values.items() if k in ENV_NAMES}
    env.update({"HOME": "/home/someone", "TERM": "xterm-256color", "TERM_PROGRAM": "iTerm.app"})
    return env


def runs(value: str) -> list[str]:
    public = value.split("-", 1)[0] + "-" if value.split("-", 1)[0].isdigit() else ""
    return [value[i : i + MIN_RUN] for i in range(len(value) - MIN_RUN + 1) if i + MIN_RUN > len(public)]


def assert_no_leak(text: str, values: dict[str, str]) -> None:
    for name, v in values.items():
        hits = [r for r in runs(v) if r in text]
        assert not hits, f"{name} leaked: {hits[:3]}"


async def live_report(
    make_sandbox_client: Callable[..., Any], scenario: str = "healthy", drop: tuple[str, ...] = ()
) -> tuple[dict[str, Any], dict[str, str]]:
    values = {k: v for k, v in demo_credentials(0, scenario).items() if k in ENV_NAMES and k not in drop}
    env = environ_for(values)
    creds = load_credentials(environ=env)
    client, _info = make_sandbox_client(scenario)
    doc = await collect_report(creds, client=client, environ=env)
    return doc, values


# --------------------------------------------------------------------------- building, live


async def test_live_report_has_the_support_view(make_sandbox_client: Callable[..., Any]) -> None:
    doc, values = await live_report(make_sandbox_client)
    assert doc["report"] == "xkeys support report" and doc["report_version"] == 1
    assert doc["exit_code"] == 0 and doc["summary"]["fail"] == 0
    assert doc["access_level"] in ("read-write", "read-write-directmessages")
    assert doc["user"] and doc["user"]["id"] == values["access_token"].split("-")[0]
    fields = {c["field"]: c for c in doc["credentials"]}
    assert set(fields) == set(values)
    ck = fields["consumer_key"]
    assert ck["prefix"] == values["consumer_key"][:6] and ck["source"] == "env:X_API_KEY"
    assert ck["shape"] == "pass" and ck["kind"] == "consumer_key" and ck["length"] == 25
    assert fields["client_id"]["prefix"] == values["client_id"][:6]
    for secret in ("consumer_secret", "bearer_token", "access_token", "access_token_secret", "client_secret"):
        assert fields[secret]["prefix"] is None
    import hashlib

    expected = hashlib.sha256(values["consumer_secret"].encode()).hexdigest()[:8]
    assert fields["consumer_secret"]["fingerprint"] == expected
    ids = [c["id"] for c in doc["checks"]]
    assert "probe.user-token" in ids and "probe.clock" in ids
    assert doc["clock"] and isinstance(doc["clock"]["skew_seconds"], (int, float))
    assert doc["rate_limit"] and doc["rate_limit"]["limit"] and doc["rate_limit"]["remaining"] is not None
    assert doc["usage"] and doc["usage"]["status"] in ("pass", "warn")
    assert doc["transaction_ids"], "the sandbox sends x-transaction-id on v2 answers"
    env = doc["environment"]
    assert env["terminal"]["term"] == "xterm-256color" and env["terminal"]["term_program"] == "iTerm.app"
    assert env["env_vars"]["X_API_KEY"] == "set"
    assert env["credential_sources"]["bearer_token"] == "env:X_BEARER_TOKEN"
    md, js = to_markdown(doc), to_json(doc)
    assert_no_leak(md + js, values)
    assert json.loads(js)["credentials"] == doc["credentials"]
    assert "| API Key | env:X_API_KEY | consumer_key | ✓ pass | 25 |" in md
    assert f"{values['consumer_key'][:6]}…" in md
    assert "**Access level:** read-write" in md
    assert f"**User:** @{doc['user']['username']}" in md
    assert doc["transaction_ids"][0] in md


async def test_read_only_report_names_the_diagnosis_and_fix(make_sandbox_client: Callable[..., Any]) -> None:
    doc, values = await live_report(make_sandbox_client, "read-only")
    assert doc["access_level"] == "read"
    diag = {d["id"]: d for d in doc["diagnoses"]}
    assert "write-permission-missing" in diag
    d = diag["write-permission-missing"]
    assert d["title"] and d["fix"] and "probe.access-level" in d["checks"]
    failing = [c for c in doc["checks"] if c["status"] == "fail"]
    assert failing and all(c["fix"] for c in failing if c["diagnosis"])
    md = to_markdown(doc)
    assert "### `write-permission-missing`" in md and "First fix:" in md
    assert doc["exit_code"] == 1
    assert_no_leak(md + to_json(doc), values)


async def test_diff_healthy_vs_read_only(make_sandbox_client: Callable[..., Any]) -> None:
    a, _ = await live_report(make_sandbox_client, "healthy")
    b, _ = await live_report(make_sandbox_client, "read-only")
    d = diff_reports(a, b)
    keys = {(c.section, c.key) for c in d.changes}
    assert ("access", "access_level") in keys
    assert any(c.section == "diagnoses" and c.after == "write-permission-missing" for c in d.changes)
    assert any(
        c.section == "checks" and c.key == "probe.access-level" and (c.before, c.after) == ("pass", "fail")
        for c in d.changes
    )
    assert d.exit_code == 1 and d.changed
    text = d.to_text()
    assert "~ access_level: read-write" in text and "+ diagnosis: write-permission-missing" in text
    # the diff of a report with itself (a re-parsed copy) is empty
    same = diff_reports(a, parse_report(to_json(a)))
    assert not same.changes and same.exit_code == 0 and "No changes" in same.to_text()


# --------------------------------------------------------------------------- building, offline


async def test_secret_in_identifier_field_shows_no_prefix() -> None:
    secret = "Zx9k2LmQ7pR4tV8wY1bN3cF6hJ0aS5dG2eK7iO4uP9yT3rE1qW"
    env = {"X_API_KEY": secret, "HOME": "/home/someone"}
    creds = load_credentials(environ=env)
    doc = build_report(await run_doctor(creds, offline=True), creds, environ=env)
    row = doc["credentials"][0]
    assert row["field"] == "consumer_key" and row["prefix"] is None
    assert row["shape"] in ("warn", "fail")
    assert_no_leak(to_markdown(doc) + to_json(doc), {"x": secret})


async def test_env_file_source_is_home_relative_and_empty_vars_named(tmp_path: Path) -> None:
    values = {k: v for k, v in demo_credentials(3).items() if k in ("consumer_key", "consumer_secret")}
    home = tmp_path / "home"
    (home / "bot").mkdir(parents=True)
    env_file = home / "bot" / ".env"
    env_file.write_text(f"X_API_KEY={values['consumer_key']}\nX_API_SECRET='{values['consumer_secret']}'\n")
    env = {"HOME": str(home), "X_BEARER_TOKEN": "", "TWITTER_API_KEY": values["consumer_key"]}
    creds = load_credentials(env_file=env_file, environ=env)
    doc = build_report(await run_doctor(creds, offline=True), creds, environ=env)
    assert doc["environment"]["credential_sources"]["consumer_key"] == ".env:~/bot/.env"
    assert doc["environment"]["env_vars"] == {"TWITTER_API_KEY": "set", "X_BEARER_TOKEN": "empty"}
    md = to_markdown(doc)
    assert "set but empty: X_BEARER_TOKEN" in md and str(home) not in md
    assert doc["offline"] is True and doc["access_level"] is None and doc["clock"] is None
    assert "Rate limit:** not checked" in md
    assert_no_leak(md + to_json(doc), values)


def test_envinfo_never_holds_values() -> None:
    env = {
        "X_API_SECRET": "Zx9k2LmQ7pR4tV8wY1bN3cF6hJ0aS5dG2eK7iO4uP9yT3rE1qW",
        "HTTPS_PROXY": "http://user:hunter2hunter2@proxy:3128",
        "XKEYS_API_BASE": "https://u:pw12345678901@host:8443/x?y",
        "TERM": "xterm",
        "TMUX": "/tmp/tmux,1,0",
        "SSH_CONNECTION": "1 2 3 4",
        "HOME": "/root",
    }
    facts = envinfo.collect(env, size=(80, 24))
    text = json.dumps(facts)
    assert "Zx9k2LmQ7pR4" not in text and "hunter2" not in text and "pw1234" not in text
    assert facts["env_vars"] == {"X_API_SECRET": "set"}
    assert facts["network_vars"] == ["HTTPS_PROXY"] and facts["api_base_env"] == "https://host:8443"
    t = facts["terminal"]
    assert t["size"] == "80x24" and t["multiplexer"] == "tmux" and t["ssh"] is True and t["term"] == "xterm"
    assert facts["python"] and facts["os"] and facts["xkeys"]
    assert set(envinfo.credential_var_names()) >= {"X_API_KEY", "TWITTER_BEARER_TOKEN", "CLIENT_SECRET", "XAI_API_KEY"}


def test_host_of() -> None:
    assert envinfo.host_of("https://user:pw@api.x.com/2/users/me?a=b") == "https://api.x.com"
    assert envinfo.host_of("http://127.0.0.1:8080") == "http://127.0.0.1:8080"
    assert envinfo.host_of("not a url") == "(unparseable URL)"
    assert envinfo.host_of(None) is None


# --------------------------------------------------------------------------- diff details


def _doc(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "report": "xkeys support report",
        "generated_at": "2026-01-01T00:00:00Z",
        "access_level": "read-write",
        "user": {"id": "1", "username": "a"},
        "credentials": [
            {
                "field": "consumer_key",
                "fingerprint": "aaaaaaaa",
                "kind": "consumer_key",
                "shape": "pass",
                "length": 25,
                "source": "env:X_API_KEY",
            },
            {
                "field": "consumer_secret",
                "fingerprint": "bbbbbbbb",
                "kind": "consumer_secret",
                "shape": "pass",
                "length": 50,
                "source": "env:X_API_SECRET",
            },
        ],
        "checks": [{"id": "shape.consumer_key", "status": "pass"}, {"id": "probe.consumer-pair", "status": "pass"}],
        "diagnoses": [],
        "environment": {"xkeys": "0.1.0", "python": "3.11", "os": "Linux"},
    }
    base.update(over)
    return base


def test_diff_fingerprint_rotation_and_removed_field() -> None:
    b = _doc()
    b["credentials"] = [dict(b["credentials"][0], fingerprint="cccccccc")]
    d = diff_reports(_doc(), b)
    assert [str(c) for c in d.changes] == [
        "~ consumer_key.fingerprint: aaaaaaaa → cccccccc",
        "- consumer_secret: fp bbbbbbbb",
    ]
    assert d.to_dict()["changed"] is True
    assert json.dumps(d.to_dict())


def test_diff_diagnoses_user_and_environment() -> None:
    a = _doc(diagnoses=[{"id": "clock-skew"}])
    b = _doc(
        diagnoses=[{"id": "rate-limited"}],
        user={"id": "1", "username": "b"},
        environment={"xkeys": "0.2.0", "python": "3.11", "os": "Linux"},
        checks=[{"id": "probe.consumer-pair", "status": "fail"}, {"id": "probe.clock", "status": "pass"}],
    )
    text = diff_reports(a, b).to_text()
    for line in (
        "+ diagnosis: rate-limited",
        "- diagnosis: clock-skew",
        "~ user.username: a → b",
        "~ probe.consumer-pair: pass → fail",
        "+ probe.clock: pass",
        "~ xkeys: 0.1.0 → 0.2.0",
    ):
        assert line in text, text
    assert diff_reports(a, a).exit_code == 0


async def test_diff_accepts_doctor_json() -> None:
    values = {k: v for k, v in demo_credentials(0).items() if k in ("consumer_key", "consumer_secret")}
    creds = load_credentials(environ=environ_for(values))
    doctor_json = (await run_doctor(creds, offline=True)).to_dict()
    report = build_report(await run_doctor(creds, offline=True), creds, environ=environ_for(values))
    d = diff_reports(doctor_json, report)
    assert not [c for c in d.changes if c.section == "credentials"], d.to_text()
    other = dict(values, consumer_secret=demo_credentials(1)["consumer_secret"])
    creds2 = load_credentials(environ=environ_for(other))
    d2 = diff_reports(doctor_json, (await run_doctor(creds2, offline=True)).to_dict())
    assert any(c.key == "consumer_secret.fingerprint" for c in d2.changes)


def test_parse_report_errors_are_safe() -> None:
    secret = "Zx9k2LmQ7pR4tV8wY1bN3cF6hJ0aS5dG2eK7iO4uP9yT3rE1qW"
    with pytest.raises(ReportError) as e1:
        parse_report(f"X_API_SECRET={secret}\n", "a.json")
    assert "a.json is not JSON" in str(e1.value) and secret[:MIN_RUN] not in str(e1.value)
    with pytest.raises(ReportError) as e2:
        parse_report(json.dumps({"secret": secret}), "b.json")
    assert "not an xkeys report" in str(e2.value) and secret[:MIN_RUN] not in str(e2.value)
    with pytest.raises(ReportError):
        parse_report("[1, 2]")


# --------------------------------------------------------------------------- files


def test_write_private_is_atomic_and_0600(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    target.write_text("old")
    os.chmod(target, 0o644)
    write_private(str(target), "new ✓\n")
    assert target.read_text(encoding="utf-8") == "new ✓\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]  # no temp file left


def test_write_private_failure_leaves_no_temp(tmp_path: Path) -> None:
    folder = tmp_path / "dir-target"
    folder.mkdir()
    (folder / "x").write_text("keep")
    with pytest.raises(OSError):
        write_private(str(folder), "text")  # cannot replace a non-empty directory
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir-target"]
