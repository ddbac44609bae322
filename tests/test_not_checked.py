"""A plan that could not be checked is never green.

The codes that mean it (``planlint.findings.NOT_CHECKED``: PL000-PL004) cannot be downgraded
by ``severity``, recorded in or hidden by a baseline, suppressed or deselected, and
``--exit-zero`` says when it passes them. A file that could not be read or parsed is a
failure in every report format.
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET

import pytest

from conftest import MINIMAL
from planlint import config, findings
from test_formats import sarif_validate

UNDERTRAINED = MINIMAL.replace("train_tokens: 20B", "train_tokens: 2B").replace("1.2e20", "1.2e19")  # PL101 error
BROKEN = "planlint: 1\nname: [\n"  # PL001 at 3:1
DUPLICATE = MINIMAL + "name: again\n"  # PL003 at 10:1
DEEP = "planlint: 1\nname: x\nx-deep: " + "[" * 70 + "]" * 70 + "\n"  # PL004 at 3:72


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_one_definition_of_not_checked_that_every_stage_reads():
    assert findings.NOT_CHECKED == ("PL000", "PL001", "PL002", "PL003", "PL004", "PL008")
    assert config.ALWAYS_ON is findings.NOT_CHECKED  # what suppress.py and selection read
    assert set(findings.STOPPED) < set(findings.NOT_CHECKED)


def test_a_duplicate_key_cannot_be_suppressed_or_ignored(lint, cli, tmp_path):
    suppressed = MINIMAL + "name: again  # planlint: disable=PL003 -- keep the second\n"
    assert [(code, line) for code, line, _, _ in lint(suppressed)] == [("PL003", 10), ("PL005", 10)]
    plan = write(tmp_path / "p.yaml", DUPLICATE)
    for args in (("--ignore", "PL003"), ("--ignore", "duplicate-key")):
        result = cli("check", *args, plan)
        assert (result.exit_code, result.stderr) == (
            2, "planlint: error: command line: ignore: PL003 cannot be ignored: it means the plan could not be checked\n")
    write(tmp_path / ".planlint.yaml", "per-file-ignores:\n  'p.yaml': [PL003]\n")
    assert cli("check", plan).exit_code == 2


@pytest.mark.parametrize("code", findings.NOT_CHECKED)
@pytest.mark.parametrize("level", ["warning", "info"])
def test_severity_cannot_downgrade_a_not_checked_code(cli, tmp_path, code, level):
    plan = write(tmp_path / "p.yaml", MINIMAL)
    cfg = write(tmp_path / "cfg.yaml", f"severity:\n  {code}: {level}\n")
    result = cli("check", "--config", cfg, plan)
    assert (result.exit_code, result.stderr) == (
        2, f"planlint: error: {cfg}: severity.{code}: {code} cannot be downgraded to {level}: it means the plan "
           "could not be checked, so it is always an error\n")


def test_severity_may_keep_a_not_checked_code_an_error(cli, tmp_path):
    plan = write(tmp_path / "p.yaml", BROKEN)
    cfg = write(tmp_path / "cfg.yaml", "severity:\n  yaml-syntax: error\n")
    assert cli("check", "--config", cfg, plan).exit_code == 1


def test_write_baseline_records_none_of_them_and_says_so(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "plans" / "old.yaml", UNDERTRAINED)
    write(tmp_path / "plans" / "broken.yaml", BROKEN)
    write(tmp_path / "plans" / "dup.yaml", DUPLICATE)
    result = cli("check", "--write-baseline", "b.json", "plans")
    assert result.exit_code == 1  # not green: two plans could not be checked
    assert json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))["findings"] == [
        {"file": "plans/old.yaml", "code": "PL101", "pointer": "/data/train_tokens", "count": 1}]
    assert result.stderr.splitlines() == [
        "planlint: recorded 1 finding of 3 plans in b.json",
        "planlint: error: plans/broken.yaml:3:1: PL001 syntax error: did not find expected node content: not "
        "recorded, PL001 means the plan could not be checked and no baseline hides it",
        "planlint: error: plans/dup.yaml:10:1: PL003 duplicate key 'name' in the plan (first at line 2): not "
        "recorded, PL003 means the plan could not be checked and no baseline hides it",
    ]


def test_a_baseline_that_lists_them_hides_none(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "plans" / "broken.yaml", BROKEN)
    write(tmp_path / "plans" / "dup.yaml", DUPLICATE)
    entries = [{"file": "plans/broken.yaml", "code": "PL001", "pointer": "", "count": 1},
               {"file": "plans/dup.yaml", "code": "PL003", "pointer": "/name", "count": 1},
               {"file": "plans/dup.yaml", "code": "PL003", "pointer": "", "count": 9}]
    write(tmp_path / "b.json", json.dumps({"planlint_baseline": 1, "findings": entries}))
    result = cli("check", "--format", "concise", "--baseline", "b.json", "plans")
    assert result.exit_code == 1
    assert [line.split(" ")[:2] for line in result.stdout.splitlines() if ": PL" in line] == [
        ["plans/broken.yaml:3:1:", "PL001"], ["plans/dup.yaml:10:1:", "PL003"]]
    assert result.stderr == ("planlint: 3 baseline entries ignored: PL001, PL003 mean a plan could not be checked, "
                             "which no baseline hides\n")


def test_exit_zero_says_it_passes_files_that_were_not_checked(cli, tmp_path):
    write(tmp_path / "plans" / "broken.yaml", BROKEN)
    write(tmp_path / "plans" / "deep.yaml", DEEP)
    write(tmp_path / "plans" / "old.yaml", UNDERTRAINED)
    result = cli("check", "--exit-zero", "-q", str(tmp_path / "plans"))
    assert result.exit_code == 0  # --exit-zero is a report that does not gate, as in ruff ...
    assert result.stderr == ("planlint: warning: 2 files could not be checked (PL001, PL004); --exit-zero keeps the "
                             "exit code 0\n")  # ... but never a silent one
    clean = cli("check", "--exit-zero", "-q", write(tmp_path / "only" / "old.yaml", UNDERTRAINED))
    assert (clean.exit_code, clean.stderr) == (0, "")


# --- every format shows a file that was not checked as a failure ------------------------------

@pytest.fixture
def run(tmp_path, cli):
    """A run over a good plan with a finding, a broken one (PL001), one past a bound (PL004)
    and one that cannot be read (a link to nothing); ``run(fmt)`` is its report."""
    write(tmp_path / "plans" / "broken.yaml", BROKEN)
    write(tmp_path / "plans" / "deep.yaml", DEEP)
    write(tmp_path / "plans" / "old.yaml", UNDERTRAINED)
    os.symlink(tmp_path / "nowhere.yaml", tmp_path / "plans" / "gone.yaml")

    def report(fmt):
        result = cli("check", "--format", fmt, str(tmp_path / "plans"))
        assert result.exit_code == 2  # the unreadable file
        assert result.stderr == f"planlint: error: {tmp_path / 'plans' / 'gone.yaml'}: No such file or directory\n"
        return result.stdout

    report.gone = str(tmp_path / "plans" / "gone.yaml")
    report.root = str(tmp_path / "plans")
    return report


def test_json_has_an_entry_for_every_file_not_checked(run):
    entries = json.loads(run("json"))
    assert [(os.path.basename(e["file"]), e["code"], e["line"], e["column"]) for e in entries] == [
        ("broken.yaml", "PL001", 3, 1), ("deep.yaml", "PL004", 3, 72), ("gone.yaml", "PL001", 1, 1),
        ("old.yaml", "PL101", 7, 3)]
    assert entries[2] == {
        "file": run.gone, "line": 1, "column": 1, "end_line": 1, "end_column": 1, "code": "PL001",
        "rule": "yaml-syntax", "severity": "error",
        "message": "the file could not be read, so it was not checked: No such file or directory",
        "details": [], "fix": "make the path a readable plan file, or leave it out of the run", "pointer": "", "facts": {"unreadable": True}}


def test_sarif_says_the_run_did_not_check_everything(run):
    log = json.loads(run("sarif"))
    sarif_validate(log)
    (invocation,) = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    notified = [(os.path.basename(n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]),
                 n["associatedRule"]["id"], n["locations"][0]["physicalLocation"].get("region", {}).get("startLine"))
                for n in invocation["toolExecutionNotifications"]]
    assert notified == [("broken.yaml", "PL001", 3), ("deep.yaml", "PL004", 3), ("gone.yaml", "PL001", 1)]
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["PL001", "PL004", "PL001", "PL101"]


def test_sarif_of_a_broken_plan_alone_is_not_a_successful_run(cli, tmp_path):
    log = json.loads(cli("check", "--format", "sarif", write(tmp_path / "b.yaml", BROKEN)).stdout)
    assert log["runs"][0]["invocations"][0]["executionSuccessful"] is False


def test_junit_has_errors_and_skips_the_rules_that_did_not_run(run):
    from planlint.plugins import registry

    root = ET.fromstring(run("junit"))
    suites = {os.path.basename(s.get("name")): s for s in root.iter("testsuite")}
    plan_rules = str(len(registry().plan_rules))  # every plan rule is skipped when the plan was not checked
    assert {name: (s.get("failures"), s.get("errors"), s.get("skipped")) for name, s in suites.items()} == {
        "broken.yaml": ("0", "1", plan_rules), "deep.yaml": ("0", "1", plan_rules), "gone.yaml": ("0", "1", "0"),
        "old.yaml": ("1", "0", "0")}
    error = suites["broken.yaml"].find("testcase[@name='PL001 yaml-syntax']/error")
    assert (error.get("type"), error.get("message")) == ("PL001", "3:1: syntax error: did not find expected node "
                                                                  "content")
    assert "\n  while parsing a flow node at line 3\n" in error.text
    (pl101,) = [case for case in suites["broken.yaml"].iter("testcase") if case.get("name").startswith("PL101 ")]
    skipped = pl101.find("skipped")
    assert skipped.get("message") == "not run: the plan could not be checked"
    assert (root.get("failures"), root.get("errors")) == ("1", "3")


def test_gitlab_has_an_issue_for_every_file_not_checked(run):
    issues = json.loads(run("gitlab"))
    assert [(os.path.basename(i["location"]["path"]), i["check_name"], i["severity"]) for i in issues] == [
        ("broken.yaml", "PL001", "critical"), ("deep.yaml", "PL004", "critical"), ("gone.yaml", "PL001", "blocker"),
        ("old.yaml", "PL101", "major")]


def test_github_annotates_every_file_not_checked(run):
    lines = run("github").splitlines()
    assert [line.split(" ")[0] for line in lines] == ["::error"] * 4
    assert lines[2] == f"::error file={run.gone.replace(':', '%3A')},title=planlint::{run.gone}: No such file or directory"


def test_text_summary_counts_the_file_that_could_not_be_read(run):
    assert run("concise").splitlines()[-1] == "Found 3 findings (3 errors) in 3 of 3 plans; 1 file could not be read."


def test_a_missing_path_is_in_the_report_too(cli, tmp_path):
    result = cli("check", "--format", "json", str(tmp_path / "typo.yaml"), write(tmp_path / "ok.yaml", MINIMAL))
    assert result.exit_code == 2
    (entry,) = json.loads(result.stdout)
    assert (entry["file"], entry["code"], entry["message"]) == (
        str(tmp_path / "typo.yaml"), "PL001", "the file could not be read, so it was not checked: no such file or folder")
