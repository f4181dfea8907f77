"""The base of every xkeys screen: header, footer, the safe-mode banner, back on Escape."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static, TextArea

if TYPE_CHECKING:
    from xkeys.tui.app import XKeysApp
    from xkeys.tui.services import Services


class SafeBanner(Static):
    """Shown while screen-share safe mode is on."""

    def __init__(self) -> None:
        super().__init__(
            Text("SCREEN-SHARE SAFE MODE: every value is masked · F3 to turn off", style="bold"), classes="safe-banner"
        )


class XScreen(Screen[Any]):
    BINDINGS = [Binding("escape", "back", "Back")]

    #: (title, help, action name on the screen) shown in the command palette
    PALETTE: tuple[tuple[str, str, str], ...] = ()

    @property
    def xapp(self) -> XKeysApp:
        return self.app  # type: ignore[return-value]

    @property
    def services(self) -> Services:
        return self.xapp.services

    def compose_chrome(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield SafeBanner()

    def compose_footer(self) -> ComposeResult:
        yield Footer()

    def on_mount(self) -> None:
        if not self.xapp.blink:
            for w in self.query(Input):
                w.cursor_blink = False
            for ta in self.query(TextArea):
                ta.cursor_blink = False

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()

    def set_safe_mode(self, safe: bool) -> None:
        """Re-render whatever shows values (overridden by screens that do)."""
