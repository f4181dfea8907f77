"""`xkeys`, `xkeys onboard|troubleshoot|support`: options, errors, and no Textual for bad input."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from xkeys.cli import build_parser, main


@pytest.mark.parametrize(
    "argv",
    [
        ["--demo", "troubleshoot", "--scenario", "read-only"],
        ["troubleshoot", "--demo", "--scenario", "read-only"],
    ],
)
def test_demo_and_scenario_work_before_or_after_the_command(argv: list[str]) -> None:
    args = build_parser("troubleshoot").parse_args(argv)
    assert args.command == "troubleshoot" and args.demo is True and args.scenario == "read-only"


def test_run_builds_the_app_for_the_flow(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}

    class FakeApp:
        return_code = 0

        def run(self) -> None:
            seen["ran"] = True

    def fake_make_app(flow: str, **kwargs: Any) -> FakeApp:
        seen.update(flow=flow, **kwargs)
        return FakeApp()

    import xkeys.tui.app

    monkeypatch.setattr(xkeys.tui.app, "make_app", fake_make_app)
    assert main(["troubleshoot", "--scenario", "read-only", "--seed", "3"]) == 0
    assert seen["ran"] and seen["flow"] == "troubleshoot"
    assert seen["demo"] is True and seen["scenario"] == "read-only" and seen["seed"] == 3
    seen.clear()
    assert main(["--demo"]) == 0
    assert seen["flow"] == "home" and seen["demo"] is True


@pytest.mark.parametrize(
    "argv,message",
    [
        (["troubleshoot", "--scenario", "nope"], "unknown scenario 'nope'"),
        (["onboard", "--env-file", "/nonexistent/x.env"], "no such file"),
    ],
)
def test_bad_options_say_one_sentence_and_exit_2(argv: list[str], message: str) -> None:
    code = (
        "import sys\nfrom xkeys.cli import main\nrc = main(sys.argv[1:])\n"
        "print(any(m.startswith('textual') for m in sys.modules))\nsys.exit(rc)"
    )
    out = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert message in out.stderr and "Traceback" not in out.stderr
    assert out.stderr.count("\n") == 1
    assert out.stdout.strip() == "False"  # refused before Textual is imported
