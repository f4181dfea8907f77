"""`xkeys profile list|use|delete|rename|import|history|rollback`: profiles (brands).

Import reuses `xkeys.core.scan` (one parser for every file format), from the environment,
a .env, ~/.twurlrc, ~/.xurl (auth.yml or the pre-1.0 JSON file) or the twarc config.
Values are never printed: only kind, length and fingerprint.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from xkeys.commands._io import InputError, fail, read_path
from xkeys.commands._store_opts import add_store_options, display_path, open_store
from xkeys.core.kinds import FIELDS, KINDS, Kind, label
from xkeys.core.redact import mask
from xkeys.core.store import Profile, Store, StoreError, infer_auth_path

DEFAULT_FILES = {
    "twurlrc": ("~/.twurlrc",),
    "xurl": ("~/.xurl/auth.yml", "~/.xurl"),
    "twarc": ("~/.config/twarc/config", "~/.twarc"),
}


def configure(parser: argparse.ArgumentParser) -> None:
    add_store_options(parser, profile=False)
    sub = parser.add_subparsers(dest="action", metavar="ACTION", parser_class=type(parser))
    p = sub.add_parser("list", help="list profiles (the active one is marked)")
    p.add_argument("--json", action="store_true", help="JSON output")
    p = sub.add_parser("use", help="make a profile the active one")
    p.add_argument("name")
    p = sub.add_parser("delete", help="delete a profile and its secrets (history included)")
    p.add_argument("name")
    p = sub.add_parser("rename", help="rename a profile")
    p.add_argument("old")
    p.add_argument("new")
    p = sub.add_parser("history", help="the saved generations of a profile (fingerprints only)")
    p.add_argument("name")
    p.add_argument("--json", action="store_true", help="JSON output")
    p = sub.add_parser("rollback", help="make the previous (or a given) generation current again")
    p.add_argument("name")
    p.add_argument("--to", type=int, default=None, metavar="GEN", help="generation number (see history)")
    p = sub.add_parser("import", help="create or update a profile from env vars or another tool's file")
    p.add_argument("--name", required=True, help="the profile to create or update")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--from-env", action="store_true", help="from environment variables (X_API_KEY...)")
    src.add_argument("--env-file", metavar="F", help="from a .env file")
    src.add_argument("--twurlrc", nargs="?", const="", metavar="F", help="from twurl's file (default ~/.twurlrc)")
    src.add_argument(
        "--xurl",
        nargs="?",
        const="",
        metavar="F",
        help="from xurl's store (default ~/.xurl/auth.yml, or the pre-1.0 ~/.xurl file)",
    )
    src.add_argument(
        "--twarc",
        nargs="?",
        const="",
        metavar="F",
        help="from twarc's config (default ~/.config/twarc/config, then ~/.twarc)",
    )
    p.add_argument(
        "--profile-in-file",
        metavar="P",
        default=None,
        help="which profile/app/section of the file to take (default: its first/default one)",
    )
    p.add_argument(
        "--base",
        metavar="B",
        default=None,
        help="brand override: inherit every value this profile lacks from profile B",
    )
    p.add_argument("--use", action="store_true", help="also make it the active profile")
    for sp in sub.choices.values():
        add_store_options(sp, profile=False)


def _default_path(kind: str) -> str:
    for cand in DEFAULT_FILES[kind]:
        path = os.path.expanduser(cand)
        if os.path.isfile(path):
            return path
    raise InputError(f"no {kind} file found at {' or '.join(DEFAULT_FILES[kind])}; give its path")


def _env_text(environ: dict[str, str]) -> tuple[str, str | None]:
    """The X-related variables of `environ` as .env text (for scan) + a redirect URI if set."""
    from xkeys.core.kinds import parse_field

    lines = []
    for name in sorted(environ):
        value = environ[name]
        if not value or "\n" in value or "\x00" in value:
            continue
        upper = name.upper()
        if parse_field(name) is not None or upper.startswith(("X_", "TWITTER_", "TWITTER")):
            lines.append(f"{name}={json.dumps(value)}")
    redirect = None
    for name in ("X_REDIRECT_URI", "TWITTER_REDIRECT_URI", "REDIRECT_URI"):
        if environ.get(name):
            redirect = environ[name]
            break
    return "\n".join(lines) + "\n", redirect


def _read_source(args: argparse.Namespace) -> tuple[str, str, str]:
    """-> (text, filename hint for scan, description)."""
    if args.from_env:
        text, _ = _env_text(dict(os.environ))
        return text, ".env", "the environment"
    if args.env_file is not None:
        return read_path(args.env_file), args.env_file, display_path(os.path.abspath(args.env_file))
    for kind in ("twurlrc", "xurl", "twarc"):
        given = getattr(args, kind)
        if given is None:
            continue
        path = os.path.expanduser(given) if given else _default_path(kind)
        if kind == "xurl" and os.path.isdir(path):
            path = os.path.join(path, "auth.yml")
        return read_path(path), path, display_path(os.path.abspath(path))
    raise InputError("give a source: --from-env, --env-file, --twurlrc, --xurl or --twarc")


def _import(args: argparse.Namespace, store: Store) -> int:
    from xkeys.core.scan import scan

    try:
        text, hint, desc = _read_source(args)
    except InputError as exc:
        return fail(str(exc))
    result = scan(text, hint)
    profiles_in_file = [p for p in (result.profiles() or []) if p]
    wanted = args.profile_in_file
    if wanted is not None and wanted not in profiles_in_file:
        have = ", ".join(profiles_in_file) or "none"
        return fail(f"{desc} has no profile {wanted!r} (profiles there: {have})")
    values: dict[Kind, str] = {Kind(k): v for k, v in result.values(wanted).items() if Kind(k) in FIELDS and v}
    if not values:
        return fail(f"found no X credentials in {desc}", 1)
    try:
        exists = store.exists(args.name)
        if exists:
            prof = store.load(args.name, inherit=False)
        else:
            prof = Profile(name=args.name)
        if args.base is not None:
            prof.base = args.base or None
        prof.values.update(values)
        if args.from_env:
            _, redirect = _env_text(dict(os.environ))
            if redirect:
                prof.callback_url = redirect
        if getattr(args, "twurlrc", None) is not None and (wanted or profiles_in_file):
            prof.extra["screen_name"] = wanted or profiles_in_file[0]  # twurl profiles are usernames
        prof.auth_path = infer_auth_path(prof.values)
        saved = store.save(prof, reason=f"import from {desc}")
        if args.use:
            store.use(saved.name)
    except StoreError as exc:
        return fail(str(exc))
    picked = (
        f" (profile {wanted!r} of {', '.join(profiles_in_file)})"
        if wanted
        else (
            f" (the first of its profiles: {', '.join(profiles_in_file)}; pick with --profile-in-file)"
            if len(profiles_in_file) > 1
            else ""
        )
    )
    verb = "updated" if exists else "created"
    out = [f"{verb} profile {saved.name} from {desc}{picked}:"]
    for k in FIELDS:
        if k in values:
            out.append(f"  {label(k):<26} {mask(values[k], k)}")
    if result.placeholders:
        out.append(f"  skipped placeholders: {', '.join(result.placeholders)}")
    sys.stdout.write("\n".join(out) + "\n")
    return 0


def _list(args: argparse.Namespace, store: Store) -> int:
    active = store.active_name()
    rows: list[dict[str, Any]] = []
    for name in store.list():
        p = store.load(name, values=False)
        cur = p.current
        rows.append(
            {
                "name": name,
                "active": name == active,
                "auth_path": p.auth_path,
                "base": p.base,
                "fields": [f for f in (cur.fingerprints if cur else {})],
                "fingerprints": dict(cur.fingerprints) if cur else {},
                "callback_url": p.callback_url,
                "created": p.created,
                "rotated": p.rotated,
                "generation": cur.gen if cur else None,
                "exports": len(p.exports),
                "secret_store": p.secret_store,
            }
        )
    if args.json:
        sys.stdout.write(json.dumps({"active": active, "profiles": rows}, indent=2) + "\n")
        return 0
    if not rows:
        sys.stdout.write(
            "no profiles yet: `xkeys profile import --name NAME --from-env` (or --env-file, "
            "--twurlrc, --xurl, --twarc), or `xkeys login pin|pkce --profile NAME`\n"
        )
        return 0
    for r in rows:
        mark = "*" if r["active"] else " "
        base = f" (inherits from {r['base']})" if r["base"] else ""
        fields = ", ".join(r["fields"]) or "no values"
        rotated = f", rotated {r['rotated']}" if r["rotated"] else ""
        sys.stdout.write(f"{mark} {r['name']}{base}: {fields} [{r['secret_store']}{rotated}]\n")
    return 0


def _history(args: argparse.Namespace, store: Store) -> int:
    p = store.load(args.name, values=False)
    if args.json:
        sys.stdout.write(
            json.dumps(
                {
                    "profile": p.name,
                    "current": p.current.gen if p.current else None,
                    "generations": [g.to_dict() for g in p.history],
                },
                indent=2,
            )
            + "\n"
        )
        return 0
    prev: dict[str, str] = {}
    for g in p.history:
        changed = [f for f, fp in g.fingerprints.items() if prev.get(f) != fp]
        dropped = [f for f in prev if f not in g.fingerprints]
        cur = " (current)" if g is p.current else ""
        sys.stdout.write(f"g{g.gen} {g.at} {g.reason}{cur}\n")
        for f, fp in sorted(g.fingerprints.items(), key=lambda kv: FIELDS.index(Kind(kv[0]))):
            kind = Kind(f)
            flag = "changed" if f in changed and prev else ("new" if f in changed else "same")
            n = g.lengths.get(f)
            length = f"{n} chars, " if n else ""
            sys.stdout.write(f"    {KINDS[kind].label:<26} {length}fp {fp}  {flag}\n")
        for f in dropped:
            sys.stdout.write(f"    {KINDS[Kind(f)].label:<26} removed\n")
        prev = dict(g.fingerprints)
    if not p.history:
        sys.stdout.write(f"profile {p.name} has no saved values\n")
    return 0


def run(args: argparse.Namespace) -> int:
    action = getattr(args, "action", None)
    if action is None:
        return fail("say what to do: profile list|use|delete|rename|import|history|rollback")
    try:
        store = open_store(args)
        if action == "list":
            return _list(args, store)
        if action == "use":
            store.use(args.name)
            sys.stdout.write(f"active profile: {args.name}\n")
            return 0
        if action == "delete":
            store.delete(args.name)
            sys.stdout.write(f"deleted profile {args.name} and its stored secrets\n")
            return 0
        if action == "rename":
            store.rename(args.old, args.new)
            sys.stdout.write(f"renamed profile {args.old} to {args.new}\n")
            return 0
        if action == "history":
            return _history(args, store)
        if action == "rollback":
            p = store.rollback(args.name, args.to)
            cur = p.current
            sys.stdout.write(
                f"profile {p.name}: {cur.reason if cur else 'rolled back'} "
                f"(now g{cur.gen if cur else '?'}); "
                "remember to update the files and services using the newer values\n"
            )
            return 0
        if action == "import":
            return _import(args, store)
    except StoreError as exc:
        return fail(str(exc))
    return fail(f"unknown action {action}")
