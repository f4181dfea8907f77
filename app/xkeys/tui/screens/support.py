"""Support: everything a support agent needs on a screen-share, nothing they must not see.

Opened by `xkeys support` (the app turns screen-share safe mode on for it; F3 toggles it on every
screen). Shows the environment (xkeys, Python, OS, terminal, where each credential came from,
which variable NAMES are set), each credential's kind / shape status / length / fingerprint, the
check list with diagnosis ids, access level, user, rate-limit and usage headroom, clock skew and
X's transaction ids. Secrets are never on screen: only kind, length and fingerprint; identifiers
show their first 6 characters only while safe mode is off. "Copy report" puts the same view,
redacted, on the clipboard as Markdown (`xkeys report`); "Save report" writes it (0600).

The report is built by `xkeys.core.report` from engineer E's doctor run (streamed into the check
list); this screen only renders it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.markup import escape
from textual.widgets import Button, Label, Select, Static

from xkeys.core import envinfo
from xkeys.core.kinds import Kind
from xkeys.core.redact import scrub
from xkeys.tui.screens.base import XScreen
from xkeys.tui.widgets.checks import CheckList

NEEDS: tuple[tuple[str, str], ...] = (
    ("Needs read", "read"),
    ("Needs read + write", "write"),
    ("Needs read, write + DMs", "dm"),
)
_MARK = {"pass": ("✓", "bold green"), "warn": ("!", "bold yellow"), "fail": ("✗", "bold red"), "skip": ("–", "dim")}
REPORT_FILE = "xkeys-support-report.md"


class SupportScreen(XScreen):
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("ctrl+r", "check", "Run checks"),
        Binding("ctrl+y", "copy_report", "Copy report"),
        Binding("ctrl+s", "save_report", "Save report"),
    ]
    PALETTE = (
        ("Run support checks", "Load the credentials and run every check (ctrl+r)", "check"),
        ("Copy report", "Copy the redacted support report (Markdown) to the clipboard (ctrl+y)", "copy_report"),
        ("Save report", f"Write the redacted support report to {REPORT_FILE} (ctrl+s)", "save_report"),
    )

    DEFAULT_CSS = """
    SupportScreen #support-actions { height: auto; margin: 1 0 0 0; }
    SupportScreen #support-actions Button { margin-left: 1; }
    SupportScreen .support-section { text-style: bold; margin-top: 1; height: auto; color: $accent; }
    SupportScreen #support-glance, SupportScreen #support-creds, SupportScreen #support-env { height: auto; }
    """

    def __init__(self, *, need: str = "write", auto: bool = True) -> None:
        super().__init__()
        self.need = need
        self.auto = auto
        #: the report document (core.report.build_report) of the last run
        self.doc: dict[str, Any] | None = None
        self.doctor_report: Any | None = None
        self.creds: Any | None = None

    # -- layout ------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield from self.compose_chrome()
        with VerticalScroll(classes="body", id="support"):
            yield Static(self._intro(), id="support-intro", classes="hint")
            with Horizontal(id="support-actions"):
                yield Select(
                    [(t, v) for t, v in NEEDS], value=self.need, allow_blank=False, id="support-need", compact=True
                )
                yield Button("Run checks", id="support-run", variant="primary", compact=True)
                yield Button("Copy report", id="support-copy", compact=True, disabled=True)
                yield Button("Save report", id="support-save", compact=True, disabled=True)
            yield Label("At a glance", classes="support-section")
            yield Static(Text("Checks not run yet.", style="dim"), id="support-glance")
            yield Label("Credentials", classes="support-section")
            yield Static(Text("Loading…", style="dim"), id="support-creds")
            yield Label("Checks", classes="support-section")
            yield CheckList(id="support-checks")
            yield Label("Environment", classes="support-section")
            yield Static(Text("Collecting…", style="dim"), id="support-env")
        yield from self.compose_footer()

    def _intro(self) -> Text:
        safe = bool(getattr(self.app, "safe_mode", True))
        t = Text()
        t.append("Support", style="bold")
        t.append(
            " · safe to show on a screen-share: secrets appear only as kind, length and "
            "fingerprint (sha256 prefix) - compare fingerprints instead of values. "
        )
        if safe:
            t.append("Safe mode is on: identifier prefixes are hidden too.", style="bold")
        else:
            t.append("Safe mode is off: identifiers show their first 6 characters (F3 hides them).", style="italic")
        return t

    def on_mount(self) -> None:
        super().on_mount()
        self._render_env(self._environment(None))
        if self.auto:
            self.action_check()
        else:
            self.query_one("#support-run", Button).focus()

    # -- safe mode ---------------------------------------------------------------------------
    def set_safe_mode(self, safe: bool) -> None:
        try:
            self.query_one("#support-intro", Static).update(self._intro())
            if self.doc is not None:
                self.query_one("#support-creds", Static).update(self._creds_table(self.doc, safe))
        except Exception:  # not composed yet
            pass

    # -- actions -----------------------------------------------------------------------------
    @on(Select.Changed, "#support-need")
    def _need_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.need = event.value

    def on_button_pressed(self, event: Button.Pressed) -> None:
        bid = event.button.id
        if bid == "support-run":
            self.action_check()
        elif bid == "support-copy":
            self.action_copy_report()
        elif bid == "support-save":
            self.action_save_report()

    def action_check(self) -> None:
        self.run_checks()

    def report_markdown(self) -> str | None:
        if self.doc is None:
            return None
        from xkeys.core.report import to_markdown

        return to_markdown(self.doc)

    def action_copy_report(self) -> None:
        md = self.report_markdown()
        if md is None:
            self.notify("Run the checks first: the report is made from their results.", severity="warning")
            return
        self.xapp.copy_text("the support report", md)

    def action_save_report(self) -> None:
        md = self.report_markdown()
        if md is None:
            self.notify("Run the checks first: the report is made from their results.", severity="warning")
            return
        self._save(self.services.export_path(REPORT_FILE), md)

    @work(thread=True, group="support-save")
    def _save(self, path: str, text: str) -> None:
        from xkeys.core.report import write_private

        try:
            write_private(path, text)
        except OSError as exc:
            msg = f"Could not write {path} ({exc.strerror or type(exc).__name__})."
            self.app.call_from_thread(self.notify, escape(scrub(msg)), severity="error")
            return
        self.app.call_from_thread(self.notify, escape(f"Saved the redacted report to {path} (mode 0600)."))

    # -- running -----------------------------------------------------------------------------
    @work(exclusive=True, group="support")
    async def run_checks(self) -> None:
        from xkeys.tui.screens.common import run_doctor_into

        checklist = self.query_one("#support-checks", CheckList)
        creds, problem = await self._load()
        self.creds = creds
        self._render_env(self._environment(creds))
        if creds is None:
            checklist.fail(problem or "No credentials found.")
            self.query_one("#support-creds", Static).update(Text(problem or "No credentials found.", style="bold red"))
            return
        report, _diag = await run_doctor_into(self.services, creds, checklist, need=self.need)
        if report is None:
            return
        self.doctor_report = report
        self.xapp.record_report(report)
        from xkeys.core.report import build_report

        self.doc = build_report(
            report, creds, environ=self._environ(), now=self._now(), environment=self._environment(creds)
        )
        self._render_doc(self.doc)
        for bid in ("#support-copy", "#support-save"):
            self.query_one(bid, Button).disabled = False

    def _environ(self) -> Mapping[str, str]:
        import os

        env = self.services.environ
        return os.environ if env is None else env

    def _now(self) -> float | None:
        return self.xapp.now().timestamp() if self.xapp.deterministic else None

    def _environment(self, creds: Any) -> dict[str, Any]:
        """Environment facts (core.envinfo; `services.overrides["envinfo"]` replaces it in tests)."""
        size = (self.app.size.width, self.app.size.height)
        fn = self.services.overrides.get("envinfo") or envinfo.collect
        return dict(fn(self._environ(), creds=creds, size=size, now=self._now()))

    async def _load(self) -> tuple[Any | None, str | None]:
        app = self.xapp
        services = self.services
        if app.demo:
            values = await app.wait_demo()
            if not values:
                return None, "The demo sandbox is not running."
            kv = {Kind(k): v for k, v in values.items() if k in Kind._value2member_map_ and v}
            return services.credentials(kv, "demo", profile="demo"), None
        load = services.load_credentials
        if load is None:
            return None, "Loading credentials is not available in this build."
        env_file, environ, profile = app.env_file, self._environ(), app.profile_name

        def _do() -> Any:  # file and keyring access: off the UI thread
            return load(env_file=env_file, environ=environ, profile=profile)

        try:
            creds = await asyncio.to_thread(_do)
        except Exception as exc:
            return None, scrub(str(exc)) or type(exc).__name__
        if not getattr(creds, "values", None):
            return None, (
                "No X credentials found: not in an --env-file, the environment or the active "
                "profile. The environment below lists which variable names are set."
            )
        return creds, None

    # -- rendering ---------------------------------------------------------------------------
    def _render_doc(self, doc: Mapping[str, Any]) -> None:
        self.query_one("#support-glance", Static).update(self._glance(doc))
        self.query_one("#support-creds", Static).update(self._creds_table(doc, bool(self.xapp.safe_mode)))
        self._render_env(doc.get("environment") or {})

    @staticmethod
    def _glance(doc: Mapping[str, Any]) -> Table:
        from xkeys.core.report import clock_text, rate_text, usage_text

        t = _grid()

        def row(name: str, value: str | Text, style: str = "") -> None:
            t.add_row(Text(name, style="bold"), value if isinstance(value, Text) else Text(value, style=style))

        s = doc.get("summary") or {}
        summary = Text()
        for key, word in (("pass", "passed"), ("warn", "warnings"), ("fail", "failed"), ("skip", "skipped")):
            mark, style = _MARK[key]
            if summary:
                summary.append(" · ")
            summary.append(f"{mark} {s.get(key, 0)} {word}", style=style if s.get(key) else "dim")
        row("Result", summary)
        row("Access level", str(doc.get("access_level") or "unknown"), "bold" if doc.get("access_level") else "dim")
        user = doc.get("user")
        row("User", f"@{user.get('username')} (id {user.get('id')})" if user else "unknown")
        diags = doc.get("diagnoses") or []
        if diags:
            d = Text()
            for n, item in enumerate(diags):
                if n:
                    d.append("\n")
                d.append(str(item.get("id")), style="bold magenta")
                if item.get("fix"):
                    d.append(f" → {item['fix']}")
            row("Diagnoses", d)
        else:
            row("Diagnoses", "none", "green")
        row("Rate limit", rate_text(doc.get("rate_limit")))
        row("Usage", usage_text(doc.get("usage")))
        row("Clock", clock_text(doc.get("clock")))
        tids = doc.get("transaction_ids") or []
        row("X request ids", ", ".join(tids[:4]) + (" …" if len(tids) > 4 else "") if tids else "none recorded")
        return t

    @staticmethod
    def _creds_table(doc: Mapping[str, Any], safe: bool) -> Table | Text:
        rows = doc.get("credentials") or []
        if not rows:
            return Text("No credentials were found.", style="bold red")
        table = Table(box=None, padding=(0, 1), show_edge=False, pad_edge=False, header_style="bold")
        # at 80 columns the long cells wrap (field, kind, source); the facts to compare never do
        table.add_column("field", ratio=3, overflow="fold")
        table.add_column("", no_wrap=True)
        table.add_column("kind seen", ratio=3, overflow="fold")
        table.add_column("len", justify="right", no_wrap=True)
        table.add_column("fingerprint", no_wrap=True, min_width=11)
        table.add_column("prefix", no_wrap=True, min_width=7)
        table.add_column("source", ratio=2, overflow="fold")
        for c in rows:
            mark, style = _MARK.get(c.get("shape") or "", ("?", "dim"))
            if c.get("prefix"):
                prefix = Text("hidden", style="dim") if safe else Text(f"{c['prefix']}…")
            else:
                prefix = Text("secret", style="dim")
            table.add_row(
                str(c.get("label") or c.get("field")),
                Text(mark, style=style),
                str(c.get("kind") or "?"),
                str(c.get("length") or 0),
                Text(str(c.get("fingerprint") or "–"), style="bold"),
                prefix,
                str(c.get("source") or "–"),
            )
        return table

    def _render_env(self, env: Mapping[str, Any]) -> None:
        t = _grid()

        def row(name: str, value: str) -> None:
            t.add_row(Text(name, style="bold"), Text(scrub(value)))

        term = env.get("terminal") or {}
        row("xkeys", f"{env.get('xkeys')} · Python {env.get('python')}")
        row("System", f"{env.get('os')} ({env.get('machine')})")
        bits = [f"TERM={term.get('term') or '–'}"]
        for key, name in (("term_program", "TERM_PROGRAM"), ("colorterm", "COLORTERM")):
            if term.get(key):
                bits.append(f"{name}={term[key]}")
        if term.get("size"):
            bits.append(str(term["size"]))
        if term.get("multiplexer"):
            bits.append(f"in {term['multiplexer']}")
        if term.get("ssh"):
            bits.append("over ssh")
        row("Terminal", " · ".join(bits))
        sources = env.get("credential_sources")
        if sources is not None:
            grouped: dict[str, list[str]] = {}
            for kind, src in sources.items():
                grouped.setdefault(src, []).append(kind)
            row("Found in", "; ".join(f"{src}: {', '.join(ks)}" for src, ks in grouped.items()) or "nowhere")
        state = env.get("env_vars") or {}
        set_names = [n for n, s in state.items() if s == "set"]
        empty = [n for n, s in state.items() if s == "empty"]
        row("Variables set", ", ".join(set_names) or "none")
        if empty:
            row("Set but empty", ", ".join(empty))
        if env.get("network_vars"):
            row("Network", "set: " + ", ".join(env["network_vars"]))
        try:
            self.query_one("#support-env", Static).update(t)
        except Exception:
            pass


def _grid() -> Table:
    """Two columns, name and value; long values wrap inside their column."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=13, no_wrap=True)
    grid.add_column(ratio=1)
    return grid
