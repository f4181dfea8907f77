"""Files xkeys writes: atomically (readers see the old or the new file, never a mix) and private.

Used for the profile store, exports, reports and the onboarding .env (shared/DESIGN.md "Rules of
the house": writes are atomic, temp file + rename, files 0600).
"""

from __future__ import annotations

import contextlib
import os
import tempfile


def _fsync_dir(path: str) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # e.g. Windows: directories cannot be opened
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write(path: str, data: str | bytes, mode: int = 0o600) -> None:
    """Replace `path` with `data` so readers see the old or the new file, never a mix.

    The temp file is created 0600 in the same directory (same filesystem for rename), synced,
    renamed over the target, and the directory is synced so the rename survives a crash.
    """
    directory = os.path.dirname(os.path.abspath(path)) or "."
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            os.chmod(tmp, mode)
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(directory)
