"""The xkeys Textual TUI. `make_app` (in `xkeys.tui.app`) builds it for the CLI and the tests."""

from __future__ import annotations

from typing import Any


def make_app(*args: Any, **kwargs: Any) -> Any:
    from xkeys.tui.app import make_app as _make_app

    return _make_app(*args, **kwargs)
