"""Fuzzing the three parsers that read untrusted text: `shapes.classify`, `scan.scan`, `explain`.

Inputs embed realistic credential shapes (tests/shapes_samples.py, tests/scan_values.py; shapes
from FACTS.md section 1) inside noise, .env lines, JSON, YAML, log lines, HTTP dumps and SDK
exception text. Properties, for every input:

- nothing raises;
- no output field, `to_dict()` JSON or `repr` holds any 12-character run (redact.MIN_RUN) of a
  credential embedded in the input (its public parts excepted: the numeric user id an access
  token starts with, the run of `A` a bearer token starts with);
- classify and explain are deterministic (same input, same answer);
- every scan finding's fingerprint is the fingerprint of its sanitized value, and that value is
  what classify keeps of it; a credential under its X name in a clean .env/JSON/YAML is found.

Two sizes: a quick run (a few hundred examples per target, ~10 s) in the normal suite, and a
slow run (100k examples per target) marked `slow` for the separate CI invocation:
`python -m pytest -m slow -p no:cacheprovider tests/test_fuzz_core.py`. Its cost, measured on
a 2-core machine at load ~2: 541 s of CPU (9.5 min wall, one core) for the 3 x 100k examples;
`XKEYS_FUZZ_EXAMPLES=N` changes the count (a timing sample, a longer local soak).
"""

from __future__ import annotations

import json
import os
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scan_values as SV
import shapes_samples as S
from xkeys.core import redact
from xkeys.core.explain import explain, from_response
from xkeys.core.kinds import FIELDS, Kind
from xkeys.core.knowledge import CATALOG
from xkeys.core.scan import scan
from xkeys.core.shapes import classify

MIN_RUN = redact.MIN_RUN

# ------------------------------------------------------------------------------------------
# credential shapes (random values with the real lengths, alphabets and markers)

#: kind -> generator(rng) of a realistic value of that kind
GENERATORS: dict[str, Callable[[random.Random], str]] = {
    "consumer_key": lambda r: S.consumer_key(rng=r),
    "consumer_secret": lambda r: S.consumer_secret(rng=r),
    "bearer_token": lambda r: S.bearer(rng=r),
    "bearer_decoded": lambda r: S.bearer_decoded(rng=r),
    "bearer_scan": SV.bearer_token,
    "access_token": lambda r: S.access_token(rng=r),
    "legacy_access_token": lambda r: S.legacy_access_token(rng=r),
    "access_token_secret": lambda r: S.access_token_secret(rng=r),
    "client_id": lambda r: S.client_id(rng=r),
    "client_secret": lambda r: S.client_secret(rng=r),
    "client_secret_scan": SV.client_secret,
    "oauth2_access_token": lambda r: S.oauth2_token("at", rng=r),
    "oauth2_refresh_token": lambda r: S.oauth2_token("rt", rng=r),
    "oauth2_scan": SV.oauth2_token,
    "xai_api_key": lambda r: S.xai_key(rng=r),
}

#: an X-ish variable name per generator, for .env / JSON / YAML layouts (FACTS.md section 5)
NAMES: dict[str, tuple[str, ...]] = {
    "consumer_key": ("X_API_KEY", "TWITTER_CONSUMER_KEY", "consumer_key", "API_KEY"),
    "consumer_secret": ("X_API_SECRET", "TWITTER_CONSUMER_SECRET", "consumer_secret"),
    "bearer_token": ("X_BEARER_TOKEN", "TWITTER_BEARER_TOKEN", "bearer_token"),
    "access_token": ("X_ACCESS_TOKEN", "TWITTER_ACCESS_TOKEN", "access_token"),
    "access_token_secret": ("X_ACCESS_TOKEN_SECRET", "TWITTER_ACCESS_TOKEN_SECRET", "access_token_secret"),
    "client_id": ("X_CLIENT_ID", "TWITTER_CLIENT_ID", "client_id"),
    "client_secret": ("X_CLIENT_SECRET", "TWITTER_CLIENT_SECRET", "client_secret"),
    "oauth2_access_token": ("X_OAUTH2_ACCESS_TOKEN", "TWITTER_OAUTH2_ACCESS_TOKEN"),
    "oauth2_refresh_token": ("X_OAUTH2_REFRESH_TOKEN", "TWITTER_OAUTH2_REFRESH_TOKEN"),
    "xai_api_key": ("XAI_API_KEY", "GROK_API_KEY"),
}
NAMES["bearer_decoded"] = NAMES["bearer_scan"] = NAMES["bearer_token"]
NAMES["legacy_access_token"] = NAMES["access_token"]
NAMES["client_secret_scan"] = NAMES["client_secret"]
NAMES["oauth2_scan"] = NAMES["oauth2_access_token"]

_USER_ID = re.compile(r"^([0-9]+)-")


@dataclass(frozen=True)
class Cred:
    gen: str
    value: str
    name: str

    def secret_runs(self) -> set[str]:
        """Every MIN_RUN-character run of the value (and of its URL-decoded form) that must
        never be shown, minus its public parts (FACTS.md section 1; redact.py keeps them too)."""
        out: set[str] = set()
        for form in {self.value, unquote(self.value)}:
            public = 0
            m = _USER_ID.match(form)
            if m:
                public = len(m.group(1))  # the user id; the run may not pass the dash
            elif form.startswith("A" * MIN_RUN):
                public = len(form) - len(form.lstrip("A"))
            for i in range(len(form) - MIN_RUN + 1):
                if i + MIN_RUN <= public:
                    continue
                out.add(form[i : i + MIN_RUN])
        return out


def make_cred(rng: random.Random) -> Cred:
    gen = rng.choice(_GEN_NAMES)
    value = GENERATORS[gen](random.Random(rng.getrandbits(32)))
    return Cred(gen, value, rng.choice(NAMES[gen]))


_GEN_NAMES = sorted(GENERATORS)

# ------------------------------------------------------------------------------------------
# noise and containers

_TOKENISH = S.ALNUM + "-_%=+/:.,;\"'`{}[]()<>#$ \t\n\r\u200b\u00a0\u201c\u201d\ufeff"
_NOISE_LINES = (
    "",
    "\n",
    "# comment",
    "DEBUG=true",
    "PORT=8080",
    "LOG_LEVEL=info",
    "DATABASE_URL=postgres://db/app",
    "OPENAI_API_KEY=sk-proj-placeholder",
    "X_API_KEY=your-key-here",
    "TWITTER_BEARER_TOKEN=",
    "HTTP/1.1 401 Unauthorized",
    "content-type: application/json; charset=utf-8",
    '{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}',
    '{"errors":[{"code":32,"message":"Could not authenticate you."}]}',
    '{"errors":[{"code":89,"message":"Invalid or expired token."}]}',
    '{"errors":[{"message":"You currently have access to a subset of X API V2 endpoints","code":453}]}',
    "tweepy.errors.Forbidden: 403 Forbidden",
    "429 Too Many Requests",
    "x-rate-limit-remaining: 0",
    "httpx.ConnectError: [Errno -2] Name or service not known",
    "Traceback (most recent call last):",
    '{"error":"invalid_request","error_description":"Value passed for the authorization code was invalid."}',
    "<html><body><h1>Over capacity</h1></body></html>",
    "date: Thu, 26 Nov 2026 21:00:00 UTC",
    "[twitter]",
    "---",
    "auth:",
    "  apps:",
    "profiles:",
    "{",
    "}",
    "=",
    ":",
    "export",
    "ENV",
)


def wild_text(rng: random.Random) -> str:
    """Any unicode (no lone surrogates): controls, combining marks, RTL, emoji, CJK..."""
    out = []
    for _ in range(rng.randrange(25)):
        cp = rng.choice(
            (
                rng.randrange(0x20),
                rng.randrange(0x80, 0x800),
                rng.randrange(0x800, 0xD800),
                rng.randrange(0xE000, 0x110000),
                rng.randrange(0x20, 0x7F),
            )
        )
        out.append(chr(cp))
    return "".join(out)


def make_noise(rng: random.Random, wild: str | None) -> str:
    pick = rng.randrange(4)
    if pick == 0:  # any unicode
        return wild if wild is not None else wild_text(rng)
    if pick == 1:
        return "".join(rng.choice(_TOKENISH) for _ in range(rng.randrange(40)))
    return rng.choice(_NOISE_LINES)


#: one credential in a layout; each takes (name, value) and returns a piece of text
LAYOUTS: dict[str, Callable[[str, str], str]] = {
    "bare": lambda n, v: v,
    "quoted": lambda n, v: f'"{v}"',
    "smart-quoted": lambda n, v: f"\u201c{v}\u201d",
    "padded": lambda n, v: f"  \t{v} \r\n",
    "zero-width": lambda n, v: f"\u200b{v}\u200b",
    "nbsp": lambda n, v: f"\u00a0{v}\u00a0",
    "bearer-prefix": lambda n, v: f"Bearer {v}",
    "wrapped": lambda n, v: v[: len(v) // 2] + "\n" + v[len(v) // 2 :],
    "dotenv": lambda n, v: f"{n}={v}",
    "dotenv-export": lambda n, v: f'export {n}="{v}"',
    "dotenv-single": lambda n, v: f"{n}='{v}'",
    "dotenv-comment": lambda n, v: f"# {n}={v}",
    "dotenv-crlf": lambda n, v: f"{n}={v}\r",
    "yaml": lambda n, v: f"{n.lower()}: {v}",
    "yaml-quoted": lambda n, v: f'  {n.lower()}: "{v}"',
    "json": lambda n, v: json.dumps({n: v}),
    "json-nested": lambda n, v: json.dumps({"Twitter": {"Credentials": {n: v, "Enabled": True}}}, indent=2),
    "portal": lambda n, v: f"{n.replace('_', ' ').title()}\n{v}",
    "python": lambda n, v: f'{n.lower()} = "{v}"',
    "js": lambda n, v: f"const {n.lower()} = '{v}';",
    "dockerfile": lambda n, v: f"ENV {n} {v}",
    "ini": lambda n, v: f"[twitter]\n{n.lower()} = {v}",
    "header": lambda n, v: f"Authorization: Bearer {v}",
    "oauth-header": lambda n, v: f'Authorization: OAuth oauth_consumer_key="{v}", oauth_signature_method="HMAC-SHA1"',
    "url": lambda n, v: f"GET https://api.x.com/2/users/me?access_token={quote(v, safe='')}&x=1",
    "log": lambda n, v: f"2026-11-26 21:00:00,123 ERROR bot: request failed with key={v}: 401 Unauthorized",
    "sdk": lambda n, v: f"tweepy.errors.Unauthorized: 401 Unauthorized\n32 - Could not authenticate you. ({n}={v})",
    "curl": lambda n, v: f"curl -H 'Authorization: Bearer {v}' https://api.x.com/2/tweets/search/recent?query=x",
    "python-repr": lambda n, v: f"Client(bearer_token={v!r}, wait_on_rate_limit=False)",
}


def make_piece(rng: random.Random, wild: str | None) -> tuple[str, list[Cred]]:
    if rng.randrange(4) == 0:
        return make_noise(rng, wild), []
    c = make_cred(rng)
    return LAYOUTS[rng.choice(_LAYOUT_NAMES)](c.name, c.value), [c]


_LAYOUT_NAMES = sorted(LAYOUTS)
_VALUE_LAYOUTS = (
    "bare",
    "bare",
    "quoted",
    "smart-quoted",
    "padded",
    "zero-width",
    "nbsp",
    "bearer-prefix",
    "wrapped",
    "dotenv",
    "dotenv-export",
    "yaml",
)


#: how pieces are joined. Not "" (pieces glued together): scan then shows a name that has a
#: credential glued to its front (see test_scan_name_glued_to_a_credential below)
JOINERS = ("\n", "\n", "\r\n", " ", "\n\n", "\t")


def make_document(seed: int, wild: str | None = None, max_pieces: int = 6) -> tuple[str, list[Cred]]:
    """A pasted document: pieces (credentials in layouts, noise) joined by newlines or not."""
    rng = random.Random(seed)
    parts = [make_piece(rng, wild) for _ in range(1 + rng.randrange(max_pieces))]
    text = rng.choice(JOINERS).join(p for p, _ in parts)
    found = [c for _, cs in parts for c in cs]
    if found and rng.randrange(3) == 0:
        text = rng.choice(["{}", "Error: {}", '{{"detail": {}}}', "```\n{}\n```"]).format(text)
    return text, found


def make_value(seed: int, wild: str | None = None) -> tuple[str, list[Cred]]:
    """What people paste into one field: mostly one value with paste accidents."""
    rng = random.Random(seed)
    if rng.randrange(5) == 0:
        return make_document(rng.getrandbits(64), wild, 3)
    c = make_cred(rng)
    text = LAYOUTS[rng.choice(_VALUE_LAYOUTS)](c.name, c.value)
    if rng.randrange(6) == 0:
        text = make_noise(rng, wild) + text + make_noise(rng, wild)
    return text, [c]


def make_structured(seed: int) -> tuple[str, str, list[Cred]]:
    """A clean .env, JSON or YAML file: each credential under its X name, plus plain settings."""
    rng = random.Random(seed)
    by_name: dict[str, Cred] = {}
    for _ in range(1 + rng.randrange(5)):
        c = make_cred(rng)
        by_name.setdefault(c.name, c)
    items = list(by_name.values())
    plain = {"LOG_LEVEL": "info", "PORT": "8080"}
    fmt = rng.choice(["dotenv", "json", "yaml"])
    if fmt == "dotenv":
        lines = [f"{c.name}={c.value}" for c in items] + [f"{k}={v}" for k, v in plain.items()]
        return fmt, "\n".join(lines) + "\n", items
    doc: dict[str, Any] = {c.name: c.value for c in items} | plain
    if fmt == "json":
        return fmt, json.dumps(doc, indent=2), items
    return fmt, yaml.safe_dump(doc, default_flow_style=False), items


#: hypothesis draws a seed (and, in the quick run, one piece of its own unicode text); the rest
#: is built from the seed - cheap to generate, so the slow run's 100k examples per target fit
#: the CI budget
_SEED = st.integers(min_value=0, max_value=2**64 - 1)
_WILD = st.text(max_size=24)
values = st.builds(make_value, _SEED, _WILD)
documents = st.builds(make_document, _SEED, _WILD)
short_documents = st.builds(make_document, _SEED, _WILD, st.just(2))
structured = st.builds(make_structured, _SEED)


# the slow run: everything from the one seed (each extra hypothesis draw costs ~0.2 ms, a third
# of the target's own time), documents of up to 4 pieces, error texts of up to 2


def slow_classify_case(seed: int) -> tuple[str, list[Cred], Kind | None]:
    text, found = make_value(seed)
    rng = random.Random(~seed)
    return text, found, rng.choice(list(FIELDS)) if rng.randrange(2) else None


def slow_scan_case(seed: int) -> tuple[str, list[Cred], str | None]:
    text, found = make_document(seed, None, 4)
    return text, found, random.Random(~seed).choice(FILENAMES)


slow_classify_cases = st.builds(slow_classify_case, _SEED)
slow_scan_cases = st.builds(slow_scan_case, _SEED)
#: what people paste into explain: an error message or two, with a header or a key in it
slow_error_texts = st.builds(make_document, _SEED, st.none(), st.just(2))
FILENAMES = (None, None, ".env", "config.json", "secrets.yml", "twarc.ini", ".twurlrc", "notes.txt")
fields = st.one_of(st.none(), st.sampled_from(list(FIELDS)))
filenames = st.sampled_from(FILENAMES)

# ------------------------------------------------------------------------------------------
# checks


def assert_no_echo(rendered: str, embedded: list[Cred], what: str) -> None:
    for c in embedded:
        for run in c.secret_runs():
            assert run not in rendered, (
                f"{what} echoes a {MIN_RUN}-character run of the embedded {c.gen} (fp {redact.fingerprint(c.value)})"
            )


def check_classify(text: str, embedded: list[Cred], field: Kind | None) -> None:
    a = classify(text, field)
    b = classify(text, field)
    assert a.to_dict() == b.to_dict() and a.value == b.value, "classify is not deterministic"
    assert a.kind in Kind and a.confidence in ("high", "medium", "low")
    assert (a.matches_field is None) == (a.field is None)
    rendered = json.dumps(a.to_dict(), ensure_ascii=False) + repr(a) + str(a.details) + a.message
    assert_no_echo(rendered, embedded, "classify")


def _scan_names(r: Any) -> list[str]:
    names = [n for f in r.findings for n in (f.field, f.profile) if n]
    return names + list(r.placeholders) + list(r.ignored)


def check_scan(text: str, embedded: list[Cred], filename: str | None) -> None:
    r = scan(text, filename)
    d = r.to_dict()
    # names (field, profile, placeholders, ignored) are shown: a name glued to a credential, or
    # a YAML key made of a whole pasted line, must not carry it (scan shows such runs redacted)
    rendered = "\n".join([json.dumps(d, ensure_ascii=False), repr(r), *(repr(f) for f in r.findings), *_scan_names(r)])
    assert_no_echo(rendered, embedded, "scan")
    for f in r.findings:
        value = f._value
        assert f.fingerprint == redact.fingerprint(value), "a finding's fingerprint is not its value's"
        again = classify(value, f.named_kind)
        assert again.value == value, "a finding's value is not a fixed point of sanitize/classify"
        assert again.kind is f.kind, "a finding's value reclassifies as another kind"
    # values() hands back only sanitized values of findings
    fps = {f.fingerprint for f in r.findings}
    for v in r.values().values():
        assert redact.fingerprint(v) in fps


def check_explain(text: str, embedded: list[Cred], twice: bool = True) -> None:
    a = explain(text)
    if twice:  # the slow run skips this (explain is the costliest target)
        assert a.to_dict() == explain(text).to_dict(), "explain is not deterministic"
    assert a.diagnosis == "unknown" or a.diagnosis in CATALOG
    rendered = json.dumps(a.to_dict(), ensure_ascii=False) + repr(a)
    assert_no_echo(rendered, embedded, "explain")


def check_from_response(status: int, headers: dict[str, str], body: str, embedded: list[Cred]) -> None:
    a = from_response(status, headers, body)
    assert a.diagnosis == "unknown" or a.diagnosis in CATALOG
    assert_no_echo(json.dumps(a.to_dict(), ensure_ascii=False) + repr(a), embedded, "from_response")


# ------------------------------------------------------------------------------------------
# the quick run (normal suite) and the slow run (CI, `-m slow`)

QUICK = settings(
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
#: 100k examples per target (about 9 min of CPU for the three; see the module docstring).
#: XKEYS_FUZZ_EXAMPLES overrides the count, e.g. for a longer local soak or a timing sample.
SLOW_EXAMPLES = int(os.environ.get("XKEYS_FUZZ_EXAMPLES", "100000"))
SLOW = settings(
    max_examples=SLOW_EXAMPLES, deadline=None, database=None, print_blob=True, suppress_health_check=list(HealthCheck)
)


@QUICK
@given(values, fields)
def test_fuzz_classify_quick(case: tuple[str, list[Cred]], field: Kind | None) -> None:
    check_classify(*case, field)


@QUICK
@given(documents, filenames)
def test_fuzz_scan_quick(case: tuple[str, list[Cred]], filename: str | None) -> None:
    check_scan(*case, filename)


@QUICK
@given(documents)
def test_fuzz_explain_quick(case: tuple[str, list[Cred]]) -> None:
    check_explain(*case)


@QUICK
@given(st.sampled_from([200, 400, 401, 403, 404, 429, 500, 503]), documents, short_documents)
def test_fuzz_from_response_quick(status: int, body: tuple[str, list[Cred]], header: tuple[str, list[Cred]]) -> None:
    headers = {"content-type": "application/json", "www-authenticate": header[0].replace("\n", " ")[:300]}
    check_from_response(status, headers, body[0], body[1] + header[1])


@QUICK
@given(structured)
def test_fuzz_scan_finds_named_credentials(case: tuple[str, str, list[Cred]]) -> None:
    fmt, text, items = case
    r = scan(text)
    check_scan(text, items, None)
    fps = {f.fingerprint for f in r.findings}
    for c in items:
        assert redact.fingerprint(c.value) in fps, f"{c.gen} under {c.name} not found in a clean {fmt} file"


@pytest.mark.slow
@SLOW
@given(slow_classify_cases)
def test_fuzz_classify_slow(case: tuple[str, list[Cred], Kind | None]) -> None:
    check_classify(*case)


@pytest.mark.slow
@SLOW
@given(slow_scan_cases)
def test_fuzz_scan_slow(case: tuple[str, list[Cred], str | None]) -> None:
    check_scan(*case)


@pytest.mark.slow
@SLOW
@given(slow_error_texts)
def test_fuzz_explain_slow(case: tuple[str, list[Cred]]) -> None:
    check_explain(*case, twice=False)


# ------------------------------------------------------------------------------------------
# the property checks themselves can fail (a check that cannot fail proves nothing)


def test_no_echo_check_catches_a_leak() -> None:
    c = Cred("consumer_secret", S.consumer_secret(rng=random.Random(1)), "X_API_SECRET")
    with pytest.raises(AssertionError):
        assert_no_echo(f"message: {c.value[5 : 5 + MIN_RUN]}", [c], "probe")
    assert_no_echo(f"fp {redact.fingerprint(c.value)}, {len(c.value)} chars", [c], "probe")


def test_public_parts_are_exempt_but_nothing_else() -> None:
    at = Cred("access_token", S.access_token(user_id="1234567890123456789", rng=random.Random(2)), "X_ACCESS_TOKEN")
    runs = at.secret_runs()
    assert "123456789012" not in runs  # inside the public user id
    assert at.value[8 : 8 + MIN_RUN] in runs  # crosses the dash: secret
    bt = Cred("bearer_token", S.bearer(rng=random.Random(3)), "X_BEARER_TOKEN")
    assert "A" * MIN_RUN not in bt.secret_runs()
    assert bt.value[15 : 15 + MIN_RUN] in bt.secret_runs()


def test_strategies_cover_every_generator_and_layout() -> None:
    assert set(NAMES) >= set(GENERATORS)
    value = "Abc123Def456Ghi789Jkl012M"
    for name, layout in LAYOUTS.items():
        out = layout("X_API_KEY", value)
        if name != "wrapped":
            assert value in out, name  # the layout really embeds the credential


# ------------------------------------------------------------------------------------------
# scan: names that carry a credential (found by this fuzzer, fixed in 36b5c72), pinned

_B = S.bearer(rng=random.Random(5))
_CK = S.consumer_key(rng=random.Random(6))
_XAI = S.xai_key(rng=random.Random(7))


@pytest.mark.parametrize(
    "text,cred",
    [
        pytest.param(f"Error: [twitter]\nx_bearer_token = {_B} Error: 401 Unauthorized", _B, id="yaml-key-is-a-line"),
        pytest.param(f"{_CK}X_BEARER_TOKEN={_B}", _CK, id="key-glued-to-name"),
        pytest.param(f"{_XAI} =", _XAI, id="key-as-ini-name"),
    ],
)
def test_scan_name_never_carries_a_credential(text: str, cred: str) -> None:
    r = scan(text)
    rendered = json.dumps(r.to_dict(), ensure_ascii=False) + repr(r)
    assert_no_echo(rendered, [Cred("pinned", cred, "")], "scan")
