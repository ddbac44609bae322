"""The example third-party plugin (examples/plugins/planlint-acme-policy), installed with pip and
driven through its real entry point, as a user would run it.

pip installs it without build isolation or dependencies (hatchling and planlint are already
in the test environment, so it works offline) into a folder put on PYTHONPATH: planlint then
finds it through the entry-point metadata like any installed distribution. About 5 s.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLUGIN = ROOT / "examples" / "plugins" / "planlint-acme-policy"
HARBOR = "examples/harbor-analytics.yaml"

pytestmark = pytest.mark.install


@pytest.fixture(scope="module")
def target(tmp_path_factory):
    folder = tmp_path_factory.mktemp("site")
    build = tmp_path_factory.mktemp("build")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-build-isolation", "--no-deps",
                    "--no-index", "--target", str(folder), str(PLUGIN)],
                   check=True, capture_output=True, cwd=build, env={**os.environ, "PIP_NO_CACHE_DIR": "1"})
    return folder


def planlint(target, *args, **env):
    environment = {**os.environ, "PYTHONPATH": str(target), "NO_COLOR": "1"}
    environment.pop("PLANLINT_NO_PLUGINS", None)
    environment.update(env)
    return subprocess.run([sys.executable, "-m", "planlint", *args], capture_output=True, text=True, cwd=ROOT,
                          env=environment)


def test_plugins_shows_it_with_its_version_and_contributions(target):
    result = planlint(target, "plugins")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines()[-4:] == [
        "acme-policy (planlint-acme-policy 0.1.0): planlint_acme_policy",
        "  rules: ACME101, ACME102",
        "  checklist items: acme-budget-owner",
        "  accelerators: mi325x",
    ]


def test_check_runs_its_rules_beside_the_builtin_ones(target):
    result = planlint(target, "check", "--format", "concise", HARBOR)
    assert result.returncode == 1
    assert [line.split("; fix: ")[0] for line in result.stdout.splitlines()] == [
        f"{HARBOR}:29:15: ACME101 [error] data source 'synthetic-sql-pairs' has no revision; ACME policy pins every "
        "source (pinned-revisions)",
        f"{HARBOR}:33:15: ACME101 [error] data source 'licensed-schemas' has no revision; ACME policy pins every "
        "source (pinned-revisions)",
        f"{HARBOR}:35:7: PL102 [warning] 5.0 epochs of source 'licensed-schemas': 9.6% of its 2B tokens buy nothing "
        "(data-repetition)",
        f"{HARBOR}:38:3: PL206 [info] the plan needs 10% of the 3e21 FLOPs it declares (budget-underused)",
        "Found 4 findings (2 errors, 1 warning, 1 info) in 1 of 1 plan.",
    ]


def test_a_rule_option_from_the_configuration(target, tmp_path):
    plan = tmp_path / "plan.yaml"
    plan.write_text("planlint: 1\nname: big\nmodel: {params: 1B}\ndata: {train_tokens: 20B}\n"
                    "compute:\n  gpu_hours: 8000\n", encoding="utf-8")
    (tmp_path / ".planlint.yaml").write_text("options:\n  ACME102: {max_gpu_hours: 5000}\n", encoding="utf-8")
    result = planlint(target, "check", "--format", "concise", "--select", "ACME102", str(plan))
    assert result.stdout.splitlines()[0].split("; fix: ")[0] == (
        f"{plan}:6:3: ACME102 [warning] 8,000 GPU-h (compute.gpu_hours) is over ACME's cap of 5,000 (gpu-hour-cap)")


def test_checklist_shows_its_item_after_the_builtin_ones(target):
    result = planlint(target, "checklist", HARBOR, "--format", "markdown")
    assert result.returncode == 0
    assert result.stdout.splitlines()[2] == "6 done, 5 missing, 0 not applicable."
    assert result.stdout.splitlines()[-2:] == [
        "- [ ] **A budget owner is named for sign-off (x-acme-owner).** (`acme-budget-owner`): missing, no "
        "x-acme-owner",
        # the plugin's text is escaped like a plan's: literal backticks, no mail link
        "  - fix: add \\`x-acme-owner: name@&#8203;acme.example\\` at the top of the plan",
    ]


def test_its_accelerator_is_in_the_catalogue_and_prices_a_plan(target, tmp_path):
    assert planlint(target, "accelerators").stdout.splitlines()[-1] == (
        "mi325x            1307.4      2614.9        256     6000  AMD Instinct MI325X (AMD Instinct MI325X data sheet; "
        "plugin 'acme-policy')")
    plan = tmp_path / "plan.yaml"
    plan.write_text("planlint: 1\nname: on-mi325x\nmodel: {params: 70B}\ndata: {train_tokens: 1.4T}\n"
                    "compute: {accelerator: mi325x, mfu: 0.4}\n", encoding="utf-8")
    result = planlint(target, "estimate", str(plan))
    gpu_hours = next(line for line in result.stdout.splitlines() if line.strip().startswith("GPU-hours"))
    assert gpu_hours.split()[:3] == ["GPU-hours", "312,325", "GPU-h"]  # 6 x 70B x 1.4T / (3600 x 1307.4e12 x 0.4)


def test_turning_plugins_off_leaves_it_out(target):
    for result in (planlint(target, "--no-plugins", "plugins"), planlint(target, "plugins", PLANLINT_NO_PLUGINS="1")):
        assert "acme-policy" not in result.stdout
        assert result.stdout.splitlines()[-1] == "third-party plugins not loaded (--no-plugins or PLANLINT_NO_PLUGINS)"


def test_its_own_tests_pass_with_planlint_testing(target):
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(PLUGIN / "tests")],
                            capture_output=True, text=True, cwd=PLUGIN, env={**os.environ, "PYTHONPATH": str(target)})
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines()[-1].startswith("9 passed")


def test_a_broken_installed_plugin_is_named_and_the_example_still_loads(target, tmp_path):
    """A distribution whose entry point names a module that fails to import."""
    info = tmp_path / "planlint_broken-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: planlint-broken\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[planlint]\nbroken = planlint_broken\n", encoding="utf-8")
    (tmp_path / "planlint_broken.py").write_text("raise ImportError('needs a library that is not installed')\n",
                                                 encoding="utf-8")
    result = planlint(target, "plugins", PYTHONPATH=f"{target}{os.pathsep}{tmp_path}")
    assert result.returncode == 0
    warning = ("plugin 'broken' (planlint_broken) failed to load: ImportError('needs a library that is not "
               "installed'); skipped")
    assert result.stderr == f"planlint: warning: {warning}\n"
    assert result.stdout.splitlines()[-5:] == [
        "acme-policy (planlint-acme-policy 0.1.0): planlint_acme_policy",
        "  rules: ACME101, ACME102",
        "  checklist items: acme-budget-owner",
        "  accelerators: mi325x",
        f"warning: {warning}",
    ]
    checked = planlint(target, "check", "--format", "concise", "--select", "ACME101", HARBOR,
                       PYTHONPATH=f"{target}{os.pathsep}{tmp_path}")
    assert checked.returncode == 1 and checked.stdout.count("ACME101 [error]") == 2



def test_explain_shows_its_rule_s_options_sources_and_distribution(target):
    result = planlint(target, "explain", "ACME102")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines()[-9:] == [
        "Default severity: warning.",
        "",
        "Options (`options: {ACME102: {NAME: VALUE}}` in .planlint.yaml, or [tool.planlint.options.ACME102] in "
        "pyproject.toml):",
        "- max_gpu_hours: a number (or a count such as 1.5M or 2T) of at least 0; default 50000. The most "
        "accelerator-hours a plan may use without sign-off.",
        "",
        "Sources:",
        "- ACME compute budget policy: runs over 50,000 GPU-hours go to the budget committee",
        "",
        "From plugin 'acme-policy' (planlint-acme-policy 0.1.0).",
    ]
