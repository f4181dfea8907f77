"""Reading requests the way X does: the signed URL, bodies (form or JSON), Basic credentials."""

from __future__ import annotations

import base64
import hmac
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urlencode

from starlette.requests import Request
from starlette.responses import Response

from xkeys.sandbox import errors as E
from xkeys.sandbox import oauth1
from xkeys.sandbox.state import Counter, SandboxState

MAX_BODY = 1 << 20


def signed_uri(request: Request) -> str:
    """The URL the client addressed: scheme (X-Forwarded-Proto) + Host + raw path (+ query)."""
    scope = request.scope
    proto = request.headers.get("x-forwarded-proto", "").split(",")[0].strip() or scope.get("scheme", "http")
    host = request.headers.get("host")
    if not host:
        server = scope.get("server") or ("localhost", None)
        host = server[0] if not server[1] else f"{server[0]}:{server[1]}"
    raw_path = scope.get("raw_path") or scope["path"].encode()
    path = raw_path.decode("latin-1").split("?")[0]
    qs = scope.get("query_string", b"").decode("latin-1")
    return f"{proto}://{host}{path}" + (f"?{qs}" if qs else "")


async def read_body(request: Request) -> bytes:
    """The request body, read at most once and never past MAX_BODY bytes (else 413)."""
    cached = getattr(request.state, "sandbox_body", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    too_large = Reject(E.problem(413, "about:blank", "Payload Too Large", "Request body too large."))
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise too_large
        chunks.append(chunk)
    body = b"".join(chunks)
    request.state.sandbox_body = body
    return body


def is_form(request: Request) -> bool:
    return request.headers.get("content-type", "").split(";")[0].strip().lower() == "application/x-www-form-urlencoded"


async def read_form(request: Request) -> list[tuple[str, str]]:
    """Form pairs of a form-encoded body (empty for other bodies)."""
    if not is_form(request):
        return []
    try:
        return oauth1.parse_form(await read_body(request))
    except UnicodeDecodeError:
        raise Reject(E.coded(215, v2=False)) from None


async def read_params(request: Request) -> dict[str, str]:
    """Body parameters, form-encoded or JSON (real SDKs send both to the OAuth 2.0 endpoints)."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "application/json":
        try:
            data = json.loads(await read_body(request) or b"{}")
        except (ValueError, UnicodeDecodeError):
            raise Reject(E.oauth2_error(400, "invalid_request", "Request body is not valid JSON.")) from None
        if not isinstance(data, dict):
            raise Reject(E.oauth2_error(400, "invalid_request", "Request body is not a JSON object."))
        return {str(k): str(v) for k, v in data.items() if v is not None}
    out: dict[str, str] = {}
    for k, v in await read_form(request):
        out.setdefault(k, v)
    return out


async def read_json_body(request: Request) -> dict[str, Any]:
    try:
        data = json.loads(await read_body(request) or b"null")
    except (ValueError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict):
        raise Reject(
            E.problem(
                400,
                "invalid-request",
                "Invalid Request",
                "One or more parameters to your request was invalid.",
                extra={"errors": [{"message": "Request body must be a JSON object."}]},
            )
        )
    return data


def basic_credentials(request: Request) -> tuple[str, str] | None:
    """HTTP Basic credentials, percent-decoded (RFC 6749 2.3.1); None if absent or not Basic."""
    auth = request.headers.get("authorization", "")
    scheme, _, rest = auth.strip().partition(" ")
    if scheme.lower() != "basic" or not rest.strip():
        return None
    try:
        decoded = base64.b64decode(rest.strip(), validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None
    user, sep, pw = decoded.partition(":")
    if not sep:
        return None
    return unquote(user), unquote(pw)


def safe_eq(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and hmac.compare_digest(a.encode(), b.encode())


class Reject(Exception):
    """Carries a designed answer out of a helper."""

    def __init__(self, response: Response) -> None:
        super().__init__("reject")
        self.response = response


def state_of(request: Request) -> SandboxState:
    return request.app.state.sandbox  # type: ignore[no-any-return]


def rate_headers(c: Counter) -> dict[str, str]:
    return {
        "x-rate-limit-limit": str(c.limit),
        "x-rate-limit-remaining": str(max(c.remaining, 0)),
        "x-rate-limit-reset": str(c.reset),
    }


def with_query(url: str, params: Mapping[str, str]) -> str:
    return url + ("&" if "?" in url else "?") + urlencode(params)
