"""What the TUI calls into, gathered in one injectable object.

Screens never import core modules of other areas directly: they ask `Services`, which imports
lazily and degrades when a part is missing (an ImportError becomes `None` and the screen says
that part is unavailable). Tests inject an httpx client bound to the in-process sandbox, a
temporary config directory, a fixed clock, a clipboard and a browser opener that record calls.
This module does not import Textual.
"""

from __future__ import annotations

import importlib
import os
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any


def _optional(module: str, attr: str) -> Any | None:
    try:
        return getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError):
        return None


def _pyperclip_copy(text: str) -> bool:
    """Copy to the system clipboard (next to Textual's OSC 52): core.clipboard when present,
    else pyperclip. False when no clipboard exists."""
    cls = _optional("xkeys.core.clipboard", "Clipboard")
    if cls is not None:
        try:
            return bool(cls(use_osc52=False, handoff_at_exit=False).copy(text).ok)
        except Exception:
            return False
    try:
        import pyperclip

        pyperclip.copy(text)
        return True
    except Exception:  # pyperclip raises its own exception types when no mechanism exists
        return False


def _open_browser(url: str) -> bool:
    try:
        return bool(webbrowser.open(url, new=2))
    except Exception:
        return False


@dataclass
class Services:
    #: returns an `httpx.AsyncClient` for probes (None: doctor makes its own)
    http_client: Callable[[], Any] | None = None
    #: the X API base for probes (the sandbox in demo mode); None = the real X API
    api_base: str | None = None
    #: a fixed "now" for deterministic rendering (tests, screenshots)
    clock: Callable[[], datetime] | None = None
    #: returns a profile store, or None when profiles are unavailable
    store_factory: Callable[[], Any] | None = None
    #: pyperclip-style copy (called besides OSC 52); returns True if it worked
    clipboard: Callable[[str], bool] = _pyperclip_copy
    #: opens a URL in the user's browser; returns True if it worked
    open_browser: Callable[[str], bool] = _open_browser
    #: where "export .env" writes when no profile store exists
    export_dir: str | None = None
    #: the environment credentials are read from (None: os.environ)
    environ: dict[str, str] | None = None
    #: overrides for core functions (tests); keys: classify, scan, explain, run_doctor, get_diagnosis
    overrides: dict[str, Callable[..., Any]] = field(default_factory=dict)

    # -- core functions of other areas, looked up lazily ------------------------------------
    def _fn(self, name: str, module: str, attr: str) -> Callable[..., Any] | None:
        if name in self.overrides:
            return self.overrides[name]
        return _optional(module, attr)

    @property
    def classify(self) -> Callable[..., Any] | None:
        return self._fn("classify", "xkeys.core.shapes", "classify")

    @property
    def scan(self) -> Callable[..., Any] | None:
        return self._fn("scan", "xkeys.core.scan", "scan")

    @property
    def explain(self) -> Callable[..., Any] | None:
        return self._fn("explain", "xkeys.core.explain", "explain")

    @property
    def run_doctor(self) -> Callable[..., Any] | None:
        return self._fn("run_doctor", "xkeys.core.doctor", "run_doctor")

    @property
    def load_credentials(self) -> Callable[..., Any] | None:
        return self._fn("load_credentials", "xkeys.core.creds", "load_credentials")

    def diagnosis(self, diag_id: str | None) -> Any | None:
        """The catalog entry for an id, or None (unknown id or no catalog yet)."""
        if not diag_id:
            return None
        get = self._fn("get_diagnosis", "xkeys.core.knowledge", "get")
        if get is None:
            return None
        try:
            return get(diag_id)
        except Exception:
            return None

    def credentials(self, values: dict[Any, str], source: str, profile: str | None = None) -> Any:
        """A `core.creds.Credentials` for values typed or pasted in the TUI."""
        from xkeys.core import redact

        redact.remember(*values.values())
        cls = _optional("xkeys.core.creds", "Credentials")
        if cls is None:
            raise RuntimeError("credential checks are not available in this build")
        return cls(values=dict(values), sources={k: source for k in values}, profile=profile)

    def store(self) -> Any | None:
        if self.store_factory is None:
            return None
        try:
            return self.store_factory()
        except Exception:
            return None

    def now(self) -> datetime:
        return self.clock() if self.clock else datetime.now(timezone.utc)

    def export_path(self, name: str) -> str:
        base = self.export_dir or os.getcwd()
        return os.path.join(base, name)


def default_store_factory() -> Any | None:
    cls = _optional("xkeys.core.store", "Store")
    return cls() if cls is not None else None


def write_env_file(path: str, lines: list[str]) -> None:
    """Write a .env atomically with mode 0600 (temp file in the same dir, fsync, rename)."""
    from xkeys.core.files import atomic_write

    atomic_write(path, "\n".join(lines) + "\n", 0o600)
