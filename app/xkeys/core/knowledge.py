"""The diagnosis catalog: every way X credentials fail, in plain words, with the fix.

Data, not code paths. One `Diagnosis` per id of shared/DESIGN.md "Diagnosis ids" (ids are
stable; the catalog may grow, an id never changes meaning). Each entry says what went wrong
(`cause`), what to do, step by step, naming the console.x.com page and button (`fix`), which
credentials must be regenerated afterwards (`regenerate`) and where the facts come from
(`sources`: FACTS.md sections and X developer documentation pages).

The tables at the end (`X_ERROR_CODES`, `PROBLEM_TYPES`, `OAUTH2_ERRORS`) tie the codes X
returns to these ids (FACTS.md section 3); `xkeys.core.explain` builds its match rules from
them, so a new diagnosis is one entry here plus one pattern there.

Console paths follow FACTS.md section 4 (onboarding steps) and the seeds: the App lives in
console.x.com > Projects & Apps; its "User authentication settings" hold the permissions,
type of App and callback URLs; "Keys and tokens" holds every credential with its Regenerate
button.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from xkeys.core.kinds import Kind

# --- sources -------------------------------------------------------------------------------
FACTS_KINDS = "FACTS.md §1"
FACTS_HYGIENE = "FACTS.md §1 (paste hygiene)"
FACTS_PROBES = "FACTS.md §2"
FACTS_PIN = "FACTS.md §2 (OAuth 1.0a PIN flow)"
FACTS_PKCE = "FACTS.md §2 (OAuth 2.0 Authorization Code + PKCE)"
FACTS_ERRORS = "FACTS.md §3"
FACTS_PORTAL = "FACTS.md §4"

DOCS_ERRORS = "https://docs.x.com/x-api/fundamentals/response-codes-and-errors"
DOCS_ERRORS_V1 = "https://developer.x.com/en/support/x-api/error-troubleshooting"
DOCS_RATE_LIMITS = "https://docs.x.com/fundamentals/rate-limits"
DOCS_PIN = "https://docs.x.com/fundamentals/authentication/oauth-1-0a/pin-based-oauth"
DOCS_OAUTH1_AUTHORIZE = "https://docs.x.com/fundamentals/authentication/oauth-1-0a/authorizing-a-request"
DOCS_OAUTH1_SIGNATURE = "https://docs.x.com/fundamentals/authentication/oauth-1-0a/creating-a-signature"
DOCS_APP_ONLY = "https://docs.x.com/fundamentals/authentication/oauth-2-0/application-only"
DOCS_BEARER = "https://docs.x.com/fundamentals/authentication/oauth-2-0/bearer-tokens"
DOCS_PKCE = "https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code"
DOCS_PKCE_HOWTO = "https://docs.x.com/fundamentals/authentication/oauth-2-0/user-access-token"
DOCS_AUTH_FAQ = "https://docs.x.com/fundamentals/authentication/faq"
DOCS_APP_PERMISSIONS = "https://developer.x.com/en/docs/apps/app-permissions"

# --- console paths (FACTS.md §4) -----------------------------------------------------------
APP = "console.x.com > Projects & Apps > your App"
AUTH_SETTINGS = f"{APP} > User authentication settings > Edit"
KEYS = f"{APP} > Keys and tokens"
CONSUMER_KEYS = f"{KEYS} > Consumer Keys > API Key and Secret"
BEARER = f"{KEYS} > Authentication Tokens > Bearer Token"
ACCESS = f"{KEYS} > Authentication Tokens > Access Token and Secret"
OAUTH2_KEYS = f"{KEYS} > OAuth 2.0 Client ID and Client Secret"

OAUTH1_ALL = (Kind.CONSUMER_KEY, Kind.CONSUMER_SECRET, Kind.ACCESS_TOKEN, Kind.ACCESS_TOKEN_SECRET)
USER_TOKENS = (Kind.ACCESS_TOKEN, Kind.ACCESS_TOKEN_SECRET)
OAUTH2_USER = (Kind.OAUTH2_ACCESS_TOKEN, Kind.OAUTH2_REFRESH_TOKEN)


@dataclass(frozen=True)
class Variant:
    """A more specific cause of one diagnosis (e.g. DNS vs TLS for network-unreachable)."""

    cause: str
    fix: tuple[str, ...]


@dataclass(frozen=True)
class Diagnosis:
    id: str
    title: str
    cause: str
    fix: tuple[str, ...]
    regenerate: tuple[Kind, ...]
    sources: tuple[str, ...]
    #: sub-causes with their own fix steps; explain picks one when the evidence says which
    variants: Mapping[str, Variant] = field(default_factory=lambda: MappingProxyType({}))

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "cause": self.cause,
            "fix": list(self.fix),
            "regenerate": [k.value for k in self.regenerate],
            "sources": list(self.sources),
        }


def _d(
    id: str,
    title: str,
    cause: str,
    fix: tuple[str, ...],
    regenerate: tuple[Kind, ...],
    sources: tuple[str, ...],
    variants: Mapping[str, Variant] | None = None,
) -> Diagnosis:
    return Diagnosis(id, title, cause, fix, regenerate, sources, MappingProxyType(dict(variants or {})))


_ENTRIES: tuple[Diagnosis, ...] = (
    _d(
        "paste-hygiene",
        "A credential was pasted with extra characters",
        "One of the values carries something that is not part of the key: spaces or a newline at "
        "either end, wrapping quotes (straight or curly), a 'Bearer ' prefix, an invisible "
        "zero-width or non-breaking space, or a whole KEY=value line. X then sees a different "
        "key and answers 401 (code 32 or 89), or the HTTP library refuses the header outright.",
        (
            f"Open {KEYS} and copy each value again with the copy button next to it.",
            "Paste it where it belongs and remove any quotes, spaces, line breaks and a leading "
            "'Bearer ' (the library adds that word itself).",
            "In a .env file write KEY=value with no spaces around '=' and no quotes; keep a bearer "
            "token exactly as shown (with its %3D), do not URL-decode it by hand.",
            "Run `xkeys scan .env` or `xkeys doctor` to confirm every value is clean.",
        ),
        (),
        (FACTS_HYGIENE, FACTS_ERRORS, DOCS_OAUTH1_AUTHORIZE),
    ),
    _d(
        "wrong-field",
        "A credential is in the wrong field",
        "A value was put into a field meant for another kind of credential - for example the "
        "API Key Secret in the Access Token field, or the Bearer Token where the API Key "
        "belongs. Every signature or token check then fails even though each value is valid.",
        (
            f"Open {KEYS} and note which label each value sits under.",
            "Put each value into the field of the same name: API Key -> consumer key, API Key "
            "Secret -> consumer secret, Access Token / Access Token Secret -> user token pair, "
            "Bearer Token -> bearer, OAuth 2.0 Client ID / Client Secret -> client pair.",
            "Run `xkeys classify` on a value you are unsure about: it names its kind without printing it.",
        ),
        (),
        (FACTS_KINDS, FACTS_PORTAL),
    ),
    _d(
        "client-id-as-consumer-key",
        "An OAuth 2.0 Client ID was used as the API Key (consumer key)",
        "The value given as the consumer key decodes to '...:1:ci', the shape of an OAuth 2.0 "
        "Client ID. OAuth 1.0a signing and the app-only token exchange need the API Key from "
        "'Consumer Keys' instead; X presents the two as distinct strings, so app-only auth "
        "answers 403 code 99 and signed requests answer 401 code 32.",
        (
            f"Open {CONSUMER_KEYS} and copy the API Key (and its secret) from there.",
            f"Keep the Client ID and Client Secret for OAuth 2.0 (PKCE) only: they live under {OAUTH2_KEYS}.",
            "If your two values really are identical, keep them: run `xkeys doctor` and the "
            "consumer-pair probe will settle it.",
        ),
        (),
        (FACTS_KINDS, FACTS_PROBES, DOCS_APP_ONLY),
    ),
    _d(
        "xai-key-not-x",
        "This is an xAI (Grok) key, not an X API credential",
        "The key comes from console.x.ai, the xAI Grok LLM API - a different product from the "
        "X (Twitter) API despite the similar name. X does not accept 'xai-...' keys, and the xAI "
        "API does not accept X keys.",
        (
            "Sign in at console.x.com (not console.x.ai) to get X API keys.",
            f"Open {KEYS} (create a Project and an App inside it first if you have none) and copy "
            "the X keys from there.",
            "Keep the xAI key in its own variable (XAI_API_KEY) for Grok; never put it in an X field.",
        ),
        (),
        (FACTS_KINDS, FACTS_ERRORS, FACTS_PORTAL),
    ),
    _d(
        "bad-consumer-credentials",
        "X rejected the API Key and Secret (consumer pair)",
        "The consumer key and consumer secret do not form a valid pair for this App: one was "
        "mistyped or truncated, they come from two different regenerations (regenerating "
        "invalidates the old pair), or an OAuth 2.0 Client ID/Secret was pasted instead. "
        "App-only token requests answer 403 code 99 'Unable to verify your credentials'.",
        (
            f"Open {CONSUMER_KEYS}. If you still have the secret from the last generation, copy "
            "both values again from the same generation.",
            "Otherwise press Regenerate there and copy the new API Key and API Key Secret "
            "together (the secret is shown only once).",
            "Do not use the OAuth 2.0 Client ID / Client Secret here.",
            f"After a regeneration, also regenerate the bearer ({BEARER} > Regenerate): it is "
            "derived from the pair. Run `xkeys doctor`; if the user token is rejected too, "
            f"regenerate it as well ({ACCESS} > Regenerate).",
        ),
        (Kind.CONSUMER_KEY, Kind.CONSUMER_SECRET, Kind.BEARER_TOKEN),
        (FACTS_PROBES, FACTS_ERRORS, DOCS_BEARER, DOCS_ERRORS_V1),
    ),
    _d(
        "signature-rejected",
        "X could not authenticate the OAuth 1.0a signature (code 32)",
        "The request was signed, but with values X does not recognise together: any of the four "
        "OAuth 1.0a values is wrong, the access token belongs to another App or an older "
        "generation, a value carries stray whitespace or quotes, or the library signed a "
        "different URL than it sent (api.twitter.com vs api.x.com, a proxy rewriting the host).",
        (
            f"Copy all four values again from one page: {CONSUMER_KEYS} and {ACCESS}.",
            "If you are unsure they come from the same generation, press Regenerate on the Access "
            "Token and Secret and use the new pair together with the current API Key and Secret.",
            "Strip spaces, quotes and line breaks from each value (`xkeys scan .env` shows them).",
            "Run `xkeys doctor`: it tests the consumer pair and the user token separately, so it "
            "shows which of the four is wrong.",
        ),
        USER_TOKENS,
        (FACTS_PROBES, FACTS_ERRORS, FACTS_HYGIENE, DOCS_OAUTH1_SIGNATURE, DOCS_ERRORS_V1),
    ),
    _d(
        "invalid-or-expired-token",
        "The token is invalid, revoked or regenerated (code 89)",
        "X no longer accepts this token: the Access Token was regenerated or revoked (the user "
        "removed the App under Connected apps, or X suspended it), or the Bearer Token was "
        "regenerated or invalidated. The value itself may look fine.",
        (
            f"For the user token: open {ACCESS} > Regenerate, and check the line under it reads "
            "'Created with Read and Write permissions' if you post.",
            f"For the bearer: open {BEARER} > Regenerate.",
            "Replace the old values everywhere they are stored (.env, secrets manager, CI).",
            "Run `xkeys doctor` to confirm the new values.",
        ),
        (Kind.ACCESS_TOKEN, Kind.ACCESS_TOKEN_SECRET, Kind.BEARER_TOKEN),
        (FACTS_PROBES, FACTS_ERRORS, DOCS_AUTH_FAQ, DOCS_ERRORS_V1),
    ),
    _d(
        "bearer-wrong-app",
        "The Bearer Token belongs to a different App",
        "The bearer token works, but it is not the one X issues for this consumer key and secret "
        "(the same pair always yields the same bearer). It was copied from another App, or from "
        "before the pair was regenerated, so usage and limits land on the wrong App.",
        (
            f"In the App whose API Key you use, open {BEARER} > Regenerate (or copy the current one).",
            "Replace the bearer everywhere it is stored, then run `xkeys doctor` - the "
            "bearer-matches-app probe must pass.",
        ),
        (Kind.BEARER_TOKEN,),
        (FACTS_KINDS, FACTS_PROBES, DOCS_BEARER),
    ),
    _d(
        "write-permission-missing",
        "The App or its token is read-only",
        "X refused a write (posting, liking, following, deleting): the App's permission is "
        "'Read', or - the most common case - the Access Token was generated while the App was "
        "still Read only. Permissions are baked into the token when it is created; changing the "
        "setting later does not upgrade existing tokens.",
        (
            f"Open {AUTH_SETTINGS} > App permissions: choose 'Read and write' > Save.",
            f"Open {ACCESS} > Regenerate.",
            "Check that it now says 'Created with Read and Write permissions'; copy the new Access Token and Secret.",
            "Users who connected through OAuth must authorize the App again to get a write "
            "token; `xkeys doctor --need write` checks the token's access level without posting.",
        ),
        USER_TOKENS,
        (FACTS_PROBES, FACTS_ERRORS, FACTS_PORTAL, DOCS_APP_PERMISSIONS),
    ),
    _d(
        "dm-permission-missing",
        "The App or its token cannot use Direct Messages",
        "Direct Messages need the permission 'Read and write and Direct message', and the Access "
        "Token must have been generated after that permission was set (OAuth 2.0 tokens need the "
        "dm.read / dm.write scopes).",
        (
            f"Open {AUTH_SETTINGS} > App permissions: choose 'Read and write and Direct message' > Save.",
            f"Open {ACCESS} > Regenerate and check it says it was created with Read, Write and "
            "Direct Messages permissions.",
            "For OAuth 2.0 users, request dm.read dm.write (plus tweet.read users.read) and "
            "connect again (`xkeys login pkce`).",
            "Run `xkeys doctor --need dm`.",
        ),
        USER_TOKENS,
        (FACTS_PROBES, FACTS_PORTAL, FACTS_PKCE, DOCS_APP_PERMISSIONS),
    ),
    _d(
        "client-not-enrolled",
        "The App is not attached to a Project (client-not-enrolled)",
        "X API v2 only accepts keys and tokens of an App that sits inside a Project with an "
        "active package. This App is standalone (or its Project has no package), so every v2 "
        "call answers 403 'client-forbidden' / 'client-not-enrolled'.",
        (
            "Open console.x.com > Projects & Apps.",
            "Attach the App to a Project (or create a Project and add a new App inside it) and "
            "make sure the Project is on the Pay-per-use package, Production environment.",
            f"If you created a new App, copy its keys from {KEYS} and regenerate the user tokens there.",
            "Run `xkeys doctor` again.",
        ),
        (),
        (FACTS_ERRORS, FACTS_PORTAL, DOCS_ERRORS),
    ),
    _d(
        "endpoint-not-in-plan",
        "This endpoint is not included in your access level (code 453)",
        "The credentials are fine, but the account's plan or package does not include this "
        "endpoint ('You currently have access to a subset of X API V2 endpoints and limited "
        "v1.1 endpoints'). Older free/legacy plans cover only a few endpoints; many v1.1 "
        "endpoints are not available at all.",
        (
            "Open console.x.com > Projects & Apps > your Project and check its package/plan.",
            "Move the Project to a package that includes this endpoint (Pay-per-use covers the "
            "v2 endpoints), or use the v2 endpoint your level includes instead of the v1.1 one.",
            "No key needs regenerating.",
        ),
        (),
        (FACTS_ERRORS, FACTS_PORTAL, DOCS_ERRORS),
    ),
    _d(
        "credits-depleted",
        "Your pay-per-use balance has no credits (402)",
        "X answered 402 'CreditsDepleted': the account is enrolled in pay-per-use and its credit "
        "balance is $0. This is a billing problem, not a wrong tier and not a key problem.",
        (
            "Open console.x.com > Billing and add credits to the pay-per-use balance.",
            "Wait a minute for the balance to apply, then retry (or run `xkeys doctor`).",
            "No key needs regenerating.",
        ),
        (),
        (FACTS_ERRORS, FACTS_PORTAL, DOCS_ERRORS),
    ),
    _d(
        "usage-capped",
        "The monthly usage cap is reached (not a rate limit)",
        "X answered 429 'usage-capped' with period 'Monthly': the Project used up its monthly "
        "post cap. Waiting 15 minutes will not help; it resets on the cap reset day.",
        (
            "Open console.x.com > Projects & Apps > your Project and look at its usage and cap "
            "reset day (`xkeys doctor` shows project_usage / project_cap).",
            "Wait for the reset day, or move to a package with a higher cap.",
            "Reduce reads of posts (search, timelines) - they count against the cap.",
        ),
        (),
        (FACTS_PROBES, FACTS_ERRORS, DOCS_ERRORS),
    ),
    _d(
        "rate-limited",
        "Rate limit reached (429)",
        "Too many requests in the current window (most windows are 15 minutes; some posting "
        "limits are per 24 hours). The credentials work; X asks you to wait until the time in "
        "'x-rate-limit-reset'.",
        (
            "Wait until the reset time (the epoch seconds in the x-rate-limit-reset header).",
            "Read x-rate-limit-remaining on every answer and slow down before it reaches 0; "
            "back off exponentially on 429.",
            "Cache answers, and make sure no other process or copy of your bot shares these keys.",
        ),
        (),
        (FACTS_PROBES, FACTS_ERRORS, DOCS_RATE_LIMITS),
    ),
    _d(
        "clock-skew",
        "Your computer's clock is wrong (code 135)",
        "OAuth 1.0a signatures carry a timestamp; X rejects requests whose time is more than a "
        "few minutes away from its own ('Timestamp out of bounds'). The keys are fine.",
        (
            "Turn on automatic time sync (NTP): Windows Settings > Time & language > Set time "
            "automatically; macOS System Settings > General > Date & Time; Linux `timedatectl "
            "set-ntp true`.",
            "In containers and VMs, fix the host's clock.",
            "Retry; `xkeys doctor` compares your clock with X's 'date' header.",
        ),
        (),
        (FACTS_PROBES, FACTS_ERRORS, DOCS_OAUTH1_AUTHORIZE),
    ),
    _d(
        "unsupported-authentication",
        "This endpoint does not accept this kind of authentication",
        "The credentials are valid, but the endpoint does not take this authentication type. "
        "Usually the app-only Bearer Token was used on an endpoint that acts for a user (posting, "
        "deleting, DMs, /2/users/me), which accepts only OAuth 1.0a User Context or OAuth 2.0 User "
        "Context (code 220 on v1.1). Rarely the reverse: an app-only endpoint (such as usage) "
        "called with user credentials.",
        (
            f"For user endpoints use user credentials: the API Key and Secret plus the Access Token "
            f"and Secret ({ACCESS}), or an OAuth 2.0 user token from `xkeys login pkce`.",
            "In your library, build the client with those four values instead of the bearer "
            "(e.g. tweepy.Client(consumer_key=..., consumer_secret=..., access_token=..., "
            "access_token_secret=...)).",
            f"For app-only endpoints (the error lists only 'OAuth 2.0 Application-Only'), send the "
            f"Bearer Token from {BEARER}.",
        ),
        (),
        (FACTS_ERRORS, DOCS_APP_ONLY, DOCS_ERRORS),
    ),
    _d(
        "bad-auth-header",
        "The Authorization header is missing or malformed (code 215)",
        "X received no usable credentials: the Authorization header is absent, empty or garbled. "
        "Typical causes: environment variables not loaded (an empty string was sent), a variable "
        "name typo, or hand-built header code.",
        (
            "Print which variables your program loads (names only, never values) and check none "
            "is empty; `xkeys doctor` lists where each value came from.",
            "Load the .env file before building the client (e.g. python-dotenv's load_dotenv()).",
            "Let the library build the header instead of writing it yourself.",
        ),
        (),
        (FACTS_ERRORS, FACTS_HYGIENE, DOCS_OAUTH1_AUTHORIZE),
    ),
    _d(
        "callback-not-approved",
        "The callback URL is not registered for this App (code 415)",
        "During the OAuth 1.0a flow the request token asked for a callback URL that is not in "
        "the App's list ('Callback URL not approved for this client application'). X only "
        "redirects to registered URLs, compared exactly.",
        (
            f"Open {AUTH_SETTINGS} > Callback URI / Redirect URL.",
            "Add the exact URL your program sends (scheme, host, port, path; no trailing slash "
            "unless your program sends one) > Save.",
            "For a command-line tool, use the PIN flow instead: send oauth_callback=oob (`xkeys login pin`).",
        ),
        (),
        (FACTS_PIN, FACTS_PORTAL, DOCS_PIN),
    ),
    _d(
        "oob-required",
        "This App only supports the PIN (oob) callback (code 417)",
        "X answered 'Desktop applications only support the oauth_callback value 'oob'': the "
        "request sent a callback URL, but the App is set up so that only the PIN flow works.",
        (
            "Send oauth_callback=oob when requesting the token and let the user type the PIN "
            "(`xkeys login pin` does this).",
            f"Or, to use a redirect, open {AUTH_SETTINGS}: set Type of App to 'Web App, Automated "
            "App or Bot', add your exact Callback URI > Save.",
        ),
        (),
        (FACTS_PIN, FACTS_PORTAL, DOCS_PIN),
    ),
    _d(
        "invalid-pin",
        "The PIN (oauth_verifier) was wrong, used or expired",
        "X refused to exchange the request token: 'Invalid oauth_verifier parameter' means the "
        "PIN was mistyped, already used, or the request token it belongs to expired or went "
        "missing ('Request token missing').",
        (
            "Start the PIN flow again from the beginning: a PIN works once, for the request token "
            "it was shown for (`xkeys login pin`).",
            "Open the new authorize link, approve, and type the 7-digit PIN promptly, without spaces.",
        ),
        (),
        (FACTS_PIN, FACTS_ERRORS, DOCS_PIN),
    ),
    _d(
        "redirect-uri-mismatch",
        "The redirect URI does not match the App's registered one",
        "OAuth 2.0 requires the redirect_uri to match a registered Callback URI exactly. When it "
        "does not, the consent page shows 'Something went wrong - You weren't able to give access "
        "to the App', or the token step answers invalid_request 'Value passed for the redirect "
        "uri did not match'. Likely causes: a trailing slash, http vs https, localhost vs "
        "127.0.0.1, a different port or path, a different redirect_uri in the token step than in "
        "the authorize step, OAuth 2.0 not set up for the App, or a wrong Client ID.",
        (
            f"Open {AUTH_SETTINGS} > Callback URI / Redirect URL.",
            "Add the exact URI your program sends - scheme, host, port, path and trailing slash "
            "must be identical (up to 10 can be registered) > Save.",
            "Use the same redirect_uri in the authorize URL and in the token request.",
            f"Check the Client ID is the one shown under {OAUTH2_KEYS}.",
            "On a headless machine use `xkeys login pkce --no-browser` and paste the redirected URL back.",
        ),
        (),
        (FACTS_PKCE, FACTS_PORTAL, DOCS_PKCE_HOWTO),
    ),
    _d(
        "authorization-code-invalid",
        "The authorization code was invalid, expired or already used",
        "The token request answered invalid_request 'Value passed for the authorization code was "
        "invalid.': an authorization code is valid for only 30 seconds and only once, and must "
        "be exchanged with the same code_verifier (PKCE) that made its challenge.",
        (
            "Run the authorization again and exchange the new code immediately "
            "(`xkeys login pkce` does it automatically).",
            "Send the code_verifier that belongs to this code's code_challenge, and exchange each "
            "code only once (no retries of a successful request).",
        ),
        (),
        (FACTS_PKCE, DOCS_PKCE, DOCS_PKCE_HOWTO),
    ),
    _d(
        "refresh-token-invalid",
        "The refresh token was invalid or already used",
        "The refresh answered invalid_request 'Value passed for the token was invalid.': X "
        "rotates refresh tokens, so each one works once; an older copy, a token revoked by the "
        "user, or one issued before the Client Secret was rotated no longer works.",
        (
            "Always store the new refresh_token from every refresh answer, replacing the old one.",
            "If no valid refresh token is left, connect the account again (`xkeys login pkce` with "
            "the offline.access scope).",
            "Make sure only one process refreshes a given token.",
        ),
        OAUTH2_USER,
        (FACTS_KINDS, FACTS_PKCE, DOCS_PKCE),
    ),
    _d(
        "invalid-client",
        "X does not know this OAuth 2.0 Client ID (invalid_client)",
        "The token endpoint answered invalid_client: the client id sent is not an OAuth 2.0 "
        "Client ID of an App - often the API Key (consumer key) or Bearer Token pasted as the "
        "Client ID, or OAuth 2.0 not set up for the App.",
        (
            f"Open {AUTH_SETTINGS}; if OAuth 2.0 is not set up, set it up (Type of App, Callback "
            "URI, Website URL) > Save.",
            f"Copy the Client ID from {OAUTH2_KEYS} (it is 34 characters and differs from the API Key).",
            "Run `xkeys doctor`: the oauth2-client probe checks the pair without a user.",
        ),
        (),
        (FACTS_PROBES, FACTS_PKCE, DOCS_PKCE_HOWTO),
    ),
    _d(
        "client-secret-rejected",
        "X rejected the OAuth 2.0 Client Secret",
        "The token endpoint answered unauthorized_client 'Missing valid authorization header': "
        "the Basic credentials were not accepted - the Client Secret is wrong or from before a "
        "rotation, the API Key Secret was used instead, or a secret was sent for a public "
        "(Native App) client that has none.",
        (
            f"Open {OAUTH2_KEYS} > Regenerate and copy the new Client Secret (shown once).",
            "Rotating the Client Secret invalidates every token issued to the App: connect the "
            "accounts again afterwards.",
            "If the App type is 'Native App' (public client), send no secret at all.",
        ),
        (Kind.CLIENT_SECRET, Kind.OAUTH2_ACCESS_TOKEN, Kind.OAUTH2_REFRESH_TOKEN),
        (FACTS_PROBES, FACTS_PKCE, DOCS_PKCE_HOWTO),
    ),
    _d(
        "missing-scopes",
        "The OAuth 2.0 token lacks a scope this call needs",
        "The consent succeeded but the token was granted without a scope the endpoint needs, so "
        "calls answer 403. Most reads need tweet.read users.read, posting needs tweet.write, "
        "media upload needs media.write, DMs need dm.read/dm.write, and staying connected past "
        "2 hours needs offline.access.",
        (
            "Add the missing scopes to the scope parameter of your authorize URL.",
            f"Check the App allows them: {AUTH_SETTINGS} > App permissions (Read and write, or "
            "with Direct message, for write/DM scopes) > Save.",
            "Connect the account again to get a token with the new scopes (`xkeys login pkce --scopes ...`).",
        ),
        OAUTH2_USER,
        (FACTS_PKCE, DOCS_PKCE),
    ),
    _d(
        "oauth2-token-expired",
        "The OAuth 2.0 user token has expired or was revoked",
        "OAuth 2.0 user access tokens live 2 hours (7200 s). After that - or after the user "
        "revoked the App or the Client Secret was rotated - calls answer 401.",
        (
            "Refresh it with the refresh token (`xkeys token refresh`); store the new refresh token each time.",
            "If there is no refresh token, request the offline.access scope and connect again (`xkeys login pkce`).",
        ),
        (Kind.OAUTH2_ACCESS_TOKEN,),
        (FACTS_KINDS, FACTS_PROBES, FACTS_PKCE, DOCS_PKCE),
    ),
    _d(
        "app-suspended",
        "The App is suspended or invalid (code 416)",
        "X answered 'Invalid / suspended application': the App was suspended (for example for a "
        "policy violation) or deleted, so none of its keys work.",
        (
            "Open console.x.com > Projects & Apps and look for a suspension notice on the App.",
            "Follow the notice to appeal, or create a new App in a Project and use its keys.",
        ),
        OAUTH1_ALL + (Kind.BEARER_TOKEN,),
        (FACTS_ERRORS, DOCS_AUTH_FAQ, DOCS_ERRORS_V1),
    ),
    _d(
        "account-locked",
        "The X account is locked or suspended (code 326 / 64)",
        "The user account behind the token is temporarily locked ('this account is temporarily "
        "locked', code 326) or suspended (code 64). The keys are fine; the account must be "
        "restored first.",
        (
            "Sign in at x.com with that account and complete the unlock steps it shows.",
            "For a suspension, follow the appeal link X shows; the tokens work again once the account is restored.",
        ),
        (),
        (FACTS_ERRORS, DOCS_ERRORS_V1),
    ),
    _d(
        "duplicate-content",
        "X refused the post content (duplicate or too long)",
        "The credentials work; the content was refused: the same text was posted recently "
        "(code 187, 'duplicate content') or it is too long (code 186).",
        (
            "Change the text (add something unique) or shorten it, then post again.",
            "No key needs regenerating.",
        ),
        (),
        (FACTS_ERRORS, DOCS_ERRORS_V1),
    ),
    _d(
        "x-server-error",
        "X had a server-side problem (5xx / over capacity)",
        "The error came from X's side: 500/502/503/504, code 130 'Over capacity' or 131 "
        "'Internal error', or an HTML error page where JSON was expected. Your credentials are "
        "not the cause.",
        (
            "Retry after a short wait with exponential backoff (for example 1 s, 2 s, 4 s).",
            "If it persists, check X's API status page and keep the x-transaction-id header for a support request.",
        ),
        (),
        (FACTS_ERRORS, DOCS_ERRORS),
    ),
    _d(
        "network-unreachable",
        "X could not be reached from this machine",
        "The request never got an answer from X: the name did not resolve (DNS), the connection "
        "was refused or reset, it timed out, or the TLS certificate check failed (often a "
        "corporate proxy). Nothing is known about the credentials yet.",
        (
            "Check this machine can reach https://api.x.com (e.g. `curl -I https://api.x.com`).",
            "Check DNS, proxy (HTTPS_PROXY) and firewall settings, then retry.",
            "Run `xkeys doctor --timeout 30` once the network works.",
        ),
        (),
        (FACTS_PROBES, DOCS_ERRORS),
        {
            "dns": Variant(
                "The host name (api.x.com) did not resolve: no DNS, no internet, or a typo in the API base URL.",
                (
                    "Check the machine is online and that the base URL is https://api.x.com "
                    "(or https://api.twitter.com).",
                    "Try `nslookup api.x.com`; if it fails, fix DNS (e.g. set a working DNS "
                    "server) or the network connection.",
                    "Behind a proxy, set HTTPS_PROXY so requests go through it.",
                ),
            ),
            "refused": Variant(
                "The connection was refused or reset: nothing listens at that address, or a firewall/proxy blocks it.",
                (
                    "Check the API base URL (XKEYS_API_BASE / --api-base) points to https://api.x.com "
                    "or to a running sandbox.",
                    "Check firewall and proxy rules allow outgoing HTTPS (port 443).",
                    "Retry: a reset during an X incident usually passes after a short wait.",
                ),
            ),
            "timeout": Variant(
                "The connection or the answer took too long.",
                (
                    "Retry with a longer timeout (`xkeys doctor --timeout 30`).",
                    "Check for a slow or blocking proxy/VPN; try another network.",
                ),
            ),
            "tls": Variant(
                "The TLS certificate could not be verified - usually a corporate proxy or "
                "antivirus intercepting HTTPS, or an outdated CA bundle.",
                (
                    "Update the CA certificates (`pip install -U certifi`; on Debian/Ubuntu "
                    "`apt-get install ca-certificates`).",
                    "Behind an intercepting proxy, point SSL_CERT_FILE / REQUESTS_CA_BUNDLE at "
                    "its root certificate - never turn verification off.",
                    "Check the system clock: a wrong date also breaks certificate checks.",
                ),
            ),
            "proxy": Variant(
                "The proxy refused or failed the connection.",
                (
                    "Check HTTPS_PROXY / HTTP_PROXY and the proxy credentials.",
                    "Add api.x.com to the proxy's allow list, or try without the proxy.",
                ),
            ),
        },
    ),
    _d(
        "unknown",
        "Not recognised",
        "xkeys could not match this text to a known X API failure. It may be an error from "
        "another service, or a new kind of X error.",
        (
            "Paste the full response: status line, headers and body (secrets are never echoed).",
            "Run `xkeys doctor` to test every credential live.",
            "Compare with X's list of response codes and errors.",
        ),
        (),
        (FACTS_ERRORS, DOCS_ERRORS, DOCS_ERRORS_V1),
    ),
)

#: id -> entry, in DESIGN.md order
CATALOG: Mapping[str, Diagnosis] = MappingProxyType({d.id: d for d in _ENTRIES})
IDS: tuple[str, ...] = tuple(CATALOG)


def get(id: str) -> Diagnosis:
    """The catalog entry of a diagnosis id; KeyError names the unknown id."""
    try:
        return CATALOG[id]
    except KeyError:
        raise KeyError(f"no diagnosis with id {id!r}") from None


# --- what X returns -> diagnosis id (FACTS.md section 3) -----------------------------------
#: v1.1 `errors[].code` (also printed by SDKs as "(Twitter code N)", "N - message", ...)
X_ERROR_CODES: Mapping[int, str] = MappingProxyType(
    {
        32: "signature-rejected",  # Could not authenticate you
        89: "invalid-or-expired-token",  # Invalid or expired token
        99: "bad-consumer-credentials",  # authenticity_token_error, app-only /oauth2/token
        135: "clock-skew",  # Timestamp out of bounds
        215: "bad-auth-header",  # Bad Authentication data
        220: "unsupported-authentication",  # credentials do not allow access to this resource
        261: "write-permission-missing",  # application cannot perform write actions
        93: "dm-permission-missing",  # app not allowed to access direct messages
        326: "account-locked",  # account temporarily locked
        64: "account-locked",  # account suspended
        416: "app-suspended",  # Invalid / suspended application
        415: "callback-not-approved",  # Callback URL not approved
        417: "oob-required",  # Desktop applications only support 'oob'
        88: "rate-limited",  # Rate limit exceeded
        185: "rate-limited",  # over daily status update limit
        453: "endpoint-not-in-plan",  # subset of X API V2 endpoints
        186: "duplicate-content",  # too long
        187: "duplicate-content",  # duplicate status
        130: "x-server-error",  # Over capacity
        131: "x-server-error",  # Internal error (NOT when next to an OAuth 2.0 error word)
    }
)

#: v2 problem JSON: the last path segment of `type` (FACTS.md section 3)
PROBLEM_TYPES: Mapping[str, str] = MappingProxyType(
    {
        "client-forbidden": "client-not-enrolled",  # reason client-not-enrolled
        "oauth1-permissions": "write-permission-missing",
        "unsupported-authentication": "unsupported-authentication",
        "usage-capped": "usage-capped",
        "credits": "credits-depleted",
    }
)

#: OAuth 2.0 token endpoint `error` words (FACTS.md section 2); the description decides
#: between the invalid_request cases, these are the fallbacks
OAUTH2_ERRORS: Mapping[str, str] = MappingProxyType(
    {
        "invalid_request": "authorization-code-invalid",
        "invalid_grant": "authorization-code-invalid",
        "invalid_client": "invalid-client",
        "unauthorized_client": "client-secret-rejected",
        "invalid_scope": "missing-scopes",
        "insufficient_scope": "missing-scopes",
        "invalid_token": "oauth2-token-expired",
    }
)


def related_codes(id: str) -> tuple[int | str, ...]:
    """Every X error code, problem type and OAuth 2.0 error word tied to a diagnosis."""
    get(id)
    out: list[int | str] = [c for c, d in X_ERROR_CODES.items() if d == id]
    out += [t for t, d in PROBLEM_TYPES.items() if d == id]
    out += [w for w, d in OAUTH2_ERRORS.items() if d == id]
    return tuple(out)


#: diagnosis id -> codes/types/words, the same data seen from the other side
RELATED_CODES: Mapping[str, tuple[int | str, ...]] = MappingProxyType({i: related_codes(i) for i in IDS})
