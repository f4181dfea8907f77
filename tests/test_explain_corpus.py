"""explain() over the corpus in tests/data/explain/ and over every code in every wrapper form.

Expectations come from shared/FACTS.md sections 2-3 (written out here and in
tests/data/explain/expected.tsv, never derived from the tables under test).
"""

from __future__ import annotations

import json
import re
import socket
import ssl
from pathlib import Path

import httpx
import pytest

from xkeys.core import knowledge
from xkeys.core.explain import (
    CONTEXT_BEARER,
    CONTEXT_CONSUMER_PAIR,
    CONTEXT_OAUTH1,
    CONTEXT_OAUTH2_CLIENT,
    CONTEXT_OAUTH2_USER,
    explain,
    from_exception,
    from_response,
)

DATA = Path(__file__).parent / "data" / "explain"
RANK = {"low": 0, "medium": 1, "high": 2}


def _table() -> list[tuple[str, str, str, str, str, str]]:
    rows = []
    for line in (DATA / "expected.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            f, diag, status, code, conf, variant = line.split("\t")
            rows.append((f, diag, status, code, conf, variant))
    return rows


TABLE = _table()


def test_table_and_files_agree() -> None:
    listed = {r[0] for r in TABLE}
    on_disk = {p.name for p in DATA.iterdir() if p.name != "expected.tsv"}
    assert listed == on_disk
    assert len(TABLE) >= 90
    for r in TABLE:
        assert r[1] in knowledge.CATALOG and r[4] in RANK


@pytest.mark.parametrize("row", TABLE, ids=[r[0] for r in TABLE])
def test_corpus_case(row: tuple[str, str, str, str, str, str]) -> None:
    name, diag, status, code, conf, variant = row
    e = explain((DATA / name).read_text(encoding="utf-8"))
    assert e.diagnosis == diag, (e.diagnosis, e.matched)
    if status:
        assert e.http_status == int(status)
    if code:
        assert str(e.error_code) == code
    assert RANK[e.confidence] >= RANK[conf], e.confidence
    if diag == "unknown":
        assert e.confidence == "low"
    if variant:
        assert e.variant == variant
        assert e.fix == knowledge.get(diag).variants[variant].fix
    d = e.to_dict()
    assert list(d) == ["diagnosis", "title", "cause", "fix", "http_status", "error_code", "confidence", "sources"]
    json.dumps(d)


def test_corpus_covers_every_wrapper_form() -> None:
    forms = {
        "bare",
        "http",
        "tweepy",
        "node",
        "dictrepr",
        "java",
        "ruby",
        "php",
        "go",
        "xml",
        "plain",
        "html",
        "net",
        "xai",
        "hygiene",
        "log",
        "consent",
    }
    names = " ".join(r[0] for r in TABLE)
    missing = {f for f in forms if not re.search(rf"(?:^|[_ ]){f}[_.]", names)}
    assert not missing


def test_corpus_covers_every_facts_section_3_code_and_type() -> None:
    seen_codes = {r[3] for r in TABLE}
    for code in (32, 89, 99, 135, 215, 220, 261, 326, 64, 416, 415, 417, 88, 453, 186, 187, 130, 131):
        assert str(code) in seen_codes, code
    for t in ("client-forbidden", "oauth1-permissions", "unsupported-authentication", "usage-capped", "credits"):
        assert t in seen_codes, t
    assert any("about_blank" in r[0] for r in TABLE)


# --------------------------------------------------------------------------------------------
# every v1.1 code of FACTS.md §3 in every wrapper form
# --------------------------------------------------------------------------------------------
V11 = [  # code, HTTP status, message X sends, expected diagnosis
    (32, 401, "Could not authenticate you.", "signature-rejected"),
    (89, 401, "Invalid or expired token.", "invalid-or-expired-token"),
    (99, 403, "Unable to verify your credentials", "bad-consumer-credentials"),
    (135, 401, "Timestamp out of bounds.", "clock-skew"),
    (215, 400, "Bad Authentication data.", "bad-auth-header"),
    (220, 403, "Your credentials do not allow access to this resource.", "unsupported-authentication"),
    (261, 403, "Application cannot perform write actions.", "write-permission-missing"),
    (
        326,
        403,
        "To protect our users from spam and other malicious activity, this account is temporarily locked.",
        "account-locked",
    ),
    (64, 403, "Your account is suspended and is not permitted to access this feature.", "account-locked"),
    (416, 401, "Invalid / suspended application", "app-suspended"),
    (415, 401, "Callback URL not approved for this client application.", "callback-not-approved"),
    (417, 401, "Desktop applications only support the oauth_callback value 'oob'", "oob-required"),
    (88, 429, "Rate limit exceeded", "rate-limited"),
    (
        453,
        403,
        "You currently have access to a subset of X API V2 endpoints and limited v1.1 endpoints "
        "(e.g. media post, oauth) only.",
        "endpoint-not-in-plan",
    ),
    (186, 403, "Tweet needs to be a bit shorter.", "duplicate-content"),
    (187, 403, "Status is a duplicate.", "duplicate-content"),
    (130, 503, "Over capacity", "x-server-error"),
    (131, 500, "Internal error", "x-server-error"),
]
REASON = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}
RUBY_CLASS = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    429: "TooManyRequests",
    500: "InternalServerError",
    503: "ServiceUnavailable",
}


def _wrappers(code: int, status: int, msg: str) -> dict[str, str]:
    body = json.dumps({"errors": [{"code": code, "message": msg}]})
    return {
        "bare": body,
        "http": f"HTTP/1.1 {status} {REASON[status]}\r\ncontent-type: application/json;charset=utf-8\r\n\r\n{body}",
        "tweepy": f"{status} {REASON[status]}\n{code} - {msg}",
        "node": f"ApiResponseError: Request failed with code {status} - {msg} (Twitter code {code})",
        "dictrepr": repr({"errors": [{"code": code, "message": msg}]}),
        "java": f"twitter4j.TwitterException: {status}:{REASON[status]}\nmessage - {msg}\ncode - {code}",
        "php": f"stdClass Object ( [errors] => Array ( [0] => stdClass Object ( [code] => {code} "
        f"[message] => {msg} ) ) )",
        "go": f"twitter: {code} {msg}",
        "xml": f'<?xml version="1.0" encoding="UTF-8"?><errors><error code="{code}">{msg}</error></errors>',
        "ruby_hash": f'{{:errors=>[{{:code=>{code}, :message=>"{msg}"}}]}}',
        "log_line": f"2026-01-02 03:04:05,678 ERROR bot: post failed ({status}): {body}",
    }


@pytest.mark.parametrize("code,status,msg,diag", V11, ids=[str(v[0]) for v in V11])
def test_v11_code_in_every_wrapper(code: int, status: int, msg: str, diag: str) -> None:
    for form, text in _wrappers(code, status, msg).items():
        e = explain(text)
        assert e.diagnosis == diag, (form, e.diagnosis, e.matched)
        assert e.error_code == code, (form, e.error_code)
        assert e.confidence == "high", form
        if form in ("http", "tweepy", "node", "java"):
            assert e.http_status == status, form


@pytest.mark.parametrize("code,status,msg,diag", V11, ids=[str(v[0]) for v in V11])
def test_v11_message_alone_and_ruby_exception(code: int, status: int, msg: str, diag: str) -> None:
    # The Ruby gem and many logs keep only the message: the phrase must be enough
    ruby = f"Twitter::Error::{RUBY_CLASS[status]}: {msg}"
    e = explain(ruby)
    assert e.diagnosis == diag, e.matched
    assert e.http_status == status
    assert explain(msg).diagnosis == diag


@pytest.mark.parametrize("code,status,msg,diag", V11, ids=[str(v[0]) for v in V11])
def test_v11_from_response(code: int, status: int, msg: str, diag: str) -> None:
    body = json.dumps({"errors": [{"code": code, "message": msg}]}).encode()
    e = from_response(status, {"Content-Type": "application/json;charset=utf-8"}, body)
    assert (e.diagnosis, e.http_status, e.error_code) == (diag, status, code)


# --------------------------------------------------------------------------------------------
# v2 problems (matched on the type's last path segment, reason, title, period)
# --------------------------------------------------------------------------------------------
V2 = [
    (
        403,
        {
            "title": "Client Forbidden",
            "reason": "client-not-enrolled",
            "detail": "When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens "
            "from a Twitter developer App that is attached to a Project.",
            "type": "https://api.twitter.com/2/problems/client-forbidden",
        },
        "client-not-enrolled",
        "client-forbidden",
    ),
    (
        403,
        {
            "title": "Forbidden",
            "detail": "Your client app is not configured with the appropriate oauth1 app "
            "permissions for this endpoint.",
            "type": "https://api.twitter.com/2/problems/oauth1-permissions",
        },
        "write-permission-missing",
        "oauth1-permissions",
    ),
    (
        403,
        {
            "title": "Unsupported Authentication",
            "detail": "Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  Supported "
            "authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].",
            "type": "https://api.twitter.com/2/problems/unsupported-authentication",
            "status": 403,
        },
        "unsupported-authentication",
        "unsupported-authentication",
    ),
    (
        429,
        {
            "title": "UsageCapExceeded",
            "period": "Monthly",
            "scope": "Product",
            "detail": "Usage cap exceeded: Monthly product cap",
            "type": "https://api.twitter.com/2/problems/usage-capped",
        },
        "usage-capped",
        "usage-capped",
    ),
    (
        402,
        {
            "title": "CreditsDepleted",
            "detail": "Your enrolled account [1234] does not have any credits to fulfill this request.",
            "type": "https://api.twitter.com/2/problems/credits",
        },
        "credits-depleted",
        "credits",
    ),
]


@pytest.mark.parametrize("status,problem,diag,code", V2, ids=[v[3] for v in V2])
def test_v2_problem_in_every_wrapper(status: int, problem: dict[str, object], diag: str, code: str) -> None:
    body = json.dumps(problem)
    js_obj = "{ " + ", ".join(f"{k}: {json.dumps(v)}" for k, v in problem.items()) + " }"
    forms = {
        "bare": body,
        "http": f"HTTP/2 {status}\r\ncontent-type: application/problem+json\r\n\r\n{body}",
        "tweepy": f"{status} {REASON.get(status, 'Payment Required')}\n{problem['detail']}",
        "node": f"ApiResponseError: Request failed with code {status}\n  data: {js_obj}",
        "dictrepr": f"HTTP {status}: {problem!r}",
        "java": f"com.twitter.clientlib.ApiException: \nStatus code: {status}\nResponse body: {body}",
        "ruby": f"X::{RUBY_CLASS.get(status, 'PaymentRequired')}: {problem['detail']}",
    }
    for form, text in forms.items():
        e = explain(text)
        assert e.diagnosis == diag, (form, e.matched)
        assert e.error_code == code, (form, e.error_code)
        if form != "bare":
            assert e.http_status == status, form
        assert e.confidence == "high", form
    e = from_response(status, {"content-type": "application/problem+json"}, body)
    assert (e.diagnosis, e.error_code, e.confidence) == (diag, code, "high")


def test_problem_type_matched_on_last_path_segment_of_any_host() -> None:
    for host in ("https://api.twitter.com", "https://api.x.com"):
        e = explain(json.dumps({"title": "Forbidden", "type": f"{host}/2/problems/oauth1-permissions"}))
        assert e.diagnosis == "write-permission-missing"


def test_usage_capped_beats_rate_limit_headers() -> None:
    body = json.dumps(V2[3][1])
    e = from_response(429, {"x-rate-limit-remaining": "0"}, body)
    assert e.diagnosis == "usage-capped"


# --------------------------------------------------------------------------------------------
# OAuth 2.0 token endpoint (FACTS.md §2)
# --------------------------------------------------------------------------------------------
OAUTH2 = [
    ("invalid_request", "Value passed for the authorization code was invalid.", "authorization-code-invalid"),
    (
        "invalid_request",
        "Value passed for the redirect uri did not match the uri of the authorization code.",
        "redirect-uri-mismatch",
    ),
    ("invalid_request", "Value passed for the token was invalid.", "refresh-token-invalid"),
    ("unauthorized_client", "Missing valid authorization header", "client-secret-rejected"),
    ("invalid_client", "Client authentication failed", "invalid-client"),
]


@pytest.mark.parametrize("word,desc,diag", OAUTH2, ids=[v[2] for v in OAUTH2])
def test_oauth2_errors_in_every_wrapper(word: str, desc: str, diag: str) -> None:
    body = json.dumps({"error": word, "error_description": desc})
    forms = {
        "bare": body,
        "http": f"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\n\r\n{body}",
        "dictrepr": repr({"error": word, "error_description": desc}),
        "oauthlib": f"oauthlib.oauth2.rfc6749.errors.OAuth2Error: ({word}) {desc}",
        # the Node client's rewrite: code 131 next to the OAuth 2.0 word (FACTS.md §3)
        "node131": f"Request failed with code 400\n  errors: [ {{ code: 131, message: '{word}' }} ]\n"
        f"  data: {{ error: '{word}', error_description: '{desc}' }}",
    }
    for form, text in forms.items():
        e = explain(text)
        assert e.diagnosis == diag, (form, e.matched)
        assert e.diagnosis != "x-server-error"
        assert e.error_code == word, (form, e.error_code)


def test_node_131_without_description_is_the_oauth2_error_not_a_server_fault() -> None:
    e = explain('Request failed with code 400\nerrors: [{code:131,message:"invalid_request"}]')
    assert e.diagnosis == "authorization-code-invalid" and e.confidence == "medium"
    # while a real 131 is a server fault
    assert explain('{"errors":[{"code":131,"message":"Internal error"}]}').diagnosis == "x-server-error"


# --------------------------------------------------------------------------------------------
# from_response: statuses and headers, with and without the credential context
# --------------------------------------------------------------------------------------------
ABOUT_BLANK_401 = b'{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}'


@pytest.mark.parametrize(
    "context,diag",
    [
        (CONTEXT_OAUTH1, "signature-rejected"),
        (CONTEXT_BEARER, "invalid-or-expired-token"),
        (CONTEXT_OAUTH2_USER, "oauth2-token-expired"),
        (CONTEXT_OAUTH2_CLIENT, "client-secret-rejected"),
        (CONTEXT_CONSUMER_PAIR, "bad-consumer-credentials"),
    ],
)
def test_about_blank_401_per_credential(context: str, diag: str) -> None:
    e = from_response(401, {"content-type": "application/problem+json"}, ABOUT_BLANK_401, context=context)
    assert e.diagnosis == diag
    assert e.confidence in ("high", "medium")


def test_about_blank_401_without_context_is_honest() -> None:
    e = from_response(401, {}, ABOUT_BLANK_401)
    assert e.diagnosis == "signature-rejected" and e.confidence == "low"


def test_code_wins_over_context() -> None:
    body = b'{"errors":[{"code":135,"message":"Timestamp out of bounds."}]}'
    assert from_response(401, {}, body, context=CONTEXT_OAUTH1).diagnosis == "clock-skew"
    body = b'{"errors":[{"code":89,"message":"Invalid or expired token."}]}'
    assert from_response(401, {}, body, context=CONTEXT_OAUTH1).diagnosis == "invalid-or-expired-token"


def test_oauth2_user_403_without_code_means_missing_scopes() -> None:
    body = b'{"title":"Forbidden","type":"about:blank","status":403,"detail":"Forbidden"}'
    assert from_response(403, {}, body, context=CONTEXT_OAUTH2_USER).diagnosis == "missing-scopes"
    assert from_response(403, {}, body).diagnosis == "unknown"


def test_consumer_pair_code_99() -> None:
    body = b'{"errors":[{"code":99,"label":"authenticity_token_error","message":"Unable to verify your credentials"}]}'
    e = from_response(403, [("Content-Type", "application/json;charset=utf-8")], body)
    assert (e.diagnosis, e.error_code, e.http_status) == ("bad-consumer-credentials", 99, 403)


def test_rate_limit_headers() -> None:
    hdrs = {"x-rate-limit-limit": "75", "x-rate-limit-remaining": "0", "x-rate-limit-reset": "1700000000"}
    e = from_response(429, hdrs, b"")
    assert (e.diagnosis, e.confidence, e.error_code) == ("rate-limited", "high", 88)
    assert from_response(429, {}, b"").confidence == "medium"
    e = from_response(429, {"x-app-limit-24hour-remaining": "0"}, b'{"title":"Too Many Requests"}')
    assert e.diagnosis == "rate-limited" and e.confidence == "high"


def test_www_authenticate_code_without_body() -> None:
    hdrs = {"www-authenticate": 'OAuth realm="https://api.twitter.com", api_error_code=32'}
    e = from_response(401, hdrs, b"")
    assert (e.diagnosis, e.error_code) == ("signature-rejected", 32)


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_5xx_html_pages(status: int) -> None:
    html = b"<html><head><title>Over capacity</title></head><body>Something is technically wrong.</body></html>"
    e = from_response(status, {"content-type": "text/html"}, html)
    assert e.diagnosis == "x-server-error" and e.confidence == "high"
    assert e.http_status == status


def test_bad_json_and_odd_bodies_never_raise() -> None:
    for body in (b"{not json", b"\xff\xfe\x00garbage", b"", "plain text", None):
        e = from_response(400, {}, body)
        assert e.diagnosis in knowledge.CATALOG


def test_success_answer_is_not_an_error() -> None:
    assert from_response(200, {"x-rate-limit-remaining": "10"}, b'{"data":{"id":"1"}}').diagnosis == "unknown"


def test_unknown_context_is_rejected() -> None:
    with pytest.raises(ValueError):
        from_response(401, {}, b"", context="nonsense")


# --------------------------------------------------------------------------------------------
# real exceptions
# --------------------------------------------------------------------------------------------
def test_from_exception_real_connect_refused() -> None:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    try:
        httpx.get(f"http://127.0.0.1:{port}/2/users/me", timeout=2.0)
    except httpx.HTTPError as exc:
        e = from_exception(exc)
    else:  # pragma: no cover
        pytest.fail("connection unexpectedly succeeded")
    assert e.diagnosis == "network-unreachable" and e.variant == "refused"


@pytest.mark.parametrize(
    "exc,variant",
    [
        (socket.gaierror(-2, "Name or service not known"), "dns"),
        (socket.gaierror(11001, "getaddrinfo failed"), "dns"),
        (ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"), "tls"),
        (httpx.ConnectTimeout("timed out"), "timeout"),
        (httpx.ReadTimeout(""), "timeout"),
        (ConnectionRefusedError(111, "Connection refused"), "refused"),
    ],
)
def test_from_exception_variants(exc: BaseException, variant: str) -> None:
    e = from_exception(exc)
    assert e.diagnosis == "network-unreachable" and e.variant == variant


def test_from_exception_wrapped_cause() -> None:
    try:
        try:
            raise socket.gaierror(-3, "Temporary failure in name resolution")
        except OSError as inner:
            raise httpx.ConnectError("connection failed") from inner
    except httpx.ConnectError as exc:
        e = from_exception(exc)
    assert (e.diagnosis, e.variant) == ("network-unreachable", "dns")


def test_from_exception_unrelated_stays_unknown() -> None:
    assert from_exception(ValueError("bad value")).diagnosis == "unknown"


# --------------------------------------------------------------------------------------------
# specificity
# --------------------------------------------------------------------------------------------
def test_most_specific_wins_in_a_mixed_log() -> None:
    log = (
        "WARN retrying after 503 Service Unavailable\n"
        "tweepy.errors.Forbidden: 403 Forbidden\n261 - Application cannot perform write actions.\n"
    )
    assert explain(log).diagnosis == "write-permission-missing"


def test_dm_endpoint_with_oauth1_permissions() -> None:
    body = (
        "POST https://api.x.com/2/dm_conversations/with/12/messages -> 403 "
        '{"title":"Forbidden","type":"https://api.twitter.com/2/problems/oauth1-permissions"}'
    )
    assert explain(body).diagnosis == "dm-permission-missing"


def test_access_level_header_names_the_missing_permission() -> None:
    blank = b'{"title":"Forbidden","type":"about:blank","status":403,"detail":"Forbidden"}'
    e = from_response(403, {"x-access-level": "read"}, blank)
    assert e.diagnosis == "write-permission-missing"
    e = from_response(403, {"x-access-level": "read-write"}, b"POST /2/dm_conversations/with/1/messages " + blank)
    assert e.diagnosis == "dm-permission-missing"
    # a full-access token that gets a bare 403 is not blamed on permissions
    assert from_response(403, {"x-access-level": "read-write-directmessages"}, blank).diagnosis == "unknown"


def test_unrecognised_transport_exception_is_still_unreachable() -> None:
    e = from_exception(httpx.TransportError("something odd"))
    assert e.diagnosis == "network-unreachable" and e.variant is None
    assert e.fix == knowledge.get("network-unreachable").fix


def test_success_bodies_are_never_diagnosed() -> None:
    tweets = b'{"data":[{"id":"1","text":"my request timed out again, rate limit exceeded? Over capacity!"}]}'
    for status in (200, 201, 204, 304):
        e = from_response(status, {"x-rate-limit-remaining": "0"}, tweets)
        assert (e.diagnosis, e.http_status) == ("unknown", status)


def test_config_text_is_not_a_tls_failure() -> None:
    assert explain("database:\n  ssl: true\n  host: db").diagnosis == "unknown"


def test_details_carry_only_numbers() -> None:
    e = from_response(429, {"x-rate-limit-reset": "1700000000", "retry-after": "30", "x-transaction-id": "abc"}, b"")
    assert dict(e.details) == {"rate_limit_reset": 1700000000, "retry_after": 30}
    assert dict(from_response(429, {"x-rate-limit-reset": "soon"}, b"").details) == {}


def test_html_page_with_a_2xx_status_is_a_fault() -> None:
    page = b"<!DOCTYPE html><html><head><title>Hotel Wi-Fi login</title></head><body>Sign in</body></html>"
    e = from_response(200, {"content-type": "text/html; charset=utf-8"}, page)
    assert (e.diagnosis, e.confidence) == ("x-server-error", "medium")
    assert from_response(200, {}, page).diagnosis == "x-server-error"
    # but not a form-encoded /oauth/request_token success, which X sends as text/html
    ok = b"oauth_token=abc&oauth_token_secret=def&oauth_callback_confirmed=true"
    assert from_response(200, {"content-type": "text/html;charset=utf-8"}, ok).diagnosis == "unknown"
