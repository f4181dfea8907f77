"""Helpers for the sandbox tests: signing with oauthlib (an independent client), form parsing."""

from __future__ import annotations

import re
import time
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import httpx
from oauthlib.oauth1 import Client as OAuth1Client
from requests import PreparedRequest, Response, Session
from requests.adapters import HTTPAdapter


def oauth1_sign(
    creds: dict[str, str],
    method: str,
    url: str,
    *,
    body: str | None = None,
    token: str | None = None,
    token_secret: str | None = None,
    timestamp: float | None = None,
    nonce: str | None = None,
    consumer_secret: str | None = None,
    **client_kw: Any,
) -> dict[str, str]:
    """Authorization (+ content-type) headers signed by oauthlib for the given request."""
    client = OAuth1Client(
        creds["consumer_key"],
        client_secret=consumer_secret if consumer_secret is not None else creds["consumer_secret"],
        resource_owner_key=token if token is not None else creds["access_token"],
        resource_owner_secret=token_secret if token_secret is not None else creds["access_token_secret"],
        timestamp=str(int(timestamp if timestamp is not None else time.time())),
        nonce=nonce,
        **client_kw,
    )
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if body is not None else {}
    _, signed, _ = client.sign(url, method, body, headers)
    return dict(signed)


async def signed(
    client: httpx.AsyncClient,
    creds: dict[str, str],
    method: str,
    path: str,
    *,
    form: dict[str, str] | None = None,
    json: Any = None,
    **kw: Any,
) -> httpx.Response:
    """Send an OAuth 1.0a signed request through `client` (base URL https://api.x.com)."""
    url = str(client.base_url.join(path))
    body = httpx.QueryParams(form).__str__() if form is not None else None
    headers = oauth1_sign(creds, method, url, body=body, **kw)
    if json is not None:
        return await client.request(method, url, headers=headers, json=json)
    return await client.request(method, url, headers=headers, content=body)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(
                {"action": a.get("action", ""), "method": a.get("method", "get"), "fields": {}, "buttons": []}
            )
        elif tag == "input" and self.forms and a.get("type") == "hidden":
            self.forms[-1]["fields"][a["name"]] = a.get("value", "")
        elif tag == "button" and self.forms:
            self.forms[-1]["buttons"].append((a.get("name", ""), a.get("value", "")))


def parse_form(html: str) -> dict[str, Any]:
    """The first form of a page: action, method, hidden fields, (name, value) of each button."""
    p = _Forms()
    p.feed(html)
    assert p.forms, "the page has no form"
    return p.forms[0]


def find_pin(html: str) -> str:
    pins = re.findall(r"(?<!\d)\d{7}(?!\d)", html)
    assert len(pins) == 1, f"expected exactly one 7-digit number, found {pins}"
    return pins[0]


class ForwardAdapter(HTTPAdapter):
    """A requests transport adapter that sends requests for X's hosts to the real sandbox
    server, keeping the `Host` the SDK addressed (so OAuth 1.0a signatures verify), telling the
    scheme with `X-Forwarded-Proto`, and adding the timeout SDKs such as tweepy leave out."""

    def __init__(self, base_url: str, timeout: float = 10.0) -> None:
        super().__init__()
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def send(self, request: PreparedRequest, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]
        parts = urlsplit(request.url or "")
        request.url = self.base_url + parts.path + (f"?{parts.query}" if parts.query else "")
        request.headers["Host"] = parts.netloc
        request.headers["X-Forwarded-Proto"] = parts.scheme
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        return super().send(request, *args, **kwargs)


def forward_x_hosts(session: Session, base_url: str) -> Session:
    adapter = ForwardAdapter(base_url)
    for host in ("https://api.twitter.com", "https://api.x.com", "https://twitter.com", "https://x.com"):
        session.mount(host, adapter)
    return session
