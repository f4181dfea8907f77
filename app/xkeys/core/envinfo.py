"""Environment facts for the support view and reports - names and versions, never values.

What a support agent asks first: which xkeys, which Python, which OS, which terminal (TERM,
TERM_PROGRAM, COLORTERM, size, tmux/screen/ssh), where each credential was found and which
credential variables are set (or set but empty: "env vars not loaded", FACTS.md section 3).
Values of environment variables are never read into the result, except a few that are not
secret by nature (TERM, TERM_PROGRAM, COLORTERM, LANG); proxy settings and XKEYS_API_BASE can
carry passwords (`https://user:pass@host`), so only their presence is reported, or the host.
Home directories are shown as `~`.
"""

from __future__ import annotations

import os
import platform
import shutil
import sys
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from xkeys.core.kinds import FIELDS, KINDS

#: variables shown with their value: terminal descriptions, never secret
_SHOWN_VARS = ("TERM", "TERM_PROGRAM", "TERM_PROGRAM_VERSION", "COLORTERM", "LANG", "LC_ALL")
#: network settings (proxies, CA bundles): presence only (a proxy URL may hold a password)
_PROXY_VARS = (
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "REQUESTS_CA_BUNDLE",
)
#: xkeys' own settings (names only except where said)
_XKEYS_VARS = ("XKEYS_API_BASE", "XKEYS_PROFILE", "XKEYS_CONFIG_DIR", "XKEYS_DEMO", "NO_COLOR")
#: redirect URI variables (FACTS.md section 5, xurl's REDIRECT_URI)
_REDIRECT_VARS = ("X_REDIRECT_URI", "TWITTER_REDIRECT_URI", "REDIRECT_URI")


def credential_var_names() -> list[str]:
    """Every variable name xkeys reads credentials from, preferred names first."""
    names: list[str] = []
    for kind in (*FIELDS, *(k for k in KINDS if k not in FIELDS)):
        for n in KINDS[kind].env:
            if n not in names:
                names.append(n)
    return names


def _home_relative(path: str, environ: Mapping[str, str]) -> str:
    home = environ.get("HOME") or os.path.expanduser("~")
    if home and home != "/" and (path == home or path.startswith(home.rstrip("/") + "/")):
        return "~" + path[len(home.rstrip("/")) :]
    return path


def safe_source(source: str, environ: Mapping[str, str] | None = None) -> str:
    """A credential source label with the home directory shown as `~`."""
    env = os.environ if environ is None else environ
    if source.startswith(".env:"):
        return ".env:" + _home_relative(source[5:], env)
    return source


def host_of(url: str | None) -> str | None:
    """`scheme://host[:port]` of a URL: no user, password, path or query."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "(unparseable URL)"
    if not parts.scheme or not host:
        return "(unparseable URL)"
    if ":" in host:
        host = f"[{host}]"
    return f"{parts.scheme}://{host}{port}"


def terminal_facts(environ: Mapping[str, str] | None = None, size: tuple[int, int] | None = None) -> dict[str, Any]:
    env = os.environ if environ is None else environ
    if size is None:
        try:
            ts = shutil.get_terminal_size(fallback=(0, 0))
            size = (ts.columns, ts.lines)
        except (OSError, ValueError):
            size = (0, 0)
    out: dict[str, Any] = {
        k.lower(): env.get(k) or None for k in ("TERM", "TERM_PROGRAM", "TERM_PROGRAM_VERSION", "COLORTERM")
    }
    out["size"] = f"{size[0]}x{size[1]}" if size[0] and size[1] else None
    out["multiplexer"] = "tmux" if env.get("TMUX") else "screen" if env.get("STY") else None
    out["ssh"] = bool(env.get("SSH_CONNECTION") or env.get("SSH_TTY"))
    try:
        out["stdout_tty"] = bool(sys.stdout and sys.stdout.isatty())
    except (ValueError, AttributeError):
        out["stdout_tty"] = False
    out["encoding"] = getattr(sys.stdout, "encoding", None)
    out["lang"] = env.get("LC_ALL") or env.get("LANG") or None
    out["no_color"] = bool(env.get("NO_COLOR"))
    return out


def env_var_state(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Name -> "set" or "empty" for every credential / redirect variable present. Never values."""
    env = os.environ if environ is None else environ
    out: dict[str, str] = {}
    for name in (*credential_var_names(), *_REDIRECT_VARS):
        if name in env and name not in out:
            out[name] = "set" if env[name].strip() else "empty"
    return out


def _os_description() -> str:
    system = platform.system() or sys.platform
    if system == "Linux":
        try:
            release = platform.freedesktop_os_release()
            name = release.get("PRETTY_NAME") or release.get("NAME")
            if name:
                return f"Linux {platform.release()} ({name})"
        except (OSError, AttributeError):
            pass
        return f"Linux {platform.release()}"
    if system == "Darwin":
        return f"macOS {platform.mac_ver()[0] or platform.release()}"
    if system == "Windows":
        return f"Windows {platform.release()} ({platform.version()})"
    return f"{system} {platform.release()}"


def collect(
    environ: Mapping[str, str] | None = None,
    *,
    creds: Any = None,
    size: tuple[int, int] | None = None,
    now: float | None = None,
) -> dict[str, Any]:
    """All environment facts as a JSON-ready dict (see the module docstring for what is left out).

    `creds` is an `xkeys.core.creds.Credentials` (optional): its sources and notes are added.
    """
    from xkeys import __version__

    env = os.environ if environ is None else environ
    t = time.time() if now is None else now
    facts: dict[str, Any] = {
        "xkeys": __version__,
        "python": f"{platform.python_version()} ({platform.python_implementation()})",
        "os": _os_description(),
        "machine": platform.machine() or None,
        "terminal": terminal_facts(env, size),
        "time_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t)),
        "timezone": time.strftime("%Z", time.localtime(t)) or None,
        "env_vars": env_var_state(env),
        "network_vars": sorted(n for n in _PROXY_VARS if env.get(n)),
        "xkeys_vars": sorted(n for n in _XKEYS_VARS if n in env),
        "api_base_env": host_of(env.get("XKEYS_API_BASE")),
        "packages": _package_versions(),
    }
    if creds is not None:
        facts["credential_sources"] = {
            getattr(k, "value", str(k)): safe_source(v, env) for k, v in (getattr(creds, "sources", {}) or {}).items()
        }
        facts["profile"] = getattr(creds, "profile", None)
        env_file = getattr(creds, "env_file", None)
        facts["env_file"] = _home_relative(env_file, env) if env_file else None
        facts["env_file_names"] = list(getattr(creds, "env_file_names", []) or [])
        facts["empty_names"] = list(getattr(creds, "empty_names", []) or [])
        facts["conflicts"] = [
            [getattr(k, "value", str(k)), used, ignored] for k, used, ignored in (getattr(creds, "conflicts", []) or [])
        ]
        facts["redirect_uri_source"] = getattr(creds, "redirect_uri_source", None)
    return facts


def _package_versions() -> dict[str, str | None]:
    """Versions of the libraries whose behaviour support may ask about."""
    from importlib import metadata

    out: dict[str, str | None] = {}
    for name in ("httpx", "textual", "keyring", "pyperclip"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out
