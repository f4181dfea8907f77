"""Realistic, randomly generated sample values for every X credential kind (shapes from
shared/FACTS.md section 1). Nothing here is a real credential."""

from __future__ import annotations

import base64
import random
import string
from urllib.parse import quote

ALNUM = string.ascii_letters + string.digits
B64URL = ALNUM + "-_"
B64 = ALNUM + "+/"


def rnd(n: int, alphabet: str = ALNUM, rng: random.Random | None = None) -> str:
    r = rng or random
    return "".join(r.choice(alphabet) for _ in range(n))


def consumer_key(n: int = 25, rng: random.Random | None = None) -> str:
    return rnd(n, rng=rng)


def consumer_secret(n: int = 50, rng: random.Random | None = None) -> str:
    return rnd(n, rng=rng)


def access_token_secret(n: int = 45, rng: random.Random | None = None) -> str:
    return rnd(n, rng=rng)


def access_token(user_id: str | None = None, tail: int = 30, rng: random.Random | None = None) -> str:
    r = rng or random
    uid = user_id or ("1" + "".join(r.choice(string.digits) for _ in range(18)))
    return f"{uid}-{rnd(tail, rng=rng)}"


def legacy_access_token(rng: random.Random | None = None) -> str:
    r = rng or random
    uid = str(r.randint(100000, 2_000_000_000))
    return f"{uid}-{rnd(40, rng=rng)}"


def bearer_decoded(rng: random.Random | None = None) -> str:
    """110 chars: 21 `A`, a base64 part with `+`/`/`, one `=`, an alphanumeric tail."""
    body = rnd(36, B64, rng) + "+" + "/"  # make sure the encoded form has %2B and %2F
    return "A" * 21 + body + "=" + rnd(50, rng=rng)


def bearer(rng: random.Random | None = None) -> str:
    return quote(bearer_decoded(rng), safe="")


def client_id(suffix: str = "ci", rng: random.Random | None = None) -> str:
    raw = f"{rnd(20, B64URL, rng)}:1:{suffix}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def client_secret(rng: random.Random | None = None) -> str:
    s = rnd(48, B64URL, rng)
    return s[:10] + "-" + s[10:30] + "_" + s[30:]


def oauth2_token(kind: str = "at", issued_ms: int = 1_767_225_600_000, rng: random.Random | None = None) -> str:
    raw = f"{rnd(45, rng=rng)}:{issued_ms}:1:1:{kind}:1".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def xai_key(rng: random.Random | None = None) -> str:
    return "xai-" + rnd(80, rng=rng)
