"""ACME's rules and checklist item, tested with planlint.testing through the installed plugin."""

import pytest

from planlint.testing import case_params, findings, run_case, verdict

PLAN = """\
planlint: 1
name: owned
x-acme-owner: dana@acme.example
model: {params: 1B}
data: {train_tokens: 20B}
"""


# case files next to this one: a relative path is relative to the test file, wherever pytest runs
@pytest.mark.parametrize("case", case_params("cases/ACME101.yaml") + case_params("cases/ACME102.yaml"))
def test_rule_cases(case):
    run_case(case)


def test_the_budget_owner_item():
    found = verdict(PLAN, "acme-budget-owner")
    assert (str(found.status), [(e.text, e.line) for e in found.evidence]) == (
        "done", [("x-acme-owner: dana@acme.example", 3)])
    missing = verdict(PLAN.replace("x-acme-owner: dana@acme.example\n", ""), "acme-budget-owner")
    assert (str(missing.status), missing.fix) == ("missing", "add `x-acme-owner: name@acme.example` at the top of "
                                                             "the plan")
    # a key with no value names nobody: ctx.has is false for null and blank values
    blank = verdict(PLAN.replace("x-acme-owner: dana@acme.example", "x-acme-owner:"), "acme-budget-owner")
    assert str(blank.status) == "missing"


def test_the_accelerator_validates_in_a_plan():
    plan = PLAN + "serving: {accelerator: mi325x}\n"
    assert [f.code for f in findings(plan) if f.code == "PL002"] == []
