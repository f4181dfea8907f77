"""`xkeys explain [--json]`: an X API error (body, headers, SDK exception, log) on stdin -> diagnosis.

Exit codes (shared/DESIGN.md): 0 a diagnosis was found, 1 unknown, 2 bad input (empty, binary,
larger than 1 MB, not UTF-8) - one sentence on stderr, never a traceback. Nothing from the
input is echoed back (see xkeys.core.explain).
"""

from __future__ import annotations

import argparse
import datetime
import json
import shutil
import sys
import textwrap

from xkeys.commands._io import InputError, fail, read_stdin

PROMPT = "Paste the error (response body, headers or SDK message), then press Ctrl-D on an empty line:"

#: share of control characters above which the input is treated as binary
_BINARY_SHARE = 0.10


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the diagnosis as JSON")


def _looks_binary(text: str) -> bool:
    sample = text[:65536]
    if not sample:
        return False
    controls = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f\v\x1b") or ord(ch) == 127)
    return controls / len(sample) > _BINARY_SHARE


def run(args: argparse.Namespace) -> int:
    try:
        text = read_stdin(PROMPT, secret=False, multiline=True)
    except InputError as exc:
        return fail(str(exc))
    if not text.strip():
        return fail("no input: paste an error message, response or log on stdin")
    if _looks_binary(text):
        return fail("the input looks like binary data, not text; paste the error message itself")

    from xkeys.core.explain import explain

    result = explain(text)
    if getattr(args, "json", False):
        sys.stdout.write(json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(render_text(result))
    return 0 if result.known else 1


def render_text(result: object) -> str:
    """The human-readable report of an Explanation."""
    from xkeys.core.explain import Explanation
    from xkeys.core.kinds import label

    assert isinstance(result, Explanation)
    width = max(40, min(100, shutil.get_terminal_size((88, 24)).columns) - 2)

    def para(text: str, indent: str = "  ") -> list[str]:
        return textwrap.wrap(text, width=width, initial_indent=indent, subsequent_indent=indent) or [indent]

    lines = [f"{result.diagnosis}: {result.title}"]
    seen = [f"confidence {result.confidence}"]
    if result.http_status is not None:
        seen.append(f"HTTP {result.http_status}")
    if result.error_code is not None:
        seen.append(f"error code {result.error_code}")
    lines.append("  " + " · ".join(seen))
    reset = result.details.get("rate_limit_reset")
    if reset and 0 < reset < 4_102_444_800 and result.diagnosis in ("rate-limited", "usage-capped"):
        when = datetime.datetime.fromtimestamp(reset, datetime.timezone.utc)
        lines.append(f"  X says this window resets at {when:%Y-%m-%d %H:%M:%S} UTC")
    elif result.details.get("retry_after") and result.diagnosis in ("rate-limited", "x-server-error"):
        lines.append(f"  X asks to retry after {result.details['retry_after']} s")
    lines.append("")
    lines.append("What it means")
    lines += para(result.cause)
    lines.append("")
    lines.append("How to fix it" if result.known else "What to do")
    for i, step in enumerate(result.fix, 1):
        head = f"  {i}. "
        wrapped = textwrap.wrap(step, width=width, initial_indent=head, subsequent_indent=" " * len(head))
        lines += wrapped or [head]
    if result.regenerate:
        lines.append("")
        lines.append("Regenerate afterwards: " + ", ".join(label(k) for k in result.regenerate))
    lines.append("")
    lines.append("Sources")
    lines += [f"  - {s}" for s in result.sources]
    return "\n".join(lines) + "\n"
