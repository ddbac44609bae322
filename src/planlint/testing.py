"""Helpers to test rules and checklist items against fixture plans, for planlint's own tests
and plugin authors (``findings``, ``render``, ``run_case`` for rules; ``verdict``,
``checklist``, ``render_checklist`` for checklist items).

Rule cases are YAML data (one file per rule), in the spirit of sqlfluff's rule fixtures::

    rule: PL101
    cases:
      - name: gpt3_is_undertrained
        plan: |
          planlint: 1
          name: gpt3
          model: {params: 175B}
          data:
            train_tokens: 300B
        options: {warn_below: 8}          # optional rule options
        expect:                           # exactly these findings of the rule, in order
          - {code: PL101, line: 5, column: 3, severity: error, contains: ["1.7 tokens/param"]}

``expect: []`` asserts the rule stays silent. ``all_codes: true`` compares every finding of
the plan, not only the rule's. ``files:`` (relative path -> text) writes files beside the plan,
such as the launch config it names. In a plugin's tests::

    from planlint.testing import case_params, run_case

    @pytest.mark.parametrize("case", case_params("tests/cases/ACME101.yaml"))
    def test_rule(case):
        run_case(case)
"""

from __future__ import annotations

import io
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planlint.findings import Finding


def lint_text(text: str, name: str = "plan.yaml", options: dict[str, dict[str, Any]] | None = None,
              files: dict[str, str] | None = None):
    """Lint plan ``text``; returns the engine's FileResult (``.findings``, ``.doc``). With
    ``files`` (relative path -> text: a launch config the plan names, say), the plan and the
    files are written to a fresh folder (a repository of its own) and linted there."""
    from planlint.engine import lint_bytes
    from planlint.plugins import registry

    if not files:
        return lint_bytes(text.encode("utf-8"), name, registry(), options)
    with _beside(files):
        return lint_bytes(text.encode("utf-8"), name, registry(), options)


@contextmanager
def _beside(files: dict[str, str]):
    """A temporary folder holding ``files``, as the current folder while the block runs."""
    import os
    import tempfile

    here = os.getcwd()
    with tempfile.TemporaryDirectory() as folder:
        os.mkdir(os.path.join(folder, ".git"))  # the folder is the repository launch configs stay inside
        for relative, content in files.items():
            target = Path(folder, relative)
            if Path(relative).is_absolute() or ".." in Path(relative).parts:
                raise ValueError(f"a fixture file is named relative to the plan's folder, not {relative!r}")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8")
        os.chdir(folder)
        try:
            yield folder
        finally:
            os.chdir(here)


def findings(text: str, name: str = "plan.yaml", options=None, files: dict[str, str] | None = None) -> list[Finding]:
    return lint_text(text, name, options, files).findings


def render(text: str, name: str = "plan.yaml", fmt: str = "concise", options=None,
           files: dict[str, str] | None = None) -> str:
    """What ``planlint check --format FMT`` prints for the plan (without colour)."""
    from planlint.report import render as render_results

    stream = io.StringIO()
    render_results(fmt, [lint_text(text, name, options, files)], stream)
    return stream.getvalue()


def render_example(plan_text: str, files: dict[str, str] | None = None) -> str:
    """The output shown under a catalogue page's failing example (file named example.yaml)."""
    return render(plan_text, "example.yaml", "concise", files=files)


def checklist(text: str, name: str = "plan.yaml"):
    """The checklist of plan ``text`` (a ``planlint.checklist.PlanChecklist``: ``.items``, each
    with ``.id`` and ``.verdict``), as ``planlint checklist`` evaluates it. The plan must validate."""
    from planlint.checklist import evaluate
    from planlint.plugins import registry

    result = lint_text(text, name)
    if result.plan is None:
        from planlint.config import ALWAYS_ON

        blocking = [f for f in result.findings if f.code in ALWAYS_ON]
        shown = f": {blocking[0].line}:{blocking[0].column} {blocking[0].message}" if blocking else ""
        raise AssertionError(f"the plan does not validate{shown}")
    return evaluate(result.plan, result.doc, registry(), result.numbers)


def verdict(text: str, item_id: str):
    """One checklist item's verdict on plan ``text``: ``.status``, ``.reason``, ``.evidence``
    (each with ``.text`` and ``.line``) and ``.fix``."""
    found = {item.id: item.verdict for item in checklist(text).items}
    assert item_id in found, f"no checklist item {item_id!r}; loaded: {', '.join(found)}"
    return found[item_id]


def render_checklist(text: str, name: str = "plan.yaml", fmt: str = "text") -> str:
    """What ``planlint checklist --format FMT`` prints for plan ``text``."""
    from planlint.checklist.render import RENDERERS

    stream = io.StringIO()
    RENDERERS[fmt]([checklist(text, name)], stream)
    return stream.getvalue()


# -- rule cases ------------------------------------------------------------------------


def load_cases(path: str | Path) -> tuple[str, list[dict]]:
    import yaml

    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return data["rule"], data["cases"]


def case_params(path: str | Path):
    """pytest parameters, one per case, with readable ids (``PL101-gpt3_is_undertrained``)."""
    import pytest

    rule, cases = load_cases(path)
    return [pytest.param({"rule": rule, **case}, id=f"{rule}-{case['name']}") for case in cases]


def run_case(case: dict) -> None:
    """Assert that the case's plan gives exactly the expected findings."""
    rule = case["rule"]
    options = {rule: case["options"]} if case.get("options") else None
    got = findings(case["plan"], case.get("file", "plan.yaml"), options, case.get("files"))
    if not case.get("all_codes"):
        got = [f for f in got if f.code == rule]
    expected = case.get("expect") or []
    shown = "\n".join(f"  {f.line}:{f.column} {f.code} [{f.severity}] {f.message}" for f in got) or "  (none)"
    assert len(got) == len(expected), f"expected {len(expected)} finding(s), got {len(got)}:\n{shown}"
    for want, finding in zip(expected, got):
        for key in ("code", "line", "column", "severity", "message", "fix", "pointer"):
            if key in want:
                actual = str(finding.severity) if key == "severity" else getattr(finding, key)
                assert actual == want[key], f"{key}: expected {want[key]!r}, got {actual!r}\n{shown}"
        for snippet in want.get("contains", []):
            assert snippet in finding.message, f"{snippet!r} not in message {finding.message!r}"
        for snippet in want.get("fix_contains", []):
            assert snippet in finding.fix, f"{snippet!r} not in fix {finding.fix!r}"


# -- catalogue pages -------------------------------------------------------------------


@dataclass
class DocExamples:
    failing: str | None
    output: str | None
    passing: str | None
    # files the examples need beside the plan (a launch config), from blocks like ```bash file=scripts/train.sh
    files: dict[str, str] = field(default_factory=dict)


def _section(text: str, heading: str) -> str | None:
    match = re.search(rf"^## {heading}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    return match.group(1) if match else None


def _block(section: str | None, lang: str) -> str | None:
    if section is None:
        return None
    match = re.search(rf"^```{lang}\n(.*?)^```", section, re.S | re.M)
    return match.group(1) if match else None


def doc_examples(page: str) -> DocExamples:
    failing = _section(page, "Failing example")
    files = {m.group(1): m.group(2) for m in re.finditer(r"^```\w+ file=(\S+)\n(.*?)^```", failing or "", re.S | re.M)}
    return DocExamples(_block(failing, "yaml"), _block(failing, "text"), _block(_section(page, "Passing example"), "yaml"),
                       files)


def doc_options(page: str) -> dict[str, str]:
    """The option table of a catalogue page: name -> default as written."""
    section = _section(page, "Options") or ""
    return {m.group(1): m.group(2).strip() for m in re.finditer(r"^\| `(\w+)` \| ([^|]+)\|", section, re.M)}
