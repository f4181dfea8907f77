"""README.md stays true to the code.

- the generated blocks (diagnosis catalog, doctor check ids, credential env vars, sandbox
  scenarios) match what `tools/gen_readme.py` produces from the code now;
- "Quick start" holds exactly two commands, and the second is the command `.ci/run` runs;
- every command in `xkeys.cli.COMMANDS` has a section in the CLI reference, and every `--option`
  that section names exists in that command's parser;
- every relative link (screenshots, bench scripts, files) points at a file in the repo;
- no demo credential of the sandbox appears in it (pasted output must be redacted).
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
CI_RUN = ROOT / ".ci" / "run"


def _gen() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_readme", ROOT / "tools" / "gen_readme.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("gen_readme", mod)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    return _gen()


@pytest.fixture(scope="module")
def text() -> str:
    return README.read_text(encoding="utf-8")


def _section(text: str, heading: str) -> str:
    """The body of the `## heading` section (up to the next heading of level 1 or 2)."""
    m = re.search(rf"^## {re.escape(heading)}\s*$", text, re.M)
    assert m, f"README has no '## {heading}' section"
    rest = text[m.end() :]
    end = re.search(r"^#{1,2} ", rest, re.M)
    return rest[: end.start()] if end else rest


# ------------------------------------------------------------------------------ generated blocks


def test_generated_blocks_are_up_to_date(gen: ModuleType, text: str) -> None:
    stale = gen.stale_blocks(text)
    assert not stale, f"README blocks out of date: {stale}; run `.venv/bin/python tools/gen_readme.py`"


def test_a_stale_catalog_is_detected(gen: ModuleType, text: str) -> None:
    """The comparison can fail: drop one catalog row and it reports the catalog block."""
    from xkeys.core.knowledge import CATALOG

    last = list(CATALOG)[-1]
    broken = "\n".join(line for line in text.splitlines() if not line.startswith(f"| `{last}` |"))
    assert broken != text
    assert "catalog" in gen.stale_blocks(broken)


def test_catalog_table_has_every_diagnosis_with_title_and_first_fix(text: str) -> None:
    from xkeys.core.knowledge import CATALOG

    block = text.split("<!-- catalog:start -->", 1)[1].split("<!-- catalog:end -->", 1)[0]
    rows = [line for line in block.splitlines() if line.startswith("| `")]
    assert len(rows) == len(CATALOG)
    for did, d in CATALOG.items():
        row = next(r for r in rows if r.startswith(f"| `{did}` |"))
        assert " ".join(d.title.split()) in row
        assert d.fix and " ".join(d.fix[0].split()).replace("|", "\\|") in row


def test_check_ids_cover_the_code(gen: ModuleType, text: str) -> None:
    """Every check id doctor can emit is listed: shape ids from FIELDS, cross ids from the
    checks that really run, probe ids from the probe list."""
    from xkeys.core.crosscheck import crosscheck
    from xkeys.core.kinds import FIELDS
    from xkeys.core.probes import PROBE_IDS
    from xkeys.sandbox import demo_credentials

    block = text.split("<!-- checks:start -->", 1)[1].split("<!-- checks:end -->", 1)[0]
    listed = set(re.findall(r"^\| `([a-z0-9_.-]+)` \|", block, re.M))
    assert {f"shape.{k.value}" for k in FIELDS} <= listed
    assert set(PROBE_IDS) <= listed
    # the ids a full demo set really produces are all among the ids read from the source
    produced = {c.id for c in crosscheck(demo_credentials(0))}
    assert produced <= set(gen.cross_ids())
    assert set(gen.cross_ids()) <= listed


def test_generator_check_mode(tmp_path: Path, gen: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "README.md"
    copy.write_text(README.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(gen, "README", copy)
    assert gen.main(["--check"]) == 0
    copy.write_text(
        copy.read_text(encoding="utf-8").replace("| `rate-limited` |", "| `rate-limitd` |", 1), encoding="utf-8"
    )
    assert gen.main(["--check"]) == 1
    assert gen.main([]) == 0
    assert gen.main(["--check"]) == 0


# ------------------------------------------------------------------------------ quick start


def _fenced_commands(section: str) -> list[str]:
    blocks = re.findall(r"^```[a-z]*\n(.*?)^```", section, re.M | re.S)
    cmds: list[str] = []
    for b in blocks:
        cmds.extend(line for line in b.splitlines() if line.strip() and not line.lstrip().startswith("#"))
    return cmds


def test_quick_start_holds_exactly_two_commands(text: str) -> None:
    cmds = _fenced_commands(_section(text, "Quick start"))
    assert cmds == [
        "python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/xkeys --demo",
        "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/python -m pytest",
    ]


def test_quick_start_test_command_is_what_ci_runs(text: str) -> None:
    lines = [ln for ln in CI_RUN.read_text(encoding="utf-8").splitlines() if ln.strip()]
    cmds = _fenced_commands(_section(text, "Quick start"))
    assert len(cmds) == 2
    assert lines[-1].strip() == cmds[1]


# ------------------------------------------------------------------------------ CLI reference


def _options_of(parser: argparse.ArgumentParser) -> set[str]:
    opts: set[str] = set()
    for action in parser._actions:
        opts.update(o for o in action.option_strings if o.startswith("--"))
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                opts |= _options_of(sub)
    return opts


def test_every_command_has_a_reference_section_naming_only_real_options(text: str) -> None:
    from xkeys.cli import COMMANDS, build_parser

    ref = _section(text, "Command-line reference")
    top = _options_of(build_parser(None))
    for name in COMMANDS:
        m = re.search(rf"^### .*`xkeys {re.escape(name)}(?![\w-]).*$", ref, re.M)
        assert m, f"no '### ... `xkeys {name}...`' heading in the CLI reference"
        rest = ref[m.end() :]
        nxt = re.search(r"^### ", rest, re.M)
        body = m.group(0) + (rest[: nxt.start()] if nxt else rest)
        parser = build_parser(name)
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices[name]
        known = _options_of(sub) | top
        named = set(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*)", body))
        assert named <= known, f"xkeys {name}: the README names options that do not exist: {named - known}"


def test_environment_variables_named_exist_in_the_code(text: str) -> None:
    src = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "app" / "xkeys").rglob("*.py"))
    for var in set(re.findall(r"\bXKEYS_[A-Z_]+\b", text)):
        assert f'"{var}"' in src, f"README names {var}, which the code never reads"


# ------------------------------------------------------------------------------ links, secrets


def test_relative_links_point_at_files(text: str) -> None:
    links = re.findall(r"\]\((?!https?://|#|mailto:)([^)\s]+)\)", text)
    assert links, "README links nothing"
    for link in links:
        assert (ROOT / link.split("#", 1)[0]).exists(), f"README links {link}, which does not exist"


def test_screenshots_referenced_exist(text: str) -> None:
    shots = re.findall(r"screenshots/[a-z0-9-]+\.svg", text)
    assert shots
    for s in shots:
        assert (ROOT / s).is_file(), s


def test_no_demo_credential_appears(text: str) -> None:
    from xkeys.core.redact import Redactor
    from xkeys.sandbox import SCENARIOS, current_credentials, demo_credentials

    r = Redactor()
    for scenario in SCENARIOS:
        for seed in (0, 1):
            r.add(*demo_credentials(seed, scenario).values())
            r.add(*(current_credentials(seed, scenario) or {}).values())
    assert r.scrub(text) == text
