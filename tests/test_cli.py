"""The command line as users run it: exit codes, formats, discovery, start-up."""

import json
import os
import subprocess
import sys

import pytest

from conftest import MINIMAL

UNDERTRAINED = MINIMAL.replace("train_tokens: 20B", "train_tokens: 2B").replace("1.2e20", "1.2e19")  # PL101 error


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_version(cli):
    result = cli("--version")
    assert (result.exit_code, result.output) == (0, "planlint 0.1.0\n")


def test_clean_plan_exits_0(cli, tmp_path):
    result = cli("check", write(tmp_path / "ok.yaml", MINIMAL))
    assert (result.exit_code, result.output) == (0, "Checked 1 plan: no findings.\n")


# the undertrained plan's PL101, as both text formats head it
UNDERTRAINED_PL101 = "PL101 [error] 2.0 tokens/param (2B tokens for 1B params), under the ~20:1 Chinchilla baseline"
UNDERTRAINED_FIX = "train on >= 20B tokens (20:1 for 1B params), or shrink to 100M params (20:1 for 2B tokens)"


def test_findings_exit_1_with_located_text(cli, tmp_path):
    path = write(tmp_path / "bad.yaml", UNDERTRAINED)
    result = cli("check", "--color", "never", path)
    assert result.exit_code == 1
    assert result.output == (
        f"{path}:7:3: {UNDERTRAINED_PL101} (chinchilla-ratio)\n"
        "  |\n"
        "7 |   train_tokens: 2B\n"
        "  |   ^^^^^^^^^^^^\n"
        "  = note: same loss: 218M params on 5.34B tokens (6.99e18 FLOPs, Besiroglu et al. 2024 refit), 42% less "
        "than its 1.2e19 (6ND)\n"
        f"  = fix: {UNDERTRAINED_FIX}\n"
        "\n"
        "Found 1 finding (1 error) in 1 of 1 plan.\n"
    )


def test_fail_on_moves_the_threshold(cli, tmp_path):
    path = write(tmp_path / "bad.yaml", UNDERTRAINED.replace("goal: base\n", "goal: base\n"))
    assert cli("check", "--fail-on", "error", path).exit_code == 1
    info_only = write(tmp_path / "over.yaml", MINIMAL.replace("train_tokens: 20B", "train_tokens: 500B").replace("1.2e20", "3e21"))
    assert cli("check", info_only).exit_code == 0
    assert cli("check", "--fail-on", "info", info_only).exit_code == 1
    assert cli("check", "--exit-zero", path).exit_code == 0


def test_json_output_has_the_spec_keys(cli, tmp_path):
    path = write(tmp_path / "bad.yaml", UNDERTRAINED)
    result = cli("check", "--format", "json", path)
    assert result.exit_code == 1
    findings = json.loads(result.output)
    assert [(f["file"], f["line"], f["column"], f["code"], f["rule"], f["severity"]) for f in findings] == [
        (path, 7, 3, "PL101", "chinchilla-ratio", "error")
    ]
    assert findings[0]["pointer"] == "/data/train_tokens"
    assert findings[0]["facts"]["tokens_per_param"] == 2.0
    assert findings[0]["message"].startswith("2.0 tokens/param")


def test_json_output_of_a_clean_run_is_an_empty_array(cli, tmp_path):
    result = cli("check", "--format", "json", write(tmp_path / "ok.yaml", MINIMAL))
    assert (result.exit_code, json.loads(result.output)) == (0, [])


def test_missing_path_is_exit_2_and_others_still_checked(cli, tmp_path):
    bad = write(tmp_path / "bad.yaml", UNDERTRAINED)
    result = cli("check", "--format", "concise", str(tmp_path / "nope.yaml"), bad)
    assert result.exit_code == 2
    assert "PL101" in result.output
    assert f"planlint: error: {tmp_path / 'nope.yaml'}: no such file or folder" in result.output


def test_one_broken_file_never_hides_the_others(cli, tmp_path):
    broken = write(tmp_path / "a.yaml", "planlint: 1\nname: [\n")
    binary = tmp_path / "b.yaml"
    binary.write_bytes(b"planlint: 1\n\x00\xff")
    bad = write(tmp_path / "c.yaml", UNDERTRAINED)
    result = cli("check", "--format", "json", broken, str(binary), bad)
    assert result.exit_code == 1
    assert [(f["file"], f["code"]) for f in json.loads(result.output)] == [
        (broken, "PL001"), (str(binary), "PL001"), (bad, "PL101")]


def test_folder_discovery(cli, tmp_path):
    write(tmp_path / "plans" / "a.yaml", UNDERTRAINED)
    write(tmp_path / "plans" / "nested" / "b.yml", MINIMAL)
    write(tmp_path / "plans" / "other.yaml", "key: value\n")  # not a plan: skipped
    write(tmp_path / "plans" / "broken.yaml", "planlint: 1\nname: [\n")  # a broken plan is still found
    write(tmp_path / "plans" / ".git" / "x.yaml", UNDERTRAINED)
    write(tmp_path / "plans" / "node_modules" / "x.yaml", UNDERTRAINED)
    write(tmp_path / "plans" / "env" / "pyvenv.cfg", "home = /usr\n")
    write(tmp_path / "plans" / "env" / "x.yaml", UNDERTRAINED)
    write(tmp_path / "plans" / "notes.txt", UNDERTRAINED)
    result = cli("check", "--format", "json", str(tmp_path / "plans"))
    files = sorted({os.path.relpath(f["file"], tmp_path) for f in json.loads(result.output)})
    assert files == ["plans/a.yaml", "plans/broken.yaml"]
    assert result.exit_code == 1


def test_folder_without_plans_is_exit_2(cli, tmp_path):
    write(tmp_path / "x.yaml", "key: value\n")
    result = cli("check", str(tmp_path))
    assert result.exit_code == 2
    assert "no plans found" in result.output


def test_skip_non_plans_for_hooks(cli, tmp_path):
    other = write(tmp_path / ".pre-commit-config.yaml", "repos: []\n")
    assert cli("check", "--skip-non-plans", other).exit_code == 0
    assert cli("check", other).exit_code == 1  # named explicitly: linted, and it is no plan


def test_stdin(cli):
    result = cli("check", "--format", "concise", "--stdin-filename", "plans/x.yaml", "-", input=UNDERTRAINED)
    assert result.exit_code == 1
    assert result.output.startswith("plans/x.yaml:7:3: PL101 [error]")


def test_color_only_when_asked_or_on_a_terminal(cli, tmp_path):
    path = write(tmp_path / "bad.yaml", UNDERTRAINED)
    assert "\x1b[" not in cli("check", path).output  # not a terminal
    assert "\x1b[31m" in cli("check", "--color", "always", path).output


def test_terminal_escapes_in_plan_text_are_neutralised(cli, tmp_path):
    path = write(tmp_path / "bad.yaml", MINIMAL.replace("goal: base", 'goal: "\\e[2J\\e]0;pwned\\a"'))
    result = cli("check", path)
    assert "\x1b" not in result.output
    assert "\\x1b[2J" in result.output


def test_rules_lists_every_code(cli):
    result = cli("rules")
    from planlint.plugins import registry

    codes = [line.split()[0] for line in result.output.splitlines()]
    assert codes == list(registry().rules) and codes == sorted(codes)
    rows = json.loads(cli("rules", "--format", "json").output)
    assert [row["code"] for row in rows] == codes
    for row in rows:
        rule = registry().rules[row["code"]]
        assert (row["name"], row["severity"], row["summary"], row["sources"]) == (
            rule.name, str(rule.severity), rule.summary, list(rule.sources))
        assert row["options"] == json.loads(json.dumps(rule.defaults(), default=str))


def test_explain_unknown_rule(cli):
    result = cli("explain", "PL999")
    assert result.exit_code == 2
    assert "no rule 'PL999'" in result.output


def test_schema_command_prints_the_published_schema(cli):
    assert json.loads(cli("schema").output)["title"] == "planlint training plan, format version 1"


def test_usage_error_is_exit_2(cli):
    assert cli("check", "--min-severity", "fatal", "x.yaml").exit_code == 2
    assert cli("check", "--format", "xml", "x.yaml").exit_code == 2


def test_version_and_help_do_not_import_heavy_modules():
    """A check on sys.modules, not a timing: --version and --help must not pay for the linter."""
    probe = (
        "import sys\n"
        "from planlint.cli import main\n"
        "try:\n"
        "    main([sys.argv[1]])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'jsonschema', 'yaml', 'pluggy')"
        " or m.startswith('planlint.rules') or m == 'importlib.metadata')\n"
        "print(heavy)\n"
    )
    for flag in ("--version", "--help"):
        out = subprocess.run([sys.executable, "-c", probe, flag], capture_output=True, text=True, check=True)
        assert out.stdout.strip().splitlines()[-1] == "[]", (flag, out.stdout)


OVERTRAINED = MINIMAL.replace("train_tokens: 20B", "train_tokens: 500B").replace("1.2e20", "3e21")  # PL101 info


def test_concise_puts_the_fix_at_the_end_of_the_one_line(cli, tmp_path):
    path = write(tmp_path / "bad.yaml", UNDERTRAINED)
    result = cli("check", "--output-format", "concise", path)
    assert (result.exit_code, result.output) == (
        1, f"{path}:7:3: {UNDERTRAINED_PL101} (chinchilla-ratio); fix: {UNDERTRAINED_FIX}\n"
           "Found 1 finding (1 error) in 1 of 1 plan.\n")


def test_output_format_full_is_text_and_format_is_its_other_name(cli, tmp_path):
    path = write(tmp_path / "bad.yaml", UNDERTRAINED)
    full = cli("check", "--output-format", "full", path)
    assert full.exit_code == 1 and "7 |   train_tokens: 2B\n" in full.output
    for args in (("--format", "full"), ("--format", "text"), ("--output-format", "text"), ()):
        assert cli("check", *args, path).output == full.output
    assert cli("check", "--format", "json", path).output == cli("check", "--output-format", "json", path).output


def test_min_severity_hides_findings_from_the_report_not_from_the_exit_code(cli, tmp_path):
    bad = write(tmp_path / "bad.yaml", UNDERTRAINED)  # an error
    over = write(tmp_path / "over.yaml", OVERTRAINED)  # an info finding
    result = cli("check", "--output-format", "concise", "--min-severity", "warning", bad, over)
    assert result.exit_code == 1
    assert result.output.splitlines()[0].startswith(f"{bad}:7:3: PL101 [error]")
    assert result.output.splitlines()[1:] == [
        "Found 1 finding (1 error) in 1 of 2 plans; 1 finding hidden by --min-severity (1 info)."]
    # hidden findings still fail the run at --fail-on
    hidden = cli("check", "--min-severity", "error", "--fail-on", "info", over)
    assert (hidden.exit_code, hidden.output) == (
        1, "Checked 1 plan: no findings shown; 1 finding hidden by --min-severity (1 info).\n")
    assert cli("check", "--min-severity", "error", over).exit_code == 0
    # the machine formats leave them out too, and standard error counts them
    rows = cli("check", "--format", "json", "--min-severity", "warning", bad, over)
    assert [(f["file"], f["code"]) for f in json.loads(rows.stdout)] == [(bad, "PL101")]
    assert rows.stderr == "planlint: 1 finding hidden by --min-severity (1 info)\n"
    assert cli("check", "--format", "json", "-q", "--min-severity", "warning", bad, over).stderr == ""


def test_statistics_in_a_format_that_cannot_hold_it_is_refused_before_anything_is_written(cli, tmp_path):
    path = write(tmp_path / "bad.yaml", UNDERTRAINED)
    for fmt in ("sarif", "github", "junit", "gitlab"):
        result = cli("check", "--statistics", "--output-format", fmt, "-o", str(tmp_path / "out.sarif"), path)
        assert (result.exit_code, result.stdout) == (2, "")
        assert result.stderr == (f"planlint: error: --statistics has no {fmt} form: use --output-format full, "
                                 "concise or json with --statistics, or leave --statistics out\n")
        assert not (tmp_path / "out.sarif").exists()


def test_check_without_a_path_checks_the_current_folder(cli, tmp_path, monkeypatch):
    write(tmp_path / "plans" / "bad.yaml", UNDERTRAINED)
    monkeypatch.chdir(tmp_path)
    result = cli("check", "--output-format", "concise")
    assert result.exit_code == 1
    assert result.output.startswith("plans/bad.yaml:7:3: PL101 [error]")
    assert result.output == cli("check", "--output-format", "concise", ".").output


def test_no_plans_found_is_said_once_without_a_clean_summary(cli, tmp_path):
    (tmp_path / "notes.yaml").write_text("a: 1\n", encoding="utf-8")
    result = cli("check", str(tmp_path))
    assert (result.exit_code, result.stdout) == (2, "")
    from planlint.discover import NO_PLANS

    assert result.stderr == f"planlint: error: {NO_PLANS}\n"  # and no "Checked 0 plans: no findings." beside it


@pytest.mark.parametrize("args, env, colored", [
    ((), {}, False),  # not a terminal
    ((), {"FORCE_COLOR": "1"}, True),
    ((), {"FORCE_COLOR": ""}, False),  # empty: not set
    ((), {"FORCE_COLOR": "1", "NO_COLOR": "1"}, True),  # force-color.org: FORCE_COLOR wins
    (("--color", "never"), {"FORCE_COLOR": "1"}, False),  # the command line wins over both
    (("--color", "always"), {"NO_COLOR": "1"}, True),
])
def test_force_color_and_no_color(cli, tmp_path, args, env, colored):
    path = write(tmp_path / "bad.yaml", UNDERTRAINED)
    result = cli("check", *args, path, env={"NO_COLOR": None, "FORCE_COLOR": None, **env})
    assert ("\x1b[" in result.output) is colored


def test_accelerators_as_json(cli):
    result = cli("accelerators", "--format", "json")
    assert result.exit_code == 0
    rows = {row["name"]: row for row in json.loads(result.output)}
    assert rows["a100-80gb"] == {"name": "a100-80gb", "label": rows["a100-80gb"]["label"], "peak_tflops": 312,
                                 "fp8_tflops": None, "memory_gb": 80, "bandwidth_gbps": rows["a100-80gb"]["bandwidth_gbps"],
                                 "source": rows["a100-80gb"]["source"], "plugin": None}
    assert len(rows) == len(cli("accelerators").output.splitlines()) - 1  # the text table's rows, less its header


BUG = ("import sys\n"
       "import planlint.discover\n"
       "def broken(paths):\n"
       "    raise KeyError('a bug')\n"
       "planlint.discover.discover = broken\n"
       "from planlint.cli import main\n"
       "main(sys.argv[1:])\n")


def test_a_bug_in_planlint_is_one_line_and_exit_2_never_a_traceback(tmp_path):
    env = {**os.environ, "PLANLINT_TRACEBACK": ""}
    done = subprocess.run([sys.executable, "-c", BUG, "check", "x.yaml"], capture_output=True, text=True, cwd=tmp_path,
                          env=env)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == ("planlint: error: internal error: KeyError: 'a bug' (at <string>:4 in broken); please "
                           "report it with the input (PLANLINT_TRACEBACK=1 shows the traceback)\n")
    shown = subprocess.run([sys.executable, "-c", BUG, "check", "x.yaml"], capture_output=True, text=True,
                           cwd=tmp_path, env={**env, "PLANLINT_TRACEBACK": "1"})
    assert shown.returncode == 1 and "Traceback (most recent call last)" in shown.stderr


BROKEN_BUNDLE = ("import importlib, sys\n"
                 "import planlint.rules\n"
                 "real = importlib.import_module\n"
                 "def load(name, *args):\n"
                 "    if name == 'planlint.rules.pl101_chinchilla_ratio':\n"
                 "        raise SyntaxError('invalid syntax')\n"
                 "    return real(name, *args)\n"
                 "planlint.rules.importlib = type('shim', (), {'import_module': staticmethod(load)})\n"
                 "from planlint.cli import main\n"
                 "main(sys.argv[1:])\n")


@pytest.mark.parametrize("command", ["check", "estimate", "checklist"])
def test_a_broken_built_in_rule_bundle_is_exit_2_never_a_green_run_without_rules(command):
    plan = os.path.join(os.path.dirname(__file__), "..", "examples", "chinchilla-70b.yaml")
    done = subprocess.run([sys.executable, "-c", BROKEN_BUNDLE, command, plan], capture_output=True, text=True)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == ("planlint: error: planlint's own 'builtin' bundle failed to load (planlint_rules() raised "
                           "SyntaxError('invalid syntax')): the installation is broken; reinstall planlint\n")
