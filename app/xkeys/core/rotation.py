"""Guided key rotation as data: impact preview, portal steps, shape checks of the new values,
live verification before saving, history, and where the old values still live.

The facts come from `xkeys.core.portal.ROTATIONS` (FACTS.md sections 1, 2 and 4 steps 5-6):
regenerating the consumer pair invalidates the bearer and every OAuth 1.0a user token issued
to the app; rotating the OAuth 2.0 Client Secret revokes every OAuth 2.0 token (every connected
account signs in again); regenerating access tokens kills the old pair. This module adds what
only the store knows: which of those values this profile (and the brands inheriting from it)
hold, which exported files and environment variables still carry them, and the save itself
(a new generation, so `xkeys profile rollback` can undo it).

Flow for a UI (CLI or TUI - both render these objects):
    plan = preview(store, "acme", "consumer")            # Impact: show it, ask to go on
    problems = check_new_values(plan, pasted)             # shape checks (shapes.classify)
    result = await verify(plan, pasted, api_base=...)     # doctor.run_doctor on the new set
    saved = commit(store, plan, pasted)                   # only after a passing verify
"""

from __future__ import annotations

import glob
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from xkeys.core.kinds import FIELDS, KINDS, Kind
from xkeys.core.portal import CONSOLE_URL, ROTATIONS
from xkeys.core.redact import fingerprint, remember
from xkeys.core.store import Profile, Store, StoreError

TARGETS: tuple[str, ...] = tuple(ROTATIONS)

#: after the portal step, what brings back each invalidated kind (FACTS.md sections 2 and 4)
RECOVER: dict[Kind, str] = {
    Kind.BEARER_TOKEN: "regenerate the Bearer Token (Keys and tokens > Bearer Token > Regenerate) and paste it",
    Kind.ACCESS_TOKEN: "regenerate the Access Token and Secret (Keys and tokens > Access Token and Secret) "
    "or run `xkeys login pin`, and paste them",
    Kind.ACCESS_TOKEN_SECRET: "comes with the Access Token",
    Kind.OAUTH2_ACCESS_TOKEN: "every connected account signs in again: `xkeys login pkce`",
    Kind.OAUTH2_REFRESH_TOKEN: "comes with the new OAuth 2.0 login",
}
#: invalidated kinds the portal can hand out again right away (so they are asked for with the new values)
PORTAL_REISSUES = frozenset({Kind.BEARER_TOKEN, Kind.ACCESS_TOKEN, Kind.ACCESS_TOKEN_SECRET})

#: .env-like files in the working directory that may still carry old values
DOTENV_GLOBS = (".env", ".env.*", "*.env", ".envrc")
MAX_SCAN_BYTES = 1_000_000


@dataclass
class Exposure:
    """A place that still holds an old value: an exported file, an env var, a .env file."""

    kind: str  # export | env | file
    where: str  # path or variable name
    fields: list[str]  # kind ids whose old value is there
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "where": self.where, "fields": list(self.fields), "note": self.note}


@dataclass
class Impact:
    """Everything to show before a rotation starts. No values: kinds, fingerprints, names."""

    profile: str  # the profile asked for
    owner: str  # the profile the rotated values live in (a base, for brands)
    target: str
    title: str
    regenerates: list[Kind]
    invalidates: list[Kind]  # of those, the ones the owner/brands hold
    ask: list[Kind]  # values to paste after the portal step
    drop: list[Kind]  # values that die and cannot be pasted (re-login)
    impact: str
    consequences: list[str]
    steps: list[str]
    after: list[str]
    affected_profiles: list[str]  # brands inheriting the rotated values
    exposures: list[Exposure] = field(default_factory=list)
    old_fingerprints: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "profile": self.profile,
            "owner": self.owner,
            "target": self.target,
            "title": self.title,
            "regenerates": [k.value for k in self.regenerates],
            "invalidates": [k.value for k in self.invalidates],
            "ask": [k.value for k in self.ask],
            "drop": [k.value for k in self.drop],
            "impact": self.impact,
            "consequences": list(self.consequences),
            "steps": list(self.steps),
            "after": list(self.after),
            "affected_profiles": list(self.affected_profiles),
            "exposures": [e.to_dict() for e in self.exposures],
            "old_fingerprints": dict(self.old_fingerprints),
        }


def _label(k: Kind) -> str:
    return KINDS[k].label


def _brands_of(store: Store, name: str) -> list[str]:
    out = []
    for other in store.list():
        if other != name and store.load(other, values=False).base == name:
            out.append(other)
    return out


def preview(
    store: Store, profile: str | None, target: str, *, environ: Mapping[str, str] | None = None, cwd: str | None = None
) -> Impact:
    """What rotating `target` ("consumer", "bearer", "access", "client-secret") of a profile means."""
    if target not in ROTATIONS:
        raise StoreError(f"nothing called {target!r} to rotate: choose one of {', '.join(TARGETS)}")
    rot = ROTATIONS[target]
    prof = store.load(profile)
    # a brand inheriting the rotated values: they live in (and are rotated in) the base profile
    held_here = [k for k in rot.regenerates if k in prof.values]
    sources = {prof.inherited.get(k) for k in held_here}
    owner_name = prof.name
    if held_here and len(sources) == 1 and None not in sources:
        owner_name = str(sources.pop())
    owner = prof if owner_name == prof.name else store.load(owner_name)
    brands = _brands_of(store, owner.name)
    held = {k for k in FIELDS if owner.values.get(k)}
    invalid = [k for k in rot.invalidates if k in held]
    consequences = [rot.impact]
    for b in brands:
        bp = store.load(b, inherit=False)
        own_dead = [k for k in rot.invalidates if k in bp.values]
        inherits = [k for k in rot.regenerates if k not in bp.values]
        if inherits:
            consequences.append(
                f"Brand profile {b} inherits the {', '.join(_label(k) for k in inherits)} from "
                f"{owner.name}: it gets the new values automatically."
            )
        if own_dead:
            consequences.append(
                f"Brand profile {b} holds its own {', '.join(_label(k) for k in own_dead)}, issued "
                "to this app: they stop working too and must be replaced in that profile."
            )
    if target == "client-secret" and (Kind.OAUTH2_ACCESS_TOKEN in held or owner.extra.get("username")):
        who = owner.extra.get("username")
        consequences.append(
            f"The OAuth 2.0 connection{' of @' + who if who else ''} stored here ends: sign in again "
            "after the rotation. Every other account connected to the app must reconnect too."
        )
    if target == "consumer" and Kind.ACCESS_TOKEN in held:
        who = owner.extra.get("screen_name")
        consequences.append(f"The Access Token{' of @' + who if who else ''} stored here stops working.")
    missing = [k for k in rot.regenerates if k not in held]
    if missing and len(missing) == len(rot.regenerates):
        consequences.append(
            f"Profile {owner.name} does not hold the {' / '.join(_label(k) for k in missing)} yet: "
            "the rotation adds them."
        )
    ask = [*rot.regenerates, *(k for k in invalid if k in PORTAL_REISSUES)]
    drop = [k for k in invalid if k not in PORTAL_REISSUES]
    steps = [
        f"Open {CONSOLE_URL} and sign in (not console.x.ai); open the Project and the App of profile {owner.name}.",
        f"Go to {' > '.join(rot.clicks[:-1])} and press {rot.clicks[-1]}; confirm.",
        f"Copy the new {' and '.join(_label(k) for k in rot.regenerates)} right away: X shows secrets only once.",
    ]
    for k in invalid:
        if k in PORTAL_REISSUES and k is not Kind.ACCESS_TOKEN_SECRET:
            steps.append(f"Then {RECOVER[k]}.")
    after = [f"{RECOVER[k]}" for k in drop if k is not Kind.OAUTH2_REFRESH_TOKEN]
    if drop:
        after = [f"Reconnect: `xkeys login pkce --profile {owner.name}` (and every other account using the app)."]
    after.append("Update every place listed under 'old values still live here', then run `xkeys doctor`.")
    old = {k: owner.values[k] for k in (*rot.regenerates, *invalid) if owner.values.get(k)}
    imp = Impact(
        profile=prof.name,
        owner=owner.name,
        target=target,
        title=rot.title,
        regenerates=list(rot.regenerates),
        invalidates=invalid,
        ask=ask,
        drop=drop,
        impact=rot.impact,
        consequences=consequences,
        steps=steps,
        after=after,
        affected_profiles=brands,
        old_fingerprints={k.value: fingerprint(v) for k, v in old.items()},
    )
    # files exported from brands carry the owner's (inherited) values too
    records = list(owner.exports)
    for b in brands:
        records.extend(store.load(b, values=False).exports)
    imp.exposures = where_old_values_live(owner, old, environ=environ, cwd=cwd, exports=records)
    return imp


def _file_holds(path: str, old: Mapping[Kind, str]) -> list[str] | None:
    """Kinds whose old value is in the file; None when the file is gone or unreadable."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_SCAN_BYTES)
    except OSError:
        return None
    text = data.decode("utf-8", "replace")
    return [k.value for k, v in old.items() if v and v in text]


def where_old_values_live(
    profile: Profile,
    old: Mapping[Kind, str],
    *,
    environ: Mapping[str, str] | None = None,
    cwd: str | None = None,
    exports: list[Any] | None = None,
) -> list[Exposure]:
    """Exported files recorded on the profile (or the given export records), env vars of this
    shell and .env files in `cwd` that still carry one of the `old` values (matched by value;
    reported by name and field only)."""
    env = os.environ if environ is None else environ
    out: list[Exposure] = []
    by_fp = {fingerprint(v): k for k, v in old.items() if v}
    seen: set[str] = set()
    for rec in profile.exports if exports is None else exports:
        path = os.path.abspath(rec.path)
        if path in seen:
            continue
        seen.add(path)
        recorded = [f for f, fp in rec.fingerprints.items() if fp in by_fp]
        if not recorded:
            continue
        holds = _file_holds(path, old)
        if holds is None:
            continue  # deleted since: nothing left there
        if holds:
            out.append(Exposure("export", path, holds, f"written by `xkeys export --format {rec.format}` on {rec.at}"))
    for name in sorted(env):
        value = env[name]
        if not value:
            continue
        if fingerprint(value) in by_fp:
            out.append(Exposure("env", name, [by_fp[fingerprint(value)].value], "set in this shell"))
            continue
        inside = [k.value for k, v in old.items() if v and len(v) >= 12 and v in value]
        if inside:  # e.g. "Bearer <token>" or a URL carrying it
            out.append(Exposure("env", name, inside, "set in this shell (inside a longer value)"))
    base = os.path.abspath(cwd or os.getcwd())
    candidates: list[str] = []
    for pattern in DOTENV_GLOBS:
        candidates.extend(glob.glob(os.path.join(glob.escape(base), pattern)))
    for path in sorted(set(candidates)):
        if path in seen or not os.path.isfile(path):
            continue
        holds = _file_holds(path, old)
        if holds:
            out.append(Exposure("file", path, holds, "in the current directory"))
    return out


def check_new_values(imp: Impact, new: Mapping[Kind, str], old: Mapping[Kind, str] | None = None) -> dict[Kind, str]:
    """Shape-check pasted values (shapes.classify with the field). -> {kind: problem} (empty = fine).

    The cleaned values (whitespace, quotes, `Bearer ` removed) are what `commit` should store:
    use `clean_values`."""
    from xkeys.core.shapes import classify

    problems: dict[Kind, str] = {}
    for k in imp.ask:
        v = new.get(k)
        if not v:
            if k in imp.regenerates:
                problems[k] = f"the new {_label(k)} is required"
            continue
        c = classify(v, k)
        if c.kind is not k:
            what = "not recognised" if c.kind is Kind.UNKNOWN else f"looks like {_article(KINDS[c.kind].label)}"
            problems[k] = f"this is {what}, not {_article(_label(k))}" + (f" ({c.message})" if c.message else "")
        elif old and old.get(k) == c.value and KINDS[k].secret:  # a regenerated key may keep its id
            problems[k] = f"this is the old {_label(k)}: press Regenerate in the portal first, then paste the new one"
    return problems


def _article(label: str) -> str:
    return ("an " if label[:1].lower() in "aeiou" else "a ") + label


def clean_values(new: Mapping[Kind, str]) -> dict[Kind, str]:
    from xkeys.core.shapes import classify

    out = {}
    for k, v in new.items():
        if v:
            out[k] = classify(v, k).value or v.strip()
    remember(*out.values())
    return out


def candidate_set(store: Store, imp: Impact, new: Mapping[Kind, str]) -> dict[Kind, str]:
    """The full credential set after the rotation: the owner's values, the dead ones removed,
    the new ones in."""
    owner = store.load(imp.owner)
    values = {k: v for k, v in owner.values.items() if k not in imp.invalidates and k not in imp.regenerates}
    values.update({k: v for k, v in new.items() if v})
    return values


#: what the live check of a rotation looks at: the rotated family only, so an unrelated stale
#: value (say, an old OAuth 2.0 token during a consumer-key rotation) does not block the save
_OAUTH1_APP = frozenset(
    {Kind.CONSUMER_KEY, Kind.CONSUMER_SECRET, Kind.BEARER_TOKEN, Kind.ACCESS_TOKEN, Kind.ACCESS_TOKEN_SECRET}
)
VERIFY_FAMILY: dict[str, frozenset[Kind]] = {
    "consumer": _OAUTH1_APP,
    "bearer": _OAUTH1_APP,
    "access": _OAUTH1_APP,
    "client-secret": frozenset({Kind.CLIENT_ID, Kind.CLIENT_SECRET}),
}


@dataclass
class Verification:
    ok: bool
    exit_code: int
    report: Any  # doctor.Report
    failed: list[str]  # "check id: message" lines

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "exit_code": self.exit_code,
            "failed": list(self.failed),
            "report": self.report.to_dict() if hasattr(self.report, "to_dict") else None,
        }


async def verify(
    store: Store,
    imp: Impact,
    new: Mapping[Kind, str],
    *,
    need: str = "read",
    api_base: str | None = None,
    timeout: float = 10.0,
    client: Any = None,
    on_result: Any = None,
) -> Verification:
    """Run doctor (shape + cross + live probes) on the would-be credential set of the rotated
    family (`VERIFY_FAMILY`); ok = doctor's exit code 0 (pass or warn)."""
    from xkeys.core.creds import Credentials
    from xkeys.core.doctor import run_doctor

    owner = store.load(imp.owner, values=False)
    family = VERIFY_FAMILY[imp.target]
    values = {k: v for k, v in candidate_set(store, imp, new).items() if k in family}
    creds = Credentials(
        values=values,
        sources={k: f"rotation:{imp.owner}" for k in values},
        profile=imp.owner,
        redirect_uri=owner.callback_url,
    )
    report = await run_doctor(creds, need=need, api_base=api_base, timeout=timeout, client=client, on_result=on_result)
    failed = [
        f"{c.id}: {c.message}" + (f" [{c.diagnosis}]" if c.diagnosis else "")
        for c in report.checks
        if getattr(c.status, "value", c.status) == "fail"
    ]
    code = int(report.exit_code)
    return Verification(ok=code == 0, exit_code=code, report=report, failed=failed)


def commit(store: Store, imp: Impact, new: Mapping[Kind, str]) -> Profile:
    """Save the rotated set as a new generation of the owner profile (the old one stays in history)."""
    owner = store.load(imp.owner)
    for k in imp.invalidates:
        if k not in new:
            owner.values.pop(k, None)
            owner.inherited.pop(k, None)
    for k, v in new.items():
        if v:
            owner.values[k] = v
            owner.inherited.pop(k, None)
    if imp.drop:
        for key in ("oauth2_expires_at", "missing_scopes"):
            owner.extra.pop(key, None)
    return store.save(owner, reason=f"rotate {imp.target}", rotated=True)
