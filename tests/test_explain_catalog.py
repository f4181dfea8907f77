"""The diagnosis catalog (xkeys.core.knowledge) against the contract in shared/DESIGN.md."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from xkeys.core import explain, knowledge
from xkeys.core.kinds import Kind

#: shared/DESIGN.md "Diagnosis ids", kept here so the test runs without shared/
DESIGN_IDS = (
    "paste-hygiene",
    "wrong-field",
    "client-id-as-consumer-key",
    "xai-key-not-x",
    "bad-consumer-credentials",
    "signature-rejected",
    "invalid-or-expired-token",
    "bearer-wrong-app",
    "write-permission-missing",
    "dm-permission-missing",
    "client-not-enrolled",
    "endpoint-not-in-plan",
    "credits-depleted",
    "usage-capped",
    "rate-limited",
    "clock-skew",
    "unsupported-authentication",
    "bad-auth-header",
    "callback-not-approved",
    "oob-required",
    "invalid-pin",
    "redirect-uri-mismatch",
    "authorization-code-invalid",
    "refresh-token-invalid",
    "invalid-client",
    "client-secret-rejected",
    "missing-scopes",
    "oauth2-token-expired",
    "app-suspended",
    "account-locked",
    "duplicate-content",
    "x-server-error",
    "network-unreachable",
    "unknown",
)

REPO = Path(__file__).resolve().parents[1]


def _shared_file(name: str) -> Path | None:
    """shared/ is /work/shared here and a sibling of the repo clone in CI."""
    candidates = []
    if os.environ.get("XKEYS_SHARED"):
        candidates.append(Path(os.environ["XKEYS_SHARED"]) / name)
    candidates += [REPO.parent / "shared" / name, REPO / "shared" / name, Path("/work/shared") / name]
    for c in candidates:
        if c.is_file():
            return c
    return None


def _design_ids_from_file() -> tuple[str, ...] | None:
    path = _shared_file("DESIGN.md")
    if path is None:
        return None
    text = path.read_text(encoding="utf-8")
    m = re.search(r"### Diagnosis ids[^\n]*\n(.*?)\n\s*\n", text, re.S)
    assert m, "DESIGN.md has no 'Diagnosis ids' section"
    return tuple(i.strip() for i in m.group(1).replace("\n", " ").split("·") if i.strip())


def test_kept_list_matches_design_md() -> None:
    ids = _design_ids_from_file()
    if ids is None:
        pytest.skip("shared/DESIGN.md not present")
    assert ids == DESIGN_IDS


def test_catalog_has_exactly_the_design_ids_in_order() -> None:
    ids = _design_ids_from_file() or DESIGN_IDS
    assert tuple(knowledge.CATALOG) == ids
    assert len(ids) == 34


@pytest.mark.parametrize("diag_id", DESIGN_IDS)
def test_entry_is_complete(diag_id: str) -> None:
    d = knowledge.get(diag_id)
    assert d.id == diag_id
    assert d.title and "\n" not in d.title and len(d.title) <= 80
    assert len(d.cause) >= 40
    assert len(d.fix) >= 1 and all(len(step) >= 10 for step in d.fix)
    assert len(d.sources) >= 1
    for s in d.sources:
        assert s.startswith("https://") or re.match(r"FACTS\.md §[1-5]\b", s), s
    assert all(isinstance(k, Kind) for k in d.regenerate)
    for v in d.variants.values():
        assert len(v.cause) >= 20 and v.fix


def test_sources_name_facts_sections_that_exist() -> None:
    path = _shared_file("FACTS.md")
    if path is None:
        pytest.skip("shared/FACTS.md not present")
    headings = set(re.findall(r"^## (\d)\.", path.read_text(encoding="utf-8"), re.M))
    for d in knowledge.CATALOG.values():
        for s in d.sources:
            m = re.match(r"FACTS\.md §(\d)", s)
            if m:
                assert m.group(1) in headings, (d.id, s)
        # every X entry (all but `unknown`) cites FACTS.md or the X docs
        assert any(s.startswith("FACTS.md") or "x.com" in s for s in d.sources)


def test_fix_steps_name_console_pages_for_credential_fixes() -> None:
    # every diagnosis that asks for a regeneration says where the button is
    for d in knowledge.CATALOG.values():
        if d.regenerate:
            text = " ".join(d.fix)
            assert "console.x.com" in text or "xkeys login" in text or "xkeys token" in text, d.id
    w = " ".join(knowledge.get("write-permission-missing").fix)
    for needle in (
        "User authentication settings",
        "Read and write",
        "Keys and tokens",
        "Access Token and Secret",
        "Regenerate",
        "Created with Read and Write permissions",
    ):
        assert needle in w
    assert Kind.ACCESS_TOKEN in knowledge.get("write-permission-missing").regenerate
    assert "console.x.ai" in knowledge.get("xai-key-not-x").cause


def test_get_rejects_unknown_ids() -> None:
    with pytest.raises(KeyError, match="no-such-id"):
        knowledge.get("no-such-id")


def test_related_code_tables_point_at_catalog_ids() -> None:
    for table in (knowledge.X_ERROR_CODES, knowledge.PROBLEM_TYPES, knowledge.OAUTH2_ERRORS):
        for key, diag in table.items():
            assert diag in knowledge.CATALOG, (key, diag)
    assert knowledge.related_codes("signature-rejected") == (32,)
    assert set(knowledge.RELATED_CODES["duplicate-content"]) == {186, 187}
    assert "usage-capped" in knowledge.RELATED_CODES["usage-capped"]


def test_every_code_and_type_of_facts_section_3_is_mapped() -> None:
    codes = {32, 89, 99, 135, 215, 220, 261, 326, 64, 416, 415, 417, 88, 453, 186, 187, 130, 131}
    types = {"client-forbidden", "oauth1-permissions", "unsupported-authentication", "usage-capped", "credits"}
    path = _shared_file("FACTS.md")
    if path is not None:  # read the table itself as well, so a new row is noticed
        section = path.read_text(encoding="utf-8").split("## 3.")[1].split("## 4.")[0]
        for row in re.findall(r"^\| ([^|]+) \|", section, re.M):
            codes |= {int(c) for c in re.findall(r"\b(\d{2,3})\b", row.split("`")[0])}
            types |= {t for t in re.findall(r"`([a-z0-9-]+)`", row) if "-" in t or t == "credits"}
        types -= {"client-not-enrolled"}  # the reason, not the type
    assert codes <= set(knowledge.X_ERROR_CODES), codes - set(knowledge.X_ERROR_CODES)
    assert types <= set(knowledge.PROBLEM_TYPES), types - set(knowledge.PROBLEM_TYPES)


def test_rule_table_is_valid_and_covers_every_related_code() -> None:
    table = explain.rules()
    names = [r.name for r in table]
    assert len(names) == len(set(names)), "duplicate rule names"
    assert {r.code for r in table if r.code is not None} == set(knowledge.X_ERROR_CODES)
    assert {r.type for r in table if r.type is not None} >= set(knowledge.PROBLEM_TYPES)
    # every diagnosis X can name in an answer has at least one rule that detects it
    detectable = {r.diagnosis for r in table}
    offline_only = {"wrong-field", "client-id-as-consumer-key", "bearer-wrong-app", "unknown"}
    assert set(knowledge.IDS) - offline_only <= detectable
