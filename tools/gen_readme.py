"""Regenerate the README blocks that mirror the code.

Four blocks of README.md are written from the code, between marker comments, so they cannot
drift from it:

* ``catalog``  - every diagnosis in ``xkeys.core.knowledge.CATALOG``: id, title, first fix step;
* ``checks``   - every doctor check id: ``shape.<field>`` (``kinds.FIELDS``), ``cross.<name>``
  (read from ``core/crosscheck.py``) and ``probe.<name>`` (``probes.PROBE_IDS``/``PROBE_LABELS``);
* ``env``      - the credential environment variables each field is read from (``kinds.KINDS``);
* ``scenarios``- the sandbox scenarios and what each plays (``xkeys.sandbox.scenarios``).

Usage::

    .venv/bin/python tools/gen_readme.py           # rewrite README.md in place
    .venv/bin/python tools/gen_readme.py --check   # exit 1 (and say which block) if out of date

``tests/test_readme.py`` runs the same comparison, so CI fails when the catalog changes and the
README is not regenerated.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
CROSSCHECK_SRC = ROOT / "app" / "xkeys" / "core" / "crosscheck.py"

if str(ROOT / "app") not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT / "app"))

#: what each offline cross-field check looks at (written by hand; `cross_ids()` finds the ids in
#: the code, and `render_checks` refuses to run when one has no sentence here)
CROSS_MEANING: dict[str, str] = {
    "cross.client-id-vs-consumer-key": (
        "the API Key field does not hold an OAuth 2.0 Client ID, nor the other way round"
    ),
    "cross.access-token-user-id": "the Access Token starts with a numeric user id and a dash (the id is shown)",
    "cross.duplicate-values": "no value was pasted into two fields",
    "cross.secret-in-consumer-key": "the API Key field (an identifier) does not hold a secret",
    "cross.secret-in-client-id": "the Client ID field (an identifier) does not hold a secret",
    "cross.consumer-pair-swapped": "the API Key and its Secret are not swapped",
    "cross.access-pair-swapped": "the Access Token and its Secret are not swapped",
    "cross.client-pair-swapped": "the Client ID and Client Secret are not swapped",
    "cross.consumer-pair-complete": (
        "the API Key and its Secret are both present (a key alone warns, a secret alone fails)"
    ),
    "cross.access-pair-complete": (
        "the Access Token and its Secret are both present, with the API Key and Secret they sign with"
    ),
    "cross.client-pair-complete": "a Client Secret has its Client ID (a Client ID alone is a public client)",
    "cross.same-generation": "each key and secret come from the same regeneration (settled by the live checks)",
    "cross.oauth2-token-expiry": "the OAuth 2.0 user token has not expired (a live answer overrides it)",
}

MARK = "<!-- {name}:{edge} -->"


def _cell(text: str) -> str:
    """Text safe for one Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


def cross_ids() -> list[str]:
    """The `cross.<name>` ids crosscheck.py can produce, read from its source.

    The names are literals passed to `_r(...)`, plus two templates expanded here from the same
    module's data: `secret-in-<identifier field>` and `<pair>-swapped`.
    """
    from xkeys.core import crosscheck

    src = CROSSCHECK_SRC.read_text(encoding="utf-8")
    names = set(re.findall(r'_r\(\s*"([a-z0-9-]+)"', src))
    names.update(re.findall(r'name = "([a-z0-9-]+)"', src))
    if 'f"secret-in-' in src:
        names.update(f"secret-in-{k.value.replace('_', '-')}" for k in crosscheck._IDENTIFIER_FIELDS)
    if 'f"{stem}-swapped"' in src:
        names.update(f"{stem}-swapped" for stem, _a, _b in crosscheck.PAIRS)
    return sorted(f"cross.{n}" for n in names)


def render_catalog() -> str:
    from xkeys.core.knowledge import CATALOG

    rows = ["| diagnosis id | what it means | the fix (first step) |", "|---|---|---|"]
    for did, d in CATALOG.items():
        first = d.fix[0] if d.fix else ""
        rows.append(f"| `{did}` | {_cell(d.title)} | {_cell(first)} |")
    return "\n".join(rows)


def render_checks() -> str:
    from xkeys.core.kinds import FIELDS, label
    from xkeys.core.probes import PROBE_IDS, PROBE_LABELS

    rows = ["| check id | when | what it checks |", "|---|---|---|"]
    for kind in FIELDS:
        rows.append(
            f"| `shape.{kind.value}` | offline | the {_cell(label(kind))} field holds a value shaped like one |"
        )
    missing = [c for c in cross_ids() if c not in CROSS_MEANING]
    if missing:
        raise SystemExit(f"gen_readme: describe these cross checks in CROSS_MEANING: {', '.join(missing)}")
    for cid in cross_ids():
        rows.append(f"| `{cid}` | offline | {_cell(CROSS_MEANING[cid])} |")
    for pid in PROBE_IDS:
        rows.append(f"| `{pid}` | live | {_cell(PROBE_LABELS.get(pid, pid))} |")
    return "\n".join(rows)


def render_env() -> str:
    from xkeys.core.kinds import FIELDS, KINDS, label

    rows = ["| field | environment variables (the first non-empty one in this order is used) |", "|---|---|"]
    for kind in FIELDS:
        names = ", ".join(f"`{n}`" for n in KINDS[kind].env)
        rows.append(f"| {_cell(label(kind))} (`{kind.value}`) | {names} |")
    return "\n".join(rows)


def render_scenarios() -> str:
    from xkeys.sandbox.scenarios import SCENARIO_MAP

    rows = ["| scenario | what the sandbox plays |", "|---|---|"]
    for name, sc in SCENARIO_MAP.items():
        rows.append(f"| `{name}` | {_cell(sc.summary)} |")
    return "\n".join(rows)


BLOCKS: dict[str, Callable[[], str]] = {
    "catalog": render_catalog,
    "checks": render_checks,
    "env": render_env,
    "scenarios": render_scenarios,
}


def replace_block(text: str, name: str, body: str) -> str:
    start, end = MARK.format(name=name, edge="start"), MARK.format(name=name, edge="end")
    i, j = text.find(start), text.find(end)
    if i < 0 or j < i:
        raise SystemExit(f"gen_readme: README.md has no {start} ... {end} block")
    return text[: i + len(start)] + "\n" + body + "\n" + text[j:]


def render(text: str) -> str:
    for name, fn in BLOCKS.items():
        text = replace_block(text, name, fn())
    return text


def stale_blocks(text: str) -> list[str]:
    """Names of the blocks whose text differs from what the code gives now."""
    return [name for name, fn in BLOCKS.items() if replace_block(text, name, fn()) != text]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--check", action="store_true", help="only report whether README.md is up to date")
    args = ap.parse_args(argv)
    text = README.read_text(encoding="utf-8")
    if args.check:
        stale = stale_blocks(text)
        if stale:
            print(f"README.md is out of date ({', '.join(stale)}): run tools/gen_readme.py", file=sys.stderr)
            return 1
        return 0
    new = render(text)
    if new != text:
        README.write_text(new, encoding="utf-8")
        print("README.md updated")
    else:
        print("README.md already up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
