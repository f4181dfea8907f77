"""The X developer portal (console.x.com), as data: what to click, choose, enter and check.

Everything here is knowledge about X, so it lives in core and the TUI only renders it.
Sources: shared/FACTS.md section 4 (portal steps, in order), section 2 (OAuth 2.0 scopes,
callback rules) and section 1 (portal labels); the integrator presets follow their public
guides (shared/seeds: SocialAPI's OAuth 2.0 BYOK guide, Carapace's OAuth 1.0a guide).

The answer to "what are the keys for?" (an `AuthPath`, an integrator `Preset` and a level of
access) becomes a `Plan`: the steps, the credential fields to collect, the app permission, the
scopes and the `need` that `xkeys doctor --need` checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from xkeys.core.kinds import Kind

#: FACTS.md §4 step 1: the developer console. developer.x.com / developer.twitter.com redirect
#: here. console.x.ai is xAI's Grok API - a different product whose keys never work on X.
CONSOLE_URL = "https://console.x.com"
WRONG_CONSOLE = "console.x.ai"

#: The loopback redirect xkeys' own PKCE login listens on (FACTS.md §4 step 4 lists
#: `http://127.0.0.1:<port>/callback` as a valid form). Registered exactly, no trailing slash.
LOOPBACK_CALLBACK = "http://127.0.0.1:8976/callback"

#: The callback an app that never uses a web redirect still has to register (FACTS.md §4 step 4;
#: Carapace's guide: "not used ... but required").
PLACEHOLDER_CALLBACK = "https://localhost"


class AuthPath(str, Enum):
    """What the keys are for (the first question of onboarding)."""

    #: posting/reading as my own account from a script or bot: OAuth 1.0a user tokens + bearer
    USER_TOKENS = "oauth1"
    #: connecting a service that asks for a Client ID and Client Secret: OAuth 2.0
    OAUTH2 = "oauth2"
    #: both of the above
    BOTH = "both"

    def __str__(self) -> str:
        return self.value


AUTH_PATH_TEXT: dict[AuthPath, tuple[str, str]] = {
    AuthPath.USER_TOKENS: (
        "Post or read as my own account from a script or bot",
        "OAuth 1.0a: API Key + Secret, Bearer Token, Access Token + Secret. Tokens never expire.",
    ),
    AuthPath.OAUTH2: (
        "Connect a service that asks for a Client ID and Client Secret",
        "OAuth 2.0: the service runs the sign-in and keeps the user tokens.",
    ),
    AuthPath.BOTH: (
        "Both: my own scripts and a service",
        "All seven values: the OAuth 1.0a set and the OAuth 2.0 client pair.",
    ),
}


class Permission(str, Enum):
    """App permissions in "User authentication settings" (FACTS.md §4 step 4)."""

    READ = "read"
    READ_WRITE = "read-write"
    READ_WRITE_DM = "read-write-dm"

    def __str__(self) -> str:
        return self.value


#: the portal's exact labels for each permission (FACTS.md §4 step 4)
PERMISSION_LABEL: dict[Permission, str] = {
    Permission.READ: "Read",
    Permission.READ_WRITE: "Read and write",
    Permission.READ_WRITE_DM: "Read and write and Direct message",
}

#: the permission -> what `xkeys doctor --need` checks (read | write | dm)
PERMISSION_NEED: dict[Permission, str] = {
    Permission.READ: "read",
    Permission.READ_WRITE: "write",
    Permission.READ_WRITE_DM: "dm",
}
NEED_PERMISSION: dict[str, Permission] = {v: k for k, v in PERMISSION_NEED.items()}

#: Type of App (FACTS.md §4 step 4): confidential apps get a Client Secret, Native App does not.
APP_TYPE_CONFIDENTIAL = "Web App, Automated App or Bot"
APP_TYPE_PUBLIC = "Native App"

#: every OAuth 2.0 scope X defines (FACTS.md §2 "Scopes")
ALL_SCOPES: tuple[str, ...] = (
    "tweet.read",
    "tweet.write",
    "tweet.moderate.write",
    "users.read",
    "users.email",
    "follows.read",
    "follows.write",
    "offline.access",
    "space.read",
    "mute.read",
    "mute.write",
    "like.read",
    "like.write",
    "list.read",
    "list.write",
    "block.read",
    "block.write",
    "bookmark.read",
    "bookmark.write",
    "dm.read",
    "dm.write",
    "media.write",
    "timeline.read",
)


def scopes_for(permission: Permission, *, offline: bool = True) -> tuple[str, ...]:
    """The scopes a custom OAuth 2.0 app needs for a permission level (FACTS.md §2):
    reads need `tweet.read users.read`, posting adds `tweet.write`, DMs add `dm.read dm.write`,
    staying connected past 2 hours needs `offline.access`."""
    scopes = ["tweet.read", "users.read"]
    if permission in (Permission.READ_WRITE, Permission.READ_WRITE_DM):
        scopes.append("tweet.write")
    if permission is Permission.READ_WRITE_DM:
        scopes += ["dm.read", "dm.write"]
    if offline:
        scopes.append("offline.access")
    return tuple(scopes)


#: the credential fields each path collects, in the order the portal shows them (FACTS.md §4 step 5)
PATH_FIELDS: dict[AuthPath, tuple[Kind, ...]] = {
    AuthPath.USER_TOKENS: (
        Kind.CONSUMER_KEY,
        Kind.CONSUMER_SECRET,
        Kind.BEARER_TOKEN,
        Kind.ACCESS_TOKEN,
        Kind.ACCESS_TOKEN_SECRET,
    ),
    AuthPath.OAUTH2: (Kind.CLIENT_ID, Kind.CLIENT_SECRET),
    AuthPath.BOTH: (
        Kind.CONSUMER_KEY,
        Kind.CONSUMER_SECRET,
        Kind.BEARER_TOKEN,
        Kind.ACCESS_TOKEN,
        Kind.ACCESS_TOKEN_SECRET,
        Kind.CLIENT_ID,
        Kind.CLIENT_SECRET,
    ),
}


@dataclass(frozen=True)
class Preset:
    """An integrator's requirements (or `custom`): decides path, permission, callback, scopes."""

    id: str
    name: str
    summary: str
    auth_path: AuthPath | None  # None: the user chooses (custom)
    permission: Permission | None  # None: derived from the user's answer
    callback_url: str | None  # None: derived from the path
    website_url: str
    scopes: tuple[str, ...] | None  # None: derived (scopes_for)
    app_type: str = APP_TYPE_CONFIDENTIAL
    #: fields the integrator asks for (None: the path's fields)
    fields: tuple[Kind, ...] | None = None
    #: fields it can work without (shown as optional)
    optional: tuple[Kind, ...] = ()
    #: where the values go once they work (shown on the finish screen)
    handoff: tuple[str, ...] = ()
    source: str = ""


PRESETS: dict[str, Preset] = {
    # SocialAPI's BYOK guide (shared/seeds/000_*): OAuth 2.0 only, its own callback, eight scopes.
    "socialapi": Preset(
        id="socialapi",
        name="SocialAPI",
        summary="OAuth 2.0 Client ID + Secret; callback api.social-api.ai; 8 scopes",
        auth_path=AuthPath.OAUTH2,
        permission=Permission.READ_WRITE_DM,
        callback_url="https://api.social-api.ai/oauth/callback/twitter",
        website_url="https://social-api.ai",
        scopes=(
            "tweet.read",
            "tweet.write",
            "tweet.moderate.write",
            "users.read",
            "dm.read",
            "dm.write",
            "like.write",
            "offline.access",
        ),
        fields=(Kind.CLIENT_ID, Kind.CLIENT_SECRET),
        handoff=(
            "In the SocialAPI dashboard open Settings > Twitter integration.",
            "Paste the Client ID and the Client Secret, click Test credentials, then Save.",
            "Click Connect on a Twitter platform card to sign the account in.",
        ),
        source="https://docs.social-api.ai (Twitter BYOK guide)",
    ),
    # Carapace's setup guide (shared/seeds/002_*): OAuth 1.0a user context + bearer.
    "carapace": Preset(
        id="carapace",
        name="Carapace",
        summary="OAuth 1.0a keys + bearer; callback https://localhost; Read and write",
        auth_path=AuthPath.USER_TOKENS,
        permission=Permission.READ_WRITE,
        callback_url=PLACEHOLDER_CALLBACK,
        website_url="https://example.com",
        scopes=None,
        fields=(
            Kind.CONSUMER_KEY,
            Kind.CONSUMER_SECRET,
            Kind.BEARER_TOKEN,
            Kind.ACCESS_TOKEN,
            Kind.ACCESS_TOKEN_SECRET,
        ),
        optional=(Kind.ACCESS_TOKEN, Kind.ACCESS_TOKEN_SECRET),
        handoff=(
            "In Carapace open Dashboard > Connections, find Twitter / X and click Connect.",
            "Fill API Key, API Secret, Bearer Token, Access Token and Access Token Secret.",
            "Click Save Credentials.",
        ),
        source="Carapace Twitter / X setup guide",
    ),
    "custom": Preset(
        id="custom",
        name="My own scripts / other",
        summary="Choose the path and the access you need",
        auth_path=None,
        permission=None,
        callback_url=None,
        website_url="https://example.com",
        scopes=None,
        handoff=(
            "Keep the values in an xkeys profile (or the exported .env) - never in code.",
            "Run `xkeys doctor` whenever something stops working.",
        ),
    ),
}


#: what to do after onboarding, per path, when no integrator takes over (custom preset):
#: OAuth 1.0a tokens from the portal never expire (FACTS.md §2 PIN flow); OAuth 2.0 user tokens
#: come from a PKCE sign-in and expire after 2 hours unless refreshed (FACTS.md §2).
PATH_NEXT_STEPS: dict[AuthPath, tuple[str, ...]] = {
    AuthPath.USER_TOKENS: (
        "Your script signs requests with all four OAuth 1.0a values; the bearer is for app-only reads.",
        "To act as another account, get its tokens with `xkeys login pin` (no callback server needed).",
    ),
    AuthPath.OAUTH2: (
        "Sign an account in with `xkeys login pkce` to get an OAuth 2.0 user token "
        "(the callback URL must match exactly).",
        "User tokens expire after 2 hours: keep offline.access and refresh with `xkeys token refresh`.",
    ),
    AuthPath.BOTH: (
        "OAuth 1.0a values sign your own scripts; `xkeys login pkce` gets OAuth 2.0 user tokens.",
        "OAuth 2.0 user tokens expire after 2 hours: refresh with `xkeys token refresh`.",
    ),
}


@dataclass(frozen=True)
class Choice:
    """A setting in a portal form and exactly what to pick."""

    setting: str
    choose: str
    why: str = ""


@dataclass(frozen=True)
class CopyValue:
    """A value the user types into the portal: shown with a copy action."""

    label: str
    value: str
    hint: str = ""


@dataclass(frozen=True)
class PortalStep:
    id: str
    title: str
    url: str  # where to go ("open in browser")
    where: str  # breadcrumb inside the console
    clicks: tuple[str, ...] = ()  # labels to click, in order
    choices: tuple[Choice, ...] = ()
    values: tuple[CopyValue, ...] = ()
    collect: tuple[Kind, ...] = ()  # credentials this step shows (copy them into xkeys)
    checklist: tuple[str, ...] = ()  # what the user ticks before moving on
    warnings: tuple[str, ...] = ()
    source: str = ""  # FACTS.md reference


@dataclass(frozen=True)
class Plan:
    """Everything onboarding needs once the first question is answered."""

    preset: Preset
    auth_path: AuthPath
    permission: Permission
    callback_url: str
    website_url: str
    app_type: str
    scopes: tuple[str, ...]  # empty for OAuth 1.0a only
    fields: tuple[Kind, ...]
    optional: tuple[Kind, ...]
    steps: tuple[PortalStep, ...] = field(default=())

    @property
    def next_steps(self) -> tuple[str, ...]:
        """After onboarding: the integrator's hand-off, else what the path needs next."""
        if self.preset.id != "custom":
            return self.preset.handoff
        return PATH_NEXT_STEPS[self.auth_path] + self.preset.handoff

    @property
    def need(self) -> str:
        """What `doctor --need` should check for this plan: read | write | dm."""
        return PERMISSION_NEED[self.permission]

    @property
    def permission_label(self) -> str:
        return PERMISSION_LABEL[self.permission]

    @property
    def required(self) -> tuple[Kind, ...]:
        return tuple(k for k in self.fields if k not in self.optional)

    @property
    def uses_oauth1(self) -> bool:
        return self.auth_path in (AuthPath.USER_TOKENS, AuthPath.BOTH)

    @property
    def uses_oauth2(self) -> bool:
        return self.auth_path in (AuthPath.OAUTH2, AuthPath.BOTH)


def _steps(plan: Plan) -> tuple[PortalStep, ...]:
    perm = plan.permission_label
    steps: list[PortalStep] = [
        # FACTS.md §4 step 1
        PortalStep(
            id="sign-in",
            title="Sign in to the X developer console",
            url=CONSOLE_URL,
            where="console.x.com",
            clicks=("Sign in", "Log in with your X account"),
            checklist=(
                "The address bar shows console.x.com",
                "I am signed in with the X account the app should belong to",
            ),
            warnings=(
                "console.x.ai is xAI's Grok API, not the X API: keys from there start with 'xai-' and never work here.",
                "developer.x.com and developer.twitter.com redirect to console.x.com - that is expected.",
            ),
            source="FACTS.md §4 step 1",
        ),
        # FACTS.md §4 step 2
        PortalStep(
            id="project-app",
            title="Create a Project, then an App inside it",
            url=CONSOLE_URL,
            where="console.x.com > Projects & Apps",
            clicks=(
                "Projects & Apps",
                "Create Project",
                "(inside the new Project) Add App",
                "Click the App in the Apps sidebar to open its detail panel",
            ),
            choices=(
                Choice("Project", "any name, e.g. the bot's or brand's name"),
                Choice(
                    "App",
                    "created INSIDE the Project",
                    "an App outside a Project is refused by every v2 endpoint (client-not-enrolled)",
                ),
            ),
            checklist=(
                "The Project exists",
                "The App is listed inside that Project",
                "The App's detail panel is open",
            ),
            source="FACTS.md §4 step 2",
        ),
        # FACTS.md §4 step 3
        PortalStep(
            id="billing",
            title="Check the package and the credit balance",
            url=CONSOLE_URL,
            where="console.x.com > Billing",
            clicks=("Billing", "Add credits (if the balance is $0)"),
            choices=(
                Choice("Package", "Pay-per-use (or your paid plan)"),
                Choice("Credit balance", "more than $0", "with a $0 balance every call answers 402 - not a wrong tier"),
            ),
            checklist=(
                "The Project is on a package (pay-per-use or a plan)",
                "The credit balance is above $0",
            ),
            source="FACTS.md §4 step 3",
        ),
    ]
    # FACTS.md §4 step 4
    choices = [
        Choice(
            "App permissions", perm, "tokens keep the permission they were created with" if plan.uses_oauth1 else ""
        ),
        Choice(
            "Type of App",
            plan.app_type,
            "confidential: you get a Client Secret" if plan.app_type == APP_TYPE_CONFIDENTIAL else "",
        ),
        Choice("Callback URI / Redirect URL", plan.callback_url, "exact match, no trailing slash"),
        Choice("Website URL", plan.website_url),
    ]
    values = [
        CopyValue("Callback URI / Redirect URL", plan.callback_url, "paste exactly, no trailing slash"),
        CopyValue("Website URL", plan.website_url, "any valid URL you control"),
    ]
    checklist = [
        f"App permissions: {perm}",
        f"Type of App: {plan.app_type}",
        "Callback URI pasted exactly",
        "Website URL filled",
    ]
    if plan.scopes:
        choices.append(
            Choice(
                "Scopes (if the form shows them)",
                " ".join(plan.scopes),
                "a missing scope makes sign-in succeed and later calls fail with 403",
            )
        )
        values.append(CopyValue("Scopes", " ".join(plan.scopes), f"{len(plan.scopes)} scopes"))
        checklist.append(f"All {len(plan.scopes)} scopes enabled")
    if plan.uses_oauth1:
        choices.append(Choice("OAuth 1.0a", "on", "OAuth 1.0a and OAuth 2.0 are separate toggles"))
        checklist.append("OAuth 1.0a is switched on")
    checklist.append("Clicked Save")
    steps.append(
        PortalStep(
            id="user-auth",
            title="Set up User authentication settings",
            url=CONSOLE_URL,
            where="console.x.com > your App > Settings > User authentication settings",
            clicks=("your App", "User authentication settings", "Set up", "Save"),
            choices=tuple(choices),
            values=tuple(values),
            checklist=tuple(checklist),
            source="FACTS.md §4 step 4",
        )
    )
    # FACTS.md §4 steps 5 and 6
    if plan.uses_oauth1:
        steps.append(
            PortalStep(
                id="keys-oauth1",
                title="Copy the Consumer Keys, Bearer Token and Access Token",
                url=CONSOLE_URL,
                where="console.x.com > your App > Keys and tokens",
                clicks=(
                    "Keys and tokens",
                    "Consumer Keys: Regenerate (or Reveal) API Key and Secret",
                    "Bearer Token: Generate",
                    "Access Token and Secret: Generate",
                ),
                collect=(
                    Kind.CONSUMER_KEY,
                    Kind.CONSUMER_SECRET,
                    Kind.BEARER_TOKEN,
                    Kind.ACCESS_TOKEN,
                    Kind.ACCESS_TOKEN_SECRET,
                ),
                checklist=(
                    "API Key and API Key Secret copied from the same generation",
                    "Bearer Token copied (starts with AAAA)",
                    f'Access Token says "Created with {perm} permissions"'
                    if plan.permission is not Permission.READ
                    else "Access Token and Secret copied",
                ),
                warnings=(
                    "Secrets are shown once: copy them straight into the next screen.",
                    "Changed the App permissions after generating the Access Token? Regenerate it: "
                    "tokens keep the permission they were created with.",
                    "Regenerating the API Key invalidates the old Bearer Token and Access Tokens.",
                ),
                source="FACTS.md §4 steps 5-6",
            )
        )
    if plan.uses_oauth2:
        steps.append(
            PortalStep(
                id="keys-oauth2",
                title="Copy the OAuth 2.0 Client ID and Client Secret",
                url=CONSOLE_URL,
                where="console.x.com > your App > Keys and tokens > OAuth 2.0 Client ID and Client Secret",
                clicks=(
                    "Keys and tokens",
                    "OAuth 2.0 Client ID and Client Secret",
                    "Regenerate (if the secret is lost)",
                ),
                collect=(Kind.CLIENT_ID, Kind.CLIENT_SECRET),
                checklist=(
                    "Client ID copied (not the API Key, not the Bearer Token)",
                    "Client Secret copied",
                ),
                warnings=(
                    "The section appears only after User authentication settings are saved.",
                    "The Client Secret is shown once; regenerating it signs out every connected account.",
                ),
                source="FACTS.md §4 step 5; §2 (client secret rotation)",
            )
        )
    return tuple(steps)


def make_plan(
    preset: str | Preset = "custom", auth_path: AuthPath | str | None = None, permission: Permission | str | None = None
) -> Plan:
    """Answer -> plan. A preset's own requirements win over the arguments; for `custom`,
    `auth_path` defaults to OAuth 1.0a user tokens and `permission` to Read and write."""
    p = PRESETS[preset] if isinstance(preset, str) else preset
    path = p.auth_path or AuthPath(auth_path or AuthPath.USER_TOKENS)
    perm = p.permission or Permission(permission or Permission.READ_WRITE)
    uses_oauth2 = path in (AuthPath.OAUTH2, AuthPath.BOTH)
    callback = p.callback_url or (LOOPBACK_CALLBACK if uses_oauth2 else PLACEHOLDER_CALLBACK)
    if p.scopes is not None:
        scopes = p.scopes
    else:
        scopes = scopes_for(perm) if uses_oauth2 else ()
    fields = p.fields or PATH_FIELDS[path]
    plan = Plan(
        preset=p,
        auth_path=path,
        permission=perm,
        callback_url=callback,
        website_url=p.website_url,
        app_type=p.app_type,
        scopes=tuple(scopes),
        fields=tuple(fields),
        optional=tuple(p.optional),
    )
    return Plan(**{**plan.__dict__, "steps": _steps(plan)})


# --- rotation: what regenerating each credential invalidates (FACTS.md §1, §2, §4 steps 5-6) ---


@dataclass(frozen=True)
class Rotation:
    id: str
    title: str
    regenerates: tuple[Kind, ...]
    invalidates: tuple[Kind, ...]
    impact: str
    clicks: tuple[str, ...]


ROTATIONS: dict[str, Rotation] = {
    "consumer": Rotation(
        "consumer",
        "API Key and Secret",
        (Kind.CONSUMER_KEY, Kind.CONSUMER_SECRET),
        (Kind.BEARER_TOKEN, Kind.ACCESS_TOKEN, Kind.ACCESS_TOKEN_SECRET),
        "The old pair stops working at once; the Bearer Token (derived from the pair) and every "
        "OAuth 1.0a Access Token issued to the app must be replaced too.",
        ("Keys and tokens", "Consumer Keys", "Regenerate"),
    ),
    "bearer": Rotation(
        "bearer",
        "Bearer Token",
        (Kind.BEARER_TOKEN,),
        (),
        "The old Bearer Token stops working; user tokens are not affected.",
        ("Keys and tokens", "Bearer Token", "Regenerate"),
    ),
    "access": Rotation(
        "access",
        "Access Token and Secret",
        (Kind.ACCESS_TOKEN, Kind.ACCESS_TOKEN_SECRET),
        (),
        "The old token pair stops working; the new one carries the App's current permission.",
        ("Keys and tokens", "Access Token and Secret", "Regenerate"),
    ),
    "client-secret": Rotation(
        "client-secret",
        "OAuth 2.0 Client Secret",
        (Kind.CLIENT_SECRET,),
        (Kind.OAUTH2_ACCESS_TOKEN, Kind.OAUTH2_REFRESH_TOKEN),
        "Every OAuth 2.0 token issued to the app is revoked: every connected account must sign in again.",
        ("Keys and tokens", "OAuth 2.0 Client ID and Client Secret", "Regenerate"),
    ),
}
