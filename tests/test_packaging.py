"""The wheel carries the rule catalogue and the schema, so `explain` and `schema` work installed."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    pytest.importorskip("hatchling")
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out),
                    str(ROOT)], check=True, capture_output=True)
    [built] = out.glob("planlint-*.whl")
    return zipfile.ZipFile(built)


def test_wheel_holds_every_catalogue_page_and_the_schema(wheel):
    names = set(wheel.namelist())
    pages = {f"planlint/_data/rules/{p.name}" for p in (ROOT / "rules").glob("*.md")}
    assert pages and pages <= names
    assert "planlint/_data/schemas/plan.schema.json" in names
    assert "planlint/_data/schemas/config.schema.json" in names
    assert "planlint/starter_plan.yaml" in names  # planlint init
    assert "planlint/help.txt" in names  # planlint --help without click
    assert wheel.read("planlint/_data/rules/PL101.md") == (ROOT / "rules" / "PL101.md").read_bytes()


def test_wheel_registers_the_builtin_rules_through_the_entry_point_group(wheel):
    [entry_points] = [n for n in wheel.namelist() if n.endswith(".dist-info/entry_points.txt")]
    text = wheel.read(entry_points).decode()
    assert "[planlint]\nbuiltin = planlint.rules\nchecklist = planlint.checklist.builtin\n" in text
    assert "[console_scripts]\nplanlint = planlint.launch:main" in text
