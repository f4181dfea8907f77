"""Everything the sandbox remembers: tokens, nonces, codes, rate-limit counters, users, tweets.

One `SandboxState` per app instance; all methods are synchronous and run on the event loop
thread, so no locking is needed.
"""

from __future__ import annotations

import hashlib
import random
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from xkeys.sandbox import creds as C
from xkeys.sandbox.scenarios import Scenario

WINDOW = 15 * 60  # rate-limit window, seconds (FACTS.md section 2)
TIMESTAMP_WINDOW = 5 * 60  # OAuth 1.0a timestamp tolerance -> code 135 outside it
CODE_LIFETIME = 30  # OAuth 2.0 authorization code, seconds (FACTS.md section 2)
O2_TOKEN_LIFETIME = 7200  # OAuth 2.0 access token, seconds
REQUEST_TOKEN_LIFETIME = 15 * 60
APP_NAME = "xkeys demo app"


def _word_set(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9_.@#-]+", text.lower()))


@dataclass
class User:
    id: str
    username: str
    name: str
    created_at: str = "2013-12-14T04:35:55.000Z"
    description: str = ""
    protected: bool = False
    verified: bool = False


@dataclass
class Tweet:
    id: str
    text: str
    author_id: str
    created_ms: int
    deleted: bool = False
    words: frozenset[str] = frozenset()  # lower-cased words, for search

    def __post_init__(self) -> None:
        self.words = frozenset(_word_set(self.text))


@dataclass
class OAuth1Token:
    token: str
    secret: str
    user_id: str
    access_level: str
    revoked: bool = False


@dataclass
class RequestToken:
    token: str
    secret: str
    callback: str  # "oob" or a registered URL
    created: float
    access_level: str  # what the access token will get
    verifier: str | None = None
    used: bool = False
    denied: bool = False


@dataclass
class OAuth2Client:
    client_id: str
    secret: str | None  # None: public client
    redirect_uris: tuple[str, ...]


@dataclass
class AuthCode:
    code: str
    client_id: str
    redirect_uri: str
    scopes: tuple[str, ...]
    challenge: str
    method: str  # "S256" or "plain"
    issued: float
    user_id: str
    used: bool = False


@dataclass
class OAuth2Token:
    token: str
    kind: str  # "at" | "rt"
    client_id: str
    user_id: str
    scopes: tuple[str, ...]
    issued: float
    expires: float | None  # access tokens only
    revoked: bool = False  # revoked, or (refresh) already used


@dataclass
class Counter:
    limit: int
    remaining: int
    reset: int


#: the directory of well-known accounts the sandbox knows besides the demo user
_KNOWN_USERS = (
    User(
        "2244994945",
        "XDevelopers",
        "Developers",
        "2013-12-14T04:35:55.000Z",
        "The voice of the X Developer Platform",
        verified=True,
    ),
    User("6253282", "API", "X API", "2007-05-23T06:01:13.000Z", "Tweets about changes to the X API.", verified=True),
    User("783214", "X", "X", "2007-02-20T14:35:54.000Z", "what's happening?!", verified=True),
)

_WORDS = (
    "api",
    "keys",
    "oauth",
    "bot",
    "python",
    "token",
    "rate",
    "limit",
    "search",
    "tweet",
    "x",
    "developer",
    "portal",
    "sandbox",
    "pkce",
    "bearer",
    "write",
    "read",
    "project",
    "console",
    "secret",
    "rotate",
    "callback",
    "scope",
    "credits",
    "usage",
    "endpoint",
)
_TEMPLATES = (
    "Shipping a new {0} {1} example for the X API today",
    "Remember: regenerate your access {0} after changing app permissions ({1})",
    "How we test our {0} against a local {1}",
    "Thread on {0} and {1} in the X developer console",
    "Our {0} hit the {1} again - read the x-rate-limit-reset header",
    "Tip: keep your {0} {1} out of git, use a .env file",
)


class SandboxState:
    def __init__(
        self,
        scenario: Scenario,
        seed: int = 0,
        clock: Callable[[], float] | None = None,
        redirect_uris: Sequence[str] | None = None,
        public_client: bool = False,
    ) -> None:
        self.scenario = scenario
        self.seed = seed
        self._clock = clock or time.time
        self.creds = C.app_credentials(seed)
        cr = self.creds
        self.rng = random.Random(f"sandbox:{seed}")
        self.started = self.now()
        # --- the app (one per sandbox) ---
        self.consumer_key = cr.consumer_key
        self.consumer_secret = cr.consumer_secret
        self.bearer_generation = 0
        self.app_bearers: dict[str, bool] = {C.bearer_for(cr.consumer_key, cr.consumer_secret): True}
        self.access_level = scenario.access_level
        self.redirect_uris: tuple[str, ...] = tuple(redirect_uris or (cr.redirect_uri,))
        # --- users and tweets ---
        self.users: dict[str, User] = {u.id: u for u in _KNOWN_USERS}
        self.me = User(
            cr.user_id, cr.username, cr.name, "2021-06-01T10:00:00.000Z", "Demo account of the xkeys sandbox"
        )
        self.users[self.me.id] = self.me
        self.tweets: dict[str, Tweet] = {}
        self._seq = 0
        self._seed_timeline()
        # --- OAuth 1.0a ---
        self.oauth1_tokens: dict[str, OAuth1Token] = {
            cr.access_token: OAuth1Token(cr.access_token, cr.access_token_secret, cr.user_id, self.access_level)
        }
        self.request_tokens: dict[str, RequestToken] = {}
        self.nonces: dict[tuple[str, str, str], float] = {}
        # --- OAuth 2.0 ---
        self.client = OAuth2Client(cr.client_id, None if public_client else cr.client_secret, self.redirect_uris)
        self.codes: dict[str, AuthCode] = {}
        self.o2_tokens: dict[str, OAuth2Token] = {}
        demo_at, demo_rt = cr.oauth2_access_token, cr.oauth2_refresh_token
        now = self.now()
        for tok, kind in ((demo_at, "at"), (demo_rt, "rt")):
            self.o2_tokens[tok] = OAuth2Token(
                tok,
                kind,
                cr.client_id,
                cr.user_id,
                scenario.oauth2_scopes,
                now,
                now + O2_TOKEN_LIFETIME if kind == "at" else None,
            )
        if scenario.rotated:
            self._apply_rotation()
        # --- accounting ---
        self.counters: dict[tuple[str, str], Counter] = {}
        self.project_cap = 10_000 if scenario.usage_capped else 2_000_000
        self.project_usage = self.project_cap if scenario.usage_capped else 10_523 + self.rng.randrange(5000)
        self.request_count = 0
        self.bugs: list[str] = []
        self.pagination: dict[str, tuple[str, int]] = {}

    # ----------------------------------------------------------------- time
    def now(self) -> float:
        return self._clock() + self.scenario.clock_offset

    def now_ms(self) -> int:
        return int(self.now() * 1000)

    # ----------------------------------------------------------------- rotation
    def _apply_rotation(self) -> None:
        """rotated-secret: the printed values are the stale generation, the current ones differ.

        The printed consumer/client secrets are `creds.stale_*` while the app keeps verifying
        with `creds.consumer_secret` / `creds.client_secret`. Rotating the client secret
        invalidated every OAuth 2.0 token issued before (FACTS.md section 2): the stale tokens
        are known but revoked.
        """
        cr = self.creds
        stale_at, stale_rt = cr.stale_oauth2_access_token, cr.stale_oauth2_refresh_token
        now = self.now()
        for tok, kind in ((stale_at, "at"), (stale_rt, "rt")):
            self.o2_tokens[tok] = OAuth2Token(
                tok, kind, cr.client_id, cr.user_id, self.scenario.oauth2_scopes, now, None, revoked=True
            )

    def printed(self) -> dict[str, str]:
        """The credentials block of the JSON line (stale values in rotated-secret)."""
        cr = self.creds
        rotated = self.scenario.rotated
        return {
            "consumer_key": cr.consumer_key,
            "consumer_secret": cr.stale_consumer_secret if rotated else cr.consumer_secret,
            "bearer_token": cr.stale_bearer_token if rotated else cr.bearer_token,
            "access_token": cr.access_token,
            "access_token_secret": cr.access_token_secret,
            "client_id": cr.client_id,
            "client_secret": cr.client_secret if not rotated else cr.stale_client_secret,
            "oauth2_access_token": cr.stale_oauth2_access_token if rotated else cr.oauth2_access_token,
            "oauth2_refresh_token": cr.stale_oauth2_refresh_token if rotated else cr.oauth2_refresh_token,
        }

    def current(self) -> dict[str, str]:
        """The values that work now (differs from `printed()` only in rotated-secret)."""
        cr = self.creds
        return {
            "consumer_secret": cr.consumer_secret,
            "bearer_token": cr.bearer_token,
            "client_secret": cr.client_secret,
            "oauth2_access_token": cr.oauth2_access_token,
            "oauth2_refresh_token": cr.oauth2_refresh_token,
        }

    # ----------------------------------------------------------------- ids and secrets
    def next_id(self) -> str:
        self._seq += 1
        return C.snowflake(self.now_ms(), self._seq)

    def token(self, alphabet: str, n: int) -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    def transaction_id(self) -> str:
        return f"{self.rng.getrandbits(64):016x}"

    # ----------------------------------------------------------------- timeline
    def _seed_timeline(self) -> None:
        rng = random.Random(f"timeline:{self.seed}")
        authors = [u.id for u in _KNOWN_USERS] + [self.me.id]
        now_ms = self.now_ms()
        entries = []
        for _ in range(60):
            a, b = rng.sample(_WORDS, 2)
            text = rng.choice(_TEMPLATES).format(a, b)
            ago = rng.randrange(60_000, 6 * 86_400_000)
            entries.append((now_ms - ago, rng.choice(authors), text))
        entries.sort()
        for i, (ms, author, text) in enumerate(entries):
            tid = C.snowflake(ms, i)
            self.tweets[tid] = Tweet(tid, text, author, ms)

    def add_tweet(self, author_id: str, text: str) -> Tweet:
        t = Tweet(self.next_id(), text, author_id, self.now_ms())
        self.tweets[t.id] = t
        return t

    def search(self, query: str) -> list[Tweet]:
        """Simple word match over the last 7 days, newest first; `from:` and `-word` supported."""
        include: list[str] = []
        exclude: list[str] = []
        author: str | None = None
        for term in query.lower().split():
            if term.startswith("from:"):
                author = term[5:].lstrip("@")
            elif term.startswith("-") and len(term) > 1:
                exclude.append(term[1:])
            elif term not in ("or", "and") and ":" not in term:
                include.append(term.strip("\"'()"))
        floor = self.now_ms() - 7 * 86_400_000
        out = []
        for t in self.tweets.values():
            if t.deleted or t.created_ms < floor:
                continue
            words = t.words
            if any(w not in words for w in include if w) or any(w in words for w in exclude):
                continue
            if author is not None:
                u = self.users.get(t.author_id)
                if u is None or u.username.lower() != author:
                    continue
            out.append(t)
        out.sort(key=lambda t: int(t.id), reverse=True)
        return out

    def tweet_count(self, user_id: str) -> int:
        return sum(1 for t in self.tweets.values() if t.author_id == user_id and not t.deleted)

    def is_duplicate(self, author_id: str, text: str) -> bool:
        """X refuses a post identical to one of the author's live posts."""
        return any(t.author_id == author_id and not t.deleted and t.text == text for t in self.tweets.values())

    def user_by_username(self, username: str) -> User | None:
        low = username.lower()
        for u in self.users.values():
            if u.username.lower() == low:
                return u
        return None

    # ----------------------------------------------------------------- nonces
    def nonce_seen(self, consumer_key: str, token: str, nonce: str, ts: float) -> bool:
        """Record a nonce; True when it was already used (replay). Old entries expire."""
        now = self.now()
        if len(self.nonces) > 10_000:
            self.nonces = {k: v for k, v in self.nonces.items() if now - v <= 2 * TIMESTAMP_WINDOW}
        key = (consumer_key, token, nonce)
        if key in self.nonces:
            return True
        self.nonces[key] = ts
        return False

    # ----------------------------------------------------------------- rate limits
    def counter(self, bucket: str, endpoint: str, limit: int) -> Counter:
        key = (bucket, endpoint)
        now = self.now()
        c = self.counters.get(key)
        if c is None or now >= c.reset:
            spent = self.scenario.rate_limited and c is None
            if spent:
                # started spent: the window began when the sandbox started
                reset = int(self.started) + WINDOW
                if now >= reset:
                    reset = int(now) + WINDOW
                    spent = False
            else:
                reset = int(now) + WINDOW
            c = Counter(limit, 0 if spent else limit, reset)
            self.counters[key] = c
        return c

    # ----------------------------------------------------------------- OAuth 2.0 helpers
    def new_o2_token(self, kind: str, client_id: str, user_id: str, scopes: tuple[str, ...]) -> OAuth2Token:
        now = self.now()
        value = C.oauth2_token(self.rng, int(now * 1000), kind)
        tok = OAuth2Token(
            value, kind, client_id, user_id, scopes, now, now + O2_TOKEN_LIFETIME if kind == "at" else None
        )
        self.o2_tokens[value] = tok
        return tok


def bucket_of(secret: str) -> str:
    """A rate-limit bucket name for a token that never holds the token itself."""
    return hashlib.sha256(secret.encode()).hexdigest()[:16]
