"""Raw error text -> diagnosis.

Accepts what people actually paste (FACTS.md section 3): a bare JSON body (v1.1 `errors`, v2
problem JSON, OAuth 2.0 `error`/`error_description`), a whole HTTP response with status line
and headers, the XML and plain-text answers of the OAuth 1.0a endpoints, SDK exception text
in its many wrappers (tweepy, the Node client, twitter4j, the Ruby gem, PHP print_r, Go),
Python dict reprs, network exceptions, HTML error pages, xAI API errors and the consent
page's "Something went wrong".

How it works: `_gather` pulls *evidence* out of the text (HTTP status, headers, X error codes,
problem types, reasons, titles, periods); then every rule of the data table `RULES` that
holds for the evidence votes for its diagnosis with a weight. The best score wins; its size
sets the confidence. Rules for X error codes, problem types and OAuth 2.0 error words are
generated from the tables in `xkeys.core.knowledge`; the phrase rules below cite FACTS.md.

Nothing from the input is echoed: every text field of an `Explanation` comes from the catalog,
only numbers (status, code) come from the input, and all fields still go through a redactor
seeded with every secret-shaped string found in the input.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from xkeys.core import knowledge
from xkeys.core.kinds import Kind
from xkeys.core.redact import GLOBAL, Redactor

UNKNOWN = "unknown"

#: `context` values for `from_response`: what kind of credential the request used. They
#: settle answers that carry no code (a bare 401 means different things per credential).
CONTEXT_OAUTH1 = "oauth1"  # signed with consumer pair + access token
CONTEXT_BEARER = "bearer"  # app-only Bearer Token
CONTEXT_OAUTH2_USER = "oauth2-user"  # OAuth 2.0 user access token
CONTEXT_CONSUMER_PAIR = "consumer-pair"  # Basic consumer_key:consumer_secret on /oauth2/token
CONTEXT_OAUTH2_CLIENT = "oauth2-client"  # Basic client_id:client_secret on /2/oauth2/token
CONTEXTS = (CONTEXT_OAUTH1, CONTEXT_BEARER, CONTEXT_OAUTH2_USER, CONTEXT_CONSUMER_PAIR, CONTEXT_OAUTH2_CLIENT)

HIGH, MEDIUM, LOW = "high", "medium", "low"

#: at most this much text is analysed (the CLI refuses more than 1 MB anyway)
MAX_TEXT = 1_000_000


# ------------------------------------------------------------------------------------------
# result
# ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Explanation:
    diagnosis: str
    title: str
    cause: str
    fix: tuple[str, ...]
    http_status: int | None
    #: the X error code (int), v2 problem type or OAuth 2.0 error word behind the diagnosis
    error_code: int | str | None
    confidence: str
    sources: tuple[str, ...]
    regenerate: tuple[Kind, ...] = ()
    #: which specific cause (e.g. "dns" for network-unreachable), when the evidence says so
    variant: str | None = None
    #: names of the rules that matched (from the rule table, never input text)
    matched: tuple[str, ...] = field(default=(), repr=False)
    #: numbers read from the answer that help act on it: `rate_limit_reset` (epoch seconds),
    #: `retry_after` (seconds). Integers only - nothing textual from the input.
    details: Mapping[str, int] = field(default_factory=dict)

    @property
    def known(self) -> bool:
        return self.diagnosis != UNKNOWN

    def to_dict(self) -> dict[str, Any]:
        """The explain JSON contract of shared/DESIGN.md."""
        return {
            "diagnosis": self.diagnosis,
            "title": self.title,
            "cause": self.cause,
            "fix": list(self.fix),
            "http_status": self.http_status,
            "error_code": self.error_code,
            "confidence": self.confidence,
            "sources": list(self.sources),
        }


# ------------------------------------------------------------------------------------------
# evidence
# ------------------------------------------------------------------------------------------
@dataclass
class Evidence:
    low: str  # the text, lower-cased
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    codes: set[int] = field(default_factory=set)
    types: set[str] = field(default_factory=set)
    reasons: set[str] = field(default_factory=set)
    titles: set[str] = field(default_factory=set)
    periods: set[str] = field(default_factory=set)
    context: str | None = None


_HTTP_REASONS = {
    "bad request": 400,
    "unauthorized": 401,
    "payment required": 402,
    "forbidden": 403,
    "not found": 404,
    "too many requests": 429,
    "internal server error": 500,
    "bad gateway": 502,
    "service unavailable": 503,
    "gateway timeout": 504,
    "gateway time-out": 504,
}
_REASON_ALT = "|".join(re.escape(r) for r in sorted(_HTTP_REASONS, key=len, reverse=True))

#: exception class names of SDKs (tweepy, the Ruby gem, twitter4j-style wrappers) -> status
_CLASS_STATUS = {
    "badrequest": 400,
    "unauthorized": 401,
    "paymentrequired": 402,
    "forbidden": 403,
    "notfound": 404,
    "toomanyrequests": 429,
    "internalservererror": 500,
    "badgateway": 502,
    "serviceunavailable": 503,
    "gatewaytimeout": 504,
    "twitterservererror": 500,
}

# Status sources, most reliable first. All run on the lower-cased text.
_STATUS_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, re.M)
    for p in (
        r"^[ \t]*http/\d(?:\.\d)?\s+(\d{3})\b",  # status line of an HTTP dump
        r"\berror code: (\d{3}) - ",  # openai-style SDKs (xAI)
        r"request failed with (?:status )?code (\d{3})\b",  # Node client / axios
        r"^[ \t]*(\d{3}) (?:" + _REASON_ALT + r")\s*$",  # tweepy: "403 forbidden"
        r"\b(\d{3}) (?:client|server) error\b",  # requests raise_for_status
        r"\bhttp(?: error| status)?:? ?(\d{3})\b(?!\.\d)",  # "HTTP Error 401", "HTTP 401"
        r"[\"'\[]?\bstatus(?:_?code)?[\"'\]]?\s*(?:=>|[:=])\s*[\"']?(\d{3})\b",  # "status": 403
        r"\bstatus code\s*(?:[:=]\s*)?(\d{3})\b",
        r"twitter api failed \[(\d{3})\]",  # rtweet
        r"request failed\.\s*code\s*:\s*(\d{3})\b",  # Tweetinvi (.NET)
        r"(?:^[ \t]*|exception:\s*)(\d{3}):(?=[a-z])",  # twitter4j "401:Authentication..."
        r"\b(\d{3}) \((?:" + _REASON_ALT + r")\)",  # Twython: "returned a 401 (Unauthorized)"
        r"\b(\d{3}) (?:" + _REASON_ALT + r")\b",  # "... got 401 Unauthorized ..."
    )
)
#: .NET clients print the HttpStatusCode enum name: "StatusCode: Unauthorized"
_ENUM_STATUS_RE = re.compile(r"\bstatus\s?code[\"']?\s*[:=]\s*[\"']?(" + "|".join(_CLASS_STATUS) + r")\b")
_CLASS_RE = re.compile(
    r"(?:twitter::error::|tweepy\.errors\.|tweepy\.|(?<![\w:])x::)(" + "|".join(_CLASS_STATUS) + r")\b"
)

# X error codes in every wrapper form (FACTS.md section 3)
_CODE_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, re.M)
    for p in (
        r"(?<![\w-])[\"'\[:]?code[\"'\]]?\s*(?:=>|[:=])\s*[\"']?(\d{1,3})\b(?![\d.])",  # json/repr/js/php/ruby
        r"api_error_code=\"?(\d{1,3})\b",  # www-authenticate header
        r"\btwitter code:? ?(\d{1,3})\b",  # Node: "(Twitter code 32)"
        r"\berror code:? ?(\d{1,3})\b(?![\d.])",
        r"^[ \t]*(\d{1,3}) - \S",  # tweepy: "453 - You currently..."
        r"<error\s+code=\"(\d{1,3})\"",  # XML from /oauth/*
        r"\bcode - (\d{1,3})\b",  # twitter4j
        r"\btwitter: (\d{1,3}) [a-z]",  # Go client
        r"\berrorcode[\"']?\s*[:=]\s*(\d{1,3})\b",
    )
)

_KV = (
    r"(?<![\w-])[\"'\[:]?{key}[\"'\]]?\s*(?:=>|[:=])\s*"
    r"(?:\"([^\"\n]{{0,300}})\"|'([^'\n]{{0,300}})'|([^\s,}}\]\)\"']{{1,300}}))"
)


def _kv_values(low: str, key: str) -> list[str]:
    pat = _kv_pattern(key)
    return [next(g for g in m.groups() if g is not None).strip() for m in pat.finditer(low)]


@cache
def _kv_pattern(key: str) -> re.Pattern[str]:
    return re.compile(_KV.format(key=re.escape(key)))


_PROBLEM_RE = re.compile(r"/2/problems/([a-z0-9-]+)")

_HEADER_NAMES = (
    "x-rate-limit-remaining",
    "x-rate-limit-limit",
    "x-rate-limit-reset",
    "x-app-limit-24hour-remaining",
    "x-user-limit-24hour-remaining",
    "www-authenticate",
    "content-type",
    "x-access-level",
    "retry-after",
)
_HEADER_RE = re.compile(
    r"[\"']?\b(" + "|".join(re.escape(h) for h in _HEADER_NAMES) + r")[\"']?\s*[:=]\s*[\"']?([^\"'\r\n,}]*)"
)


def _gather(
    text: str, status: int | None = None, headers: Mapping[str, str] | None = None, context: str | None = None
) -> Evidence:
    low = text[:MAX_TEXT].lower()
    ev = Evidence(low=low, context=context)
    if headers:
        ev.headers.update({str(k).lower(): str(v).strip() for k, v in headers.items()})
    for m in _HEADER_RE.finditer(low):
        ev.headers.setdefault(m.group(1), m.group(2).strip())
    if status is not None:
        ev.status = status
    else:
        ev.status = _find_status(low)
    for pat in _CODE_PATTERNS:
        for m in pat.finditer(low):
            n = int(m.group(1))
            if 0 < n < 1000 and n != ev.status:
                ev.codes.add(n)
    www = ev.headers.get("www-authenticate", "")
    hit = re.search(r"api_error_code=\"?(\d{1,3})", www)
    if hit:
        ev.codes.add(int(hit.group(1)))
    ev.types.update(_PROBLEM_RE.findall(low))
    for v in _kv_values(low, "type"):
        if v == "about:blank":
            ev.types.add(v)
        elif "/" in v:
            ev.types.add(v.rstrip("/").rsplit("/", 1)[-1])
    ev.reasons.update(_kv_values(low, "reason"))
    ev.titles.update(re.sub(r"[\s_-]", "", t) for t in _kv_values(low, "title"))
    ev.periods.update(_kv_values(low, "period"))
    return ev


def _find_status(low: str) -> int | None:
    for pat in _STATUS_PATTERNS:
        for m in pat.finditer(low):
            n = int(m.group(1))
            if 100 <= n <= 599:
                return n
    hit = _CLASS_RE.search(low) or _ENUM_STATUS_RE.search(low)
    if hit:
        return _CLASS_STATUS[hit.group(1)]
    return None


# ------------------------------------------------------------------------------------------
# rules
# ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Rule:
    """One piece of evidence for one diagnosis. Every condition given must hold."""

    name: str
    diagnosis: str
    weight: int  # 0-100: how sure this evidence alone makes us
    code: int | None = None  # X error code present
    type: str | None = None  # v2 problem type (last path segment)
    reason: str | None = None  # problem `reason`
    title: str | None = None  # problem `title` (lower-case, no spaces)
    period: str | None = None  # problem `period`
    phrase: str | None = None  # regex on the lower-cased text
    status: tuple[int | None, ...] | None = None  # HTTP status is one of these (None: unknown)
    header: tuple[str, str] | None = None  # (header name, regex on its value)
    context: str | None = None  # from_response context
    all_of: tuple[str, ...] = ()  # further regexes that must all match too
    unless: str | None = None  # regex: the rule does not hold if it matches
    variant: str | None = None  # sub-cause (knowledge.Variant key)
    error_code: int | str | None = None  # what to report as error_code

    def holds(self, ev: Evidence) -> bool:
        if self.code is not None and self.code not in ev.codes:
            return False
        if self.type is not None and self.type not in ev.types:
            return False
        if self.reason is not None and self.reason not in ev.reasons:
            return False
        if self.title is not None and self.title not in ev.titles:
            return False
        if self.period is not None and self.period not in ev.periods:
            return False
        if self.status is not None and ev.status not in self.status:
            return False
        if self.context is not None and ev.context != self.context:
            return False
        if self.header is not None:
            value = ev.headers.get(self.header[0])
            if value is None or not re.search(self.header[1], value):
                return False
        if self.phrase is not None and not _rx(self.phrase).search(ev.low):
            return False
        if any(not _rx(p).search(ev.low) for p in self.all_of):
            return False
        if self.unless is not None and _rx(self.unless).search(ev.low):
            return False
        return True

    @property
    def reported_code(self) -> int | str | None:
        if self.error_code is not None:
            return self.error_code
        return self.code if self.code is not None else self.type


@cache
def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.M)


_5XX = tuple(range(500, 600))
_OAUTH2_WORD = r"\b(?:invalid_request|invalid_client|unauthorized_client|invalid_grant|invalid_scope)\b"

#: weights of OAuth 2.0 error words seen alone (the description usually decides)
_OAUTH2_WORD_WEIGHT = {
    "invalid_client": 88,
    "unauthorized_client": 85,
    "invalid_scope": 80,
    "insufficient_scope": 85,
    "invalid_token": 70,
}


def _generated_rules() -> list[Rule]:
    rules: list[Rule] = []
    for code, diag in knowledge.X_ERROR_CODES.items():
        # A Node client turns an OAuth 2.0 error into code 131 (FACTS.md §3): then it is not
        # an X server fault.
        unless = _OAUTH2_WORD if code == 131 else None
        rules.append(Rule(f"code:{code}", diag, 90, code=code, unless=unless))
    for ptype, diag in knowledge.PROBLEM_TYPES.items():
        rules.append(Rule(f"type:{ptype}", diag, 90 if ptype != "client-forbidden" else 80, type=ptype))
    for word, diag in knowledge.OAUTH2_ERRORS.items():
        rules.append(
            Rule(f"oauth2:{word}", diag, _OAUTH2_WORD_WEIGHT.get(word, 65), phrase=rf"\b{word}\b", error_code=word)
        )
    return rules


# Phrases X (and the tools around it) put in error text. FACTS.md section 3 unless noted.
_PHRASE_RULES: tuple[Rule, ...] = (
    # --- v2 problem details ------------------------------------------------------------
    Rule(
        "reason:client-not-enrolled",
        "client-not-enrolled",
        98,
        reason="client-not-enrolled",
        error_code="client-forbidden",
    ),
    Rule(
        "text:client-not-enrolled",
        "client-not-enrolled",
        95,
        phrase=r"client-not-enrolled",
        error_code="client-forbidden",
    ),
    Rule(
        "text:attached-to-project",
        "client-not-enrolled",
        92,
        phrase=r"developer app that is attached to a project",
        error_code="client-forbidden",
    ),
    Rule("title:client-forbidden", "client-not-enrolled", 75, title="clientforbidden", error_code="client-forbidden"),
    Rule("title:credits-depleted", "credits-depleted", 97, title="creditsdepleted", error_code="credits"),
    Rule(
        "text:credits-depleted",
        "credits-depleted",
        95,
        phrase=r"creditsdepleted|does not have any credits",
        error_code="credits",
    ),
    Rule("status:402", "credits-depleted", 72, status=(402,)),
    Rule("period:monthly", "usage-capped", 96, period="monthly", error_code="usage-capped"),
    Rule("title:usage-cap", "usage-capped", 94, title="usagecapexceeded", error_code="usage-capped"),
    Rule(
        "text:usage-cap",
        "usage-capped",
        92,
        phrase=r"usage cap exceeded|monthly product cap",
        error_code="usage-capped",
    ),
    Rule(
        "text:app-only-forbidden",
        "unsupported-authentication",
        95,
        phrase=r"authenticating with oauth [12]\.0a?[a-z -]* is forbidden for this endpoint",
        error_code="unsupported-authentication",
    ),
    Rule(
        "title:unsupported-authentication",
        "unsupported-authentication",
        88,
        title="unsupportedauthentication",
        error_code="unsupported-authentication",
    ),
    Rule(
        "text:oauth1-permissions",
        "write-permission-missing",
        92,
        phrase=r"not configured with the appropriate oauth1 app permissions",
        error_code="oauth1-permissions",
    ),
    # oauth1-permissions on a Direct Message endpoint: the DM permission is the missing one
    Rule(
        "type:oauth1-permissions+dm",
        "dm-permission-missing",
        95,
        type="oauth1-permissions",
        phrase=r"direct[ _-]?messages?|/dm_|dm_events|dm_conversations|\bdm\.(?:read|write)\b",
        error_code="oauth1-permissions",
    ),
    # --- v1.1 messages (the text SDKs keep even when they drop the code) ---------------
    Rule("text:could-not-authenticate", "signature-rejected", 86, phrase=r"could not authenticate you", error_code=32),
    Rule(
        "text:invalid-expired-token", "invalid-or-expired-token", 86, phrase=r"invalid or expired token", error_code=89
    ),
    Rule(
        "text:unable-to-verify",
        "bad-consumer-credentials",
        86,
        phrase=r"unable to verify your credentials",
        error_code=99,
    ),
    Rule("text:authenticity-token", "bad-consumer-credentials", 90, phrase=r"authenticity_token_error", error_code=99),
    Rule("text:timestamp", "clock-skew", 90, phrase=r"timestamp out of bounds", error_code=135),
    Rule("text:bad-auth-data", "bad-auth-header", 88, phrase=r"bad authentication data", error_code=215),
    Rule(
        "text:credentials-not-allowed",
        "unsupported-authentication",
        86,
        phrase=r"your credentials do not allow access to this resource",
        error_code=220,
    ),
    Rule(
        "text:cannot-write",
        "write-permission-missing",
        90,
        phrase=r"cannot perform write actions|read-only application cannot post",
        error_code=261,
    ),
    Rule(
        "text:dm-not-allowed",
        "dm-permission-missing",
        90,
        phrase=r"not allowed to access or delete your direct messages",
        error_code=93,
    ),
    Rule("text:account-locked", "account-locked", 90, phrase=r"this account is temporarily locked", error_code=326),
    Rule(
        "text:account-suspended",
        "account-locked",
        86,
        phrase=r"your account is suspended and is not permitted",
        error_code=64,
    ),
    Rule("text:app-suspended", "app-suspended", 92, phrase=r"invalid / suspended application", error_code=416),
    Rule(
        "text:app-suspended-2",
        "app-suspended",
        80,
        phrase=r"(?:app|application) (?:has been|is|was) suspended|suspended (?:app|application)\b",
    ),
    Rule("text:rate-limit", "rate-limited", 85, phrase=r"rate limit exceeded", error_code=88),
    Rule("text:daily-limit", "rate-limited", 85, phrase=r"over daily status update limit", error_code=185),
    Rule(
        "text:subset-of-endpoints",
        "endpoint-not-in-plan",
        92,
        phrase=r"you currently have access to a subset of|limited v1\.1 endpoints",
        error_code=453,
    ),
    Rule(
        "text:duplicate",
        "duplicate-content",
        88,
        phrase=r"status is a duplicate|duplicate content|tweet with duplicate",
        error_code=187,
    ),
    Rule(
        "text:too-long",
        "duplicate-content",
        85,
        phrase=r"tweet needs to be a bit shorter|text is too long",
        error_code=186,
    ),
    Rule("text:over-capacity", "x-server-error", 86, phrase=r"over capacity", error_code=130),
    Rule("text:technically-wrong", "x-server-error", 86, phrase=r"something is technically wrong"),
    Rule("text:internal-error", "x-server-error", 55, phrase=r"\binternal (?:server )?error\b", unless=_OAUTH2_WORD),
    # --- OAuth 1.0a flow (FACTS.md §2 PIN flow) --------------------------------------
    Rule(
        "text:callback-not-approved", "callback-not-approved", 92, phrase=r"callback url not approved", error_code=415
    ),
    Rule(
        "text:oob-only",
        "oob-required",
        95,
        phrase=r"desktop applications only support the oauth_callback value",
        error_code=417,
    ),
    Rule("text:invalid-verifier", "invalid-pin", 95, phrase=r"invalid oauth_verifier parameter"),
    Rule("text:request-token-missing", "invalid-pin", 85, phrase=r"request token missing|invalid request token"),
    # --- OAuth 2.0 (FACTS.md §2 PKCE) -------------------------------------------------
    Rule(
        "text:code-invalid",
        "authorization-code-invalid",
        97,
        phrase=r"value passed for the authorization code was invalid",
        error_code="invalid_request",
    ),
    Rule(
        "text:verifier-invalid",
        "authorization-code-invalid",
        95,
        phrase=r"value passed for the code verifier was invalid",
        error_code="invalid_request",
    ),
    Rule(
        "text:redirect-mismatch",
        "redirect-uri-mismatch",
        97,
        phrase=r"value passed for the redirect uri did not match",
        error_code="invalid_request",
    ),
    Rule("text:consent-went-wrong", "redirect-uri-mismatch", 92, phrase=r"you weren.t able to give access to the app"),
    Rule(
        "text:redirect-uri-mismatch",
        "redirect-uri-mismatch",
        85,
        phrase=r"redirect_uri_mismatch|redirect[ _]ur[il] (?:did not|does not|doesn.t) match",
    ),
    Rule(
        "text:token-invalid",
        "refresh-token-invalid",
        97,
        phrase=r"value passed for the token was invalid",
        error_code="invalid_request",
    ),
    Rule(
        "text:missing-auth-header",
        "client-secret-rejected",
        92,
        phrase=r"missing valid authorization header",
        error_code="unauthorized_client",
        unless=r"\binvalid_client\b",
    ),
    Rule(
        "text:missing-scopes",
        "missing-scopes",
        85,
        phrase=r"missing (?:the )?(?:required )?scopes?\b|scopes? (?:is|are) (?:missing|required)",
    ),
    # --- xAI (FACTS.md §1, §3) ---------------------------------------------------------
    Rule("text:xai-bad-key", "xai-key-not-x", 96, phrase=r"incorrect api key provided:\s*xa"),
    Rule("text:xai-host", "xai-key-not-x", 90, phrase=r"api\.x\.ai\b|console\.x\.ai\b"),
    Rule("text:xai-key", "xai-key-not-x", 85, phrase=r"\bxai-[a-z0-9]{20,}"),
    # --- paste hygiene (FACTS.md §1): what HTTP libraries say about a dirty header ----
    Rule(
        "text:header-whitespace",
        "paste-hygiene",
        92,
        phrase=r"invalid leading whitespace, reserved character\(s\), or return character\(s\) in header",
    ),
    Rule(
        "text:header-invalid",
        "paste-hygiene",
        88,
        phrase=r"invalid (?:header value|character in header content|return character or leading space in header)",
    ),
    Rule(
        "text:header-encoding",
        "paste-hygiene",
        88,
        phrase=r"codec can.t encode character .{0,12}(?:u200b|u200c|u200d|u2060|ufeff|u00a0|u201c|u201d|u2018|u2019)",
    ),
    Rule("text:double-bearer", "paste-hygiene", 95, phrase=r"\bbearer(?:\s|%20)+bearer\b"),
    Rule(
        "text:encoded-invisible",
        "paste-hygiene",
        97,
        phrase=r"oauth_[a-z_]+=\"?[^\"&\s,]{0,80}(?:%e2%80%8b|%e2%80%9c|%e2%80%9d|%e2%80%98|%e2%80%99|%c2%a0|%ef%bb%bf)",
    ),
    Rule(
        "text:quoted-in-header",
        "paste-hygiene",
        88,
        phrase=r"authorization:\s*bearer\s+[\"'\u201c\u2018]|oauth_(?:consumer_key|token)=\"(?:%22|%27|\\\")",
    ),
    # a signed request carrying the wrong kind of value (FACTS.md §1 shapes, seen in debug logs):
    # the root cause of the code 32 next to it, so these outweigh the code
    Rule(
        "text:client-id-signed",
        "client-id-as-consumer-key",
        97,
        phrase=r"oauth_consumer_key=\"?[a-z0-9_-]{20,40}mtpjaq\b",
    ),
    Rule("text:bearer-as-consumer-key", "wrong-field", 97, phrase=r"oauth_(?:consumer_key|token)=\"?a{21}"),
    Rule("text:double-encoded", "paste-hygiene", 70, phrase=r"\baaaaaaaaaaaaaaaaaaaaa[a-z0-9%]{0,200}%253d"),
    # --- network (FACTS.md §2 "every failure becomes a diagnosis") ---------------------
    Rule(
        "net:dns",
        "network-unreachable",
        92,
        variant="dns",
        phrase=r"getaddrinfo failed|name or service not known|nodename nor servname"
        r"|temporary failure in name resolution"
        r"|nameresolutionerror|failed to resolve|enotfound|eai_again|no address associated with hostname"
        r"|no such host|could not resolve host",
    ),
    Rule(
        "net:tls",
        "network-unreachable",
        91,
        variant="tls",
        phrase=r"certificate_verify_failed|certificate verify failed|sslerror|\[ssl: [a-z_]+\]"
        r"|self[- ]signed certificate"
        r"|unable to get local issuer certificate|unable_to_verify_leaf_signature|self_signed_cert_in_chain"
        r"|x509: certificate|tlsv1_alert|wrong_version_number|sslcertverificationerror",
    ),
    Rule(
        "net:proxy",
        "network-unreachable",
        90,
        variant="proxy",
        phrase=r"proxyerror|proxy authentication required|tunnel connection failed|unable to connect to proxy",
    ),
    Rule(
        "net:timeout",
        "network-unreachable",
        90,
        variant="timeout",
        phrase=r"connecttimeout|readtimeout|connect timeout|read timed out|timed out|etimedout|timeouterror"
        r"|timeoutexception|deadline exceeded|pooltimeout|writetimeout",
    ),
    Rule(
        "net:refused",
        "network-unreachable",
        90,
        variant="refused",
        phrase=r"connection refused|econnrefused|connection reset|econnreset|network is unreachable|enetunreach"
        r"|no route to host|ehostunreach|remotedisconnected|remote end closed connection|socket hang up"
        r"|server disconnected without sending a response|remoteprotocolerror",
    ),
    Rule(
        "net:generic",
        "network-unreachable",
        75,
        phrase=r"max retries exceeded|failed to establish a new connection|connecterror|connectionerror"
        r"|unknownhostexception|connectexception|sockettimeoutexception|failed to connect to",
    ),
    # --- server side --------------------------------------------------------------------
    Rule("status:5xx", "x-server-error", 88, status=_5XX),
    Rule(
        "html:error-page",
        "x-server-error",
        84,
        phrase=r"<html\b",
        all_of=(
            r"bad gateway|service (?:temporarily )?unavailable|gateway time-?out|internal server error"
            r"|over capacity|technically wrong",
        ),
    ),
    Rule(
        "html:in-json-error",
        "x-server-error",
        45,
        phrase=r"unexpected token '?<'?[^\n]{0,30}json|expecting value: line 1 column 1|jsondecodeerror"
        r"|is not valid json|invalid json response body",
    ),
    # --- rate limits (FACTS.md §2 rate-limit headers) ---------------------------------
    Rule("status:429", "rate-limited", 70, status=(429,), error_code=88),
    Rule(
        "header:429-remaining-0",
        "rate-limited",
        93,
        status=(429,),
        header=("x-rate-limit-remaining", r"^0$"),
        error_code=88,
    ),
    Rule(
        "header:429-24h-0",
        "rate-limited",
        90,
        status=(429,),
        header=("x-app-limit-24hour-remaining", r"^0$"),
        error_code=88,
    ),
    Rule(
        "header:429-user-24h-0",
        "rate-limited",
        90,
        status=(429,),
        header=("x-user-limit-24hour-remaining", r"^0$"),
        error_code=88,
    ),
    Rule("header:remaining-0", "rate-limited", 60, status=(None,), header=("x-rate-limit-remaining", r"^0$")),
    Rule("text:too-many-requests", "rate-limited", 65, phrase=r"too many requests|toomanyrequests"),
    # --- the access level X reports (FACTS.md §2 "write permission") ------------------
    Rule("header:403-access-read", "write-permission-missing", 86, status=(403,), header=("x-access-level", r"^read$")),
    Rule(
        "header:403-access-no-dm",
        "dm-permission-missing",
        88,
        status=(403,),
        header=("x-access-level", r"^read(?:-write)?$"),
        phrase=r"direct[ _-]?messages?|/dm_|dm_events|dm_conversations",
    ),
    # --- bare statuses, told apart by the credential used (from_response context) -----
    Rule("ctx:oauth1-401", "signature-rejected", 80, status=(401,), context=CONTEXT_OAUTH1),
    Rule("ctx:bearer-401", "invalid-or-expired-token", 85, status=(401,), context=CONTEXT_BEARER),
    Rule("ctx:oauth2-user-401", "oauth2-token-expired", 85, status=(401,), context=CONTEXT_OAUTH2_USER),
    Rule(
        "ctx:oauth2-user-403",
        "missing-scopes",
        70,
        status=(403,),
        context=CONTEXT_OAUTH2_USER,
        unless=r"client-not-enrolled|/2/problems/|\"code\"",
    ),
    Rule("ctx:consumer-pair-403", "bad-consumer-credentials", 85, status=(401, 403), context=CONTEXT_CONSUMER_PAIR),
    Rule("ctx:oauth2-client-401", "client-secret-rejected", 80, status=(401,), context=CONTEXT_OAUTH2_CLIENT),
    # a v2 401 as an `about:blank` problem: X's shape for a failed signature or token
    # (DESIGN.md building notes); the credential decides which, so medium at best
    Rule(
        "about-blank-401-bearer",
        "invalid-or-expired-token",
        62,
        status=(401,),
        type="about:blank",
        phrase=r"\bbearer\b|aaaaaaaaaaaaaaaaaaaaa",
    ),
    Rule(
        "about-blank-401-oauth1",
        "signature-rejected",
        62,
        status=(401,),
        type="about:blank",
        phrase=r"oauth_signature|oauth_consumer_key|oauth 1\.0a|oauth1",
    ),
    Rule("about-blank-401", "signature-rejected", 50, status=(401,), type="about:blank"),
    Rule("status:401", "signature-rejected", 40, status=(401,)),
)


@lru_cache(maxsize=1)
def rules() -> tuple[Rule, ...]:
    """The whole rule table: generated code/type/word rules, then the phrase rules."""
    table = tuple(_generated_rules()) + _PHRASE_RULES
    for r in table:
        knowledge.get(r.diagnosis)  # every rule names a catalog id
        if r.variant is not None and r.variant not in knowledge.get(r.diagnosis).variants:
            raise ValueError(f"rule {r.name}: {r.diagnosis} has no variant {r.variant!r}")
    return table


# ------------------------------------------------------------------------------------------
# scoring
# ------------------------------------------------------------------------------------------
def _confidence(score: int) -> str:
    if score >= 85:
        return HIGH
    if score >= 60:
        return MEDIUM
    return LOW


def _decide(ev: Evidence) -> tuple[str, int, list[Rule]]:
    hits: dict[str, list[Rule]] = {}
    for r in rules():
        if r.holds(ev):
            hits.setdefault(r.diagnosis, []).append(r)
    if not hits:
        return UNKNOWN, 0, []
    order = {d: i for i, d in enumerate(knowledge.IDS)}

    def score(item: tuple[str, list[Rule]]) -> tuple[int, int]:
        diag, rs = item
        best = max(r.weight for r in rs)
        # more independent evidence for the same diagnosis adds a little
        return best + min(6, 2 * (len(rs) - 1)), -order[diag]

    diag, rs = max(hits.items(), key=score)
    rs.sort(key=lambda r: r.weight, reverse=True)
    return diag, score((diag, rs))[0], rs


def _secret_shaped(text: str) -> list[str]:
    """Strings in the input that could be credentials (so they are scrubbed from output)."""
    out: list[str] = []
    seen: set[str] = set()
    for m in re.finditer(r"[A-Za-z0-9%+=_\-]{20,}", text[:MAX_TEXT]):
        tok = m.group(0)
        # credentials are 20-200 characters; longer runs are data blobs (and would make the
        # redactor's window table huge), a few hundred distinct tokens are plenty for a paste
        if len(tok) > 300 or tok in seen or not (re.search(r"\d", tok) and re.search(r"[A-Za-z]", tok)):
            continue
        seen.add(tok)
        out.append(tok)
        if len(out) >= 500:
            break
    return out


def _details(ev: Evidence) -> dict[str, int]:
    out: dict[str, int] = {}
    for key, header in (("rate_limit_reset", "x-rate-limit-reset"), ("retry_after", "retry-after")):
        m = re.fullmatch(r"\s*(\d{1,12})\s*", ev.headers.get(header, ""))
        if m:
            out[key] = int(m.group(1))
    return out


#: what an unrecognised transport exception counts as (from_exception)
_TRANSPORT_RULE = Rule("exception:transport", "network-unreachable", 70)
#: a 2xx answer that is an HTML page instead of X's JSON (from_response)
_HTML_OK_RULE = Rule("html:2xx-page", "x-server-error", 60)


def _build(ev: Evidence, redactor: Redactor, force: Rule | None = None) -> Explanation:
    if force is not None:
        diag, score, matched = force.diagnosis, force.weight, [force]
    else:
        diag, score, matched = _decide(ev)
    entry = knowledge.get(diag)
    cause, fix = entry.cause, entry.fix
    variant = next((r.variant for r in matched if r.variant), None)
    if variant is not None:
        v = entry.variants[variant]
        cause, fix = v.cause, v.fix
    error_code: int | str | None = next(
        (r.reported_code for r in matched if r.reported_code not in (None, "about:blank")), None
    )
    if error_code is None and ev.codes:
        error_code = min(ev.codes)  # a number from the input: shown so support can look it up
    confidence = _confidence(score) if diag != UNKNOWN else LOW

    def clean(s: str) -> str:
        return GLOBAL.scrub(redactor.scrub(s))

    return Explanation(
        diagnosis=diag,
        title=clean(entry.title),
        cause=clean(cause),
        fix=tuple(clean(s) for s in fix),
        http_status=ev.status,
        error_code=error_code,
        confidence=confidence,
        sources=tuple(clean(s) for s in entry.sources),
        regenerate=entry.regenerate,
        variant=variant,
        matched=tuple(r.name for r in matched),
        details=_details(ev),
    )


# ------------------------------------------------------------------------------------------
# public API
# ------------------------------------------------------------------------------------------
def explain(text: str) -> Explanation:
    """Whatever the user pasted -> the most specific diagnosis (or `unknown`)."""
    if not isinstance(text, str):
        raise TypeError("explain() takes text")
    ev = _gather(text)
    return _build(ev, Redactor(_secret_shaped(text)))


def from_response(
    status: int,
    headers: Mapping[str, str] | Iterable[tuple[str, str]] | None,
    body: str | bytes | None,
    *,
    context: str | None = None,
) -> Explanation:
    """An HTTP answer (as the probes see it) -> diagnosis.

    `context` (optional, one of `CONTEXTS`) says what credential the request carried, which
    settles answers without an error code (a bare 401 for a bearer vs an OAuth 1.0a request).
    """
    if isinstance(body, (bytes, bytearray)):
        text = bytes(body[:MAX_TEXT]).decode("utf-8", "replace")
    else:
        text = body or ""
    hdrs: dict[str, str] = {}
    if headers is not None:
        items = headers.items() if isinstance(headers, Mapping) else headers
        for k, v in items:
            hdrs[str(k).lower()] = str(v)
    if context is not None and context not in CONTEXTS:
        raise ValueError(f"unknown context {context!r}; expected one of {', '.join(CONTEXTS)}")
    if 200 <= int(status) < 400:
        # a success (or redirect) is not an error: its body may be tweets that mention
        # "timed out" or "rate limit exceeded", which must not become a diagnosis. Only an
        # HTML page where X sends JSON (a proxy, captive portal or X error page) is a fault.
        # (X's /oauth/* endpoints answer success as text/html too, so the body decides.)
        ev = Evidence(low="", status=int(status))
        if status < 300 and text.lstrip()[:15].lower().startswith(("<!doctype", "<html")):
            return _build(ev, Redactor(), force=_HTML_OK_RULE)
        return _build(ev, Redactor())
    ev = _gather(text, status=int(status), headers=hdrs, context=context)
    return _build(ev, Redactor(_secret_shaped(text)))


def from_exception(exc: BaseException) -> Explanation:
    """A transport exception (httpx, requests, ssl, socket) -> usually network-unreachable."""
    chain: list[str] = []
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen and len(chain) < 8:
        seen.add(id(cur))
        chain.append(f"{type(cur).__module__}.{type(cur).__name__}: {cur}")
        cur = cur.__cause__ or cur.__context__
    text = "\n".join(chain)
    ev = _gather(text)
    redactor = Redactor(_secret_shaped(text))
    result = _build(ev, redactor)
    if result.known:
        return result
    # a transport error with no recognisable message is still "could not reach X"
    names = " ".join(f"{type(e).__module__}.{type(e).__name__}" for e in _walk(exc)).lower()
    if any(
        w in names
        for w in (
            "timeout",
            "connect",
            "network",
            "transport",
            "ssl",
            "socket",
            "oserror",
            "httpx.",
            "requests.",
            "urllib3.",
            "aiohttp.",
        )
    ):
        return _build(ev, redactor, force=_TRANSPORT_RULE)
    return result


def _walk(exc: BaseException) -> list[BaseException]:
    out: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and cur not in out and len(out) < 8:
        out.append(cur)
        cur = cur.__cause__ or cur.__context__
    return out
