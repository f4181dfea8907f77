"""`xkeys classify [--field F] [--json]`: what kind of X credential is the value on stdin?

Contract: shared/DESIGN.md "Command line" and "JSON shapes" (classify). The value is read from
stdin only (never argv); on a terminal it is prompted for without echo. The value is never
printed: the text view shows a masked form (kind, length, fingerprint; an identifier's first
6 characters). Exit 0 known (and matching its field), 1 unknown or mismatch, 2 usage/bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported lazily at run time to keep `xkeys classify` start-up fast
    from xkeys.core.shapes import Classification

EXIT_OK, EXIT_MISMATCH, EXIT_USAGE = 0, 1, 2


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--field",
        metavar="F",
        help="the field the value was pasted into: a kind id (consumer_key), a portal label "
        "('API Key Secret') or an env var name (X_API_KEY)",
    )
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
    parser.epilog = (
        "The value is read from stdin (on a terminal: typed or pasted without echo) and is "
        "never printed back. Exit status: 0 a known X credential (matching --field), 1 "
        "unknown, not X, or not the given field, 2 usage or unreadable input."
    )


def _valid_fields() -> str:
    from xkeys.core.kinds import FIELDS

    return ", ".join(k.value for k in FIELDS)


def _strip_one_newline(text: str) -> str:
    """The line ending that `echo`/a terminal adds is stdin framing, not part of the paste."""
    if text.endswith("\r\n"):
        return text[:-2]
    if text.endswith("\n"):
        return text[:-1]
    return text


def run(args: argparse.Namespace) -> int:
    from xkeys.commands._io import InputError, fail, read_stdin
    from xkeys.core.kinds import Kind, parse_field

    field: Kind | None = None
    if args.field is not None:
        field = parse_field(args.field)
        if field is None or field is Kind.UNKNOWN:
            return fail(
                f"unknown field {args.field[:40]!r}; valid fields: {_valid_fields()} "
                "(portal labels and env var names work too)"
            )
    try:
        text = read_stdin("Paste the value")
    except InputError as exc:
        return fail(str(exc))
    text = _strip_one_newline(text)
    if not text.strip():
        return fail("no value given: pipe one value on stdin (e.g. `xkeys classify < key.txt`)")

    from xkeys.core.shapes import classify

    result = classify(text, field)
    if args.json:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(_text(result))
    return exit_code(result)


def exit_code(result: Classification) -> int:
    from xkeys.core.kinds import Kind

    if result.kind in (Kind.UNKNOWN, Kind.XAI_API_KEY) or result.matches_field is False:
        return EXIT_MISMATCH
    return EXIT_OK


def _text(r: Classification) -> str:
    from xkeys.core.kinds import Kind, label
    from xkeys.core.redact import mask
    from xkeys.core.shapes import HYGIENE_FIXES

    lines: list[str] = []
    kind = "unrecognised" if r.kind is Kind.UNKNOWN else f"{label(r.kind)} ({r.kind.value})"
    lines.append(f"kind:        {kind}")
    lines.append(f"confidence:  {r.confidence}")
    if r.alternatives:
        lines.append("could be:    " + ", ".join(f"{label(a)} ({a.value})" for a in r.alternatives))
    if r.field is not None:
        verdict = "matches" if r.matches_field else "does NOT match"
        lines.append(f"field:       {label(r.field)} ({r.field.value}) - {verdict}")
    if r.hygiene:
        lines.append("hygiene:     " + "; ".join(f"{h} ({HYGIENE_FIXES.get(h, h)})" for h in r.hygiene))
    if r.details:
        lines.append("details:     " + ", ".join(f"{k}={_fmt(v)}" for k, v in r.details.items()))
    if r.diagnosis:
        lines.append(f"diagnosis:   {r.diagnosis}")
    lines.append(f"value:       {mask(r.value, r.kind)}")
    lines.append(f"message:     {r.message}")
    return "\n".join(lines) + "\n"


def _fmt(v: object) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, list):
        return "+".join(str(x) for x in v)
    return str(v)
