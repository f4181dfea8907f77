"""Copying to the clipboard: the terminal's (OSC 52) and the system's (pyperclip), with hygiene.

Two ways, used together because neither always works:
- OSC 52 (`ESC ] 52 ; c ; <base64> BEL`) asks the terminal emulator to set its clipboard. It
  works over ssh and inside containers; inside tmux the sequence is also wrapped for tmux's
  passthrough (`ESC P tmux; ... ESC \\`, inner ESCs doubled), inside GNU screen for screen's.
  A terminal cannot be asked what it holds, so OSC 52 is write-only.
- the system clipboard through pyperclip's backend detection (xclip/xsel/wl-clipboard on Linux,
  pbcopy on macOS, the Windows API). xclip, xsel and wl-copy keep a process alive that serves the
  selection; they are run here with their output detached and a timeout, so a command whose
  output is captured by a pipe does not hang waiting for that process to exit.

Clipboard hygiene (issue 7): `copy_secret` clears the clipboard after 30 s if it still holds the
copied value (checked on the system clipboard; the terminal one, unreadable, is cleared), and its
message says so. In a short-lived process (a CLI command) a pending clear is handed to a small
detached process at exit, which knows only the value's fingerprint - never the value.

No Textual here (core). The TUI passes `use_osc52=False` and lets Textual's
`App.copy_to_clipboard` emit OSC 52 through its own driver.
"""

from __future__ import annotations

import atexit
import base64
import hashlib
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

#: seconds a copied secret stays on the clipboard (issue 7)
CLEAR_AFTER = 30.0
#: timeout for one clipboard helper process (xclip ...), so a stuck X server cannot hang xkeys
HELPER_TIMEOUT = 5.0
#: OSC 52 payloads beyond this many base64 bytes are refused by common terminals (xterm, tmux)
OSC52_MAX_BYTES = 100_000


class ClipboardError(Exception):
    """A copy failed; the message is one safe sentence."""


# --------------------------------------------------------------------------- OSC 52


def osc52_sequence(
    text: str, *, selection: str = "c", environ: Mapping[str, str] | None = None, multiplexer: str | None = "auto"
) -> str:
    """The escape sequence that sets the terminal clipboard to `text` (empty text clears it).

    `multiplexer`: "tmux", "screen", None, or "auto" (from TMUX / STY in `environ`). Inside tmux the
    plain sequence (handled by tmux's `set-clipboard`) is followed by the passthrough-wrapped one
    (needs `allow-passthrough on`), so one of them reaches the outer terminal.
    """
    env = os.environ if environ is None else environ
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    seq = f"\x1b]52;{selection};{payload}\x07"
    mux = multiplexer
    if mux == "auto":
        mux = "tmux" if env.get("TMUX") else "screen" if env.get("STY") else None
    if mux == "tmux":
        return seq + "\x1bPtmux;" + seq.replace("\x1b", "\x1b\x1b") + "\x1b\\"
    if mux == "screen":
        # screen passes a DCS string through; it limits one string to ~768 bytes, so chunk it
        chunks = [seq[i : i + 76] for i in range(0, len(seq), 76)]
        return "".join(f"\x1bP{c}\x1b\\" for c in chunks)
    return seq


def _open_tty(path: str | None = None) -> IO[str] | None:
    """The terminal for writing, without making it our controlling terminal (O_NOCTTY)."""
    try:
        fd = os.open(path or "/dev/tty", os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
    except OSError:
        return None
    return os.fdopen(fd, "w", encoding="utf-8")


# --------------------------------------------------------------------------- system clipboard


class SystemClipboard:
    """The OS clipboard as pyperclip finds it, with timeouts and detached helper processes."""

    #: pyperclip backend -> (copy argv, paste argv) run here directly (they fork a server)
    _COMMANDS: dict[str, tuple[list[str], list[str]]] = {
        "xclip": (["xclip", "-selection", "clipboard", "-in"], ["xclip", "-selection", "clipboard", "-out"]),
        "xsel": (["xsel", "--clipboard", "--input"], ["xsel", "--clipboard", "--output"]),
        "wl": (["wl-copy"], ["wl-paste", "--no-newline"]),
    }

    def __init__(self, environ: Mapping[str, str] | None = None, timeout: float = HELPER_TIMEOUT) -> None:
        self.environ = dict(os.environ if environ is None else environ)
        self.timeout = timeout
        self._copy: Callable[[str], Any] | None = None
        self._paste: Callable[[], str] | None = None
        self.name = self._detect()

    def _detect(self) -> str | None:
        try:
            import pyperclip
        except ImportError:  # pragma: no cover - a declared dependency
            return None
        saved = {k: os.environ.get(k) for k in ("DISPLAY", "WAYLAND_DISPLAY")}
        try:  # pyperclip reads os.environ: show it the environment this clipboard is for
            for k in saved:
                if self.environ.get(k):
                    os.environ[k] = self.environ[k]
                else:
                    os.environ.pop(k, None)
            copy_fn, paste_fn = pyperclip.determine_clipboard()
        except Exception:
            return None
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        if not copy_fn:  # pyperclip's "no clipboard" stand-in is falsy
            return None
        backend = getattr(copy_fn, "__name__", "") or type(copy_fn).__name__
        backend = backend.replace("copy_", "").replace("_clipboard", "")
        for name in self._COMMANDS:
            if backend.startswith(name) and shutil.which(self._COMMANDS[name][0][0]):
                return name
        self._copy, self._paste = copy_fn, paste_fn
        return backend or "system"

    @property
    def available(self) -> bool:
        return self.name is not None

    def _run(self, argv: list[str], data: str | None) -> str:
        try:
            proc = subprocess.run(
                argv,
                input=None if data is None else data.encode("utf-8"),
                stdout=subprocess.DEVNULL if data is not None else subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=self.environ,
                timeout=self.timeout,
                start_new_session=True,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise ClipboardError(f"the clipboard helper {argv[0]} did not answer within {self.timeout:g} s") from None
        except OSError as exc:
            raise ClipboardError(f"the clipboard helper {argv[0]} could not run ({exc.strerror})") from None
        if proc.returncode != 0 and data is not None:
            raise ClipboardError(f"the clipboard helper {argv[0]} failed (exit {proc.returncode})")
        out = proc.stdout or b""
        return out.decode("utf-8", "replace") if isinstance(out, bytes) else ""

    def copy(self, text: str) -> None:
        if self.name is None:
            raise ClipboardError("no system clipboard is available")
        if self.name in self._COMMANDS:
            self._run(self._COMMANDS[self.name][0], text)
            self._settle(text)
            return
        assert self._copy is not None
        try:
            self._copy(text)
        except Exception as exc:
            raise ClipboardError(
                f"the system clipboard ({self.name}) refused the copy ({type(exc).__name__})"
            ) from None

    def _settle(self, text: str, wait: float = 2.0) -> None:
        """xclip/xsel/wl-copy hand the selection to a forked server and return at once; wait
        until the clipboard really holds `text`, so a paste right after a copy gets it."""
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                if self.paste() == text:
                    return
            except ClipboardError:
                return
            time.sleep(0.02)

    def paste(self) -> str:
        if self.name is None:
            raise ClipboardError("no system clipboard is available")
        if self.name in self._COMMANDS:
            return self._run(self._COMMANDS[self.name][1], None)
        assert self._paste is not None
        try:
            return str(self._paste())
        except Exception as exc:
            raise ClipboardError(
                f"the system clipboard ({self.name}) could not be read ({type(exc).__name__})"
            ) from None


# --------------------------------------------------------------------------- results and the clipboard


def _fp(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class CopyResult:
    ok: bool
    #: where it went: "terminal (OSC 52)", "system clipboard (xclip)"
    targets: list[str] = field(default_factory=list)
    #: one or two sentences for the user (never the value)
    message: str = ""
    #: seconds until the clipboard is cleared (None: it is not)
    clears_in: float | None = None
    problems: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return self.message


@dataclass
class _Pending:
    digest: str
    deadline: float
    osc52: bool
    system: bool
    tty: str | None = None
    timer: threading.Timer | None = None
    done: bool = False
    #: set once its clear has run (by the timer or by clear_now)
    finished: threading.Event = field(default_factory=threading.Event)


class Clipboard:
    """Copies through OSC 52 and/or the system clipboard; clears copied secrets after a delay.

    Everything that touches the outside is injectable for tests: the terminal `stream`, the
    `environ`, the `system` clipboard and the `clear_after` delay.
    """

    def __init__(
        self,
        *,
        stream: IO[str] | None = None,
        environ: Mapping[str, str] | None = None,
        use_osc52: bool | None = None,
        use_system: bool = True,
        system: SystemClipboard | None = None,
        clear_after: float = CLEAR_AFTER,
        handoff_at_exit: bool = True,
        tty_path: str | None = None,
    ) -> None:
        self.environ = dict(os.environ if environ is None else environ)
        self.stream = stream
        #: None: OSC 52 when a terminal is there (a given stream, a tty stdout or /dev/tty)
        self.use_osc52 = use_osc52
        self._system = system
        self.use_system = use_system
        self.clear_after = clear_after
        self.handoff_at_exit = handoff_at_exit
        #: the terminal device to use when stdout is not a terminal (default /dev/tty)
        self.tty_path = tty_path
        self._pending: list[_Pending] = []
        self._lock = threading.Lock()
        self._exit_hook = False

    # -- parts
    @property
    def system(self) -> SystemClipboard | None:
        if not self.use_system:
            return None
        if self._system is None:
            self._system = SystemClipboard(self.environ)
        return self._system

    def _terminal(self) -> tuple[IO[str] | None, bool]:
        """The stream for OSC 52 and whether we opened it (and must close it)."""
        if self.use_osc52 is False:
            return None, False
        if self.stream is not None:
            return self.stream, False
        out = sys.stdout
        try:
            if out is not None and out.isatty():
                return out, False
        except (ValueError, AttributeError):
            pass
        tty = _open_tty(self.tty_path)  # stdout is redirected: the terminal is still there
        return tty, tty is not None

    def _tty_name(self) -> str | None:
        """The terminal device OSC 52 went to, for a clearer that runs after we exit."""
        stream, opened = self._terminal()
        if stream is None:
            return None
        try:
            return os.ttyname(stream.fileno())
        except (OSError, ValueError, AttributeError):
            return None
        finally:
            if opened:
                stream.close()

    def _write_osc52(self, text: str) -> bool:
        stream, opened = self._terminal()
        if stream is None:
            return False
        try:
            stream.write(osc52_sequence(text, environ=self.environ))
            stream.flush()
            return True
        except (OSError, ValueError):
            return False
        finally:
            if opened:
                stream.close()

    # -- copying
    def copy(self, text: str, *, what: str = "the text") -> CopyResult:
        """Put `text` on every clipboard there is; say where it went."""
        result = CopyResult(ok=False)
        payload = base64.b64encode(text.encode("utf-8"))
        if len(payload) > OSC52_MAX_BYTES:
            result.problems.append(f"too long for the terminal clipboard ({len(payload):,} bytes encoded)")
        elif self._write_osc52(text):
            result.targets.append("terminal (OSC 52)")
        sysclip = self.system
        if sysclip is not None and sysclip.available:
            try:
                sysclip.copy(text)
                result.targets.append(f"system clipboard ({sysclip.name})")
            except ClipboardError as exc:
                result.problems.append(str(exc))
        elif self.use_system:
            result.problems.append("no system clipboard found (on Linux: xclip, xsel or wl-clipboard and a display)")
        result.ok = bool(result.targets)
        if result.ok:
            result.message = f"Copied {what} to the {' and the '.join(result.targets)}."
        else:
            reasons = "; ".join(result.problems) or "no terminal and no system clipboard"
            result.message = f"Could not copy {what}: {reasons}."
        return result

    def copy_secret(self, text: str, *, what: str = "the value", delay: float | None = None) -> CopyResult:
        """Copy a secret and clear it after `delay` (default 30 s) if the clipboard still holds it."""
        wait = self.clear_after if delay is None else delay
        result = self.copy(text, what=what)
        if not result.ok:
            return result
        pending = _Pending(
            digest=_fp(text),
            deadline=time.monotonic() + wait,
            osc52=any(t.startswith("terminal") for t in result.targets),
            system=any(t.startswith("system") for t in result.targets),
        )
        if pending.osc52 and self.handoff_at_exit:
            pending.tty = self._tty_name()
        timer = threading.Timer(wait, self._clear, args=(pending,))
        timer.daemon = True
        pending.timer = timer
        with self._lock:
            self._pending.append(pending)
            if self.handoff_at_exit and not self._exit_hook:
                atexit.register(self._handoff)
                self._exit_hook = True
        timer.start()
        result.clears_in = wait
        note = (
            " (the system clipboard is checked first; the terminal clipboard cannot be read back, so it is cleared)"
            if pending.osc52 and pending.system
            else " (the terminal clipboard cannot be read back, so it is cleared)"
            if pending.osc52
            else ""
        )
        result.message += f" It will be cleared in {wait:g} s if it still holds that value{note}."
        return result

    def _clear(self, pending: _Pending) -> bool:
        """Clear if the system clipboard still holds the value; True when something was cleared."""
        with self._lock:
            if pending.done:
                return False
            pending.done = True
        try:
            return clear_if_holds(
                pending.digest,
                system=self.system if pending.system else None,
                osc52_writer=self._write_osc52 if pending.osc52 else None,
            )
        finally:
            with self._lock:
                if pending in self._pending:
                    self._pending.remove(pending)
            pending.finished.set()

    def clear_now(self) -> int:
        """Run every pending clear immediately (e.g. when the app quits); how many cleared."""
        with self._lock:
            pending = list(self._pending)
        cleared = 0
        for p in pending:
            if p.timer is not None:
                p.timer.cancel()
            if self._clear(p):
                cleared += 1
            else:  # its timer got there first: wait until that clear is done
                p.finished.wait(HELPER_TIMEOUT * 3)
        return cleared

    def cancel(self) -> None:
        with self._lock:
            pending, self._pending = list(self._pending), []
        for p in pending:
            p.done = True
            if p.timer is not None:
                p.timer.cancel()

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._pending)

    def _handoff(self) -> None:
        """At exit: pending clears go to a detached process that knows only the fingerprint."""
        with self._lock:
            pending, self._pending = [p for p in self._pending if not p.done], []
        for p in pending:
            if p.timer is not None:
                p.timer.cancel()
            p.done = True
            left = max(0.0, p.deadline - time.monotonic())
            spawn_clearer(p.digest, left, system=p.system, tty=p.tty if p.osc52 else None, environ=self.environ)


def clear_if_holds(digest: str, *, system: SystemClipboard | None, osc52_writer: Callable[[str], bool] | None) -> bool:
    """Clear the clipboards if the system one still holds the value with this sha256 digest.

    When the system clipboard shows something else, the user copied anew: nothing is touched.
    When there is only the (unreadable) terminal clipboard, it is cleared.
    """
    if system is not None and system.available:
        try:
            current = system.paste()
        except ClipboardError:
            current = None
        if current is None or _fp(current) != digest:
            return False
        try:
            system.copy("")
        except ClipboardError:
            return False
        if osc52_writer is not None:
            osc52_writer("")
        return True
    if osc52_writer is not None:
        return osc52_writer("")
    return False


def spawn_clearer(
    digest: str, delay: float, *, system: bool, tty: str | None, environ: Mapping[str, str] | None = None
) -> subprocess.Popen[bytes] | None:
    """Start a detached `python -m xkeys.core.clipboard` that clears after `delay` seconds.

    Its command line holds the sha256 digest (not secret: it identifies, it does not reveal).
    """
    argv = [sys.executable, "-m", "xkeys.core.clipboard", "--clear-after", f"{delay:.3f}", "--digest", digest]
    if system:
        argv.append("--system")
    if tty:
        argv += ["--tty", tty]
    if not system and not tty:
        return None
    env = dict(os.environ if environ is None else environ)
    src = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    try:
        return subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
            close_fds=True,
        )
    except OSError:
        return None


# --------------------------------------------------------------------------- module-level helpers

_default: Clipboard | None = None


def default() -> Clipboard:
    global _default
    if _default is None:
        _default = Clipboard()
    return _default


def copy(text: str, *, what: str = "the text", clipboard: Clipboard | None = None) -> CopyResult:
    return (clipboard or default()).copy(text, what=what)


def copy_secret(
    text: str, *, what: str = "the value", delay: float | None = None, clipboard: Clipboard | None = None
) -> CopyResult:
    return (clipboard or default()).copy_secret(text, what=what, delay=delay)


def _main(argv: list[str]) -> int:
    """The detached clearer: `--clear-after S --digest HEX [--system] [--tty DEVICE]`."""
    import argparse

    p = argparse.ArgumentParser(prog="xkeys-clipboard-clearer")
    p.add_argument("--clear-after", type=float, required=True)
    p.add_argument("--digest", required=True)
    p.add_argument("--system", action="store_true")
    p.add_argument("--tty", default=None, help="terminal device to send the OSC 52 clear to")
    a = p.parse_args(argv)
    time.sleep(max(0.0, a.clear_after))
    clip = Clipboard(use_osc52=bool(a.tty), use_system=a.system, handoff_at_exit=False, tty_path=a.tty)
    writer = clip._write_osc52 if a.tty else None
    return 0 if clear_if_holds(a.digest, system=clip.system if a.system else None, osc52_writer=writer) else 1


if __name__ == "__main__":  # pragma: no cover - exercised through spawn_clearer in tests
    raise SystemExit(_main(sys.argv[1:]))
