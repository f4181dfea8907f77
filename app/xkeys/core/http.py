"""The one HTTP client every live check uses, retries, transport-failure diagnoses, OAuth 1.0a.

- `create_client()` builds the shared `httpx.AsyncClient`: explicit connect/read/write/pool
  timeouts, user agent `xkeys/<version>`, base URL from `--api-base`, then `XKEYS_API_BASE`,
  then `https://api.x.com` (FACTS.md section 2: the current host; api.twitter.com still answers).
- `send()` makes one request with one retry (with backoff) on a 5xx answer or a connection
  reset, and turns every transport failure into a `TransportFailure` carrying a diagnosis id
  (`network-unreachable` when X cannot be reached at all, `x-server-error` when it was reached
  but answered badly or not at all) - never a traceback, never a secret in the message.
- `OAuth1Auth` signs requests HMAC-SHA1 with oauthlib (FACTS.md section 2, user token probe).
"""

from __future__ import annotations

import asyncio
import base64
import errno
import json
import os
import random
import ssl
from collections.abc import Generator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from xkeys import __version__
from xkeys.core import redact

DEFAULT_API_BASE = "https://api.x.com"
API_BASE_ENV = "XKEYS_API_BASE"
USER_AGENT = f"xkeys/{__version__}"
DEFAULT_TIMEOUT = 10.0
#: one retry (issue 5: "one retry with backoff on 5xx/reset"); the first wait, jittered
RETRIES = 1
BACKOFF_SECONDS = 0.3

NETWORK_UNREACHABLE = "network-unreachable"
X_SERVER_ERROR = "x-server-error"


class ApiBaseError(ValueError):
    """`--api-base` / `XKEYS_API_BASE` is not an http(s) URL (safe message)."""


class SigningError(Exception):
    """A request could not be signed (safe message: never contains a key or secret)."""


@dataclass
class TransportFailure(Exception):
    """A request that got no usable HTTP answer, named as a diagnosis.

    `kind` is one of: dns, refused, connect-timeout, tls, proxy, unreachable, read-timeout,
    write-timeout, pool-timeout, reset, protocol, html, bad-json, other.
    """

    diagnosis: str
    kind: str
    message: str

    def __str__(self) -> str:
        return self.message


def resolve_api_base(api_base: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """`--api-base`, else `XKEYS_API_BASE`, else https://api.x.com - validated, no trailing slash."""
    env = os.environ if environ is None else environ
    base = (api_base or env.get(API_BASE_ENV) or DEFAULT_API_BASE).strip()
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        origin = "--api-base" if api_base else API_BASE_ENV
        raise ApiBaseError(f"{origin} must be an http(s) URL such as {DEFAULT_API_BASE} (got {base[:60]!r})")
    if parts.query or parts.fragment:
        raise ApiBaseError("the API base URL must not carry a query or fragment")
    return base.rstrip("/")


def make_timeout(seconds: float = DEFAULT_TIMEOUT) -> httpx.Timeout:
    """Timeouts on every phase (connect, read, write, pool): nothing can hang forever."""
    if not seconds or seconds <= 0:
        raise ValueError("the timeout must be a positive number of seconds")
    return httpx.Timeout(connect=seconds, read=seconds, write=seconds, pool=seconds)


def create_client(
    api_base: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    environ: Mapping[str, str] | None = None,
) -> httpx.AsyncClient:
    """The shared client. Pass `transport` (e.g. `httpx.ASGITransport(app)`) to talk in-process."""
    base = resolve_api_base(api_base, environ)
    return httpx.AsyncClient(
        base_url=base,
        timeout=make_timeout(timeout),
        headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        transport=transport,
        follow_redirects=False,
        limits=httpx.Limits(max_connections=20, max_keepalive_connections=10),
    )


# ---------------------------------------------------------------------------------------------
# transport failures -> diagnoses

_DNS_WORDS = (
    "name or service not known",
    "nodename nor servname",
    "getaddrinfo failed",
    "temporary failure in name resolution",
    "no address associated",
    "name resolution",
    "no such host",
    "failed to resolve",
)
_REFUSED_WORDS = ("connection refused", "actively refused", "errno 111", "errno 61", "connect call failed")
_UNREACH_WORDS = ("network is unreachable", "no route to host", "host is unreachable")
_TLS_WORDS = ("ssl", "certificate", "tls", "handshake")


def _chain_text(exc: BaseException) -> str:
    parts: list[str] = []
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        parts.append(f"{type(cur).__name__}: {cur}")
        cur = cur.__cause__ or cur.__context__
    return " | ".join(parts).lower()


def _has_cause(exc: BaseException, kind: type[BaseException]) -> bool:
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        if isinstance(cur, kind):
            return True
        seen.add(id(cur))
        cur = cur.__cause__ or cur.__context__
    return False


def _host(request: httpx.Request | None) -> str:
    if request is None:
        return "the API host"
    return request.url.host or "the API host"


def classify_transport_error(exc: BaseException, request: httpx.Request | None = None) -> TransportFailure:
    """Name any exception raised while talking to X. Messages are built here, never copied from
    the exception (whose text could, in theory, echo a header), and are scrubbed regardless."""
    if request is None:
        try:
            request = getattr(exc, "request", None)
        except RuntimeError:  # httpx raises when .request was never set
            request = None
    host = _host(request)
    text = _chain_text(exc)
    if isinstance(exc, TransportFailure):
        return exc
    if isinstance(exc, httpx.ConnectTimeout):
        return TransportFailure(
            NETWORK_UNREACHABLE,
            "connect-timeout",
            f"could not connect to {host} before the timeout (firewall, proxy or no network?)",
        )
    if isinstance(exc, httpx.ProxyError):
        return TransportFailure(
            NETWORK_UNREACHABLE, "proxy", f"the HTTP proxy refused or failed the connection to {host}"
        )
    if isinstance(exc, httpx.ConnectError) or isinstance(exc, OSError) and not isinstance(exc, httpx.HTTPError):
        if any(w in text for w in _DNS_WORDS) or _has_cause(exc, _socket_gaierror()):
            return TransportFailure(
                NETWORK_UNREACHABLE,
                "dns",
                f"the name {host} could not be resolved (DNS): no network or a wrong API base URL",
            )
        if any(w in text for w in _REFUSED_WORDS) or _has_errno(exc, errno.ECONNREFUSED):
            return TransportFailure(
                NETWORK_UNREACHABLE, "refused", f"{host} refused the connection (nothing listening there?)"
            )
        if _has_cause(exc, ssl.SSLError) or any(w in text for w in _TLS_WORDS):
            return TransportFailure(
                NETWORK_UNREACHABLE,
                "tls",
                f"the TLS handshake with {host} failed (a proxy intercepting HTTPS, or an outdated CA bundle)",
            )
        if any(w in text for w in _UNREACH_WORDS):
            return TransportFailure(
                NETWORK_UNREACHABLE, "unreachable", f"{host} is unreachable from this machine (no route)"
            )
        if any(w in text for w in ("reset", "errno 104", "broken pipe")):
            return TransportFailure(
                NETWORK_UNREACHABLE, "reset", f"the connection to {host} was reset before it was established"
            )
        return TransportFailure(NETWORK_UNREACHABLE, "unreachable", f"could not connect to {host}")
    if isinstance(exc, httpx.ReadTimeout):
        return TransportFailure(
            X_SERVER_ERROR, "read-timeout", f"{host} accepted the connection but did not answer before the timeout"
        )
    if isinstance(exc, httpx.WriteTimeout):
        return TransportFailure(X_SERVER_ERROR, "write-timeout", f"sending the request to {host} timed out")
    if isinstance(exc, httpx.PoolTimeout):
        return TransportFailure(
            NETWORK_UNREACHABLE, "pool-timeout", f"no connection to {host} became free before the timeout"
        )
    if isinstance(exc, httpx.TimeoutException):
        return TransportFailure(X_SERVER_ERROR, "read-timeout", f"the request to {host} timed out")
    if isinstance(exc, (httpx.ReadError, httpx.WriteError)):
        return TransportFailure(X_SERVER_ERROR, "reset", f"{host} closed or reset the connection mid-request")
    if isinstance(exc, httpx.RemoteProtocolError):
        return TransportFailure(
            X_SERVER_ERROR, "protocol", f"{host} dropped the connection or sent a malformed HTTP answer"
        )
    if isinstance(exc, httpx.TooManyRedirects):
        return TransportFailure(X_SERVER_ERROR, "protocol", f"{host} redirected too many times")
    if isinstance(exc, httpx.UnsupportedProtocol):
        return TransportFailure(
            NETWORK_UNREACHABLE, "unreachable", "the API base URL uses a protocol other than http(s)"
        )
    if isinstance(exc, httpx.HTTPError):
        return TransportFailure(X_SERVER_ERROR, "other", f"the request to {host} failed ({type(exc).__name__})")
    return TransportFailure(X_SERVER_ERROR, "other", f"the request to {host} failed ({type(exc).__name__})")


def _socket_gaierror() -> type[BaseException]:
    import socket

    return socket.gaierror


def _has_errno(exc: BaseException, number: int) -> bool:
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        if isinstance(cur, OSError) and cur.errno == number:
            return True
        seen.add(id(cur))
        cur = cur.__cause__ or cur.__context__
    return False


def _retryable_exception(failure: TransportFailure) -> bool:
    # a connection reset or a dropped connection is worth one more try; DNS, refused, TLS and
    # timeouts are not (they would fail the same way, or double the wait)
    return failure.kind in ("reset", "protocol")


async def send(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    retries: int = RETRIES,
    backoff: float = BACKOFF_SECONDS,
    **kwargs: Any,
) -> httpx.Response:
    """One request, retried once (after a jittered backoff) on 5xx or a reset connection.

    Returns the last response (a 5xx too, if the retry also failed: the caller names it);
    raises `TransportFailure` when no HTTP answer came back.
    """
    attempt = 0
    while True:
        try:
            response = await client.request(method, url, **kwargs)
        except SigningError:
            raise
        except (httpx.HTTPError, OSError) as exc:
            failure = classify_transport_error(exc)
            if attempt < retries and _retryable_exception(failure):
                attempt += 1
                await asyncio.sleep(backoff * attempt * (1 + random.random() / 2))
                continue
            failure.message = redact.scrub(failure.message)
            raise failure from None
        if response.status_code >= 500 and attempt < retries:
            attempt += 1
            await response.aclose()
            await asyncio.sleep(backoff * attempt * (1 + random.random() / 2))
            continue
        return response


def content_type(response: httpx.Response) -> str:
    value: str = response.headers.get("content-type", "")
    return value.split(";")[0].strip().lower()


def looks_like_html(response: httpx.Response) -> bool:
    if content_type(response) in ("text/html", "application/xhtml+xml"):
        body = response.text.lstrip()[:200].lower()
        return body.startswith("<") or not body
    return response.text.lstrip()[:15].lower().startswith(("<!doctype html", "<html"))


def parse_json(response: httpx.Response) -> Any:
    """The JSON body, or raise `TransportFailure(x-server-error, html|bad-json)`.

    FACTS.md section 2: X answers JSON on the v2 and /oauth2 endpoints; an HTML page there is
    an error page (over capacity, a proxy's block page), an unparsable body a broken answer.
    """
    host = response.request.url.host if response.request else "the API host"
    if looks_like_html(response):
        raise TransportFailure(
            X_SERVER_ERROR, "html", f"{host} answered HTTP {response.status_code} with an HTML page instead of JSON"
        )
    try:
        return json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        raise TransportFailure(
            X_SERVER_ERROR,
            "bad-json",
            f"{host} answered HTTP {response.status_code} with a body that is not valid JSON",
        ) from None


# ---------------------------------------------------------------------------------------------
# authentication helpers


def basic_auth_header(user: str, password: str) -> str:
    """`Basic base64(urlencode(user):urlencode(password))` (RFC 6749 section 2.3.1, which X's
    /oauth2/token and /2/oauth2/token follow - FACTS.md section 2)."""
    raw = f"{quote(user, safe='')}:{quote(password, safe='')}".encode("ascii")
    return "Basic " + base64.b64encode(raw).decode("ascii")


def header_safe(value: str) -> bool:
    """True when a credential can go into an HTTP header as is (printable ASCII, no spaces)."""
    return bool(value) and all(33 <= ord(ch) <= 126 for ch in value)


class OAuth1Auth(httpx.Auth):
    """HMAC-SHA1 OAuth 1.0a signing of httpx requests, with oauthlib doing the signature.

    The signed URL is exactly the URL httpx sends (scheme, host, port, path, query), and a
    form-encoded body's parameters are signed too (RFC 5849 section 3.4.1.3).
    """

    requires_request_body = True

    def __init__(
        self, consumer_key: str, consumer_secret: str, token: str | None = None, token_secret: str | None = None
    ) -> None:
        self._args = (consumer_key, consumer_secret, token, token_secret)

    def __repr__(self) -> str:
        return "OAuth1Auth(<redacted>)"

    def sign(self, request: httpx.Request) -> None:
        from oauthlib.oauth1 import SIGNATURE_HMAC_SHA1, Client

        ck, cs, tok, ts = self._args
        ctype = request.headers.get("content-type", "")
        form = ctype.split(";")[0].strip().lower() == "application/x-www-form-urlencoded"
        body = request.content.decode("utf-8") if form and request.content else None
        headers = {"Content-Type": ctype} if form else {}
        try:
            client = Client(
                ck,
                client_secret=cs,
                resource_owner_key=tok,
                resource_owner_secret=ts,
                signature_method=SIGNATURE_HMAC_SHA1,
            )
            _, signed_headers, _ = client.sign(str(request.url), request.method, body, headers)
        except Exception as exc:  # oauthlib's messages do not carry secrets, but be certain
            raise SigningError(f"the request could not be signed with OAuth 1.0a ({type(exc).__name__})") from None
        request.headers["Authorization"] = signed_headers["Authorization"]

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        self.sign(request)
        yield request
