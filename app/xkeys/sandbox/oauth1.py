"""OAuth 1.0a HMAC-SHA1 verification with oauthlib's own signature functions.

Follows shared/DESIGN.md "Building notes": parameters are collected with
`signature.collect_parameters` (header values percent-decoded), a body `oauth_*` parameter
identical to the header's is dropped (some SDKs send `oauth_token` in both, signed once), and
the signed URL is the scheme + `Host` the client addressed + the raw path (+ query).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl

from oauthlib.common import Request as OAuthRequest
from oauthlib.oauth1.rfc5849 import signature, utils

REQUIRED = ("oauth_consumer_key", "oauth_signature", "oauth_signature_method", "oauth_timestamp", "oauth_nonce")


class MalformedHeader(ValueError):
    """The Authorization header cannot be read as OAuth 1.0a (X: 400 code 215)."""


@dataclass(frozen=True)
class SignedRequest:
    oauth: dict[str, str]  # oauth_* parameters (header first)
    params: list[tuple[str, str]]  # everything that goes into the base string (no signature)
    signature: str
    uri: str
    method: str

    @property
    def consumer_key(self) -> str:
        return self.oauth["oauth_consumer_key"]

    @property
    def token(self) -> str:
        return self.oauth.get("oauth_token", "")

    #: the base-string parameters with a duplicated body `oauth_*` counted twice (a client that
    #: signed the duplicate too); None when nothing was duplicated
    doubled: list[tuple[str, str]] | None = None

    def verify(self, consumer_secret: str, token_secret: str | None) -> bool:
        return any(
            self._verify(params, consumer_secret, token_secret)
            for params in (self.params, self.doubled)
            if params is not None
        )

    def _verify(self, params: list[tuple[str, str]], consumer_secret: str, token_secret: str | None) -> bool:
        req = OAuthRequest(self.uri, http_method=self.method)
        req.params = params
        req.signature = self.signature
        return bool(signature.verify_hmac_sha1(req, consumer_secret, token_secret))


def parse_form(body: bytes) -> list[tuple[str, str]]:
    """application/x-www-form-urlencoded pairs; raises MalformedHeader-free ValueError on bad UTF-8."""
    return parse_qsl(body.decode("utf-8"), keep_blank_values=True)


def read(
    authorization: str, *, uri: str, method: str, query: str, form: Sequence[tuple[str, str]] = ()
) -> SignedRequest:
    """Parse and collect a signed request; raises MalformedHeader when X would answer 215."""
    try:
        header_items = [
            (k, utils.unescape(v)) for k, v in utils.parse_authorization_header(authorization) if k != "realm"
        ]
    except (ValueError, TypeError) as exc:
        raise MalformedHeader("unreadable OAuth header") from exc
    header_set = set(header_items)
    body = [(k, v) for k, v in form if not (k.startswith("oauth_") and (k, v) in header_set)]
    query_pairs = parse_qsl(query, keep_blank_values=True)
    try:
        params = signature.collect_parameters(
            body=list(query_pairs) + body,
            headers={"Authorization": authorization},
            exclude_oauth_signature=False,
        )
    except (ValueError, TypeError) as exc:
        raise MalformedHeader("unreadable OAuth parameters") from exc
    oauth: dict[str, str] = {}
    for k, v in header_items + [(k, v) for k, v in params if k.startswith("oauth_")]:
        oauth.setdefault(k, v)
    if any(not oauth.get(k) for k in REQUIRED):
        raise MalformedHeader("missing OAuth parameters")
    if oauth["oauth_signature_method"].upper() != "HMAC-SHA1":
        raise MalformedHeader("unsupported signature method")
    if oauth.get("oauth_version", "1.0") != "1.0":
        raise MalformedHeader("unsupported OAuth version")
    try:
        float(oauth["oauth_timestamp"])
    except ValueError as exc:
        raise MalformedHeader("non-numeric timestamp") from exc
    if len([1 for k, _ in params if k == "oauth_signature"]) != 1:
        raise MalformedHeader("several signatures")
    # the base string is built from every parameter except the signature itself
    base_params = [(k, v) for k, v in params if k != "oauth_signature"]
    dropped = [(k, v) for k, v in form if k.startswith("oauth_") and (k, v) in header_set]
    return SignedRequest(
        oauth, base_params, oauth["oauth_signature"], uri, method.upper(), base_params + dropped if dropped else None
    )
