"""A private Xvfb server for the real-clipboard tests (test_clipboard*, test_report*, test_canary*).

Skips with a clear reason when Xvfb or xclip is missing on a developer machine; fails in CI
(CI=true), where `.ci/run` installs them.
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest


def require(tool: str) -> None:
    if shutil.which(tool) is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"{tool} is missing in CI (.ci/run installs xvfb, xclip and xauth)")
        pytest.skip(f"{tool} is not installed (apt-get install -y xvfb xclip xauth); CI installs it")


@contextmanager
def xvfb() -> Iterator[str]:
    """Start Xvfb on a free display (it picks one itself: -displayfd); yield ":N"; stop it."""
    require("Xvfb")
    require("xclip")
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-nolisten", "tcp", "-screen", "0", "640x480x24"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        pass_fds=(write_fd,),
    )
    os.close(write_fd)
    number = b""
    deadline = time.monotonic() + 20
    try:
        while not number.endswith(b"\n"):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("Xvfb did not start (no display number reported)")
            ready, _, _ = select.select([read_fd], [], [], 0.5)
            if not ready:
                continue
            chunk = os.read(read_fd, 16)
            if not chunk:
                break
            number += chunk
    finally:
        os.close(read_fd)
    if not number.strip().isdigit():
        proc.kill()
        pytest.fail(f"Xvfb reported no display number ({number!r})")
    try:
        yield f":{int(number)}"
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()


def paste(display: str) -> str:
    """The CLIPBOARD selection of `display`, read with pyperclip."""
    import pyperclip

    saved = os.environ.get("DISPLAY")
    os.environ["DISPLAY"] = display
    try:
        _copy, paste_fn = pyperclip.determine_clipboard()
        return str(paste_fn())
    finally:
        if saved is None:
            os.environ.pop("DISPLAY", None)
        else:
            os.environ["DISPLAY"] = saved
