"""Doctor: shape checks + cross-field checks (offline), then live probes -> one `Report`.

Contract (shared/DESIGN.md "JSON shapes", doctor): check ids `shape.<field>`, `cross.<name>`,
`probe.<name>`; `Report.to_dict()` gives `{"profile", "checks", "diagnoses", "access_level",
"user", "summary"}` plus extra keys (never a value of a credential). Exit codes: 0 all pass or
warn, 1 any fail, 3 X unreachable (every live probe failed with `network-unreachable`);
2 (usage) is the command's business.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from xkeys.core import redact
from xkeys.core.kinds import FIELDS, Kind, label
from xkeys.core.results import CheckResult, Status

EXIT_OK = 0
EXIT_FAIL = 1
EXIT_USAGE = 2
EXIT_UNREACHABLE = 3

#: diagnoses a shape check fails on: the value is certainly not usable in its field
_SHAPE_FAIL = frozenset({"wrong-field", "client-id-as-consumer-key", "xai-key-not-x"})


@dataclass
class Report:
    profile: str | None
    checks: list[CheckResult]
    access_level: str | None = None
    user: dict[str, str] | None = None
    need: str = "write"
    offline: bool = False
    api_base: str | None = None
    live_probes: list[str] = field(default_factory=list)
    unreachable: bool = False
    sources: dict[str, str] = field(default_factory=dict)
    env_names: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    transaction_ids: list[str] = field(default_factory=list)
    elapsed_ms: int = 0
    requests: int = 0

    @property
    def diagnoses(self) -> list[str]:
        """Unique diagnosis ids of the failing and warning checks, in check order."""
        out: list[str] = []
        for c in self.checks:
            if c.status in (Status.FAIL, Status.WARN) and c.diagnosis and c.diagnosis not in out:
                out.append(c.diagnosis)
        return out

    @property
    def summary(self) -> dict[str, int]:
        counts = {s.value: 0 for s in (Status.PASS, Status.WARN, Status.FAIL, Status.SKIP)}
        for c in self.checks:
            counts[c.status.value] += 1
        return counts

    @property
    def exit_code(self) -> int:
        if self.unreachable:
            return EXIT_UNREACHABLE
        if any(c.status is Status.FAIL for c in self.checks):
            return EXIT_FAIL
        return EXIT_OK

    def check(self, check_id: str) -> CheckResult | None:
        return next((c for c in self.checks if c.id == check_id), None)

    def to_dict(self) -> dict[str, Any]:
        checks = []
        for c in self.checks:
            d = c.to_dict()
            if c.details:
                d["details"] = _safe_details(c.details)
            checks.append(d)
        return {
            "profile": self.profile,
            "checks": checks,
            "diagnoses": self.diagnoses,
            "access_level": self.access_level,
            "user": dict(self.user) if self.user else None,
            "summary": self.summary,
            # extras (new keys only)
            "need": self.need,
            "offline": self.offline,
            "api_base": self.api_base,
            "live_probes": list(self.live_probes),
            "requests": self.requests,
            "unreachable": self.unreachable,
            "exit_code": self.exit_code,
            "sources": dict(self.sources),
            "env_names": list(self.env_names),
            "notes": list(self.notes),
            "transaction_ids": list(self.transaction_ids),
            "elapsed_ms": self.elapsed_ms,
        }


def _safe_details(details: Mapping[str, Any]) -> dict[str, Any]:
    """Details are non-secret facts by construction; scrub strings anyway (defence in depth)."""
    out: dict[str, Any] = {}
    for k, v in details.items():
        if isinstance(v, str):
            out[k] = redact.scrub(v)
        elif isinstance(v, (list, tuple)):
            out[k] = [redact.scrub(x) if isinstance(x, str) else x for x in v]
        elif isinstance(v, (int, float, bool)) or v is None:
            out[k] = v
        else:
            out[k] = redact.scrub(str(v))
    return out


def shape_checks(values: Mapping[Kind, str], *, now: float | None = None) -> tuple[list[CheckResult], dict[Kind, str]]:
    """One `shape.<field>` check per present value, and the sanitized values the probes use."""
    from xkeys.core.shapes import classify

    checks: list[CheckResult] = []
    clean: dict[Kind, str] = {}
    for kind in FIELDS:
        raw = values.get(kind)
        if not raw:
            continue
        start = time.perf_counter()
        c = classify(raw, kind, now=now)
        clean[kind] = c.value or raw
        details: dict[str, Any] = {
            "kind": c.kind.value,
            "confidence": c.confidence,
            "matches_field": c.matches_field,
            "hygiene": list(c.hygiene),
            "length": len(c.value or raw),
            "fingerprint": redact.fingerprint(c.value or raw),
        }
        if "user_id" in c.details:
            details["user_id"] = c.details["user_id"]
        if c.matches_field is False and (c.diagnosis in _SHAPE_FAIL or not c.value):
            status = Status.FAIL
        elif c.matches_field is False or c.hygiene:
            status = Status.WARN
        else:
            status = Status.PASS
        diagnosis = c.diagnosis if status is not Status.PASS else None
        if status is Status.WARN and diagnosis is None and c.matches_field is False:
            diagnosis = None  # an unfamiliar shape: the live probe decides
        checks.append(
            CheckResult(
                f"shape.{kind.value}",
                status,
                f"{label(kind)}: {c.message}",
                diagnosis,
                int(round((time.perf_counter() - start) * 1000)),
                details,
            )
        )
    return checks, clean


def cross_checks(values: Mapping[Kind, str], *, now: float | None = None) -> list[CheckResult]:
    from xkeys.core.crosscheck import crosscheck

    start = time.perf_counter()
    out = crosscheck(values, now=now)
    ms = int(round((time.perf_counter() - start) * 1000))
    for c in out:
        if c.elapsed_ms is None:
            c.elapsed_ms = ms
    return out


def _reconcile(offline: list[CheckResult], live: Mapping[str, CheckResult]) -> None:
    """Let a live answer settle what the offline checks could only guess."""
    tok = live.get("probe.oauth2-token")
    for c in offline:
        if (
            c.id == "cross.oauth2-token-expiry"
            and tok is not None
            and tok.status is not Status.SKIP
            and c.status in (Status.WARN, Status.FAIL)
            and "transport" not in tok.details
        ):
            if tok.status is Status.PASS or tok.details.get("http_status") not in (None, 401):
                # X authenticated the token (it answered something other than 401): not expired
                c.status = Status.PASS
                c.message = (
                    "X accepted the OAuth 2.0 access token just now, so it has not expired "
                    "(the time embedded in it is not its expiry)"
                )
                c.diagnosis = None
            elif tok.diagnosis not in (None, "oauth2-token-expired"):
                # X named another cause (a suspended app...): the offline guess cannot be confirmed
                c.status = Status.SKIP
                c.message = f"{c.message} (not confirmed live: X answered with {tok.diagnosis})"
                c.diagnosis = None
        if c.id == "cross.same-generation" and c.status is Status.SKIP:
            pairs = {
                "consumer-pair": "probe.consumer-pair",
                "access-pair": "probe.user-token",
                "client-pair": "probe.oauth2-client",
            }
            wanted = [pairs[p] for p in c.details.get("pairs", []) if p in pairs]
            got = [live.get(p) for p in wanted]
            if wanted and all(r is not None and r.status is Status.PASS for r in got):
                c.status = Status.PASS
                c.message = "X accepted each key with its secret, so they come from the same generation"


async def run_doctor(
    creds: Any,
    *,
    need: str = "write",
    offline: bool = False,
    api_base: str | None = None,
    timeout: float = 10.0,
    client: httpx.AsyncClient | None = None,
    on_result: Callable[[CheckResult], Any] | None = None,
    clock: Callable[[], float] | None = None,
) -> Report:
    """Check a credential set (`creds.Credentials`, or any mapping Kind -> value).

    Offline checks run first (and stream through `on_result`), then the probes, concurrently,
    on `client` (shared; not closed here) or on a client built from `api_base`/`XKEYS_API_BASE`.
    """
    from xkeys.core import probes as probes_mod
    from xkeys.core.http import create_client, resolve_api_base

    if need not in probes_mod.NEEDS:
        raise ValueError(f"need must be one of {', '.join(probes_mod.NEEDS)}")
    started = time.perf_counter()
    values: dict[Kind, str] = dict(getattr(creds, "values", creds) or {})
    now = clock() if clock else None
    redact.remember(*values.values())

    async def emit(results: list[CheckResult]) -> None:
        if on_result is None:
            return
        for r in results:
            try:
                out = on_result(r)
                if inspect.isawaitable(out):
                    await out
            except Exception:
                pass

    shapes, clean = shape_checks(values, now=now)
    await emit(shapes)
    cross = cross_checks(values, now=now)
    await emit(cross)
    report = Report(
        profile=getattr(creds, "profile", None),
        checks=[*shapes, *cross],
        need=need,
        offline=offline,
        sources={k.value: v for k, v in (getattr(creds, "sources", {}) or {}).items()},
        env_names=list(getattr(creds, "env_names", []) or []),
        notes=list(getattr(creds, "notes", []) or []),
    )
    if not offline:
        own = client is None
        http_client = client if client is not None else create_client(api_base, timeout)
        report.api_base = str(http_client.base_url).rstrip("/") if client is not None else resolve_api_base(api_base)
        try:
            run = probes_mod.ProbeRun(
                http_client,
                probes_mod.ProbeInputs(
                    clean, need, getattr(creds, "redirect_uri", None), getattr(creds, "scopes", None)
                ),
                clock=clock or time.time,
                on_result=on_result,
            )
            live = await run.run()
        finally:
            if own:
                await http_client.aclose()
        _reconcile(report.checks, run.results)
        report.checks.extend(live)
        report.user = run.user
        report.access_level = run.access_level
        report.live_probes = run.live_probes
        report.unreachable = run.unreachable
        report.transaction_ids = run.transaction_ids
        report.requests = run.requests
    report.elapsed_ms = int(round((time.perf_counter() - started) * 1000))
    return report
