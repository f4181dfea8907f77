"""The store against a real OS keyring: gnome-keyring's Secret Service in a private D-Bus session.

Runs tests/store_keyring_inner.py with pytest inside `dbus-run-session`, after starting and
unlocking gnome-keyring-daemon. Skipped (with the reason) when those programs are missing,
except under CI, where .ci/run installs them and a skip would hide a broken keyring path.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
NEEDED = ("dbus-run-session", "gnome-keyring-daemon", "secret-tool")

SCRIPT = """
set -e
# a fresh keyring, unlocked with a throwaway password, serving only the secrets component
echo -n xkeys-test-pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null
gnome-keyring-daemon --start --components=secrets >/dev/null
# no conftest (no sandbox needed) and no heavy plugins: the inner run starts fast
exec "$PYTHON" -m pytest -q -p no:cacheprovider -p no:randomly --noconftest -p no:textual-snapshot \
    -p no:hypothesispytest "$INNER"
"""


def _ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def test_store_with_real_gnome_keyring(tmp_path):
    missing = [n for n in NEEDED if shutil.which(n) is None]
    if missing:
        msg = (
            f"{', '.join(missing)} not installed (apt-get install gnome-keyring dbus dbus-x11 "
            "libsecret-tools); the real-keyring tests need them"
        )
        if _ci():
            pytest.fail(msg + " - and CI is set, so this must not be skipped")
        pytest.skip(msg)
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    env = dict(os.environ)
    env.update(
        {
            "HOME": str(tmp_path / "home"),
            "XDG_DATA_HOME": str(tmp_path / "data"),
            "XDG_CONFIG_HOME": str(tmp_path / "config"),
            "XDG_RUNTIME_DIR": str(runtime),
            "PYTHON": sys.executable,
            "INNER": str(HERE / "store_keyring_inner.py"),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(HERE.parent), env.get("PYTHONPATH", "")])),
        }
    )
    env.pop("PYTHON_KEYRING_BACKEND", None)
    env.pop("XKEYS_SECRET_STORE", None)
    (tmp_path / "home").mkdir()
    proc = subprocess.run(
        ["dbus-run-session", "--", "bash", "-c", SCRIPT],
        env=env,
        cwd=str(HERE.parent),
        capture_output=True,
        text=True,
        timeout=180,
        stdin=subprocess.DEVNULL,
    )
    report = proc.stdout[-4000:] + proc.stderr[-2000:]
    assert proc.returncode == 0, report
    assert " passed" in proc.stdout and "skipped" not in proc.stdout, report
