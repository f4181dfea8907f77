"""`xkeys explain`: subprocess and in-process, exit codes, JSON contract, bad input, no echo."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from xkeys.cli import main

DATA = Path(__file__).parent / "data" / "explain"
CONTRACT_KEYS = ["diagnosis", "title", "cause", "fix", "http_status", "error_code", "confidence", "sources"]


def _run(stdin: bytes, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "100"}
    return subprocess.run(
        [sys.executable, "-m", "xkeys", "explain", *args], input=stdin, capture_output=True, timeout=60, env=env
    )


class _Stdin(io.TextIOWrapper):
    def isatty(self) -> bool:
        return False


def _main(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], stdin: bytes, *args: str
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", _Stdin(io.BytesIO(stdin), encoding="utf-8"))
    code = main(["explain", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_subprocess_text_output() -> None:
    p = _run((DATA / "v11_261_tweepy.txt").read_bytes())
    assert p.returncode == 0, p.stderr
    out = p.stdout.decode()
    assert out.startswith("write-permission-missing: ")
    assert "HTTP 403" in out and "error code 261" in out and "confidence high" in out
    assert "What it means" in out and "How to fix it" in out
    assert re.search(r"^  1\. Open console\.x\.com", out, re.M)
    assert "Regenerate afterwards: Access Token, Access Token Secret" in out
    assert "Sources" in out and "https://" in out
    assert p.stderr == b""


def test_subprocess_json_contract() -> None:
    p = _run((DATA / "v2_credits_http.txt").read_bytes(), "--json")
    assert p.returncode == 0
    d = json.loads(p.stdout)
    assert list(d) == CONTRACT_KEYS
    assert d["diagnosis"] == "credits-depleted" and d["http_status"] == 402 and d["error_code"] == "credits"
    assert d["confidence"] == "high" and isinstance(d["fix"], list) and d["sources"]


def test_subprocess_unknown_exits_1() -> None:
    p = _run(b"my bot is sad", "--json")
    assert p.returncode == 1
    assert json.loads(p.stdout)["diagnosis"] == "unknown"


@pytest.mark.parametrize(
    "stdin,needle",
    [
        (b"", "no input"),
        (b"   \n\t\n", "no input"),
        (b"abc\x00def", "binary"),
        (b"\xff\xfe\xfa not utf-8", "UTF-8"),
        (bytes(range(1, 32)) * 100, "binary"),
        (b"x" * 1_000_001, "1,000,000 bytes"),
    ],
    ids=["empty", "blank", "nul", "not-utf8", "control-chars", "too-large"],
)
def test_subprocess_bad_input_exits_2_with_one_sentence(stdin: bytes, needle: str) -> None:
    p = _run(stdin)
    assert p.returncode == 2
    err = p.stderr.decode()
    assert needle in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert p.stdout == b""


def test_in_process_json(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _main(monkeypatch, capsys, (DATA / "net_tls_requests.txt").read_bytes(), "--json")
    assert code == 0 and err == ""
    d = json.loads(out)
    assert d["diagnosis"] == "network-unreachable"
    assert any("CA certificates" in s for s in d["fix"])  # the TLS-specific fix, not the generic one


def test_in_process_text_unknown(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _main(monkeypatch, capsys, b'{"message":"Bad credentials"}')
    assert code == 1
    assert out.startswith("unknown: Not recognised") and "What to do" in out


def test_in_process_bad_input(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _main(monkeypatch, capsys, b"\x00\x01\x02")
    assert code == 2 and out == "" and err.startswith("xkeys: ")


def test_help_mentions_stdin() -> None:
    p = subprocess.run([sys.executable, "-m", "xkeys", "explain", "--help"], capture_output=True, text=True)
    assert p.returncode == 0 and "--json" in p.stdout


# --------------------------------------------------------------------------------------------
# never echo a secret
# --------------------------------------------------------------------------------------------
def _secret_shaped(text: str) -> set[str]:
    toks = set(re.findall(r"[A-Za-z0-9%+=_\-]{20,}", text))
    return {t for t in toks if len(re.findall(r"\d", t)) >= 2 and re.search(r"[A-Za-z]", t)}


def _windows(s: str, n: int = 12) -> set[str]:
    return {s[i : i + n] for i in range(len(s) - n + 1)}


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.iterdir() if p.name != "expected.tsv"))
def test_no_output_contains_a_secret_from_the_input(
    name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = (DATA / name).read_bytes()
    secrets = _secret_shaped(raw.decode("utf-8"))
    _, text_out, _ = _main(monkeypatch, capsys, raw)
    _, json_out, _ = _main(monkeypatch, capsys, raw, "--json")
    for s in secrets:
        for w in _windows(s):
            assert w not in text_out and w not in json_out, f"{name}: echoed part of an input token"


def test_the_secret_logs_really_hold_secrets() -> None:
    # guards the test above: it must have something to look for
    for name, n in (
        ("log_with_secrets_32.log", 4),
        ("log_with_bearer_and_credits.log", 3),
        ("xai_key_in_x_call.txt", 1),
    ):
        assert len(_secret_shaped((DATA / name).read_text(encoding="utf-8"))) >= n, name


def test_rate_limit_reset_is_shown(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    dump = (
        b"HTTP/1.1 429 Too Many Requests\nx-rate-limit-remaining: 0\nx-rate-limit-reset: 1772359202\n\n"
        b'{"title":"Too Many Requests","type":"about:blank","status":429}'
    )
    code, out, _ = _main(monkeypatch, capsys, dump)
    assert code == 0
    assert "resets at 2026-03-01 10:00:02 UTC" in out
    # absurd values are ignored, never a crash
    code, out, _ = _main(monkeypatch, capsys, dump.replace(b"1772359202", b"999999999999"))
    assert code == 0 and "resets at" not in out
