"""The support report: doctor's findings + the environment, redacted, as Markdown or JSON; and
the difference between two reports.

Made from engineer E's doctor `Report` (no probes of its own) and `envinfo.collect`. Nothing in
it is a credential value: each credential appears as field, source, kind seen, shape status,
length, fingerprint (first 8 hex of sha256) and - identifiers only - its first 6 characters.
Every string is passed through `redact.GLOBAL` once more before it is returned (defence in depth).

JSON shape (`"report_version": 1`; keys are only ever added):
`{"report": "xkeys support report", "report_version", "generated_at", "xkeys", "profile",
"need", "offline", "api_base" (scheme://host only), "summary": {"pass","warn","fail","skip"},
"exit_code", "access_level", "user": {"id","username"}|null, "credentials": [{"field", "label",
"source", "kind", "shape", "confidence", "length", "fingerprint", "prefix", "hygiene", "user_id",
"message"}], "checks": [{"id","status","message","diagnosis","elapsed_ms","fix","details"}],
"diagnoses": [{"id","title","fix","checks"}], "clock": {"skew_seconds","status","message"}|null,
"rate_limit": {...}|null, "usage": {...}|null, "transaction_ids": [...], "notes": [...],
"environment": {...envinfo}}`.

`diff_reports(a, b)` compares two such documents (doctor's `--json` output works too): per-field
fingerprints, kinds and shape status, access level, user, diagnoses added/removed, check status
changes, credential sources and the xkeys / Python / OS versions.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from xkeys.core import envinfo, redact
from xkeys.core.files import atomic_write
from xkeys.core.kinds import FIELDS, Kind, is_secret, label

REPORT_NAME = "xkeys support report"
REPORT_VERSION = 1

_KNOWN_STATUSES = ("pass", "warn", "fail", "skip")


class ReportError(ValueError):
    """A document is not a report xkeys can read (safe message: never quotes the content)."""


# --------------------------------------------------------------------------- building


def _catalog(diag_id: str | None) -> Any:
    if not diag_id:
        return None
    try:
        from xkeys.core import knowledge

        return knowledge.get(diag_id)
    except Exception:
        return None


def _first_fix(diag_id: str | None) -> str | None:
    entry = _catalog(diag_id)
    if entry is None or not getattr(entry, "fix", None):
        return None
    return str(entry.fix[0])


def _status(value: Any) -> str:
    return str(getattr(value, "value", value))


def _credential_rows(doctor: Any, creds: Any, environ: Mapping[str, str]) -> list[dict[str, Any]]:
    values: Mapping[Kind, str] = getattr(creds, "values", {}) or {}
    sources: Mapping[Kind, str] = getattr(creds, "sources", {}) or {}
    checks = {c.id: c for c in getattr(doctor, "checks", [])}
    rows: list[dict[str, Any]] = []
    for kind in FIELDS:
        check = checks.get(f"shape.{kind.value}")
        value = values.get(kind)
        if check is None and not value:
            continue
        d = dict(getattr(check, "details", {}) or {})
        seen_kind = d.get("kind")
        row: dict[str, Any] = {
            "field": kind.value,
            "label": label(kind),
            "source": envinfo.safe_source(sources[kind], environ) if kind in sources else None,
            "kind": seen_kind,
            "shape": _status(check.status) if check is not None else None,
            "confidence": d.get("confidence"),
            "length": d.get("length", len(value) if value else 0),
            "fingerprint": d.get("fingerprint") or (redact.fingerprint(value) if value else None),
            "prefix": None,
            "hygiene": list(d.get("hygiene") or []),
            "user_id": d.get("user_id"),
            "diagnosis": getattr(check, "diagnosis", None),
            "message": getattr(check, "message", None),
        }
        # an identifier's first 6 chars - only when the field holds an identifier and the value
        # was recognised as one (a secret pasted into the Client ID field shows no prefix)
        if value and not is_secret(kind) and (seen_kind is None or not is_secret(seen_kind)):
            row["prefix"] = redact.prefix(value.strip(), kind)
        rows.append(row)
    return rows


def _check_rows(doctor: Any) -> list[dict[str, Any]]:
    rows = []
    for c in getattr(doctor, "checks", []):
        d = c.to_dict()
        d["fix"] = _first_fix(c.diagnosis) if _status(c.status) in ("fail", "warn") else None
        if c.details:
            d["details"] = redact.GLOBAL.scrub_obj(_jsonable(c.details))
        rows.append(d)
    return rows


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, Mapping):
        return {str(getattr(k, "value", k)): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, (str, int, float, bool)) or obj is None:
        return obj
    return str(getattr(obj, "value", obj))


def _probe_part(doctor: Any, check_id: str) -> dict[str, Any] | None:
    c = next((c for c in getattr(doctor, "checks", []) if c.id == check_id), None)
    if c is None:
        return None
    part: dict[str, Any] = {"status": _status(c.status), "message": c.message, "diagnosis": c.diagnosis}
    part.update(_jsonable(c.details or {}))
    return part


def build_report(
    doctor: Any,
    creds: Any = None,
    *,
    environ: Mapping[str, str] | None = None,
    now: float | None = None,
    size: tuple[int, int] | None = None,
    environment: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The report document from a finished doctor `Report` and the credentials it checked."""
    env = os.environ if environ is None else environ
    t = time.time() if now is None else now
    checks = _check_rows(doctor)
    diagnoses: list[dict[str, Any]] = []
    for diag_id in getattr(doctor, "diagnoses", []):
        entry = _catalog(diag_id)
        diagnoses.append(
            {
                "id": diag_id,
                "title": getattr(entry, "title", None),
                "fix": _first_fix(diag_id),
                "checks": [c["id"] for c in checks if c["diagnosis"] == diag_id and c["status"] in ("fail", "warn")],
            }
        )
    clock = _probe_part(doctor, "probe.clock")
    user = getattr(doctor, "user", None)
    doc: dict[str, Any] = {
        "report": REPORT_NAME,
        "report_version": REPORT_VERSION,
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t)),
        "xkeys": _version(),
        "profile": getattr(doctor, "profile", None) or getattr(creds, "profile", None),
        "need": getattr(doctor, "need", None),
        "offline": bool(getattr(doctor, "offline", False)),
        "api_base": envinfo.host_of(getattr(doctor, "api_base", None)),
        "summary": dict(getattr(doctor, "summary", {}) or {}),
        "exit_code": getattr(doctor, "exit_code", None),
        "access_level": getattr(doctor, "access_level", None),
        "user": {"id": user.get("id"), "username": user.get("username")} if user else None,
        "credentials": _credential_rows(doctor, creds, env),
        "checks": checks,
        "diagnoses": diagnoses,
        "clock": (
            {"skew_seconds": clock.get("skew_seconds"), "status": clock["status"], "message": clock["message"]}
            if clock
            else None
        ),
        "rate_limit": _probe_part(doctor, "probe.rate-limit"),
        "usage": _probe_part(doctor, "probe.usage"),
        "transaction_ids": list(getattr(doctor, "transaction_ids", []) or []),
        "notes": list(getattr(doctor, "notes", []) or []),
        "environment": (
            dict(environment) if environment is not None else envinfo.collect(env, creds=creds, size=size, now=t)
        ),
    }
    if not doc["credentials"]:
        from xkeys.core.creds import searched_names

        doc["exit_code"] = 1 if doc["exit_code"] in (0, None) else doc["exit_code"]
        doc["notes"].insert(
            0,
            "no X credentials were found: looked at --env-file, the environment variables "
            f"{' '.join(searched_names())} and the active profile",
        )
    return redact.GLOBAL.scrub_dict(doc)


def _version() -> str:
    from xkeys import __version__

    return __version__


async def collect_report(
    creds: Any,
    *,
    need: str = "write",
    offline: bool = False,
    api_base: str | None = None,
    timeout: float = 10.0,
    client: Any = None,
    environ: Mapping[str, str] | None = None,
    clock: Any = None,
    on_result: Any = None,
) -> dict[str, Any]:
    """Run engineer E's doctor on `creds` and build the report from what it found."""
    from xkeys.core.doctor import run_doctor

    doctor = await run_doctor(
        creds,
        need=need,
        offline=offline,
        api_base=api_base,
        timeout=timeout,
        client=client,
        clock=clock,
        on_result=on_result,
    )
    return build_report(doctor, creds, environ=environ, now=clock() if clock else None)


# --------------------------------------------------------------------------- rendering


def to_json(doc: Mapping[str, Any]) -> str:
    return redact.scrub(json.dumps(doc, indent=2, ensure_ascii=False)) + "\n"


def _cell(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)
    text = " ".join(str(value).split())
    return text.replace("|", "\\|").replace("`", "'")


_MARK = {"pass": "✓", "warn": "!", "fail": "✗", "skip": "–"}


def _headline(doc: Mapping[str, Any]) -> str:
    s = doc.get("summary") or {}
    words = (("pass", "passed"), ("warn", "warnings"), ("fail", "failed"), ("skip", "skipped"))
    parts = [f"{s.get(k, 0)} {w}" for k, w in words]
    return ", ".join(parts)


def rate_text(part: Mapping[str, Any] | None) -> str:
    if not part:
        return "not checked"
    if part.get("limit") and part.get("remaining") is not None:
        endpoint = part.get("endpoint") or "tightest endpoint"
        return f"{part['remaining']:,} of {part['limit']:,} left on {endpoint} ({part['status']})"
    return f"{part.get('message') or 'unknown'} ({part.get('status')})"


def usage_text(part: Mapping[str, Any] | None) -> str:
    if not part:
        return "not checked"
    used, cap = part.get("project_usage"), part.get("project_cap")
    if isinstance(used, (int, float)) and isinstance(cap, (int, float)) and cap:
        reset = part.get("cap_reset_day")
        tail = f", resets on day {reset}" if reset is not None else ""
        return f"{used:,} of {cap:,} this month ({used / cap:.0%}){tail} ({part['status']})"
    return f"{part.get('message') or 'unknown'} ({part.get('status')})"


def clock_text(part: Mapping[str, Any] | None) -> str:
    if not part:
        return "not checked"
    skew = part.get("skew_seconds")
    if isinstance(skew, (int, float)):
        side = "ahead of" if skew > 0 else "behind" if skew < 0 else "in step with"
        return f"{abs(skew):g} s {side} X ({part['status']})" if skew else f"in step with X ({part['status']})"
    return f"{part.get('message') or 'unknown'} ({part.get('status')})"


def to_markdown(doc: Mapping[str, Any]) -> str:
    """The report as Markdown that reads well pasted into a ticket, forum or chat."""
    lines: list[str] = []
    w = lines.append
    w(f"# {REPORT_NAME}")
    w("")
    w(
        f"Generated {doc.get('generated_at')} by xkeys {doc.get('xkeys')}"
        + (f" · profile `{doc['profile']}`" if doc.get("profile") else "")
        + f" · need {doc.get('need')}"
        + (" · offline" if doc.get("offline") else f" · API {doc.get('api_base')}")
    )
    w("")
    w(
        "> Redacted by xkeys: secrets appear only as kind, length and fingerprint (first 8 hex of "
        "sha256); identifiers as at most their first 6 characters. Safe to paste into a ticket."
    )
    w("")
    w("## Summary")
    w("")
    w(f"- **Result:** {_headline(doc)} (exit {doc.get('exit_code')})")
    user = doc.get("user")
    w(f"- **Access level:** {doc.get('access_level') or 'unknown'}")
    w("- **User:** " + (f"@{user.get('username')} (id {user.get('id')})" if user else "unknown"))
    diags = doc.get("diagnoses") or []
    w("- **Diagnoses:** " + (", ".join(f"`{d['id']}`" for d in diags) if diags else "none"))
    w(f"- **Rate limit:** {rate_text(doc.get('rate_limit'))}")
    w(f"- **Usage:** {usage_text(doc.get('usage'))}")
    w(f"- **Clock:** {clock_text(doc.get('clock'))}")
    tids = doc.get("transaction_ids") or []
    w("- **X transaction ids:** " + (", ".join(f"`{t}`" for t in tids) if tids else "none recorded"))
    w("")
    w("## Credentials")
    w("")
    creds = doc.get("credentials") or []
    if creds:
        w("| field | source | kind seen | shape | length | fingerprint | prefix |")
        w("|---|---|---|---|---|---|---|")
        for c in creds:
            shape = c.get("shape")
            w(
                f"| {_cell(c.get('label') or c.get('field'))} | {_cell(c.get('source'))} | {_cell(c.get('kind'))} | "
                f"{_MARK.get(shape or '', '')} {_cell(shape)} | {_cell(c.get('length'))} | "
                f"`{_cell(c.get('fingerprint'))}` | "
                f"{_cell(c.get('prefix') and c['prefix'] + '…')} |"
            )
    else:
        w("No credentials were found.")
    w("")
    w("## Checks")
    w("")
    if not doc.get("checks"):
        w("No checks ran.")
    else:
        w("| | check | diagnosis | message | first fix |")
        w("|---|---|---|---|---|")
    for c in doc.get("checks") or []:
        w(
            f"| {_MARK.get(c.get('status'), '?')} | `{c.get('id')}` | {_cell(c.get('diagnosis'))} | "
            f"{_cell(c.get('message'))} | {_cell(c.get('fix'))} |"
        )
    if diags:
        w("")
        w("## Diagnoses")
        for d in diags:
            w("")
            w(f"### `{d['id']}` – {d.get('title') or 'unknown'}")
            w("")
            if d.get("fix"):
                w(f"First fix: {d['fix']}")
            if d.get("checks"):
                w(f"Seen in: {', '.join('`' + c + '`' for c in d['checks'])}")
    notes = doc.get("notes") or []
    if notes:
        w("")
        w("## Notes")
        w("")
        for n in notes:
            w(f"- {_cell(n)}")
    env = doc.get("environment") or {}
    term = env.get("terminal") or {}
    w("")
    w("## Environment")
    w("")
    w(f"- xkeys {env.get('xkeys')} · Python {env.get('python')} · {env.get('os')} ({env.get('machine')})")
    w(
        f"- Terminal: TERM={term.get('term') or '–'}, TERM_PROGRAM={term.get('term_program') or '–'}, "
        f"COLORTERM={term.get('colorterm') or '–'}, size {term.get('size') or 'unknown'}"
        + (f", inside {term['multiplexer']}" if term.get("multiplexer") else "")
        + (", over ssh" if term.get("ssh") else "")
    )
    src = env.get("credential_sources") or {}
    w("- Credential sources: " + (", ".join(f"{k} ← {v}" for k, v in src.items()) if src else "none found"))
    state = env.get("env_vars") or {}
    set_names = [n for n, s in state.items() if s == "set"]
    empty = [n for n, s in state.items() if s == "empty"]
    w(
        "- Credential variables set: "
        + (", ".join(set_names) or "none")
        + (f"; set but empty: {', '.join(empty)}" if empty else "")
    )
    if env.get("env_file"):
        w(f"- Env file: {env['env_file']} (names: {', '.join(env.get('env_file_names') or []) or 'none'})")
    if env.get("network_vars"):
        w(f"- Network settings present (values not shown): {', '.join(env['network_vars'])}")
    pk = env.get("packages") or {}
    if pk:
        w("- Libraries: " + ", ".join(f"{k} {v or 'missing'}" for k, v in pk.items()))
    w("")
    return redact.scrub("\n".join(lines))


def render(doc: Mapping[str, Any], fmt: str = "md") -> str:
    if fmt == "json":
        return to_json(doc)
    if fmt == "md":
        return to_markdown(doc)
    raise ValueError("format must be md or json")


# --------------------------------------------------------------------------- files


def write_private(path: str, text: str) -> None:
    """Write `text` to `path` atomically (temp file + rename in the same folder), mode 0600."""
    atomic_write(path, text, 0o600)


def parse_report(text: str, name: str = "the report") -> dict[str, Any]:
    """A report (or doctor --json) document from text; ReportError with a safe sentence otherwise."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReportError(
            f"{name} is not JSON (line {exc.lineno}, column {exc.colno}); "
            "make reports with `xkeys report --format json`"
        ) from None
    if not isinstance(doc, dict) or not ("checks" in doc and isinstance(doc.get("checks"), list)):
        raise ReportError(f"{name} is not an xkeys report: make one with `xkeys report --format json`")
    return doc


# --------------------------------------------------------------------------- diff


@dataclass
class Change:
    section: str  # credentials | access | user | diagnoses | checks | environment
    key: str  # e.g. "consumer_secret.fingerprint", "probe.user-token"
    before: Any
    after: Any

    def to_dict(self) -> dict[str, Any]:
        return {"section": self.section, "key": self.key, "before": self.before, "after": self.after}

    def __str__(self) -> str:
        if self.before is None:
            return f"+ {self.key}: {_show(self.after)}"
        if self.after is None:
            return f"- {self.key}: {_show(self.before)}"
        return f"~ {self.key}: {_show(self.before)} → {_show(self.after)}"


def _show(v: Any) -> str:
    if isinstance(v, (list, tuple)):
        return ", ".join(str(x) for x in v) or "(none)"
    return str(v)


@dataclass
class ReportDiff:
    changes: list[Change] = field(default_factory=list)
    a_generated: str | None = None
    b_generated: str | None = None

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    @property
    def exit_code(self) -> int:
        """0: nothing that matters changed; 1: something did."""
        return 1 if self.changes else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "changed": self.changed,
            "a": self.a_generated,
            "b": self.b_generated,
            "changes": [c.to_dict() for c in self.changes],
        }

    def to_text(self) -> str:
        head = f"xkeys report diff: {self.a_generated or 'A'} → {self.b_generated or 'B'}"
        if not self.changes:
            return redact.scrub(f"{head}\nNo changes: same fingerprints, access level, diagnoses and check results.\n")
        lines = [head]
        titles = {
            "credentials": "Credentials",
            "access": "Access",
            "user": "User",
            "diagnoses": "Diagnoses",
            "checks": "Checks",
            "environment": "Environment",
        }
        for section, title in titles.items():
            rows = [c for c in self.changes if c.section == section]
            if rows:
                lines.append("")
                lines.append(f"{title}:")
                lines.extend(f"  {c}" for c in rows)
        lines.append("")
        n = len(self.changes)
        lines.append(f"{n} change{'s' if n != 1 else ''}.")
        return redact.scrub("\n".join(lines) + "\n")

    def to_markdown(self) -> str:
        """The text form in a fenced block, for pasting into a ticket."""
        return "```\n" + self.to_text() + "```\n"


def _credential_view(doc: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """field -> {fingerprint, kind, shape, length, source} from a report or a doctor JSON."""
    view: dict[str, dict[str, Any]] = {}
    for c in doc.get("credentials") or []:
        if isinstance(c, Mapping) and c.get("field"):
            view[str(c["field"])] = {k: c.get(k) for k in ("fingerprint", "kind", "shape", "length", "source")}
    if view:
        return view
    sources = doc.get("sources") or {}
    for c in doc.get("checks") or []:
        if not isinstance(c, Mapping) or not str(c.get("id", "")).startswith("shape."):
            continue
        fld = str(c["id"])[len("shape.") :]
        d = c.get("details") or {}
        view[fld] = {
            "fingerprint": d.get("fingerprint"),
            "kind": d.get("kind"),
            "shape": c.get("status"),
            "length": d.get("length"),
            "source": sources.get(fld),
        }
    return view


def _checks_view(doc: Mapping[str, Any]) -> dict[str, str]:
    return {
        str(c.get("id")): str(c.get("status"))
        for c in doc.get("checks") or []
        if isinstance(c, Mapping) and c.get("id") and not str(c.get("id")).startswith("shape.")
    }


def _diag_ids(doc: Mapping[str, Any]) -> list[str]:
    out = []
    for d in doc.get("diagnoses") or []:
        did = d.get("id") if isinstance(d, Mapping) else d
        if isinstance(did, str):
            out.append(did)
    return out


def diff_reports(a: Mapping[str, Any], b: Mapping[str, Any]) -> ReportDiff:
    """What changed from report `a` to report `b` (order matters: before → after)."""
    diff = ReportDiff(a_generated=a.get("generated_at"), b_generated=b.get("generated_at"))
    add = diff.changes.append
    ca, cb = _credential_view(a), _credential_view(b)
    order = [f.value for f in FIELDS] + sorted((set(ca) | set(cb)) - {f.value for f in FIELDS})
    for fld in order:
        x, y = ca.get(fld), cb.get(fld)
        if x is None and y is None:
            continue
        if x is None or y is None:
            add(
                Change(
                    "credentials",
                    fld,
                    None if x is None else f"fp {x.get('fingerprint')}",
                    None if y is None else f"fp {y.get('fingerprint')}",
                )
            )
            continue
        for key in ("fingerprint", "kind", "shape", "source"):
            if x.get(key) != y.get(key):
                add(Change("credentials", f"{fld}.{key}", x.get(key), y.get(key)))
    if a.get("access_level") != b.get("access_level"):
        add(Change("access", "access_level", a.get("access_level"), b.get("access_level")))
    ua, ub = a.get("user") or {}, b.get("user") or {}
    for key in ("id", "username"):
        if ua.get(key) != ub.get(key):
            add(Change("user", f"user.{key}", ua.get(key), ub.get(key)))
    da, db = _diag_ids(a), _diag_ids(b)
    for d in db:
        if d not in da:
            add(Change("diagnoses", "diagnosis", None, d))
    for d in da:
        if d not in db:
            add(Change("diagnoses", "diagnosis", d, None))
    ka, kb = _checks_view(a), _checks_view(b)
    for cid in [*ka, *(k for k in kb if k not in ka)]:
        if ka.get(cid) != kb.get(cid):
            add(Change("checks", cid, ka.get(cid), kb.get(cid)))
    ea, eb = a.get("environment") or {}, b.get("environment") or {}
    for key in ("xkeys", "python", "os"):
        if ea.get(key) != eb.get(key) and (ea.get(key) or eb.get(key)):
            add(Change("environment", key, ea.get(key), eb.get(key)))
    return diff
