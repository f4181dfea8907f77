"""X's exact error bodies, status codes and content types (shared/FACTS.md section 3).

Every answer the sandbox gives is built here, so the wire format lives in one place.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from starlette.responses import Response

# Content types as recorded (FACTS.md section 2, "Details seen in recorded real answers")
V2_JSON = "application/json; charset=utf-8"
PROBLEM_JSON = "application/problem+json"
V11_JSON = "application/json;charset=utf-8"  # v1.1 and /oauth2/token: no space
FORM_TEXT = "text/html;charset=utf-8"  # /oauth/* success and plain-text failures
HTML = "text/html; charset=utf-8"  # consent pages

PROBLEMS = "https://api.twitter.com/2/problems/"
WWW_AUTH = 'OAuth realm="https://api.twitter.com"'

#: v1.1-style codes -> (HTTP status, message). FACTS.md section 3.
CODES: dict[int, tuple[int, str]] = {
    32: (401, "Could not authenticate you."),
    88: (429, "Rate limit exceeded"),
    89: (401, "Invalid or expired token."),
    99: (403, "Unable to verify your credentials"),
    131: (500, "Internal error"),
    135: (401, "Timestamp out of bounds."),
    170: (403, "Missing required parameter: grant_type"),
    187: (403, "Status is a duplicate."),
    215: (400, "Bad Authentication data."),
    220: (403, "Your credentials do not allow access to this resource."),
    261: (
        403,
        "Application cannot perform write actions. Contact Twitter Platform Operations "
        "through https://help.twitter.com/forms/platform.",
    ),
    348: (403, "Client application is not permitted to to invalidate this token."),
    415: (
        401,
        "Callback URL not approved for this client application. Approved callback URLs can "
        "be adjusted in your application settings",
    ),
    416: (401, "Invalid / suspended application"),
    417: (401, "Desktop applications only support the oauth_callback value 'oob'"),
    453: (
        403,
        "You currently have access to a subset of X API V2 endpoints and limited v1.1 "
        "endpoints (e.g. media post, oauth) only. If you need access to this endpoint, you "
        "may need a different access level. You can learn more here: "
        "https://developer.x.com/en/portal/product",
    ),
}

#: labels X puts beside some codes
LABELS: dict[int, str] = {99: "authenticity_token_error", 170: "forbidden_missing_parameter"}

INVALID_VERIFIER = "Error processing your OAuth request: Invalid oauth_verifier parameter"
UNSUPPORTED_AUTH_USER = (
    "Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint. Supported "
    "authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context]."
)
UNSUPPORTED_AUTH_APP = (
    "Authenticating with {used} is forbidden for this endpoint. Supported authentication types "
    "are [OAuth 2.0 Application-Only]."
)
OAUTH1_PERMISSIONS = "Your client app is not configured with the appropriate oauth1 app permissions for this endpoint."
NOT_ENROLLED = (
    "When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens "
    "from a Twitter developer App that is attached to a Project. You can create a project via "
    "the developer portal."
)
# OAuth 2.0 token endpoint descriptions (FACTS.md section 2, "OAuth 2.0 Authorization Code + PKCE")
BAD_CODE = "Value passed for the authorization code was invalid."
BAD_REDIRECT = "Value passed for the redirect uri did not match the uri of the authorization code."
BAD_TOKEN = "Value passed for the token was invalid."
BAD_VERIFIER = "Value passed for the code verifier was invalid."
MISSING_AUTH = "Missing valid authorization header"


def dumps(obj: Any) -> bytes:
    """Compact JSON, as X sends it."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def raw(body: bytes | str, status: int, content_type: str, headers: Mapping[str, str] | None = None) -> Response:
    data = body.encode("utf-8") if isinstance(body, str) else body
    h = {"content-type": content_type}
    if headers:
        h.update(headers)
    return Response(content=data, status_code=status, headers=h)


def json_answer(
    obj: Any, status: int = 200, content_type: str = V2_JSON, headers: Mapping[str, str] | None = None
) -> Response:
    return raw(dumps(obj), status, content_type, headers)


def coded(code: int, *, v2: bool, headers: Mapping[str, str] | None = None, status: int | None = None) -> Response:
    """`{"errors":[{"code":N,"message":...}]}` with the code's status (v2 or v1.1 content type)."""
    st, message = CODES[code]
    err: dict[str, Any] = {"code": code, "message": message}
    if code in LABELS:
        err = {"code": code, "label": LABELS[code], "message": message}
    h = dict(headers or {})
    if (status or st) == 401 and not v2:
        h.setdefault("www-authenticate", f"{WWW_AUTH}, api_error_code={code}")
    return json_answer({"errors": [err]}, status or st, V2_JSON if v2 else V11_JSON, h)


def problem(
    status: int,
    type_: str,
    title: str,
    detail: str,
    *,
    extra: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """A v2 problem (`application/problem+json`); type_ is a problems/ suffix or `about:blank`."""
    body: dict[str, Any] = {}
    if extra:
        body.update(extra)
    body.update(
        {
            "title": title,
            "detail": detail,
            "type": type_ if type_ == "about:blank" else PROBLEMS + type_,
            "status": status,
        }
    )
    return json_answer(body, status, PROBLEM_JSON, headers)


def blank(status: int, headers: Mapping[str, str] | None = None) -> Response:
    titles = {401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 429: "Too Many Requests"}
    t = titles.get(status, "Error")
    return problem(status, "about:blank", t, t, headers=headers)


def invalid_request(detail_msgs: list[dict[str, Any]], headers: Mapping[str, str] | None = None) -> Response:
    return problem(
        400,
        "invalid-request",
        "Invalid Request",
        "One or more parameters to your request was invalid.",
        extra={"errors": detail_msgs},
        headers=headers,
    )


def oauth2_error(status: int, error: str, description: str) -> Response:
    return json_answer({"error": error, "error_description": description}, status, V2_JSON)


def plain(text: str, status: int, headers: Mapping[str, str] | None = None) -> Response:
    return raw(text, status, FORM_TEXT, headers)
