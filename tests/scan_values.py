"""Credential-shaped test values for the scan tests (FACTS.md section 1 shapes), deterministic.

Never real credentials: random strings with the right lengths, alphabets and markers.
"""

from __future__ import annotations

import base64
import random
import string

ALNUM = string.ascii_letters + string.digits
B64URL = ALNUM + "-_"


def _s(rng: random.Random, n: int, alphabet: str = ALNUM) -> str:
    # always mixed: upper, lower and digit (as real values are, almost surely)
    while True:
        v = "".join(rng.choice(alphabet) for _ in range(n))
        if (
            any(c.isupper() for c in v)
            and any(c.islower() for c in v)
            and any(c.isdigit() for c in v)
            and "xxxx" not in v.lower()
        ):
            return v


def consumer_key(rng: random.Random) -> str:
    return _s(rng, 25)


def consumer_secret(rng: random.Random) -> str:
    return _s(rng, 50)


def bearer_token(rng: random.Random) -> str:
    # 21 leading A, then the URL-encoded rest with %2B / %3D, ~112 chars
    body = _s(rng, 30) + "%2B" + _s(rng, 20) + "%3D" + _s(rng, 35)
    return "A" * 21 + body


def access_token(rng: random.Random) -> str:
    uid = str(rng.randrange(10**18, 10**19 - 1))
    return f"{uid}-{_s(rng, 30)}"


def access_token_secret(rng: random.Random) -> str:
    return _s(rng, 45)


def client_id(rng: random.Random) -> str:
    raw = f"{_s(rng, 20)}:1:ci".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def client_secret(rng: random.Random) -> str:
    return _s(rng, 50, B64URL)


def oauth2_token(rng: random.Random, kind: str = "at") -> str:
    raw = f"{_s(rng, 45)}:{rng.randrange(1_760_000_000_000, 1_770_000_000_000)}:1:0:{kind}:1".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def xai_key(rng: random.Random) -> str:
    return "xai-" + _s(rng, 80)


MAKERS = {
    "CK": consumer_key,
    "CS": consumer_secret,
    "BT": bearer_token,
    "AT": access_token,
    "ATS": access_token_secret,
    "CI": client_id,
    "CSE": client_secret,
    "O2A": lambda r: oauth2_token(r, "at"),
    "O2R": lambda r: oauth2_token(r, "rt"),
    "XAI": xai_key,
}


def values(seed: int = 7, count: int = 3) -> dict[str, str]:
    """{"CK1": ..., "CS1": ..., ..., "XAI3": ...} - the same every run."""
    rng = random.Random(seed)
    out: dict[str, str] = {}
    for i in range(1, count + 1):
        for prefix, make in MAKERS.items():
            out[f"{prefix}{i}"] = make(rng)
    return out
