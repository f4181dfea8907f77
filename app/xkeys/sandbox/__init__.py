"""The sandbox: a faithful local X API emulator (shared/DESIGN.md "The sandbox").

`create_app(...)` gives the Starlette app (serve it with uvicorn, or use it in-process through
`httpx.ASGITransport`); `demo_credentials(...)` the credentials block of the JSON line;
`SCENARIOS` the scenario names; `xkeys.sandbox.server.start_in_thread(...)` a real server.
"""

from __future__ import annotations

from typing import Any

from xkeys.sandbox.scenarios import SCENARIOS, get_scenario

__all__ = ["SCENARIOS", "create_app", "demo_credentials", "current_credentials"]


def create_app(scenario: str = "healthy", seed: int = 0, latency: float = 0.0, clock: Any = None, **kwargs: Any) -> Any:
    """The sandbox as a Starlette app (see `xkeys.sandbox.app.create_app`).

    Keyword extras: `redirect_uris` (the demo app's registered callback URLs), `public_client`
    (the OAuth 2.0 client has no secret), `hang_seconds` (flaky hangs; in-process a hang raises
    `httpx.ReadTimeout` after at most 1 s). Imported lazily: listing scenarios needs no Starlette.
    """
    from xkeys.sandbox.app import create_app as _create

    return _create(scenario, seed, latency, clock, **kwargs)


def demo_credentials(seed: int = 0, scenario: str = "healthy") -> dict[str, str]:
    """The credentials block of the JSON line: what a user of this scenario has pasted."""
    from xkeys.sandbox.state import SandboxState

    return SandboxState(get_scenario(scenario), seed).printed()


def current_credentials(seed: int = 0, scenario: str = "healthy") -> dict[str, str] | None:
    """rotated-secret: the regenerated values (the JSON line's "current"); None elsewhere."""
    from xkeys.sandbox.state import SandboxState

    sc = get_scenario(scenario)
    return SandboxState(sc, seed).current() if sc.rotated else None
