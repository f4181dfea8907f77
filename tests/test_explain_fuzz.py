"""Property tests: explain never raises, always answers from the catalog, never echoes secrets."""

from __future__ import annotations

import json
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xkeys.core import knowledge
from xkeys.core.explain import CONTEXTS, explain, from_response

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# pieces of real error text, so the fuzzer reaches the interesting paths
FRAGMENTS = st.sampled_from(
    [
        '{"errors":[{"code":32,"message":"Could not authenticate you."}]}',
        "HTTP/1.1 401 Unauthorized\r\n",
        "x-rate-limit-remaining: 0\n",
        "403 Forbidden\n453 - You currently have access to a subset of",
        "Request failed with code 429",
        "(Twitter code 89)",
        "code: 131, message: 'invalid_request'",
        '"type":"https://api.twitter.com/2/problems/usage-capped"',
        "'period': 'Monthly'",
        "<html><title>",
        "Over capacity",
        "getaddrinfo failed",
        "CERTIFICATE_VERIFY_FAILED",
        "ReadTimeout",
        "xai-",
        "Incorrect API key provided: xa***",
        "Invalid oauth_verifier parameter",
        '<error code="415">',
        "You weren't able to give access to the App",
        "error_description",
        "status: 402",
        "\x00",
        "\ufeff",
        "Twitter::Error::Forbidden: ",
        "api_error_code=32",
        "[code] => 261",
        "twitter: 187 ",
    ]
)
PASTES = st.lists(st.one_of(FRAGMENTS, st.text(max_size=80)), max_size=12).map("".join)


@FAST
@given(st.text(max_size=2000))
def test_any_text_gives_a_catalog_answer(text: str) -> None:
    e = explain(text)
    assert e.diagnosis in knowledge.CATALOG
    assert e.confidence in ("high", "medium", "low")
    assert e.http_status is None or 100 <= e.http_status <= 599
    assert isinstance(e.error_code, (int, str, type(None)))
    json.dumps(e.to_dict())


@FAST
@given(PASTES)
def test_error_like_pastes_never_raise(text: str) -> None:
    e = explain(text)
    assert e.diagnosis in knowledge.CATALOG
    assert e.title == knowledge.get(e.diagnosis).title
    if e.diagnosis == "unknown":
        assert e.confidence == "low"


@FAST
@given(
    st.integers(min_value=100, max_value=599),
    st.dictionaries(st.text(max_size=30), st.text(max_size=60), max_size=6),
    st.one_of(st.binary(max_size=1500), st.text(max_size=1500), st.none()),
    st.one_of(st.none(), st.sampled_from(CONTEXTS)),
)
def test_any_response_gives_a_catalog_answer(
    status: int, headers: dict[str, str], body: bytes | str | None, context: str | None
) -> None:
    e = from_response(status, headers, body, context=context)
    assert e.diagnosis in knowledge.CATALOG
    assert e.http_status == status


_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
SECRET = st.text(alphabet=_ALNUM, min_size=25, max_size=60).filter(
    lambda s: sum(c.isdigit() for c in s) >= 3 and sum(c.isalpha() for c in s) >= 3
)


@FAST
@given(
    SECRET,
    PASTES,
    st.sampled_from(
        [
            "X_API_SECRET={}",
            "Authorization: Bearer AAAAAAAAAAAAAAAAAAAAA{}",
            'oauth_token="1234567890-{}"',
            "'client_secret': '{}'",
            "{}",
        ]
    ),
)
def test_no_secret_is_echoed(secret: str, paste: str, wrapper: str) -> None:
    text = paste + "\n" + wrapper.format(secret) + "\n" + paste
    out = json.dumps(explain(text).to_dict())
    for i in range(len(secret) - 11):
        assert secret[i : i + 12] not in out


NOISE = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", max_size=60).map(lambda s: "log: " + s), max_size=8
).map("\n".join)


@FAST
@given(NOISE, NOISE)
def test_log_noise_around_an_error_does_not_change_the_diagnosis(before: str, after: str) -> None:
    core = "tweepy.errors.Forbidden: 403 Forbidden\n261 - Application cannot perform write actions."
    e = explain(f"{before}\n{core}\n{after}")
    assert (e.diagnosis, e.http_status, e.error_code, e.confidence) == ("write-permission-missing", 403, 261, "high")


def test_unknown_input_is_not_guessed() -> None:
    for text in ("", "hello", "the quick brown fox", "Error: something bad happened", "404 page not found"):
        assert explain(text).diagnosis == "unknown", text
    assert re.fullmatch(r"[a-z-]+", explain("x").diagnosis)
