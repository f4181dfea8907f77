"""`xkeys scan` end to end: files, stdin, --json, exit codes, bad input, and no value ever echoed."""

from __future__ import annotations

import io
import json
import os
import pathlib
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scan_values import values
from xkeys.cli import main
from xkeys.commands.scan import render
from xkeys.core.scan import scan

DATA = pathlib.Path(__file__).parent / "data" / "scan"
CORPUS = sorted(p for p in DATA.iterdir() if p.is_file() and not p.name.startswith("_"))
V = values()
CK, CS, BT, AT, ATS = V["CK1"], V["CS1"], V["BT1"], V["AT1"], V["ATS1"]
# other services' secrets that sit in the corpus: never echoed either
OTHER_SECRETS = [
    "sk-proj-Qm8Lr2TxVw9KpZy4HcN7bJd3FgA6sUe1oIiR5tWq",
    "4f5e6d7c8b9a0f1e2d3c4b5a69788796a5b4c3d2",
    "7212345678:AAHq3XcVb9mLpT2sWnRk4YfZ8eJd1uGhIo0",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "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",
    "Zq8vR2mT6kLw9PxY",
]
RUN = 12


def _windows(secrets: list[str]) -> set[str]:
    return {s[i : i + RUN] for s in secrets for i in range(len(s) - RUN + 1)}


ALL_WINDOWS = _windows(list(V.values()) + OTHER_SECRETS)


def _leaks(text: str, windows: set[str] = ALL_WINDOWS) -> list[str]:
    return [text[i : i + RUN] for i in range(len(text) - RUN + 1) if text[i : i + RUN] in windows]


class _Stdin(io.TextIOWrapper):
    def isatty(self) -> bool:
        return False


def _run_inproc(
    argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, stdin: bytes | None = None
) -> tuple[int, str, str]:
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", _Stdin(io.BytesIO(stdin), encoding="utf-8"))
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def _run_proc(args: list[str], stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "xkeys", *args],
        input=stdin,
        capture_output=True,
        timeout=60,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


# -- happy paths -----------------------------------------------------------------------------------


def test_subprocess_file_text_and_exit_0() -> None:
    p = _run_proc(["scan", str(DATA / "bot.env")])
    assert p.returncode == 0, p.stderr
    out = p.stdout.decode()
    assert out.startswith("format: dotenv\nfound 7 credentials:\n")
    assert "API Key (consumer_key) at TWITTER_CONSUMER_KEY, line 2" in out
    assert f"starts {CK[:6]}…" in out  # an identifier: at most its first 6 characters
    assert "TWITTER_CONSUMER_KEY, line 8, commented out" in out
    assert "placeholders (no real value yet): X_CLIENT_SECRET" in out
    assert "ignored (not X credentials): OPENAI_API_KEY, GITHUB_CLIENT_ID" in out
    assert p.stderr == b""
    assert not _leaks(out)


def test_subprocess_stdin_json() -> None:
    p = _run_proc(["scan", "--json"], stdin=(DATA / ".twurlrc").read_bytes())
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert d["format"] == "twurlrc"
    assert [f["profile"] for f in d["findings"]] == ["alice"] * 4 + ["newsbot"] * 5
    assert not _leaks(p.stdout.decode())


def test_dash_reads_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = _run_inproc(["scan", "-", "--json"], capsys, monkeypatch, f"X_API_KEY={CK}\n".encode())
    assert code == 0 and err == ""
    d = json.loads(out)
    assert d["findings"][0]["kind"] == "consumer_key" and d["findings"][0]["field"] == "X_API_KEY"


def test_mismatch_exit_1_says_which(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["scan", str(DATA / "twython_typos.env")])
    out = capsys.readouterr().out
    assert code == 1
    assert out.rstrip().splitlines()[-1] == (
        "2 values do not match their names: ACCESS_TOKEN, line 5 holds Bearer Token but is named as "
        "Access Token; TWITTER_CONSUMER_KEY, line 9 holds Client ID but is named as API Key."
    )


def test_nothing_found_exit_1(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = _run_inproc(["scan"], capsys, monkeypatch, b"hello world\nPORT=8080\n")
    assert code == 1
    assert out.endswith("No X credentials found.\n")
    code, out, _ = _run_inproc(["scan", "--json"], capsys, monkeypatch, b"hello world\n")
    assert code == 1 and json.loads(out) == {"format": "text", "findings": [], "placeholders": [], "ignored": []}


def test_placeholders_only_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", str(DATA / "placeholders.env")]) == 1
    assert "placeholders (no real value yet): TWITTER_API_KEY" in capsys.readouterr().out


def test_tty_prompts_for_a_paste() -> None:
    import pty

    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "xkeys", "scan", "--json"],
            stdin=slave,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        os.close(slave)
        os.write(master, f"X_API_KEY={CK}\n".encode() + b"\x04")
        out, err = proc.communicate(timeout=60)
    finally:
        os.close(master)
    assert b"Ctrl-D" in err
    assert json.loads(out)["findings"][0]["kind"] == "consumer_key"
    assert proc.returncode == 0


# -- bad input: one sentence on stderr, exit 2, never a traceback ------------------------------------


def _assert_usage_error(code: int, out: str, err: str, phrase: str) -> None:
    assert code == 2
    assert out == ""
    assert err.startswith("xkeys: ") and err.count("\n") == 1, err
    assert phrase in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "data,phrase",
    [
        (b"", "empty"),
        (b"  \n\t\n", "empty"),
        (b"X_API_KEY=abc\x00def\n", "binary"),
        (b"X_API_KEY=\xff\xfe\xfa\n", "UTF-8"),
        (b"A" * 1_100_000, "1,000,000"),
    ],
)
def test_bad_stdin(
    data: bytes, phrase: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = _run_inproc(["scan"], capsys, monkeypatch, data)
    _assert_usage_error(code, out, err, phrase)


def test_bad_files(tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.env"
    empty.write_bytes(b"")
    binary = tmp_path / "img.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    latin = tmp_path / "latin1.env"
    latin.write_bytes("X_API_KEY=caf\xe9\n".encode("latin-1"))
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 1_000_001)
    cases = [
        (empty, "empty"),
        (binary, "binary"),
        (latin, "UTF-8"),
        (big, "1,000,000"),
        (tmp_path / "missing.env", "no such file"),
        (tmp_path, "directory"),
    ]
    for path, phrase in cases:
        code = main(["scan", str(path)])
        out, err = capsys.readouterr()
        _assert_usage_error(code, out, err, phrase)


@pytest.mark.parametrize("argv", [["scan", "--frobnicate"], ["scan", "a.env", "b.env"], ["scan", "--json=yes"]])
def test_usage_errors(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith("xkeys: ") and "Traceback" not in err


def test_bad_input_in_a_subprocess_has_no_traceback() -> None:
    p = _run_proc(["scan"], stdin=b"\xc3\x28 invalid")
    assert p.returncode == 2
    assert p.stdout == b""
    assert b"Traceback" not in p.stderr and p.stderr.count(b"\n") == 1


# -- never echo a value ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_no_echo_for_any_corpus_file(path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["scan", str(path)], ["scan", "--json", str(path)]):
        main(argv)
        out, err = capsys.readouterr()
        assert not _leaks(out + err), (path.name, argv)


_names = st.sampled_from(
    [
        "X_API_KEY",
        "TWITTER_CONSUMER_SECRET",
        "ACCESS_TOKEN",
        "token",
        "APP_SECET",
        "MY_VAR",
        "GITHUB_TOKEN",
        "api key",
        "Bearer Token",
        "oauth.accessToken",
        "x",
    ]
)
_vals = st.sampled_from(sorted(V.values()))
_line = st.one_of(
    st.builds(lambda n, v: f"{n}={v}", _names, _vals),
    st.builds(lambda n, v: f'export {n}="{v}" # c', _names, _vals),
    st.builds(lambda n, v: f"  {n}: '{v}'", _names, _vals),
    st.builds(lambda n, v: f'"{n}": "{v}",', _names, _vals),
    st.builds(lambda n, v: f"# {n} = {v}", _names, _vals),
    st.builds(lambda n, v: f"{n}\n{v}", _names, _vals),
    st.builds(lambda v, w: f"see {v} and {w}", _vals, st.text(max_size=20)),
    st.builds(lambda v: f"- {v}", _vals),
    st.sampled_from(["[main]", "{", "}", "---", "profiles:", "  apps:", "", "ENV A B", "<?php"]),
    st.text(max_size=40),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_line, min_size=1, max_size=12))
def test_hypothesis_mixed_files_never_echo(lines: list[str]) -> None:
    text = "\n".join(lines)
    r = scan(text)
    shown = render(r) + json.dumps(r.to_dict(), ensure_ascii=False) + repr(r)
    assert not _leaks(shown)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_hypothesis_any_text_no_exception(text: str) -> None:
    r = scan(text)
    json.dumps(r.to_dict())
    render(r)
    assert r.format in ("dotenv", "json", "yaml", "ini", "twurlrc", "xurl", "twarc", "portal-text", "text")
    assert all(f.line >= 1 for f in r.findings)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("{}[]:-=#\"' \n\tabcXY01_%\\/*<>$.,;&()`")), max_size=200))
def test_hypothesis_syntax_soup_no_exception(text: str) -> None:
    r = scan(text, "x.yml")
    render(r)


def test_leak_detector_really_detects() -> None:
    # guards the no-echo tests: a 12-char run of a value inside other text is caught
    assert _leaks(f"field X_API_KEY holds {CS[5:17]}!")
    assert not _leaks(f"fingerprint {CS[:5]}")
