"""Rotation preview (used when the full rotation screen is not installed): what each
regeneration invalidates and where to click, from `core.portal.ROTATIONS`."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from xkeys.core.kinds import label as kind_label
from xkeys.core.portal import CONSOLE_URL, ROTATIONS
from xkeys.tui.screens.base import XScreen


class RotationPreviewScreen(XScreen):
    PALETTE = (("Open console.x.com", "Open the developer console in your browser", "open"),)

    def compose(self) -> ComposeResult:
        yield from self.compose_chrome()
        with VerticalScroll(classes="body"):
            yield Static("Rotate · what do you want to replace?", classes="screen-title")
            yield OptionList(*[Option(Text(r.title), id=r.id) for r in ROTATIONS.values()], id="rotations")
            yield Static(id="impact")
            yield Static(
                Text(
                    "The guided rotation (new values, live verify, history, rollback) runs with `xkeys rotate`.",
                    style="dim",
                ),
                classes="hint",
            )
        yield from self.compose_footer()

    def on_mount(self) -> None:
        super().on_mount()
        ol = self.query_one(OptionList)
        ol.highlighted = 0
        ol.focus()
        self._show(next(iter(ROTATIONS)))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id:
            self._show(event.option.id)

    def _show(self, rid: str) -> None:
        r = ROTATIONS[rid]
        t = Text()
        t.append("Impact  ", style="bold")
        t.append(r.impact + "\n")
        t.append("New     ", style="bold")
        t.append(", ".join(kind_label(k) for k in r.regenerates) + "\n")
        if r.invalidates:
            t.append("Also replace  ", style="bold yellow")
            t.append(", ".join(kind_label(k) for k in r.invalidates) + "\n", style="yellow")
        t.append("Click   ", style="bold")
        t.append("console.x.com > your App > " + " › ".join(r.clicks))
        self.query_one("#impact", Static).update(t)

    def action_open(self) -> None:
        self.xapp.open_link(CONSOLE_URL)
