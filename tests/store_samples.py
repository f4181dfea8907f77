"""Realistic random credential values (shapes from shared/FACTS.md section 1) for the store
tests. Nothing here is a real credential."""

from __future__ import annotations

import base64
import random
import string
import time
from urllib.parse import quote

from xkeys.core.kinds import Kind

ALNUM = string.ascii_letters + string.digits
B64URL = ALNUM + "-_"


def _r(n: int, rng: random.Random, alphabet: str = ALNUM) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def full_set(seed: int = 1) -> dict[Kind, str]:
    """Every field filled with a value of its modern shape."""
    rng = random.Random(seed)
    uid = "1" + "".join(rng.choice(string.digits) for _ in range(18))
    bearer = "A" * 21 + _r(30, rng) + "+" + _r(5, rng) + "/" + "=" + _r(52, rng)
    cid = base64.urlsafe_b64encode(f"{_r(20, rng, B64URL)}:1:ci".encode()).decode().rstrip("=")
    ms = str(int(time.time() * 1000))

    def o2(kind: str) -> str:
        raw = f"{_r(50, rng, B64URL)}:{ms}:1:0:{kind}:1".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    return {
        Kind.CONSUMER_KEY: _r(25, rng),
        Kind.CONSUMER_SECRET: _r(50, rng),
        Kind.BEARER_TOKEN: quote(bearer, safe=""),
        Kind.ACCESS_TOKEN: f"{uid}-{_r(30, rng)}",
        Kind.ACCESS_TOKEN_SECRET: _r(45, rng),
        Kind.CLIENT_ID: cid,
        Kind.CLIENT_SECRET: _r(50, rng, B64URL),
        Kind.OAUTH2_ACCESS_TOKEN: o2("at"),
        Kind.OAUTH2_REFRESH_TOKEN: o2("rt"),
    }
