"""Every finding's headline fits a terminal line (``planlint.findings.HEADLINE_LIMIT``).

What counts is the message as the text format prints it between ``CODE [severity] `` and
`` (rule-name)``: characters (code points) after escaping. The location, code, severity and
rule name are not counted; the details and the fix have lines of their own.
"""

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from planlint.engine import lint_bytes
from planlint.findings import HEADLINE_LIMIT
from planlint.plugins import registry
from planlint.report.escape import visible
from planlint.testing import lint_text, load_cases
from test_properties import _yaml, plans

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml")) + sorted((ROOT / "examples" / "launch").glob("*/*.yaml"))
CASES = sorted((Path(__file__).parent / "cases").glob("*.yaml"))
CORPUS = sorted((ROOT / "fuzz" / "corpus").glob("*"))


def headline(finding) -> str:
    return visible(finding.message, line_start=False)


def too_long(findings) -> list[str]:
    return [f"{f.code} ({len(headline(f))}): {headline(f)}" for f in findings if len(headline(f)) > HEADLINE_LIMIT]


def test_the_limit_is_a_terminal_line():
    assert HEADLINE_LIMIT == 100


def test_the_examples_give_headlines_to_measure(monkeypatch):
    monkeypatch.chdir(ROOT)
    codes = {f.code for path in EXAMPLES
             for f in lint_bytes(path.read_bytes(), os.path.relpath(path, ROOT), registry()).findings}
    assert len(codes) >= 6


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_headline_of_the_examples_fits(path, monkeypatch):
    monkeypatch.chdir(ROOT)  # a launch example names its config relative to the repository
    result = lint_bytes(path.read_bytes(), os.path.relpath(path, ROOT), registry())
    assert too_long(result.findings) == []


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_every_headline_of_the_rule_cases_fits(path):
    rule, cases = load_cases(path)
    found = []
    for case in cases:
        options = {rule: case["options"]} if case.get("options") else None
        found += lint_text(case["plan"], case.get("file", "plan.yaml"), options, case.get("files")).findings
    assert found, "the cases give findings to measure"
    assert too_long(found) == []


def test_every_headline_of_the_fuzz_corpus_fits():
    found = [f for path in CORPUS for f in lint_bytes(path.read_bytes(), path.name, registry()).findings]
    assert {f.code for f in found} >= {"PL001", "PL002", "PL003", "PL004"}
    assert too_long(found) == []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_every_headline_of_generated_plans_fits(plan):
    assert too_long(lint_text(_yaml(plan)).findings) == []


def test_plan_text_in_a_headline_is_cut_to_fit():
    name = "s" * 300
    plan = (f"planlint: 1\nname: x\nmodel: {{params: 1B}}\ndata:\n  train_tokens: 20B\n  mix:\n"
            f"    - {{source: {name}, share: 50%}}\n    - {{source: {name}, share: 50%}}\n")
    (dup,) = [f for f in lint_text(plan).findings if f.code == "PL103"]
    assert dup.message == f"source '{'s' * 31}…' appears twice in the mix (first as entry 1)"
    hidden = '"' + "\\e" * 40 + '"'  # ESC, printed as the four characters \x1b
    (dup,) = [f for f in lint_text(plan.replace(name, hidden)).findings if f.code == "PL103"]
    assert visible(dup.message).startswith("source '" + "\\x1b" * 7 + "…'")


@pytest.mark.parametrize(("message", "split"), [
    ("short: stays whole", ("short: stays whole", ())),
    ("'abc' is not a flag and follows --pipeline-model-parallel-size, which takes one value: Megatron-LM stops with "
     "'unrecognized arguments'",
     ("'abc' is not a flag and follows --pipeline-model-parallel-size, which takes one value",
      ("Megatron-LM stops with 'unrecognized arguments'",))),
    ("x (a: b; c) " * 9 + "and no break outside brackets past the limit; rest",
     ("x (a: b; c) " * 9 + "and no break outside brackets past the limit; rest", ())),
])
def test_a_launch_config_problem_is_cut_at_a_clause_break_to_fit(message, split):
    from planlint.link import headline_split

    assert headline_split(message) == split


def test_a_launch_config_problem_without_a_break_gives_its_closing_parenthesis_to_a_detail():
    from planlint.link import headline_split

    message = ("selective activation checkpointing of every 4 layers has no plan equivalent (it recomputes whole "
               "layers, not the selective set)")
    assert headline_split(message) == (
        "selective activation checkpointing of every 4 layers has no plan equivalent",
        ("it recomputes whole layers, not the selective set",))
