"""`xkeys doctor`: shape, cross-field and live checks of a credential set.

Contract: shared/DESIGN.md "Command line" - `xkeys doctor [--profile P] [--env-file F]
[--need read|write|dm] [--offline] [--json] [--api-base URL] [--timeout S]`; exit 0 all pass
or warn, 1 any fail, 2 usage, 3 X unreachable. Credentials never come from argv.
Text output in the style of `brew doctor` / `flutter doctor`: one line per check with a mark,
the diagnosis id and the first fix step; the full fix for each failure below.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from typing import Any, TextIO

from xkeys.commands._io import fail

MAX_TIMEOUT = 120.0


def _timeout(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--timeout takes a number of seconds, not {text[:20]!r}") from None
    if not (0 < value <= MAX_TIMEOUT):
        raise argparse.ArgumentTypeError(f"--timeout must be more than 0 and at most {MAX_TIMEOUT:g} seconds")
    return value


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--profile",
        default=argparse.SUPPRESS,
        metavar="P",
        help="check this profile (default: the active one, after --env-file and env vars)",
    )
    parser.add_argument(
        "--env-file", metavar="F", default=None, help="read credentials from this .env file (highest priority)"
    )
    parser.add_argument(
        "--need",
        choices=("read", "write", "dm"),
        default="write",
        help="what the app must be able to do: decides which access level and scopes pass (default: write)",
    )
    parser.add_argument("--offline", action="store_true", help="shape and cross-field checks only; no network")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--api-base",
        metavar="URL",
        default=None,
        help="send live checks to this host instead of https://api.x.com (also XKEYS_API_BASE)",
    )
    parser.add_argument(
        "--timeout", metavar="S", type=_timeout, default=10.0, help="seconds to wait for each request (default 10)"
    )


def _no_credentials_message() -> str:
    from xkeys.core.creds import REDIRECT_URI_ENV, searched_names

    names = searched_names() + [n for n in REDIRECT_URI_ENV if n not in searched_names()]
    return (
        "no X credentials found: looked at --env-file, the active profile and the environment "
        f"variables {' '.join(names)}; set for example X_API_KEY and X_API_SECRET, pass --env-file "
        "path/to/.env, or import a profile with `xkeys profile import`"
    )


def run(args: argparse.Namespace) -> int:
    from xkeys.core import redact
    from xkeys.core.creds import CredentialsError, load_credentials
    from xkeys.core.http import ApiBaseError, resolve_api_base

    try:
        api_base = resolve_api_base(args.api_base)
    except ApiBaseError as exc:
        return fail(str(exc))
    try:
        creds = load_credentials(env_file=args.env_file, profile=getattr(args, "profile", None))
    except CredentialsError as exc:
        return fail(redact.scrub(str(exc)))
    if not creds.values:
        return fail(_no_credentials_message())

    from xkeys.core.doctor import run_doctor

    report = asyncio.run(
        run_doctor(creds, need=args.need, offline=args.offline, api_base=api_base, timeout=args.timeout)
    )
    out = sys.stdout
    if args.json:
        text = json.dumps(report.to_dict(), indent=2, ensure_ascii=False)
        out.write(redact.scrub(text) + "\n")
    else:
        render_text(report, out, color=_use_color(out))
    out.flush()
    return report.exit_code


# ---------------------------------------------------------------------------------------------
# text rendering

_COLORS = {"pass": "32", "warn": "33", "fail": "31", "skip": "2"}
_SECTIONS = (("shape.", "Values"), ("cross.", "Across fields"), ("probe.", "Live checks"))


def _use_color(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def _paint(text: str, status: str, color: bool) -> str:
    return f"\x1b[{_COLORS[status]}m{text}\x1b[0m" if color else text


#: which credential a check is about, to pick the matching step of a shared fix list
#: (catalog steps for two credentials start "For the bearer: ..." / "For the user token: ...")
FIX_FOCUS: dict[str, str] = {
    "probe.bearer": "bearer",
    "probe.usage": "bearer",
    "probe.bearer-matches-app": "bearer",
    "probe.user-token": "user token",
    "probe.access-level": "user token",
}


def first_fix(entry: Any, check_id: str) -> str | None:
    """The first fix step for this check (the step for its credential when the list has several)."""
    steps = tuple(getattr(entry, "fix", ()) or ())
    if not steps:
        return None
    focus = FIX_FOCUS.get(check_id)
    if focus:
        for step in steps:
            if step.lower().startswith(f"for the {focus}"):
                return step
    return steps[0]


def _catalog(diag_id: str) -> Any:
    try:
        from xkeys.core import knowledge

        return knowledge.get(diag_id)
    except Exception:
        return None


def render_text(report: Any, out: TextIO, *, color: bool = False) -> None:
    from xkeys.core import redact
    from xkeys.core.results import MARKS, Status

    def w(line: str = "") -> None:
        out.write(redact.scrub(line) + "\n")

    head = ["xkeys doctor"]
    if report.profile:
        head.append(f"profile {report.profile}")
    head.append(f"need {report.need}")
    head.append("offline" if report.offline else (report.api_base or ""))
    w(" · ".join(h for h in head if h))
    if report.sources:
        # names only (support view): "env X_API_KEY X_API_SECRET; .env:/path (2 values); profile:acme (1 value)"
        env_names = [src.split(":", 1)[1] for src in report.sources.values() if src.startswith("env:")]
        others: dict[str, int] = {}
        for src in report.sources.values():
            if not src.startswith("env:"):
                others[src] = others.get(src, 0) + 1
        parts = [f"env {' '.join(env_names)}"] if env_names else []
        parts += [f"{src} ({n} value{'s' if n != 1 else ''})" for src, n in others.items()]
        w("credentials from: " + "; ".join(parts))
    for note in report.notes:
        w(f"note: {note}")
    width = max((len(c.id) for c in report.checks), default=10)
    for prefix, title in _SECTIONS:
        rows = [c for c in report.checks if c.id.startswith(prefix)]
        if not rows:
            continue
        w()
        w(f"{title}:")
        for c in rows:
            mark = _paint(MARKS[c.status], c.status.value, color)
            line = f"  {mark} {c.id.ljust(width)}  {c.message}"
            if c.diagnosis and c.status in (Status.FAIL, Status.WARN):
                entry = _catalog(c.diagnosis)
                line += f"  [{c.diagnosis}]"
                step = first_fix(entry, c.id) if entry is not None else None
                if step:
                    line += f" → {step}"
            if c.id.startswith("probe.") and c.elapsed_ms and c.status is not Status.SKIP:
                line += f"  ({c.elapsed_ms} ms)"
            w(line)
    details = []
    shown: set[str] = set()
    for c in report.checks:
        if c.status is Status.FAIL and c.diagnosis and c.diagnosis not in shown:
            shown.add(c.diagnosis)
            details.append(c)
    if details:
        w()
        w("Details:")
        for c in details:
            entry = _catalog(c.diagnosis)
            if entry is None:
                w(f"  ✗ {c.diagnosis} ({c.id})")
                continue
            w(f"  ✗ {c.diagnosis}: {entry.title}  (from {c.id})")
            w(f"    Why: {entry.cause}")
            for i, step in enumerate(entry.fix, 1):
                w(f"    {i}. {step}")
            if entry.regenerate:
                from xkeys.core.kinds import label

                w("    Then use the new: " + ", ".join(label(k) for k in entry.regenerate))
    s = report.summary
    w()
    tail = ""
    if report.live_probes:
        tail = (
            f" · {len(report.live_probes)} live checks, {report.requests} requests in {report.elapsed_ms / 1000:.1f} s"
        )
    if report.user:
        tail += f" · user @{report.user.get('username', '')}"
    if report.access_level:
        tail += f" · access {report.access_level}"
    warns = "1 warning" if s["warn"] == 1 else f"{s['warn']} warnings"
    w(f"{s['pass']} passed, {warns}, {s['fail']} failed, {s['skip']} skipped{tail}")
    code = report.exit_code
    if code == 3:
        w("X could not be reached: check the network, a proxy or --api-base (every live check failed to connect).")
    elif code == 1:
        w("Some checks failed: follow the fixes above, then run `xkeys doctor` again.")
    elif s["warn"]:
        w("No failures; the warnings above are worth a look.")
    else:
        w("Everything checked works.")
