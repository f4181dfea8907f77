"""`xkeys export`: write a profile's credentials for twurl, xurl, twarc, a .env or scripts.

Files are written 0600 and atomically, and recorded on the profile (path, format,
fingerprints) so `xkeys rotate` can list where old values still live. Without --output the
values go to stdout: that is the user's explicit request to see them (a warning goes to stderr).
"""

from __future__ import annotations

import argparse
import os
import sys

from xkeys.commands._io import InputError, fail, read_path
from xkeys.commands._store_opts import add_store_options, display_path, open_store, profile_arg
from xkeys.core import exporters
from xkeys.core.store import ExportRecord, StoreError, _now, atomic_write


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        required=True,
        choices=exporters.FORMATS,
        help="dotenv, twurlrc (twurl), xurl (auth.yml), twarc (twarc2 config) or json",
    )
    parser.add_argument(
        "--dialect",
        choices=exporters.DIALECTS,
        default=None,
        help="dotenv variable names: X_API_KEY... (x, default), TWITTER_API_KEY... (twitter) or CONSUMER_KEY... (bare)",
    )
    parser.add_argument(
        "--output",
        "-o",
        metavar="F",
        default=None,
        help="file to write (0600, atomic; twurlrc/xurl files are merged into); without it the values are printed",
    )
    add_store_options(parser)


def _target(fmt: str, output: str) -> str:
    path = os.path.abspath(os.path.expanduser(output))
    if os.path.isdir(path):
        if fmt == "xurl":  # ~/.xurl is a directory since xurl 1.0: the credentials are auth.yml
            return os.path.join(path, "auth.yml")
        raise InputError(f"{output} is a directory; give a file name")
    parent = os.path.dirname(path)
    if not os.path.isdir(parent):
        raise InputError(f"the directory {display_path(parent)} does not exist")
    return path


def run(args: argparse.Namespace) -> int:
    try:
        store = open_store(args)
        profile = store.load(profile_arg(args))
    except StoreError as exc:
        return fail(str(exc))
    if not profile.values:
        return fail(f"profile {profile.name!r} holds no credentials to export")
    inp = exporters.ExportInput(
        values=profile.values,
        profile=profile.name,
        username=profile.extra.get("screen_name") or profile.extra.get("username"),
        callback_url=profile.callback_url,
        oauth2_expires_at=profile.extra.get("oauth2_expires_at"),
    )
    try:
        if args.output is None:
            text = exporters.render(args.format, inp, dialect=args.dialect)
            sys.stderr.write(
                "xkeys: warning: printing secret values to the terminal; "
                "use --output FILE to write a private file instead\n"
            )
            sys.stdout.write(text)
            sys.stdout.flush()
            return 0
        path = _target(args.format, args.output)
        existing = None
        if args.format in ("twurlrc", "xurl") and os.path.isfile(path):
            existing = read_path(path)
        text = exporters.render(args.format, inp, dialect=args.dialect, existing=existing)
        atomic_write(path, text, 0o600)
    except (exporters.ExportError, InputError) as exc:
        return fail(str(exc))
    except OSError as exc:
        return fail(f"cannot write {args.output}: {exc.strerror or type(exc).__name__}")
    fps = exporters.export_fingerprints(args.format, profile.values)
    try:
        store.add_export(
            profile.name, ExportRecord(path=path, format=args.format, dialect=args.dialect, fingerprints=fps, at=_now())
        )
    except StoreError as exc:
        sys.stderr.write(f"xkeys: warning: wrote the file but could not record it on the profile: {exc}\n")
    fields = ", ".join(fps) or "nothing"
    sys.stderr.write(
        f"xkeys: wrote {args.format} for profile {profile.name} to {display_path(path)} (0600): {fields}\n"
    )
    return 0
