"""`xkeys rotate`: guided rotation of one credential of a profile.

On a terminal with no other options it opens the TUI's rotation flow; `--no-tui` (or a pipe,
or `--from-env-file`) runs it here: impact preview -> portal steps -> the new values (typed
without echo, or read from a .env with `--from-env-file F`, `-` for stdin) -> shape checks ->
live verification (doctor) -> save as a new generation (the old one stays for rollback) ->
where the old values still live. Exit 0 rotated (or preview shown), 1 verification failed and
nothing was saved, 2 usage or bad input.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from xkeys.commands._io import InputError, fail, read_path, read_stdin
from xkeys.commands._store_opts import add_store_options, display_path, is_tty, open_store, profile_arg
from xkeys.core import http as xhttp
from xkeys.core.kinds import KINDS, Kind
from xkeys.core.redact import mask
from xkeys.core.store import StoreError

MAX_TRIES = 3


def configure(parser: argparse.ArgumentParser) -> None:
    from xkeys.core.rotation import TARGETS

    parser.add_argument(
        "--what",
        choices=TARGETS,
        default=None,
        help="what to rotate: consumer (API Key and Secret), bearer, access (Access Token and "
        "Secret), client-secret (OAuth 2.0)",
    )
    add_store_options(parser)
    parser.add_argument(
        "--from-env-file",
        metavar="F",
        default=None,
        help="read the new values from this .env (- for stdin) instead of asking: for scripts and CI",
    )
    parser.add_argument("--dry-run", action="store_true", help="show the impact preview and stop")
    parser.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    parser.add_argument("--json", action="store_true", help="JSON output (preview, checks, verification, result)")
    parser.add_argument(
        "--need",
        choices=("read", "write", "dm"),
        default="read",
        help="what the new credentials must be able to do in the live check (default read)",
    )
    parser.add_argument("--api-base", metavar="URL", default=None, help="API host for the live check")
    parser.add_argument("--timeout", type=float, default=xhttp.DEFAULT_TIMEOUT, metavar="S", help="HTTP timeout")
    parser.add_argument(
        "--force", action="store_true", help="save even when the live check fails (the old values stay in history)"
    )
    parser.add_argument("--no-tui", action="store_true", help="run in the terminal, not the TUI")


def _out(text: str = "") -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def _label(k: Kind) -> str:
    return KINDS[k].label


def _ask_target() -> str:
    from xkeys.core.portal import ROTATIONS

    names = list(ROTATIONS)
    _out("What do you want to rotate?")
    for i, n in enumerate(names, 1):
        _out(f"  {i}. {ROTATIONS[n].title}")
    choice = read_stdin("Number", secret=False).strip()
    if choice.isdigit() and 1 <= int(choice) <= len(names):
        return names[int(choice) - 1]
    if choice in names:
        return choice
    raise InputError("pick one of the numbers shown")


def _print_impact(imp: Any) -> None:
    _out(
        f"Rotate the {imp.title} of profile {imp.owner}"
        + (f" (inherited by {imp.profile})" if imp.owner != imp.profile else "")
    )
    _out("")
    _out("What happens:")
    for line in imp.consequences:
        _out(f"  - {line}")
    if imp.exposures:
        _out("Old values that will need replacing live here:")
        for e in imp.exposures:
            _out(f"  - {e.kind} {display_path(e.where)}: {', '.join(e.fields)}")
    _out("")
    _out("In the developer portal:")
    for i, step in enumerate(imp.steps, 1):
        _out(f"  {i}. {step}")
    _out("")


def _read_values_from_file(path: str, imp: Any) -> dict[Kind, str]:
    from xkeys.core.scan import scan

    text = read_path(path)
    result = scan(text, None if path == "-" else path)
    values = result.values()
    return {k: v for k, v in values.items() if k in imp.ask}


def _ask_values(imp: Any, old: dict[Kind, str]) -> dict[Kind, str]:
    from xkeys.core.rotation import check_new_values

    got: dict[Kind, str] = {}
    for k in imp.ask:
        optional = k not in imp.regenerates
        if k is Kind.ACCESS_TOKEN_SECRET and optional and Kind.ACCESS_TOKEN not in got:
            continue  # the token was skipped: its secret goes with it
        for _attempt in range(MAX_TRIES):
            prompt = f"New {_label(k)}" + (" (Enter to skip)" if optional else "")
            value = read_stdin(prompt, secret=True).strip()
            if not value and optional:
                break
            problem = check_new_values(_only(imp, k), {k: value}, old).get(k)
            if problem is None:
                got[k] = value
                _out(f"  ok: {mask(value, k)}")
                break
            _out(f"  {problem}")
        else:
            raise InputError(f"no valid {_label(k)} after {MAX_TRIES} tries; nothing was changed")
    return got


def _only(imp: Any, k: Kind) -> Any:
    import copy

    one = copy.copy(imp)
    one.ask = [k]
    return one


async def _verify(store: Any, imp: Any, new: dict[Kind, str], args: argparse.Namespace) -> Any:
    from xkeys.core.rotation import verify

    return await verify(store, imp, new, need=args.need, api_base=args.api_base, timeout=args.timeout)


def _tui_rotation_available() -> bool:
    """The TUI has the full guided rotation screen (else the terminal flow runs here)."""
    import importlib.util

    try:
        return importlib.util.find_spec("xkeys.tui.screens.rotate") is not None
    except (ImportError, ValueError):
        return False


def run(args: argparse.Namespace) -> int:
    interactive = is_tty() and not args.from_env_file and not args.json
    if interactive and not args.no_tui and args.what is None and not args.dry_run and _tui_rotation_available():
        from xkeys.commands import tui

        return tui.run(args)
    try:
        return _run(args, interactive)
    except InputError as exc:
        return fail(str(exc))
    except (StoreError, xhttp.ApiBaseError, ValueError) as exc:
        return fail(str(exc))


def _run(args: argparse.Namespace, interactive: bool) -> int:
    from xkeys.core import rotation

    store = open_store(args)
    name = profile_arg(args) or store.active_name()
    if not name:
        raise InputError("no active profile: give --profile NAME (see `xkeys profile list`)")
    target = args.what
    if target is None:
        if not interactive:
            raise InputError("say what to rotate with --what consumer|bearer|access|client-secret")
        target = _ask_target()
    imp = rotation.preview(store, name, target)
    result: dict[str, Any] = {"preview": imp.to_dict(), "saved": False}
    if args.dry_run:
        if args.json:
            sys.stdout.write(json.dumps(result, indent=2) + "\n")
        else:
            _print_impact(imp)
        return 0
    if not args.json:
        _print_impact(imp)
    if interactive and not args.yes:
        answer = read_stdin("Go on? [y/N]", secret=False).strip().lower()
        if answer not in ("y", "yes"):
            _out("Nothing changed.")
            return 0
    old = dict(store.load(imp.owner).values)
    if args.from_env_file:
        new = _read_values_from_file(args.from_env_file, imp)
    elif interactive:
        read_stdin("Press Enter once the portal shows the new values", secret=False)
        new = _ask_values(imp, old)
    else:
        raise InputError("no terminal to type the new values into: give --from-env-file F (or - for stdin)")
    problems = rotation.check_new_values(imp, new, old)
    if problems:
        result["problems"] = {k.value: p for k, p in problems.items()}
        if args.json:
            sys.stdout.write(json.dumps(result, indent=2) + "\n")
        for k, p in problems.items():
            _out(f"xkeys: {_label(k)}: {p}")
        return fail("the new values did not pass the shape checks; nothing was changed")
    new = rotation.clean_values(new)
    missing = [k for k in imp.ask if k not in new]
    if not args.json:
        _out("Checking the new values live with X ...")
    ver = asyncio.run(_verify(store, imp, new, args))
    result["verification"] = {"ok": ver.ok, "exit_code": ver.exit_code, "failed": ver.failed}
    if not ver.ok and not args.force:
        if args.json:
            sys.stdout.write(json.dumps(result, indent=2) + "\n")
        else:
            for line in ver.failed:
                _out(f"  ✗ {line}")
            why = "X could not be reached" if ver.exit_code == 3 else "the live check failed"
            _out(
                f"xkeys: {why}: nothing was saved, the old values are still current in profile {imp.owner}. "
                "Fix and run again (or --force to save anyway)."
            )
        return 1
    saved = rotation.commit(store, imp, new)
    gen = saved.current.gen if saved.current else None
    result.update(
        {
            "saved": True,
            "generation": gen,
            "owner": imp.owner,
            "fingerprints": dict(saved.current.fingerprints) if saved.current else {},
            "exposures": [e.to_dict() for e in imp.exposures],
        }
    )
    if args.json:
        sys.stdout.write(json.dumps(result, indent=2) + "\n")
        return 0
    if not ver.ok:
        _out("xkeys: warning: saved although the live check failed (--force)")
    _out(
        f"Saved: profile {imp.owner} generation g{gen} ({', '.join(_label(k) for k in new)}). The previous values are "
        f"kept: `xkeys profile rollback {imp.owner}` goes back."
    )
    for k in missing:
        _out(f"Not given: {_label(k)} - it no longer works and was removed; {rotation.RECOVER.get(k, 'replace it')}.")
    for line in imp.after:
        _out(line)
    if imp.exposures:
        _out("Old values still live here - update them:")
        for e in imp.exposures:
            hint = ""
            if e.kind == "export":
                rec = next((r for r in saved.exports if r.path == e.where), None)
                if rec is not None:
                    dialect = f" --dialect {rec.dialect}" if rec.dialect else ""
                    hint = (
                        f"  (rewrite: xkeys export --profile {imp.owner} --format {rec.format}{dialect} "
                        f"--output {e.where})"
                    )
            elif e.kind == "env":
                hint = "  (unset it or set the new value)"
            _out(f"  - {e.kind} {display_path(e.where)}: {', '.join(e.fields)}{hint}")
    else:
        _out("No exported file, env var or .env here holds the old values.")
    sys.stdout.write(f"rotated {imp.target} of profile {imp.owner}: now g{gen}\n")
    return 0
