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
    """The body of the `## heading` section (up to the next level 1 or 2 heading outside code)."""
    m = re.search(rf"^## {re.escape(heading)}\s*$", text, re.M)
    assert m, f"README has no '## {heading}' section"
    out: list[str] = []
    fenced = False
    for line in text[m.end() :].splitlines(keepends=True):
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and re.match(r"#{1,2} ", line):
            break
        out.append(line)
    return "".join(out)


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


# ------------------------------------------------------------------------------ walkthrough outputs


def _console_block(text: str, first_command: str) -> list[str]:
    """The lines of the ```console block that starts with `$ <first_command>`."""
    start = text.index(f"```console\n$ {first_command}\n")
    body = text[start + len("```console\n") : text.index("\n```", start + 10)]
    return body.splitlines()


def _run(cmd: list[str], stdin: str = "", env: dict[str, str] | None = None) -> tuple[int, list[str]]:
    import subprocess

    p = subprocess.run(cmd, input=stdin, capture_output=True, text=True, env=env, timeout=60)
    return p.returncode, p.stdout.splitlines()


def _xkeys() -> list[str]:
    return [sys.executable, "-m", "xkeys"]


def _shown_output(block: list[str]) -> tuple[list[str], int | None]:
    """Output lines under the first command (up to the next `$`), and the `echo $?` code if shown."""
    out: list[str] = []
    for line in block[1:]:
        if line.startswith("$ "):
            break
        out.append(line)
    code = None
    if "$ echo $?" in block:
        code = int(block[block.index("$ echo $?") + 1])
    return out, code


def _assert_shown_lines_are_real(shown: list[str], real: list[str]) -> None:
    """Every shown line is a real output line, in order; `…` lines stand for skipped ones and a
    line ending in ': …' for a cut one."""
    pos = 0
    for line in shown:
        if line.strip() == "…":
            continue
        prefix = line[:-1].rstrip() if line.endswith("…") and line.rstrip().endswith(": …") else None
        while pos < len(real) and not (real[pos].startswith(prefix) if prefix else real[pos] == line):
            pos += 1
        assert pos < len(real), f"README shows a line the command does not print: {line!r}"
        pos += 1


def test_classify_walkthrough_is_real_output(text: str) -> None:
    from xkeys.sandbox import demo_credentials

    block = _console_block(text, "printf '%s' \"$X_BEARER_TOKEN\" | xkeys classify --field X_API_KEY")
    shown, code = _shown_output(block)
    bearer = demo_credentials(0, "read-only")["bearer_token"]
    rc, real = _run([*_xkeys(), "classify", "--field", "X_API_KEY"], stdin=bearer)
    _assert_shown_lines_are_real(shown, real)
    assert rc == code == 1


def test_explain_walkthrough_is_real_output(text: str) -> None:
    cmd = 'echo \'{"errors":[{"message":"Could not authenticate you","code":32}]}\' | xkeys explain'
    block = _console_block(text, cmd)
    shown, _ = _shown_output(block)
    import os

    env = {**os.environ, "COLUMNS": "88"}  # explain wraps to the terminal; 88 is its default off a terminal
    rc, real = _run(
        [*_xkeys(), "explain"], stdin='{"errors":[{"message":"Could not authenticate you","code":32}]}\n', env=env
    )
    _assert_shown_lines_are_real(shown, real)
    assert rc == 0


@pytest.mark.e2e
def test_sandbox_snippet_then_doctor_as_in_walkthrough_2(text: str, tmp_path: Path) -> None:
    """The README's shell snippet really starts the sandbox and loads its keys; doctor then names
    write-permission-missing and exits 1 (0 with --need read), as the walkthrough says."""
    import os
    import subprocess

    start = text.index("```sh\n.venv/bin/xkeys sandbox --scenario read-only")
    snippet = text[start + len("```sh\n") : text.index("\n```", start + 6)]
    bindir = str(Path(sys.executable).parent)
    snippet = snippet.replace(".venv/bin/", bindir + "/").replace("/tmp/sandbox.json", str(tmp_path / "sb.json"))
    script = (
        f"set -e\n{snippet}\ntrap 'kill $!' EXIT\n"
        f'set +e\n{bindir}/xkeys doctor; echo "exit=$?"\n{bindir}/xkeys doctor --need read; echo "exit=$?"\n'
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("X_", "TWITTER_", "XKEYS_"))}
    env["XKEYS_CONFIG_DIR"] = str(tmp_path / "cfg")
    p = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env, timeout=120, cwd=ROOT)
    out = p.stdout
    runs = out.split("exit=")
    assert len(runs) == 3, out[-2000:]
    assert "write-permission-missing" in runs[0] and "probe.access-level" in runs[0]
    assert runs[1].startswith("1")
    assert runs[2].startswith("0")
    assert "Everything checked works." in runs[1]


def test_scan_walkthrough_is_real_output(text: str, tmp_path: Path) -> None:
    """The .env of the scan walkthrough: the sandbox's API Key with a trailing space in quotes, the
    Access Token Secret under X_API_SECRET, a placeholder bearer, the Access Token, a database URL."""
    from xkeys.sandbox import demo_credentials

    c = demo_credentials(0, "read-only")
    env_file = tmp_path / ".env"
    env_file.write_text(
        f'X_API_KEY="{c["consumer_key"]} "\nX_API_SECRET={c["access_token_secret"]}\n'
        f"X_BEARER_TOKEN=your-bearer-token-here\nX_ACCESS_TOKEN={c['access_token']}\n"
        "DATABASE_URL=postgres://localhost/app\n",
        encoding="utf-8",
    )
    shown, code = _shown_output(_console_block(text, "xkeys scan .env"))
    rc, real = _run([*_xkeys(), "scan", str(env_file)])
    _assert_shown_lines_are_real(shown, real)
    assert rc == code == 1


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*]", "", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def test_internal_links_point_at_headings(text: str) -> None:
    body = re.sub(r"^```.*?^```", "", text, flags=re.M | re.S)
    anchors = {_slug(h) for h in re.findall(r"^#{1,6} (.+)$", body, re.M)}
    links = re.findall(r"\]\(#([^)]+)\)", text)
    assert links
    for link in links:
        assert link in anchors, f"README links #{link}, which is no heading"


def test_report_json_keys_are_the_ones_listed(text: str, tmp_path: Path) -> None:
    import json

    para = text[text.index("The JSON report has the keys") :]
    para = para[: para.index("\n\n")]
    per_field = para[para.index("(per\nfield:") : para.index(" - never a value)")]
    listed_fields = set(re.findall(r"`([a-z_]+)`", per_field))
    listed_top = set(re.findall(r"`([a-z_]+)`", para)) - listed_fields | {"credentials"}
    out = tmp_path / "r.json"
    rc, _ = _run([*_xkeys(), "report", "--demo", "--offline", "--format", "json", "-o", str(out)])
    assert rc == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert set(doc) == listed_top
    assert {k for row in doc["credentials"] for k in row} == listed_fields


# ------------------------------------------------------------------------------ exit codes table


def _clean_env(tmp_path: Path) -> dict[str, str]:
    import os

    from xkeys.core.kinds import KINDS

    names = {n for info in KINDS.values() for n in info.env}
    env = {k: v for k, v in os.environ.items() if k not in names and not k.startswith("XKEYS_")}
    env["XKEYS_CONFIG_DIR"] = str(tmp_path / "cfg")
    return env


def test_exit_codes_table_holds(text: str, tmp_path: Path) -> None:
    """A sample of the exit-code table's cells, each run for real."""
    from xkeys.sandbox import demo_credentials

    table = text[text.index("### Exit codes") : text.index("### Environment variables")]
    assert "| `doctor` |" in table and "X unreachable" in table
    c = demo_credentials(0)
    env = _clean_env(tmp_path)
    x = _xkeys()
    cases: list[tuple[list[str], str, dict[str, str], int]] = [
        ([*x, "classify"], c["bearer_token"], env, 0),
        ([*x, "classify", "--field", "consumer_key"], c["bearer_token"], env, 1),
        ([*x, "classify"], "", env, 2),
        ([*x, "explain"], '{"errors":[{"code":89,"message":"Invalid or expired token."}]}', env, 0),
        ([*x, "explain"], "hello world", env, 1),
        ([*x, "explain"], "", env, 2),
        ([*x, "scan", "-"], "nothing to see here\n", env, 1),
        ([*x, "doctor", "--offline"], "", env, 2),  # no credentials found
        ([*x, "doctor", "--api-base", "ftp://example.invalid"], "", env, 2),
        (
            [*x, "doctor", "--api-base", "http://127.0.0.1:9", "--timeout", "2", "--need", "read"],
            "",
            {**env, "X_API_KEY": c["consumer_key"], "X_API_SECRET": c["consumer_secret"]},
            3,
        ),
        ([*x, "sandbox", "--scenario", "no-such-scenario"], "", env, 2),
        ([*x, "profile", "delete", "no-such-profile", "--secret-store", "file"], "", env, 2),
    ]
    for cmd, stdin, e, want in cases:
        rc, _ = _run(cmd, stdin=stdin, env=e)
        assert rc == want, f"{' '.join(cmd[2:])}: exit {rc}, README says {want}"


def test_every_benchmark_script_is_listed(text: str) -> None:
    section = _section(text, "Benchmarks")
    for script in sorted((ROOT / "bench").glob("bench_*.py")):
        assert f"(bench/{script.name})" in section, f"bench/{script.name} is not in the README's Benchmarks table"
