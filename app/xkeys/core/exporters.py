"""Write a credential set in the formats other tools read (shared/FACTS.md section 5).

* ``dotenv`` - one ``NAME=value`` per line, in the X_ / TWITTER_ / bare name families
  (``--dialect x|twitter|bare``); values are left unquoted when they are plain (so Docker's
  ``--env-file``, which keeps quotes literally, reads them too) and single-quoted otherwise.
* ``twurlrc`` - twurl's ``~/.twurlrc`` YAML: ``profiles: {username: {consumer_key: {...}}}``,
  ``configuration: {default_profile: [username, consumer_key]}``, ``bearer_tokens``.
* ``xurl`` - xurl >= 1.0 ``~/.xurl/auth.yml``: ``apps: {name: {client_id, client_secret,
  redirect_uri, oauth2_tokens, oauth1_token, bearer_token}}``, ``default_app``; 4-space indent.
* ``twarc`` - twarc2's config file: no section header, Python-quoted values.
* ``json`` - ``{"profile", "values": {kind: value}, ...}`` for scripts.

twurlrc and xurl files hold several profiles/apps: exporting into an existing file merges
our entry into it instead of dropping the others.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from xkeys.core.kinds import FIELDS, Kind
from xkeys.core.redact import fingerprint

FORMATS = ("dotenv", "twurlrc", "xurl", "twarc", "json")
DIALECTS = ("x", "twitter", "bare")

#: variable names per dotenv dialect (FACTS.md section 5 lists the families)
DOTENV_NAMES: dict[str, dict[Kind, str]] = {
    "x": {
        Kind.CONSUMER_KEY: "X_API_KEY",
        Kind.CONSUMER_SECRET: "X_API_SECRET",
        Kind.BEARER_TOKEN: "X_BEARER_TOKEN",
        Kind.ACCESS_TOKEN: "X_ACCESS_TOKEN",
        Kind.ACCESS_TOKEN_SECRET: "X_ACCESS_TOKEN_SECRET",
        Kind.CLIENT_ID: "X_CLIENT_ID",
        Kind.CLIENT_SECRET: "X_CLIENT_SECRET",
        Kind.OAUTH2_ACCESS_TOKEN: "X_OAUTH2_ACCESS_TOKEN",
        Kind.OAUTH2_REFRESH_TOKEN: "X_OAUTH2_REFRESH_TOKEN",
    },
    "twitter": {
        Kind.CONSUMER_KEY: "TWITTER_API_KEY",
        Kind.CONSUMER_SECRET: "TWITTER_API_SECRET",
        Kind.BEARER_TOKEN: "TWITTER_BEARER_TOKEN",
        Kind.ACCESS_TOKEN: "TWITTER_ACCESS_TOKEN",
        Kind.ACCESS_TOKEN_SECRET: "TWITTER_ACCESS_TOKEN_SECRET",
        Kind.CLIENT_ID: "TWITTER_CLIENT_ID",
        Kind.CLIENT_SECRET: "TWITTER_CLIENT_SECRET",
        Kind.OAUTH2_ACCESS_TOKEN: "TWITTER_OAUTH2_ACCESS_TOKEN",
        Kind.OAUTH2_REFRESH_TOKEN: "TWITTER_OAUTH2_REFRESH_TOKEN",
    },
    "bare": {
        Kind.CONSUMER_KEY: "CONSUMER_KEY",
        Kind.CONSUMER_SECRET: "CONSUMER_SECRET",
        Kind.BEARER_TOKEN: "BEARER_TOKEN",
        Kind.ACCESS_TOKEN: "ACCESS_TOKEN",
        Kind.ACCESS_TOKEN_SECRET: "ACCESS_TOKEN_SECRET",
        Kind.CLIENT_ID: "CLIENT_ID",
        Kind.CLIENT_SECRET: "CLIENT_SECRET",
        Kind.OAUTH2_ACCESS_TOKEN: "OAUTH2_ACCESS_TOKEN",
        Kind.OAUTH2_REFRESH_TOKEN: "OAUTH2_REFRESH_TOKEN",
    },
}
#: xurl reads REDIRECT_URI beside CLIENT_ID / CLIENT_SECRET (FACTS.md section 5)
REDIRECT_NAMES = {"x": "X_REDIRECT_URI", "twitter": "TWITTER_REDIRECT_URI", "bare": "REDIRECT_URI"}

#: twarc2's config keys (twarc1's ~/.twarc uses the same four plus no bearer)
TWARC_KEYS: dict[Kind, str] = {
    Kind.CONSUMER_KEY: "consumer_key",
    Kind.CONSUMER_SECRET: "consumer_secret",
    Kind.ACCESS_TOKEN: "access_token",
    Kind.ACCESS_TOKEN_SECRET: "access_token_secret",
    Kind.BEARER_TOKEN: "bearer_token",
}

_PLAIN = re.compile(r"^[A-Za-z0-9_.:/%+=~@-]*$")


class ExportError(Exception):
    """The credential set cannot be written in this format (one safe sentence)."""


@dataclass
class ExportInput:
    """What an exporter needs: the values and a few non-secret facts from the profile."""

    values: Mapping[Kind, str]
    profile: str = "default"
    username: str | None = None  # the screen name the user tokens act for
    callback_url: str | None = None
    oauth2_expires_at: int | None = None  # epoch seconds


def _dotenv_value(v: str) -> str:
    if _PLAIN.match(v):
        return v
    return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'"


def to_dotenv(inp: ExportInput, dialect: str = "x") -> str:
    if dialect not in DIALECTS:
        raise ExportError(f"unknown dotenv dialect {dialect!r}: use one of {', '.join(DIALECTS)}")
    names = DOTENV_NAMES[dialect]
    lines = [f"# X API credentials for profile {inp.profile}, written by xkeys. Keep this file private."]
    for k in FIELDS:
        v = inp.values.get(k)
        if v:
            lines.append(f"{names[k]}={_dotenv_value(v)}")
    if inp.callback_url and (Kind.CLIENT_ID in inp.values):
        lines.append(f"{REDIRECT_NAMES[dialect]}={_dotenv_value(inp.callback_url)}")
    return "\n".join(lines) + "\n"


def _yaml_load(existing: str | None, what: str) -> dict[str, Any]:
    import yaml

    if not existing or not existing.strip():
        return {}
    try:
        data = yaml.safe_load(existing)
    except yaml.YAMLError:
        raise ExportError(f"the existing {what} file is not valid YAML; choose another --output") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ExportError(f"the existing {what} file is not a {what} file; choose another --output")
    return data


def _child(parent: dict[str, Any], key: str) -> dict[str, Any]:
    """`parent[key]` when it is a mapping (kept, so other entries survive), else a fresh one."""
    got = parent.get(key)
    return got if isinstance(got, dict) else {}


def to_twurlrc(inp: ExportInput, existing: str | None = None) -> str:
    import yaml

    v = inp.values
    ck, cs = v.get(Kind.CONSUMER_KEY), v.get(Kind.CONSUMER_SECRET)
    if not ck or not cs:
        raise ExportError("twurl needs the consumer key and secret (API Key and Secret); this profile lacks them")
    data = _yaml_load(existing, "twurlrc")
    user = inp.username or inp.profile
    entry: dict[str, str] = {"username": user, "consumer_key": ck, "consumer_secret": cs}
    if v.get(Kind.ACCESS_TOKEN) and v.get(Kind.ACCESS_TOKEN_SECRET):
        entry["token"] = v[Kind.ACCESS_TOKEN]
        entry["secret"] = v[Kind.ACCESS_TOKEN_SECRET]
    profiles = _child(data, "profiles")
    apps = _child(profiles, user)
    apps[ck] = entry
    profiles[user] = apps
    data["profiles"] = profiles
    conf = _child(data, "configuration")
    conf["default_profile"] = [user, ck]
    data["configuration"] = conf
    if v.get(Kind.BEARER_TOKEN):
        bearers = _child(data, "bearer_tokens")
        bearers[ck] = v[Kind.BEARER_TOKEN]
        data["bearer_tokens"] = bearers
    return "---\n" + yaml.safe_dump(data, default_flow_style=False, sort_keys=False)


def to_xurl(inp: ExportInput, existing: str | None = None) -> str:
    """xurl >= 1.0 `auth.yml` (a legacy single-file JSON `existing` is migrated into it)."""
    import yaml

    v = inp.values
    data: dict[str, Any] = {}
    if existing and existing.strip().startswith("{"):
        try:
            legacy = json.loads(existing)
        except ValueError:
            raise ExportError("the existing xurl file is neither YAML nor JSON; choose another --output") from None
        if isinstance(legacy, dict):
            old_app = {"client_id": "", "client_secret": "", "oauth2_tokens": legacy.get("oauth2_tokens") or {}}
            if legacy.get("oauth1_tokens"):
                old_app["oauth1_token"] = legacy["oauth1_tokens"]
            if legacy.get("bearer_token"):
                old_app["bearer_token"] = legacy["bearer_token"]
            data = {"apps": {"default": old_app}, "default_app": "default"}
    else:
        data = _yaml_load(existing, "xurl auth.yml")
    if not any(v.get(k) for k in (Kind.CLIENT_ID, Kind.CONSUMER_KEY, Kind.BEARER_TOKEN, Kind.OAUTH2_ACCESS_TOKEN)):
        raise ExportError(
            "xurl needs a Client ID, a consumer pair, a bearer token or an OAuth 2.0 token; this profile has none"
        )
    app: dict[str, Any] = {"client_id": v.get(Kind.CLIENT_ID, ""), "client_secret": v.get(Kind.CLIENT_SECRET, "")}
    if inp.callback_url:
        app["redirect_uri"] = inp.callback_url
    if v.get(Kind.OAUTH2_ACCESS_TOKEN):
        user = inp.username or inp.profile
        app["default_user"] = user
        app["oauth2_tokens"] = {
            user: {
                "type": "oauth2",
                "oauth2": {
                    "access_token": v[Kind.OAUTH2_ACCESS_TOKEN],
                    "refresh_token": v.get(Kind.OAUTH2_REFRESH_TOKEN, ""),
                    "expiration_time": int(inp.oauth2_expires_at or 0),
                },
            }
        }
    if v.get(Kind.ACCESS_TOKEN) and v.get(Kind.CONSUMER_KEY):
        app["oauth1_token"] = {
            "type": "oauth1",
            "oauth1": {
                "access_token": v[Kind.ACCESS_TOKEN],
                "token_secret": v.get(Kind.ACCESS_TOKEN_SECRET, ""),
                "consumer_key": v[Kind.CONSUMER_KEY],
                "consumer_secret": v.get(Kind.CONSUMER_SECRET, ""),
            },
        }
    if v.get(Kind.BEARER_TOKEN):
        app["bearer_token"] = {"type": "bearer", "bearer": v[Kind.BEARER_TOKEN]}
    apps = _child(data, "apps")
    apps[inp.profile] = app
    data["apps"] = apps
    data["default_app"] = inp.profile
    return yaml.safe_dump(data, default_flow_style=False, sort_keys=False, indent=4)


def to_twarc(inp: ExportInput) -> str:
    """twarc2 config: `key = 'value'` lines, no section header (read by configobj)."""
    lines = []
    for k, key in TWARC_KEYS.items():
        v = inp.values.get(k)
        if v:
            lines.append(f"{key} = {v!r}")
    if not lines or not (inp.values.get(Kind.BEARER_TOKEN) or inp.values.get(Kind.CONSUMER_KEY)):
        raise ExportError("twarc needs a bearer token or a consumer pair; this profile has neither")
    return "\n".join(lines) + "\n"


def to_json(inp: ExportInput) -> str:
    body: dict[str, Any] = {
        "profile": inp.profile,
        "values": {k.value: inp.values[k] for k in FIELDS if inp.values.get(k)},
    }
    if inp.callback_url:
        body["callback_url"] = inp.callback_url
    if inp.username:
        body["username"] = inp.username
    return json.dumps(body, indent=2) + "\n"


def render(fmt: str, inp: ExportInput, *, dialect: str | None = None, existing: str | None = None) -> str:
    """The text of the export. `existing`: the current content of the target file (merged for
    twurlrc and xurl)."""
    if fmt == "dotenv":
        return to_dotenv(inp, dialect or "x")
    if dialect is not None:
        raise ExportError("--dialect applies to --format dotenv only")
    if fmt == "twurlrc":
        return to_twurlrc(inp, existing)
    if fmt == "xurl":
        return to_xurl(inp, existing)
    if fmt == "twarc":
        return to_twarc(inp)
    if fmt == "json":
        return to_json(inp)
    raise ExportError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")


def exported_kinds(fmt: str, values: Mapping[Kind, str]) -> list[Kind]:
    """Which of `values` a format carries (for the export record on the profile)."""
    if fmt == "twurlrc":
        keep = {Kind.CONSUMER_KEY, Kind.CONSUMER_SECRET, Kind.BEARER_TOKEN}
        if values.get(Kind.ACCESS_TOKEN) and values.get(Kind.ACCESS_TOKEN_SECRET):
            keep |= {Kind.ACCESS_TOKEN, Kind.ACCESS_TOKEN_SECRET}
    elif fmt == "twarc":
        keep = set(TWARC_KEYS)
    elif fmt == "xurl":
        keep = {
            Kind.CLIENT_ID,
            Kind.CLIENT_SECRET,
            Kind.BEARER_TOKEN,
            Kind.OAUTH2_ACCESS_TOKEN,
            Kind.OAUTH2_REFRESH_TOKEN,
        }
        if values.get(Kind.ACCESS_TOKEN) and values.get(Kind.CONSUMER_KEY):
            keep |= {Kind.ACCESS_TOKEN, Kind.ACCESS_TOKEN_SECRET, Kind.CONSUMER_KEY, Kind.CONSUMER_SECRET}
    else:
        keep = set(FIELDS)
    return [k for k in FIELDS if k in keep and values.get(k)]


def export_fingerprints(fmt: str, values: Mapping[Kind, str]) -> dict[str, str]:
    return {k.value: fingerprint(values[k]) for k in exported_kinds(fmt, values)}
