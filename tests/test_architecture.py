"""Layering rules from shared/DESIGN.md: core never imports Textual; the CLI loads it lazily."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import xkeys.core


def _imports_textual(code: str) -> bool:
    probe = code + "\nimport sys\nprint(any(m == 'textual' or m.startswith('textual.') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return out.stdout.strip().splitlines()[-1] == "True"


def test_core_modules_never_import_textual() -> None:
    names = [m.name for m in pkgutil.walk_packages(xkeys.core.__path__, "xkeys.core.")]
    assert names, "xkeys.core has no modules?"
    code = "\n".join(f"import {n}" for n in names)
    assert not _imports_textual(code), f"one of {names} imports textual"


def test_cli_version_does_not_import_textual() -> None:
    code = "import sys\nfrom xkeys.cli import main\ntry:\n    main(['--version'])\nexcept SystemExit:\n    pass"
    assert not _imports_textual(code)


def test_textual_really_is_detected() -> None:
    # guards the probe above: it must be able to say True
    assert _imports_textual("import textual.app")


def test_version_flag_runs_as_module() -> None:
    out = subprocess.run([sys.executable, "-m", "xkeys", "--version"], capture_output=True, text=True)
    assert out.returncode == 0
    assert out.stdout.startswith("xkeys ")
