"""Configuration: discovery, precedence, validation, `planlint config` and the published schema."""

import json
from pathlib import Path

import jsonschema
import pytest

from conftest import MINIMAL
from planlint.config import ConfigError, Resolver, build, find_config_file
from planlint.plugins import registry

ROOT = Path(__file__).resolve().parent.parent
# 2.0 tokens/param: PL101 error at data.train_tokens (7:3); the budget fits exactly
UNDERTRAINED = MINIMAL.replace("train_tokens: 20B", "train_tokens: 2B").replace("1.2e20", "1.2e19")
# 5.0 tokens/param: PL101 warning (between error_below 4 and warn_below 10)
SHORT = MINIMAL.replace("train_tokens: 20B", "train_tokens: 5B").replace("1.2e20", "3e19")


def write(path: Path, text: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


def concise(cli, *args):
    result = cli("check", "--format", "concise", "--color", "never", *args)
    lines = [line for line in result.output.splitlines() if ": PL" in line]
    return result.exit_code, [" ".join(line.split(" ")[:3]) for line in lines]


def test_defaults_without_a_configuration(cli, tmp_path):
    plan = write(tmp_path / "plan.yaml", UNDERTRAINED)
    assert concise(cli, plan) == (1, [f"{plan}:7:3: PL101 [error]"])


def test_dedicated_file_found_walking_up_from_the_plan(cli, tmp_path):
    write(tmp_path / ".planlint.yaml", "ignore: [PL101]\n")
    plan = write(tmp_path / "deep" / "er" / "plan.yaml", UNDERTRAINED)
    assert concise(cli, plan) == (0, [])


def test_pyproject_tool_table(cli, tmp_path):
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n\n[tool.planlint]\nseverity = {PL101 = "info"}\n')
    plan = write(tmp_path / "plans" / "plan.yaml", UNDERTRAINED)
    assert concise(cli, plan) == (0, [f"{plan}:7:3: PL101 [info]"])


def test_pyproject_without_the_table_is_passed_over(tmp_path):
    write(tmp_path / ".planlint.yaml", "ignore: [PL206]\n")
    write(tmp_path / "sub" / "pyproject.toml", '[project]\nname = "x"\n')
    assert find_config_file(tmp_path / "sub") == str((tmp_path / ".planlint.yaml").resolve())


def test_dedicated_file_wins_over_pyproject_in_the_same_folder(tmp_path):
    write(tmp_path / ".planlint.yaml", "ignore: [PL206]\n")
    write(tmp_path / "pyproject.toml", "[tool.planlint]\nignore = [\"PL101\"]\n")
    assert find_config_file(tmp_path) == str((tmp_path / ".planlint.yaml").resolve())


def test_nearest_file_wins_and_files_are_not_merged(cli, tmp_path):
    write(tmp_path / ".planlint.yaml", "ignore: [PL101]\n")
    write(tmp_path / "team" / ".planlint.yaml", "severity: {PL101: warning}\n")
    plan = write(tmp_path / "team" / "plan.yaml", UNDERTRAINED)
    assert concise(cli, plan) == (1, [f"{plan}:7:3: PL101 [warning]"])


def test_command_line_overrides_the_file(cli, tmp_path):
    write(tmp_path / ".planlint.yaml", "ignore: [PL101]\nfail-on: error\n")
    plan = write(tmp_path / "plan.yaml", SHORT)
    assert concise(cli, plan) == (0, [])
    # --ignore replaces the file's ignore list; the file's fail-on (error) still applies
    assert concise(cli, "--ignore", "PL206", plan) == (0, [f"{plan}:7:3: PL101 [warning]"])
    assert concise(cli, "--ignore", "PL206", "--fail-on", "warning", plan) == (1, [f"{plan}:7:3: PL101 [warning]"])


def test_isolated_and_explicit_config(cli, tmp_path):
    write(tmp_path / ".planlint.yaml", "ignore: [PL101]\n")
    other = write(tmp_path / "elsewhere" / "strict.yaml", "severity: {PL101: info}\n")
    plan = write(tmp_path / "plan.yaml", UNDERTRAINED)
    assert concise(cli, "--isolated", plan) == (1, [f"{plan}:7:3: PL101 [error]"])
    assert concise(cli, "--config", other, plan) == (0, [f"{plan}:7:3: PL101 [info]"])


def test_select_prefix_extend_select_and_names(cli, tmp_path):
    plan = write(tmp_path / "plan.yaml", UNDERTRAINED.replace("compute:\n  flops: 1.2e19\n", ""))
    # without compute: PL101 error (7:3) and PL201 warning (1:1, the plan)
    assert concise(cli, "--isolated", plan)[1] == [f"{plan}:1:1: PL201 [warning]", f"{plan}:7:3: PL101 [error]"]
    assert concise(cli, "--isolated", "--select", "PL2", plan)[1] == [f"{plan}:1:1: PL201 [warning]"]
    assert concise(cli, "--isolated", "--select", "PL2", "--extend-select", "undertrained-ratio", plan)[1] == [
        f"{plan}:1:1: PL201 [warning]", f"{plan}:7:3: PL101 [error]"]
    assert concise(cli, "--isolated", "--select", "PL1,PL2", "--ignore", "PL201", plan)[1] == [
        f"{plan}:7:3: PL101 [error]"]


def test_per_file_ignores_globs_relative_to_the_config(cli, tmp_path):
    write(tmp_path / ".planlint.yaml", 'per-file-ignores:\n  "ablations/*.yaml": [PL101]\n  "legacy.yaml": [PL1]\n')
    kept = write(tmp_path / "plan.yaml", UNDERTRAINED)
    ablation = write(tmp_path / "ablations" / "a.yaml", UNDERTRAINED)
    legacy = write(tmp_path / "old" / "legacy.yaml", UNDERTRAINED)  # no '/' in the glob: matches the name
    assert concise(cli, kept, ablation, legacy) == (1, [f"{kept}:7:3: PL101 [error]"])


def test_rule_options_from_the_file(cli, tmp_path):
    write(tmp_path / ".planlint.yaml", "options:\n  PL101: {error_below: 1.5}\n")
    plan = write(tmp_path / "plan.yaml", UNDERTRAINED)
    assert concise(cli, plan) == (1, [f"{plan}:7:3: PL101 [warning]"])


def test_severity_override_keeps_the_default_in_the_facts(cli, tmp_path):
    write(tmp_path / ".planlint.yaml", "severity:\n  undertrained-ratio: info\n")
    plan = write(tmp_path / "plan.yaml", UNDERTRAINED)
    findings = json.loads(cli("check", "--format", "json", plan).output)
    assert [(f["code"], f["severity"], f["facts"]["default_severity"]) for f in findings] == [
        ("PL101", "info", "error")]


def test_stdin_filename_selects_the_configuration(cli, tmp_path, monkeypatch):
    write(tmp_path / "team" / ".planlint.yaml", "ignore: [PL101]\n")
    monkeypatch.chdir(tmp_path)
    result = cli("check", "--stdin-filename", "team/plan.yaml", "-", input=UNDERTRAINED)
    assert (result.exit_code, result.output) == (0, "Checked 1 plan: no findings.\n")
    result = cli("check", "--stdin-filename", "plan.yaml", "-", input=UNDERTRAINED)
    assert result.exit_code == 1 and "plan.yaml:7:3: PL101" in result.output


@pytest.mark.parametrize("text, message", [
    ("ignor: [PL101]\n", "unknown key 'ignor'; did you mean 'ignore'?"),
    ("ignore: [PL999]\n", "ignore: no rule or prefix 'PL999'; `planlint rules` lists them"),
    ("ignore: PL101\n", "ignore must be a list of rule codes or prefixes, like [PL101, PL2]"),
    ("ignore: [PL001]\n", "ignore: PL001 cannot be ignored: it means the plan could not be checked"),
    ("severity: {PL101: fatal}\n", "severity.PL101 must be error, warning or info, not 'fatal'"),
    ("severity: {PL777: error}\n", "severity.PL777: no rule 'PL777'; `planlint rules` lists them"),
    ("options: {PL101: {warn_below: ten}}\n", "options.PL101.warn_below must be a number, not 'ten' (default 10.0)"),
    ("options: {PL101: {warn_below: true}}\n", "options.PL101.warn_below must be a number, not True (default 10.0)"),
    ("options: {PL101: {warn_blow: 8}}\n",
     "options.PL101.warn_blow: PL101 has no option 'warn_blow' (its options: warn_below, error_below, overtrained_above, "
     "baseline)"),
    ("fail-on: never\n", "fail-on must be error, warning or info, not 'never'"),
    ("require-reason: yes please\n", "require-reason must be true or false, not 'yes please'"),
    ("[PL101]\n", "the top level must be a mapping of settings"),
    ("ignore: [PL101\n", "not valid YAML"),
])
def test_configuration_errors_name_the_file_and_key_and_exit_2(cli, tmp_path, text, message):
    config = write(tmp_path / ".planlint.yaml", text)
    plan = write(tmp_path / "plan.yaml", MINIMAL)
    result = cli("check", plan)
    assert result.exit_code == 2
    assert f"planlint: error: {config}: {message}" in result.output


def test_bad_toml_and_bad_command_line(cli, tmp_path):
    write(tmp_path / "pyproject.toml", "[tool.planlint]\nignore = [PL101\n")
    plan = write(tmp_path / "plan.yaml", MINIMAL)
    result = cli("check", plan)
    assert result.exit_code == 2 and "pyproject.toml: not valid TOML" in result.output
    result = cli("check", "--isolated", "--select", "PL9", plan)
    assert (result.exit_code, result.output) == (
        2, "planlint: error: command line: select: no rule or prefix 'PL9'; `planlint rules` lists them\n")
    result = cli("check", "--config", str(tmp_path / "missing.yaml"), plan)
    assert result.exit_code == 2 and "no such configuration file" in result.output


def test_config_command_shows_values_and_their_sources(cli, tmp_path):
    config = write(tmp_path / ".planlint.yaml", "ignore: [PL206]\noptions: {PL101: {warn_below: 8}}\n"
                   'per-file-ignores: {"ablations/*.yaml": [PL101]}\n')
    plan = write(tmp_path / "ablations" / "a.yaml", MINIMAL)
    result = cli("config", "--fail-on", "error", plan)
    assert result.exit_code == 0
    rows = {line.split()[0]: line.split(None, 1)[1] for line in result.output.splitlines()[1:]}
    assert result.output.splitlines()[0] == f"configuration for {plan}: {Path(config).resolve()}"
    assert rows["ignore"].split() == ['["PL206"]', str(Path(config).resolve())]
    assert rows["fail-on"].split() == ["error", "command", "line"]
    assert rows["options.PL101.warn_below"].split() == ["8.0", str(Path(config).resolve())]
    assert rows["options.PL101.error_below"].split() == ["4.0", "default"]
    assert rows["rules.PL101"].split() == ["off", str(Path(config).resolve()), "(per-file-ignores)"]
    assert rows["rules.PL206"].split() == ["off", str(Path(config).resolve())]
    assert rows["rules.PL001"].split() == ["on", "always", "on"]
    data = json.loads(cli("config", "--format", "json", plan).output)
    assert data["config_file"] == str(Path(config).resolve())
    assert {"key": "options.PL101.warn_below", "value": 8.0, "source": str(Path(config).resolve())} in data["settings"]


def test_resolver_reads_each_file_once(tmp_path):
    write(tmp_path / ".planlint.yaml", "ignore: [PL206]\n")
    resolver = Resolver(registry())
    first = resolver.for_plan(str(tmp_path / "a.yaml"))
    assert resolver.for_plan(str(tmp_path / "b.yaml")) is first


# --- the published schema --------------------------------------------------------------------

SCHEMA = json.loads((ROOT / "schemas" / "config.schema.json").read_text(encoding="utf-8"))
VALID = [
    {},
    {"select": ["PL1", "PL2"], "extend-select": ["PL301"], "ignore": ["PL206", "data-repetition"]},
    {"per-file-ignores": {"ablations/*.yaml": ["PL101"]}, "severity": {"PL102": "error"}},
    {"options": {"PL101": {"warn_below": 8, "baseline": 20.0}, "PL401": {"error_factor": 3}}, "fail-on": "error",
     "require-reason": True},
]
INVALID = [
    {"ignor": ["PL101"]},
    {"ignore": "PL101"},
    {"severity": {"PL101": "fatal"}},
    {"options": {"PL101": {"warn_blow": 8}}},
    {"options": {"PL101": {"warn_below": "ten"}}},
    {"fail-on": "never"},
    {"require-reason": "yes"},
]


def test_published_schema_is_generated_from_the_rules():
    import runpy
    import sys

    namespace = runpy.run_path(str(ROOT / "scripts" / "update_config_schema.py"))
    assert namespace["render"]() == (ROOT / "schemas" / "config.schema.json").read_text(encoding="utf-8"), (
        f"run `{Path(sys.executable).name} scripts/update_config_schema.py`")


@pytest.mark.parametrize("table", VALID)
def test_schema_and_loader_accept_the_same_configurations(table):
    jsonschema.Draft202012Validator(SCHEMA).validate(table)
    build(table, registry(), origin="test")


@pytest.mark.parametrize("table", INVALID)
def test_schema_and_loader_reject_the_same_configurations(table):
    assert list(jsonschema.Draft202012Validator(SCHEMA).iter_errors(table))
    with pytest.raises(ConfigError):
        build(table, registry(), origin="test")


def test_schema_command_prints_both_schemas(cli):
    assert json.loads(cli("schema", "--config").output) == SCHEMA
    assert json.loads(cli("schema").output)["title"].startswith("planlint training plan")


def test_the_readme_configuration_examples_load(tmp_path):
    import re

    import yaml

    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    dedicated = re.search(r"```yaml\n(# \.planlint\.yaml\n.*?)```", readme, re.S).group(1)
    table = yaml.safe_load(dedicated)
    jsonschema.Draft202012Validator(SCHEMA).validate(table)
    config = build(table, registry(), origin="README")
    assert config.options["PL101"] == {"warn_below": 8.0, "error_below": 3.0}
    toml = re.search(r"```toml\n(.*?)```", readme, re.S).group(1)
    table = tomllib.loads(toml)["tool"]["planlint"]
    jsonschema.Draft202012Validator(SCHEMA).validate(table)
    assert build(table, registry(), origin="README").per_file_ignores == {"ablations/*.yaml": ("PL101", "PL206")}


def test_limits_from_the_configuration(cli, tmp_path):
    write(tmp_path / ".planlint.yaml", "limits: {max-file-bytes: 64, timeout: 5}\n")
    plan = write(tmp_path / "plan.yaml", MINIMAL)  # 96 bytes
    result = cli("check", "--format", "concise", plan)
    assert result.exit_code == 1
    assert result.output.startswith(f"{plan}:1:1: PL004 [error]")
    rows = {row["key"]: row for row in json.loads(cli("config", "--format", "json", plan).output)["settings"]}
    assert rows["limits.max-file-bytes"]["value"] == 64 and rows["limits.timeout"]["value"] == 5
    assert rows["limits.max-depth"] == {"key": "limits.max-depth", "value": 64, "source": "default"}


@pytest.mark.parametrize("text, message", [
    ("limits: {max-file-bytes: 1.5}\n", "limits.max-file-bytes must be a whole number from 1 to 1,073,741,824, not 1.5 "
                                          "(default 1048576)"),
    ("limits: {timeout: -1}\n", "limits.timeout must be a number of seconds from 0 to 86,400, not -1 (default 10.0)"),
    ("limits: {max-size: 10}\n", "limits: no limit 'max-size' (limits: max-file-bytes, max-depth, max-nodes, max-findings, timeout)"),
])
def test_bad_limits(cli, tmp_path, text, message):
    config = write(tmp_path / ".planlint.yaml", text)
    result = cli("check", write(tmp_path / "plan.yaml", MINIMAL))
    assert (result.exit_code, result.output) == (2, f"planlint: error: {config}: {message}\n")
