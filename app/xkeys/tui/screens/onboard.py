"""The onboarding wizard: purpose -> portal steps -> key entry -> verify -> finish.

Every fact shown comes from `core.portal` (steps, presets, plan), `core.shapes` (feedback on
each keystroke), `core.scan` (paste everything), `core.doctor` (verify) and the catalog.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.markup import escape
from textual.widgets import Button, Collapsible, Input, Label, RadioButton, RadioSet, Static

from xkeys.core.kinds import Kind
from xkeys.core.kinds import label as kind_label
from xkeys.core.portal import AUTH_PATH_TEXT, PERMISSION_LABEL, PRESETS, AuthPath, Permission, Plan, make_plan
from xkeys.core.redact import scrub
from xkeys.tui.screens.base import XScreen
from xkeys.tui.screens.common import run_doctor_into, show_cards
from xkeys.tui.widgets.checks import CheckList, DiagnosisCard
from xkeys.tui.widgets.paste_sink import PasteSink
from xkeys.tui.widgets.portal_step import CopyRequested, OpenRequested, PortalStepView
from xkeys.tui.widgets.secret_field import SecretField, masked

PATHS: tuple[AuthPath, ...] = (AuthPath.USER_TOKENS, AuthPath.OAUTH2, AuthPath.BOTH)
PRESET_ORDER: tuple[str, ...] = ("custom", "socialapi", "carapace")
PERMS: tuple[Permission, ...] = (Permission.READ, Permission.READ_WRITE, Permission.READ_WRITE_DM)


@dataclass
class OnboardState:
    plan: Plan
    values: dict[Kind, str] = field(default_factory=dict)
    #: step id -> (ticked, total) of its checklist when the user moved on
    ticked: dict[str, tuple[int, int]] = field(default_factory=dict)
    report: Any | None = None
    saved_as: str | None = None


class WizardScreen(XScreen):
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("ctrl+n", "next", "Next"),
    ]

    def action_next(self) -> None:  # pragma: no cover - overridden
        pass

    def nav(self, next_label: str = "Next", *, back: bool = True) -> ComposeResult:
        with Horizontal(classes="nav"):
            if back:
                yield Button("Back", id="back", compact=True)
            yield Static(classes="spacer")
            yield Button(next_label, id="next", variant="primary", compact=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "next":
            event.stop()
            self.action_next()
        elif event.button.id == "back":
            event.stop()
            self.action_back()

    def on_copy_requested(self, event: CopyRequested) -> None:
        self.xapp.copy_text(event.label, event.value)

    def on_open_requested(self, event: OpenRequested) -> None:
        self.xapp.open_link(event.url)


# ------------------------------------------------------------------------------ 1. purpose
class PurposeScreen(WizardScreen):
    """What are the keys for? The answer (path, preset, access) becomes a `Plan`."""

    def compose(self) -> ComposeResult:
        yield from self.compose_chrome()
        with VerticalScroll(classes="body"):
            yield Static("Onboarding · what are the keys for?", classes="screen-title")
            with RadioSet(id="path", compact=True):
                for n, path in enumerate(PATHS):
                    title, _ = AUTH_PATH_TEXT[path]
                    yield RadioButton(title, value=n == 0, id=f"path-{path.value}")
            yield Label("Is it for one of these services?", classes="question")
            with RadioSet(id="preset", compact=True):
                for n, pid in enumerate(PRESET_ORDER):
                    p = PRESETS[pid]
                    yield RadioButton(
                        Text.assemble((p.name, "bold"), (f"  {p.summary}", "dim")), value=n == 0, id=f"preset-{pid}"
                    )
            yield Label("What must the keys be allowed to do?", classes="question", id="perm-q")
            with RadioSet(id="perm", compact=True):
                for perm in PERMS:
                    yield RadioButton(
                        PERMISSION_LABEL[perm], value=perm is Permission.READ_WRITE, id=f"perm-{perm.value}"
                    )
            yield Static(id="plan-summary")
        yield from self.nav("Start", back=True)
        yield from self.compose_footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#path", RadioSet).focus()
        self._update()

    def _selected(self, rs_id: str) -> str:
        btn = self.query_one(f"#{rs_id}", RadioSet).pressed_button
        return (btn.id or "").split("-", 1)[1] if btn is not None else ""

    def plan(self) -> Plan:
        return make_plan(
            self._selected("preset") or "custom",
            auth_path=self._selected("path") or None,
            permission=self._selected("perm") or None,
        )

    @on(RadioSet.Changed)
    def _changed(self, event: RadioSet.Changed) -> None:
        if event.radio_set.id == "preset":
            preset = PRESETS[self._selected("preset")]
            if preset.auth_path is not None:  # the service decides the path: reflect it
                btn = self.query_one(f"#path-{preset.auth_path.value}", RadioButton)
                if not btn.value:
                    btn.value = True
        self._update()

    def _update(self) -> None:
        plan = self.plan()
        custom = plan.preset.id == "custom"
        self.query_one("#perm", RadioSet).display = custom
        self.query_one("#perm-q", Label).display = custom
        t = Text()
        _, path_help = AUTH_PATH_TEXT[plan.auth_path]
        t.append("You will set up\n", style="bold")
        t.append(path_help + "\n")
        t.append("App permissions: ", style="bold")
        t.append(plan.permission_label + "\n", style="cyan")
        t.append("Callback URI: ", style="bold")
        t.append(plan.callback_url + "\n", style="cyan")
        if plan.scopes:
            t.append("Scopes: ", style="bold")
            t.append(" ".join(plan.scopes) + "\n", style="cyan")
        t.append("Values: ", style="bold")
        t.append(", ".join(kind_label(k) for k in plan.fields))
        if plan.preset.auth_path is not None and plan.preset.id != "custom":
            t.append(f"\n{plan.preset.name} decides the path, permission and callback.", style="dim")
        self.query_one("#plan-summary", Static).update(t)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_next(self) -> None:
        state = OnboardState(plan=self.plan())
        self.app.push_screen(PortalStepScreen(state, 0))


# ------------------------------------------------------------------------------ 2. portal steps
class PortalStepScreen(WizardScreen):
    PALETTE = (("Open console.x.com", "Open the developer console in your browser", "open"),)

    def __init__(self, state: OnboardState, index: int) -> None:
        super().__init__()
        self.state = state
        self.index = index
        self.step = state.plan.steps[index]

    def compose(self) -> ComposeResult:
        n = len(self.state.plan.steps)
        yield from self.compose_chrome()
        with VerticalScroll(classes="body"):
            yield Static(
                Text.assemble((f"Step {self.index + 1} of {n} · ", "dim"), (self.step.title, "bold")),
                classes="screen-title",
            )
            yield PortalStepView(self.step, id="step")
        yield from self.nav("Next" if self.index + 1 < n else "Enter the keys")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#next", Button).focus()

    def action_open(self) -> None:
        self.xapp.open_link(self.step.url)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_next(self) -> None:
        self.state.ticked[self.step.id] = self.query_one(PortalStepView).ticked
        if self.index + 1 < len(self.state.plan.steps):
            self.app.push_screen(PortalStepScreen(self.state, self.index + 1))
        else:
            self.app.push_screen(KeyEntryScreen(self.state))


# ------------------------------------------------------------------------------ 3. key entry
class KeyEntryScreen(WizardScreen):
    PALETTE = (
        ("Fill fields from pasted text", "Scan the paste box and fill the fields", "fill"),
        ("Verify the keys", "Run the live checks (ctrl+n)", "next"),
    )

    def __init__(self, state: OnboardState) -> None:
        super().__init__()
        self.state = state

    def compose(self) -> ComposeResult:
        plan = self.state.plan
        classify = self.services.classify
        yield from self.compose_chrome()
        with VerticalScroll(classes="body"):
            yield Static("Paste each value", classes="screen-title")
            yield Static(self._hint(), classes="hint")
            with Collapsible(
                title="Paste everything at once (.env, config, keys page)", collapsed=True, id="paste-all"
            ):
                yield PasteSink(id="paste-box", scan=self.services.scan, safe=lambda: bool(self.xapp.safe_mode))
                yield Button("Fill the fields", id="fill", compact=True)
            form = frozenset(plan.fields)
            for kind in plan.fields:
                f = SecretField(
                    kind,
                    classify=classify,
                    optional=kind in plan.optional,
                    safe=self.xapp.safe_mode,
                    blink=self.xapp.blink,
                )
                f.form_kinds = form
                yield f
            if form & {Kind.ACCESS_TOKEN, Kind.OAUTH2_ACCESS_TOKEN}:
                # FACTS.md section 2: user tokens come from the PIN (OAuth 1.0a) or PKCE (OAuth 2.0) flow
                yield Button("Get user tokens (PIN or PKCE)…", id="user-tokens", compact=True)
        yield from self.nav("Verify")
        yield from self.compose_footer()

    def _hint(self) -> Text:
        t = Text("Values stay masked; each keystroke is checked. Show reveals one value.", style="dim")
        done = sum(d for d, _ in self.state.ticked.values())
        total = sum(n for _, n in self.state.ticked.values())
        if total and done < total:
            t.append(f"\nPortal checklist: {done} of {total} ticked - Back (Esc) to review.", style="yellow")
        return t

    def on_mount(self) -> None:
        super().on_mount()
        for f in self.query(SecretField):
            v = self.state.values.get(f.kind)
            if v:
                f.set_value(v)
        first = self.query(SecretField).first()
        first.input.focus()

    def set_safe_mode(self, safe: bool) -> None:
        for f in self.query(SecretField):
            f.set_safe(safe)
        self.query_one("#paste-box", PasteSink).refresh_summary()

    @on(PasteSink.Scanned, "#paste-box")
    def _pasted(self, event: PasteSink.Scanned) -> None:
        if event.result is not None and event.result.values():
            self.action_fill()  # fill at once: the values are in memory only until then

    def fields(self) -> dict[Kind, SecretField]:
        return {f.kind: f for f in self.query(SecretField)}

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "fill":
            event.stop()
            self.action_fill()
            return
        if event.button.id == "user-tokens":
            event.stop()
            from xkeys.tui.screens.login import open_for

            open_for(self)
            return
        super().on_button_pressed(event)

    def action_fill(self) -> None:
        sink = self.query_one("#paste-box", PasteSink)
        if sink.error:
            self.notify(escape(sink.error), severity="error")
            return
        if sink.result is None:
            self.notify("Paste your .env, config file or the keys page into the box first.", severity="warning")
            return
        result = sink.result
        values = sink.values()
        fields = self.fields()
        filled = [k for k in values if k in fields and values[k]]
        elsewhere = [k for k in values if k not in fields]
        for k in filled:
            fields[k].set_value(values[k])
        sink.forget()  # do not keep secrets around
        fmt = getattr(result, "format", "text")
        if filled:
            msg = f"Filled {len(filled)} field{'s' if len(filled) != 1 else ''} from the pasted {fmt}."
            if elsewhere:
                msg += " Not used in this setup: " + ", ".join(kind_label(k) for k in elsewhere) + "."
            self.notify(escape(msg))
        else:
            ph = list(getattr(result, "placeholders", []) or [])
            extra = f" Placeholders only: {', '.join(ph[:4])}." if ph else ""
            self.notify(escape("No X credentials for this setup found in the pasted text." + extra), severity="warning")

    def on_secret_field_misplaced(self, event: SecretField.Misplaced) -> None:
        target = self.fields().get(event.belongs)
        if target is None:
            return
        target.set_value(event.field.value)
        event.field.set_value("")
        target.input.focus()
        self.notify(escape(f"Moved the value to {kind_label(event.belongs)}."))

    def collect(self) -> tuple[dict[Kind, str], list[str]]:
        values: dict[Kind, str] = {}
        problems: list[str] = []
        for kind, f in self.fields().items():
            if f.status == "empty":
                if kind not in self.state.plan.optional:
                    problems.append(f"{kind_label(kind)} is empty")
                continue
            if f.status == "error":
                problems.append(f"{kind_label(kind)} does not look right")
            values[kind] = f.value
        return values, problems

    def action_back(self) -> None:
        self.state.values, _ = self.collect()
        self.app.pop_screen()

    def action_next(self) -> None:
        values, problems = self.collect()
        if not values:
            self.notify("Paste at least one value first.", severity="warning")
            return
        if problems:
            self.notify(
                escape("; ".join(problems) + ". Verifying anyway - the checks will say more."),
                severity="warning",
                timeout=4,
            )
        self.state.values = values
        self.app.push_screen(VerifyScreen(self.state))


# ------------------------------------------------------------------------------ 4. verify
class VerifyScreen(WizardScreen):
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("ctrl+r", "check", "Check again"),
        Binding("ctrl+n", "next", "Next"),
    ]
    PALETTE = (("Check again", "Run every check again (ctrl+r)", "check"),)

    def __init__(self, state: OnboardState) -> None:
        super().__init__()
        self.state = state
        self.passed = False

    def compose(self) -> ComposeResult:
        yield from self.compose_chrome()
        with VerticalScroll(classes="body"):
            yield Static(
                Text.assemble(("Verify", "bold"), (f"  live checks for {self.state.plan.permission_label}", "dim")),
                classes="screen-title",
            )
            yield CheckList(id="checks", terse=self.xapp.deterministic)
            yield Vertical(id="cards")
        yield from self.nav("Finish")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#next", Button).focus()
        self.action_check()

    def action_check(self) -> None:
        self.verify()

    def on_diagnosis_card_check_again(self, event: DiagnosisCard.CheckAgain) -> None:
        self.action_check()

    @work(exclusive=True, group="verify")
    async def verify(self) -> None:
        checklist = self.query_one("#checks", CheckList)
        cards = self.query_one("#cards", Vertical)
        await cards.remove_children()
        try:
            creds = self.services.credentials(self.state.values, "typed", profile=None)
        except Exception as exc:
            checklist.fail(str(exc))
            return
        report, diag = await run_doctor_into(self.services, creds, checklist, need=self.state.plan.need)
        self.state.report = report
        checks = list(getattr(report, "checks", []) or []) if report is not None else []
        n = await show_cards(self.services, cards, checks, extra_diag=diag)
        if report is not None:
            self.xapp.record_report(report)
        self.passed = report is not None and not any(str(c.status) == "fail" for c in checks)
        if n:
            first = cards.query(DiagnosisCard).first()
            self.call_after_refresh(first.scroll_visible, top=True, animate=False)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_next(self) -> None:
        if not self.passed:
            self.notify(
                "Some checks failed: you can still save, then fix and check again.", severity="warning", timeout=3
            )
        self.app.push_screen(FinishScreen(self.state))


# ------------------------------------------------------------------------------ 5. finish
class FinishScreen(WizardScreen):
    PALETTE = (("Save the keys", "Save to a profile (or export a .env)", "save"),)

    def __init__(self, state: OnboardState) -> None:
        super().__init__()
        self.state = state

    def compose(self) -> ComposeResult:
        yield from self.compose_chrome()
        with VerticalScroll(classes="body"):
            yield Static("Done: save the keys", classes="screen-title")
            yield Static(self._summary(), id="summary")
            yield Label("Profile name", classes="question")
            yield Input(value=self._default_name(), id="profile-name", compact=True)
            yield Button("Save", id="save", variant="success", compact=True)
            yield Static(id="saved")
            yield Static(self._next_steps(), id="next-steps")
        yield from self.nav("Home")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#save", Button).focus()

    def set_safe_mode(self, safe: bool) -> None:
        self.query_one("#summary", Static).update(self._summary())

    def _default_name(self) -> str:
        return self.state.plan.preset.id if self.state.plan.preset.id != "custom" else "default"

    def _summary(self) -> Text:
        st = self.state
        safe = self.xapp.safe_mode
        t = Text()
        rep = st.report
        if rep is not None:
            d = rep.to_dict() if hasattr(rep, "to_dict") else {}
            s = d.get("summary") or {}
            t.append("Checks: ", style="bold")
            t.append(f"✓ {s.get('pass', 0)} passed · ! {s.get('warn', 0)} warnings · ✗ {s.get('fail', 0)} failed\n")
            if d.get("access_level"):
                t.append("Access level: ", style="bold")
                t.append(f"{d['access_level']}\n", style="cyan")
            user = d.get("user") or None
            if user and user.get("username"):
                t.append("Acts as: ", style="bold")
                t.append(f"@{user['username']}\n", style="cyan")
        else:
            t.append("Not verified yet.\n", style="yellow")
        for k, v in st.values.items():
            t.append(f"{kind_label(k):<22}", style="bold")
            t.append(masked(v, k, safe) + "\n")
        t.rstrip()
        return t

    def _next_steps(self) -> Text:
        t = Text("\nWhat next\n", style="bold")
        steps = list(self.state.plan.next_steps) + [
            "Check again any time: `xkeys doctor` (or Troubleshoot here).",
        ]
        for i, s in enumerate(steps, 1):
            t.append(f" {i}. ", style="bold")
            t.append(s + "\n", style="")
        t.rstrip()
        return t

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            event.stop()
            self.action_save()
            return
        super().on_button_pressed(event)

    def action_save(self) -> None:
        name = self.query_one("#profile-name", Input).value.strip() or "default"
        self.query_one("#save", Button).disabled = True
        self.save(name)

    @work(thread=True, exclusive=True, group="save")
    def save(self, name: str) -> None:
        """Save to the profile store when there is one; otherwise export a 0600 .env."""
        st = self.state
        store = self.services.store()
        msg: Text
        saved_to: str | None = None
        if store is not None:
            try:
                from xkeys.core.store import Profile

                extra: dict[str, Any] = {}
                if st.report is not None and hasattr(st.report, "to_dict"):
                    d = st.report.to_dict()
                    extra["last_check"] = {
                        "at": self.xapp.now().isoformat(timespec="seconds"),
                        "summary": d.get("summary"),
                        "diagnoses": d.get("diagnoses"),
                    }
                    if d.get("user"):
                        extra["user"] = d["user"]
                prof = Profile(
                    name=name,
                    values=dict(st.values),
                    auth_path=st.plan.auth_path.value,
                    preset=st.plan.preset.id,
                    callback_url=st.plan.callback_url,
                    extra=extra,
                )
                store.save(prof, reason="onboard")
                try:
                    store.use(name)
                except Exception:
                    pass
                saved_to = f"profile {name}"
            except Exception as exc:
                text = scrub(str(exc))
                self.app.call_from_thread(
                    self._saved,
                    Text.assemble(
                        ("Not saved to a profile: ", "bold red"),
                        (text[:300], ""),
                        ("\nPress Save again to export a .env file instead.", "dim"),
                    ),
                    False,
                )
                self.services.store_factory = None  # next press: fall back to the .env export
                return
        else:
            path = self.services.export_path(f".env.{name}" if name != "default" else ".env")
            try:
                _export_env(path, st.values, name, st.plan.callback_url)
                saved_to = path
            except Exception as exc:
                self.app.call_from_thread(
                    self._saved,
                    Text.assemble(("Could not write the .env: ", "bold red"), (scrub(str(exc))[:300], "")),
                    False,
                )
                return
        st.saved_as = saved_to
        if saved_to.startswith("profile "):
            msg = Text.assemble(
                ("✓ Saved ", "bold green"), (saved_to, "bold"), (" (secrets in the OS keyring) and made it active.", "")
            )
        else:
            shown = os.path.basename(saved_to) if self.xapp.deterministic else saved_to
            msg = Text.assemble(
                ("✓ Exported ", "bold green"),
                (shown, "bold"),
                (" (mode 0600). Keep it out of git: add it to .gitignore.", ""),
            )
        self.app.call_from_thread(self._saved, msg, True)

    def _saved(self, msg: Text, ok: bool) -> None:
        self.query_one("#saved", Static).update(msg)
        self.query_one("#save", Button).disabled = ok
        if ok:
            self.xapp.profile_name = self.query_one("#profile-name", Input).value.strip() or "default"
            self.xapp.refresh_home()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_next(self) -> None:
        self.xapp.open_flow("home")


def _export_env(path: str, values: dict[Kind, str], profile: str, callback: str | None) -> None:
    from xkeys.core.exporters import ExportInput, to_dotenv

    text = to_dotenv(ExportInput(values=values, profile=profile, callback_url=callback))
    from xkeys.tui.services import write_env_file

    write_env_file(path, text.rstrip("\n").split("\n"))
