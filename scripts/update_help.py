"""Regenerate src/planlint/help.txt: click's rendering of `planlint --help` on a terminal of 80 columns or more.

The console script prints that file for `planlint --help` without importing click (see
planlint.launch); tests/test_launch.py fails while it is out of date.
"""

from pathlib import Path

from click.testing import CliRunner

from planlint.cli import main
from planlint.launch import HELP_WIDTH

TARGET = Path(__file__).resolve().parent.parent / "src" / "planlint" / "help.txt"


def render() -> str:
    return CliRunner().invoke(main, ["--help"], prog_name="planlint", terminal_width=HELP_WIDTH - 2).output  # click: min(columns, 80) - 2


if __name__ == "__main__":
    text = render()
    if TARGET.exists() and TARGET.read_text(encoding="utf-8") == text:
        print("src/planlint/help.txt is up to date")
    else:
        TARGET.write_text(text, encoding="utf-8")
        print("updated src/planlint/help.txt")
