"""Helpers for the TUI tests: a deterministic app factory and a text dump of the screen."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from xkeys.tui.app import XKeysApp, make_app
from xkeys.tui.services import Services

FIXED_NOW = datetime(2026, 3, 14, 12, 0, 0, tzinfo=timezone.utc)


def fixed_clock() -> datetime:
    return FIXED_NOW


class Recorder:
    """Clipboard and browser stand-ins that record what the app asked for."""

    def __init__(self) -> None:
        self.copied: list[str] = []
        self.opened: list[str] = []

    def copy(self, text: str) -> bool:
        self.copied.append(text)
        return True

    def open(self, url: str) -> bool:
        self.opened.append(url)
        return True


def services(
    *,
    store: Any = None,
    http_client: Any = None,
    api_base: str | None = None,
    export_dir: str | None = None,
    environ: dict[str, str] | None = None,
    recorder: Recorder | None = None,
) -> Services:
    rec = recorder or Recorder()
    return Services(
        http_client=http_client,
        api_base=api_base,
        clock=fixed_clock,
        store_factory=(lambda: store) if store is not None else None,
        clipboard=rec.copy,
        open_browser=rec.open,
        export_dir=export_dir,
        environ=environ if environ is not None else {},
    )


def app(flow: str = "home", **kwargs: Any) -> XKeysApp:
    svc = kwargs.pop("services", None) or services()
    return make_app(flow, services=svc, clock=fixed_clock, **kwargs)


def screen_text(app: XKeysApp) -> str:
    """What the terminal shows right now, as plain text lines."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(s.text.rstrip() for s in strips)
