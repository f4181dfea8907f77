"""Offline cross-field checks (xkeys.core.crosscheck): one test per rule, pass and fail sides."""

from __future__ import annotations

import random

import pytest

import shapes_samples as S
from xkeys.core.crosscheck import crosscheck
from xkeys.core.kinds import Kind as K
from xkeys.core.results import CheckResult, Status

RNG = random.Random(42)


def by_id(results: list[CheckResult]) -> dict[str, CheckResult]:
    ids = [r.id for r in results]
    assert len(ids) == len(set(ids)), ids
    assert all(i.startswith("cross.") for i in ids)
    return {r.id: r for r in results}


def full_set() -> dict[K, str]:
    return {
        K.CONSUMER_KEY: S.consumer_key(rng=RNG),
        K.CONSUMER_SECRET: S.consumer_secret(rng=RNG),
        K.ACCESS_TOKEN: S.access_token("1600000000000000001", rng=RNG),
        K.ACCESS_TOKEN_SECRET: S.access_token_secret(rng=RNG),
        K.BEARER_TOKEN: S.bearer(RNG),
        K.CLIENT_ID: S.client_id(rng=RNG),
        K.CLIENT_SECRET: S.client_secret(RNG),
    }


def test_healthy_set_all_pass_and_generation_is_a_skip() -> None:
    r = by_id(crosscheck(full_set()))
    statuses = {i: c.status for i, c in r.items()}
    assert statuses.pop("cross.same-generation") is Status.SKIP
    assert set(statuses.values()) == {Status.PASS}, statuses
    assert r["cross.access-token-user-id"].details["user_id"] == "1600000000000000001"
    gen = r["cross.same-generation"]
    assert "cannot be detected offline" in gen.message and "live check settles it" in gen.message
    assert gen.details["pairs"] == ["consumer-pair", "access-pair", "client-pair"]


def test_client_id_equal_to_consumer_key_is_accepted_with_explanation() -> None:
    v = S.consumer_key(rng=RNG)
    r = by_id(crosscheck({K.CONSUMER_KEY: v, K.CLIENT_ID: v}))
    c = r["cross.client-id-vs-consumer-key"]
    assert c.status is Status.PASS and c.details["same"] is True
    assert "same string" in c.message and "distinct" in c.message
    assert "cross.duplicate-values" not in r or r["cross.duplicate-values"].status is Status.PASS


def test_client_id_different_from_consumer_key_is_normal() -> None:
    r = by_id(crosscheck({K.CONSUMER_KEY: S.consumer_key(rng=RNG), K.CLIENT_ID: S.client_id(rng=RNG)}))
    c = r["cross.client-id-vs-consumer-key"]
    assert c.status is Status.PASS and c.details["same"] is False and "normal" in c.message


def test_client_id_in_consumer_key_field_fails() -> None:
    r = by_id(crosscheck({K.CONSUMER_KEY: S.client_id(rng=RNG), K.CONSUMER_SECRET: S.consumer_secret(rng=RNG)}))
    c = r["cross.client-id-vs-consumer-key"]
    assert c.status is Status.FAIL and c.diagnosis == "client-id-as-consumer-key"


def test_consumer_key_in_client_id_field_fails() -> None:
    r = by_id(crosscheck({K.CLIENT_ID: S.consumer_key(rng=RNG)}))
    assert r["cross.client-id-vs-consumer-key"].status is Status.FAIL


def test_access_token_without_user_id_prefix() -> None:
    r = by_id(
        crosscheck(
            {K.ACCESS_TOKEN: S.access_token_secret(rng=RNG), K.ACCESS_TOKEN_SECRET: S.access_token_secret(rng=RNG)}
        )
    )
    assert r["cross.access-token-user-id"].status is Status.FAIL
    r = by_id(crosscheck({K.ACCESS_TOKEN: S.oauth2_token(rng=RNG)}))
    c = r["cross.access-token-user-id"]
    assert c.status is Status.WARN and "OAuth 2.0" in c.message


def test_same_value_in_two_fields() -> None:
    v = S.consumer_secret(rng=RNG)
    r = by_id(
        crosscheck(
            {K.CONSUMER_SECRET: v, K.ACCESS_TOKEN_SECRET: " " + v + "\n", K.CONSUMER_KEY: S.consumer_key(rng=RNG)}
        )
    )
    c = r["cross.duplicate-values"]
    assert c.status is Status.FAIL and c.diagnosis == "wrong-field"
    assert c.details["fields"] == [["consumer_secret", "access_token_secret"]]
    assert "API Key Secret and Access Token Secret" in c.message


def test_secret_in_identifier_field() -> None:
    r = by_id(crosscheck({K.CONSUMER_KEY: S.access_token_secret(rng=RNG), K.CLIENT_ID: S.bearer(RNG)}))
    a, b = r["cross.secret-in-consumer-key"], r["cross.secret-in-client-id"]
    assert a.status is Status.FAIL and a.details["found"] == "access_token_secret"
    assert b.status is Status.FAIL and b.details["found"] == "bearer_token" and b.diagnosis == "wrong-field"


@pytest.mark.parametrize(
    "stem,a,b,make_a,make_b",
    [
        (
            "consumer-pair",
            K.CONSUMER_KEY,
            K.CONSUMER_SECRET,
            lambda: S.consumer_key(rng=RNG),
            lambda: S.consumer_secret(rng=RNG),
        ),
        (
            "access-pair",
            K.ACCESS_TOKEN,
            K.ACCESS_TOKEN_SECRET,
            lambda: S.access_token(rng=RNG),
            lambda: S.access_token_secret(rng=RNG),
        ),
        ("client-pair", K.CLIENT_ID, K.CLIENT_SECRET, lambda: S.client_id(rng=RNG), lambda: S.client_secret(RNG)),
    ],
)
def test_swapped_pairs(stem: str, a: K, b: K, make_a, make_b) -> None:  # type: ignore[no-untyped-def]
    va, vb = make_a(), make_b()
    ok = by_id(crosscheck({a: va, b: vb}))[f"cross.{stem}-swapped"]
    assert ok.status is Status.PASS
    bad = by_id(crosscheck({a: vb, b: va}))[f"cross.{stem}-swapped"]
    assert bad.status is Status.FAIL and bad.diagnosis == "wrong-field" and "swapped" in bad.message


def test_access_token_without_secret_and_reverse() -> None:
    r = by_id(crosscheck({K.ACCESS_TOKEN: S.access_token(rng=RNG)}))
    c = r["cross.access-pair-complete"]
    assert c.status is Status.FAIL and c.details["missing"] == "access_token_secret"
    r = by_id(crosscheck({K.ACCESS_TOKEN_SECRET: S.access_token_secret(rng=RNG)}))
    assert r["cross.access-pair-complete"].details["missing"] == "access_token"
    # both present but no consumer pair: signing as the user is impossible
    r = by_id(
        crosscheck({K.ACCESS_TOKEN: S.access_token(rng=RNG), K.ACCESS_TOKEN_SECRET: S.access_token_secret(rng=RNG)})
    )
    assert r["cross.access-pair-complete"].status is Status.WARN


def test_consumer_secret_without_key_and_key_without_secret() -> None:
    r = by_id(crosscheck({K.CONSUMER_SECRET: S.consumer_secret(rng=RNG)}))
    assert r["cross.consumer-pair-complete"].status is Status.FAIL
    r = by_id(crosscheck({K.CONSUMER_KEY: S.consumer_key(rng=RNG)}))
    assert r["cross.consumer-pair-complete"].status is Status.WARN


def test_client_pair_completeness() -> None:
    r = by_id(crosscheck({K.CLIENT_SECRET: S.client_secret(RNG)}))
    assert r["cross.client-pair-complete"].status is Status.FAIL
    r = by_id(crosscheck({K.CLIENT_ID: S.client_id(rng=RNG)}))
    c = r["cross.client-pair-complete"]
    assert c.status is Status.PASS and c.details["public_client"] is True


@pytest.mark.parametrize(
    "age,refresh,status", [(600, False, Status.PASS), (7300, True, Status.WARN), (7300, False, Status.FAIL)]
)
def test_oauth2_token_expiry(age: int, refresh: bool, status: Status) -> None:
    issued = 1_780_000_000_000
    vals = {K.OAUTH2_ACCESS_TOKEN: S.oauth2_token("at", issued, RNG)}
    if refresh:
        vals[K.OAUTH2_REFRESH_TOKEN] = S.oauth2_token("rt", issued, RNG)
    c = by_id(crosscheck(vals, now=issued / 1000 + age))["cross.oauth2-token-expiry"]
    assert c.status is status
    assert c.details["expires_at"] == "2026-05-28T22:26:40Z"
    if status is not Status.PASS:
        assert c.diagnosis == "oauth2-token-expired"


def test_keys_may_be_field_names_and_empty_values_are_absent() -> None:
    r = by_id(crosscheck({"X_API_KEY": S.consumer_key(rng=RNG), "API Key Secret": "", "nonsense": "x"}))
    assert r["cross.consumer-pair-complete"].status is Status.WARN


def test_empty_input_gives_no_checks() -> None:
    assert crosscheck({}) == []


def test_no_value_appears_in_any_message() -> None:
    vals = full_set()
    vals[K.OAUTH2_ACCESS_TOKEN] = S.oauth2_token(rng=RNG)
    swapped = {
        K.CONSUMER_KEY: vals[K.CONSUMER_SECRET],
        K.CONSUMER_SECRET: vals[K.CONSUMER_KEY],
        K.ACCESS_TOKEN: vals[K.ACCESS_TOKEN_SECRET],
        K.CLIENT_ID: vals[K.CLIENT_SECRET],
    }
    for vs in (vals, swapped):
        for r in crosscheck(vs):
            text = r.message + str(r.to_dict()) + str(r.details)
            for v in vs.values():
                assert v not in text
