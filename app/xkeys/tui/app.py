"""The xkeys Textual app and `make_app`, the one factory used by the CLI, tests and screenshots."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Callable
from datetime import datetime
from typing import Any

from textual.app import App
from textual.binding import Binding
from textual.markup import escape
from textual.reactive import reactive

from xkeys.core import redact
from xkeys.tui.services import Services, default_store_factory

FLOWS: tuple[str, ...] = ("home", "onboard", "troubleshoot", "rotate", "support")

#: one line per flow: when to use it (home screen and command palette)
FLOW_TEXT: dict[str, tuple[str, str]] = {
    "onboard": ("Onboard", "New to the X API? Set up an app and get keys that work."),
    "troubleshoot": ("Troubleshoot", "Keys stopped working or an error appeared? Find out why and fix it."),
    "rotate": ("Rotate", "Replace leaked or old keys without breaking what uses them."),
    "support": ("Support", "On a screen-share or filing a ticket? Everything stays masked."),
}


def _commands_provider() -> type[Any]:
    """The palette's provider, imported on first use (textual.command is not needed to paint)."""
    from xkeys.tui.commands import XKeysCommands

    return XKeysCommands


class XKeysApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "xkeys"
    SUB_TITLE = "X API keys that work"
    COMMANDS = App.COMMANDS | {_commands_provider}
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("f2", "toggle_theme", "Theme"),
        Binding("f3", "toggle_safe", "Safe mode"),
    ]

    safe_mode: reactive[bool] = reactive(False)

    def __init__(
        self,
        *,
        flow: str = "home",
        services: Services | None = None,
        demo: bool = False,
        scenario: str | None = None,
        seed: int = 0,
        sandbox_info: dict[str, Any] | None = None,
        profile: str | None = None,
        safe_mode: bool = False,
        blink: bool = True,
        env_file: str | None = None,
        theme: str = "textual-dark",
    ) -> None:
        super().__init__()
        if flow not in FLOWS:
            raise ValueError(f"unknown flow {flow!r}")
        self.initial_flow = flow
        self.services = services or Services(store_factory=default_store_factory)
        self.demo = demo or sandbox_info is not None
        self.scenario = scenario or "healthy"
        self.seed = seed
        self.sandbox_info = sandbox_info
        self.sandbox_handle: Any | None = None
        self.sandbox_error: str | None = None
        self.demo_ready: asyncio.Event | None = None  # created on mount (needs the app's loop)
        self.profile_name = profile
        self.env_file = env_file
        self.blink = blink
        self._initial_safe = safe_mode or flow == "support"
        self.theme = theme
        #: the last doctor report of this session (any flow), for the home screen
        self.last_report: Any | None = None
        self.last_report_at: datetime | None = None

    # -- lifecycle ---------------------------------------------------------------------------
    def on_mount(self) -> None:
        self.demo_ready = asyncio.Event()
        self.safe_mode = self._initial_safe
        from xkeys.tui.screens.home import HomeScreen

        self.push_screen(HomeScreen())
        if self.demo:
            if self.sandbox_info is not None:
                self._demo_started(self.sandbox_info)
            else:
                # after the first paint: starting uvicorn (imports, a thread) competes with it
                self.call_after_refresh(self.start_sandbox)
        if self.initial_flow != "home":
            self.open_flow(self.initial_flow, initial=True)

    def start_sandbox(self) -> None:
        self.run_worker(self._start_sandbox_thread, thread=True, exclusive=True, group="sandbox", name="sandbox")

    def _start_sandbox_thread(self) -> None:
        try:
            from xkeys.sandbox.server import start_in_thread

            handle = start_in_thread(scenario=self.scenario, seed=self.seed)
        except Exception as exc:
            self.call_from_thread(self._demo_failed, f"{type(exc).__name__}: {redact.scrub(str(exc))[:200]}")
            return
        self.sandbox_handle = handle
        self.call_from_thread(self._demo_started, dict(handle.info), handle.base_url)

    def _demo_started(self, info: dict[str, Any], base_url: str | None = None) -> None:
        self.sandbox_info = info
        if base_url or info.get("base_url"):
            self.services.api_base = base_url or info.get("base_url")
        creds = info.get("credentials") or {}
        redact.remember(*(v for v in creds.values() if isinstance(v, str)))
        if self.profile_name is None:
            self.profile_name = "demo"
        assert self.demo_ready is not None
        self.demo_ready.set()
        self.refresh_home()

    def _demo_failed(self, message: str) -> None:
        self.sandbox_error = message
        assert self.demo_ready is not None
        self.demo_ready.set()
        self.notify(escape(f"The demo sandbox did not start: {message}"), severity="error", timeout=10)
        self.refresh_home()

    def on_unmount(self) -> None:
        handle = self.sandbox_handle
        if handle is not None:
            try:
                handle.stop()
            except Exception:
                pass

    async def wait_demo(self) -> dict[str, str] | None:
        """Demo credentials (kind id -> value) once the sandbox runs; None if it failed."""
        if not self.demo:
            return None
        assert self.demo_ready is not None
        await self.demo_ready.wait()
        if self.sandbox_info is None:
            return None
        return dict(self.sandbox_info.get("credentials") or {})

    # -- time --------------------------------------------------------------------------------
    def now(self) -> datetime:
        return self.services.now()

    @property
    def deterministic(self) -> bool:
        return self.services.clock is not None

    # -- navigation --------------------------------------------------------------------------
    def open_flow(self, flow: str, *, initial: bool = False) -> None:
        from xkeys.tui.screens.home import HomeScreen

        if not initial:
            while len(self.screen_stack) > 2:
                self.pop_screen()
        if flow == "home":
            if not isinstance(self.screen, HomeScreen):
                self.push_screen(HomeScreen())
            return
        self.push_screen(self.flow_screen(flow))

    def flow_screen(self, flow: str) -> Any:
        if flow == "onboard":
            from xkeys.tui.screens.onboard import PurposeScreen

            return PurposeScreen()
        if flow == "troubleshoot":
            from xkeys.tui.screens.troubleshoot import TroubleshootScreen

            return TroubleshootScreen(auto=self.demo)
        if flow == "rotate":
            screen_cls = _optional_screen("xkeys.tui.screens.rotate", "RotateScreen")
            if screen_cls is not None:
                return screen_cls()
            from xkeys.tui.screens.rotate_preview import RotationPreviewScreen

            return RotationPreviewScreen()
        if flow == "support":
            screen_cls = _optional_screen("xkeys.tui.screens.support", "SupportScreen")
            if screen_cls is not None:
                self.safe_mode = True
                return screen_cls()
            from xkeys.tui.screens.troubleshoot import TroubleshootScreen

            self.safe_mode = True
            return TroubleshootScreen(auto=self.demo, support=True)
        raise ValueError(f"unknown flow {flow!r}")

    def refresh_home(self) -> None:
        from xkeys.tui.screens.home import HomeScreen

        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen):
                screen.load_profile()

    # -- actions -----------------------------------------------------------------------------
    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    def action_toggle_safe(self) -> None:
        self.safe_mode = not self.safe_mode
        self.notify("Screen-share safe mode " + ("on: every value is masked" if self.safe_mode else "off"))

    def watch_safe_mode(self, safe: bool) -> None:
        self.set_class(safe, "-safe")
        self.sub_title = "SCREEN-SHARE SAFE" if safe else self.SUB_TITLE or ""
        for screen in self.screen_stack:
            fn = getattr(screen, "set_safe_mode", None)
            if fn is not None:
                fn(safe)

    def copy_text(self, label: str, text: str) -> None:
        """Copy via OSC 52 (terminal) and pyperclip (local clipboard), in a worker."""
        self.copy_to_clipboard(text)

        def _copy() -> None:
            ok = self.services.clipboard(text)
            how = "clipboard" if ok else "terminal clipboard (OSC 52)"
            self.call_from_thread(self.notify, escape(f"Copied {label} to the {how}."))

        self.run_worker(_copy, thread=True, group="clipboard")

    def open_link(self, url: str) -> None:
        def _open() -> None:
            ok = self.services.open_browser(url)
            msg = f"Opened {url} in your browser." if ok else f"No browser here: open {url} yourself."
            self.call_from_thread(self.notify, escape(msg))

        self.run_worker(_open, thread=True, group="browser")

    def _fatal_error(self) -> None:
        """An unhandled exception. Textual's own traceback lists local variables (a credential
        value among them); this one lists none and is scrubbed of every loaded secret (issue 7)."""
        import traceback

        from rich.segment import Segments
        from rich.text import Text

        self.bell()
        text = redact.scrub(traceback.format_exc())
        self._exit_renderables.append(Segments(self.console.render(Text(text), self.console.options)))
        self._close_messages_no_wait()

    def record_report(self, report: Any) -> None:
        self.last_report = report
        self.last_report_at = self.now()
        self.refresh_home()


def _optional_screen(module: str, name: str) -> Any | None:
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


def make_app(
    flow: str = "home",
    *,
    demo: bool = False,
    scenario: str | None = None,
    seed: int = 0,
    sandbox_base_url: str | None = None,
    sandbox_info: dict[str, Any] | None = None,
    clock: Callable[[], datetime] | None = None,
    services: Services | None = None,
    profile: str | None = None,
    safe_mode: bool = False,
    env_file: str | None = None,
    theme: str = "textual-dark",
    blink: bool | None = None,
) -> XKeysApp:
    """Build the app.

    - `flow`: home | onboard | troubleshoot | rotate | support (the screen it opens on).
    - `demo`/`scenario`/`seed`: start the sandbox X API in-process with its demo credentials.
      `sandbox_info` (the sandbox's JSON line: base_url + credentials) uses an already running
      sandbox instead; `sandbox_base_url` points the probes at it.
    - `clock`: a fixed "now" (tests, screenshots); it also turns cursor blinking off.
    - `services`: injectable core functions, http client factory, store, clipboard, browser.
    """
    services = services or Services(store_factory=default_store_factory)
    if clock is not None:
        services.clock = clock
    if sandbox_base_url:
        services.api_base = sandbox_base_url
        if sandbox_info is not None:
            sandbox_info = {**sandbox_info, "base_url": sandbox_base_url}
    if blink is None:
        blink = clock is None
    return XKeysApp(
        flow=flow,
        services=services,
        demo=demo,
        scenario=scenario,
        seed=seed,
        sandbox_info=sandbox_info,
        profile=profile,
        safe_mode=safe_mode,
        blink=blink,
        env_file=env_file,
        theme=theme,
    )
