"""The console script answers ``--version`` and ``--help`` without click: exactly as click would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from planlint import __version__
from planlint.cli import main as click_main
from planlint.launch import HELP_WIDTH

ROOT = Path(__file__).resolve().parent.parent
HELP = ROOT / "src" / "planlint" / "help.txt"


def _launch(args: list[str], columns: str | None) -> tuple[int, str, list[str]]:
    """Run the console script's ``main`` in a fresh interpreter: exit code, output, modules."""
    probe = textwrap.dedent("""\
        import json, sys
        sys.argv = ["planlint", *sys.argv[1:]]
        from planlint.launch import run
        try:
            code = run()
        except SystemExit as exc:
            code = exc.code
        sys.stdout.flush()
        sys.stderr.write(json.dumps([code or 0, sorted(sys.modules)]))
        """)
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    if columns is not None:
        env["COLUMNS"] = columns
    out = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, env=env, cwd=ROOT)
    code, modules = json.loads(out.stderr.strip().splitlines()[-1])
    return code, out.stdout, modules


def _click(args: list[str], width: int) -> str:
    return CliRunner().invoke(click_main, args, prog_name="planlint", terminal_width=width).output


def test_the_stored_help_is_clicks_help_at_full_width():
    assert HELP.read_text(encoding="utf-8") == _click(["--help"], HELP_WIDTH - 2), (
        "src/planlint/help.txt is out of date: run `python scripts/update_help.py`")


@pytest.mark.parametrize("flag", ["--help", "-h"])
@pytest.mark.parametrize("columns", ["80", "200", None], ids=["80-columns", "wide", "not-a-terminal"])
def test_help_is_answered_without_click(flag, columns):
    code, output, modules = _launch([flag], columns)
    assert (code, output) == (0, HELP.read_text(encoding="utf-8"))
    assert "click" not in modules


def test_a_narrow_terminal_gets_clicks_own_wrapping():
    code, output, modules = _launch(["--help"], "60")
    assert (code, output) == (0, _click(["--help"], 58))  # click: min(columns, 80) - 2
    assert output != HELP.read_text(encoding="utf-8") and "click" in modules


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version_is_answered_without_click(flag):
    code, output, modules = _launch([flag], None)
    assert (code, output) == (0, _click([flag], 78)) == (0, f"planlint {__version__}\n")
    assert "click" not in modules


def test_everything_else_goes_to_click():
    code, output, modules = _launch(["rules", "--help"], None)
    assert (code, output) == (0, _click(["rules", "--help"], 78))
    code, output, _ = _launch(["--frobnicate"], None)
    assert (code, output) == (2, "")  # click's usage error, on stderr
