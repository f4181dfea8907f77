"""`xkeys classify` end to end: subprocess (`python -m xkeys`) and in-process `xkeys.cli.main`,
exit codes, JSON contract, bad input (item 8 of issue 3), no echo, no Textual on this path."""

from __future__ import annotations

import io
import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import shapes_samples as S
from xkeys.cli import main

RNG = random.Random(99)
ENV = {**os.environ, "PYTHONIOENCODING": "utf-8", "NO_COLOR": "1"}


def run_cli(args: list[str], stdin: bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "xkeys", "classify", *args], input=stdin, capture_output=True, timeout=60, env=ENV
    )


class _Stdin:
    """A non-terminal stdin with a byte buffer, like a pipe."""

    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)

    def isatty(self) -> bool:
        return False


def run_inproc(
    args: list[str], stdin: bytes, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", _Stdin(stdin))
    code = main(["classify", *args])
    out, err = capsys.readouterr()
    return code, out, err


# -------------------------------------------------------------------------- subprocess


def test_subprocess_json_known_value() -> None:
    v = S.access_token("1500000000000000007", rng=RNG)
    p = run_cli(["--json"], (v + "\n").encode())
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert d["kind"] == "access_token" and d["details"]["user_id"] == "1500000000000000007"
    assert d["hygiene"] == []  # the newline `echo` adds is framing, not a paste problem
    assert v.encode() not in p.stdout + p.stderr


def test_subprocess_text_output_masks_value() -> None:
    v = S.consumer_secret(rng=RNG)
    p = run_cli(["--field", "API Key Secret"], f'  "{v}"  '.encode())
    assert p.returncode == 0, p.stderr
    out = p.stdout.decode()
    for line in ("kind:", "confidence:", "field:", "hygiene:", "details:", "message:", "value:"):
        assert line in out
    assert "(50 chars, fp " in out and v not in out and v[:6] not in out  # a secret shows no prefix
    assert "removed-quotes" in out and "stripped-whitespace" in out


def test_subprocess_identifier_shows_six_chars_at_most() -> None:
    cid = S.client_id(rng=RNG)
    p = run_cli(["--field", "consumer_key"], cid.encode())
    assert p.returncode == 1
    out = p.stdout.decode()
    assert cid[:6] + "…" in out and cid[:7] not in out
    assert "client-id-as-consumer-key" in out


@pytest.mark.parametrize(
    "stdin,needle",
    [
        (b"", "no value"),
        (b"   \n", "no value"),
        (b"abc\x00def", "binary"),
        (b"\xff\xfe\xfa", "UTF-8"),
        (b"A" * 10_000_000, "larger than"),
    ],
    ids=["empty", "blank", "nul-bytes", "invalid-utf8", "10MB"],
)
def test_subprocess_bad_input(stdin: bytes, needle: str) -> None:
    p = run_cli([], stdin)
    assert p.returncode == 2
    err = p.stderr.decode()
    assert err.count("\n") == 1 and err.startswith("xkeys: ") and needle in err
    assert b"Traceback" not in p.stderr and p.stdout == b""


@pytest.mark.parametrize(
    "args,needle",
    [
        (["--bogus"], "unrecognized arguments"),
        (["--field", "nope"], "valid fields"),
        (["--field"], "expected one argument"),
    ],
)
def test_subprocess_usage_errors(args: list[str], needle: str) -> None:
    p = run_cli(args, b"x")
    assert p.returncode == 2
    err = p.stderr.decode()
    assert err.count("\n") == 1 and needle in err and "Traceback" not in err


def test_classify_does_not_import_textual() -> None:
    code = (
        "import io, sys\n"
        "sys.stdin = io.TextIOWrapper(io.BytesIO(b'Q7mZk2RtVb9XwLp4Hn6sJd3Fa'))\n"
        "from xkeys.cli import main\n"
        "rc = main(['classify', '--json'])\n"
        "print(rc, any(m == 'textual' or m.startswith('textual.') for m in sys.modules))"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=ENV)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip().splitlines()[-1] == "0 False"


# -------------------------------------------------------------------------- in-process

EXIT_TABLE: list[tuple[str, list[str], int, str]] = [
    ("consumer key", [], 0, "consumer_key"),
    ("consumer key in its field", ["--field", "X_API_KEY"], 0, "consumer_key"),
    ("consumer key in the secret field", ["--field", "consumer_secret"], 1, "consumer_key"),
    ("bearer in access token field", ["--field", "access_token"], 1, "bearer_token"),
    ("xai key", [], 1, "xai_api_key"),
    ("github token", [], 1, "unknown"),
    ("placeholder", [], 1, "unknown"),
]
VALUES = {
    "consumer key": lambda: S.consumer_key(rng=RNG),
    "consumer key in its field": lambda: S.consumer_key(rng=RNG),
    "consumer key in the secret field": lambda: S.consumer_key(rng=RNG),
    "bearer in access token field": lambda: S.bearer(RNG),
    "xai key": lambda: S.xai_key(RNG),
    "github token": lambda: "ghp_" + S.rnd(36, rng=RNG),
    "placeholder": lambda: "your-api-key-here",
}


@pytest.mark.parametrize("name,args,code,kind", EXIT_TABLE, ids=[t[0] for t in EXIT_TABLE])
def test_inprocess_exit_codes(
    name: str,
    args: list[str],
    code: int,
    kind: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    v = VALUES[name]()
    rc, out, err = run_inproc([*args, "--json"], v.encode(), monkeypatch, capsys)
    assert rc == code, err
    d: dict[str, Any] = json.loads(out)
    assert d["kind"] == kind
    assert v not in out and err == ""


def test_inprocess_bad_inputs(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    for data in (b"", b"\x00\x01", b"\xc3\x28", b"x" * 1_100_000):
        rc, out, err = run_inproc([], data, monkeypatch, capsys)
        assert rc == 2 and out == "" and err.count("\n") == 1 and "Traceback" not in err


def test_inprocess_tty_prompts_without_echo(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    v = S.consumer_key(rng=RNG)
    asked: list[str] = []

    class Tty:
        def isatty(self) -> bool:
            return True

    def fake_getpass(prompt: str = "", stream: Any = None) -> str:
        asked.append(prompt)
        return v

    import getpass

    monkeypatch.setattr(sys, "stdin", Tty())
    monkeypatch.setattr(getpass, "getpass", fake_getpass)
    rc = main(["classify", "--json"])
    out, _err = capsys.readouterr()
    assert rc == 0 and asked and "hidden" in asked[0]
    assert json.loads(out)["kind"] == "consumer_key" and v not in out


def test_installed_entry_point_if_present() -> None:
    exe = Path(sys.executable).with_name("xkeys")
    if not exe.exists():
        pytest.skip("no installed xkeys script next to this interpreter")
    p = subprocess.run(
        [str(exe), "classify", "--json"], input=S.client_secret(RNG).encode(), capture_output=True, timeout=60, env=ENV
    )
    assert p.returncode == 0 and json.loads(p.stdout)["kind"] == "client_secret"
