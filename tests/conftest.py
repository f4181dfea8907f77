"""Shared pytest fixtures: the sandbox X API, in-process and as a real server.

- `sandbox_client`: an `httpx.AsyncClient` wired to the healthy sandbox in-process
  (base_url https://api.x.com); `.sandbox_app` and `.sandbox_info` are attached.
- `make_sandbox_client(scenario=..., seed=..., clock=..., **create_app_kwargs)`: returns
  `(client, info)`; also usable as `async with make_sandbox_client(...) as (client, info)`.
- `sandbox_server`: a real uvicorn server on 127.0.0.1 (healthy); a handle with `base_url`,
  `info`, `app`, `stop()`.
- `make_sandbox_server(scenario=..., seed=..., latency=..., **create_app_kwargs)`: more of them.
All are closed or stopped at teardown.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest

from xkeys.sandbox.app import create_app, line_info
from xkeys.sandbox.server import SandboxHandle, start_in_thread

SANDBOX_BASE = "https://api.x.com"


class SandboxClient(tuple):  # type: ignore[type-arg]
    """`(client, info)`, and an async context manager that closes the client."""

    async def __aenter__(self) -> SandboxClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self[0].aclose()


def _in_process(
    scenario: str = "healthy", seed: int = 0, clock: Callable[[], float] | None = None, **kwargs: Any
) -> SandboxClient:
    app = create_app(scenario, seed, kwargs.pop("latency", 0.0), clock, **kwargs)
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=SANDBOX_BASE, timeout=httpx.Timeout(10.0)
    )
    info = line_info(app, SANDBOX_BASE)
    client.sandbox_app = app  # type: ignore[attr-defined]
    client.sandbox_info = info  # type: ignore[attr-defined]
    return SandboxClient((client, info))


@pytest.fixture
async def sandbox_client() -> AsyncIterator[httpx.AsyncClient]:
    async with _in_process() as (client, _info):
        yield client


@pytest.fixture
async def make_sandbox_client() -> AsyncIterator[Callable[..., SandboxClient]]:
    made: list[SandboxClient] = []

    def make(
        scenario: str = "healthy", seed: int = 0, clock: Callable[[], float] | None = None, **kwargs: Any
    ) -> SandboxClient:
        sc = _in_process(scenario, seed, clock, **kwargs)
        made.append(sc)
        return sc

    yield make
    for sc in made:
        await sc[0].aclose()


@pytest.fixture
def sandbox_server() -> Iterator[SandboxHandle]:
    handle = start_in_thread("healthy")
    try:
        yield handle
    finally:
        handle.stop()


@pytest.fixture
def make_sandbox_server() -> Iterator[Callable[..., SandboxHandle]]:
    started: list[SandboxHandle] = []

    def make(scenario: str = "healthy", seed: int = 0, latency: float = 0.0, **kwargs: Any) -> SandboxHandle:
        handle = start_in_thread(scenario, seed, latency, **kwargs)
        started.append(handle)
        return handle

    yield make
    for handle in started:
        handle.stop()


@pytest.fixture(autouse=True)
def _isolated_global_redactor() -> Iterator[None]:
    """Each test starts with the process-wide redactor as it found it: values one test loads
    (placeholders included) must not change what another test's output looks like."""
    from xkeys.core import redact

    g = redact.GLOBAL
    saved = (set(g._secrets), g._windows, g._runs)
    yield
    with g._lock:
        g._secrets, g._windows, g._runs = saved
