"""`xkeys token refresh|revoke`: the OAuth 2.0 user tokens stored in a profile.

refresh - trade the refresh token for a new access token *and a new refresh token* (the old
          one dies: FACTS.md section 2), stored in the profile before anything else happens.
revoke  - revoke the access and refresh tokens at X and remove them from the profile.
Exit 0 done, 1 X refused (with the diagnosis), 2 usage.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from xkeys.commands._io import fail
from xkeys.commands._store_opts import add_store_options, open_store, profile_arg
from xkeys.core import http as xhttp
from xkeys.core.kinds import Kind
from xkeys.core.oauth1 import FlowError
from xkeys.core.store import StoreError


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("refresh", "revoke"))
    add_store_options(parser)
    parser.add_argument(
        "--api-base", metavar="URL", default=None, help="API host (default XKEYS_API_BASE or api.x.com)"
    )
    parser.add_argument("--timeout", type=float, default=xhttp.DEFAULT_TIMEOUT, metavar="S", help="HTTP timeout")
    parser.add_argument(
        "--which",
        choices=("both", "access", "refresh"),
        default="both",
        help="revoke: which token(s) to revoke (default both)",
    )


async def _refresh(args: argparse.Namespace) -> int:
    from xkeys.core import oauth2

    store = open_store(args)
    prof = store.load(profile_arg(args))
    cid = prof.values.get(Kind.CLIENT_ID)
    rt = prof.values.get(Kind.OAUTH2_REFRESH_TOKEN)
    if not cid or not rt:
        return fail(
            f"profile {prof.name} has no {'Client ID' if not cid else 'refresh token'}: log in with "
            f"`xkeys login pkce --profile {prof.name}` (scope offline.access gives a refresh token)"
        )
    secret = prof.values.get(Kind.CLIENT_SECRET)
    ts = await oauth2.refresh(cid, rt, client_secret=secret, api_base=args.api_base, timeout=args.timeout)
    # the old refresh token is dead now: persist the new pair first
    oauth2.store_tokens(store, prof.name, cid, secret, None, ts, reason="token refresh")
    mins = f"{ts.expires_in // 60} min" if ts.expires_in else "an unknown time"
    sys.stdout.write(
        f"refreshed profile {prof.name}: new access token valid for {mins}, "
        f"{'new refresh token stored' if ts.refresh_token else 'no new refresh token was given'}\n"
    )
    return 0


async def _revoke(args: argparse.Namespace) -> int:
    from xkeys.core import oauth2

    store = open_store(args)
    prof = store.load(profile_arg(args))
    cid = prof.values.get(Kind.CLIENT_ID)
    want = {
        "both": (Kind.OAUTH2_ACCESS_TOKEN, Kind.OAUTH2_REFRESH_TOKEN),
        "access": (Kind.OAUTH2_ACCESS_TOKEN,),
        "refresh": (Kind.OAUTH2_REFRESH_TOKEN,),
    }[args.which]
    todo = [k for k in want if prof.values.get(k)]
    if not cid or not todo:
        return fail(f"profile {prof.name} holds no OAuth 2.0 user token to revoke")
    secret = prof.values.get(Kind.CLIENT_SECRET)
    async with xhttp.create_client(args.api_base, args.timeout) as client:
        for k in todo:
            hint = "access_token" if k is Kind.OAUTH2_ACCESS_TOKEN else "refresh_token"
            await oauth2.revoke(cid, prof.values[k], token_type_hint=hint, client_secret=secret, client=client)
            prof.values.pop(k)
            prof.inherited.pop(k, None)
            store.save(prof, reason=f"token revoke ({hint})")
    names = " and ".join("access token" if k is Kind.OAUTH2_ACCESS_TOKEN else "refresh token" for k in todo)
    sys.stdout.write(f"revoked the {names} of profile {prof.name} and removed them from it\n")
    return 0


def run(args: argparse.Namespace) -> int:
    try:
        return asyncio.run(_refresh(args) if args.action == "refresh" else _revoke(args))
    except FlowError as exc:
        hint = f" [diagnosis: {exc.diagnosis}]" if exc.diagnosis != "unknown" else ""
        return fail(f"{exc.message}{hint}", 1)
    except (StoreError, xhttp.ApiBaseError, ValueError) as exc:
        return fail(str(exc))
