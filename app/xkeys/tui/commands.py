"""Command palette entries for every flow and action (a textual `Provider`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from xkeys.tui.app import XKeysApp


class XKeysCommands(Provider):
    """Command palette entries for every flow and action."""

    def _commands(self) -> list[tuple[str, Callable[[], Any], str]]:
        from xkeys.tui.app import FLOW_TEXT

        app: XKeysApp = self.app  # type: ignore[assignment]
        cmds: list[tuple[str, Callable[[], Any], str]] = [
            ("Home", partial(app.open_flow, "home"), "Back to the four flows"),
        ]
        for flow, (title, help_text) in FLOW_TEXT.items():
            cmds.append((f"{title}", partial(app.open_flow, flow), help_text))
        cmds += [
            ("Toggle light/dark theme", app.action_toggle_theme, "Switch between the light and dark theme"),
            ("Toggle screen-share safe mode", app.action_toggle_safe, "Mask every value on screen (F3)"),
        ]
        screen = self.screen
        for title, help_text, action in getattr(screen, "PALETTE", ()):
            fn = getattr(screen, f"action_{action}", None)
            if fn is not None:
                cmds.append((title, fn, help_text))
        if type(screen).__name__ == "KeyEntryScreen":  # onboarding's key form: the optional login step
            from xkeys.tui.screens.login import open_for

            cmds.append(
                (
                    "Get user tokens",
                    partial(open_for, screen),
                    "Optional step: a PIN or OAuth 2.0 (PKCE) login fills the access token fields",
                )
            )
        cmds.append(("Quit xkeys", app.action_quit, "Leave the app"))
        return cmds

    async def discover(self) -> Hits:
        for name, fn, help_text in self._commands():
            yield DiscoveryHit(name, fn, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, fn, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), fn, help=help_text)
