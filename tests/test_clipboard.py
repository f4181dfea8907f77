"""xkeys.core.clipboard: OSC 52 on an output stream, and the real X clipboard under Xvfb + xclip."""

from __future__ import annotations

import base64
import io
import os
import re
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator

import pytest

from clipboard_xvfb import xvfb
from xkeys.core import clipboard as cb
from xkeys.core.clipboard import Clipboard, ClipboardError, SystemClipboard, osc52_sequence

SECRET = "Zx9k2LmQ7pR4tV8wY1bN3cF6hJ0aS5dG2eK7iO4uP9yT3rE1qW"
OSC52 = re.compile(r"\x1b\]52;c;([A-Za-z0-9+/=]*)\x07")


def payloads(stream: io.StringIO) -> list[str]:
    return [base64.b64decode(p).decode() for p in OSC52.findall(stream.getvalue())]


# --------------------------------------------------------------------------- OSC 52 sequence


def test_osc52_plain_sequence() -> None:
    seq = osc52_sequence("héllo", environ={})
    assert seq == "\x1b]52;c;" + base64.b64encode("héllo".encode()).decode() + "\x07"
    assert osc52_sequence("", environ={}) == "\x1b]52;c;\x07"  # empty payload clears


def test_osc52_tmux_passthrough() -> None:
    seq = osc52_sequence("abc", environ={"TMUX": "/tmp/tmux-0/default,1,0"})
    plain = "\x1b]52;c;YWJj\x07"
    assert seq.startswith(plain)  # for tmux's own set-clipboard
    wrapped = seq[len(plain) :]
    assert wrapped == "\x1bPtmux;\x1b\x1b]52;c;YWJj\x07\x1b\\"  # ESC doubled inside the DCS


def test_osc52_screen_chunks() -> None:
    seq = osc52_sequence("x" * 200, environ={"STY": "123.pts-0.host"})
    parts = re.findall(r"\x1bP(.*?)\x1b\\", seq, re.S)
    assert len(parts) > 1 and all(len(p) <= 76 for p in parts)
    assert "".join(parts) == osc52_sequence("x" * 200, environ={})


def test_copy_writes_osc52_to_the_stream() -> None:
    out = io.StringIO()
    clip = Clipboard(stream=out, use_system=False, environ={})
    res = clip.copy("report text", what="the report")
    assert res.ok and res.targets == ["terminal (OSC 52)"]
    assert res.message == "Copied the report to the terminal (OSC 52)."
    assert payloads(out) == ["report text"]
    assert res.clears_in is None


def test_copy_refuses_oversized_osc52() -> None:
    out = io.StringIO()
    res = Clipboard(stream=out, use_system=False, environ={}).copy("x" * 200_000)
    assert not res.ok and out.getvalue() == ""
    assert "too long" in res.message


def test_nothing_available_says_so() -> None:
    res = Clipboard(use_osc52=False, use_system=False, environ={}).copy("x")
    assert not res.ok and res.message.startswith("Could not copy")


def test_secret_on_osc52_only_is_cleared_after_delay() -> None:
    out = io.StringIO()
    clip = Clipboard(stream=out, use_system=False, environ={}, handoff_at_exit=False)
    res = clip.copy_secret(SECRET, what="the consumer secret", delay=0.05)
    assert res.ok and res.clears_in == 0.05
    assert "cleared in 0.05 s" in res.message and SECRET not in res.message
    assert clip.pending == 1
    deadline = time.monotonic() + 5
    while clip.pending and time.monotonic() < deadline:
        time.sleep(0.01)
    assert payloads(out) == [SECRET, ""]


def test_clear_now_and_cancel() -> None:
    out = io.StringIO()
    clip = Clipboard(stream=out, use_system=False, environ={}, handoff_at_exit=False)
    clip.copy_secret(SECRET, delay=60)
    assert clip.clear_now() == 1 and clip.pending == 0
    assert payloads(out)[-1] == ""
    clip.copy_secret(SECRET, delay=0.05)
    clip.cancel()
    time.sleep(0.15)
    assert payloads(out)[-1] == SECRET  # cancelled: not cleared


def test_system_clipboard_none_without_display() -> None:
    sysclip = SystemClipboard(environ={"PATH": os.environ.get("PATH", "")})
    if sys.platform.startswith("linux"):
        assert sysclip.name is None and not sysclip.available
        with pytest.raises(ClipboardError):
            sysclip.copy("x")
        with pytest.raises(ClipboardError):
            sysclip.paste()


# --------------------------------------------------------------------------- real X clipboard


@pytest.fixture(scope="module")
def xdisplay() -> Iterator[str]:
    """A private Xvfb server; yields its DISPLAY."""
    with xvfb() as display:
        yield display


@pytest.fixture
def xenv(xdisplay: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv("DISPLAY", xdisplay)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    return dict(os.environ)


def pyperclip_paste() -> str:
    import pyperclip

    _copy, paste = pyperclip.determine_clipboard()
    return str(paste())


def pyperclip_copy(text: str) -> None:
    """Copy with pyperclip, then wait until the X selection shows it (xclip serves it from a
    forked process that may take a moment to own the selection)."""
    import pyperclip

    copy_fn, _ = pyperclip.determine_clipboard()
    copy_fn(text)
    deadline = time.monotonic() + 5
    while pyperclip_paste() != text and time.monotonic() < deadline:
        time.sleep(0.02)


def test_real_copy_roundtrip_with_pyperclip(xenv: dict[str, str]) -> None:
    out = io.StringIO()
    clip = Clipboard(stream=out, environ=xenv, handoff_at_exit=False)
    assert clip.system is not None and clip.system.name == "xclip"
    res = clip.copy("a report ✓ with unicode", what="the report")
    assert res.ok
    assert res.targets == ["terminal (OSC 52)", "system clipboard (xclip)"]
    assert pyperclip_paste() == "a report ✓ with unicode"
    assert payloads(out) == ["a report ✓ with unicode"]
    # pyperclip's own copy is seen by our paste too
    pyperclip_copy("from pyperclip")
    assert clip.system.paste() == "from pyperclip"


def test_real_secret_auto_clear(xenv: dict[str, str]) -> None:
    clip = Clipboard(use_osc52=False, environ=xenv, handoff_at_exit=False)
    res = clip.copy_secret(SECRET, what="the access token secret", delay=0.3)
    assert res.ok and "cleared in 0.3 s if it still holds that value" in res.message
    assert pyperclip_paste() == SECRET
    deadline = time.monotonic() + 10
    while clip.pending and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pyperclip_paste() == ""


def test_real_clear_leaves_a_newer_copy_alone(xenv: dict[str, str]) -> None:
    clip = Clipboard(use_osc52=False, environ=xenv, handoff_at_exit=False)
    clip.copy_secret(SECRET, delay=0.3)
    pyperclip_copy("something the user copied later")
    deadline = time.monotonic() + 10
    while clip.pending and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pyperclip_paste() == "something the user copied later"


def test_real_clear_is_handed_off_when_the_process_exits(xenv: dict[str, str]) -> None:
    """A CLI copies a secret and exits at once: a detached clearer still clears it. The copying
    process's output is captured through pipes, which must not hang on xclip's server process."""
    code = textwrap.dedent(f"""
        from xkeys.core.clipboard import Clipboard
        res = Clipboard(use_osc52=False).copy_secret({SECRET!r}, delay=1.0)
        print(res.message)
    """)
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=xenv, timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert time.monotonic() - started < 15
    assert "cleared in 1 s" in proc.stdout and SECRET not in proc.stdout + proc.stderr
    assert pyperclip_paste() == SECRET
    deadline = time.monotonic() + 15
    while pyperclip_paste() == SECRET and time.monotonic() < deadline:
        time.sleep(0.1)
    assert pyperclip_paste() == ""


def test_module_level_helpers(xenv: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    clip = Clipboard(use_osc52=False, environ=xenv, handoff_at_exit=False)
    assert cb.copy("plain", clipboard=clip).ok
    assert pyperclip_paste() == "plain"
    res = cb.copy_secret(SECRET, clipboard=clip, delay=0.1)
    assert res.clears_in == 0.1
    clip.clear_now()  # whether the timer got there first or not, the clear is done on return
    assert pyperclip_paste() == ""
