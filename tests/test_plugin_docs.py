"""docs/plugins.md works as written: its files (the blocks starting `# file: NAME`) make a
plugin package that pip installs, whose own tests pass, and whose output is what the page shows."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGE = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")

pytestmark = pytest.mark.install


def _shown_after(marker: str) -> str:
    match = re.search(re.escape(marker) + r".*?```text\n(.*?)```", PAGE, re.S)
    assert match, f"no text block after {marker!r}"
    return match.group(1)


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    """(the package folder, the folder pip installed it into)."""
    folder = tmp_path_factory.mktemp("planlint-mylab")
    written = []
    for body in re.findall(r"```\w+\n(# file: .*?)```", PAGE, re.S):
        name = body.partition("\n")[0][len("# file: "):]
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(body, encoding="utf-8")
        written.append(name)
    assert written == ["pyproject.toml", "planlint_mylab.py", "plan.yaml", "tests/cases/MYLAB101.yaml",
                       "tests/test_mylab.py"]
    target = tmp_path_factory.mktemp("site")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-build-isolation", "--no-deps", "--no-index",
                    "--target", str(target), str(folder)], check=True, capture_output=True,
                   cwd=tmp_path_factory.mktemp("build"))
    return folder, target


def _run(package, *args):
    folder, target = package
    env = {**os.environ, "PYTHONPATH": str(target), "NO_COLOR": "1"}
    env.pop("PLANLINT_NO_PLUGINS", None)
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=folder, env=env)


def test_the_pages_tests_pass(package):
    result = _run(package, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests")
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines()[-1].startswith("6 passed")


def test_planlint_plugins_prints_what_the_page_shows(package):
    shown = _shown_after("and ask planlint what it loaded:").splitlines()
    printed = _run(package, "-m", "planlint", "plugins").stdout.splitlines()
    assert printed[-5:] == shown[-5:]
    assert [line.split(":")[0] for line in printed[:5]] == [line.split(":")[0] for line in shown[:5]]


def test_check_prints_what_the_page_shows(package):
    result = _run(package, "-m", "planlint", "check", "--format", "concise", "plan.yaml")
    assert result.stdout == _shown_after("`planlint check --format concise plan.yaml` prints:")
    assert result.returncode == 1


def test_the_pages_tests_pass_from_any_folder(package, tmp_path):
    folder, target = package
    env = {**os.environ, "PYTHONPATH": str(target), "NO_COLOR": "1"}
    env.pop("PLANLINT_NO_PLUGINS", None)
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(folder / "tests")],
                            capture_output=True, text=True, cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stdout  # case_params("cases/...") is relative to the test file
    assert result.stdout.splitlines()[-1].startswith("6 passed")


def test_explain_prints_what_the_page_shows(package):
    result = _run(package, "-m", "planlint", "explain", "MYLAB101")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == _shown_after("and `planlint explain MYLAB101` prints the docstring")


def _configured(package, tmp_path, configuration: str):
    (tmp_path / ".planlint.yaml").write_text(configuration, encoding="utf-8")
    folder, target = package
    env = {**os.environ, "PYTHONPATH": str(target), "NO_COLOR": "1"}
    env.pop("PLANLINT_NO_PLUGINS", None)
    return subprocess.run([sys.executable, "-m", "planlint", "check", "--format", "concise", "--config",
                           ".planlint.yaml", str(folder / "plan.yaml")], capture_output=True, text=True, cwd=tmp_path,
                          env=env)


def test_the_docstring_s_configuration_works_and_a_wrong_one_is_the_page_s_message(package, tmp_path):
    lowered = _configured(package, tmp_path, "options: {MYLAB101: {limit: 13B}}\n")  # as the docstring says
    assert lowered.returncode == 1
    assert "MYLAB101 [error] 1.75e+11 params is over the lab's limit of 1.3e+10 (max-params)" in lowered.stdout
    wrong = _configured(package, tmp_path, "options: {MYLAB101: {limit: 13 Bn}}\n")
    assert (wrong.returncode, wrong.stdout) == (2, "")
    assert wrong.stderr == _shown_after("planlint exits 2 before checking anything:")


def test_the_options_example_declares_valid_options():
    [block] = re.findall(r"```python\n(options = \{.*?)```", PAGE, re.S)
    namespace: dict = {}
    exec("from planlint.rule import Option\n" + block, namespace)  # a contradictory declaration raises
    assert sorted(namespace["options"]) == ["approved", "limit", "mode", "share"]
    assert namespace["options"]["share"].convert("5%") == 0.05
    assert namespace["options"]["limit"].convert("13B") == 13e9
