"""`xkeys sandbox`: run the local X API emulator (shared/DESIGN.md "Command line").

The FIRST stdout line is one JSON object (base_url, scenario, redirect_uri, credentials, and
"current" in rotated-secret), flushed before serving; SIGTERM/SIGINT stop it with exit 0.
"""

from __future__ import annotations

import argparse
import json
import math
import signal
import sys

from xkeys.commands._io import fail
from xkeys.sandbox.scenarios import SCENARIOS


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port (default 0: any free port)")
    # dest differs from the top-level --scenario (for --demo) so neither overrides the other
    parser.add_argument(
        "--scenario",
        dest="sandbox_scenario",
        default=None,
        metavar="S",
        help="one of: " + ", ".join(SCENARIOS) + " (default healthy)",
    )
    parser.add_argument("--latency", type=float, default=0.0, metavar="SEC", help="delay every answer by SEC seconds")
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        metavar="N",
        help="seed for the demo credentials and the flaky faults (default 0)",
    )
    parser.add_argument(
        "--redirect-uri",
        action="append",
        default=None,
        metavar="URI",
        help="a callback URL registered for the demo app (repeatable; default http://127.0.0.1:8976/callback)",
    )


def run(args: argparse.Namespace) -> int:
    scenario = args.sandbox_scenario or getattr(args, "scenario", None) or "healthy"
    if scenario not in SCENARIOS:
        return fail(f"unknown scenario {scenario!r}; valid scenarios: {', '.join(SCENARIOS)}")
    if not math.isfinite(args.latency) or not 0 <= args.latency <= 60:
        return fail("--latency must be between 0 and 60 seconds")
    if not 0 <= args.port <= 65535:
        return fail("--port must be between 0 and 65535")
    uris = args.redirect_uri or None
    if uris and any(not u.startswith(("http://", "https://")) or len(u) > 2000 for u in uris):
        return fail("--redirect-uri must be an http:// or https:// URL")
    from xkeys.sandbox.app import create_app, line_info
    from xkeys.sandbox.server import base_url_of, bind, make_server

    try:
        sock = bind(args.host, args.port)
    except OSError as exc:
        return fail(f"cannot listen on {args.host}:{args.port} ({exc.strerror or exc})", 1)
    app = create_app(scenario, args.seed, args.latency, redirect_uris=uris)
    server = make_server(app)
    info = line_info(app, base_url_of(sock))
    # a signal that arrives between the JSON line and uvicorn's own handlers still exits 0
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, server.handle_exit)
    sys.stdout.write(json.dumps(info) + "\n")
    sys.stdout.flush()
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
    return 0
