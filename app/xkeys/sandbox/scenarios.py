"""The situations real users hit, as data (shared/DESIGN.md "The sandbox", issue 4)."""

from __future__ import annotations

from dataclasses import dataclass

from xkeys.sandbox.creds import FULL_SCOPES


@dataclass(frozen=True)
class Scenario:
    name: str
    summary: str
    #: the app permission the user tokens were created under (FACTS.md section 2, `x-access-level`)
    access_level: str = "read-write-directmessages"
    suspended: bool = False  # every app endpoint: 401 code 416
    rotated: bool = False  # printed consumer/client secrets are stale; "current" has the new ones
    enrolled: bool = True  # False: v2 answers 403 client-not-enrolled
    credits: bool = True  # False: v2 answers 402 CreditsDepleted
    small_plan: bool = False  # True: some endpoints answer 403 code 453
    rate_limited: bool = False  # every counter starts spent
    usage_capped: bool = False  # monthly tweet cap reached (429 UsageCapExceeded)
    clock_offset: float = 0.0  # seconds the sandbox clock runs ahead
    oauth2_scopes: tuple[str, ...] = FULL_SCOPES  # scopes of the demo OAuth 2.0 user token
    flaky: bool = False  # seeded faults: hangs, 503 pages, 500s, resets, cut-off JSON


_LIST = (
    Scenario("healthy", "everything works"),
    Scenario("read-only", "user tokens were generated while the app was Read only", access_level="read"),
    Scenario("suspended-app", "the app is suspended: 401 code 416", suspended=True),
    Scenario(
        "rotated-secret", "consumer and client secrets were regenerated; the printed ones are stale", rotated=True
    ),
    Scenario("client-not-enrolled", "the app is not attached to a Project: v2 answers 403", enrolled=False),
    Scenario("credits-depleted", "pay-per-use balance is $0: v2 answers 402", credits=False),
    Scenario("endpoint-not-in-plan", "small plan: search, lookup, usage and v1.1 answer 403 code 453", small_plan=True),
    Scenario("rate-limited", "every rate-limit window starts spent: 429", rate_limited=True),
    Scenario("usage-capped", "the monthly tweet cap is reached: 429 UsageCapExceeded", usage_capped=True),
    Scenario("clock-skew", "the sandbox clock runs 1 h ahead: OAuth 1.0a answers 401 code 135", clock_offset=3600.0),
    Scenario(
        "missing-scopes",
        "the OAuth 2.0 user token lacks tweet.write",
        oauth2_scopes=tuple(s for s in FULL_SCOPES if s != "tweet.write"),
    ),
    Scenario("flaky", "seeded faults: hangs, 503 HTML pages, 500s, connection resets, cut-off JSON", flaky=True),
)

SCENARIO_MAP: dict[str, Scenario] = {s.name: s for s in _LIST}
SCENARIOS: tuple[str, ...] = tuple(SCENARIO_MAP)


def get_scenario(name: str) -> Scenario:
    try:
        return SCENARIO_MAP[name]
    except KeyError:
        raise ValueError(f"unknown scenario {name!r}; valid: {', '.join(SCENARIOS)}") from None
