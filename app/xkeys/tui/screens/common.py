"""Running doctor for a screen: streaming results into a CheckList, then diagnosis cards."""

from __future__ import annotations

from typing import Any

from textual.containers import Vertical
from textual.markup import escape

from xkeys.core.redact import scrub
from xkeys.core.results import CheckResult, Status
from xkeys.tui.services import Services
from xkeys.tui.widgets.checks import CheckList, DiagnosisCard

ORDER = {Status.FAIL: 0, Status.WARN: 1, Status.SKIP: 2, Status.PASS: 3}


async def run_doctor_into(
    services: Services, creds: Any, checklist: CheckList, *, need: str = "write"
) -> tuple[Any | None, str | None]:
    """Run doctor, streaming into `checklist`. Returns (report, None) or (None, diagnosis id)."""
    run = services.run_doctor
    if run is None:
        checklist.fail("Live checks are not available in this build (xkeys.core.doctor is missing).")
        return None, None
    checklist.start()
    kwargs: dict[str, Any] = {"need": need, "api_base": services.api_base, "on_result": checklist.add}
    try:
        if services.http_client is not None:
            async with services.http_client() as client:
                report = await run(creds, client=client, **kwargs)
        else:
            report = await run(creds, **kwargs)
    except Exception as exc:  # a bug or an unexpected network error: diagnose it, never crash
        text = f"{type(exc).__name__}: {exc}"
        diag = None
        explain = services.explain
        if explain is not None:
            try:
                diag = getattr(explain(text), "diagnosis", None)
            except Exception:
                diag = None
        checklist.fail(f"The checks stopped: {scrub(text)[:200]}")
        return None, (diag if diag and diag != "unknown" else None)
    checks = list(getattr(report, "checks", []) or [])
    checklist.finish(checks)
    return report, None


def problem_checks(checks: list[CheckResult]) -> list[CheckResult]:
    """Failed and warned checks, one per diagnosis id, failures first."""
    seen: set[str] = set()
    out: list[CheckResult] = []
    for r in sorted(checks, key=lambda r: ORDER.get(Status(str(r.status)), 9)):
        st = Status(str(r.status))
        if st not in (Status.FAIL, Status.WARN):
            continue
        key = r.diagnosis or r.id
        if key in seen:
            continue
        seen.add(key)
        out.append(r)
    return out


async def show_cards(
    services: Services,
    container: Vertical,
    checks: list[CheckResult],
    extra_diag: str | None = None,
    extra_message: str | None = None,
) -> int:
    """Replace the cards in `container` with one card per problem. Returns the card count."""
    await container.remove_children()
    cards: list[DiagnosisCard] = []
    if extra_diag:
        cards.append(
            DiagnosisCard(extra_diag, entry=services.diagnosis(extra_diag), message=extra_message, status="fail")
        )
    for r in problem_checks(checks):
        diag = r.diagnosis or "unknown"
        cards.append(
            DiagnosisCard(
                diag, entry=services.diagnosis(r.diagnosis), message=f"{r.id}: {r.message}", status=str(r.status)
            )
        )
    if cards:
        await container.mount_all(cards)
    return len(cards)


def safe_notify_text(text: str) -> str:
    return escape(scrub(text))
