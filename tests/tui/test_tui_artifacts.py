"""The committed screenshots and snapshots never show a credential (they are made from the
sandbox's seed-0 keys, so any 12-character run of one of those would be a leak)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from xkeys.core.redact import MIN_RUN

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted([*ROOT.glob("screenshots/*.svg"), *ROOT.glob("tests/tui/__snapshots__/*/*.svg")])


def _secrets() -> set[str]:
    from xkeys.sandbox import SCENARIOS, demo_credentials

    out: set[str] = set()
    for scenario in SCENARIOS:
        out |= {v for v in demo_credentials(0, scenario).values() if v}
    return out


def test_there_are_artifacts() -> None:
    names = {p.name for p in FILES}
    for expected in (
        "home.svg",
        "onboard-path.svg",
        "key-entry-wrong-field.svg",
        "verify-results.svg",
        "diagnosis-card.svg",
        "troubleshoot.svg",
        "support.svg",
        "rotation-impact.svg",
        "report.svg",
    ):
        assert expected in names


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_secret_in_svg(path: Path) -> None:
    text = html.unescape(re.sub(r"<[^>]+>", "", path.read_text(encoding="utf-8"))).replace("\xa0", " ")
    for secret in _secrets():
        # an OAuth 1.0a Access Token starts with the public user id and a dash (FACTS.md): the
        # id alone is shown by design (reports name the user); any run reaching past it is not
        public = secret.index("-") + 1 if re.match(r"\d+-", secret) else 0
        runs = {secret[i : i + MIN_RUN] for i in range(len(secret) - MIN_RUN + 1) if i + MIN_RUN > public}
        assert not any(r in text for r in runs), f"{path.name} shows part of a {len(secret)}-char credential"
