"""Command-line habits of CI and pre-commit users: output files, format auto-selection,
statistics, quiet runs, standard input and `planlint init`."""

import json
from pathlib import Path

import pytest
import yaml

from conftest import MINIMAL

UNDERTRAINED = MINIMAL.replace("train_tokens: 20B", "train_tokens: 2B").replace("1.2e20", "1.2e19")
NO_COMPUTE = UNDERTRAINED.replace("compute:\n  flops: 1.2e19\n", "")  # PL101 error + PL201 warning


def write(path: Path, text: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_output_file_gets_the_report_and_stdout_stays_empty(cli, tmp_path):
    plan = write(tmp_path / "plan.yaml", UNDERTRAINED)
    out = tmp_path / "report.json"
    result = cli("check", "--format", "json", "--output-file", str(out), plan)
    assert (result.exit_code, result.output) == (1, "")
    assert [(f["code"], f["line"], f["column"]) for f in json.loads(out.read_text())] == [("PL101", 7, 3)]


def test_unwritable_output_file_is_exit_2(cli, tmp_path):
    plan = write(tmp_path / "plan.yaml", MINIMAL)
    result = cli("check", "--output-file", str(tmp_path / "missing" / "dir" / "r.txt"), plan)
    assert result.exit_code == 2 and "cannot write the report" in result.output


def test_github_format_is_the_default_inside_github_actions(cli, tmp_path):
    plan = write(tmp_path / "plan.yaml", UNDERTRAINED)
    result = cli("check", plan, env={"GITHUB_ACTIONS": "true"})
    assert result.exit_code == 1
    assert result.output.startswith(f"::error file={plan},line=7,col=3,")
    # an explicit format wins
    assert cli("check", "--format", "concise", plan, env={"GITHUB_ACTIONS": "true"}).output.startswith(f"{plan}:7:3:")


def test_statistics_counts_findings_per_rule(cli, tmp_path):
    a = write(tmp_path / "a.yaml", NO_COMPUTE)
    b = write(tmp_path / "b.yaml", UNDERTRAINED)
    result = cli("check", "--statistics", a, b)
    assert result.exit_code == 1
    assert result.output == (
        "    2  PL101    chinchilla-ratio           2 errors\n"
        "    1  PL201    undisclosed-compute        1 warning\n"
        "Found 3 findings (2 errors, 1 warning) in 2 of 2 plans.\n"
    )
    in_actions = cli("check", "--statistics", a, b, env={"GITHUB_ACTIONS": "true"})  # github is only a default
    assert (in_actions.exit_code, in_actions.output) == (1, result.output)
    assert cli("check", "--statistics", "-q", a, b).output.splitlines()[-1].startswith("    1  PL201")
    rows = json.loads(cli("check", "--statistics", "--format", "json", a, b).output)
    assert rows == [
        {"code": "PL101", "rule": "chinchilla-ratio", "count": 2, "severities": {"error": 2}},
        {"code": "PL201", "rule": "undisclosed-compute", "count": 1, "severities": {"warning": 1}},
    ]


def test_quiet_prints_findings_only(cli, tmp_path):
    clean = write(tmp_path / "ok.yaml", MINIMAL)
    assert cli("check", "--quiet", clean).output == ""
    bad = write(tmp_path / "bad.yaml", UNDERTRAINED)
    result = cli("check", "-q", "--format", "concise", bad)
    assert result.exit_code == 1
    assert result.output.splitlines()[0].startswith(f"{bad}:7:3: PL101 [error]")
    assert "Found" not in result.output


def test_stdin_reads_a_plan(cli):
    result = cli("check", "--format", "concise", "--stdin-filename", "plans/x.yaml", "-", input=UNDERTRAINED)
    assert result.exit_code == 1
    assert result.output.startswith("plans/x.yaml:7:3: PL101 [error]")


def test_init_writes_a_starter_plan_that_validates_and_is_clean(cli, tmp_path):
    target = tmp_path / "team" / "plan.yaml"
    target.parent.mkdir()
    result = cli("init", str(target))
    assert result.exit_code == 0
    text = target.read_text()
    assert text.splitlines()[:2] == [
        "# yamllint disable-line rule:line-length",
        "# yaml-language-server: $schema=https://raw.githubusercontent.com/planlint/planlint/v0.1.0/schemas/"
        "plan.schema.json"]
    assert yaml.safe_load(text)["planlint"] == 1
    assert cli("check", str(target)).output == "Checked 1 plan: no findings.\n"
    again = cli("init", str(target))
    assert again.exit_code == 2 and "never overwrites" in again.output
    assert target.read_text() == text


def test_init_dash_writes_the_starter_plan_to_standard_output(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("init", "-")
    assert result.exit_code == 0
    assert result.stdout.startswith("# yamllint disable-line rule:line-length\n# yaml-language-server: $schema=")
    assert yaml.safe_load(result.stdout)["name"] == "my-model"
    assert list(tmp_path.iterdir()) == []  # no file named '-'
    assert result.stderr == ""


def test_the_starter_plan_passes_yamllint_defaults(cli, tmp_path):
    """yamllint's default configuration, as a team that runs yamllint on its repository has it."""
    linter = pytest.importorskip("yamllint.linter")
    from yamllint.config import YamlLintConfig

    text = cli("init", "-").stdout
    problems = [f"{p.line}:{p.column} {p.rule}: {p.message}"
                for p in linter.run(text, YamlLintConfig("extends: default"))]
    assert problems == []


def test_a_dot_argument_reports_paths_without_dot_slash(cli, tmp_path, monkeypatch):
    write(tmp_path / "plans" / "p.yaml", UNDERTRAINED)
    monkeypatch.chdir(tmp_path)
    assert cli("check", "--format", "concise", ".").output.startswith("plans/p.yaml:7:3: PL101")


def test_the_starter_plan_names_every_field_of_the_format():
    """`planlint init` is where a new user meets the format: every section and field of the schema
    is in it, set or commented, so none is only in the schema."""
    import json
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    schema = json.loads((root / "schemas" / "plan.schema.json").read_text(encoding="utf-8"))
    starter = (root / "src" / "planlint" / "starter_plan.yaml").read_text(encoding="utf-8")
    missing = [key for key in schema["properties"] if f"{key}:" not in starter]
    for section in ("model", "data", "compute", "training", "serving", "alignment", "evaluation", "launch"):
        missing += [f"{section}.{key}" for key in schema["properties"][section]["properties"] if f"{key}:" not in starter]
    assert missing == []
