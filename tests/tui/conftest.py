"""Fixtures for the TUI tests: an in-process sandbox X API wired into the app's services."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from tui_helpers import Recorder, services  # noqa: E402

from xkeys.tui.services import Services  # noqa: E402

API = "https://api.x.com"


class Sandbox:
    """One in-process sandbox (fixed seed) and the Services that point the app at it."""

    def __init__(self, scenario: str = "healthy", seed: int = 0, **svc: Any) -> None:
        from xkeys.sandbox import create_app, demo_credentials

        self.scenario = scenario
        self.seed = seed
        self.asgi = create_app(scenario, seed)
        self.credentials: dict[str, str] = demo_credentials(seed, scenario)
        self.info = {"base_url": API, "scenario": scenario, "credentials": self.credentials}
        self.recorder = svc.pop("recorder", None) or Recorder()
        self.services: Services = services(http_client=self.client, api_base=API, recorder=self.recorder, **svc)

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=self.asgi), base_url=API, timeout=10.0)

    def env_text(self, kinds: list[str] | None = None) -> str:
        names = {
            "consumer_key": "X_API_KEY",
            "consumer_secret": "X_API_SECRET",
            "bearer_token": "X_BEARER_TOKEN",
            "access_token": "X_ACCESS_TOKEN",
            "access_token_secret": "X_ACCESS_TOKEN_SECRET",
            "client_id": "X_CLIENT_ID",
            "client_secret": "X_CLIENT_SECRET",
        }
        return (
            "\n".join(
                f"{names[k]}={v}" for k, v in self.credentials.items() if k in names and (kinds is None or k in kinds)
            )
            + "\n"
        )


@pytest.fixture
def make_sandbox() -> Callable[..., Sandbox]:
    return Sandbox


@pytest.fixture
def file_store(tmp_path: Path) -> Any:
    """A real profile store in a temporary directory (secrets in a 0600 file, no keyring)."""
    from xkeys.core.store import Store

    return Store(config_dir=str(tmp_path / "config"), secret_store="file")
