"""Troubleshoot: load a credential set, run every check, show a card per problem; explain errors."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Select, Static, TextArea

from xkeys.core.kinds import Kind
from xkeys.core.redact import scrub
from xkeys.tui.screens.base import XScreen
from xkeys.tui.screens.common import run_doctor_into, safe_notify_text, show_cards
from xkeys.tui.widgets.checks import CheckList, DiagnosisCard
from xkeys.tui.widgets.paste_sink import PasteSink

#: credential sources, in the order offered
SOURCES: tuple[tuple[str, str], ...] = (
    ("demo", "Demo sandbox keys"),
    ("profile", "Active profile"),
    ("env", "Environment variables"),
    ("envfile", "A .env file"),
    ("paste", "Paste a .env or the keys page"),
)
NEEDS: tuple[tuple[str, str], ...] = (
    ("Read only", "read"),
    ("Read and write", "write"),
    ("Read, write and DMs", "dm"),
)


class TroubleshootScreen(XScreen):
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("ctrl+r", "check", "Run checks"),
        Binding("ctrl+e", "explain", "Explain error", show=False),
    ]
    PALETTE = (
        ("Run all checks", "Load the credentials and run every check (ctrl+r)", "check"),
        ("Explain a pasted error", "Turn the text in the error box into a diagnosis", "explain"),
    )

    def __init__(self, *, auto: bool = False, support: bool = False, need: str = "write") -> None:
        super().__init__()
        self.auto = auto
        self.support = support
        self.need = need
        self.report: Any | None = None
        #: the chosen source, once known (the radio set reports a change asynchronously)
        self._source: str | None = None

    def _sources(self) -> list[tuple[str, str]]:
        return [s for s in SOURCES if s[0] != "demo" or self.xapp.demo]

    def compose(self) -> ComposeResult:
        yield from self.compose_chrome()
        with VerticalScroll(classes="body"):
            if self.support:
                yield Static(
                    Text.assemble(
                        ("Support (screen-share safe)\n", "bold"),
                        (
                            "The dedicated support screen is not part of this build, so this is "
                            "Troubleshoot with screen-share safe mode on: every value is masked.",
                            "",
                        ),
                    ),
                    classes="hint",
                    id="support-note",
                )
            yield Label("Where are the keys?", classes="question")
            sources = self._sources()
            with RadioSet(id="source", compact=True):
                for n, (key, title) in enumerate(sources):
                    yield RadioButton(title, value=n == 0, id=f"src-{key}")
            yield Input(placeholder="path to the .env file", id="env-path", compact=True)
            yield PasteSink(id="paste-creds", scan=self.services.scan, safe=lambda: bool(self.xapp.safe_mode))
            with Horizontal(id="source-row"):
                yield Select([(t, v) for t, v in NEEDS], value=self.need, allow_blank=False, id="need", compact=True)
                yield Button("Run checks", id="run", variant="primary", compact=True)
            yield CheckList(id="checks", terse=self.xapp.deterministic)
            yield Vertical(id="cards")
            yield Label("Got an error message? Paste it here:", classes="question")
            yield TextArea(id="error-box", soft_wrap=True, show_line_numbers=False)
            yield Button("Explain", id="explain", compact=True)
            yield Vertical(id="explained")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        super().on_mount()
        if self.xapp.env_file:  # `xkeys troubleshoot --env-file F`: start on that file
            self.query_one("#src-envfile", RadioButton).value = True
            self.query_one("#env-path", Input).value = self.xapp.env_file
            self._source = "envfile"
            self.auto = True
        self._sync_source()
        if self.auto:
            self.action_check()
        else:
            self.query_one("#source", RadioSet).focus()

    # -- source ------------------------------------------------------------------------------
    @property
    def source(self) -> str:
        if self._source is not None:
            return self._source
        rs = self.query_one("#source", RadioSet)
        btn = rs.pressed_button
        return (btn.id or "src-profile")[4:] if btn is not None else "profile"

    def set_safe_mode(self, safe: bool) -> None:
        super().set_safe_mode(safe)
        self.query_one("#paste-creds", PasteSink).refresh_summary()

    def _sync_source(self) -> None:
        src = self.source
        self.query_one("#env-path", Input).display = src == "envfile"
        self.query_one("#paste-creds", PasteSink).display = src == "paste"

    @on(RadioSet.Changed, "#source")
    def _source_changed(self, event: RadioSet.Changed) -> None:
        self._source = (event.pressed.id or "src-profile")[4:]
        self._sync_source()

    @on(Select.Changed, "#need")
    def _need_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.need = event.value

    # -- running -----------------------------------------------------------------------------
    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "run":
            self.action_check()
        elif event.button.id == "explain":
            self.action_explain()

    def on_diagnosis_card_check_again(self, event: DiagnosisCard.CheckAgain) -> None:
        self.action_check()

    def action_check(self) -> None:
        self.run_checks()

    @work(exclusive=True, group="troubleshoot")
    async def run_checks(self) -> None:
        checklist = self.query_one("#checks", CheckList)
        cards = self.query_one("#cards", Vertical)
        await cards.remove_children()
        self.report = None
        creds, problem = await self._load()
        if creds is None:
            checklist.fail(problem or "No credentials found.")
            return
        report, diag = await run_doctor_into(self.services, creds, checklist, need=self.need)
        self.report = report
        checks = list(getattr(report, "checks", []) or []) if report is not None else []
        n = await show_cards(self.services, cards, checks, extra_diag=diag)
        if report is not None:
            self.xapp.record_report(report)
            self._store_last_check(report)
        if n:
            first = cards.query(DiagnosisCard).first()
            self.call_after_refresh(first.scroll_visible, top=True, animate=False)
        if n and not self.auto:
            self.notify(f"{n} problem{'s' if n != 1 else ''} found: see the cards below.", severity="warning")

    async def _load(self) -> tuple[Any | None, str | None]:
        src = self.source
        services = self.services
        if src == "demo":
            values = await self.xapp.wait_demo()
            if not values:
                return None, "The demo sandbox is not running."
            kv = {Kind(k): v for k, v in values.items() if k in Kind._value2member_map_ and v}
            return services.credentials(kv, "demo"), None
        if src == "paste":
            sink = self.query_one("#paste-creds", PasteSink)
            if sink.error:
                return None, sink.error
            if sink.result is None:
                return None, "Paste your .env, config file or the keys page text first."
            values = sink.values()
            if not values:
                return None, "No X credentials found in the pasted text."
            return services.credentials(dict(values), "paste"), None
        return await self._load_from_sources(src)

    async def _load_from_sources(self, src: str) -> tuple[Any | None, str | None]:
        import asyncio

        load = self.services.load_credentials
        if load is None:
            return None, "Loading credentials is not available in this build."
        env_file = None
        if src == "envfile":
            env_file = self.query_one("#env-path", Input).value.strip()
            if not env_file:
                return None, "Type the path of the .env file first."
        environ = self.services.environ
        profile = self.xapp.profile_name if src == "profile" and not self.xapp.demo else None

        def _do() -> Any:  # keyring and file access: off the UI thread
            return load(env_file=env_file, environ={} if src in ("profile", "envfile") else environ, profile=profile)

        try:
            creds = await asyncio.to_thread(_do)
        except Exception as exc:
            return None, scrub(str(exc)) or type(exc).__name__
        prefix = {"profile": "profile:", "env": "env:", "envfile": ".env:"}[src]
        values = {k: v for k, v in creds.values.items() if str(creds.sources.get(k, "")).startswith(prefix)}
        if not values:
            where = {"profile": "in the active profile", "env": "in the environment", "envfile": f"in {env_file}"}[src]
            return None, f"No X credentials found {where}."
        creds.values = values
        creds.sources = {k: creds.sources[k] for k in values}
        return creds, None

    def _store_last_check(self, report: Any) -> None:
        name = self.xapp.profile_name
        if self.xapp.demo or self.source != "profile" or not name:
            return
        self._save_last_check(name, report)

    @work(thread=True, group="store")
    def _save_last_check(self, name: str, report: Any) -> None:
        store = self.services.store()
        if store is None:
            return
        try:
            prof = store.load(name, values=False)
            extra = dict(getattr(prof, "extra", {}) or {})
            d = report.to_dict()
            extra["last_check"] = {
                "at": self.xapp.now().isoformat(timespec="seconds"),
                "summary": d.get("summary"),
                "diagnoses": d.get("diagnoses"),
            }
            store.update_meta(name, extra=extra)
        except Exception:
            return

    # -- explain -----------------------------------------------------------------------------
    def action_explain(self) -> None:
        self.explain_error()

    @work(exclusive=True, group="explain")
    async def explain_error(self) -> None:
        box = self.query_one("#explained", Vertical)
        await box.remove_children()
        text = self.query_one("#error-box", TextArea).text
        if not text.strip():
            self.notify("Paste an error message into the box first.", severity="warning")
            return
        explain = self.services.explain
        if explain is None:
            self.notify("Explaining errors is not available in this build.", severity="error")
            return
        try:
            ex = explain(text)
        except Exception as exc:
            self.notify(safe_notify_text(f"Could not read that error ({type(exc).__name__})."), severity="error")
            return
        diag = getattr(ex, "diagnosis", None) or "unknown"
        entry = self.services.diagnosis(diag)
        if entry is None and diag != "unknown":
            entry = ex
        status = "info" if diag != "unknown" else "warn"
        await box.mount(
            DiagnosisCard(
                diag,
                entry=entry if diag != "unknown" else ex,
                message=self._explain_note(ex),
                status=status,
                check_again=False,
            )
        )

    @staticmethod
    def _explain_note(ex: Any) -> str | None:
        bits = []
        if getattr(ex, "http_status", None):
            bits.append(f"HTTP {ex.http_status}")
        if getattr(ex, "error_code", None) not in (None, ""):
            bits.append(f"code {ex.error_code}")
        if getattr(ex, "confidence", None):
            bits.append(f"{ex.confidence} confidence")
        return " · ".join(bits) or None
