"""A streaming check list (doctor results) and the diagnosis card."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, ProgressBar, Static

from xkeys.core.kinds import label as kind_label
from xkeys.core.probes import PROBE_IDS
from xkeys.core.redact import scrub
from xkeys.core.results import MARKS, CheckResult, Status

#: result groups, in display order, by check-id prefix (DESIGN.md: shape.* cross.* probe.*)
GROUPS: tuple[tuple[str, str], ...] = (
    ("shape.", "Shape of each value"),
    ("cross.", "Across fields"),
    ("probe.", "Live checks"),
)
#: live checks in the order they are listed once all have finished (they finish in any order);
#: the probe ids of DESIGN.md, dependencies first
PROBE_ORDER: tuple[str, ...] = PROBE_IDS
STATUS_STYLE: dict[Status, str] = {
    Status.PASS: "bold green",
    Status.WARN: "bold yellow",
    Status.FAIL: "bold red",
    Status.SKIP: "dim",
}


def _status(r: CheckResult) -> Status:
    return r.status if isinstance(r.status, Status) else Status(str(r.status))


def _one_line(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: max(width - 1, 1)] + "…"


def render_results(
    results: Iterable[CheckResult], *, grouped: bool = True, width: int = 78, collapse: bool = True, terse: bool = False
) -> Text:
    """Results grouped by kind of check. A group where everything passed is one line; passed
    checks are one (truncated) line; failures and warnings show their whole message.
    `terse` (deterministic rendering for snapshots) leaves out the messages of passed and
    skipped checks, which carry live figures (clock skew, rate-limit headroom)."""
    results = list(results)
    out = Text()
    buckets: list[tuple[str, list[CheckResult]]] = []
    if grouped:
        seen: set[int] = set()
        for prefix, title in GROUPS:
            rows = [r for r in results if r.id.startswith(prefix)]
            seen.update(id(r) for r in rows)
            if rows:
                buckets.append((title, rows))
        rest = [r for r in results if id(r) not in seen]
        if rest:
            buckets.append(("Other", rest))
    else:
        buckets.append(("", results))
    for title, rows in buckets:
        problems = [r for r in rows if _status(r) in (Status.FAIL, Status.WARN)]
        if title:
            out.append(title, style="bold underline")
            if collapse and not problems:
                out.append("  ")
                out.append(summary_line(rows, compact=True))
                out.append("\n")
                continue
            out.append("\n")
        for r in rows:
            st = _status(r)
            bad = st in (Status.FAIL, Status.WARN)
            out.append(f" {MARKS[st]} ", style=STATUS_STYLE[st])
            out.append(f"{r.id:<24}", style="bold" if bad else "")
            msg = scrub(r.message)
            if bad:
                out.append(" " + msg)
                if r.diagnosis:
                    out.append(f"  [{r.diagnosis}]", style="bold magenta")
            elif not terse:
                out.append(" " + _one_line(msg, width - 28), style="dim" if st is Status.SKIP else "")
            out.append("\n")
    out.rstrip()
    return out


def summary_line(results: Iterable[CheckResult], *, compact: bool = False) -> Text:
    counts = {s: 0 for s in Status}
    for r in results:
        counts[_status(r)] += 1
    t = Text()
    for st, word in (
        (Status.PASS, "passed"),
        (Status.WARN, "warnings"),
        (Status.FAIL, "failed"),
        (Status.SKIP, "skipped"),
    ):
        if compact and not counts[st]:
            continue
        if t:
            t.append(" · ")
        t.append(f"{MARKS[st]} {counts[st]} {word}", style=STATUS_STYLE[st] if counts[st] else "dim")
    return t


class CheckList(Vertical):
    """Doctor results streaming in, with a progress bar and a summary."""

    DEFAULT_CSS = """
    CheckList { height: auto; }
    CheckList > ProgressBar { margin: 0 0 1 0; }
    """

    def __init__(self, *, id: str | None = None, terse: bool = False) -> None:
        super().__init__(id=id)
        self.terse = terse
        self.results: list[CheckResult] = []
        self.running = False
        #: the last one-sentence problem shown instead of results ("" when results are shown)
        self.status_text = ""

    def compose(self) -> ComposeResult:
        yield Static(Text("No checks run yet.", style="dim"), classes="check-status")
        yield ProgressBar(total=None, show_eta=False, show_percentage=False)
        yield Static("", classes="check-rows")

    def on_mount(self) -> None:
        self.query_one(ProgressBar).display = False

    def start(self, expected: int | None = None) -> None:
        self.results = []
        self.status_text = ""
        self.running = True
        bar = self.query_one(ProgressBar)
        bar.display = True
        bar.update(total=expected, progress=0)
        self.query_one(".check-status", Static).update(Text("Checking…", style="bold"))
        self.query_one(".check-rows", Static).update("")

    def add(self, result: CheckResult) -> None:
        self.results.append(result)
        bar = self.query_one(ProgressBar)
        if bar.total is not None and len(self.results) > bar.total:
            bar.update(total=len(self.results))
        bar.update(progress=len(self.results))
        self.query_one(".check-status", Static).update(
            Text.assemble(("Checking… ", "bold"), f"{len(self.results)} done")
        )
        self.query_one(".check-rows", Static).update(self._rows_text())

    def _rows_text(self) -> Text:
        return render_results(self.results, width=max(self.size.width, 40) if self.size.width else 78, terse=self.terse)

    def finish(self, results: list[CheckResult] | None = None, note: str | None = None) -> None:
        if results is not None:
            self.results = list(results)
        order = {pid: i for i, pid in enumerate(PROBE_ORDER)}
        # stable: offline checks keep their (deterministic) order, probes get a fixed one
        self.results.sort(key=lambda r: (order.get(r.id, len(order)), r.id) if r.id.startswith("probe.") else (-1, ""))
        self.running = False
        n = len(self.results)
        bar = self.query_one(ProgressBar)
        bar.update(total=max(n, 1), progress=max(n, 1))
        status = summary_line(self.results)
        if note:
            status.append("  " + note, style="dim")
        self.query_one(".check-status", Static).update(status)
        self.query_one(".check-rows", Static).update(self._rows_text())

    def fail(self, message: str) -> None:
        """The run could not happen or stopped: say why in one sentence; old rows are cleared."""
        self.running = False
        self.results = []
        self.status_text = scrub(message)
        self.query_one(ProgressBar).display = False
        self.query_one(".check-status", Static).update(Text("✗ " + self.status_text, style="bold red"))
        self.query_one(".check-rows", Static).update("")
        self.call_after_refresh(self.scroll_visible, animate=False)


class DiagnosisCard(Vertical):
    """One diagnosis: id always visible, title, cause, numbered fix, what to regenerate."""

    class CheckAgain(Message):
        pass

    DEFAULT_CSS = """
    DiagnosisCard { height: auto; }
    """

    def __init__(
        self,
        diag_id: str,
        *,
        entry: Any | None = None,
        message: str | None = None,
        status: str = "fail",
        check_again: bool = True,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=f"card -{status}")
        self.diag_id = diag_id
        self.entry = entry
        self.message = message
        self.check_again = check_again

    def body(self) -> Text:
        e = self.entry
        t = Text()
        title = getattr(e, "title", None) or "Unrecognised problem"
        t.append(f"{title}\n", style="bold")
        t.append("code: ", style="dim")
        t.append(self.diag_id, style="bold magenta")
        t.append("\n")
        if self.message:
            t.append(scrub(self.message) + "\n", style="italic")
        cause = getattr(e, "cause", None)
        if cause:
            t.append("\nWhy: ", style="bold")
            t.append(scrub(str(cause)) + "\n")
        fix = tuple(getattr(e, "fix", ()) or ())
        if fix:
            t.append("\nFix:\n", style="bold")
            for i, step in enumerate(fix, 1):
                t.append(f" {i}. ", style="bold")
                t.append(scrub(str(step)) + "\n")
        regen = tuple(getattr(e, "regenerate", ()) or ())
        if regen:
            t.append("\nRegenerate: ", style="bold")
            t.append(", ".join(kind_label(k) for k in regen) + "\n")
        if e is None:
            t.append("\nNo catalog entry for this code yet; the message above is what X answered.\n", style="dim")
        t.rstrip()
        return t

    def compose(self) -> ComposeResult:
        yield Static(self.body(), classes="card-body")
        if self.check_again:
            with Horizontal(classes="card-actions"):
                yield Button("Check again", classes="check-again", variant="primary", compact=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.has_class("check-again"):
            event.stop()
            self.post_message(self.CheckAgain())
