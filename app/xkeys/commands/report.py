"""`xkeys report`: the support view as a redacted document; `xkeys report diff A.json B.json`.

Contract (shared/DESIGN.md "Command line"):
  xkeys report [--format md|json] [--output F] [--copy] [--env-file F] [--api-base URL]
               [--profile P] [--offline] [--need read|write|dm] [--timeout S]
  xkeys report diff A.json B.json [--format md|json]

`xkeys --demo [--scenario S] report` reports on the built-in sandbox's demo keys (support training).

Exit codes - report: 0 the report was made and doctor found no failure; 1 it was made and shows a
failure (or X was unreachable); 2 usage / unreadable input. diff: 0 no change, 1 changes, 2 a file
is missing or not a report. The document is printed (or written 0600 atomically with --output)
and, with --copy, put on the clipboard (OSC 52 + the system clipboard).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from xkeys.commands._io import InputError, fail, read_path
from xkeys.commands.doctor import _timeout


def configure(parser: argparse.ArgumentParser) -> None:
    parser.usage = (
        "xkeys report [--format md|json] [--output F] [--copy] [credential options] "
        "[--demo [--scenario S]]\n"
        "       xkeys report diff A.json B.json [--format md|json]"
    )
    parser.add_argument(
        "action",
        nargs="?",
        choices=("diff",),
        metavar="diff",
        help="compare two JSON reports (before/after a rotation, laptop vs server)",
    )
    # REMAINDER: `report diff --format json A B` mixes options and files, which argparse's
    # positional matching cannot split; the diff's own arguments are parsed in _run_diff
    parser.add_argument(
        "files",
        nargs=argparse.REMAINDER,
        metavar="A.json B.json",
        help="with diff: the two JSON reports, before then after",
    )
    parser.add_argument("--format", choices=("md", "json"), default="md", help="Markdown (default) or JSON")
    parser.add_argument(
        "--output",
        "-o",
        metavar="F",
        default=None,
        help="write the report to this file (mode 0600, atomic) instead of stdout",
    )
    parser.add_argument("--copy", action="store_true", help="also put the report on the clipboard (OSC 52 + system)")
    # also accepted before the command (`xkeys --demo report`); SUPPRESS keeps that value
    parser.add_argument(
        "--demo",
        action="store_true",
        default=argparse.SUPPRESS,
        help="report on the built-in sandbox X API's demo keys (support training)",
    )
    parser.add_argument(
        "--scenario",
        default=argparse.SUPPRESS,
        metavar="S",
        help="sandbox scenario for --demo (healthy, read-only, ...)",
    )
    creds = parser.add_argument_group("credential options (as for `xkeys doctor`)")
    creds.add_argument("--profile", default=argparse.SUPPRESS, metavar="P", help="use this profile")
    creds.add_argument("--env-file", metavar="F", default=None, help="read credentials from this .env file first")
    creds.add_argument(
        "--api-base",
        metavar="URL",
        default=None,
        help="send live checks to this host instead of https://api.x.com (also XKEYS_API_BASE)",
    )
    creds.add_argument("--offline", action="store_true", help="shape and cross-field checks only; no network")
    creds.add_argument(
        "--need",
        choices=("read", "write", "dm"),
        default="write",
        help="what the app must be able to do (default: write)",
    )
    creds.add_argument(
        "--timeout", metavar="S", type=_timeout, default=10.0, help="seconds to wait for each request (default 10)"
    )


def run(args: argparse.Namespace) -> int:
    from xkeys.core import redact

    redact.install_logging()
    if args.action == "diff":
        return _run_diff(args)
    if args.files:
        return fail(
            f"unexpected argument {args.files[0][:40]!r}: `xkeys report` takes options only "
            "(or `xkeys report diff A.json B.json`)"
        )
    return _run_report(args)


def _emit(text: str, args: argparse.Namespace, what: str) -> int | None:
    """Write to --output or stdout; then --copy. Returns an exit code on failure."""
    from xkeys.core.redact import scrub

    text = scrub(text)
    if args.output:
        from xkeys.core.report import write_private

        try:
            write_private(args.output, text)
        except OSError as exc:
            return fail(f"cannot write {args.output} ({exc.strerror or type(exc).__name__})")
        sys.stderr.write(f"xkeys: wrote {what} to {args.output} (mode 0600)\n")
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    if args.copy:
        from xkeys.core.clipboard import copy

        res = copy(text, what=what)
        sys.stderr.write(f"xkeys: {res.message}\n")
    return None


def _run_report(args: argparse.Namespace) -> int:
    from xkeys.core import redact
    from xkeys.core.creds import CredentialsError, load_credentials
    from xkeys.core.http import ApiBaseError, resolve_api_base
    from xkeys.core.report import collect_report, render

    if getattr(args, "demo", False) or getattr(args, "scenario", None):
        return _run_demo_report(args)
    api_base = None
    if not args.offline:
        try:
            api_base = resolve_api_base(args.api_base)
        except ApiBaseError as exc:
            return fail(str(exc))
    try:
        creds = load_credentials(env_file=args.env_file, profile=getattr(args, "profile", None))
    except CredentialsError as exc:
        return fail(redact.scrub(str(exc)))
    doc = asyncio.run(
        collect_report(creds, need=args.need, offline=args.offline, api_base=api_base, timeout=args.timeout)
    )
    code = _emit(render(doc, args.format), args, "the report")
    if code is not None:
        return code
    return 0 if doc.get("exit_code") == 0 else 1


def _run_demo_report(args: argparse.Namespace) -> int:
    """`xkeys --demo [--scenario S] report`: a report of the sandbox's demo keys (support training)."""
    from xkeys.core.creds import Credentials
    from xkeys.core.kinds import Kind
    from xkeys.core.redact import remember
    from xkeys.core.report import collect_report, render

    try:
        from xkeys.sandbox import SCENARIOS
        from xkeys.sandbox.server import start_in_thread
    except ImportError:
        return fail("the sandbox is not available in this build, so --demo cannot be used")
    scenario = getattr(args, "scenario", None) or "healthy"
    if scenario not in SCENARIOS:
        return fail(f"unknown scenario {scenario!r}: use one of {', '.join(SCENARIOS)}")
    handle = start_in_thread(scenario=scenario)
    try:
        values = {
            Kind(k): v
            for k, v in (handle.info.get("credentials") or {}).items()
            if k in Kind._value2member_map_ and isinstance(v, str) and v
        }
        remember(*values.values())
        creds = Credentials(values=values, sources={k: "demo" for k in values}, profile="demo")
        doc = asyncio.run(
            collect_report(
                creds,
                need=args.need,
                offline=args.offline,
                api_base=None if args.offline else handle.base_url,
                timeout=args.timeout,
            )
        )
    finally:
        handle.stop()
    code = _emit(render(doc, args.format), args, "the report")
    if code is not None:
        return code
    return 0 if doc.get("exit_code") == 0 else 1


def _run_diff(args: argparse.Namespace) -> int:
    from xkeys.core.report import ReportError, diff_reports, parse_report

    files: list[str] = []
    rest = list(args.files)
    while rest:
        tok = rest.pop(0)
        if tok in ("--format",) or tok.startswith("--format="):
            value = tok.split("=", 1)[1] if "=" in tok else (rest.pop(0) if rest else "")
            if value not in ("md", "json"):
                return fail(f"--format takes md or json, not {value[:20]!r}")
            args.format = value
        elif tok in ("--output", "-o") or tok.startswith("--output="):
            value = tok.split("=", 1)[1] if "=" in tok else (rest.pop(0) if rest else "")
            if not value:
                return fail("--output needs a file name")
            args.output = value
        elif tok == "--copy":
            args.copy = True
        elif tok == "--":
            files.extend(rest)
            rest = []
        elif tok.startswith("-") and tok != "-":
            return fail(f"`xkeys report diff` does not take {tok[:30]!r} (it takes --format, --output, --copy)")
        else:
            files.append(tok)
    if len(files) != 2:
        return fail("`xkeys report diff` takes two JSON reports: xkeys report diff BEFORE.json AFTER.json")
    docs = []
    for path in files:
        try:
            docs.append(parse_report(read_path(path), path))
        except (InputError, ReportError) as exc:
            return fail(str(exc))
    diff = diff_reports(docs[0], docs[1])
    if args.format == "json":
        text = json.dumps(diff.to_dict(), indent=2, ensure_ascii=False) + "\n"
    else:
        text = diff.to_text()
    code = _emit(text, args, "the report diff")
    if code is not None:
        return code
    return diff.exit_code
