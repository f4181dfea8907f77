"""Serving the sandbox with uvicorn: in a daemon thread (tests, `--demo`) or in the foreground.

The socket is bound here (port 0 -> a free port) so the base URL is known before serving;
uvicorn's access log is off (it would write to stdout), its `date`/`server` headers too (the
sandbox sends its own `date`, from its clock).
"""

from __future__ import annotations

import signal
import socket
import threading
import time
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

import uvicorn

from xkeys.sandbox.app import SandboxApp, create_app, line_info


def bind(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto IPPROTO_TCP matters: asyncio sets TCP_NODELAY on accepted connections only when the
    # listening socket says TCP, and without it every answer waits ~40 ms for a delayed ACK
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.setblocking(False)
    return sock


def base_url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


class _Server(uvicorn.Server):
    """uvicorn re-raises SIGTERM/SIGINT after a graceful shutdown (so the process dies of the
    signal); the sandbox's contract is exit 0, so a signal only asks it to stop."""

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self.should_exit and sig == signal.SIGINT:
            self.force_exit = True
        else:
            self.should_exit = True


def make_server(app: SandboxApp, *, log_level: str = "warning") -> uvicorn.Server:
    config = uvicorn.Config(
        app,
        log_level=log_level,
        access_log=False,
        date_header=False,
        server_header=False,
        lifespan="off",
        timeout_graceful_shutdown=2,
        http="h11",
        loop="asyncio",
    )
    return _Server(config)


@dataclass
class SandboxHandle:
    """A running sandbox: `base_url`, `info` (the JSON-line dict), `app`, `stop()`."""

    base_url: str
    info: dict[str, Any]
    app: SandboxApp
    server: uvicorn.Server
    thread: threading.Thread
    _sock: socket.socket = field(repr=False)

    def stop(self, timeout: float = 5.0) -> None:
        self.server.should_exit = True
        self.thread.join(timeout)
        try:
            self._sock.close()
        except OSError:
            pass

    def __enter__(self) -> SandboxHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_in_thread(
    scenario: str = "healthy",
    seed: int = 0,
    latency: float = 0.0,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    **app_kwargs: Any,
) -> SandboxHandle:
    """A real uvicorn server in a daemon thread; returns once it accepts connections."""
    app = create_app(scenario, seed, latency, **app_kwargs)
    sock = bind(host, port)
    server = make_server(app)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name=f"xkeys-sandbox-{scenario}", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            raise RuntimeError("the sandbox server did not start")
        time.sleep(0.005)
    base = base_url_of(sock)
    return SandboxHandle(base, line_info(app, base), app, server, thread, sock)
