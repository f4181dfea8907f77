"""A paste box that never shows what was pasted.

Pasted text is handed to `core.scan` at once and never inserted into the document: the box keeps
the scan result in memory (for filling fields) and shows only a masked summary (kinds found,
fingerprints, placeholders, ignored lines) as its placeholder. Text that reaches the document some
other way (typing, a program setting `.text`) is absorbed the same way on the next change, so the
document is cleared before it can stay on screen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import events
from textual.message import Message
from textual.widgets import TextArea

from xkeys.core.kinds import Kind
from xkeys.core.kinds import label as kind_label
from xkeys.core.redact import fingerprint

EMPTY_HINT = "Paste here (ctrl+v): the text is scanned at once and never shown; only a masked summary stays."


def _shown(value: str, kind: Kind, safe: bool) -> str:
    # the summary outlives safe-mode switches, so identifiers show no prefix either way
    return f"•••• ({len(value)} chars, fp {fingerprint(value)})"


def summary(result: Any, safe: bool = True) -> str:
    """Masked words for a scan result: one line per kind found, then placeholders and ignored."""
    lines: list[str] = []
    values: dict[Kind, str] = result.values()
    fmt = getattr(result, "format", "text")
    if values:
        lines.append(f"Scanned the pasted {fmt}: {len(values)} credential{'s' if len(values) != 1 else ''} kept.")
        for kind, value in values.items():
            lines.append(f"  {kind_label(kind)}: {_shown(value, kind, safe)}")
    else:
        lines.append(f"Scanned the pasted {fmt}: no X credentials found.")
    placeholders = list(getattr(result, "placeholders", []) or [])
    if placeholders:
        lines.append(f"  Placeholders (no value): {', '.join(placeholders[:6])}")
    ignored = list(getattr(result, "ignored", []) or [])
    if ignored:
        lines.append(f"  Ignored: {len(ignored)} line{'s' if len(ignored) != 1 else ''}")
    lines.append("Paste again to replace; nothing pasted is ever shown.")
    return "\n".join(lines)


class PasteSink(TextArea):
    """A TextArea whose document never keeps pasted text; see the module docstring."""

    class Scanned(Message):
        """A paste was scanned (result is None when it could not be read)."""

        def __init__(self, sink: PasteSink, result: Any, error: str | None) -> None:
            super().__init__()
            self.sink = sink
            self.result = result
            self.error = error

        @property
        def control(self) -> PasteSink:
            return self.sink

    def __init__(
        self, *, scan: Callable[..., Any] | None, safe: Callable[[], bool] | None = None, **kwargs: Any
    ) -> None:
        kwargs.setdefault("soft_wrap", True)
        kwargs.setdefault("show_line_numbers", False)
        super().__init__(placeholder=EMPTY_HINT, **kwargs)
        self._scan = scan
        self._safe = safe or (lambda: True)
        self.result: Any = None
        self.error: str | None = None
        self._typed = ""

    def values(self) -> dict[Kind, str]:
        if self.result is None:
            return {}
        return dict(self.result.values())

    def forget(self) -> None:
        """Drop the values (the masked summary stays)."""
        self._typed = ""
        self.result = None
        self.error = None

    def absorb(self, text: str) -> None:
        """Scan `text`, keep the result, show only the masked summary."""
        if not text.strip():
            return
        self.result, self.error = None, None
        if self._scan is None:
            self.error = "Pasting is not available in this build (xkeys.core.scan is missing)."
        else:
            try:
                self.result = self._scan(text)
                self.placeholder = summary(self.result, self._safe())
            except Exception as exc:
                self.error = f"Could not read the pasted text ({type(exc).__name__})."
        if self.error:
            self.placeholder = self.error
        self.post_message(self.Scanned(self, self.result, self.error))

    def refresh_summary(self) -> None:
        """Redraw the summary (after safe mode changed)."""
        if self.result is not None:
            self.placeholder = summary(self.result, self._safe())

    async def _on_paste(self, event: events.Paste) -> None:
        event.stop()
        event.prevent_default()
        self._typed = ""
        self.absorb(event.text)
        self.focus()

    def _replace_via_keyboard(self, insert: str, start: Any, end: Any) -> Any:
        """Typed characters go to a hidden buffer that is scanned as a whole; none is inserted."""
        if insert:
            self._typed = getattr(self, "_typed", "") + insert
            self.absorb(self._typed)
        return None

    def load_text(self, text: str) -> None:
        """Setting `.text` scans the text instead of showing it."""
        super().load_text("")
        if text and hasattr(self, "_scan"):
            self._typed = ""
            self.absorb(text)

    def _on_text_area_changed(self, event: TextArea.Changed) -> None:
        text = self.text
        if text:  # any other way in: clear, then scan
            super().load_text("")
            self.absorb(text)


__all__ = ["PasteSink", "summary"]
