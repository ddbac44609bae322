"""ACME's rules and checklist item, tested with planlint.testing through the installed plugin."""

from pathlib import Path

import pytest

from planlint.testing import case_params, findings, run_case, verdict

CASES = Path(__file__).parent / "cases"

PLAN = """\
planlint: 1
name: owned
x-acme-owner: dana@acme.example
model: {params: 1B}
data: {train_tokens: 20B}
"""


@pytest.mark.parametrize("case", case_params(CASES / "ACME101.yaml") + case_params(CASES / "ACME102.yaml"))
def test_rule_cases(case):
    run_case(case)


def test_the_budget_owner_item():
    found = verdict(PLAN, "acme-budget-owner")
    assert (str(found.status), [(e.text, e.line) for e in found.evidence]) == (
        "done", [("x-acme-owner: dana@acme.example", 3)])
    missing = verdict(PLAN.replace("x-acme-owner: dana@acme.example\n", ""), "acme-budget-owner")
    assert (str(missing.status), missing.fix) == ("missing", "add `x-acme-owner: name@acme.example` at the top of "
                                                             "the plan")


def test_the_accelerator_validates_in_a_plan():
    plan = PLAN + "serving: {accelerator: mi325x}\n"
    assert [f.code for f in findings(plan) if f.code == "PL002"] == []
