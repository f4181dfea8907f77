"""Options and helpers shared by the store commands (profile, export, login, token, rotate)."""

from __future__ import annotations

import argparse
import os
import sys

from xkeys.core.store import SECRET_STORES, Store


def add_store_options(parser: argparse.ArgumentParser, *, profile: bool = True) -> None:
    """`--profile` and `--secret-store`, accepted here as well as before the command."""
    if profile:
        # SUPPRESS: `xkeys --profile P cmd` (top level) and `xkeys cmd --profile P` both work
        parser.add_argument(
            "--profile",
            default=argparse.SUPPRESS,
            metavar="P",
            help="profile (brand) to use; default: the active profile",
        )
    # SUPPRESS: the top-level `xkeys --secret-store file CMD` sets the default (None)
    parser.add_argument(
        "--secret-store",
        choices=SECRET_STORES,
        default=argparse.SUPPRESS,
        help="where secrets live: the OS keyring (default) or, by explicit choice, "
        "a plain secrets.json file readable only by you (also XKEYS_SECRET_STORE=file)",
    )


def open_store(args: argparse.Namespace) -> Store:
    return Store(secret_store=getattr(args, "secret_store", None))


def profile_arg(args: argparse.Namespace) -> str | None:
    return getattr(args, "profile", None)


def is_tty() -> bool:
    return bool(sys.stdin and sys.stdin.isatty())


def display_path(path: str) -> str:
    home = os.path.expanduser("~")
    return "~" + path[len(home) :] if home and home != "/" and path.startswith(home + os.sep) else path
