"""Where a credential set comes from: `--env-file`, the environment, the active profile.

Precedence (shared/DESIGN.md "Command line"), highest first, decided per field:
1. the `--env-file` given on the command line (parsed with python-dotenv, never executed);
2. environment variables - every family in FACTS.md section 5 (`X_*`, `TWITTER_*`, bare
   `CONSUMER_KEY`/`BEARER_TOKEN`, xurl's `CLIENT_ID CLIENT_SECRET REDIRECT_URI`) plus
   `X_OAUTH2_ACCESS_TOKEN`/`X_OAUTH2_REFRESH_TOKEN`; the names per kind live in `kinds.KINDS`;
3. the active profile of `xkeys.core.store` (or the one named with `--profile`).

What is kept besides the values: which source each value came from (`"env:X_API_KEY"`,
`".env:/path/.env"`, `"profile:name"`) and which variable NAMES are set, empty or in conflict -
the support view shows names, never values. Every loaded value is registered with
`redact.remember` so no output can leak it.
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from xkeys.core import redact
from xkeys.core.kinds import FIELDS, KINDS, Kind

#: Largest env file read (a .env is a few hundred bytes; this only guards against mistakes).
MAX_ENV_FILE_BYTES = 1_000_000

#: Variable names that carry the OAuth 2.0 redirect (callback) URI - xurl's `REDIRECT_URI`
#: (FACTS.md section 5) and the `X_REDIRECT_URI` that `xkeys login` reads (DESIGN.md).
REDIRECT_URI_ENV: tuple[str, ...] = ("X_REDIRECT_URI", "TWITTER_REDIRECT_URI", "REDIRECT_URI")

#: Kinds doctor loads (every credential field; an xAI key is recognised, never used).
LOADED_KINDS: tuple[Kind, ...] = FIELDS


class CredentialsError(Exception):
    """A credential source cannot be read. The message is one safe sentence (no values)."""


class ProfileNotFound(CredentialsError):
    """`--profile NAME` names a profile that does not exist (or profiles are unavailable)."""


@dataclass
class Credentials:
    """A credential set plus where each part came from. Never print `values`."""

    values: dict[Kind, str] = field(default_factory=dict)
    #: kind -> source, e.g. "env:X_API_KEY", ".env:/home/me/bot/.env", "profile:acme"
    sources: dict[Kind, str] = field(default_factory=dict)
    #: the profile the set (partly) came from, if any
    profile: str | None = None
    #: OAuth 2.0 redirect URI (not a secret) and where it came from
    redirect_uri: str | None = None
    redirect_uri_source: str | None = None
    #: OAuth 2.0 scopes the profile recorded when its token was issued (None: not known)
    scopes: tuple[str, ...] | None = None
    #: credential variable NAMES set in the environment (values never kept here)
    env_names: list[str] = field(default_factory=list)
    #: credential variable NAMES found in the env file
    env_file_names: list[str] = field(default_factory=list)
    env_file: str | None = None
    #: names set to an empty string ("env vars not loaded" - FACTS.md section 3)
    empty_names: list[str] = field(default_factory=list)
    #: (kind, used name, ignored name) when two names for one kind disagree in one source
    conflicts: list[tuple[Kind, str, str]] = field(default_factory=list)
    #: human notes about the loading (no values), e.g. "env file line 4 could not be parsed"
    notes: list[str] = field(default_factory=list)

    def __repr__(self) -> str:  # never show values, even in a debugger or a traceback
        kinds = ", ".join(k.value for k in self.values)
        return f"Credentials(profile={self.profile!r}, kinds=[{kinds}])"

    def has(self, *kinds: Kind) -> bool:
        return all(self.values.get(k) for k in kinds)

    def get(self, kind: Kind) -> str | None:
        return self.values.get(kind) or None

    def __bool__(self) -> bool:
        return bool(self.values)

    def summary(self) -> dict[str, Any]:
        """A value-free description for reports: kinds, sources, names, fingerprints."""
        return {
            "profile": self.profile,
            "env_file": self.env_file,
            "fields": {
                k.value: {"source": self.sources.get(k), "length": len(v), "fingerprint": redact.fingerprint(v)}
                for k, v in self.values.items()
            },
            "redirect_uri_source": self.redirect_uri_source,
            "env_names": list(self.env_names),
            "env_file_names": list(self.env_file_names),
            "empty_names": list(self.empty_names),
            "conflicts": [[k.value, used, ignored] for k, used, ignored in self.conflicts],
        }


def searched_names() -> list[str]:
    """Every variable name doctor looks at, preferred names first (for "nothing found" messages)."""
    names: list[str] = []
    for kind in LOADED_KINDS:
        names.extend(n for n in KINDS[kind].env if n not in names)
    return names


def _read_env_file(path: str) -> str:
    try:
        if os.path.isdir(path):
            raise CredentialsError(f"the env file is a directory, not a file: {path}")
        with open(path, "rb") as fh:
            data = fh.read(MAX_ENV_FILE_BYTES + 1)
    except FileNotFoundError:
        raise CredentialsError(f"the env file does not exist: {path}") from None
    except PermissionError:
        raise CredentialsError(f"the env file cannot be read (permission denied): {path}") from None
    except IsADirectoryError:
        raise CredentialsError(f"the env file is a directory, not a file: {path}") from None
    except OSError as exc:
        raise CredentialsError(f"the env file cannot be read ({exc.strerror or 'I/O error'}): {path}") from None
    if len(data) > MAX_ENV_FILE_BYTES:
        raise CredentialsError(
            f"the env file is larger than {MAX_ENV_FILE_BYTES:,} bytes (is it really a .env file?): {path}"
        )
    if b"\x00" in data:
        raise CredentialsError(f"the env file contains binary data (NUL bytes), not KEY=value lines: {path}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CredentialsError(
            f"the env file is not valid UTF-8 text (bad byte at offset {exc.start}): {path}"
        ) from None


def parse_env_text(text: str) -> tuple[dict[str, str | None], list[int]]:
    """KEY=value pairs of a dotenv text (python-dotenv's parser, no interpolation, nothing run)
    and the line numbers of statements it could not parse."""
    from dotenv.parser import parse_stream

    values: dict[str, str | None] = {}
    bad_lines: list[int] = []
    for binding in parse_stream(io.StringIO(text)):
        if binding.error:
            bad_lines.append(binding.original.line)
            continue
        if binding.key is not None:
            values[binding.key] = binding.value
    return values, bad_lines


def _pick(
    mapping: Mapping[str, str | None],
    names: tuple[str, ...],
    kind: Kind | None,
    creds: Credentials,
    seen: list[str],
) -> tuple[str, str] | None:
    """The first non-empty variable of `names` in `mapping` -> (name, value); notes the rest."""
    chosen: tuple[str, str] | None = None
    for name in names:
        if name not in mapping:
            continue
        raw = mapping[name]
        if name not in seen:
            seen.append(name)
        if raw is None or raw.strip() == "":
            if name not in creds.empty_names:
                creds.empty_names.append(name)
            continue
        if chosen is None:
            chosen = (name, raw)
        elif raw != chosen[1] and kind is not None:
            creds.conflicts.append((kind, chosen[0], name))
    return chosen


def _from_mapping(mapping: Mapping[str, str | None], label: str, creds: Credentials, seen: list[str]) -> None:
    """Take each still-missing field from `mapping`; `label` is "env" or ".env:<path>"."""
    for kind in LOADED_KINDS:
        got = _pick(mapping, KINDS[kind].env, kind, creds, seen)
        if got and kind not in creds.values:
            name, value = got
            creds.values[kind] = value
            # "env:X_API_KEY" for the environment, ".env:<path>" for an env file (common.md)
            creds.sources[kind] = f"env:{name}" if label == "env" else label
    got = _pick(mapping, REDIRECT_URI_ENV, None, creds, seen)
    if got and creds.redirect_uri is None:
        creds.redirect_uri = got[1].strip()
        creds.redirect_uri_source = f"env:{got[0]}" if label == "env" else label


def _load_profile(creds: Credentials, profile: str | None, environ: Mapping[str, str]) -> None:
    """Fill the fields still missing from the store's profile (lazy import; absent = none)."""
    name = profile or environ.get("XKEYS_PROFILE") or None
    try:
        from xkeys.core import store as store_mod  # engineer G's module; may not exist yet
    except ImportError:
        if profile:
            raise ProfileNotFound(
                f"profile {profile!r} cannot be loaded: profiles are not available in this build"
            ) from None
        return
    no_profile = getattr(store_mod, "NoProfile", LookupError)
    try:
        store = store_mod.Store()
        if name is None:
            name = store.active_name()
        if not name:
            return
        prof = store.load(name)
    except no_profile:
        if profile:
            raise ProfileNotFound(f"there is no profile named {profile!r} (see `xkeys profile list`)") from None
        return
    except Exception as exc:  # keyring locked, unreadable metadata...: say so, never a traceback
        msg = redact.scrub(str(exc))[:200]
        if profile:
            raise CredentialsError(f"profile {profile!r} cannot be loaded ({type(exc).__name__}: {msg})") from None
        creds.notes.append(f"the active profile could not be loaded ({type(exc).__name__}: {msg})")
        return
    pname = getattr(prof, "name", None) or name
    values = getattr(prof, "values", {}) or {}
    used = False
    for key, value in values.items():
        try:
            kind = Kind(key)
        except ValueError:
            continue
        if kind in LOADED_KINDS and value and kind not in creds.values:
            creds.values[kind] = value
            creds.sources[kind] = f"profile:{pname}"
            used = True
    # store.Profile keeps the callback URL as an attribute and non-secret facts (granted
    # scopes, user) in `extra`; read defensively so an older/newer store still works
    meta = getattr(prof, "extra", None) or getattr(prof, "metadata", None)
    meta = meta if isinstance(meta, dict) else {}
    for attr in ("redirect_uri", "callback_url", "callback_uri"):
        uri = getattr(prof, attr, None) or meta.get(attr)
        if uri and isinstance(uri, str) and creds.redirect_uri is None:
            creds.redirect_uri = str(uri)
            creds.redirect_uri_source = f"profile:{pname}"
            break
    scopes = getattr(prof, "scopes", None) or meta.get("scopes")
    # the recorded scopes describe the profile's own OAuth 2.0 token, not one from env vars
    if scopes and creds.sources.get(Kind.OAUTH2_ACCESS_TOKEN) == f"profile:{pname}":
        creds.scopes = tuple(scopes.split() if isinstance(scopes, str) else scopes)
    if used or profile:
        creds.profile = pname


def load_credentials(
    env_file: str | os.PathLike[str] | None = None,
    environ: Mapping[str, str] | None = None,
    profile: str | None = None,
) -> Credentials:
    """Collect the credential set doctor (and every other command) works on.

    `environ` defaults to `os.environ`; `profile` names a profile explicitly (else the active
    one, if the store has any). Raises `CredentialsError` (safe one-sentence message) when the
    env file or an explicitly named profile cannot be read. Every value is `redact.remember`ed.
    """
    env = os.environ if environ is None else environ
    creds = Credentials()
    if env_file is not None:
        path = os.fspath(env_file)
        text = _read_env_file(path)
        mapping, bad_lines = parse_env_text(text)
        creds.env_file = path
        if bad_lines:
            lines = ", ".join(str(n) for n in bad_lines[:5])
            creds.notes.append(f"env file {path}: line(s) {lines} could not be parsed and were ignored")
        if not mapping and text.strip() and bad_lines:
            raise CredentialsError(f"the env file has no KEY=value lines python-dotenv can read: {path}")
        _from_mapping(mapping, f".env:{path}", creds, creds.env_file_names)
    _from_mapping(env, "env", creds, creds.env_names)
    _load_profile(creds, profile, env)
    # names only, never values (FACTS.md section 3: "env vars not loaded (empty string sent)")
    if creds.empty_names:
        creds.notes.append(f"set but empty: {', '.join(creds.empty_names)} (was the .env file loaded?)")
    for _kind, used, ignored in creds.conflicts:
        creds.notes.append(f"{used} and {ignored} are both set and differ; {used} is used")
    redact.remember(*creds.values.values())
    return creds
