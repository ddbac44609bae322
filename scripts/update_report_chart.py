"""Regenerate docs/report-frontier.svg, the chart the README shows: the frontier chart that
`planlint report examples/harbor-analytics.yaml -o FOLDER --chart-format svg` writes.

tests/test_report_page.py fails while it is out of date. Needs the report extra (matplotlib).
"""

import os
import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner

from planlint.cli import main

ROOT = Path(__file__).resolve().parent.parent
PLAN = "examples/harbor-analytics.yaml"
CHART = "01-harbor-sql-coder-frontier.svg"  # the page's first plan, its frontier chart
TARGET = ROOT / "docs" / "report-frontier.svg"


def stamp(svg: str) -> str:
    """The chart with the matplotlib that drew it on its root element: another version lays out
    the same chart with other last digits, so the test compares bytes only under the same one."""
    import matplotlib

    return svg.replace("<svg ", f'<svg data-drawn-by="matplotlib {matplotlib.__version__}" ', 1)


def drawn_by(svg: str) -> str | None:
    import re

    found = re.search(r'<svg data-drawn-by="matplotlib ([^"]+)"', svg)
    return found.group(1) if found else None


def render(folder: str) -> Path:
    """Run the command from the repository's root, as the README shows it; the chart's path."""
    here = os.getcwd()
    os.chdir(ROOT)
    try:
        result = CliRunner().invoke(main, ["report", PLAN, "-o", folder, "--chart-format", "svg", "--isolated"])
    finally:
        os.chdir(here)
    if result.exit_code != 0:
        sys.exit(f"planlint report failed ({result.exit_code}): {result.output}")
    return Path(folder) / CHART


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        chart = stamp(render(folder).read_text(encoding="utf-8"))
        if TARGET.exists() and TARGET.read_text(encoding="utf-8") == chart:
            print("docs/report-frontier.svg is up to date")
        else:
            TARGET.write_text(chart, encoding="utf-8")
            print("updated docs/report-frontier.svg")
