"""Table tests for xkeys.core.shapes: every kind (old and modern shapes), every hygiene fix,
every wrong-field rule, lookalikes and placeholders. Values are generated per FACTS.md section 1."""

from __future__ import annotations

import base64
import random
from collections.abc import Callable
from urllib.parse import quote

import pytest

import shapes_samples as S
from xkeys.core.kinds import FIELDS, OAUTH1_FIELDS, Kind
from xkeys.core.shapes import HYGIENE_FIXES, Classification, classify, sanitize

RNG = random.Random(20260226)
K = Kind

# -------------------------------------------------------------------------- every kind

KIND_TABLE: list[tuple[str, Callable[[], str], Kind, str]] = [
    ("consumer key, modern 25", lambda: S.consumer_key(25, RNG), K.CONSUMER_KEY, "high"),
    ("consumer key, older 21", lambda: S.consumer_key(21, RNG), K.CONSUMER_KEY, "medium"),
    ("consumer key, older 22", lambda: S.consumer_key(22, RNG), K.CONSUMER_KEY, "medium"),
    ("consumer secret, modern 50", lambda: S.consumer_secret(50, RNG), K.CONSUMER_SECRET, "medium"),
    ("consumer secret, older 42", lambda: S.consumer_secret(42, RNG), K.CONSUMER_SECRET, "medium"),
    ("consumer secret, older 43", lambda: S.consumer_secret(43, RNG), K.CONSUMER_SECRET, "medium"),
    ("bearer, URL-encoded", lambda: S.bearer(RNG), K.BEARER_TOKEN, "high"),
    ("bearer, decoded by hand", lambda: S.bearer_decoded(RNG), K.BEARER_TOKEN, "high"),
    ("access token, modern 19-digit id", lambda: S.access_token(rng=RNG), K.ACCESS_TOKEN, "high"),
    ("access token, legacy short id", lambda: S.legacy_access_token(RNG), K.ACCESS_TOKEN, "high"),
    ("access token secret, modern 45", lambda: S.access_token_secret(45, RNG), K.ACCESS_TOKEN_SECRET, "high"),
    ("access token secret, older 40", lambda: S.access_token_secret(40, RNG), K.ACCESS_TOKEN_SECRET, "medium"),
    ("access token secret, older 41", lambda: S.access_token_secret(41, RNG), K.ACCESS_TOKEN_SECRET, "low"),
    ("client id", lambda: S.client_id("ci", RNG), K.CLIENT_ID, "high"),
    ("client id, :na variant", lambda: S.client_id("na", RNG), K.CLIENT_ID, "medium"),
    ("client secret with - and _", lambda: S.client_secret(RNG), K.CLIENT_SECRET, "high"),
    ("oauth2 access token", lambda: S.oauth2_token("at", rng=RNG), K.OAUTH2_ACCESS_TOKEN, "high"),
    ("oauth2 refresh token", lambda: S.oauth2_token("rt", rng=RNG), K.OAUTH2_REFRESH_TOKEN, "high"),
    ("xai key", lambda: S.xai_key(RNG), K.XAI_API_KEY, "high"),
]


@pytest.mark.parametrize("make,kind,confidence", [t[1:] for t in KIND_TABLE], ids=[t[0] for t in KIND_TABLE])
def test_every_kind_is_recognised(make: Callable[[], str], kind: Kind, confidence: str) -> None:
    for _ in range(25):  # several random draws of the same shape
        value = make()
        c = classify(value)
        assert c.kind is kind, (c.kind, c.message)
        assert c.confidence == confidence
        assert c.value == value
        assert c.field is None and c.matches_field is None
        assert c.details["length"] == len(value)
        assert c.message.endswith(".") and value not in c.message


def test_documentation_bearer_shape() -> None:
    # the documented bearer: 21 `A`, then URL-encoded base64 with %2B and %3D, 116 chars raw
    body = (
        "A" * 21
        + S.rnd(11, rng=RNG)
        + "%2B"
        + S.rnd(20, rng=RNG)
        + "%2F"
        + S.rnd(5, rng=RNG)
        + "%3D"
        + S.rnd(50, rng=RNG)
    )
    c = classify(body)
    assert c.kind is K.BEARER_TOKEN and c.confidence == "high"
    assert c.details["url_encoded"] is True and c.details["leading_a"] >= 21
    assert c.hygiene == []


def test_bearer_decoded_is_reported_not_rewritten() -> None:
    decoded = S.bearer_decoded(RNG)
    value, fixes = sanitize(decoded)
    assert value == decoded
    assert fixes == ["url-decoded-bearer"]
    c = classify(decoded)
    assert c.kind is K.BEARER_TOKEN and c.details["url_encoded"] is False
    assert c.diagnosis == "paste-hygiene" and "%3D" in c.message


def test_double_encoded_bearer_is_reported() -> None:
    twice = quote(S.bearer(RNG), safe="")
    value, fixes = sanitize(twice)
    assert value == twice and "double-encoded-bearer" in fixes
    assert classify(twice).kind is K.BEARER_TOKEN


def test_truncated_bearer_is_medium_and_says_so() -> None:
    c = classify(S.bearer(RNG)[:70])
    assert c.kind is K.BEARER_TOKEN and c.confidence == "medium"
    assert c.details.get("truncated") is True and "missing" in c.message


def test_access_token_details() -> None:
    uid = "1456789012345678901"
    c = classify(S.access_token(uid, rng=RNG))
    assert c.details["user_id"] == uid and c.details["id_style"] == "modern"
    c = classify(S.access_token("12345678", tail=40, rng=RNG))
    assert c.details["user_id"] == "12345678" and c.details["id_style"] == "legacy"
    # a tail far outside the bands is still an access token, less sure
    assert classify(S.access_token(uid, tail=12, rng=RNG)).confidence == "medium"


def test_client_id_details_and_documented_suffix() -> None:
    cid = S.client_id(rng=RNG)
    assert cid.endswith("MTpjaQ")  # FACTS.md: base64url of `:1:ci`
    c = classify(cid)
    assert c.details["id_suffix"] == "ci" and c.details["client_type"] == "client"
    na = classify(S.client_id("na", RNG))
    assert na.details["client_type"] == "native (unconfirmed)"
    assert "does not document" in na.message
    odd = classify(S.client_id("zz", RNG))
    assert odd.kind is K.CLIENT_ID and odd.confidence == "low"


def test_34_chars_that_do_not_decode_are_not_a_client_id() -> None:
    assert classify(S.rnd(34, rng=RNG)).kind is not K.CLIENT_ID


@pytest.mark.parametrize("age,expired", [(60, False), (7199, False), (7201, True), (86400 * 3, True)])
def test_oauth2_access_token_expiry(age: int, expired: bool) -> None:
    issued_ms = 1_780_000_000_000
    tok = S.oauth2_token("at", issued_ms, RNG)
    c = classify(tok, now=issued_ms / 1000 + age)
    assert c.kind is K.OAUTH2_ACCESS_TOKEN
    assert c.details["issued_at"] == "2026-05-28T20:26:40Z"
    assert c.details["expires_at"] == "2026-05-28T22:26:40Z"
    assert c.details["likely_expired"] is expired
    assert ("expired" in c.message) is expired


def test_oauth2_refresh_token_has_no_expiry_claim() -> None:
    c = classify(S.oauth2_token("rt", rng=RNG), now=0)
    assert c.kind is K.OAUTH2_REFRESH_TOKEN
    assert "likely_expired" not in c.details and "issued_at" in c.details


def test_fifty_alnum_fits_two_kinds() -> None:
    v = S.consumer_secret(50, RNG)
    c = classify(v)
    assert c.kind is K.CONSUMER_SECRET and c.alternatives == [K.CLIENT_SECRET]
    assert c.confidence == "medium" and "two kinds" in c.message
    in_cs = classify(v, K.CONSUMER_SECRET)
    assert in_cs.kind is K.CONSUMER_SECRET and in_cs.confidence == "high" and in_cs.matches_field is True
    in_client = classify(v, "client_secret")
    assert in_client.kind is K.CLIENT_SECRET and in_client.matches_field is True
    assert in_client.alternatives == [K.CONSUMER_SECRET] and in_client.diagnosis is None


def test_forty_one_is_honestly_ambiguous() -> None:
    v = S.access_token_secret(41, RNG)
    c = classify(v)
    assert c.confidence == "low" and set([c.kind, *c.alternatives]) == {K.ACCESS_TOKEN_SECRET, K.CONSUMER_SECRET}
    assert classify(v, "consumer_secret").kind is K.CONSUMER_SECRET
    assert classify(v, "consumer_secret").confidence == "medium"


@pytest.mark.parametrize(
    "n,near",
    [
        (24, K.CONSUMER_KEY),
        (26, K.CONSUMER_KEY),
        (44, K.ACCESS_TOKEN_SECRET),
        (49, K.CONSUMER_SECRET),
        (51, K.CONSUMER_SECRET),
    ],
)
def test_one_character_off_a_band(n: int, near: Kind) -> None:
    c = classify(S.rnd(n, rng=RNG))
    assert c.kind is K.UNKNOWN and c.details["near_kind"] == near.value and "one character" in c.message


def test_other_lengths_are_unknown() -> None:
    for n in (5, 12, 30, 60, 80):
        c = classify(S.rnd(n, rng=RNG).replace("x", "y"))
        assert c.kind is K.UNKNOWN and c.confidence == "low", n


# -------------------------------------------------------------------------- hygiene

CK = "Q7mZk2RtVb9XwLp4Hn6sJd3Fa"  # 25 alnum: a consumer key shape, made up

HYGIENE_TABLE: list[tuple[str, str, list[str]]] = [
    ("  " + CK + "\n", CK, ["stripped-whitespace"]),
    ("\t" + CK + "\r\n", CK, ["stripped-whitespace"]),
    ('"' + CK + '"', CK, ["removed-quotes"]),
    ("'" + CK + "'", CK, ["removed-quotes"]),
    ("`" + CK + "`", CK, ["removed-quotes"]),
    ('"' + CK, CK, ["removed-quotes"]),  # half a pair
    ("\u201c" + CK + "\u201d", CK, ["removed-smart-quotes"]),
    ("\u2018" + CK + "\u2019", CK, ["removed-smart-quotes"]),
    ("\u00ab" + CK + "\u00bb", CK, ["removed-smart-quotes"]),
    ("\u200b" + CK, CK, ["removed-zero-width"]),
    (CK[:10] + "\u200d" + CK[10:] + "\ufeff", CK, ["removed-zero-width"]),
    ("\u00a0" + CK + "\u00a0", CK, ["removed-nbsp", "stripped-whitespace"]),
    ("X_API_KEY=" + CK, CK, ["removed-name-prefix"]),
    ('export X_API_KEY="' + CK + '"', CK, ["removed-name-prefix", "removed-quotes"]),
    ("TWITTER_CONSUMER_KEY: " + CK, CK, ["removed-name-prefix"]),
    ("consumer_key = '" + CK + "'", CK, ["removed-name-prefix", "removed-quotes"]),
    ('"consumer_key": "' + CK + '",', CK, ["removed-quotes", "removed-name-prefix"]),
    ('ENV TWITTER_API_KEY "' + CK + '"', CK, ["removed-name-prefix", "removed-quotes"]),
    ("API Key: " + CK, CK, ["removed-name-prefix"]),
    (CK[:12] + "\n" + CK[12:], CK, ["removed-inner-whitespace"]),
    (" " + CK[:13] + " " + CK[13:] + " ", CK, ["stripped-whitespace", "removed-inner-whitespace"]),
]


@pytest.mark.parametrize("raw,clean,fixes", HYGIENE_TABLE, ids=[repr(t[0][:14]) for t in HYGIENE_TABLE])
def test_hygiene_fixes(raw: str, clean: str, fixes: list[str]) -> None:
    value, got = sanitize(raw)
    assert value == clean
    assert got == fixes
    c = classify(raw)
    assert c.kind is K.CONSUMER_KEY
    assert c.hygiene == fixes and c.diagnosis == "paste-hygiene"
    assert "xkeys removed" in c.message


def test_bearer_prefix_forms() -> None:
    b = S.bearer(RNG)
    for raw in (
        "Bearer " + b,
        "bearer " + b,
        "Authorization: Bearer " + b,
        '"Bearer ' + b + '"',
        "export X_BEARER_TOKEN='Bearer " + b + "'",
    ):
        value, fixes = sanitize(raw)
        assert value == b, raw[:30]
        assert "removed-bearer-prefix" in fixes
        assert classify(raw).kind is K.BEARER_TOKEN


def test_every_hygiene_id_is_exercised_and_described() -> None:
    seen = {f for raw, _, fixes in HYGIENE_TABLE for f in fixes}
    seen |= {"removed-bearer-prefix", "url-decoded-bearer", "double-encoded-bearer"}
    assert seen == set(HYGIENE_FIXES)


def test_clean_values_need_no_fixes() -> None:
    for make, _kind, _conf in [t[1:] for t in KIND_TABLE]:
        v = make()
        if v.startswith("A" * 21) and "%" not in v:
            continue  # the hand-decoded bearer is a notice by design
        assert sanitize(v) == (v, []), v[:6]


def test_sanitize_does_not_eat_token_content() -> None:
    # base64 padding, a decoded bearer's `=`, URLs and Telegram colons are not NAME= prefixes
    for v in (
        "abcd==",
        "QUJDREVGR0g=",
        S.bearer_decoded(RNG),
        "https://example.org/x",
        "123456789:" + S.rnd(35, rng=RNG),
    ):
        assert sanitize(v)[0] == v


def test_several_values_pasted_together() -> None:
    raw = S.consumer_key(rng=RNG) + "\n" + S.consumer_secret(rng=RNG)
    c = classify(raw)
    assert c.kind is K.UNKNOWN and c.details["pieces"] == ["consumer_key", "consumer_secret"]
    assert "one value at a time" in c.message


def test_named_prefix_sets_the_field() -> None:
    c = classify("export X_API_KEY=" + S.client_id(rng=RNG))
    assert c.field is K.CONSUMER_KEY and c.matches_field is False
    assert c.diagnosis == "client-id-as-consumer-key" and c.details["named_as"] == "consumer_key"
    # an explicit field wins over the pasted name
    c2 = classify("X_API_KEY=" + S.client_id(rng=RNG), field="client_id")
    assert c2.field is K.CLIENT_ID and c2.matches_field is True


def test_empty_and_whitespace_only() -> None:
    for raw in ("", "   ", "\n\n", "\u200b", '""'):
        c = classify(raw)
        assert c.kind is K.UNKNOWN and "empty" in c.message and c.value == ""


# -------------------------------------------------------------------------- fields


def test_client_id_in_consumer_key_field() -> None:
    c = classify(S.client_id(rng=RNG), field="API Key")
    assert c.kind is K.CLIENT_ID and c.field is K.CONSUMER_KEY and c.matches_field is False
    assert c.diagnosis == "client-id-as-consumer-key"
    assert "Client ID" in c.message and "Consumer Keys" in c.message and "OAuth 2.0" in c.message


def test_consumer_key_in_client_id_field() -> None:
    c = classify(S.consumer_key(rng=RNG), field=K.CLIENT_ID)
    assert c.matches_field is False and c.diagnosis == "client-id-as-consumer-key"


@pytest.mark.parametrize("fld", sorted(OAUTH1_FIELDS, key=lambda k: k.value))
def test_bearer_in_any_oauth1_field(fld: Kind) -> None:
    c = classify(S.bearer(RNG), field=fld)
    assert c.kind is K.BEARER_TOKEN and c.matches_field is False and c.diagnosis == "wrong-field"
    assert "Bearer Token field" in c.message


@pytest.mark.parametrize("fld", [None, *FIELDS])
def test_xai_key_anywhere(fld: Kind | None) -> None:
    c = classify(S.xai_key(RNG), field=fld)
    assert c.kind is K.XAI_API_KEY and c.diagnosis == "xai-key-not-x"
    assert "console.x.ai" in c.message and "console.x.com" in c.message
    if fld is not None:
        assert c.matches_field is False


def test_field_given_as_label_env_or_id() -> None:
    v = S.consumer_key(rng=RNG)
    for name in ("consumer_key", "API Key", "Consumer Key", "X_API_KEY", "TWITTER_CONSUMER_KEY", K.CONSUMER_KEY):
        c = classify(v, field=name)
        assert c.field is K.CONSUMER_KEY and c.matches_field is True and c.diagnosis is None


def test_unknown_field_name_raises_value_error() -> None:
    with pytest.raises(ValueError):
        classify("x", field="no such field")


def test_generic_wrong_field_names_both() -> None:
    c = classify(S.access_token_secret(rng=RNG), field="consumer_key")
    assert c.diagnosis == "wrong-field" and "Access Token Secret" in c.message and "API Key" in c.message
    c = classify(S.oauth2_token(rng=RNG), field="access_token")
    assert c.kind is K.OAUTH2_ACCESS_TOKEN and c.diagnosis == "wrong-field"


def test_unknown_value_in_a_field() -> None:
    c = classify("hello", field="consumer_secret")
    assert c.kind is K.UNKNOWN and c.matches_field is False and "API Key Secret" in c.message


# -------------------------------------------------------------------------- lookalikes

LOOKALIKES = [
    ("ghp_" + S.rnd(36, rng=RNG), "GitHub"),
    ("github_pat_" + S.rnd(22, rng=RNG) + "_" + S.rnd(59, rng=RNG), "GitHub"),
    ("sk-" + S.rnd(48, rng=RNG), "OpenAI"),
    ("sk-proj-" + S.rnd(60, S.B64URL, RNG), "OpenAI"),
    ("sk-ant-api03-" + S.rnd(80, S.B64URL, RNG), "Anthropic"),
    ("AIza" + S.rnd(35, S.B64URL, RNG), "Google API key"),
    ("GOCSPX-" + S.rnd(28, S.B64URL, RNG), "Google OAuth client secret"),
    (
        "123456789012-" + S.rnd(32, "abcdefghijklmnopqrstuvwxyz0123456789", RNG) + ".apps.googleusercontent.com",
        "Google OAuth client ID",
    ),
    ("xoxb-" + "1234567890-" + S.rnd(24, rng=RNG), "Slack"),
    ("5123456789:" + S.rnd(35, S.B64URL, RNG), "Telegram"),
    (
        "eyJhbGciOiJIUzI1NiJ9."
        + base64.urlsafe_b64encode(b'{"sub":"1"}').decode().rstrip("=")
        + "."
        + S.rnd(43, S.B64URL, RNG),
        "JWT",
    ),
    ("AKIA" + S.rnd(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", RNG), "AWS"),
    ("sk_live_" + S.rnd(24, rng=RNG), "Stripe"),
    ("https://api.x.com/2/users/me", "web address"),
    ("someone@example.org", "email"),
    ("d41d8cd98f00b204e9800998ecf8427e", "hexadecimal"),
    ("da39a3ee5e6b4b0d3255bfef95601890afd80709", "hexadecimal"),
]


@pytest.mark.parametrize("value,what", LOOKALIKES, ids=[w for _, w in LOOKALIKES])
def test_lookalikes_are_not_x_kinds(value: str, what: str) -> None:
    c = classify(value)
    assert c.kind is K.UNKNOWN, c.message
    assert what.lower() in c.details["looks_like"].lower() or what.lower() in c.message.lower()
    assert value not in c.message


PLACEHOLDERS = [
    "your-key-here",
    "YOUR_API_KEY",
    "your consumer key",
    "<CONSUMER KEY>",
    "xxxxxxxxxxxxxxxxxxxxxxxxx",
    "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
    "***",
    "********",
    "${{ secrets.X_API_KEY }}",
    "${X_API_KEY}",
    "<%= ENV['TWITTER_KEY'] %>",
    "{{ twitter_key }}",
    "7Qm2XXXX...bT",
    "7Qm2…bT",
    "changeme",
    "REPLACE_ME",
    "placeholder",
    "insert-token-here",
    "X_API_KEY",
    "consumer_key",
    "TWITTER_ACCESS_TOKEN_SECRET",
    "None",
    "null",
    "example-token",
    "•••••••••",
]


@pytest.mark.parametrize("value", PLACEHOLDERS)
def test_placeholders(value: str) -> None:
    c = classify(value)
    assert c.kind is K.UNKNOWN and c.details.get("placeholder") is True, (value, c.message)
    assert "placeholder" in c.message


def test_real_shapes_are_not_mistaken_for_placeholders() -> None:
    rng = random.Random(7)
    for _ in range(2000):
        for make in (S.consumer_key, S.consumer_secret, S.access_token_secret):
            v = make(rng=rng)
            assert not classify(v).details.get("placeholder"), v


# -------------------------------------------------------------------------- the result type


def test_value_not_in_repr_or_dict() -> None:
    v = S.consumer_secret(rng=RNG)
    c = classify(v)
    assert v not in repr(c) and v not in str(c.to_dict())
    assert c.value == v


def test_to_dict_contract_keys() -> None:
    d = classify(S.access_token(rng=RNG), "access_token").to_dict()
    assert {"kind", "confidence", "field", "matches_field", "hygiene", "details", "message"} <= set(d)
    assert d["kind"] == "access_token" and d["field"] == "access_token" and d["matches_field"] is True
    assert d["confidence"] in ("high", "medium", "low")
    assert isinstance(d["hygiene"], list) and isinstance(d["details"], dict)
    assert d["alternatives"] == [] and d["diagnosis"] is None


def test_classification_is_a_dataclass_with_known() -> None:
    c = classify(S.consumer_key(rng=RNG))
    assert isinstance(c, Classification) and c.known
    assert not classify("?").known


def test_messages_are_one_sentence() -> None:
    samples = [t[1]() for t in KIND_TABLE] + [v for v, _ in LOOKALIKES] + PLACEHOLDERS
    for v in samples:
        for fld in (None, K.CONSUMER_KEY, K.BEARER_TOKEN):
            m = classify(v, fld).message
            assert m.endswith(".") and m.count(". ") == 0, m
            assert "\n" not in m


# -------------------------------------------------------------------------- odd inputs


def test_huge_text_is_refused_quickly_and_honestly() -> None:
    for big in ("A" * 500_000, "a" * 400, "X_API_KEY=" + "b" * 5000, "your" + "k" * 10_000):
        c = classify(big)
        assert c.kind is K.UNKNOWN and "longer than any X credential" in c.message


def test_a_whole_env_file_points_to_scan() -> None:
    env = f"X_API_KEY={S.consumer_key(rng=RNG)}\nX_API_SECRET={S.consumer_secret(rng=RNG)}\nDEBUG=1\n"
    c = classify(env)
    assert c.kind is K.UNKNOWN and "xkeys scan" in c.message and c.details["lines"] == 3


def test_client_secret_in_consumer_secret_field() -> None:
    c = classify(S.client_secret(RNG), field="consumer_secret")
    assert c.kind is K.CLIENT_SECRET and c.matches_field is False and c.diagnosis == "wrong-field"
    assert "Client Secret field" in c.message


def test_unknown_kind_as_field_means_no_field() -> None:
    c = classify(S.consumer_key(rng=RNG), field=K.UNKNOWN)
    assert c.field is None and c.matches_field is None


def test_wrong_field_names_both_kinds_of_a_shared_shape() -> None:
    c = classify(S.consumer_secret(50, RNG), field="bearer_token")
    assert c.matches_field is False and c.diagnosis == "wrong-field"
    assert "API Key Secret" in c.message and "Client Secret" in c.message and "Bearer Token" in c.message
