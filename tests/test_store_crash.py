"""Crash safety: kill -9 a process in a save loop, 100 times; the store always loads, old or new."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from xkeys.core.kinds import Kind
from xkeys.core.store import Profile, Store


def save_loop() -> None:
    s = Store(secret_store="file")
    p = s.load("acme")
    n = int(p.values[Kind.BEARER_TOKEN].rsplit("-", 1)[1])
    while True:
        n += 1
        p.values[Kind.BEARER_TOKEN] = "A" * 21 + "%3Dtoken-" + str(n)
        p.values[Kind.CONSUMER_SECRET] = "S" * 40 + "-" + str(n)
        p = s.save(p, reason="loop")


LOOP = "from tests.test_store_crash import save_loop; import sys; print('ready', flush=True); save_loop()"


def _start() -> int:
    """A save-loop process: forked (fast) where possible, else a fresh interpreter."""
    if hasattr(os, "fork"):
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # child: never returns into pytest
            try:
                os.close(r)
                os.write(w, b"r")
                os.close(w)
                save_loop()
            finally:
                os._exit(1)
        os.close(w)
        assert os.read(r, 1) == b"r"
        os.close(r)
        return pid
    proc = subprocess.Popen([sys.executable, "-c", LOOP], stdout=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline().strip() == b"ready"
    return proc.pid


KILLS = 100


@pytest.fixture
def fast_dir(tmp_path):
    """A tmpfs directory when there is one: kill -9 is a process crash, not a power cut, so the
    page cache survives it and fsync's cost (tens of ms on a busy disk) only slows the loop."""
    shm = "/dev/shm"
    if os.path.isdir(shm) and os.access(shm, os.W_OK):
        d = tempfile.mkdtemp(prefix="xkeys-crash-", dir=shm)
        yield Path(d)
        shutil.rmtree(d, ignore_errors=True)
    else:
        yield tmp_path


def test_kill_9_during_saves_never_corrupts_the_store(fast_dir, monkeypatch):
    cfg = fast_dir / "cfg"
    monkeypatch.setenv("XKEYS_CONFIG_DIR", str(cfg))
    monkeypatch.delenv("XKEYS_SECRET_STORE", raising=False)
    Store(secret_store="file").save(
        Profile("acme", values={Kind.BEARER_TOKEN: "A" * 21 + "%3Dtoken-0", Kind.CONSUMER_SECRET: "S" * 40 + "-0"})
    )
    # time one save, so the kills land at varied points of the next few saves on any machine
    p = Store().load("acme")
    t0 = time.perf_counter()
    for n in (1, 2, 3):
        p.values[Kind.BEARER_TOKEN] = "A" * 21 + f"%3Dtoken-{n}"
        p.values[Kind.CONSUMER_SECRET] = "S" * 40 + f"-{n}"
        p = Store().save(p)
    per_save = (time.perf_counter() - t0) / 3
    last = 3
    advanced = 0
    delay = per_save
    for i in range(KILLS):
        pid = _start()
        time.sleep(delay * (0.5 + (i % 9) * 0.6))  # land the kill at varied points of a save
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        p = Store().load("acme")  # must always load, with a consistent generation
        n_bearer = int(p.values[Kind.BEARER_TOKEN].rsplit("-", 1)[1])
        n_secret = int(p.values[Kind.CONSUMER_SECRET].rsplit("-", 1)[1])
        assert n_bearer == n_secret, "a generation mixed values of two saves"
        assert n_bearer >= last, "the store went back in time"
        if n_bearer > last:
            advanced += 1
        else:  # a busy machine gave the child no time to save: give the next ones longer
            delay = min(delay * 1.3, 0.5)
        last = n_bearer
    assert advanced > KILLS // 4, "the loop barely saved: the test would not exercise crashes"
    leftovers = [f for f in os.listdir(cfg) if f.endswith(".tmp")]
    # a kill can strand a temp file; it must never be mistaken for the store
    assert all(f.startswith(".") for f in leftovers)
