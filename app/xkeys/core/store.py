"""Profiles (one per brand/app): metadata on disk, secrets in the OS keyring.

Layout (shared/DESIGN.md "Rules of the house", issue 8):

* ``<config dir>/profiles.json`` (0600) - every profile's metadata: name, auth path, preset,
  callback URL, base profile (brand overrides), which fields are present and their
  fingerprints, created/rotated times, export records, and the generation history. Never a
  secret value: fingerprints only.
* secrets live in the OS keyring (service ``xkeys``), one entry per profile + generation +
  field, under a stable profile id (so a rename moves nothing). Only with explicit consent
  (``--secret-store file`` / ``XKEYS_SECRET_STORE=file``) they go to ``secrets.json`` (0600),
  a separate file.

Crash safety: every save writes the secrets of a *new generation* first, then replaces
``profiles.json`` atomically (temp file in the same directory, fsync, rename, directory
fsync). The rename is the commit point: a crash before it leaves the old generation
current (the new secrets are orphans, ignored), a crash after it leaves the new one. The
previous generations stay (with their secrets) for history and rollback; the oldest are
pruned after ``HISTORY_LIMIT``. A lock file (``fcntl.flock``) serialises read-modify-write
cycles of concurrent xkeys processes.
"""

from __future__ import annotations

import builtins
import contextlib
import copy
import json
import os
import secrets as _secrets
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from xkeys.core.files import atomic_write
from xkeys.core.kinds import FIELDS, Kind
from xkeys.core.redact import fingerprint, remember

SERVICE = "xkeys"
META_FILE = "profiles.json"
SECRETS_FILE = "secrets.json"
LOCK_FILE = ".lock"
FORMAT_VERSION = 1
#: generations kept per profile (current included); older ones and their secrets are pruned
HISTORY_LIMIT = 12

ENV_CONFIG_DIR = "XKEYS_CONFIG_DIR"
ENV_SECRET_STORE = "XKEYS_SECRET_STORE"
ENV_PROFILE = "XKEYS_PROFILE"

SECRET_STORES = ("keyring", "file")
#: concurrent keyring calls for one profile's fields
KEYRING_THREADS = 8

NO_KEYRING_HELP = (
    "no usable OS keyring was found, so xkeys will not store secrets. Get one: on Linux run a "
    "Secret Service (GNOME Keyring: `apt install gnome-keyring`, or KDE Wallet) inside your desktop "
    "or `dbus-run-session` session; macOS Keychain and Windows Credential Locker work out of the box. "
    "Or, knowingly, keep secrets in a plain file readable only by you (0600) with "
    "`--secret-store file` or XKEYS_SECRET_STORE=file."
)


class StoreError(Exception):
    """A store problem; the message is one sentence, safe to print (never a secret)."""


class NoProfile(StoreError):
    """The named (or active) profile does not exist."""


class SecretStoreUnavailable(StoreError):
    """No usable keyring backend and no consent for the file fallback."""


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def default_config_dir() -> str:
    env = os.environ.get(ENV_CONFIG_DIR)
    if env:
        return os.path.abspath(os.path.expanduser(env))
    import platformdirs

    return platformdirs.user_config_dir("xkeys", appauthor=False)


# atomic files: xkeys.core.files (re-exported here for callers of store.atomic_write)


@contextlib.contextmanager
def file_lock(path: str) -> Iterator[None]:
    """An exclusive advisory lock held for the block (fcntl; msvcrt on Windows)."""
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if sys.platform == "win32":  # pragma: no cover - Windows
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
            try:
                yield
            finally:
                os.lseek(fd, 0, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
            return
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


# --------------------------------------------------------------------------- secret backends


class SecretBackend(Protocol):
    name: str

    def get(self, key: str) -> str | None: ...

    def get_many(self, keys: list[str]) -> dict[str, str | None]: ...

    def set_many(self, items: Mapping[str, str]) -> None: ...

    def delete_many(self, keys: list[str]) -> None: ...


def keyring_problem() -> str | None:
    """None when the keyring has a usable backend, else a sentence saying why not."""
    try:
        import keyring
        from keyring.backends import chainer, fail
    except Exception as exc:  # pragma: no cover - keyring is a dependency
        return f"the keyring package cannot be imported ({type(exc).__name__})"
    try:
        kr = keyring.get_keyring()
    except Exception as exc:
        return f"the keyring backend failed to load ({type(exc).__name__})"
    if isinstance(kr, fail.Keyring):
        return "no keyring backend is available"
    if isinstance(kr, chainer.ChainerBackend) and not list(kr.backends):
        return "no keyring backend is available"
    mod = type(kr).__module__
    if mod.startswith("keyring.backends.null"):
        return "the keyring is configured as the null backend (stores nothing)"
    return None


_T = TypeVar("_T")
_R = TypeVar("_R")


class KeyringBackend:
    name = "keyring"

    def __init__(self) -> None:
        problem = keyring_problem()
        if problem:
            raise SecretStoreUnavailable(f"{problem}: {NO_KEYRING_HELP}")
        import keyring

        self._kr = keyring

    def _call(self, what: str, fn: Callable[..., _R], *args: str) -> _R:
        from keyring.errors import KeyringError

        try:
            return fn(*args)
        except KeyringError as exc:
            raise SecretStoreUnavailable(
                f"the OS keyring refused to {what} ({type(exc).__name__}; is it locked?): {NO_KEYRING_HELP}"
            ) from None

    def get(self, key: str) -> str | None:
        return self._call("read a secret", self._kr.get_password, SERVICE, key)

    def _parallel(self, fn: Callable[[_T], _R], items: list[_T]) -> list[_R]:
        """Each Secret Service call is a D-Bus round trip (~20 ms): overlap them."""
        if len(items) <= 1:
            return [fn(i) for i in items]
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=min(KEYRING_THREADS, len(items))) as pool:
            return list(pool.map(fn, items))

    def get_many(self, keys: list[str]) -> dict[str, str | None]:
        return dict(zip(keys, self._parallel(self.get, keys), strict=True))

    def set_many(self, items: Mapping[str, str]) -> None:
        self._parallel(
            lambda kv: self._call("store a secret", self._kr.set_password, SERVICE, kv[0], kv[1]), list(items.items())
        )

    def delete_many(self, keys: list[str]) -> None:
        from keyring.errors import PasswordDeleteError

        for k in keys:
            try:
                self._call("delete a secret", self._kr.delete_password, SERVICE, k)
            except PasswordDeleteError:
                pass


class FileBackend:
    """Plaintext secrets in `secrets.json` (0600), chosen explicitly by the user."""

    name = "file"

    def __init__(self, config_dir: str) -> None:
        self.path = os.path.join(config_dir, SECRETS_FILE)

    def _read(self) -> dict[str, str]:
        try:
            with open(self.path, encoding="utf-8") as fh:
                data = json.load(fh)
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            raise StoreError(f"{self.path} is unreadable or damaged; restore it from a backup") from None
        secrets = data.get("secrets", {}) if isinstance(data, dict) else {}
        return {str(k): str(v) for k, v in secrets.items()} if isinstance(secrets, dict) else {}

    def _write(self, secrets: dict[str, str]) -> None:
        body = {
            "comment": "xkeys secrets (plain text, chosen with --secret-store file); keep this file private",
            "secrets": secrets,
        }
        atomic_write(self.path, json.dumps(body, indent=1, sort_keys=True) + "\n", 0o600)

    def get(self, key: str) -> str | None:
        return self._read().get(key)

    def get_many(self, keys: list[str]) -> dict[str, str | None]:
        data = self._read()
        return {k: data.get(k) for k in keys}

    def set_many(self, items: Mapping[str, str]) -> None:
        data = self._read()
        data.update(items)
        self._write(data)

    def delete_many(self, keys: list[str]) -> None:
        data = self._read()
        changed = False
        for k in keys:
            if k in data:
                del data[k]
                changed = True
        if changed:
            self._write(data)

    def keys(self) -> list[str]:
        return list(self._read())


# --------------------------------------------------------------------------- data


@dataclass
class ExportRecord:
    path: str
    format: str
    dialect: str | None
    fingerprints: dict[str, str]
    at: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "format": self.format,
            "dialect": self.dialect,
            "fingerprints": dict(self.fingerprints),
            "at": self.at,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ExportRecord:
        return cls(
            path=str(d.get("path", "")),
            format=str(d.get("format", "")),
            dialect=d.get("dialect"),
            fingerprints=dict(d.get("fingerprints") or {}),
            at=str(d.get("at", "")),
        )


@dataclass
class Generation:
    """One saved state of a profile's values: fingerprints in metadata, secrets in the backend."""

    gen: int
    at: str
    reason: str
    fingerprints: dict[str, str]  # field id -> fingerprint
    lengths: dict[str, int] = field(default_factory=dict)

    @property
    def fields(self) -> list[Kind]:
        return [Kind(f) for f in self.fingerprints]

    def to_dict(self) -> dict[str, Any]:
        return {
            "gen": self.gen,
            "at": self.at,
            "reason": self.reason,
            "fingerprints": dict(self.fingerprints),
            "lengths": dict(self.lengths),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Generation:
        return cls(
            gen=int(d["gen"]),
            at=str(d.get("at", "")),
            reason=str(d.get("reason", "")),
            fingerprints={str(k): str(v) for k, v in (d.get("fingerprints") or {}).items()},
            lengths={str(k): int(v) for k, v in (d.get("lengths") or {}).items()},
        )


@dataclass
class Profile:
    """A profile: metadata plus `values` (loaded from the secret backend).

    `values` of a loaded brand profile include the values inherited from its `base`
    (its own values win); `inherited` names the kinds that came from the base, so saving
    the profile back does not copy them into the brand.
    """

    name: str
    values: dict[Kind, str] = field(default_factory=dict)
    auth_path: str | None = None  # oauth1-user | app-only | oauth2-user | ...
    preset: str | None = None
    callback_url: str | None = None
    base: str | None = None  # brand override: inherit from this profile
    extra: dict[str, Any] = field(default_factory=dict)  # non-secret facts (user, scopes, expiry)
    exports: list[ExportRecord] = field(default_factory=list)
    history: list[Generation] = field(default_factory=list)
    created: str | None = None
    rotated: str | None = None
    id: str | None = None
    secret_store: str | None = None
    inherited: dict[Kind, str] = field(default_factory=dict)  # kind -> base profile name
    #: fingerprints of the inherited values as loaded: a changed value becomes the brand's own
    inherited_fps: dict[Kind, str] = field(default_factory=dict, repr=False)

    def __repr__(self) -> str:  # never show values
        return (
            f"Profile(name={self.name!r}, fields={[k.value for k in self.values]}, "
            f"auth_path={self.auth_path!r}, base={self.base!r})"
        )

    @property
    def current(self) -> Generation | None:
        return self.history[-1] if self.history else None

    @property
    def fields(self) -> list[Kind]:
        return [k for k in FIELDS if k in self.values]

    def is_inherited(self, kind: Kind) -> bool:
        """True when `kind` came from the base and still holds the base's value."""
        if kind not in self.inherited or kind not in self.values:
            return False
        fp = self.inherited_fps.get(kind)
        return fp is None or fp == fingerprint(self.values[kind])

    @property
    def own_values(self) -> dict[Kind, str]:
        return {k: v for k, v in self.values.items() if not self.is_inherited(k)}

    def fingerprints(self) -> dict[str, str]:
        return {k.value: fingerprint(v) for k, v in self.values.items()}

    def summary(self) -> dict[str, Any]:
        """Metadata as JSON-ready data (no values): for `profile list --json` and the TUI."""
        return {
            "name": self.name,
            "auth_path": self.auth_path,
            "preset": self.preset,
            "callback_url": self.callback_url,
            "base": self.base,
            "fields": [k.value for k in self.fields],
            "inherited": sorted(k.value for k in self.inherited),
            "fingerprints": {k.value: fingerprint(v) for k, v in self.values.items()},
            "created": self.created,
            "rotated": self.rotated,
            "generation": self.current.gen if self.current else None,
            "generations": len(self.history),
            "exports": [e.to_dict() for e in self.exports],
            "secret_store": self.secret_store,
            "extra": dict(self.extra),
        }


def infer_auth_path(values: Mapping[Kind, str]) -> str | None:
    """The most capable way a credential set can authenticate (FACTS.md section 2)."""
    has = {k for k, v in values.items() if v}
    if {Kind.CONSUMER_KEY, Kind.CONSUMER_SECRET, Kind.ACCESS_TOKEN, Kind.ACCESS_TOKEN_SECRET} <= has:
        return "oauth1-user"
    if Kind.OAUTH2_ACCESS_TOKEN in has:
        return "oauth2-user"
    if Kind.CLIENT_ID in has:
        return "oauth2-client"
    if Kind.BEARER_TOKEN in has or {Kind.CONSUMER_KEY, Kind.CONSUMER_SECRET} <= has:
        return "app-only"
    return None


# --------------------------------------------------------------------------- store


def _merge_exports(stored: list[dict[str, Any]], mine: list[ExportRecord]) -> list[dict[str, Any]]:
    by_path = {str(e.get("path")): dict(e) for e in stored}
    for rec in mine:
        by_path[rec.path] = rec.to_dict()
    return list(by_path.values())


def _valid_name(name: str) -> bool:
    return bool(name) and len(name) <= 64 and all(c.isalnum() or c in "-_." for c in name) and not name.startswith(".")


def check_name(name: str) -> str:
    if not _valid_name(name):
        raise StoreError("a profile name is 1-64 letters, digits, '-', '_' or '.', not starting with '.'")
    return name


class Store:
    """Profiles on disk + secrets in the keyring (or, with consent, `secrets.json`)."""

    def __init__(self, config_dir: str | None = None, secret_store: str | None = None) -> None:
        self.config_dir = os.path.abspath(config_dir) if config_dir else default_config_dir()
        choice = secret_store or os.environ.get(ENV_SECRET_STORE) or None
        if choice is not None and choice not in SECRET_STORES:
            raise StoreError(f"unknown secret store {choice!r}: use one of {', '.join(SECRET_STORES)}")
        #: the explicit choice for this process (None: not given)
        self.explicit_store = choice
        #: the store for new secrets: explicit choice, else the one chosen explicitly earlier for
        #: this config dir (recorded in profiles.json), else the keyring
        self.secret_store = choice or "keyring"
        self.meta_path = os.path.join(self.config_dir, META_FILE)
        self.lock_path = os.path.join(self.config_dir, LOCK_FILE)
        self._backends: dict[str, SecretBackend] = {}

    # -- backends
    def backend(self, name: str | None = None) -> SecretBackend:
        name = name or self.secret_store
        if name not in self._backends:
            if name == "file":
                self._backends[name] = FileBackend(self.config_dir)
            elif name == "keyring":
                self._backends[name] = KeyringBackend()
            else:
                raise StoreError(f"unknown secret store {name!r}")
        return self._backends[name]

    # -- metadata
    def _read_meta(self) -> dict[str, Any]:
        try:
            with open(self.meta_path, encoding="utf-8") as fh:
                data = json.load(fh)
        except FileNotFoundError:
            return {"version": FORMAT_VERSION, "active": None, "profiles": {}}
        except (OSError, ValueError):
            raise StoreError(f"{self.meta_path} is unreadable or damaged") from None
        if not isinstance(data, dict) or not isinstance(data.get("profiles"), dict):
            raise StoreError(f"{self.meta_path} is not an xkeys profile file")
        return data

    def _write_meta(self, data: dict[str, Any]) -> None:
        data["version"] = FORMAT_VERSION
        atomic_write(self.meta_path, json.dumps(data, indent=2, sort_keys=True) + "\n", 0o600)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[dict[str, Any]]:
        """Lock, read the current metadata, yield it for changes, write it back."""
        with file_lock(self.lock_path):
            data = self._read_meta()
            before = copy.deepcopy(data)
            yield data
            if data != before:
                self._write_meta(data)

    # -- public API
    def list(self) -> list[str]:
        return sorted(self._read_meta()["profiles"])

    def exists(self, name: str) -> bool:
        return name in self._read_meta()["profiles"]

    def active_name(self) -> str | None:
        env = os.environ.get(ENV_PROFILE)
        if env:
            return env
        data = self._read_meta()
        active = data.get("active")
        return active if isinstance(active, str) and active in data["profiles"] else None

    def use(self, name: str) -> None:
        with self._locked() as data:
            if name not in data["profiles"]:
                raise NoProfile(f"no profile named {name!r} (see `xkeys profile list`)")
            data["active"] = name

    def _key(self, pid: str, gen: int, kind: str) -> str:
        return f"{pid}/g{gen}/{kind}"

    def _profile_from_meta(self, name: str, d: Mapping[str, Any]) -> Profile:
        return Profile(
            name=name,
            auth_path=d.get("auth_path"),
            preset=d.get("preset"),
            callback_url=d.get("callback_url"),
            base=d.get("base"),
            extra=dict(d.get("extra") or {}),
            exports=[ExportRecord.from_dict(e) for e in d.get("exports") or []],
            history=[Generation.from_dict(g) for g in d.get("history") or []],
            created=d.get("created"),
            rotated=d.get("rotated"),
            id=d.get("id"),
            secret_store=d.get("secret_store"),
        )

    def _load_values(self, p: Profile, gen: Generation | None = None) -> dict[Kind, str]:
        gen = gen or p.current
        if gen is None or not p.id:
            return {}
        backend = self.backend(p.secret_store or "keyring")
        out: dict[Kind, str] = {}
        pid = p.id
        got = backend.get_many([self._key(pid, gen.gen, f) for f in gen.fingerprints])
        for f, fp in gen.fingerprints.items():
            v = got.get(self._key(pid, gen.gen, f))
            if v is None:
                raise StoreError(
                    f"the secret store has lost {f} of profile {p.name!r} "
                    f"(generation {gen.gen}); re-import or rotate it"
                )
            if fingerprint(v) != fp:
                raise StoreError(
                    f"the stored {f} of profile {p.name!r} does not match its recorded "
                    "fingerprint; re-import or rotate it"
                )
            out[Kind(f)] = v
        return out

    def load(self, name: str | None = None, *, inherit: bool = True, values: bool = True) -> Profile:
        """The profile `name` (default: the active one) with its values (and its base's)."""
        data = self._read_meta()
        if name is None:
            name = self.active_name()
            if name is None:
                raise NoProfile(
                    "no active profile: create one with `xkeys profile import` "
                    "or pick one with `xkeys profile use NAME`"
                )
        d = data["profiles"].get(name)
        if d is None:
            raise NoProfile(f"no profile named {name!r} (see `xkeys profile list`)")
        p = self._profile_from_meta(name, d)
        if not values:
            return p
        own = self._load_values(p)
        merged: dict[Kind, str] = {}
        inherited: dict[Kind, str] = {}
        if inherit and p.base:
            seen = {name}
            base_name: str | None = p.base
            chain: list[tuple[str, dict[Kind, str]]] = []
            while base_name and base_name not in seen and base_name in data["profiles"]:
                seen.add(base_name)
                bp = self._profile_from_meta(base_name, data["profiles"][base_name])
                chain.append((base_name, self._load_values(bp)))
                base_name = bp.base
            for bname, bvals in reversed(chain):
                for k, v in bvals.items():
                    merged[k] = v
                    inherited[k] = bname
        for k, v in own.items():
            merged[k] = v
            inherited.pop(k, None)
        p.values = {k: merged[k] for k in FIELDS if k in merged}
        p.inherited = inherited
        p.inherited_fps = {k: fingerprint(merged[k]) for k in inherited}
        remember(*p.values.values())
        return p

    def load_generation(self, name: str, gen: int) -> dict[Kind, str]:
        """The own values a profile had in generation `gen` (for rollback and 'where old values live')."""
        p = self.load(name, values=False)
        for g in p.history:
            if g.gen == gen:
                vals = self._load_values(p, g)
                remember(*vals.values())
                return vals
        raise StoreError(f"profile {name!r} has no generation {gen} (see `xkeys profile history {name}`)")

    def save(self, profile: Profile, *, reason: str = "save", rotated: bool = False) -> Profile:
        """Store `profile` (metadata + own values). A change of values makes a new generation.

        Values inherited from the base (unchanged since load) are not copied into the profile.
        Returns the profile as saved (history, id, times filled in).
        """
        check_name(profile.name)
        if profile.base == profile.name:
            raise StoreError("a profile cannot be its own base")
        own = {Kind(k): v for k, v in profile.own_values.items() if v and Kind(k) in FIELDS}
        for k, v in own.items():
            if any(c in v for c in "\x00\r\n"):
                raise StoreError(f"the {k.value} value contains a line break or NUL; paste it again")
        with self._locked() as data:
            profiles = data["profiles"]
            existing = profiles.get(profile.name)
            if existing is not None and profile.id and existing.get("id") != profile.id:
                raise StoreError(f"another profile named {profile.name!r} exists")
            if profile.base and profile.base not in profiles:
                raise NoProfile(f"base profile {profile.base!r} does not exist")
            walk, hops = profile.base, 0
            while walk and hops < 64:
                if walk == profile.name:
                    raise StoreError(
                        f"profile {profile.base!r} already inherits from {profile.name!r}: "
                        "a base cannot inherit from its brand"
                    )
                walk, hops = profiles.get(walk, {}).get("base"), hops + 1
            now = _now()
            d: dict[str, Any] = dict(existing or {})
            pid = d.get("id") or profile.id or _secrets.token_hex(8)
            # an existing profile keeps its secret store; a new one uses the explicit choice, else
            # the choice the user made explicitly before for this config dir, else the keyring
            if d.get("history"):
                store_name = d.get("secret_store") or "keyring"
            elif self.explicit_store:
                store_name = self.explicit_store
            else:
                store_name = data.get("secret_store_default") or "keyring"
            if self.explicit_store:
                data["secret_store_default"] = self.explicit_store
            history = [Generation.from_dict(g) for g in d.get("history") or []]
            cur = history[-1] if history else None
            fps = {k.value: fingerprint(v) for k, v in own.items()}
            pruned: list[str] = []
            if cur is None or cur.fingerprints != fps:
                backend = self.backend(store_name)
                gen_no = (max(g.gen for g in history) + 1) if history else 1
                backend.set_many({self._key(pid, gen_no, k.value): v for k, v in own.items()})
                history.append(
                    Generation(
                        gen=gen_no,
                        at=now,
                        reason=reason,
                        fingerprints=fps,
                        lengths={k.value: len(v) for k, v in own.items()},
                    )
                )
                if rotated:
                    d["rotated"] = now
                while len(history) > HISTORY_LIMIT:
                    old = history.pop(0)
                    pruned.extend(self._key(pid, old.gen, f) for f in old.fingerprints)
            d.update(
                {
                    "id": pid,
                    "auth_path": profile.auth_path,
                    "preset": profile.preset,
                    "callback_url": profile.callback_url,
                    "base": profile.base,
                    "extra": dict(profile.extra),
                    # records written meanwhile (another process's export) are kept: merge by path
                    "exports": _merge_exports(d.get("exports") or [], profile.exports),
                    "history": [g.to_dict() for g in history],
                    "created": d.get("created") or profile.created or now,
                    "secret_store": store_name,
                    "fields": sorted(fps),
                }
            )
            d.setdefault("rotated", None)
            profiles[profile.name] = d
            if not data.get("active"):
                data["active"] = profile.name
        if pruned:  # after the commit point: losing these in a crash only leaves orphans
            with contextlib.suppress(StoreError), file_lock(self.lock_path):  # secrets.json is shared
                self.backend(store_name).delete_many(pruned)
        saved = self.load(profile.name, values=False)
        saved.values = dict(profile.values)
        saved.inherited = {k: b for k, b in profile.inherited.items() if profile.is_inherited(k)}
        saved.inherited_fps = {k: fingerprint(profile.values[k]) for k in saved.inherited}
        remember(*own.values())
        return saved

    def update_meta(self, name: str, **changes: Any) -> Profile:
        """Change metadata only (callback URL, preset, extra, exports...) without a new generation."""
        allowed = {"auth_path", "preset", "callback_url", "base", "extra", "exports"}
        bad = set(changes) - allowed
        if bad:
            raise StoreError(f"cannot change {', '.join(sorted(bad))} this way")
        with self._locked() as data:
            d = data["profiles"].get(name)
            if d is None:
                raise NoProfile(f"no profile named {name!r} (see `xkeys profile list`)")
            if changes.get("base"):
                if changes["base"] == name or changes["base"] not in data["profiles"]:
                    raise StoreError(f"base profile {changes['base']!r} is not another existing profile")
                walk, hops = changes["base"], 0
                while walk and hops < 64:
                    if walk == name:
                        raise StoreError(f"profile {changes['base']!r} already inherits from {name!r}")
                    walk, hops = data["profiles"].get(walk, {}).get("base"), hops + 1
            for k, v in changes.items():
                if k == "exports":
                    v = [e.to_dict() if isinstance(e, ExportRecord) else dict(e) for e in v]
                d[k] = v
        return self.load(name, values=False)

    def add_export(self, name: str, record: ExportRecord) -> None:
        """Record an export (replacing an older record of the same path)."""
        with self._locked() as data:
            d = data["profiles"].get(name)
            if d is None:
                raise NoProfile(f"no profile named {name!r} (see `xkeys profile list`)")
            exports = [e for e in d.get("exports") or [] if e.get("path") != record.path]
            exports.append(record.to_dict())
            d["exports"] = exports

    def rename(self, old: str, new: str) -> None:
        check_name(new)
        with self._locked() as data:
            profiles = data["profiles"]
            if old not in profiles:
                raise NoProfile(f"no profile named {old!r} (see `xkeys profile list`)")
            if new in profiles:
                raise StoreError(f"a profile named {new!r} already exists")
            profiles[new] = profiles.pop(old)
            for d in profiles.values():
                if d.get("base") == old:
                    d["base"] = new
            if data.get("active") == old:
                data["active"] = new

    def delete(self, name: str) -> None:
        keys: list[str] = []
        store_name = "keyring"
        with self._locked() as data:
            profiles = data["profiles"]
            d = profiles.get(name)
            if d is None:
                raise NoProfile(f"no profile named {name!r} (see `xkeys profile list`)")
            users = sorted(n for n, o in profiles.items() if o.get("base") == name)
            if users:
                raise StoreError(f"profile {name!r} is the base of {', '.join(users)}; delete or re-base those first")
            pid = d.get("id")
            store_name = d.get("secret_store") or "keyring"
            for g in d.get("history") or []:
                keys.extend(self._key(pid, int(g["gen"]), f) for f in g.get("fingerprints") or {})
            del profiles[name]
            if data.get("active") == name:
                data["active"] = None
        if keys:
            with file_lock(self.lock_path):
                self.backend(store_name).delete_many(keys)

    def rollback(self, name: str, gen: int | None = None) -> Profile:
        """Make an earlier generation current again (as a new generation, so nothing is lost)."""
        p = self.load(name, inherit=False)
        if len(p.history) < 2 and gen is None:
            raise StoreError(f"profile {name!r} has no earlier values to go back to")
        target = gen if gen is not None else p.history[-2].gen
        vals = self.load_generation(name, target)
        p.values = vals
        p.inherited = {}
        p.inherited_fps = {}
        return self.save(p, reason=f"rollback to g{target}")

    def history(self, name: str) -> builtins.list[Generation]:  # `list` here is Store.list
        return self.load(name, values=False).history
