"""Home: the four flows, one line each, and the active profile with its last check."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from xkeys.tui.screens.base import XScreen
from xkeys.tui.widgets.checks import summary_line

FLOW_ORDER = ("onboard", "troubleshoot", "rotate", "support")


class HomeScreen(XScreen):
    PALETTE = ()

    def compose(self) -> ComposeResult:
        from xkeys.tui.app import FLOW_TEXT

        yield from self.compose_chrome()
        with Vertical(id="home"):
            yield Static(
                Text.assemble(("What do you need?", "bold"), ("  ↑↓ to choose, Enter to open", "dim")), id="home-title"
            )
            options = []
            for n, flow in enumerate(FLOW_ORDER, 1):
                title, line = FLOW_TEXT[flow]
                prompt = Text.assemble((f"{n}  {title}\n", "bold"), (f"   {line}", ""))
                options.append(Option(prompt, id=flow))
            yield OptionList(*options, id="flows")
            yield Static(Text("Profile: looking…", style="dim"), id="profile-box")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#flows", OptionList).highlighted = 0
        self.query_one("#flows", OptionList).focus()
        self.load_profile()

    def key_1(self) -> None:
        self.xapp.open_flow("onboard")

    def key_2(self) -> None:
        self.xapp.open_flow("troubleshoot")

    def key_3(self) -> None:
        self.xapp.open_flow("rotate")

    def key_4(self) -> None:
        self.xapp.open_flow("support")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.xapp.open_flow(event.option.id)

    def action_back(self) -> None:
        pass

    # -- profile box -------------------------------------------------------------------------
    def load_profile(self) -> None:
        app = self.xapp
        if app.demo:
            self._show_profile(self._demo_text())
            return
        self._load_store_profile()

    def _demo_text(self) -> Text:
        app = self.xapp
        t = Text()
        t.append("Profile: ", style="bold")
        if app.sandbox_error:
            t.append("demo sandbox failed to start", style="bold red")
            return t
        if app.sandbox_info is None:
            t.append("demo (starting the sandbox X API…)", style="dim")
            return t
        t.append("demo", style="bold cyan")
        t.append(f"  sandbox X API, scenario {app.scenario}, seed {app.seed}", style="dim")
        t.append("\n")
        t.append(self._last_check_text(app.last_report))
        return t

    def _last_check_text(self, report: Any | None, stored: dict[str, Any] | None = None) -> Text:
        t = Text("Last check: ", style="bold")
        if report is not None:
            t.append(summary_line(getattr(report, "checks", []) or []))
            diags = list(getattr(report, "diagnoses", []) or [])
            if diags:
                t.append("  " + ", ".join(diags), style="bold magenta")
            return t
        if stored:
            s = stored.get("summary") or {}
            t.append(f"✓ {s.get('pass', 0)} · ! {s.get('warn', 0)} · ✗ {s.get('fail', 0)}")
            if stored.get("at") and not self.xapp.deterministic:
                t.append(f"  ({stored['at']})", style="dim")
            if stored.get("diagnoses"):
                t.append("  " + ", ".join(stored["diagnoses"]), style="bold magenta")
            return t
        t.append("none yet - run Troubleshoot", style="dim")
        return t

    @work(thread=True, exclusive=True, group="home-profile")
    def _load_store_profile(self) -> None:
        app = self.xapp
        store = app.services.store()
        text = Text()
        text.append("Profile: ", style="bold")
        if store is None:
            text.append("none (profiles are not available; onboarding exports a .env)", style="dim")
        else:
            try:
                name = app.profile_name or store.active_name()
                if not name:
                    text.append("none yet - Onboard creates one", style="dim")
                else:
                    prof = store.load(name, values=False)
                    text.append(name, style="bold cyan")
                    fields = list(getattr(prof, "summary", lambda: {})().get("fields", []))
                    preset = getattr(prof, "preset", None)
                    extra = f"  {len(fields)} values" + (f", preset {preset}" if preset else "")
                    text.append(extra, style="dim")
                    text.append("\n")
                    stored = (getattr(prof, "extra", {}) or {}).get("last_check")
                    text.append(self._last_check_text(app.last_report if app.profile_name == name else None, stored))
            except Exception as exc:
                from xkeys.core.redact import scrub

                text.append(f"unavailable ({scrub(str(exc))[:120]})", style="yellow")
        self.app.call_from_thread(self._show_profile, text)

    def _show_profile(self, text: Text) -> None:
        try:
            self.query_one("#profile-box", Static).update(text)
        except Exception:  # the screen went away meanwhile
            pass
