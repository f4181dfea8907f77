"""Checks across a set of credential fields that need no network (`cross.<name>` results).

Facts from shared/FACTS.md section 1: the Client ID vs Consumer Key dispute ("Client ID vs
Consumer Key": explain, do not assert), the access token's user id prefix, paste hygiene
("secret values swapped between fields, key and secret from two different regenerations"),
and the 7200 s lifetime of OAuth 2.0 user access tokens.

Each check is emitted only when the values it needs are present, except
`cross.same-generation`, which always says (as a skip) that it cannot be decided offline
whenever a key/secret pair is present. Messages never contain a value.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from xkeys.core.kinds import KINDS, Kind, label, parse_field
from xkeys.core.results import CheckResult, Status
from xkeys.core.shapes import Classification, classify

__all__ = ["crosscheck", "PAIRS"]

#: the key/secret pairs that must come from one generation, with a check-id stem
PAIRS: tuple[tuple[str, Kind, Kind], ...] = (
    ("consumer-pair", Kind.CONSUMER_KEY, Kind.CONSUMER_SECRET),
    ("access-pair", Kind.ACCESS_TOKEN, Kind.ACCESS_TOKEN_SECRET),
    ("client-pair", Kind.CLIENT_ID, Kind.CLIENT_SECRET),
)

#: fields that hold identifiers (shown, not secret): a secret there was pasted in the wrong place
_IDENTIFIER_FIELDS = (Kind.CONSUMER_KEY, Kind.CLIENT_ID)


def _r(name: str, status: Status, message: str, diagnosis: str | None = None, **details: object) -> CheckResult:
    return CheckResult(id=f"cross.{name}", status=status, message=message, diagnosis=diagnosis, details=dict(details))


def _as_kind(key: Kind | str) -> Kind | None:
    if isinstance(key, Kind):
        return key
    return parse_field(key)


def _a(text: str) -> str:
    return ("an " if text[:1].lower() in "aeiou" else "a ") + text


def crosscheck(values: Mapping[Kind, str] | Mapping[str, str], *, now: float | None = None) -> list[CheckResult]:
    """Run every offline cross-field check on `values` (field -> raw pasted value).

    Empty values count as absent. Keys may be Kinds or field names (`parse_field`); unknown
    names are ignored. `now` (epoch seconds) is the clock for OAuth 2.0 token expiry.
    """
    clock = time.time() if now is None else now
    cls: dict[Kind, Classification] = {}
    for key, raw in values.items():
        k = _as_kind(key)
        if k is None or k in (Kind.UNKNOWN, Kind.XAI_API_KEY) or not raw:
            continue
        c = classify(raw, k, now=clock)
        if c.value:
            cls[k] = c
    out: list[CheckResult] = []
    out.extend(_client_id_vs_consumer_key(cls))
    out.extend(_access_token_user_id(cls))
    out.extend(_duplicates(cls))
    out.extend(_secret_in_identifier_field(cls))
    out.extend(_swapped(cls))
    out.extend(_completeness(cls))
    out.extend(_same_generation(cls))
    out.extend(_oauth2_expiry(cls, clock))
    return out


def _client_id_vs_consumer_key(cls: dict[Kind, Classification]) -> list[CheckResult]:
    ck, cid = cls.get(Kind.CONSUMER_KEY), cls.get(Kind.CLIENT_ID)
    name = "client-id-vs-consumer-key"
    if ck is not None and ck.kind is Kind.CLIENT_ID:
        return [
            _r(
                name,
                Status.FAIL,
                "The API Key (Consumer Key) field holds what looks like an OAuth 2.0 Client ID, which X's "
                "documentation shows as a different string, so copy the API Key from Consumer Keys in Keys "
                "and tokens (the live check settles it).",
                "client-id-as-consumer-key",
            )
        ]
    if cid is not None and cid.kind is Kind.CONSUMER_KEY and (ck is None or ck.value != cid.value):
        return [
            _r(
                name,
                Status.FAIL,
                "The Client ID field holds a value shaped like an API Key (Consumer Key), which X's "
                "documentation shows as a different string, so copy the Client ID from the OAuth 2.0 "
                "section of Keys and tokens (the live check settles it).",
                "client-id-as-consumer-key",
            )
        ]
    if ck is None or cid is None:
        return []
    if ck.value == cid.value:
        return [
            _r(
                name,
                Status.PASS,
                "The Client ID and the API Key (Consumer Key) are the same string: some guides say they "
                "are, while X's documentation shows two distinct values, so xkeys accepts it as pasted and "
                "the live checks will tell whether each one works.",
                same=True,
            )
        ]
    return [
        _r(
            name,
            Status.PASS,
            "The Client ID and the API Key (Consumer Key) are different strings, which is normal: they are "
            "separate credentials for OAuth 2.0 and OAuth 1.0a.",
            same=False,
        )
    ]


def _access_token_user_id(cls: dict[Kind, Classification]) -> list[CheckResult]:
    at = cls.get(Kind.ACCESS_TOKEN)
    if at is None:
        return []
    uid = at.details.get("user_id") if at.kind is Kind.ACCESS_TOKEN else None
    if uid:
        return [
            _r(
                "access-token-user-id",
                Status.PASS,
                "The Access Token starts with the numeric id of the user it acts for (see details; "
                "compare it with the account you expect).",
                user_id=uid,
                id_style=at.details.get("id_style"),
            )
        ]
    if at.kind is Kind.OAUTH2_ACCESS_TOKEN:
        return [
            _r(
                "access-token-user-id",
                Status.WARN,
                "The Access Token field holds an OAuth 2.0 user access token, which carries no user id; "
                "the OAuth 1.0a Access Token starts with the user's numeric id and a dash.",
                "wrong-field",
            )
        ]
    return [
        _r(
            "access-token-user-id",
            Status.FAIL,
            "The Access Token does not start with a numeric user id and a dash, as every X access token "
            "does, so it is probably another value or was cut while copying.",
            "wrong-field",
        )
    ]


def _duplicates(cls: dict[Kind, Classification]) -> list[CheckResult]:
    by_value: dict[str, list[Kind]] = {}
    for k, c in cls.items():
        by_value.setdefault(c.value, []).append(k)
    groups = [ks for ks in by_value.values() if len(ks) > 1]
    # equal Client ID and Consumer Key is judged by client-id-vs-consumer-key, not here
    groups = [ks for ks in groups if set(ks) != {Kind.CONSUMER_KEY, Kind.CLIENT_ID}]
    if not groups:
        if len(cls) >= 2:
            return [_r("duplicate-values", Status.PASS, "Every field holds a different value.")]
        return []
    names = "; ".join(" and ".join(label(k) for k in ks) for ks in groups)
    return [
        _r(
            "duplicate-values",
            Status.FAIL,
            f"The same value was pasted into more than one field ({names}); each field needs its own "
            "value from Keys and tokens.",
            "wrong-field",
            fields=[[k.value for k in ks] for ks in groups],
        )
    ]


def _secret_in_identifier_field(cls: dict[Kind, Classification]) -> list[CheckResult]:
    out = []
    for f in _IDENTIFIER_FIELDS:
        c = cls.get(f)
        if c is None or c.kind is Kind.UNKNOWN or c.kind is f:
            continue
        info = KINDS.get(c.kind)
        if info is not None and info.secret:
            out.append(
                _r(
                    f"secret-in-{f.value.replace('_', '-')}",
                    Status.FAIL,
                    f"The {label(f)} field holds what looks like {_a(label(c.kind))}, a secret; "
                    f"the {label(f)} is a public identifier, so the values are probably in the wrong "
                    "fields.",
                    "wrong-field",
                    found=c.kind.value,
                )
            )
    return out


def _swapped(cls: dict[Kind, Classification]) -> list[CheckResult]:
    out = []
    for stem, a, b in PAIRS:
        ca, cb = cls.get(a), cls.get(b)
        if ca is None or cb is None:
            continue
        a_is_b = ca.kind is b or b in ca.alternatives
        b_is_a = cb.kind is a or a in cb.alternatives
        if a_is_b and b_is_a and not (ca.matches_field and cb.matches_field):
            out.append(
                _r(
                    f"{stem}-swapped",
                    Status.FAIL,
                    f"The {label(a)} and the {label(b)} look swapped: each has the shape of the other, "
                    "so paste each into the other's field.",
                    "wrong-field",
                )
            )
        else:
            out.append(_r(f"{stem}-swapped", Status.PASS, f"The {label(a)} and the {label(b)} are not swapped."))
    return out


def _completeness(cls: dict[Kind, Classification]) -> list[CheckResult]:
    out = []
    has = cls.__contains__
    # OAuth 1.0a consumer pair: the secret without its key is useless; the key alone can do nothing
    if has(Kind.CONSUMER_SECRET) and not has(Kind.CONSUMER_KEY):
        out.append(
            _r(
                "consumer-pair-complete",
                Status.FAIL,
                "There is an API Key Secret but no API Key (Consumer Key): they are used together, so "
                "copy the API Key from the same Consumer Keys section.",
                "bad-consumer-credentials",
            )
        )
    elif has(Kind.CONSUMER_KEY) and not has(Kind.CONSUMER_SECRET):
        out.append(
            _r(
                "consumer-pair-complete",
                Status.WARN,
                "There is an API Key but no API Key Secret: requests signed as the app need both; the "
                "secret is shown once when you regenerate Consumer Keys.",
            )
        )
    elif has(Kind.CONSUMER_KEY):
        out.append(_r("consumer-pair-complete", Status.PASS, "The API Key and its secret are both present."))
    # OAuth 1.0a user token pair
    if has(Kind.ACCESS_TOKEN) != has(Kind.ACCESS_TOKEN_SECRET):
        missing, present = (
            (Kind.ACCESS_TOKEN_SECRET, Kind.ACCESS_TOKEN)
            if has(Kind.ACCESS_TOKEN)
            else (Kind.ACCESS_TOKEN, Kind.ACCESS_TOKEN_SECRET)
        )
        out.append(
            _r(
                "access-pair-complete",
                Status.FAIL,
                f"There is an {label(present)} but no {label(missing)}: they only work together, so "
                "copy both from the same Access Token and Secret generation.",
                "invalid-or-expired-token",
                missing=missing.value,
            )
        )
    elif has(Kind.ACCESS_TOKEN):
        if not (has(Kind.CONSUMER_KEY) and has(Kind.CONSUMER_SECRET)):
            out.append(
                _r(
                    "access-pair-complete",
                    Status.WARN,
                    "The Access Token and its secret are present, but signing requests as the user also "
                    "needs the API Key and API Key Secret of the same app.",
                )
            )
        else:
            out.append(_r("access-pair-complete", Status.PASS, "All four OAuth 1.0a values are present."))
    # OAuth 2.0 client pair: a public (Native App) client has no secret, so only the reverse fails
    if has(Kind.CLIENT_SECRET) and not has(Kind.CLIENT_ID):
        out.append(
            _r(
                "client-pair-complete",
                Status.FAIL,
                "There is a Client Secret but no Client ID: copy the Client ID from the OAuth 2.0 "
                "section of Keys and tokens.",
                "invalid-client",
            )
        )
    elif has(Kind.CLIENT_ID):
        out.append(
            _r(
                "client-pair-complete",
                Status.PASS,
                "The Client ID and its secret are both present."
                if has(Kind.CLIENT_SECRET)
                else "There is a Client ID without a Client Secret, which is right for a public (Native App) "
                "client; a Web App or Bot client also needs its secret.",
                public_client=not has(Kind.CLIENT_SECRET),
            )
        )
    return out


def _same_generation(cls: dict[Kind, Classification]) -> list[CheckResult]:
    pairs = [stem for stem, a, b in PAIRS if a in cls and b in cls]
    if not pairs:
        return []
    return [
        _r(
            "same-generation",
            Status.SKIP,
            "Whether each key and secret come from the same regeneration cannot be detected offline; the "
            "live check settles it.",
            pairs=pairs,
        )
    ]


def _oauth2_expiry(cls: dict[Kind, Classification], now: float) -> list[CheckResult]:
    c = cls.get(Kind.OAUTH2_ACCESS_TOKEN)
    if c is None or c.kind is not Kind.OAUTH2_ACCESS_TOKEN:
        return []
    expires_at = c.details.get("expires_at")
    if c.details.get("likely_expired"):
        if Kind.OAUTH2_REFRESH_TOKEN in cls:
            return [
                _r(
                    "oauth2-token-expiry",
                    Status.WARN,
                    f"The OAuth 2.0 access token expired at {expires_at} by its embedded time; the refresh "
                    "token can get a new one (xkeys token refresh).",
                    "oauth2-token-expired",
                    expires_at=expires_at,
                )
            ]
        return [
            _r(
                "oauth2-token-expiry",
                Status.FAIL,
                f"The OAuth 2.0 access token expired at {expires_at} by its embedded time and there is no "
                "refresh token, so log in again (xkeys login pkce) with the offline.access scope.",
                "oauth2-token-expired",
                expires_at=expires_at,
            )
        ]
    return [
        _r(
            "oauth2-token-expiry",
            Status.PASS,
            f"The OAuth 2.0 access token is within its 2-hour lifetime (until {expires_at}).",
            expires_at=expires_at,
        )
    ]
