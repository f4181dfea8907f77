"""End-to-end: the installed `xkeys` in a real terminal (tmux, 80x24)."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from tmux_driver import Tmux, xkeys_command

pytestmark = pytest.mark.e2e


def _need_tmux() -> None:
    if shutil.which("tmux") is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("tmux is required in CI (.ci/run installs it)")
        pytest.skip("tmux is not installed (apt-get install tmux); CI runs this test")


def _read_exit(path: Path, timeout: float = 10.0) -> str | None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if path.exists() and path.read_text().strip():
            return path.read_text().strip()
        time.sleep(0.05)
    return None


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        "TERM": "xterm-256color",
        "XKEYS_CONFIG_DIR": str(tmp_path / "config"),
        "XKEYS_SECRET_STORE": "file",
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
    }


def test_home_shows_the_four_flows_and_ctrl_q_quits(tmp_path: Path) -> None:
    _need_tmux()
    term = Tmux(80, 24)
    exit_file = tmp_path / "exit"
    try:
        term.start([xkeys_command()], _env(tmp_path), str(exit_file))
        assert term.wait_for("Support", timeout=15) is not None, term.capture()
        screen = term.capture()
        lines = screen.splitlines()
        assert len(lines) <= 24 and all(len(line) <= 80 for line in lines)
        for flow in ("Onboard", "Troubleshoot", "Rotate", "Support"):
            assert flow in screen
        assert "Quit" in screen  # footer key hints
        term.keys("C-q")
        assert _read_exit(exit_file) == "0", term.capture()
    finally:
        term.close()


def test_troubleshoot_demo_read_only_shows_the_fix(tmp_path: Path) -> None:
    _need_tmux()
    term = Tmux(80, 24)
    exit_file = tmp_path / "exit"
    try:
        term.start(
            [xkeys_command(), "troubleshoot", "--demo", "--scenario", "read-only"], _env(tmp_path), str(exit_file)
        )
        assert term.wait_for("write-permission-missing", timeout=20) is not None, term.capture()
        assert "Regenerate" in term.capture()
        term.keys("C-q")
        assert _read_exit(exit_file) == "0", term.capture()
    finally:
        term.close()
