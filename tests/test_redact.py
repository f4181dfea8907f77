"""xkeys.core.redact: masks, fingerprints, the Redactor (raw and encoded forms), logging, exceptions."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import threading
from collections.abc import Iterator
from urllib.parse import quote, quote_plus, unquote

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from xkeys.core import redact
from xkeys.core.kinds import Kind
from xkeys.core.redact import (
    MIN_RUN,
    RedactingFilter,
    Redactor,
    _vocabulary_windows,
    _windows,
    describe,
    fingerprint,
    install_logging,
    mask,
    prefix,
    safe_exception_message,
    scrub_shapes,
)

# valid-shaped values (FACTS.md section 1), made up for these tests
CONSUMER_KEY = "q7WmZ2xRtY9uP4kL8vN3bC6dF"  # 25 alnum
CONSUMER_SECRET = "Zx9k2LmQ7pR4tV8wY1bN3cF6hJ0aS5dG2eK7iO4uP9yT3rE1qW"  # 50 alnum
BEARER = (
    "AAAAAAAAAAAAAAAAAAAAAMLheAAAAAAA0%2BuSeid%2BULvsea4JtiGRiSDSJSI%3DEUifiRBkKG5E2"
    "XzMDjRfl76ZC9Ub0wnz4XsNiRVBChTYbJcE3F"
)
ACCESS_TOKEN = "1456789012345678901-Rt5yU8iO2pA4sD6fG9hJ1kL3zX7cV0"  # 19 digits + 30
ACCESS_SECRET = "Mn3bV6cX9zL2kJ5hG8fD1sA4pO7iU0yT3rE6wQ9aS2dF5"  # 45 alnum
USER_ID = ACCESS_TOKEN.split("-")[0]
ALL = (CONSUMER_KEY, CONSUMER_SECRET, BEARER, ACCESS_TOKEN, ACCESS_SECRET)


def windows(value: str) -> Iterator[str]:
    """Every 12-char run of a value - except runs wholly inside an access token's public
    `<user id>-` prefix (the id is shown on purpose: X returns it from users/me)."""
    public = value.split("-", 1)[0] + "-" if value.split("-", 1)[0].isdigit() else ""
    for i in range(len(value) - MIN_RUN + 1):
        if i + MIN_RUN > len(public):
            yield value[i : i + MIN_RUN]


def leaked(text: str, value: str) -> list[str]:
    """Independent check: every 12-char window of `value` found in `text`."""
    return [w for w in windows(value) if w in text]


@pytest.fixture
def red() -> Redactor:
    return Redactor(ALL)


# --------------------------------------------------------------------------- mask / fingerprint


def test_fingerprint_is_first_8_hex_of_sha256() -> None:
    assert fingerprint(CONSUMER_SECRET) == hashlib.sha256(CONSUMER_SECRET.encode()).hexdigest()[:8]
    assert len(fingerprint("x")) == 8
    assert fingerprint("a") != fingerprint("b")


def test_mask_secret_shows_only_length_and_fingerprint() -> None:
    shown = mask(CONSUMER_SECRET, Kind.CONSUMER_SECRET)
    assert "50 chars" in shown and fingerprint(CONSUMER_SECRET) in shown
    assert CONSUMER_SECRET[:4] not in shown


def test_mask_identifier_shows_at_most_six_chars() -> None:
    shown = mask(CONSUMER_KEY, Kind.CONSUMER_KEY)
    assert shown.startswith(CONSUMER_KEY[:6] + "…")
    assert CONSUMER_KEY[:7] not in shown


def test_mask_unknown_kind_is_treated_as_secret() -> None:
    assert CONSUMER_KEY[:6] not in mask(CONSUMER_KEY)
    assert CONSUMER_KEY[:6] not in mask(CONSUMER_KEY, Kind.UNKNOWN)
    assert mask("") == "(empty)"


def test_prefix_only_for_identifiers() -> None:
    assert prefix(CONSUMER_KEY, Kind.CONSUMER_KEY) == CONSUMER_KEY[:6]
    assert prefix(CONSUMER_KEY, "client_id") == CONSUMER_KEY[:6]
    assert prefix(ACCESS_TOKEN, Kind.ACCESS_TOKEN) is None
    assert prefix(CONSUMER_KEY) is None


def test_describe_never_holds_the_value() -> None:
    d = describe(CONSUMER_SECRET, Kind.CONSUMER_SECRET)
    assert d == {"present": True, "length": 50, "fingerprint": fingerprint(CONSUMER_SECRET), "prefix": None}
    assert describe(CONSUMER_KEY, Kind.CONSUMER_KEY)["prefix"] == CONSUMER_KEY[:6]
    assert describe(None)["present"] is False and describe("")["length"] == 0


# --------------------------------------------------------------------------- Redactor: raw runs


def test_scrubs_whole_values_and_keeps_the_rest(red: Redactor) -> None:
    text = f"key={CONSUMER_KEY} secret: {CONSUMER_SECRET}\nAuthorization: Bearer {BEARER}\n"
    out = red.scrub(text)
    for v in ALL:
        assert not leaked(out, v)
    assert out == "key=[redacted] secret: [redacted]\nAuthorization: Bearer [redacted]\n"
    assert red(text) == out


def test_scrubs_any_run_of_twelve_inside_other_text(red: Redactor) -> None:
    for v in ALL:
        for i in range(0, len(v) - MIN_RUN + 1, 5):
            run = v[i : i + MIN_RUN + (i % 7)]
            out = red.scrub(f"before{run}after and more")
            assert not leaked(out, v), (v, run, out)
            if any(w in run for w in windows(v)):
                assert "[redacted]" in out
            else:  # a run wholly inside the access token's public user id
                assert out == f"before{run}after and more"


def test_an_eleven_char_run_is_not_a_leak() -> None:
    red = Redactor([CONSUMER_SECRET])
    text = f"fragment {CONSUMER_SECRET[: MIN_RUN - 1]} here"
    assert red.scrub(text) == text


def test_short_values_are_ignored_and_empty_redactor_is_identity() -> None:
    red = Redactor(["short", "", None])  # type: ignore[list-item]
    assert len(red) == 0 and red.scrub("short text") == "short text"
    assert Redactor().scrub("") == ""


def test_widening_removes_the_stub_of_a_partly_changed_token(red: Redactor) -> None:
    altered = "#" + CONSUMER_SECRET[1:]  # first char changed; the rest still matches
    out = red.scrub(f"v={altered[1:]}")
    assert out == "v=[redacted]"
    # a token whose first 3 chars differ: those 3 are widened over too
    out = red.scrub(f"v=abc{CONSUMER_SECRET[3:]} end")
    assert out == "v=[redacted] end"


def test_adjacent_and_repeated_values_become_one_placeholder(red: Redactor) -> None:
    assert red.scrub(CONSUMER_SECRET + CONSUMER_SECRET) == "[redacted]"
    assert red.scrub(CONSUMER_SECRET + ACCESS_SECRET) == "[redacted]"
    assert red.scrub(f"{CONSUMER_SECRET} {CONSUMER_SECRET}") == "[redacted] [redacted]"


def test_user_id_prefix_of_access_token_stays_visible(red: Redactor) -> None:
    text = f"user id {USER_ID} (@someone)"
    assert red.scrub(text) == text
    out = red.scrub(f"token {ACCESS_TOKEN}")
    assert out == "token [redacted]"
    # the id plus a tail run is still caught
    assert not leaked(red.scrub(f"x {ACCESS_TOKEN[:25]} y"), ACCESS_TOKEN[15:])


def test_secrets_property_and_len() -> None:
    red = Redactor()
    red.add(CONSUMER_SECRET, CONSUMER_SECRET, None)
    assert red.secrets == frozenset({CONSUMER_SECRET}) and len(red) == 1


# --------------------------------------------------------------------------- encoded forms


def test_url_encoded_forms(red: Redactor) -> None:
    decoded = unquote(BEARER)  # `=`/`+`/`/` instead of %3D/%2B/%2F: what hand-decoding leaves
    assert decoded != BEARER
    double = quote(quote(BEARER, safe=""), safe="")  # double-encoded: %25253D
    for form in (quote(BEARER, safe=""), quote_plus(BEARER), decoded, quote(decoded, safe=""), double):
        out = red.scrub(f"GET /x?token={form}&next=1")
        assert not leaked(out, form), form
        assert out.endswith("&next=1")


def test_lowercase_percent_escapes(red: Redactor) -> None:
    lower = BEARER.replace("%2B", "%2b").replace("%3D", "%3d")
    assert not leaked(red.scrub(f"t={lower}"), lower)


def test_json_escaped_forms(red: Redactor) -> None:
    decoded = unquote(BEARER)
    for payload in (
        json.dumps({"token": BEARER}),
        json.dumps({"token": decoded}),
        json.dumps({"token": decoded}).replace("/", "\\/"),
        json.dumps(json.dumps({"nested": CONSUMER_SECRET})),
    ):
        out = red.scrub(payload)
        assert not leaked(out, BEARER) and not leaked(out, decoded) and not leaked(out, CONSUMER_SECRET)
        assert not leaked(out, decoded.replace("/", "\\/"))
        json.loads(out)  # the document stays valid JSON


def test_html_escaped_form() -> None:
    odd = "abc<def>ghi&jkl\"mno'pqr"
    red = Redactor([odd])
    import html as _html

    assert not leaked(red.scrub(f"<p>{_html.escape(odd)}</p>"), _html.escape(odd))


@pytest.mark.parametrize("lead", ["", "k", "ke", "key", "user:"])
def test_base64_forms_any_alignment(red: Redactor, lead: str) -> None:
    for value in (CONSUMER_SECRET, ACCESS_SECRET, BEARER):
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            blob = encode(f"{lead}{value}".encode()).decode()
            out = red.scrub(f"Authorization: Basic {blob}")
            rest = out.split("Basic ", 1)[1]
            assert rest.startswith("[redacted]") or rest[:8] == blob[:8], out
            # at most the lead's encoding and one padding group are left around the placeholder
            assert len(rest.replace("[redacted]", "")) <= 8, out


def test_basic_header_of_consumer_pair(red: Redactor) -> None:
    blob = base64.b64encode(f"{CONSUMER_KEY}:{CONSUMER_SECRET}".encode()).decode()
    assert red.scrub(f"Basic {blob}").rstrip("=") == "Basic [redacted]"


# --------------------------------------------------------------------------- property tests

_ALPHA = st.text(
    st.characters(min_codepoint=33, max_codepoint=126, exclude_characters="[]"), min_size=MIN_RUN, max_size=80
)
_NOISE = st.text(st.characters(min_codepoint=32, max_codepoint=0x2FF), max_size=40)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(secret=_ALPHA, before=_NOISE, after=_NOISE, data=st.data())
def test_property_no_run_survives(secret: str, before: str, after: str, data: st.DataObject) -> None:
    # xkeys' own vocabulary (field ids, labels, env names) is never secret material: see
    # test_own_vocabulary_stays_readable
    assume(not (_windows(secret) & _vocabulary_windows()))
    red = Redactor([secret])
    i = data.draw(st.integers(0, len(secret) - MIN_RUN))
    j = data.draw(st.integers(i + MIN_RUN, len(secret)))
    out = red.scrub(before + secret[i:j] + after)
    assert not leaked(out, secret)


@settings(max_examples=100, deadline=None)
@given(
    secret=st.text(
        st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789%+/=_-"),
        min_size=MIN_RUN,
        max_size=60,
    ),
    before=_NOISE,
    after=_NOISE,
)
def test_property_encoded_forms(secret: str, before: str, after: str) -> None:
    assume(not (_windows(secret) & _vocabulary_windows()))  # see test_own_vocabulary_stays_readable
    red = Redactor([secret])
    for form in (
        secret,
        quote(secret, safe=""),
        quote_plus(secret),
        json.dumps(secret)[1:-1],
        json.dumps(secret)[1:-1].replace("/", "\\/"),
    ):
        out = red.scrub(before + " " + form + " " + after)
        assert not leaked(out, form), (form, out)
        assert not leaked(out, secret)


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=200))
def test_property_text_without_secrets_is_unchanged(text: str) -> None:
    red = Redactor(ALL)
    if not any(leaked(text, v) for v in ALL):
        # text free of every raw run stays as it is unless it holds an encoded run (vanishingly rare)
        assert red.scrub(text) == text


def test_scrub_obj_nested(red: Redactor) -> None:
    doc = {"a": [CONSUMER_SECRET, {"b": (BEARER, 3)}], CONSUMER_SECRET: None, "n": 5}
    out = red.scrub_obj(doc)
    assert out == {"a": ["[redacted]", {"b": ("[redacted]", 3)}], "[redacted]": None, "n": 5}


def test_concurrent_add_and_scrub() -> None:
    red = Redactor()
    values = [f"{i:04d}" + CONSUMER_SECRET[4:] for i in range(40)]
    errors: list[str] = []

    def adder() -> None:
        for v in values:
            red.add(v)

    def scrubber() -> None:
        for _ in range(200):
            red.scrub(" ".join(values[:5]))

    threads = [threading.Thread(target=adder)] + [threading.Thread(target=scrubber) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out = red.scrub(" ".join(values))
    for v in values:
        if leaked(out, v):
            errors.append(v)
    assert not errors and len(red) == 40


def test_global_remember_and_scrub() -> None:
    marker = "GLOBALtestVALUE0123456789abc"
    redact.remember(marker, None)
    assert marker in redact.GLOBAL.secrets
    assert redact.scrub(f"x {marker} y") == "x [redacted] y"


# --------------------------------------------------------------------------- logging


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def restore_logging() -> Iterator[None]:
    factory = logging.getLogRecordFactory()
    root = logging.getLogger()
    xk = logging.getLogger("xkeys")
    saved = (list(root.handlers), list(xk.filters), root.level)
    yield
    logging.setLogRecordFactory(factory)
    root.handlers[:] = saved[0]
    xk.filters[:] = saved[1]
    root.setLevel(saved[2])


def test_filter_scrubs_message_args_and_traceback(red: Redactor) -> None:
    cap = _Capture()
    cap.addFilter(RedactingFilter(red))
    log = logging.getLogger("xkeys.test.filter")
    log.propagate = False
    log.addHandler(cap)
    log.setLevel(logging.DEBUG)
    try:
        log.warning("secret is %s and %r", CONSUMER_SECRET, {"t": BEARER})
        try:
            raise ValueError(f"bad value {ACCESS_SECRET}")
        except ValueError:
            log.exception("failed with %s", CONSUMER_KEY)
        log.info("broken %s %s", "only-one")  # bad format string: no crash, no leak
    finally:
        log.removeHandler(cap)
    text = "\n".join(cap.lines)
    assert "ValueError" in text and "Traceback" in text
    for v in ALL:
        assert not leaked(text, v), text
    assert len(cap.lines) == 3


def test_install_logging_covers_child_and_third_party_loggers(restore_logging: None) -> None:
    marker = "INSTALLtestSECRET0123456789xyz"
    redact.remember(marker)
    cap = _Capture()
    root = logging.getLogger()
    root.addHandler(cap)
    root.setLevel(logging.DEBUG)
    install_logging()
    install_logging()  # idempotent
    assert sum(isinstance(f, RedactingFilter) for f in logging.getLogger("xkeys").filters) == 1
    assert sum(isinstance(f, RedactingFilter) for f in cap.filters) == 1
    late = _Capture()  # a handler added after install is covered by the record factory
    root.addHandler(late)
    logging.getLogger("xkeys.core.deep.child").warning("value %s", marker)
    logging.getLogger("httpx").warning("header Authorization: Bearer %s", marker)
    try:
        raise RuntimeError(marker)
    except RuntimeError:
        logging.getLogger("asyncio").error("task failed", exc_info=True)
    for c in (cap, late):
        text = "\n".join(c.lines)
        assert marker[:MIN_RUN] not in text and "[redacted]" in text, text
        assert "RuntimeError" in text


# --------------------------------------------------------------------------- exceptions and shapes


def test_safe_exception_message_masks_known_and_unknown_values() -> None:
    unknown_secret = "Pq8wE3rT6yU1iO4pA7sD0fG2hJ5kL9zX3cV6bN8mQ1wE4rT7yU"  # never registered
    red = Redactor([CONSUMER_SECRET])
    exc = RuntimeError(f"boom {CONSUMER_SECRET}\n  and {unknown_secret} and {BEARER} and user {ACCESS_TOKEN}")
    msg = safe_exception_message(exc, redactor=red)
    assert "\n" not in msg and msg.startswith("boom [redacted]")
    for v in (CONSUMER_SECRET, unknown_secret, BEARER):
        assert not leaked(msg, v)
    assert f"{USER_ID}-[redacted]" in msg  # the public user id stays
    assert safe_exception_message(ValueError()) == "ValueError"
    assert len(safe_exception_message(ValueError("word " * 200), limit=50)) == 50


def test_scrub_shapes_leaves_ordinary_words() -> None:
    text = "could not connect to api.x.com:443 (ConnectionRefusedError) after 3 tries"
    assert scrub_shapes(text) == text
    assert scrub_shapes("key xai-" + "a1" * 20) == "key [redacted]"
    assert scrub_shapes(CONSUMER_KEY) == "[redacted]"


def test_exception_whose_str_raises() -> None:
    class Nasty(Exception):
        def __str__(self) -> str:
            raise RuntimeError("no")

    assert safe_exception_message(Nasty()) == "Nasty"


def test_pasted_forms_register_their_clean_value_too() -> None:
    """A value loaded with paste debris (quotes, zero-width space, `Bearer `, `NAME=`) is also
    caught in the cleaned form later outputs carry."""
    secret = "Ab3dEf6hIj" + "Kl9nOp2rSt"  # 20 chars: no 12-run on either side of the break
    red = Redactor([f"Ab3dEf6hIj\u200b{'Kl9nOp2rSt'}"])
    assert red.scrub(f"x {secret} y") == "x [redacted] y"
    for debris in (
        f'"{CONSUMER_SECRET}"',
        f"  {CONSUMER_SECRET}\n",
        f"Bearer {BEARER}",
        f"X_API_SECRET={CONSUMER_SECRET}",
        f"export X_API_SECRET='{CONSUMER_SECRET}'",
        f"\u201c{CONSUMER_SECRET}\u201d",
    ):
        red = Redactor([debris])
        clean = BEARER if "Bearer" in debris else CONSUMER_SECRET
        assert red.scrub(f"value: {clean}.") == "value: [redacted].", debris


def test_own_vocabulary_stays_readable() -> None:
    # a placeholder loaded as a value must not scrub field names out of every later output
    red = Redactor(["your_consumer_key_here", "access_token", "X_ACCESS_TOKEN_SECRET=changeme"])
    text = "consumer_key: fp 1; access_token; X_ACCESS_TOKEN_SECRET set"
    assert red.scrub(text) == text
    # ... while the placeholder itself, and real secrets, are still scrubbed
    assert red.scrub("got your_consumer_key_here") == "got [redacted]"
