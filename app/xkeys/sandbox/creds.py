"""Deterministic demo credentials with the real shapes (shared/FACTS.md section 1).

Everything is derived from `random.Random(seed)` or from sha256 of other values, so one seed
always gives the same credential set, and the bearer token is a pure function of the consumer
pair (X: "same pair -> same token").
"""

from __future__ import annotations

import base64
import hashlib
import random
import string
from dataclasses import dataclass
from urllib.parse import quote

ALNUM = string.ascii_letters + string.digits
B64URL = ALNUM + "-_"
#: X's snowflake epoch (ms) - tweet ids and user ids are built like X's
TWEPOCH_MS = 1288834974657

#: the scopes a full-featured demo OAuth 2.0 user token carries (FACTS.md section 2)
FULL_SCOPES: tuple[str, ...] = (
    "tweet.read",
    "tweet.write",
    "users.read",
    "offline.access",
    "dm.read",
    "dm.write",
    "like.read",
    "follows.read",
)


def _rng(*parts: object) -> random.Random:
    """A Random seeded by the sha256 of the parts (stable across runs and Python versions)."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).digest()
    return random.Random(int.from_bytes(digest, "big"))


def _pick(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def consumer_key(rng: random.Random) -> str:
    return _pick(rng, ALNUM, 25)


def consumer_secret(rng: random.Random) -> str:
    return _pick(rng, ALNUM, 50)


def bearer_for(key: str, secret: str, generation: int = 0) -> str:
    """The app-only bearer X issues for a consumer pair (URL-encoded, 21 leading `A`).

    Decoded: 21 `A` + 38 base64 chars + `=` + 50 alnum = 110 chars; the `=` (and any `+`, `/`)
    are percent-encoded as X does, so the token always contains `%3D`.
    """
    rng = _rng("bearer", key, secret, generation)
    middle = _pick(rng, ALNUM + "+/", 38)
    decoded = "A" * 21 + middle + "=" + _pick(rng, ALNUM, 50)
    return quote(decoded, safe="")


def access_token(rng: random.Random, user_id: str) -> str:
    return f"{user_id}-{_pick(rng, ALNUM, 30)}"


def access_token_secret(rng: random.Random) -> str:
    return _pick(rng, ALNUM, 45)


def client_id(rng: random.Random) -> str:
    """34 chars: unpadded base64url of `<20 chars>:1:ci` (ends with `MTpjaQ`)."""
    raw = _pick(rng, ALNUM, 20) + ":1:ci"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def client_secret(rng: random.Random) -> str:
    return _pick(rng, B64URL, 50)


def oauth2_token(rng: random.Random, issued_ms: int, kind: str) -> str:
    """~91 base64url chars decoding to `<45 random>:<13-digit ms>:1:1:<kind>:1`.

    kind: `at` (access token), `rt` (refresh token), `ac` (authorization code).
    """
    raw = f"{_pick(rng, ALNUM + '-_', 45)}:{issued_ms:013d}:1:1:{kind}:1"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def snowflake(ms: int, seq: int) -> str:
    """A 19-digit id built like X's (ms since the X epoch << 22 | sequence)."""
    return str(((ms - TWEPOCH_MS) << 22) | (seq & 0x3FFFFF))


@dataclass(frozen=True)
class AppCredentials:
    """Everything the sandbox's one demo app and its demo user have, for one seed."""

    seed: int
    consumer_key: str
    consumer_secret: str  # the current secret
    stale_consumer_secret: str  # the one before a regeneration (rotated-secret)
    access_token: str
    access_token_secret: str
    client_id: str
    client_secret: str
    stale_client_secret: str
    oauth2_access_token: str
    oauth2_refresh_token: str
    stale_oauth2_access_token: str
    stale_oauth2_refresh_token: str
    user_id: str
    username: str
    name: str
    app_id: str
    project_id: str
    account_id: str
    redirect_uri: str

    @property
    def bearer_token(self) -> str:
        return bearer_for(self.consumer_key, self.consumer_secret)

    @property
    def stale_bearer_token(self) -> str:
        return bearer_for(self.consumer_key, self.stale_consumer_secret)


_FIRST = ("Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Radia", "Linus")
_LAST = ("Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson", "Perlman")

#: a fixed instant (2024-03-01T12:00:00Z, ms) the demo tokens claim to be issued at
_DEMO_ISSUED_MS = 1709294400000


def app_credentials(seed: int = 0) -> AppCredentials:
    """The demo app for `seed` (pure: same seed -> same values)."""
    rng = random.Random(seed)
    ck = consumer_key(rng)
    cs = consumer_secret(rng)
    stale_cs = consumer_secret(rng)
    # user ids: modern 19-digit snowflakes from a seeded instant
    user_ms = TWEPOCH_MS + rng.randrange(10**11, 5 * 10**11)
    user_id = snowflake(user_ms, rng.randrange(1 << 22))
    if len(user_id) != 19:  # keep the modern 19-digit shape whatever the draw
        user_id = (user_id + "0" * 19)[:19]
    at = access_token(rng, user_id)
    ats = access_token_secret(rng)
    cid = client_id(rng)
    csec = client_secret(rng)
    stale_csec = client_secret(rng)
    o2at = oauth2_token(rng, _DEMO_ISSUED_MS, "at")
    o2rt = oauth2_token(rng, _DEMO_ISSUED_MS, "rt")
    stale_o2at = oauth2_token(rng, _DEMO_ISSUED_MS, "at")
    stale_o2rt = oauth2_token(rng, _DEMO_ISSUED_MS, "rt")
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    username = f"{first.lower()}_{last.lower()}{rng.randrange(10, 99)}"[:15]
    return AppCredentials(
        seed=seed,
        consumer_key=ck,
        consumer_secret=cs,
        stale_consumer_secret=stale_cs,
        access_token=at,
        access_token_secret=ats,
        client_id=cid,
        client_secret=csec,
        stale_client_secret=stale_csec,
        oauth2_access_token=o2at,
        oauth2_refresh_token=o2rt,
        stale_oauth2_access_token=stale_o2at,
        stale_oauth2_refresh_token=stale_o2rt,
        user_id=user_id,
        username=username,
        name=f"{first} {last}",
        app_id=str(rng.randrange(10**7, 10**8)),
        project_id=snowflake(user_ms + 10**9, 7),
        account_id=str(rng.randrange(10**9, 2 * 10**9)),
        redirect_uri="http://127.0.0.1:8976/callback",
    )
