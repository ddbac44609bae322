"""The README shows real output and the real CI command."""

import io
import re
from pathlib import Path

from planlint.engine import lint_bytes
from planlint.plugins import registry
from planlint.report import render

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _block_after(marker: str) -> str:
    match = re.search(re.escape(marker) + r".*?```text\n(.*?)```", README, re.S)
    assert match, f"no text block after {marker!r}"
    return match.group(1)


def test_the_opening_example_is_what_planlint_prints_for_gpt3():
    path = ROOT / "examples" / "gpt3-175b.yaml"
    stream = io.StringIO()
    render("text", [lint_bytes(path.read_bytes(), "examples/gpt3-175b.yaml", registry())], stream)
    shown = _block_after("ruff or yamllint do:")
    assert stream.getvalue().startswith(shown + "\n")


def test_the_estimate_example_is_what_planlint_prints(cli):
    match = re.search(r"```text\n\$ planlint estimate examples/harbor-analytics.yaml\n(.*?)```", README, re.S)
    assert match, "no estimate example in the README"
    result = cli("estimate", str(ROOT / "examples" / "harbor-analytics.yaml"))
    assert result.output.replace(str(ROOT / "examples") + "/", "examples/") == match.group(1)


def test_ci_runs_the_readme_test_command():
    commands = re.findall(r"```sh\n(.*?)\n```", README, re.S)
    assert len(commands) >= 2
    test_command = commands[1]
    assert "pytest" in test_command
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()


def test_the_suppression_example_silences_what_it_says():
    match = re.search(r"## Suppressions and baselines\n.*?```yaml\n(.*?)```", README, re.S)
    assert match, "no yaml block in Suppressions and baselines"
    plan = "planlint: 1\nname: ablation-1b\ngoal: base\nmodel:\n  params: 1B\n" + match.group(1)

    def codes(text):
        return [(f.code, f.line) for f in lint_bytes(text.encode(), "plan.yaml", registry()).findings]

    assert codes(plan) == []
    bare = re.sub(r" *# (noqa|planlint).*", "", plan)
    assert codes(bare) == [("PL101", 7), ("PL102", 9), ("PL202", 12)]
