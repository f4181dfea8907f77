"""Renders one `core.portal.PortalStep`: where to go, what to click/choose/enter, a checklist."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Checkbox, Label, Static

from xkeys.core.kinds import label as kind_label
from xkeys.core.portal import PortalStep


class CopyRequested(Message):
    def __init__(self, label: str, value: str) -> None:
        super().__init__()
        self.label = label
        self.value = value


class OpenRequested(Message):
    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url


class PortalStepView(Vertical):
    DEFAULT_CSS = """
    PortalStepView { height: auto; }
    PortalStepView .copy-row { height: auto; }
    PortalStepView .copy-row Static { width: 1fr; }
    PortalStepView .copy-row Button { min-width: 8; }
    PortalStepView Checkbox { margin: 0; }
    """

    def __init__(self, step: PortalStep, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.step = step

    def _where(self) -> Text:
        s = self.step
        t = Text()
        t.append("Go to  ", style="bold")
        t.append(s.where, style="underline")
        if s.clicks:
            t.append("\nClick  ", style="bold")
            t.append(" › ".join(s.clicks))
        for c in s.choices:
            t.append(f"\n  {c.setting}: ", style="bold")
            t.append(c.choose, style="bold cyan")
            if c.why:
                t.append(f"  ({c.why})", style="dim")
        if s.collect:
            t.append("\nCopy   ", style="bold")
            t.append(", ".join(kind_label(k) for k in s.collect))
            t.append("  (you paste them in the next screens)", style="dim")
        for w in s.warnings:
            t.append("\n! ", style="bold yellow")
            t.append(w, style="yellow")
        return t

    def compose(self) -> ComposeResult:
        s = self.step
        yield Static(self._where(), classes="step-where")
        with Horizontal(classes="step-actions"):
            yield Button("Open console.x.com in the browser", id="open-url", variant="primary", compact=True)
        for i, v in enumerate(s.values):
            with Horizontal(classes="copy-row"):
                t = Text.assemble((f"{v.label}: ", "bold"), (v.value, "cyan"))
                if v.hint:
                    t.append(f"  ({v.hint})", style="dim")
                yield Static(t)
                yield Button("Copy", id=f"copy-{i}", classes="copy", compact=True)
        if s.checklist:
            yield Label(Text("Tick when done:", style="bold"), classes="checklist-title")
            for i, item in enumerate(s.checklist):
                yield Checkbox(Text(item), id=f"check-{i}", classes="check-item", compact=True)

    @property
    def ticked(self) -> tuple[int, int]:
        boxes = list(self.query(".check-item").results(Checkbox))
        return sum(1 for b in boxes if b.value), len(boxes)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        bid = event.button.id or ""
        if bid == "open-url":
            event.stop()
            self.post_message(OpenRequested(self.step.url))
        elif bid.startswith("copy-"):
            event.stop()
            v = self.step.values[int(bid.split("-", 1)[1])]
            self.post_message(CopyRequested(v.label, v.value))
