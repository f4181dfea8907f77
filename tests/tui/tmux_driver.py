"""Drive the installed `xkeys` in a real terminal (tmux) at a given size: used by the e2e test,
the first-paint benchmark and nothing else."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path


def xkeys_command() -> str:
    """The installed console script next to this interpreter (the venv's), else on PATH."""
    here = Path(sys.executable).parent / "xkeys"
    if here.exists():
        return str(here)
    found = shutil.which("xkeys")
    if not found:
        raise FileNotFoundError("the xkeys command is not installed (pip install -e .)")
    return found


class Tmux:
    def __init__(self, width: int = 80, height: int = 24) -> None:
        if shutil.which("tmux") is None:
            raise FileNotFoundError("tmux is not installed")
        self.socket = f"xkeys-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.width, self.height = width, height
        self.session = "xk"

    def _tmux(self, *args: str, check: bool = True) -> str:
        out = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=20, check=check
        )
        return out.stdout

    def start(self, argv: list[str], env: dict[str, str], exit_file: str) -> None:
        env_args = " ".join(f"{k}={_q(v)}" for k, v in env.items())
        cmd = f"env {env_args} {' '.join(_q(a) for a in argv)}; echo $? > {_q(exit_file)}; sleep 30"
        self._tmux(
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-x",
            str(self.width),
            "-y",
            str(self.height),
            "-s",
            self.session,
            cmd,
        )

    def capture(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", self.session, check=False)

    def keys(self, *keys: str) -> None:
        self._tmux("send-keys", "-t", self.session, *keys)

    def wait_for(self, text: str, timeout: float = 10.0, interval: float = 0.01) -> float | None:
        """Seconds until `text` shows on the screen, or None on timeout."""
        start = time.perf_counter()
        while time.perf_counter() - start < timeout:
            if text in self.capture():
                return time.perf_counter() - start
            time.sleep(interval)
        return None

    def close(self) -> None:
        self._tmux("kill-server", check=False)


def _q(s: str) -> str:
    return "'" + s.replace("'", "'\\''") + "'"
