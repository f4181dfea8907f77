"""The credential kinds X hands out, their portal labels, aliases and field names.

Source: shared/FACTS.md section 1 (kinds, shapes, labels) and section 5 (env var families).
Field names are the kind ids: the same word is used in JSON, profiles, exports and the TUI.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Kind(str, Enum):
    CONSUMER_KEY = "consumer_key"
    CONSUMER_SECRET = "consumer_secret"
    BEARER_TOKEN = "bearer_token"
    ACCESS_TOKEN = "access_token"
    ACCESS_TOKEN_SECRET = "access_token_secret"
    CLIENT_ID = "client_id"
    CLIENT_SECRET = "client_secret"
    OAUTH2_ACCESS_TOKEN = "oauth2_access_token"
    OAUTH2_REFRESH_TOKEN = "oauth2_refresh_token"
    XAI_API_KEY = "xai_api_key"
    UNKNOWN = "unknown"

    def __str__(self) -> str:  # so f-strings and JSON show the id
        return self.value


@dataclass(frozen=True)
class KindInfo:
    kind: Kind
    label: str  # the portal's current label
    aliases: tuple[str, ...]  # other names people and docs use for it
    secret: bool  # True: never shown beyond length + fingerprint
    family: str  # oauth1 | app | oauth2 | xai
    where: str  # where in the console the value is found
    env: tuple[str, ...] = ()  # env var names, preferred first (FACTS.md section 5)


KINDS: dict[Kind, KindInfo] = {
    Kind.CONSUMER_KEY: KindInfo(
        Kind.CONSUMER_KEY,
        "API Key",
        ("Consumer Key", "API Key", "App Key", "oauth_consumer_key"),
        secret=False,
        family="oauth1",
        where="console.x.com > your App > Keys and tokens > Consumer Keys",
        env=("X_API_KEY", "TWITTER_API_KEY", "TWITTER_CONSUMER_KEY", "CONSUMER_KEY", "API_KEY"),
    ),
    Kind.CONSUMER_SECRET: KindInfo(
        Kind.CONSUMER_SECRET,
        "API Key Secret",
        ("Consumer Secret", "API Secret", "API Secret Key", "App Secret"),
        secret=True,
        family="oauth1",
        where="console.x.com > your App > Keys and tokens > Consumer Keys",
        env=(
            "X_API_SECRET",
            "TWITTER_API_SECRET",
            "TWITTER_CONSUMER_SECRET",
            "CONSUMER_SECRET",
            "API_SECRET",
            "API_KEY_SECRET",
            "TWITTER_API_SECRET_KEY",
        ),
    ),
    Kind.BEARER_TOKEN: KindInfo(
        Kind.BEARER_TOKEN,
        "Bearer Token",
        ("App-only token", "Application-only access token"),
        secret=True,
        family="app",
        where="console.x.com > your App > Keys and tokens > Authentication Tokens > Bearer Token",
        env=("X_BEARER_TOKEN", "TWITTER_BEARER_TOKEN", "BEARER_TOKEN"),
    ),
    Kind.ACCESS_TOKEN: KindInfo(
        Kind.ACCESS_TOKEN,
        "Access Token",
        ("OAuth token", "oauth_token", "User access token"),
        secret=True,
        family="oauth1",
        where="console.x.com > your App > Keys and tokens > Authentication Tokens > Access Token and Secret",
        env=("X_ACCESS_TOKEN", "TWITTER_ACCESS_TOKEN", "ACCESS_TOKEN", "TWITTER_ACCESS_TOKEN_KEY"),
    ),
    Kind.ACCESS_TOKEN_SECRET: KindInfo(
        Kind.ACCESS_TOKEN_SECRET,
        "Access Token Secret",
        ("OAuth token secret", "oauth_token_secret"),
        secret=True,
        family="oauth1",
        where="console.x.com > your App > Keys and tokens > Authentication Tokens > Access Token and Secret",
        env=("X_ACCESS_TOKEN_SECRET", "TWITTER_ACCESS_TOKEN_SECRET", "ACCESS_TOKEN_SECRET"),
    ),
    Kind.CLIENT_ID: KindInfo(
        Kind.CLIENT_ID,
        "Client ID",
        ("OAuth 2.0 Client ID",),
        secret=False,
        family="oauth2",
        where="console.x.com > your App > Keys and tokens > OAuth 2.0 Client ID and Client Secret",
        env=("X_CLIENT_ID", "TWITTER_CLIENT_ID", "CLIENT_ID"),
    ),
    Kind.CLIENT_SECRET: KindInfo(
        Kind.CLIENT_SECRET,
        "Client Secret",
        ("OAuth 2.0 Client Secret",),
        secret=True,
        family="oauth2",
        where="console.x.com > your App > Keys and tokens > OAuth 2.0 Client ID and Client Secret",
        env=("X_CLIENT_SECRET", "TWITTER_CLIENT_SECRET", "CLIENT_SECRET"),
    ),
    Kind.OAUTH2_ACCESS_TOKEN: KindInfo(
        Kind.OAUTH2_ACCESS_TOKEN,
        "OAuth 2.0 access token",
        ("User access token (OAuth 2.0)",),
        secret=True,
        family="oauth2",
        where="the result of the OAuth 2.0 PKCE login (xkeys login pkce), not shown in the console",
        env=("X_OAUTH2_ACCESS_TOKEN",),
    ),
    Kind.OAUTH2_REFRESH_TOKEN: KindInfo(
        Kind.OAUTH2_REFRESH_TOKEN,
        "OAuth 2.0 refresh token",
        ("Refresh token",),
        secret=True,
        family="oauth2",
        where="the result of the OAuth 2.0 PKCE login with scope offline.access",
        env=("X_OAUTH2_REFRESH_TOKEN",),
    ),
    Kind.XAI_API_KEY: KindInfo(
        Kind.XAI_API_KEY,
        "xAI API key",
        ("Grok API key", "console.x.ai key"),
        secret=True,
        family="xai",
        where="console.x.ai (the Grok LLM API - not the X API)",
        env=("XAI_API_KEY",),
    ),
}

#: The fields a credential set can hold, in display order (all kinds except xai/unknown).
FIELDS: tuple[Kind, ...] = (
    Kind.CONSUMER_KEY,
    Kind.CONSUMER_SECRET,
    Kind.BEARER_TOKEN,
    Kind.ACCESS_TOKEN,
    Kind.ACCESS_TOKEN_SECRET,
    Kind.CLIENT_ID,
    Kind.CLIENT_SECRET,
    Kind.OAUTH2_ACCESS_TOKEN,
    Kind.OAUTH2_REFRESH_TOKEN,
)

#: The OAuth 1.0a fields: a bearer or xAI key in any of these is always a mistake.
OAUTH1_FIELDS: frozenset[Kind] = frozenset(
    {Kind.CONSUMER_KEY, Kind.CONSUMER_SECRET, Kind.ACCESS_TOKEN, Kind.ACCESS_TOKEN_SECRET}
)


def info(kind: Kind | str) -> KindInfo:
    return KINDS[Kind(kind)]


def is_secret(kind: Kind | str) -> bool:
    k = Kind(kind)
    return True if k is Kind.UNKNOWN else KINDS[k].secret


def label(kind: Kind | str) -> str:
    k = Kind(kind)
    return "unrecognised value" if k is Kind.UNKNOWN else KINDS[k].label


def _norm(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


_ALIAS_INDEX: dict[str, Kind] = {}
for _k, _i in KINDS.items():
    for _name in (_k.value, _i.label, *_i.aliases, *_i.env):
        _ALIAS_INDEX.setdefault(_norm(_name), _k)


def parse_field(name: str) -> Kind | None:
    """A field given by id, portal label, alias or env var name -> its kind (None if unknown).

    `parse_field("API Key Secret") is Kind.CONSUMER_SECRET`; `parse_field("X_API_KEY")` too works.
    """
    return _ALIAS_INDEX.get(_norm(name))
