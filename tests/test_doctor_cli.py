"""`xkeys doctor` as a command: real sandbox servers on 127.0.0.1, credentials via env vars only."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from xkeys.core.creds import searched_names
from xkeys.core.kinds import KINDS, Kind

pytestmark = pytest.mark.e2e


def _env(tmp_path: Path, creds: Mapping[str, str] | None = None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in searched_names() and not k.startswith("XKEYS_")}
    env.update(
        {
            "XKEYS_CONFIG_DIR": str(tmp_path / "cfg"),
            "XKEYS_SECRET_STORE": "file",
            "NO_COLOR": "1",
            "PYTHONIOENCODING": "utf-8",
        }
    )
    for kind, value in (creds or {}).items():
        env[KINDS[Kind(kind)].env[0]] = value  # X_API_KEY, X_API_SECRET, ...
    env.update(extra)
    return env


def doctor(
    tmp_path: Path, *args: str, creds: Mapping[str, str] | None = None, timeout: float = 60, **extra: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "xkeys", "doctor", *args],
        capture_output=True,
        text=True,
        env=_env(tmp_path, creds, **extra),
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def assert_no_leak(text: str, creds: Mapping[str, str]) -> None:
    for kind, value in creds.items():
        start = value.index("-") if kind == "access_token" else 0
        for i in range(start, len(value) - 11):
            assert value[i : i + 12] not in text, f"a run of {kind} leaked"


def _closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_healthy_text_output_and_exit_0(tmp_path: Path, make_sandbox_server: Any) -> None:
    server = make_sandbox_server("healthy")
    creds = server.info["credentials"]
    out = doctor(tmp_path, "--api-base", server.base_url, creds=creds, X_REDIRECT_URI=server.info["redirect_uri"])
    assert out.returncode == 0, out.stdout + out.stderr
    assert "✓ probe.user-token" in out.stdout and "✓ probe.consumer-pair" in out.stdout
    assert "✗" not in out.stdout and "Traceback" not in out.stderr
    assert "Everything checked works." in out.stdout
    assert_no_leak(out.stdout + out.stderr, creds)


def test_read_only_json_exit_1_with_fix(tmp_path: Path, make_sandbox_server: Any) -> None:
    server = make_sandbox_server("read-only")
    creds = server.info["credentials"]
    out = doctor(tmp_path, "--api-base", server.base_url, "--json", creds=creds)
    assert out.returncode == 1, out.stderr
    data = json.loads(out.stdout)
    assert data["diagnoses"] == ["write-permission-missing"]
    assert data["access_level"] == "read"
    assert data["user"]["username"]
    assert_no_leak(out.stdout + out.stderr, creds)
    # the same, as text: mark, diagnosis id, first fix step on the line; the full fix below
    text = doctor(tmp_path, "--api-base", server.base_url, creds=creds)
    assert text.returncode == 1
    line = next(ln for ln in text.stdout.splitlines() if "probe.access-level" in ln)
    assert line.lstrip().startswith("✗") and "[write-permission-missing] →" in line
    assert "Details:" in text.stdout and "    1. " in text.stdout
    assert "Read and write" in text.stdout
    # --need read: a read-level token is enough
    ok = doctor(tmp_path, "--api-base", server.base_url, "--need", "read", "--json", creds=creds)
    assert ok.returncode == 0 and json.loads(ok.stdout)["diagnoses"] == []


def test_api_base_from_environment_and_env_file(tmp_path: Path, make_sandbox_server: Any) -> None:
    server = make_sandbox_server("missing-scopes")
    creds = server.info["credentials"]
    env_file = tmp_path / "bot.env"
    env_file.write_text("".join(f'{KINDS[Kind(k)].env[0]}="{v}"\n' for k, v in creds.items()), encoding="utf-8")
    out = doctor(tmp_path, "--env-file", str(env_file), "--json", XKEYS_API_BASE=server.base_url)
    assert out.returncode == 1, out.stderr
    data = json.loads(out.stdout)
    assert data["diagnoses"] == ["missing-scopes"]
    assert set(data["sources"].values()) == {f".env:{env_file}"}
    assert data["api_base"] == server.base_url
    assert_no_leak(out.stdout + out.stderr, creds)


def test_network_down_exits_3(tmp_path: Path, make_sandbox_server: Any) -> None:
    creds = make_sandbox_server("healthy").info["credentials"]
    base = f"http://127.0.0.1:{_closed_port()}"
    out = doctor(tmp_path, "--api-base", base, "--json", "--timeout", "3", creds=creds)
    assert out.returncode == 3, out.stdout + out.stderr
    data = json.loads(out.stdout)
    probes = [c for c in data["checks"] if c["id"].startswith("probe.") and c["status"] != "skip"]
    assert probes and all(c["diagnosis"] == "network-unreachable" for c in probes if c["status"] == "fail")
    assert "network-unreachable" in data["diagnoses"]
    assert data["unreachable"] is True
    text = doctor(tmp_path, "--api-base", base, "--timeout", "3", creds=creds)
    assert text.returncode == 3 and "could not be reached" in text.stdout
    assert "Traceback" not in text.stderr


def test_offline_needs_no_network(tmp_path: Path) -> None:
    from xkeys.sandbox import demo_credentials

    creds = demo_credentials(0)
    out = doctor(tmp_path, "--offline", "--json", "--api-base", f"http://127.0.0.1:{_closed_port()}", creds=creds)
    assert out.returncode in (0, 1), out.stderr
    data = json.loads(out.stdout)
    assert data["offline"] is True and not any(c["id"].startswith("probe.") for c in data["checks"])
    assert_no_leak(out.stdout + out.stderr, creds)


def _in_process(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    args: list[str],
    creds: Mapping[str, str] | None = None,
    **extra: str,
) -> tuple[int, str, str]:
    """`xkeys doctor ...` through the CLI entry point in this process (fast usage-error checks)."""
    from xkeys.cli import main

    for name in list(os.environ):
        if name in searched_names() or name.startswith("XKEYS_"):
            monkeypatch.delenv(name)
    for name, value in _env(tmp_path, creds, **extra).items():
        monkeypatch.setenv(name, value)
    code = main(["doctor", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_no_credentials_says_where_it_looked(tmp_path: Path) -> None:
    out = doctor(tmp_path)
    assert out.returncode == 2
    assert out.stdout == ""
    assert "X_API_KEY" in out.stderr and "X_BEARER_TOKEN" in out.stderr and "--env-file" in out.stderr
    assert out.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--need", "admin"], "invalid choice"),
        (["--timeout", "soon"], "--timeout"),
        (["--timeout", "0"], "--timeout"),
        (["--api-base", "api.x.com"], "http(s) URL"),
        (["--env-file", "/nonexistent/.env"], "does not exist"),
        (["--profile", "nosuch"], "nosuch"),
    ],
)
def test_usage_errors_exit_2_in_one_sentence(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str], words: str
) -> None:
    code, out, err = _in_process(
        monkeypatch, capsys, tmp_path, args, creds={"consumer_key": "Qm7Rk2Lp9Xa4Bv8Nc3Td6Wf1G"}
    )
    assert code == 2, out + err
    assert words in err and out == ""
    assert "Traceback" not in err and err.count("\n") == 1


def test_bad_api_base_in_environment(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = _in_process(
        monkeypatch,
        capsys,
        tmp_path,
        [],
        creds={"consumer_key": "Qm7Rk2Lp9Xa4Bv8Nc3Td6Wf1G"},
        XKEYS_API_BASE="nonsense",
    )
    assert code == 2 and "XKEYS_API_BASE" in err


def test_secrets_never_in_argv_or_output_with_hygiene_problems(tmp_path: Path, make_sandbox_server: Any) -> None:
    server = make_sandbox_server("healthy")
    creds = dict(server.info["credentials"])
    messy = {
        **creds,
        "consumer_secret": f' "{creds["consumer_secret"]}" ',
        "bearer_token": "Bearer " + creds["bearer_token"],
    }
    out = doctor(tmp_path, "--api-base", server.base_url, creds=messy)
    # whitespace/quotes/prefix are named (paste-hygiene) and the cleaned values still work live
    assert out.returncode == 0, out.stdout + out.stderr
    assert "[paste-hygiene]" in out.stdout
    assert_no_leak(out.stdout + out.stderr, creds)


def test_flaky_real_server_gives_diagnoses_not_tracebacks(tmp_path: Path, make_sandbox_server: Any) -> None:
    server = make_sandbox_server("flaky", seed=4)
    creds = server.info["credentials"]
    out = doctor(tmp_path, "--api-base", server.base_url, "--timeout", "1", "--json", creds=creds)
    assert out.returncode in (0, 1), out.stderr
    assert "Traceback" not in out.stderr and out.stderr == ""
    data = json.loads(out.stdout)
    failing = [c for c in data["checks"] if c["id"].startswith("probe.") and c["status"] == "fail"]
    assert failing, "seed 4 hangs, resets and errors several requests"
    assert {c["diagnosis"] for c in failing} <= {"x-server-error", "network-unreachable"}
    assert_no_leak(out.stdout, creds)
