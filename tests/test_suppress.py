"""Suppression comments (PL005, PL006) and baselines, with exact findings."""

import json
from pathlib import Path

from conftest import MINIMAL
from planlint.config import Config
from planlint.engine import lint_bytes
from planlint.plugins import registry

# 2.0 tokens/param: PL101 error at data.train_tokens, line 7
UNDERTRAINED = MINIMAL.replace("train_tokens: 20B", "train_tokens: 2B").replace("1.2e20", "1.2e19")


def lint(text: str, config: Config | None = None, name: str = "plan.yaml"):
    result = lint_bytes(text.encode("utf-8"), name, registry(), config=config)
    return [(f.code, f.line, f.column, str(f.severity), f.message) for f in result.findings]


def on_line(text: str, line: int, comment: str) -> str:
    lines = text.splitlines()
    lines[line - 1] += comment
    return "\n".join(lines) + "\n"


def test_line_suppression_silences_the_finding_on_its_line():
    assert [f[0] for f in lint(UNDERTRAINED)] == ["PL101"]
    assert lint(on_line(UNDERTRAINED, 7, "  # planlint: disable=PL101 -- ablation run")) == []


def test_rule_names_and_several_codes():
    text = on_line(UNDERTRAINED, 7, "  # planlint: disable=undertrained-ratio, PL102 -- ablation")
    assert lint(text) == [("PL005", 7, 21, "warning",
                           "the suppression of PL102 silences nothing: PL102 reports nothing on this line")]


def test_line_suppression_on_another_line_does_not_apply():
    text = on_line(UNDERTRAINED, 6, "  # planlint: disable=PL101")
    assert lint(text) == [
        ("PL005", 6, 8, "warning", "the suppression of PL101 silences nothing: PL101 reports nothing on this line"),
        ("PL101", 7, 3, "error", lint(UNDERTRAINED)[0][4]),
    ]


def test_file_suppression_anywhere_in_the_file():
    text = "# planlint: disable-file=PL101 -- replicating GPT-3's ratio\n" + UNDERTRAINED
    assert lint(text) == []
    text = UNDERTRAINED + "# planlint: disable-file=PL101,PL201 -- a sweep\n"
    assert lint(text) == [("PL005", 10, 1, "warning",
                           "the suppression of PL201 silences nothing: PL201 reports nothing in this file")]


def test_unknown_code_and_unsuppressible_codes_are_reported():
    text = on_line(MINIMAL, 7, "  # planlint: disable=PL999")
    assert lint(text) == [("PL005", 7, 22, "warning", "the suppression names 'PL999', which is no rule")]
    broken = MINIMAL.replace("params: 1B", "params: lots  # planlint: disable=PL002")
    assert [(f[0], f[1], f[2], f[4]) for f in lint(broken)] == [
        ("PL002", 5, 11, lint(MINIMAL.replace("params: 1B", "params: lots"))[0][4]),
        ("PL005", 5, 17, "PL002 cannot be suppressed: it means the plan was not checked"),
    ]


def test_hash_inside_a_value_is_not_a_comment():
    text = MINIMAL.replace("name: tiny", 'name: "tiny#planlint: disable=PL101"')
    assert lint(text.replace("train_tokens: 20B", "train_tokens: 2B").replace("1.2e20", "1.2e19"))[0][0] == "PL101"


def test_reason_required_by_configuration():
    text = on_line(UNDERTRAINED, 7, "  # planlint: disable=PL101")
    strict = Config(require_reason=True)
    assert lint(text) == []
    assert lint(text, strict) == [("PL006", 7, 21, "warning",
                                  "the suppression gives no reason, and the configuration requires one")]
    assert lint(on_line(UNDERTRAINED, 7, "  # planlint: disable=PL101 -- ablation, on purpose"), strict) == []


def test_the_suppression_findings_can_themselves_be_configured():
    text = on_line(MINIMAL, 7, "  # planlint: disable=PL101")
    assert [f[0] for f in lint(text)] == ["PL005"]
    assert lint(text, Config(ignore=("PL005",))) == []


def test_suppressing_a_rule_that_does_not_run_is_not_stale():
    text = on_line(MINIMAL, 7, "  # planlint: disable=PL101 -- PL101 is off in this repo anyway")
    assert lint(text, Config(ignore=("PL101",))) == []


# --- baselines --------------------------------------------------------------------------------

def write(path: Path, text: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_baseline_hides_recorded_findings_and_survives_edits_elsewhere(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "plans" / "old.yaml", UNDERTRAINED)
    result = cli("check", "--write-baseline", "baseline.json", "plans")
    assert result.exit_code == 0
    assert "recorded 1 finding of 1 plan in baseline.json" in result.output
    assert json.loads((tmp_path / "baseline.json").read_text()) == {
        "planlint_baseline": 1,
        "findings": [{"file": "plans/old.yaml", "code": "PL101", "pointer": "/data/train_tokens", "count": 1}],
    }
    # an edit above moves the finding to line 9: still the same key, still in the baseline
    write(tmp_path / "plans" / "old.yaml", "# revised\n# again\n" + UNDERTRAINED)
    result = cli("check", "--baseline", "baseline.json", "plans")
    assert (result.exit_code, result.output) == (
        0, "planlint: 1 finding in the baseline not shown\nChecked 1 plan: no findings.\n")
    # a new plan with the same problem is new
    write(tmp_path / "plans" / "new.yaml", UNDERTRAINED)
    result = cli("check", "--format", "concise", "--baseline", "baseline.json", "plans")
    assert result.exit_code == 1
    assert [line.split(" ")[0] for line in result.output.splitlines() if ": PL" in line] == ["plans/new.yaml:7:3:"]


def test_baseline_counts_repeats_and_reports_stale_entries(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "plan.yaml", UNDERTRAINED)
    cli("check", "--write-baseline", "b.json", "plan.yaml")
    write(tmp_path / "plan.yaml", MINIMAL)  # fixed
    result = cli("check", "--baseline", "b.json", "plan.yaml")
    assert result.exit_code == 0
    assert result.output.startswith("planlint: 1 baseline entry matched nothing (fixed, or not checked in this run)")


def test_baseline_paths_are_relative_to_the_baseline_file(cli, tmp_path, monkeypatch):
    write(tmp_path / "repo" / "plans" / "p.yaml", UNDERTRAINED)
    monkeypatch.chdir(tmp_path / "repo")
    cli("check", "--write-baseline", "ci/baseline.json", "plans")
    monkeypatch.chdir(tmp_path / "repo" / "plans")
    assert cli("check", "--baseline", "../ci/baseline.json", "p.yaml").exit_code == 0


def test_broken_baseline_is_exit_2(cli, tmp_path):
    plan = write(tmp_path / "plan.yaml", MINIMAL)
    bad = write(tmp_path / "b.json", "{not json")
    result = cli("check", "--baseline", bad, plan)
    assert result.exit_code == 2 and f"planlint: error: {bad}: not a planlint baseline (invalid JSON" in result.output
    other = write(tmp_path / "c.json", '{"findings": []}')
    assert cli("check", "--baseline", other, plan).exit_code == 2
    assert cli("check", "--baseline", str(tmp_path / "none.json"), plan).exit_code == 2
