"""A private Xvfb server for the real-clipboard tests (test_clipboard*, test_report*, test_canary*).

Skips with a clear reason when Xvfb or xclip is missing on a developer machine; fails in CI
(CI=true), where `.ci/run` installs them.
"""

from __future__ import annotations

import os
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
    """Start `Xvfb :N` on a free display number; yield ":N"; stop it."""
    require("Xvfb")
    require("xclip")
    num = 0
    for num in range(90 + os.getpid() % 100, 600):
        if not os.path.exists(f"/tmp/.X11-unix/X{num}") and not os.path.exists(f"/tmp/.X{num}-lock"):
            break
    proc = subprocess.Popen(["Xvfb", f":{num}", "-nolisten", "tcp", "-screen", "0", "640x480x24"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    sock = f"/tmp/.X11-unix/X{num}"
    deadline = time.monotonic() + 15
    while not os.path.exists(sock):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"Xvfb :{num} did not start")
        time.sleep(0.05)
    try:
        yield f":{num}"
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
