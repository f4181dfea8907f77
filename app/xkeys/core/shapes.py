"""Recognise a pasted string as one of X's credential kinds: `sanitize` + `classify`.

Every shape fact below comes from shared/FACTS.md section 1 ("The credential kinds",
"Client ID vs Consumer Key", "Paste hygiene") and section 5 (other services' secrets that
turn up beside X keys). Shapes are heuristics: lengths changed over the years, so
distinctive features are tried first (21 leading `A` + `%3D`, `<digits>-<tail>`, base64url
decoding to `:1:ci` or `:at:`/`:rt:`, the `xai-` prefix), then length bands, and the
confidence says how sure the guess is.

Safety: no message, detail or repr ever contains the value (at most a non-secret fact
such as the user id an access token acts for). The hot path is regex-only (precompiled),
raises nothing for any input, and costs a few microseconds (bench/bench_classify.py).
"""

from __future__ import annotations

import binascii
import re
import time
from base64 import urlsafe_b64decode
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from xkeys.core.kinds import KINDS, OAUTH1_FIELDS, Kind, label, parse_field

__all__ = ["Classification", "classify", "sanitize", "HYGIENE_FIXES", "OAUTH2_ACCESS_TTL"]

# --------------------------------------------------------------------------- hygiene

#: Every hygiene id `sanitize` can report, with the plain-words phrase used in messages.
#: (FACTS.md section 1 "Paste hygiene".) `url-decoded-bearer` and `double-encoded-bearer`
#: are notices: the value is NOT rewritten, only reported.
HYGIENE_FIXES: dict[str, str] = {
    "stripped-whitespace": "spaces or line breaks around it",
    "removed-quotes": "quotes around it",
    "removed-smart-quotes": "typographic (smart) quotes around it",
    "removed-bearer-prefix": "a 'Bearer ' prefix",
    "removed-zero-width": "invisible zero-width characters",
    "removed-nbsp": "non-breaking spaces",
    "removed-name-prefix": "the variable name in front of it",
    "removed-inner-whitespace": "line breaks or spaces inside it (a wrapped paste)",
    "url-decoded-bearer": "'=' where the portal shows '%3D', a hand URL-decoding that X accepts "
    "but that tools which encode again will break",
    "double-encoded-bearer": "'%25' sequences, a sign it was URL-encoded twice, which X rejects",
}

#: characters people paste without seeing them
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u180e\u00ad"
_NBSP = "\u00a0\u202f\u2007"
_ZW_TABLE = {ord(c): None for c in _ZERO_WIDTH}
_NBSP_TABLE = {ord(c): " " for c in _NBSP}
_STRAIGHT_QUOTES = "\"'`"
_SMART_QUOTES = "\u201c\u201d\u2018\u2019\u201e\u201a\u00ab\u00bb\u2039\u203a\u201f\u201b"

# `export NAME="value"`, `NAME=value`, `NAME: value`, `"name": "value",`, `set NAME=value`,
# `Authorization: Bearer x`, portal labels such as `API Key Secret: value`.
_NAME_PREFIX = re.compile(
    r"""^(?:export\s+|set\s+|setenv\s+|ENV\s+)?
        ["']?(?P<name>[A-Za-z_][A-Za-z0-9_.\-]{0,63}|[A-Za-z][A-Za-z0-9.]*(?:\ [A-Za-z0-9.]+){1,4})["']?
        (?:\s*=\s*|\s*:\s*|\s+(?=["']))
        (?P<value>(?!//)[^\s=].*?)[,;]?$""",
    re.VERBOSE | re.DOTALL,
)
#: the longest X credential is a bearer of ~116 chars; beyond these, text is not one value
_MAX_SANITIZE = 2000
_MAX_VALUE = 300

#: cheap pre-test: only text with one of these can carry a NAME prefix
_MAYBE_PREFIXED = re.compile(r"[=:\s\"']")
_BEARER_PREFIX = re.compile(r"^(?:authorization\s*:\s*)?bearer\s*[:=]?\s+", re.IGNORECASE)
_WS = re.compile(r"\s+")
_TOKEN_PIECE = re.compile(r"^[A-Za-z0-9%+/=_\-.~]+$")
_BEARER_START = re.compile(r"^A{18,}")


def _looks_like_name(name: str) -> bool:
    """Is `name` a plausible variable/label (and not the left half of a decoded bearer)?"""
    if _BEARER_START.match(name):
        return False
    if " " in name:  # a portal label: must be one we know
        return parse_field(name) is not None or name.lower() in _LABEL_WORDS
    # long runs of pure alphanumerics with mixed case and digits are token halves, not names
    if len(name) >= 16 and name.isalnum() and not name.isupper() and not name.islower():
        return False
    return True


_LABEL_WORDS = {"authorization", "api key", "api secret", "access token", "bearer token"}


def _strip_quotes(v: str, fixes: list[str]) -> str:
    changed = True
    while changed and v:
        changed = False
        if v[0] in _STRAIGHT_QUOTES or v[-1] in _STRAIGHT_QUOTES:
            v = v.strip(_STRAIGHT_QUOTES)
            _add(fixes, "removed-quotes")
            changed = True
        if v and (v[0] in _SMART_QUOTES or v[-1] in _SMART_QUOTES):
            v = v.strip(_SMART_QUOTES)
            _add(fixes, "removed-smart-quotes")
            changed = True
        stripped = v.strip()
        if stripped != v:
            v = stripped
            _add(fixes, "stripped-whitespace")
            changed = True
    return v


def _add(fixes: list[str], fix: str) -> None:
    if fix not in fixes:
        fixes.append(fix)


def sanitize(text: str) -> tuple[str, list[str]]:
    """Undo the usual paste accidents; return (clean value, hygiene fix ids in order applied).

    Removes surrounding whitespace/newlines, straight and smart quotes, a `Bearer ` prefix,
    zero-width and non-breaking spaces, a `NAME=` / `export NAME="..."` / `NAME: ` prefix, and
    whitespace inside a token (a line-wrapped paste). A bearer whose `%3D` was decoded to `=`
    by hand is reported (`url-decoded-bearer`) but left as it is.
    """
    value, fixes, _name = _sanitize(text)
    return value, fixes


def _sanitize(text: str) -> tuple[str, list[str], str | None]:
    fixes: list[str] = []
    name: str | None = None
    if not text:
        return "", fixes, None
    v = text
    if any(c in v for c in _ZERO_WIDTH):
        v = v.translate(_ZW_TABLE)
        fixes.append("removed-zero-width")
    if any(c in v for c in _NBSP):
        v = v.translate(_NBSP_TABLE)
        fixes.append("removed-nbsp")
    s = v.strip()
    if s != v:
        v = s
        _add(fixes, "stripped-whitespace")
    if len(v) > _MAX_SANITIZE:  # far longer than any credential: trim the edges only
        return v, fixes, None
    for _ in range(3):  # prefix, quotes and bearer may nest: export X="Bearer AAA..."
        before = v
        if v[:1] in _STRAIGHT_QUOTES or v[:1] in _SMART_QUOTES:
            v = _strip_quotes(v, fixes)
        m = _NAME_PREFIX.match(v) if _MAYBE_PREFIXED.search(v) else None
        if m and _looks_like_name(m.group("name")) and not _BEARER_PREFIX.match(v):
            v = m.group("value").strip()
            name = name or m.group("name")
            _add(fixes, "removed-name-prefix")
            v = _strip_quotes(v, fixes)
        m2 = _BEARER_PREFIX.match(v)
        if m2 and len(v) > m2.end():
            v = v[m2.end() :]
            _add(fixes, "removed-bearer-prefix")
            v = _strip_quotes(v, fixes)
        v = _strip_quotes(v, fixes)
        if v == before or not v:
            break
    if v and _WS.search(v):
        pieces = v.split()
        if len(pieces) <= 8 and all(_TOKEN_PIECE.match(p) for p in pieces) and max(map(len, pieces)) >= 10:
            joined = "".join(pieces)
            m = _NAME_PREFIX.match(joined)
            if not (m and _looks_like_name(m.group("name"))) and not _BEARER_PREFIX.match(joined):
                v = joined
                fixes.append("removed-inner-whitespace")
    if _BEARER_START.match(v):
        if "%25" in v:
            fixes.append("double-encoded-bearer")
        elif "%" not in v and "=" in v:
            fixes.append("url-decoded-bearer")
    return v, fixes, name


# --------------------------------------------------------------------------- shapes

_ALNUM = re.compile(r"^[A-Za-z0-9]+$")
_B64URL = re.compile(r"^[A-Za-z0-9_\-]+$")
# bearer: 21 leading A then URL-encoded base64 (FACTS.md 1: ~112-116 raw, 110 decoded)
_BEARER_ENCODED = re.compile(r"^A{18,}[A-Za-z0-9%]+$")
_BEARER_DECODED = re.compile(r"^A{18,}[A-Za-z0-9+/=]+$")
_BEARER_PCT = re.compile(r"%(?:3D|2B|2F)", re.IGNORECASE)
# access token: <numeric user id>-<alnum tail>
_ACCESS_TOKEN = re.compile(r"^([0-9]{1,20})-([A-Za-z0-9]{10,60})$")
_XAI = re.compile(r"^xai-[A-Za-z0-9]{20,}$")
# decoded OAuth 2.0 token: <random>:<13-digit ms timestamp>:1:0|1:at|rt:1
_OAUTH2_DECODED = re.compile(r"^[\x21-\x7e]{8,}:([0-9]{13}):1:([01]):(at|rt):1$")
# decoded Client ID: <20 chars>:1:ci (a `:na` public-client variant is claimed, unconfirmed)
_CLIENT_ID_DECODED = re.compile(r"^[A-Za-z0-9_\-]{16,24}:1:([a-z]{2})$")
_HEX = re.compile(r"^[0-9a-fA-F]{32,}$")

#: OAuth 2.0 user access tokens live 7200 s (FACTS.md section 1 / PKCE token answer)
OAUTH2_ACCESS_TTL = 7200

# Other services' secrets found beside X keys (FACTS.md section 5): never an X kind.
_LOOKALIKES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})$"), "a GitHub token"),
    (re.compile(r"^sk-ant-[A-Za-z0-9_\-]{20,}$"), "an Anthropic API key"),
    (re.compile(r"^sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,}$"), "an OpenAI API key"),
    (re.compile(r"^AIza[0-9A-Za-z_\-]{35}$"), "a Google API key"),
    (re.compile(r"^GOCSPX-[0-9A-Za-z_\-]{20,}$"), "a Google OAuth client secret"),
    (re.compile(r"^[0-9]+-[0-9a-z]+\.apps\.googleusercontent\.com$"), "a Google OAuth client ID"),
    (re.compile(r"^xox[abposr]-[0-9A-Za-z\-]{10,}$"), "a Slack token"),
    (re.compile(r"^[0-9]{6,12}:[A-Za-z0-9_\-]{35}$"), "a Telegram bot token"),
    (re.compile(r"^eyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*$"), "a JSON Web Token (JWT)"),
    (re.compile(r"^(?:AKIA|ASIA)[0-9A-Z]{16}$"), "an AWS access key ID"),
    (re.compile(r"^(?:sk|pk|rk)_(?:live|test)_[0-9A-Za-z]{10,}$"), "a Stripe key"),
    (re.compile(r"^glpat-[0-9A-Za-z_\-]{20}$"), "a GitLab token"),
    (re.compile(r"^(?:[MN][A-Za-z0-9_\-]{23,25})\.[A-Za-z0-9_\-]{6}\.[A-Za-z0-9_\-]{27,38}$"), "a Discord bot token"),
    (re.compile(r"^https?://\S+$", re.IGNORECASE), "a web address, not a key"),
    (re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$"), "an email address, not a key"),
)

# Placeholder text (FACTS.md section 5 "Placeholders come in many forms").
_PLACEHOLDER = re.compile(
    r"""^(?:
        [xX*•.·_\-#0]{3,}                          # xxxxx, ***, ....., 00000
      | .*(?:\.\.\.|…|\*\*\*|•••|XXXX).*          # masked copies: 7Qm2XXXX...bT
      | <[^<>]*>                                   # <CONSUMER KEY>
      | \$\{\{?.*\}\}?|\$[A-Z_][A-Z0-9_]*          # ${{ secrets.X }}, ${VAR}, $VAR
      | <%=?.*%>|\{\{.*\}\}|%\(.*\)s|%[A-Z_]+%     # templates
      | (?i:(?:your|my|insert|enter|put|paste|add)[\s_\-].*)  # your-key-here, insert token
      | (?i:your.*(?:key|token|secret|here|id).*)
      | (?i:.*(?:placeholder|changeme|change[_\-]me|replace[_\-]?me|example|dummy|redacted|notset|not[_\-]set).*)
      | (?i:none|null|nil|undefined|false|true|empty|secret|token|key|password|test|todo|tbd|fixme|abc|abc123|123456)
    )$""",
    re.VERBOSE | re.DOTALL,
)


@dataclass
class Classification:
    """What a pasted value is. `value` (the sanitized value) is never in repr or `to_dict`."""

    kind: Kind
    confidence: str  # high | medium | low
    field: Kind | None
    matches_field: bool | None
    hygiene: list[str]
    details: dict[str, Any]
    message: str
    alternatives: list[Kind] = dc_field(default_factory=list)
    diagnosis: str | None = None
    value: str = dc_field(default="", repr=False, compare=False)

    @property
    def known(self) -> bool:
        return self.kind is not Kind.UNKNOWN

    def to_dict(self) -> dict[str, Any]:
        """The classify JSON contract (shared/DESIGN.md), plus `alternatives` and `diagnosis`."""
        return {
            "kind": self.kind.value,
            "confidence": self.confidence,
            "field": self.field.value if self.field is not None else None,
            "matches_field": self.matches_field,
            "hygiene": list(self.hygiene),
            "details": dict(self.details),
            "message": self.message,
            "alternatives": [k.value for k in self.alternatives],
            "diagnosis": self.diagnosis,
        }


@dataclass
class _Guess:
    kind: Kind
    confidence: str
    note: str  # "This is ..." clause, no value inside
    details: dict[str, Any]
    alternatives: list[Kind] = dc_field(default_factory=list)


_UP = {"low": "medium", "medium": "high", "high": "high"}


def _b64url_text(v: str) -> str | None:
    """base64url-decode (padding optional) to text, or None; never raises for any input."""
    if len(v) % 4 == 1 or not _B64URL.match(v):
        return None
    try:
        raw = urlsafe_b64decode(v + "=" * (-len(v) % 4))
    except (binascii.Error, ValueError):  # pragma: no cover - excluded by the checks above
        return None
    return raw.decode("latin-1")


def _iso(ts: float) -> str:
    # time.gmtime, not datetime: keeps `import datetime` off the start-up path
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def _guess(v: str, now: float) -> _Guess:
    n = len(v)
    d: dict[str, Any] = {"length": n}
    if "\n" in v or "\r" in v:
        d["lines"] = len(v.splitlines())
        return _Guess(
            Kind.UNKNOWN,
            "medium",
            "This is several lines of text, not one value; to find the credentials in a file or a "
            "longer paste, use xkeys scan",
            d,
        )
    if n > _MAX_VALUE:
        return _Guess(
            Kind.UNKNOWN,
            "high",
            f"This is {n:,} characters, far longer than any X credential (the longest, a Bearer Token, is about 116)",
            d,
        )

    # -- distinctive features first -------------------------------------------------------
    if v.startswith("xai-") and _XAI.match(v):
        return _Guess(
            Kind.XAI_API_KEY,
            "high",
            "This is an xAI (Grok) API key from console.x.ai, which does not work with the "
            "X API; X keys come from console.x.com",
            d,
        )

    if _BEARER_START.match(v):
        leading = n - len(v.lstrip("A"))
        d["leading_a"] = leading
        if _BEARER_ENCODED.match(v):
            encoded = bool(_BEARER_PCT.search(v))
            d["url_encoded"] = encoded
            conf = "high" if encoded and leading >= 20 and 95 <= n <= 130 else "medium"
            if n < 95:
                d["truncated"] = True
                return _Guess(
                    Kind.BEARER_TOKEN,
                    "medium",
                    f"This looks like a Bearer Token, but at {n} characters it is shorter than "
                    "the usual 110-116, so part of it may be missing",
                    d,
                )
            return _Guess(Kind.BEARER_TOKEN, conf, "This is an X app-only Bearer Token", d)
        if _BEARER_DECODED.match(v):
            d["url_encoded"] = False
            conf = "high" if "=" in v and 95 <= n <= 130 else "medium"
            return _Guess(Kind.BEARER_TOKEN, conf, "This is an X app-only Bearer Token (URL-decoded)", d)

    m = _ACCESS_TOKEN.match(v)
    if m:
        uid, tail = m.group(1), m.group(2)
        d["user_id"] = uid
        d["id_style"] = "modern" if len(uid) >= 15 else "legacy"
        conf = "high" if 25 <= len(tail) <= 45 and uid[0] != "0" else "medium"
        return _Guess(
            Kind.ACCESS_TOKEN,
            conf,
            "This is an OAuth 1.0a Access Token; it starts with the numeric id of the user it acts for (see details)",
            d,
        )

    if n >= 40 and _B64URL.match(v):
        text = _b64url_text(v)
        if text is not None:
            om = _OAUTH2_DECODED.match(text)
            if om:
                ms = int(om.group(1))
                issued = ms / 1000.0
                d["issued_at"] = _iso(issued)
                if om.group(3) == "at":
                    expires = issued + OAUTH2_ACCESS_TTL
                    d["expires_at"] = _iso(expires)
                    d["likely_expired"] = now >= expires
                    state = (
                        "it has likely expired (they last 2 hours), so refresh it or log in again"
                        if now >= expires
                        else "it is likely still valid (they last 2 hours)"
                    )
                    return _Guess(
                        Kind.OAUTH2_ACCESS_TOKEN,
                        "high",
                        f"This is an OAuth 2.0 user access token issued {d['issued_at']}; {state}",
                        d,
                    )
                return _Guess(
                    Kind.OAUTH2_REFRESH_TOKEN,
                    "high",
                    f"This is an OAuth 2.0 refresh token issued {d['issued_at']}; each one works "
                    "only once, so always keep the newest",
                    d,
                )

    if n == 34 and _B64URL.match(v):
        text = _b64url_text(v)
        if text is not None:
            cm = _CLIENT_ID_DECODED.match(text)
            if cm:
                suffix = cm.group(1)
                d["id_suffix"] = suffix
                if suffix == "ci":
                    d["client_type"] = "client"
                    return _Guess(Kind.CLIENT_ID, "high", "This is an OAuth 2.0 Client ID", d)
                if suffix == "na":
                    d["client_type"] = "native (unconfirmed)"
                    return _Guess(
                        Kind.CLIENT_ID,
                        "medium",
                        "This looks like an OAuth 2.0 Client ID of the ':na' kind, a public-client "
                        "variant that others report but X does not document",
                        d,
                    )
                d["client_type"] = "unrecognised"
                return _Guess(
                    Kind.CLIENT_ID, "low", "This decodes like an OAuth 2.0 Client ID but with an unfamiliar suffix", d
                )

    # -- other services and placeholders --------------------------------------------------
    for pattern, what in _LOOKALIKES:
        if pattern.match(v):
            d["looks_like"] = what
            return _Guess(Kind.UNKNOWN, "high", f"This is not an X credential: it looks like {what}", d)
    if (
        _PLACEHOLDER.match(v)
        or (n <= 40 and not _ALNUM.match(v) and parse_field(v) is not None)
        or (v.isupper() and "_" in v)
    ):
        d["placeholder"] = True
        return _Guess(
            Kind.UNKNOWN,
            "high",
            "This is placeholder text (or a variable name), not a real credential; paste the "
            "value from console.x.com > your App > Keys and tokens",
            d,
        )

    # -- length bands (alphanumeric) ------------------------------------------------------
    if _ALNUM.match(v):
        # 32+ hex digits: a hash or another service's key (a random 40-50 char X secret is
        # hex-only with odds below 1e-17)
        if _HEX.match(v):
            d["looks_like"] = "a hexadecimal string"
            return _Guess(
                Kind.UNKNOWN,
                "medium",
                "This is a hexadecimal string (a hash or another service's key); X credentials are not hex-only",
                d,
            )
        if n == 25:
            return _Guess(Kind.CONSUMER_KEY, "high", "This has the shape of an API Key (Consumer Key)", d)
        if n in (21, 22):
            return _Guess(Kind.CONSUMER_KEY, "medium", "This has the shape of an older API Key (Consumer Key)", d)
        if n == 50:
            return _Guess(
                Kind.CONSUMER_SECRET,
                "medium",
                "This fits two kinds: an API Key Secret (Consumer Secret) or an OAuth 2.0 "
                "Client Secret, which have the same length",
                d,
                [Kind.CLIENT_SECRET],
            )
        if n == 45:
            return _Guess(Kind.ACCESS_TOKEN_SECRET, "high", "This has the shape of an Access Token Secret", d)
        if n == 40:
            return _Guess(Kind.ACCESS_TOKEN_SECRET, "medium", "This has the shape of an older Access Token Secret", d)
        if n == 41:
            return _Guess(
                Kind.ACCESS_TOKEN_SECRET,
                "low",
                "This fits two older kinds of the same length: an Access Token Secret or an "
                "API Key Secret (Consumer Secret)",
                d,
                [Kind.CONSUMER_SECRET],
            )
        if n in (42, 43):
            return _Guess(
                Kind.CONSUMER_SECRET, "medium", "This has the shape of an older API Key Secret (Consumer Secret)", d
            )
        near = _NEAR.get(n)
        if near is not None:
            d["near_kind"] = near[0].value
            return _Guess(
                Kind.UNKNOWN,
                "low",
                f"This is {n} letters and digits, one {near[1]} {_a(label(near[0]))}'s "
                f"{near[2]}, so a character may have been lost or added while copying",
                d,
            )
        return _Guess(Kind.UNKNOWN, "low", f"No X credential is {n} letters and digits long", d)

    if n == 50 and _B64URL.match(v):
        return _Guess(Kind.CLIENT_SECRET, "high", "This has the shape of an OAuth 2.0 Client Secret", d)
    if _B64URL.match(v) and 45 <= n <= 55:
        return _Guess(Kind.CLIENT_SECRET, "low", "This may be an OAuth 2.0 Client Secret, but its length is unusual", d)
    return _Guess(Kind.UNKNOWN, "low", "This does not match the shape of any X credential", d)


#: alphanumeric lengths one off a modern band -> (kind, "short of"/"over", band length)
_NEAR: dict[int, tuple[Kind, str, str]] = {
    24: (Kind.CONSUMER_KEY, "character short of", "25"),
    26: (Kind.CONSUMER_KEY, "character over", "25"),
    44: (Kind.ACCESS_TOKEN_SECRET, "character short of", "45"),
    46: (Kind.ACCESS_TOKEN_SECRET, "character over", "45"),
    49: (Kind.CONSUMER_SECRET, "character short of", "50"),
    51: (Kind.CONSUMER_SECRET, "character over", "50"),
}


def _several_values(pieces: list[str], now: float) -> list[Kind] | None:
    kinds = [_guess(p, now).kind for p in pieces]
    if len(kinds) >= 2 and all(k is not Kind.UNKNOWN for k in kinds):
        return kinds
    return None


def _resolve_field(field: Kind | str | None) -> Kind | None:
    if field is None or field is Kind.UNKNOWN:
        return None
    if isinstance(field, Kind):
        return field
    k = parse_field(field)
    if k is None:
        raise ValueError("unknown field name")
    return k


def _hygiene_clause(hygiene: list[str]) -> str:
    applied = [HYGIENE_FIXES[h] for h in hygiene if h not in ("url-decoded-bearer", "double-encoded-bearer")]
    parts = []
    if applied:
        parts.append("xkeys removed " + _join(applied))
    if "url-decoded-bearer" in hygiene:
        parts.append("it has " + HYGIENE_FIXES["url-decoded-bearer"])
    if "double-encoded-bearer" in hygiene:
        parts.append("it has " + HYGIENE_FIXES["double-encoded-bearer"])
    return "; ".join(parts)


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _where(kind: Kind) -> str:
    info = KINDS.get(kind)
    return info.where if info else "console.x.com"


def classify(text: str, field: Kind | str | None = None, *, now: float | None = None) -> Classification:
    """Say which X credential kind `text` is (after `sanitize`), how sure, and what is wrong.

    `field` (a Kind, id, portal label or env name) is where the value was pasted: it breaks
    ties between kinds of the same shape and drives the wrong-field messages. `now` (epoch
    seconds) is the clock used for OAuth 2.0 token expiry. Raises ValueError only for an
    unknown field name; any text is accepted.
    """
    fld = _resolve_field(field)
    clock = time.time() if now is None else now
    value, hygiene, name = _sanitize(text if isinstance(text, str) else str(text))
    named: Kind | None = parse_field(name) if name else None
    if fld is None and named is not None and named is not Kind.XAI_API_KEY:
        fld = named  # `X_API_KEY=...` pasted whole: the name says which field it was meant for
    if not value:
        return Classification(
            Kind.UNKNOWN,
            "high",
            fld,
            False if fld is not None else None,
            hygiene,
            {"length": 0},
            "The value is empty: nothing was pasted.",
            [],
            None,
            value,
        )
    g = _guess(value, clock)
    if named is not None:
        g.details["named_as"] = named.value

    # a wrapped paste that was really two or more values on separate lines
    if g.kind is Kind.UNKNOWN and "removed-inner-whitespace" in hygiene:
        raw_pieces = [p for p in _WS.split(text.strip().translate(_ZW_TABLE)) if p]
        kinds = _several_values([p.strip(_STRAIGHT_QUOTES + _SMART_QUOTES) for p in raw_pieces], clock)
        if kinds:
            g = _Guess(
                Kind.UNKNOWN,
                "medium",
                f"This is {len(kinds)} values pasted together ({_join([label(k) for k in kinds])}); "
                "paste one value at a time",
                {"length": len(value), "pieces": [k.value for k in kinds]},
            )

    kind, conf, alts = g.kind, g.confidence, list(g.alternatives)
    matches: bool | None = None
    diagnosis: str | None = None
    note = g.note
    if fld is not None:
        if kind is fld:
            matches = True
            if alts:  # the field agrees with the first guess: more sure
                conf = _UP[conf]
        elif fld in alts:
            alts = [kind] + [a for a in alts if a is not fld]
            kind = fld
            conf = _UP[conf]
            matches = True
            note = (
                f"This has the shape of {_a(label(fld))}, matching its field (a value of this shape "
                f"could also be {_join([_a(label(a)) for a in alts])})"
            )
        else:
            matches = False
            note, diagnosis = _mismatch(kind, fld, note, alts)

    if kind is Kind.XAI_API_KEY:
        diagnosis = "xai-key-not-x"
    if diagnosis is None and hygiene:
        diagnosis = "paste-hygiene"

    message = note
    clause = _hygiene_clause(hygiene)
    if clause:
        message += f"; {clause}"
    message += "."
    return Classification(kind, conf, fld, matches, hygiene, g.details, message, alts, diagnosis, value)


def _a(text: str) -> str:
    """`a`/`an` + text (labels here start with a letter or 'OAuth')."""
    return ("an " if text[:1].lower() in "aeiou" else "a ") + text


def _mismatch(kind: Kind, fld: Kind, note: str, alts: list[Kind] = []) -> tuple[str, str | None]:  # noqa: B006
    """Message + diagnosis for a value whose kind is not the field it was pasted into."""
    fl = label(fld)
    if kind is Kind.UNKNOWN:
        return f"{note}, so it is probably not {_a(fl)}", None
    if kind is Kind.XAI_API_KEY:
        return f"{note}, so it cannot be the {fl}", "xai-key-not-x"
    kl = label(kind)
    if kind is Kind.CLIENT_ID and fld is Kind.CONSUMER_KEY:
        # FACTS.md "Client ID vs Consumer Key": the claim that they are equal is disputed, so explain
        return (
            "This looks like an OAuth 2.0 Client ID (it decodes to the ':1:ci' form), which X's "
            "documentation shows as a different string from the API Key (Consumer Key), so copy the API "
            "Key from the Consumer Keys section of Keys and tokens and keep this one for OAuth 2.0 logins "
            "(the live check settles it)"
        ), "client-id-as-consumer-key"
    if kind is Kind.CONSUMER_KEY and fld is Kind.CLIENT_ID:
        return (
            "This has the shape of an API Key (Consumer Key), while X's documentation shows the OAuth "
            "2.0 Client ID as a different 34-character string, so copy the Client ID from the OAuth 2.0 "
            "section of Keys and tokens (the live check settles it)"
        ), "client-id-as-consumer-key"
    if kind is Kind.BEARER_TOKEN and fld in OAUTH1_FIELDS:
        return (
            f"This is a Bearer Token (app-only), not the {fl}: OAuth 1.0a needs the four values from "
            "Consumer Keys and Access Token and Secret, and the bearer belongs in the Bearer Token "
            "field"
        ), "wrong-field"
    if alts:  # same shape as another kind: name both, claim neither
        kl2 = f"{_a(kl)} or {_join([_a(label(a)) for a in alts])}"
        return (
            f"This looks like {kl2} (they share one shape), not {_a(fl)}, and the {fl} comes from {_where(fld)}"
        ), "wrong-field"
    return (
        f"This looks like {_a(kl)}, not {_a(fl)}: it belongs in the {kl} field, and the {fl} comes from {_where(fld)}"
    ), "wrong-field"
