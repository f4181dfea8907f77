"""`xkeys scan [FILE|-] [--json]`: find X credentials in a pasted .env / JSON / YAML / INI / text.

Contract: shared/DESIGN.md "Command line" and "JSON shapes" (scan). No FILE (or `-`) reads
stdin; on a terminal it asks for a paste ended with Ctrl-D. Values are never printed: a finding
shows its kind, where it was found, confidence, fingerprint and, for identifiers only, the first 6
characters. Exit 0 when credentials were found and all match their names, 1 when nothing was
found or a value is named as another kind, 2 for usage or bad input.
"""

from __future__ import annotations

import argparse
import json
import sys

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file",
        nargs="?",
        default="-",
        metavar="FILE",
        help="the file to scan; `-` or nothing reads standard input (paste, then Ctrl-D)",
    )
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
    parser.epilog = (
        "Reads .env files, JSON, YAML (compose, GitHub Actions, Rails), INI and .properties, "
        "~/.twurlrc, xurl's auth.yml, twarc configs, settings code, the console's Keys and "
        "tokens page copied as text, or any text. Values are never printed. Exit 0: X "
        "credentials found and all match their names; 1: none found, or one is named as "
        "another kind; 2: bad input."
    )


def run(args: argparse.Namespace) -> int:
    from xkeys.commands._io import InputError, fail, read_path, read_stdin

    try:
        if args.file == "-":
            text = read_stdin("Paste the file or text to scan, then press Ctrl-D on an empty line:", multiline=True)
        else:
            text = read_path(args.file)
    except InputError as exc:
        return fail(str(exc))
    if not text.strip():
        where = "standard input" if args.file == "-" else args.file
        return fail(f"{where} is empty: nothing to scan")

    from xkeys.core.scan import scan

    result = scan(text, None if args.file == "-" else args.file)
    if args.json:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(render(result))
    return result.exit_code


def _where(f: object) -> str:
    from xkeys.core.scan import Finding

    assert isinstance(f, Finding)
    bits = [f"line {f.line}"]
    if f.field:
        bits.insert(0, f.field)
    if f.profile:
        bits.append(f"profile {f.profile}")
    if f.commented:
        bits.append("commented out")
    return ", ".join(bits)


def render(result: object) -> str:
    """The text view of a ScanResult: never a value, identifiers as at most 6 characters."""
    from xkeys.core.kinds import label
    from xkeys.core.redact import prefix
    from xkeys.core.scan import ScanResult

    assert isinstance(result, ScanResult)
    r = result
    out: list[str] = [f"format: {r.format}"]
    n = len(r.findings)
    if n:
        out.append(f"found {n} credential{'s' if n != 1 else ''}:")
    for f in r.findings:
        kind = f"{label(f.kind)} ({f.kind.value})" if f.kind.value != "unknown" else "unrecognised value"
        start = prefix(f._value, f.kind)  # identifiers only; None for every secret
        shown = f", starts {start}…" if start else ""
        hygiene = f", hygiene: {', '.join(f.hygiene)}" if f.hygiene else ""
        out.append(f"  - {kind} at {_where(f)}")
        out.append(f"    {f.confidence} confidence, {len(f._value)} chars, fingerprint {f.fingerprint}{shown}{hygiene}")
        out.append(f"    {f.message}")
    if r.placeholders:
        out.append("placeholders (no real value yet): " + ", ".join(r.placeholders))
    if r.ignored:
        out.append("ignored (not X credentials): " + ", ".join(r.ignored))
    if not r.found_x:
        out.append("No X credentials found.")
    elif r.mismatches:
        which = "; ".join(
            f"{_where(f)} holds {label(f.kind) if f.kind.value != 'unknown' else 'an unrecognised value'}"
            f" but is named as {label(f.named_kind) if f.named_kind else 'another kind'}"
            for f in r.mismatches
        )
        out.append(
            f"{len(r.mismatches)} value{'s do' if len(r.mismatches) != 1 else ' does'} not match "
            f"{'their names' if len(r.mismatches) != 1 else 'its name'}: {which}."
        )
    return "\n".join(out) + "\n"
