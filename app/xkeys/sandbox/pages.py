"""HTML for the consent pages (OAuth 1.0a PIN and OAuth 2.0 PKCE).

Plain HTML forms with an approve and a cancel button, usable without JavaScript; the PIN page
shows the 7-digit PIN as the only standalone 7-digit number (shared/DESIGN.md "Building notes").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

_STYLE = (
    "body{font-family:sans-serif;max-width:36em;margin:3em auto;padding:0 1em}"
    "button{font-size:1.1em;margin-right:1em}code{font-size:2em;letter-spacing:.15em}"
)


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body>{body}</body></html>\n"
    )


def _hidden(fields: Mapping[str, str]) -> str:
    return "".join(f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">' for k, v in fields.items())


def _form(action: str, fields: Mapping[str, str], approve: str) -> str:
    return (
        f'<form method="post" action="{escape(action)}">{_hidden(fields)}'
        f'<button type="submit" name="action" value="approve" id="allow">{escape(approve)}</button>'
        '<button type="submit" name="action" value="cancel" id="cancel">Cancel</button></form>'
    )


def oauth1_consent(app_name: str, username: str, oauth_token: str, action: str) -> str:
    body = (
        f"<h1>Authorize {escape(app_name)} to access your account?</h1>"
        f"<p>Signed in as @{escape(username)}.</p>"
        "<p>This application will be able to read posts from your timeline, see who you "
        "follow, and - if its permissions allow - post and send Direct Messages for you.</p>"
        + _form(action, {"oauth_token": oauth_token}, "Authorize app")
    )
    return _page(f"Authorize {app_name}", body)


def pin_page(app_name: str, pin: str) -> str:
    body = (
        "<h1>You've granted access to " + escape(app_name) + "!</h1>"
        '<div id="oauth_pin"><p><span id="code-desc">Next, return to '
        + escape(app_name)
        + " and enter this PIN to complete the authorization process:</span></p>"
        f'<p><kbd aria-labelledby="code-desc"><code>{escape(pin)}</code></kbd></p></div>'
    )
    return _page("Authorization PIN", body)


def denied_page(app_name: str) -> str:
    return _page(
        "Not authorized", f"<h1>You have not authorized {escape(app_name)}.</h1><p>You can close this page.</p>"
    )


def invalid_token_page() -> str:
    return _page(
        "Error",
        "<h1>This page is no longer valid.</h1><p>It looks like someone already "
        "used the token information you provided, or it has expired. Please return to the "
        "site that sent you to this page and try again.</p>",
    )


def oauth2_consent(app_name: str, username: str, scopes: Sequence[str], fields: Mapping[str, str], action: str) -> str:
    items = "".join(f"<li>{escape(s)}</li>" for s in scopes)
    body = (
        f"<h1>{escape(app_name)} wants to access your X account</h1>"
        f"<p>Signed in as @{escape(username)}. It asks for:</p><ul>{items}</ul>"
        + _form(action, fields, "Authorize app")
    )
    return _page(f"Authorize {app_name}", body)


def oauth2_error_page(reason: str) -> str:
    """X's page for a bad authorize request (redirect mismatch, unknown client, bad scope...)."""
    return _page(
        "Something went wrong",
        "<h1>Something went wrong</h1><p>You weren't able to "
        "give access to the App. Go back and try logging in again.</p>"
        f"<!-- sandbox: {escape(reason)} -->",
    )


def over_capacity_page() -> str:
    return _page(
        "X / Over capacity",
        "<h1>Over capacity</h1><p>Too many requests right now. Please wait a moment and try again.</p>",
    )
