"""`xkeys`, `xkeys onboard|troubleshoot|support`: the TUI, opened on a flow.

Textual is imported only inside `run`, so other commands never pay for it.
"""

from __future__ import annotations

import argparse
import os

from xkeys.commands._io import fail


def configure(parser: argparse.ArgumentParser) -> None:
    # accepted after the command too (`xkeys troubleshoot --demo`); SUPPRESS keeps a value
    # given before the command (`xkeys --demo troubleshoot`) from being reset to the default
    parser.add_argument(
        "--demo",
        action="store_true",
        default=argparse.SUPPRESS,
        help="run against a built-in sandbox X API with demo keys (no X account needed)",
    )
    parser.add_argument(
        "--scenario", default=argparse.SUPPRESS, help="sandbox scenario for --demo (healthy, read-only, ...)"
    )
    parser.add_argument("--profile", default=argparse.SUPPRESS, help="profile (brand) to use")
    _add_common(parser)


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--seed",
        type=int,
        default=argparse.SUPPRESS,
        help="sandbox seed for --demo (default 0: the same demo keys every time)",
    )
    parser.add_argument("--env-file", default=argparse.SUPPRESS, help="a .env to troubleshoot")
    parser.add_argument("--light", action="store_true", default=argparse.SUPPRESS, help="start in the light theme")


def run(args: argparse.Namespace) -> int:
    flow = getattr(args, "command", None) or "home"
    if flow not in ("home", "onboard", "troubleshoot", "support", "rotate"):
        flow = "home"
    scenario = getattr(args, "scenario", None)
    demo = bool(getattr(args, "demo", False)) or scenario is not None
    if scenario is not None:
        try:
            from xkeys.sandbox import SCENARIOS
        except ImportError:
            return fail("the sandbox is not available in this build, so --scenario cannot be used")
        if scenario not in SCENARIOS:
            return fail(f"unknown scenario {scenario!r}: use one of {', '.join(SCENARIOS)}")
    env_file = getattr(args, "env_file", None)
    if env_file is not None and not os.path.isfile(env_file):
        return fail(f"{env_file}: no such file")
    from xkeys.tui.app import make_app

    app = make_app(
        flow,
        demo=demo,
        scenario=scenario,
        seed=int(getattr(args, "seed", 0) or 0),
        profile=getattr(args, "profile", None),
        env_file=env_file,
        theme="textual-light" if getattr(args, "light", False) else "textual-dark",
    )
    app.run()
    return int(app.return_code or 0)
