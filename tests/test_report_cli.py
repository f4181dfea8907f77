"""`xkeys report` and `xkeys report diff` end to end: real sandbox server, files, clipboard, exits."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from clipboard_xvfb import paste, xvfb
from xkeys.cli import main
from xkeys.core.redact import MIN_RUN
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
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XKEYS_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("XKEYS_SECRET_STORE", "file")
    for name in list(os.environ):
        if name in ENV_NAMES.values() or name.startswith(("TWITTER_", "XKEYS_PROFILE", "XKEYS_API_BASE")):
            monkeypatch.delenv(name, raising=False)


def env_file(tmp_path: Path, values: dict[str, str], name: str = "creds.env") -> Path:
    path = tmp_path / name
    path.write_text("".join(f"{ENV_NAMES[k]}={v}\n" for k, v in values.items() if k in ENV_NAMES))
    return path


def demo(scenario: str = "healthy", seed: int = 0) -> dict[str, str]:
    return {k: v for k, v in demo_credentials(seed, scenario).items() if k in ENV_NAMES}


def assert_no_leak(text: str, values: dict[str, str]) -> None:
    for name, v in values.items():
        public = v.split("-", 1)[0] + "-" if v.split("-", 1)[0].isdigit() else ""
        hits = [
            v[i : i + MIN_RUN]
            for i in range(len(v) - MIN_RUN + 1)
            if i + MIN_RUN > len(public) and v[i : i + MIN_RUN] in text
        ]
        assert not hits, f"{name} leaked"


def test_report_markdown_against_real_server(
    tmp_path: Path, make_sandbox_server: Callable[..., Any], capsys: pytest.CaptureFixture[str]
) -> None:
    server = make_sandbox_server("healthy")
    values = demo()
    code = main(["report", "--env-file", str(env_file(tmp_path, values)), "--api-base", server.base_url])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.startswith("# xkeys support report\n")
    assert "**Access level:** read-write" in out and "## Credentials" in out
    assert f"API {server.base_url}" in out
    assert_no_leak(out + err, values)


def test_report_json_to_file_0600(
    tmp_path: Path, make_sandbox_server: Callable[..., Any], capsys: pytest.CaptureFixture[str]
) -> None:
    server = make_sandbox_server("read-only")
    values = demo("read-only")
    target = tmp_path / "out" / "report.json"
    target.parent.mkdir()
    code = main(
        [
            "report",
            "--format",
            "json",
            "--output",
            str(target),
            "--need",
            "write",
            "--env-file",
            str(env_file(tmp_path, values)),
            "--api-base",
            server.base_url,
            "--timeout",
            "5",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 1  # made, and it shows a failure
    assert out == "" and f"wrote the report to {target} (mode 0600)" in err
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    doc = json.loads(target.read_text())
    assert doc["access_level"] == "read" and "write-permission-missing" in [d["id"] for d in doc["diagnoses"]]
    assert_no_leak(target.read_text() + out + err, values)


def test_report_with_no_credentials_still_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("X_API_KEY", "")
    code = main(["report", "--offline", "--format", "json"])
    out, _err = capsys.readouterr()
    doc = json.loads(out)
    assert code == 1 and doc["credentials"] == [] and doc["environment"]["env_vars"]["X_API_KEY"] == "empty"
    assert doc["notes"][0].startswith("no X credentials were found")


def test_report_diff_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before, after = demo(seed=0), demo(seed=0)
    after["consumer_secret"] = demo(seed=1)["consumer_secret"]
    paths = []
    for name, values in (("a", before), ("b", after)):
        target = tmp_path / f"{name}.json"
        assert (
            main(
                [
                    "report",
                    "--offline",
                    "--format",
                    "json",
                    "-o",
                    str(target),
                    "--env-file",
                    str(env_file(tmp_path, values, "same.env")),
                ]
            )
            == 0
        )
        paths.append(str(target))
    capsys.readouterr()
    assert main(["report", "diff", paths[0], paths[0]]) == 0
    out, _ = capsys.readouterr()
    assert "No changes" in out
    assert main(["report", "diff", paths[0], paths[1]]) == 1
    out, _ = capsys.readouterr()
    assert "~ consumer_secret.fingerprint:" in out and "1 change." in out
    assert main(["report", "diff", "--format", "json", paths[0], paths[1]]) == 1
    out, _ = capsys.readouterr()
    doc = json.loads(out)
    assert doc["changed"] is True and doc["changes"][0]["key"] == "consumer_secret.fingerprint"
    assert_no_leak(out, before | {"new": after["consumer_secret"]})


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["report", "diff", "only-one.json"], "takes two JSON reports"),
        (["report", "diff", "missing-a.json", "missing-b.json"], "missing-a.json: no such file"),
        (["report", "extra"], "invalid choice"),
        (["report", "--api-base", "ftp://nope"], "--api-base"),
        (["report", "--format", "pdf"], "invalid choice"),
        (["report", "--timeout", "0"], "--timeout"),
        (["report", "diff", "--offline", "a.json", "b.json"], "does not take '--offline'"),
        (["report", "diff", "--format", "pdf", "a.json", "b.json"], "--format takes md or json"),
    ],
)
def test_report_usage_errors(argv: list[str], needle: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert needle in err and "Traceback" not in err and out == ""


def test_report_diff_of_a_secret_file_never_echoes_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    values = demo()
    leaked = env_file(tmp_path, values)  # the user passes their .env by mistake
    good = tmp_path / "ok.json"
    assert main(["report", "--offline", "--format", "json", "-o", str(good), "--env-file", str(leaked)]) == 0
    capsys.readouterr()
    assert main(["report", "diff", str(good), str(leaked)]) == 2
    out, err = capsys.readouterr()
    assert "is not JSON" in err and err.count("\n") == 1
    assert_no_leak(out + err, values)


def test_report_copy_under_xvfb(tmp_path: Path) -> None:
    values = demo()
    with xvfb() as display:
        env = dict(os.environ, DISPLAY=display, XKEYS_CONFIG_DIR=str(tmp_path / "cfg"), XKEYS_SECRET_STORE="file")
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "xkeys",
                "report",
                "--offline",
                "--copy",
                "--env-file",
                str(env_file(tmp_path, values)),
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            stdin=subprocess.DEVNULL,
        )
        assert proc.returncode == 0, proc.stderr
        assert "Copied the report to the system clipboard (xclip)." in proc.stderr
        assert paste(display) == proc.stdout
    assert_no_leak(proc.stdout + proc.stderr, values)


@pytest.mark.parametrize(
    "argv",
    [
        ["report", "--demo", "--scenario", "read-only", "--format", "json"],
        ["--demo", "--scenario=read-only", "report", "--format", "json"],
    ],
)
def test_demo_report(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code = main(argv)
    out, err = capsys.readouterr()
    doc = json.loads(out)
    assert code == 1 and doc["access_level"] == "read" and doc["profile"] == "demo"
    assert {c["source"] for c in doc["credentials"]} == {"demo"}
    assert_no_leak(out + err, demo("read-only"))


def test_demo_report_unknown_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--demo", "--scenario", "nope"]) == 2
    assert "unknown scenario 'nope'" in capsys.readouterr().err
