"""Guided rotation in the TUI, over `xkeys.core.rotation`: pick a profile and what to rotate,
see the impact (what dies, which brands, where the old values still live), follow the portal
steps, paste the new values (masked, live shape checks), verify them live and save a new
generation (the old one stays in history), or read the diagnosis cards.

Store and network calls run in workers; nothing here shows a value unmasked."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from xkeys.core.kinds import Kind
from xkeys.core.kinds import label as kind_label
from xkeys.core.portal import CONSOLE_URL, ROTATIONS
from xkeys.core.redact import scrub
from xkeys.tui.screens.base import XScreen
from xkeys.tui.screens.common import show_cards
from xkeys.tui.widgets.checks import CheckList
from xkeys.tui.widgets.secret_field import SecretField

STEPS = ("pick", "impact", "paste", "verify")


def impact_text(imp: Any) -> Text:
    """The impact preview of a `rotation.Impact`: kinds, names and paths only, never values."""
    t = Text()
    t.append(f"{imp.title} of profile {imp.owner}", style="bold")
    if imp.owner != imp.profile:
        t.append(f" (inherited by {imp.profile})", style="dim")
    t.append("\n")
    for line in imp.consequences:
        t.append("• ", style="bold yellow")
        t.append(line + "\n")
    t.append("New      ", style="bold")
    t.append(", ".join(kind_label(k) for k in imp.regenerates) + "\n")
    if imp.invalidates:
        t.append("Dies     ", style="bold red")
        t.append(", ".join(kind_label(k) for k in imp.invalidates) + "\n", style="red")
    if imp.drop:
        t.append("Re-login ", style="bold")
        t.append(", ".join(kind_label(k) for k in imp.drop) + "\n")
    if imp.affected_profiles:
        t.append("Brands   ", style="bold")
        t.append(", ".join(imp.affected_profiles) + "\n")
    t.append("Old values still live here:", style="bold")
    if not imp.exposures:
        t.append(" nowhere xkeys knows of\n", style="dim")
    else:
        t.append("\n")
        for e in imp.exposures:
            t.append(f"  {e.kind:<6} ", style="cyan")
            t.append(f"{e.where} ({', '.join(e.fields)})\n")
    return t


def steps_text(imp: Any) -> Text:
    t = Text()
    for i, step in enumerate(imp.steps, 1):
        t.append(f"{i}. ", style="bold")
        t.append(step + "\n")
    return t


class RotateScreen(XScreen):
    """The rotation flow: pick -> impact -> paste -> verify -> save."""

    PALETTE = (("Open console.x.com", "Open the developer console in your browser", "open"),)

    DEFAULT_CSS = """
    RotateScreen .rot-step { height: auto; }
    RotateScreen OptionList { height: auto; max-height: 6; }
    RotateScreen .rot-buttons { height: auto; margin: 1 0 0 0; }
    RotateScreen .rot-buttons Button { margin: 0 1 0 0; }
    RotateScreen #rot-cards { height: auto; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.step = "pick"
        self.profiles: list[str] = []
        self.impact: Any | None = None
        self.verification: Any | None = None
        self.saved_generation: int | None = None
        self._new_values: dict[Kind, str] = {}
        self._old_values: dict[Kind, str] = {}

    # -- layout -------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield from self.compose_chrome()
        with VerticalScroll(classes="body"):
            yield Static("Rotate · replace keys without surprises", classes="screen-title")
            yield Static("", id="rot-status")
            with Vertical(id="rot-pick", classes="rot-step"):
                yield Static(Text("Profile", style="bold"))
                yield OptionList(id="rot-profiles")
                yield Static(Text("What to rotate", style="bold"))
                yield OptionList(*[Option(Text(r.title), id=r.id) for r in ROTATIONS.values()], id="rot-targets")
                with Horizontal(classes="rot-buttons"):
                    yield Button("Impact preview", id="rot-preview", variant="primary", disabled=True)
            with Vertical(id="rot-impact", classes="rot-step"):
                yield Static("", id="rot-impact-text")
                yield Static(Text("In the portal", style="bold"))
                yield Static("", id="rot-steps")
                with Horizontal(classes="rot-buttons"):
                    yield Button("Open console", id="rot-open")
                    yield Button("I have the new values", id="rot-continue", variant="primary")
            with Vertical(id="rot-paste", classes="rot-step"):
                yield Static(Text("Paste the new values", style="bold"))
                yield Vertical(id="rot-fields", classes="rot-step")
                yield Static("", id="rot-problems")
                with Horizontal(classes="rot-buttons"):
                    yield Button("Verify live", id="rot-verify", variant="primary")
            with Vertical(id="rot-verify-step", classes="rot-step"):
                yield CheckList(id="rot-checks", terse=True)
                yield Vertical(id="rot-cards")
                with Horizontal(classes="rot-buttons"):
                    yield Button("Save (keeps history)", id="rot-save", variant="success", disabled=True)
                    yield Button("Edit values", id="rot-edit")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        super().on_mount()
        self._show_step("pick")
        targets = self.query_one("#rot-targets", OptionList)
        targets.highlighted = 0
        self._status("Loading profiles…")
        self.load_profiles()

    def _show_step(self, step: str) -> None:
        self.step = step
        shown = {"pick": {"rot-pick"}, "impact": {"rot-impact"}, "paste": {"rot-paste"}}.get(
            step, {"rot-paste", "rot-verify-step"}
        )
        for sid in ("rot-pick", "rot-impact", "rot-paste", "rot-verify-step"):
            self.query_one(f"#{sid}").display = sid in shown

    def _status(self, text: str, style: str = "dim") -> None:
        self.query_one("#rot-status", Static).update(Text(scrub(text), style=style))

    # -- step 1: profiles (store in a worker) -------------------------------------------------
    @work(thread=True, exclusive=True, group="rot-store")
    def load_profiles(self) -> None:
        store = self.services.store()
        names: list[str] = []
        active: str | None = None
        error = ""
        if store is None:
            error = "Profiles are unavailable: save keys with onboarding or `xkeys profile import` first."
        else:
            try:
                names = list(store.list())
                active = store.active_name()
            except Exception as exc:  # keyring/store trouble: one sentence, no crash
                error = f"Could not read the profiles: {scrub(str(exc))[:160]}"
        self.app.call_from_thread(self._profiles_loaded, names, active, error)

    def _profiles_loaded(self, names: list[str], active: str | None, error: str) -> None:
        self.profiles = names
        ol = self.query_one("#rot-profiles", OptionList)
        ol.clear_options()
        ol.add_options([Option(n + ("  (active)" if n == active else ""), id=n) for n in names])
        if error:
            self._status(error, "bold red")
            return
        if not names:
            self._status("No profiles yet: save keys with onboarding or `xkeys profile import` first.", "yellow")
            return
        ol.highlighted = names.index(active) if active in names else 0
        ol.focus()
        self.query_one("#rot-preview", Button).disabled = False
        self._status("Pick a profile and what to rotate, then Impact preview (nothing changes yet).")

    def _selected(self) -> tuple[str | None, str | None]:
        p = self.query_one("#rot-profiles", OptionList)
        t = self.query_one("#rot-targets", OptionList)
        prof = p.get_option_at_index(p.highlighted).id if p.highlighted is not None and p.option_count else None
        tgt = t.get_option_at_index(t.highlighted).id if t.highlighted is not None else None
        return prof, tgt

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_list.id == "rot-profiles":
            self.query_one("#rot-targets", OptionList).focus()
        elif event.option_list.id == "rot-targets":
            self.action_preview()

    # -- step 2: impact preview ---------------------------------------------------------------
    def action_preview(self) -> None:
        prof, tgt = self._selected()
        if not prof or not tgt:
            self._status("Pick a profile first.", "yellow")
            return
        self._status("Working out the impact…")
        self.compute_impact(prof, tgt)

    @work(thread=True, exclusive=True, group="rot-store")
    def compute_impact(self, profile: str, target: str) -> None:
        from xkeys.core import rotation

        store = self.services.store()
        try:
            imp = rotation.preview(store, profile, target, environ=self.services.environ)
            owner = store.load(imp.owner)
            old = {k: v for k, v in owner.values.items() if k in imp.ask}
        except Exception as exc:
            self.app.call_from_thread(self._status, f"No preview: {scrub(str(exc))[:200]}", "bold red")
            return
        self.app.call_from_thread(self._impact_ready, imp, old)

    def _impact_ready(self, imp: Any, old: dict[Kind, str]) -> None:
        self.impact = imp
        self._old_values = old
        self.query_one("#rot-impact-text", Static).update(impact_text(imp))
        self.query_one("#rot-steps", Static).update(steps_text(imp))
        self._show_step("impact")
        self._status("Nothing has changed yet. Do the portal steps, then continue.", "bold")
        self.query_one("#rot-continue", Button).focus()

    def action_open(self) -> None:
        self.xapp.open_link(CONSOLE_URL)

    # -- step 3: paste ------------------------------------------------------------------------
    async def _to_paste(self) -> None:
        imp = self.impact
        if imp is None:
            return
        box = self.query_one("#rot-fields", Vertical)
        await box.remove_children()
        kinds = list(imp.ask)
        fields = [
            SecretField(
                k,
                classify=self.services.classify,
                optional=k not in imp.regenerates,
                safe=self.xapp.safe_mode,
                blink=self.xapp.blink,
            )
            for k in kinds
        ]
        for f in fields:
            f.form_kinds = frozenset(kinds)
        await box.mount_all(fields)
        self.query_one("#rot-problems", Static).update("")
        self._show_step("paste")
        self._status("Paste each new value; the shape is checked as you paste.", "bold")
        if fields:
            fields[0].input.focus()

    def fields(self) -> dict[Kind, SecretField]:
        return {f.kind: f for f in self.query_one("#rot-fields", Vertical).query(SecretField)}

    def pasted(self) -> dict[Kind, str]:
        return {k: f.raw for k, f in self.fields().items() if f.raw.strip()}

    def on_secret_field_misplaced(self, event: SecretField.Misplaced) -> None:
        target = self.fields().get(event.belongs)
        if target is not None:
            target.set_value(event.field.raw)
            event.field.set_value("")

    def action_verify(self) -> None:
        imp = self.impact
        if imp is None:
            return
        from xkeys.core import rotation

        raw = self.pasted()
        problems = rotation.check_new_values(imp, raw, self._old_values)
        if problems:
            t = Text()
            for k, msg in problems.items():
                t.append("✗ ", style="bold red")
                t.append(f"{kind_label(k)}: {scrub(msg)}\n")
            self.query_one("#rot-problems", Static).update(t)
            self._status("Fix the values marked ✗ before the live check.", "bold red")
            return
        self.query_one("#rot-problems", Static).update("")
        self._show_step("verify")
        self.query_one("#rot-save", Button).disabled = True
        self._status("Checking the new values live…")
        self.run_verify(rotation.clean_values(raw))

    @work(exclusive=True, group="rot-verify")
    async def run_verify(self, new: dict[Kind, str]) -> None:
        import asyncio

        from xkeys.core import rotation

        imp = self.impact
        store = self.services.store()
        checklist = self.query_one("#rot-checks", CheckList)
        cards = self.query_one("#rot-cards", Vertical)
        await cards.remove_children()
        checklist.start()
        kwargs: dict[str, Any] = {"api_base": self.services.api_base, "on_result": checklist.add}
        try:
            if self.services.http_client is not None:
                async with self.services.http_client() as client:
                    ver = await rotation.verify(store, imp, new, client=client, **kwargs)
            else:
                ver = await rotation.verify(store, imp, new, **kwargs)
        except Exception as exc:  # network or store trouble: say it, never crash
            checklist.fail(f"The live check stopped: {scrub(str(exc))[:200]}")
            self._status("Not saved: the live check could not run.", "bold red")
            return
        await asyncio.sleep(0)
        self.verification = ver
        self._new_values = new
        checklist.finish(list(ver.report.checks))
        await show_cards(self.services, cards, list(ver.report.checks))
        if ver.ok:
            self.query_one("#rot-save", Button).disabled = False
            self.query_one("#rot-save", Button).focus()
            self._status("The new values work. Save to make them current (the old ones stay in history).", "bold green")
        else:
            self.query_one("#rot-edit", Button).focus()
            self._status("Not saved: the new values failed the live check (see the cards).", "bold red")

    # -- step 4: save -------------------------------------------------------------------------
    def action_save(self) -> None:
        if self.verification is None or not self.verification.ok or self.impact is None:
            return
        self.query_one("#rot-save", Button).disabled = True
        self._status("Saving…")
        self.save_rotation(dict(self._new_values))

    @work(thread=True, exclusive=True, group="rot-store")
    def save_rotation(self, new: dict[Kind, str]) -> None:
        from xkeys.core import rotation

        store = self.services.store()
        try:
            prof = rotation.commit(store, self.impact, new)
        except Exception as exc:
            self.app.call_from_thread(self._status, f"Not saved: {scrub(str(exc))[:200]}", "bold red")
            return
        self.app.call_from_thread(self._saved, prof)

    def _saved(self, prof: Any) -> None:
        imp = self.impact
        cur = getattr(prof, "current", None)
        self.saved_generation = getattr(cur, "gen", None) if cur is not None else None
        gen = f" (now g{self.saved_generation})" if self.saved_generation is not None else ""
        left = ""
        if imp is not None and imp.exposures:
            left = f" Update the {len(imp.exposures)} place(s) still holding old values."
        self._status(
            f"Rotated {imp.target if imp else ''} of profile {getattr(prof, 'name', '')}{gen}; "
            f"`xkeys profile rollback` undoes it.{left}",
            "bold green",
        )
        self.query_one(VerticalScroll).scroll_home(animate=False)
        self.xapp.refresh_home()

    # -- buttons ------------------------------------------------------------------------------
    async def on_button_pressed(self, event: Button.Pressed) -> None:
        bid = event.button.id
        if bid is None or not bid.startswith("rot-"):
            return
        event.stop()
        if bid == "rot-preview":
            self.action_preview()
        elif bid == "rot-open":
            self.action_open()
        elif bid == "rot-continue":
            await self._to_paste()
        elif bid == "rot-verify":
            self.action_verify()
        elif bid == "rot-save":
            self.action_save()
        elif bid == "rot-edit":
            self._show_step("paste")

    def action_back(self) -> None:
        back = {"impact": "pick", "paste": "impact", "verify": "paste"}.get(self.step)
        if back is None:
            super().action_back()
        else:
            self._show_step(back)

    def set_safe_mode(self, safe: bool) -> None:
        for f in self.query(SecretField):
            f.set_safe(safe)
