"""`xkeys login pin|pkce`: get user tokens into a profile.

pin  - OAuth 1.0a out-of-band: the consumer pair (from --env-file, the environment or the
       profile) gets a request token; the authorize URL is printed (and opened unless
       --no-browser); the PIN is read from the terminal; the perpetual tokens are stored.
pkce - OAuth 2.0 with PKCE S256: the Client ID (and Client Secret for confidential apps) and
       the redirect URI (--redirect-uri, else the profile's callback URL, else X_REDIRECT_URI);
       a loopback server on 127.0.0.1 catches the redirect, or with --no-browser (or a
       non-loopback redirect URI) the user pastes the redirected URL; tokens are stored.
Secrets are never read from argv. Exit 0 done, 1 the flow failed (with its diagnosis), 2 usage.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import webbrowser

from xkeys.commands._io import InputError, fail, read_stdin
from xkeys.commands._store_opts import add_store_options, open_store, profile_arg
from xkeys.core import http as xhttp
from xkeys.core.kinds import Kind
from xkeys.core.oauth1 import FlowError
from xkeys.core.redact import mask
from xkeys.core.store import Store, StoreError

DEFAULT_WAIT = 300.0


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("flow", choices=("pin", "pkce"), help="pin: OAuth 1.0a PIN; pkce: OAuth 2.0 PKCE")
    add_store_options(parser)
    parser.add_argument("--env-file", metavar="F", default=None, help="read the app's keys from this .env first")
    parser.add_argument(
        "--api-base",
        metavar="URL",
        default=None,
        help="API host (default XKEYS_API_BASE or https://api.x.com; the sandbox URL for practice)",
    )
    parser.add_argument(
        "--redirect-uri",
        metavar="URI",
        default=None,
        help="PKCE: the redirect (callback) URI registered for the app, e.g. http://127.0.0.1:8765/callback",
    )
    parser.add_argument(
        "--scopes",
        metavar="S",
        default=None,
        help="PKCE: space- or comma-separated scopes (default: tweet.read tweet.write users.read offline.access)",
    )
    parser.add_argument(
        "--no-browser",
        action="store_true",
        help="do not open a browser; for PKCE, paste the redirected URL instead of the loopback server",
    )
    parser.add_argument(
        "--copy",
        action="store_true",
        help="also put the authorize URL on the clipboard (OSC 52 + the system clipboard)",
    )
    parser.add_argument("--timeout", type=float, default=xhttp.DEFAULT_TIMEOUT, metavar="S", help="HTTP timeout")
    parser.add_argument(
        "--wait",
        type=float,
        default=DEFAULT_WAIT,
        metavar="S",
        help="PKCE: how long the loopback server waits for the redirect (default 300)",
    )


def _say(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def _flow_fail(exc: FlowError) -> int:
    hint = (
        f" [diagnosis: {exc.diagnosis} - `xkeys explain` / the TUI has the fix]" if exc.diagnosis != "unknown" else ""
    )
    return fail(f"{exc.message}{hint}", 1)


def _credentials(args: argparse.Namespace, store: Store, target: str) -> tuple[dict[Kind, str], str | None]:
    """(values, redirect URI) from --env-file > environment > the target profile (if it exists)."""
    from xkeys.core.creds import CredentialsError, load_credentials

    env = dict(os.environ)
    env.pop("XKEYS_PROFILE", None)
    exists = store.exists(target)
    try:
        if exists:
            creds = load_credentials(args.env_file, environ=env, profile=target)
            values = dict(creds.values)
        else:
            # a new profile: take nothing from whichever profile happens to be active
            creds = load_credentials(args.env_file, environ=env, profile=None)
            values = {k: v for k, v in creds.values.items() if not str(creds.sources.get(k, "")).startswith("profile:")}
    except CredentialsError as exc:
        raise InputError(str(exc)) from None
    redirect = getattr(creds, "redirect_uri", None)
    if exists:
        prof = store.load(target, values=False)
        redirect = prof.callback_url or redirect
    return values, redirect


def _open(url: str, args: argparse.Namespace) -> None:
    sys.stdout.write(url + "\n")
    sys.stdout.flush()
    if getattr(args, "copy", False):
        try:
            from xkeys.core.clipboard import copy

            _say(f"xkeys: {copy(url, what='the authorize URL').message}")
        except Exception as exc:  # the URL is printed anyway
            _say(f"xkeys: could not copy the URL ({type(exc).__name__})")
    if not args.no_browser:
        try:
            webbrowser.open(url)
        except Exception:  # no browser is fine: the URL is printed
            pass


def _target(args: argparse.Namespace, store: Store) -> str:
    name = profile_arg(args) or store.active_name()
    if not name:
        raise InputError("say which profile gets the tokens: --profile NAME (it is created if missing)")
    from xkeys.core.store import check_name

    check_name(name)
    return name


async def _pin(args: argparse.Namespace, store: Store, target: str) -> int:
    from xkeys.core import oauth1

    values, _ = _credentials(args, store, target)
    ck, cs = values.get(Kind.CONSUMER_KEY), values.get(Kind.CONSUMER_SECRET)
    if not ck or not cs:
        raise InputError(
            "the PIN login needs the app's consumer key and secret (API Key and Secret): set "
            "X_API_KEY and X_API_SECRET, give --env-file, or import them into the profile"
        )
    base = xhttp.resolve_api_base(args.api_base)
    async with xhttp.create_client(base, args.timeout) as client:
        req = await oauth1.request_token(ck, cs, client=client)
        _say("Open this address, sign in with the account the tokens are for, and authorize the app:")
        _open(req.authorize_url, args)
        pin = read_stdin("Then type the PIN X shows", secret=False).strip()
        if not pin:
            raise InputError("no PIN given")
        tokens = await oauth1.exchange_pin(ck, cs, req, pin, client=client)
    saved = oauth1.store_tokens(store, target, ck, cs, tokens)
    who = f"@{tokens.screen_name}" if tokens.screen_name else "the account"
    sys.stdout.write(
        f"logged in as {who} (user id {tokens.user_id or '?'}); profile {saved.name} now holds "
        f"Access Token {mask(tokens.access_token, Kind.ACCESS_TOKEN)} and its secret "
        f"{mask(tokens.access_token_secret, Kind.ACCESS_TOKEN_SECRET)} (they never expire)\n"
    )
    return 0


async def _pkce(args: argparse.Namespace, store: Store, target: str) -> int:
    from xkeys.core import oauth2

    values, redirect = _credentials(args, store, target)
    client_id, client_secret = values.get(Kind.CLIENT_ID), values.get(Kind.CLIENT_SECRET)
    if not client_id:
        raise InputError(
            "the PKCE login needs the app's OAuth 2.0 Client ID: set X_CLIENT_ID (and X_CLIENT_SECRET "
            "for Web apps and bots), give --env-file, or import them into the profile"
        )
    redirect_uri = args.redirect_uri or redirect
    if not redirect_uri:
        raise InputError(
            "give the redirect URI registered for the app: --redirect-uri "
            "http://127.0.0.1:8765/callback (or set X_REDIRECT_URI)"
        )
    scopes = oauth2.parse_scopes(args.scopes)
    base = xhttp.resolve_api_base(args.api_base)
    start = oauth2.start(client_id, redirect_uri, scopes, api_base=base)
    loopback = None if args.no_browser else oauth2.loopback_target(redirect_uri)
    async with xhttp.create_client(base, args.timeout) as client:
        if loopback is None:
            if not args.no_browser:
                _say(f"{redirect_uri} is not on this machine, so paste the redirected URL when asked.")
            _say("Open this address, sign in with the account to connect, and authorize the app:")
            _open(start.url, args)
            redirected = read_stdin("Then paste the full URL your browser was sent to", secret=False).strip()
        else:
            async with oauth2.LoopbackServer(redirect_uri) as server:
                _say(
                    f"Waiting for X to redirect to {redirect_uri} (up to {int(args.wait)} s). Open this address "
                    "and authorize the app:"
                )
                _open(start.url, args)
                redirected = await server.wait(args.wait)
        code = oauth2.code_from_redirect(redirected, start.state)
        tokens = await oauth2.exchange(start, code, client_secret=client_secret, client=client)
        user = await oauth2.fetch_username(tokens.access_token, client=client)
    saved = oauth2.store_tokens(
        store, target, client_id, client_secret, redirect_uri, tokens, reason="login pkce", user=user
    )
    who = f"@{user[1]}" if user[1] else "the account"
    hours = f"expires in {tokens.expires_in // 60} min" if tokens.expires_in else "no expiry given"
    refresh = (
        "and a refresh token"
        if tokens.refresh_token
        else "without a refresh token (add offline.access to stay connected)"
    )
    sys.stdout.write(
        f"connected {who}; profile {saved.name} now holds an OAuth 2.0 access token ({hours}) "
        f"{refresh}; scopes: {' '.join(tokens.scopes) or '?'}\n"
    )
    if tokens.missing_scopes:
        _say(
            f"xkeys: warning: X granted fewer scopes than asked (missing: {' '.join(tokens.missing_scopes)}) "
            "[diagnosis: missing-scopes]: calls needing them will answer 403"
        )
    return 0


def run(args: argparse.Namespace) -> int:
    try:
        store = open_store(args)
        target = _target(args, store)
        flow = _pin if args.flow == "pin" else _pkce
        return asyncio.run(flow(args, store, target))
    except FlowError as exc:
        return _flow_fail(exc)
    except (InputError, StoreError, xhttp.ApiBaseError, ValueError) as exc:
        return fail(str(exc))
