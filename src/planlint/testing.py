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

An expectation pins any of code, rule, line, column, end_line, end_column, severity, message
(the headline), details (the list of detail lines), fix and pointer exactly; ``contains``
lists snippets of the headline or a detail line, ``fix_contains`` of the fix.

``expect: []`` asserts the rule stays silent. ``all_codes: true`` compares every finding of
the plan, not only the rule's. ``files:`` (relative path -> text) writes files beside the plan,
such as the launch config it names. In a plugin's tests::

    from planlint.testing import case_params, run_case

    @pytest.mark.parametrize("case", case_params("cases/ACME101.yaml"))   # next to this test file
    def test_rule(case):
        run_case(case)

The harness is strict, so that a case cannot pass by testing nothing: an unknown key (in the
file, a case or an expectation), a rule or an expected code that is not loaded, an option the
rule does not declare (or a value it cannot take), a plan that could not be checked (PL001-PL004)
or a rule that raised (PL000), each fails the case unless the case expects it.
"""

from __future__ import annotations

import io
import re
import sys
from contextlib import contextmanager
from dataclasses import field
from pathlib import Path
from typing import Any

from planlint.findings import Finding
from planlint.records import record

CASE_FILE_KEYS = ("rule", "cases")
CASE_KEYS = ("name", "plan", "options", "expect", "all_codes", "file", "files")
# what an expectation may pin exactly, then the parts of the text it may look for
PINNED = ("code", "rule", "line", "column", "end_line", "end_column", "severity", "message", "details", "fix",
          "pointer")
EXPECT_KEYS = (*PINNED, "contains", "fix_contains")


def _config(options: dict[str, dict[str, Any]] | None, registry):
    """The options checked and converted as a configuration file's are (quantities parsed, unknown
    names refused), as a Config; None without options."""
    if not options:
        return None
    from planlint.config import ConfigError, build

    try:
        return build({"options": options}, registry, origin="test options")
    except ConfigError as exc:
        raise AssertionError(str(exc)) from None


def lint_text(text: str, name: str = "plan.yaml", options: dict[str, dict[str, Any]] | None = None,
              files: dict[str, str] | None = None):
    """Lint plan ``text``; returns the engine's FileResult (``.findings``, ``.doc``). ``options``
    (by rule code) are checked like a configuration's: an option the rule does not declare, or a
    value it cannot take, fails with the message ``planlint check`` would give. With ``files``
    (relative path -> text: a launch config the plan names, say), the plan and the files are
    written to a fresh folder (a repository of its own) and linted there."""
    from planlint.engine import lint_bytes
    from planlint.plugins import registry

    loaded = registry()
    config = _config(options, loaded)
    if not files:
        return lint_bytes(text.encode("utf-8"), name, loaded, config=config)
    with _beside(files):
        return lint_bytes(text.encode("utf-8"), name, loaded, config=config)


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


def _unknown(keys, known, where: str) -> None:
    extra = [key for key in keys if key not in known]
    if extra:
        from difflib import get_close_matches

        close = get_close_matches(str(extra[0]), known, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else f"; the keys are {', '.join(known)}"
        raise AssertionError(f"{where}: unknown key '{extra[0]}'{hint}")


def load_cases(path: str | Path) -> tuple[str, list[dict]]:
    """(rule code, cases) of a case file, its shape checked: a mapping with ``rule`` and a list
    of ``cases``, each a mapping with a unique ``name`` and a ``plan``, and no unknown key."""
    import yaml

    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict) or not isinstance(data.get("rule"), str) or not isinstance(data.get("cases"), list):
        raise AssertionError(f"{path}: a case file is a mapping with `rule: CODE` and a list of `cases`")
    _unknown(data, CASE_FILE_KEYS, str(path))
    names = set()
    for index, case in enumerate(data["cases"]):
        where = f"{path}: cases[{index}]"
        if not isinstance(case, dict) or not isinstance(case.get("name"), str) or not isinstance(case.get("plan"), str):
            raise AssertionError(f"{where}: a case is a mapping with a `name` and a `plan` (text)")
        where = f"{path}: case {case['name']}"
        _unknown(case, CASE_KEYS, where)
        if case["name"] in names:
            raise AssertionError(f"{where}: two cases have this name")
        names.add(case["name"])
        expect = case.get("expect", [])
        if not isinstance(expect, list) or not all(isinstance(want, dict) for want in expect):
            raise AssertionError(f"{where}: `expect` is a list of mappings (`[]` for no finding)")
        for want in expect:
            _unknown(want, EXPECT_KEYS, f"{where}: an expectation")
    return data["rule"], data["cases"]


def _caller_folder() -> Path:
    """The folder of the file that called the public helper (two frames up)."""
    frame = sys._getframe(2)
    caller = frame.f_globals.get("__file__")
    return Path(caller).resolve().parent if caller else Path.cwd()


def case_params(path: str | Path):
    """pytest parameters, one per case, with readable ids (``PL101-gpt3_is_undertrained``). A
    relative ``path`` is relative to the folder of the test file that calls this, not to the
    folder pytest runs in."""
    import pytest

    path = Path(path)
    if not path.is_absolute():
        path = _caller_folder() / path
    if not path.is_file():
        raise AssertionError(f"{path}: no such case file (a relative path is relative to the test file's folder)")
    rule, cases = load_cases(path)
    return [pytest.param({"rule": rule, **case}, id=f"{rule}-{case['name']}") for case in cases]


def _listed(found: list[Finding]) -> str:
    """The findings a case got, one line each, escaped like every output."""
    from planlint.report.escape import visible

    return "\n".join(f"  {f.line}:{f.column} {f.code} [{f.severity}] {visible(f.message)}" for f in found) or "  (none)"


def run_case(case: dict) -> None:
    """Assert that the case's plan gives exactly the expected findings (see the module's
    docstring for what makes a case fail besides a different finding)."""
    from planlint.config import ALWAYS_ON
    from planlint.plugins import registry

    loaded = registry()
    rule, name = case["rule"], case.get("name", "?")
    _unknown(case, ("rule", *CASE_KEYS), f"case {name}")
    plugin_rules = sorted(code for code, owner in loaded.owner.items() if owner != "builtin")
    if rule not in loaded.rules:
        raise AssertionError(
            f"case {name}: rule {rule} is not loaded, so the case would test nothing; install the plugin that "
            f"provides it (pip install -e .) and check `planlint plugins` (plugin rules loaded: "
            f"{', '.join(plugin_rules) or 'none'})")
    expected = case.get("expect") or []
    for want in expected:
        _unknown(want, EXPECT_KEYS, f"case {name}: an expectation")
        code = want.get("code")
        if code is not None and code not in loaded.rules:
            raise AssertionError(f"case {name}: expects code {code}, which no loaded rule has")
        if code is not None and code != rule and not case.get("all_codes"):
            raise AssertionError(f"case {name}: expects code {code}, but only {rule}'s findings are compared "
                                 "(add `all_codes: true` to compare every finding)")
        if "severity" in want and want["severity"] not in ("error", "warning", "info"):
            raise AssertionError(f"case {name}: severity {want['severity']!r} is not error, warning or info")
    options = case.get("options")
    if options is not None and not isinstance(options, dict):
        raise AssertionError(f"case {name}: `options` maps {rule}'s option names to values")
    try:
        result = lint_text(case["plan"], case.get("file", "plan.yaml"), {rule: options} if options else None,
                           case.get("files"))
    except AssertionError as exc:
        raise AssertionError(f"case {name}: {exc}") from None
    got = result.findings
    shown = _listed(got)
    expected_codes = {want.get("code") for want in expected}
    # the plan was not checked (PL001-PL004), or this rule raised (PL000 names the rule it is about;
    # another rule's PL000 is for that rule's cases)
    unchecked = [f for f in got if f.code in ALWAYS_ON and f.code not in expected_codes and
                 not (f.code == "PL000" and f.facts.get("rule") not in (None, rule))]
    if unchecked:  # the rule did not run on the plan, or raised: an empty expectation would pass
        raise AssertionError(f"case {name}: the plan was not checked in full ({_listed(unchecked[:1]).strip()}); "
                             f"fix the case's plan, or expect it with all_codes: true\n{shown}")
    if not case.get("all_codes"):
        got = [f for f in got if f.code == rule]
        shown = _listed(got)
    assert len(got) == len(expected), f"case {name}: expected {len(expected)} finding(s), got {len(got)}:\n{shown}"
    for want, finding in zip(expected, got):
        for key in PINNED:
            if key in want:
                actual = (str(finding.severity) if key == "severity" else list(finding.details) if key == "details"
                          else getattr(finding.span, key) if key in ("end_line", "end_column")
                          else getattr(finding, key))
                assert actual == want[key], f"case {name}: {key}: expected {want[key]!r}, got {actual!r}\n{shown}"
        text = "\n".join((finding.message, *finding.details))
        for snippet in want.get("contains", []):
            assert snippet in text, f"case {name}: {snippet!r} not in message or details {text!r}"
        for snippet in want.get("fix_contains", []):
            assert snippet in finding.fix, f"case {name}: {snippet!r} not in fix {finding.fix!r}"


# -- catalogue pages -------------------------------------------------------------------


@record
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
