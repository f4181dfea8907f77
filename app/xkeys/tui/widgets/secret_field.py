"""One credential field: a masked input with live shape feedback from `core.shapes`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label, Static

from xkeys.core.kinds import KINDS, Kind
from xkeys.core.kinds import label as kind_label
from xkeys.core.redact import fingerprint, mask, scrub

#: hygiene fix ids (shapes.sanitize) -> words for the feedback line
HYGIENE_WORDS: dict[str, str] = {
    "stripped-whitespace": "removed spaces/newlines",
    "removed-quotes": "removed quotes",
    "removed-bearer-prefix": "removed 'Bearer '",
}


def masked(value: str, kind: Kind, safe: bool) -> str:
    """Kind + length + fingerprint; in screen-share safe mode no identifier prefix either."""
    if safe:
        return f"•••• ({len(value)} chars, fp {fingerprint(value)})"
    return mask(value, kind)


class SecretField(Vertical):
    """Label, masked input, reveal toggle and a feedback line (kind, hygiene, wrong field)."""

    class Misplaced(Message):
        """The value pasted here belongs in another field of the same form."""

        def __init__(self, field: SecretField, belongs: Kind) -> None:
            super().__init__()
            self.field = field
            self.belongs = belongs

    DEFAULT_CSS = """
    SecretField { height: auto; margin: 0 0 1 0; }
    SecretField > Horizontal { height: 1; }
    SecretField .field-label { width: 22; }
    SecretField Input { width: 1fr; }
    SecretField .reveal { min-width: 6; width: 6; margin-left: 1; }
    SecretField .move { display: none; min-width: 10; }
    SecretField.-misplaced .move { display: block; }
    """

    def __init__(
        self,
        kind: Kind,
        *,
        classify: Callable[..., Any] | None,
        optional: bool = False,
        safe: bool = False,
        blink: bool = True,
    ) -> None:
        super().__init__(id=f"field-{kind.value}", classes="secret-field")
        self.kind = kind
        self._classify = classify
        self.optional = optional
        self.safe = safe
        self.blink = blink
        self.classification: Any | None = None
        self.status = "empty"
        self.belongs: Kind | None = None
        #: the fields of the surrounding form ("Move" is offered only towards one of them)
        self.form_kinds: frozenset[Kind] = frozenset()

    def compose(self) -> ComposeResult:
        info = KINDS[self.kind]
        title = Text(info.label, style="bold")
        if self.optional:
            title.append(" (opt.)", style="italic dim")
        with Horizontal():
            yield Label(title, classes="field-label")
            inp = Input(
                password=True, placeholder=f"paste the {info.label}", id=f"input-{self.kind.value}", compact=True
            )
            inp.cursor_blink = self.blink
            yield inp
            yield Button("Show", classes="reveal", disabled=self.safe, compact=True)
            yield Button("Move", classes="move", compact=True)
        yield Static(self._empty_text(), classes="feedback")

    def _empty_text(self) -> Text:
        return Text(f"From {KINDS[self.kind].where.replace('console.x.com > ', '')}", style="dim")

    # -- value ------------------------------------------------------------------------------
    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def raw(self) -> str:
        return self.input.value

    @property
    def value(self) -> str:
        """The sanitized value (hygiene fixes applied), or the raw one if shapes is missing."""
        c = self.classification
        v = getattr(c, "value", "") if c is not None else ""
        return v or self.raw.strip()

    def set_value(self, value: str) -> None:
        self.input.value = value  # fires Input.Changed -> feedback

    def set_safe(self, safe: bool) -> None:
        self.safe = safe
        btn = self.query_one(".reveal", Button)
        btn.disabled = safe
        if safe:
            self.input.password = True
            btn.label = "Show"
        self.refresh_feedback()

    # -- events ------------------------------------------------------------------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.refresh_feedback()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.has_class("reveal"):
            if self.safe:
                return
            self.input.password = not self.input.password
            event.button.label = "Hide" if not self.input.password else "Show"
        elif event.button.has_class("move") and self.belongs is not None:
            self.post_message(self.Misplaced(self, self.belongs))

    def refresh_feedback(self) -> None:
        raw = self.raw
        fb = self.query_one(".feedback", Static)
        self.belongs = None
        self.remove_class("-ok", "-warn", "-error", "-misplaced")
        if not raw.strip():
            self.classification = None
            self.status = "empty"
            fb.update(self._empty_text())
            return
        if self._classify is None:
            self.classification = None
            self.status = "ok"
            fb.update(Text(f"{masked(raw.strip(), self.kind, self.safe)} · shape checks unavailable", style="dim"))
            return
        try:
            c = self._classify(raw, self.kind)
        except Exception as exc:  # a classifier bug must not take the form down
            self.classification = None
            self.status = "warn"
            fb.update(Text(f"! could not check this value ({type(exc).__name__})", style="yellow"))
            return
        self.classification = c
        value = getattr(c, "value", "") or raw.strip()
        kind = Kind(getattr(c, "kind", Kind.UNKNOWN))
        t = Text()
        hygiene = [HYGIENE_WORDS.get(h, h.replace("-", " ")) for h in (getattr(c, "hygiene", None) or [])]
        matches = getattr(c, "matches_field", None)
        if kind is Kind.UNKNOWN:
            self.status = "error"
            t.append("? ", style="bold yellow")
            t.append(scrub(str(getattr(c, "message", "") or "Not recognised as an X credential.")))
        elif matches is False or kind is not self.kind:
            self.status = "error"
            self.belongs = kind if kind in self.form_kinds and kind is not self.kind else None
            t.append("✗ ", style="bold red")
            t.append(scrub(str(getattr(c, "message", "") or f"This is a {kind_label(kind)}.")))
            if self.belongs is not None:
                self.add_class("-misplaced")
                t.append(f" Move puts it in the {kind_label(kind)} box.", style="bold")
            hygiene = []  # the message already names the fixes
        else:
            conf = str(getattr(c, "confidence", "high"))
            self.status = "ok" if conf != "low" else "warn"
            ok = self.status == "ok"
            t.append("✓ " if ok else "! ", style="bold green" if ok else "bold yellow")
            t.append(kind_label(kind), style="bold")
            t.append(f" {masked(value, kind, self.safe)}")
            if conf != "high":
                t.append(f" · {conf} confidence", style="yellow")
        diag = getattr(c, "diagnosis", None)
        if diag:
            t.append(f"  [{diag}]", style="bold magenta")
        if hygiene:
            t.append("\n  fixed: " + ", ".join(hygiene), style="cyan")
        self.add_class(f"-{self.status}")
        fb.update(t)
