"""Command-line entry point.

Start-up must stay cheap (`xkeys --version` is benchmarked against bare Python), so this
module imports only argparse; each command lives in `xkeys.commands.<module>` and is
imported only when it runs. Textual is imported only by the TUI commands.
Contract: shared/DESIGN.md "Command line".
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from xkeys import __version__

#: command -> (module under xkeys.commands, one-line help). Each module exposes
#: `configure(parser)` to add its options and `run(args) -> int`.
COMMANDS: dict[str, tuple[str, str]] = {
    "onboard": ("tui", "open the TUI on the onboarding walkthrough"),
    "troubleshoot": ("tui", "open the TUI on the troubleshooting flow"),
    "rotate": ("rotate", "guided key rotation (TUI, or --no-tui for the terminal)"),
    "support": ("tui", "open the TUI in screen-share safe support mode"),
    "classify": ("classify", "say what kind of X credential a value (read from stdin) is"),
    "scan": ("scan", "find X credentials in a pasted .env / JSON / YAML / INI / text"),
    "doctor": ("doctor", "shape, cross-field and live checks of a credential set"),
    "explain": ("explain", "turn an X API error (on stdin) into a diagnosis and fix"),
    "report": ("report", "a redacted support report; `report diff A B` compares two"),
    "export": ("export", "write credentials for other tools (dotenv, twurlrc, xurl, twarc, json)"),
    "profile": ("profile", "list, switch, import, rename and delete profiles (brands)"),
    "login": ("login", "get user tokens: OAuth 1.0a PIN or OAuth 2.0 PKCE"),
    "token": ("token", "refresh or revoke OAuth 2.0 user tokens"),
    "sandbox": ("sandbox", "run the local X API emulator"),
}

TUI_COMMANDS = {"onboard", "troubleshoot", "support"}

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """argparse that says one clear sentence and exits 2 (never a traceback)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"xkeys: {message} (see `{self.prog} --help`)\n")


#: top-level options that take a value (`xkeys --profile acme export ...`): skip the value
_VALUE_OPTIONS = frozenset({"--profile", "--scenario", "--secret-store"})


def _selected(argv: Sequence[str]) -> str | None:
    skip = False
    for tok in argv:
        if skip:
            skip = False
            continue
        if tok == "--":
            return None
        if tok in _VALUE_OPTIONS:
            skip = True
            continue
        if not tok.startswith("-"):
            return tok if tok in COMMANDS else None
    return None


def build_parser(selected: str | None) -> argparse.ArgumentParser:
    parser = _Parser(
        prog="xkeys",
        description="Get your X (Twitter) API keys working and keep them working.",
        epilog="Secrets are never accepted as arguments: values are read from stdin, files, "
        "the environment or the keyring.",
    )
    parser.add_argument("--version", action="version", version=f"xkeys {__version__}")
    _add_tui_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, (module, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        if name == selected:
            mod = importlib.import_module(f"xkeys.commands.{module}")
            mod.configure(p)
            p.set_defaults(_module=mod)
    return parser


def _add_tui_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--demo", action="store_true", help="run against a built-in sandbox X API with demo keys (no X account needed)"
    )
    parser.add_argument("--scenario", default=None, help="sandbox scenario for --demo (healthy, read-only, ...)")
    parser.add_argument("--profile", default=None, help="profile (brand) to use")
    parser.add_argument(
        "--secret-store",
        choices=("keyring", "file"),
        default=None,
        help="where profile secrets live: the OS keyring (default) or, by explicit choice, a "
        "plain secrets.json readable only by you (also XKEYS_SECRET_STORE=file)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    selected = _selected(args_list)
    try:
        parser = build_parser(selected)
        args = parser.parse_args(args_list)
        from xkeys.core.redact import install_logging

        install_logging()  # every log record, from any logger, is scrubbed of loaded secrets
        if args.command is None:
            from xkeys.commands import tui

            return tui.run(args)
        return int(args._module.run(args) or 0)
    except KeyboardInterrupt:
        sys.stderr.write("xkeys: interrupted\n")
        return 130
    except BrokenPipeError:
        return 0
    except SystemExit as exc:  # argparse --help/--version/errors
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else EXIT_USAGE)
    except Exception as exc:  # last line of defence: one redacted sentence, no traceback
        from xkeys.core.redact import safe_exception_message

        sys.stderr.write(f"xkeys: unexpected error ({type(exc).__name__}): {safe_exception_message(exc)}\n")
        return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
