"""Every rule's YAML cases (tests/cases/<CODE>.yaml), run with the harness plugin authors use."""

from pathlib import Path

import pytest

from planlint.testing import case_params, run_case

CASES = sorted((Path(__file__).parent / "cases").glob("*.yaml"))
PARAMS = [param for path in CASES for param in case_params(path)]


@pytest.mark.parametrize("case", PARAMS)
def test_rule_case(case):
    run_case(case)


def test_every_plan_rule_has_cases():
    from planlint.plugins import registry

    covered = {path.stem for path in CASES}
    missing = [code for code, rule in registry().rules.items() if rule.stage == "plan" and code not in covered]
    assert missing == []
