"""One set of numbers for every command: the rules, the checklist and `planlint estimate` read the
same numbers about a plan, and a fix planlint suggests passes the rule that would judge it next."""

from __future__ import annotations

import copy
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_properties import ACCELERATORS, count, plans

from planlint.numbers import compute
from planlint.model import build
from planlint.testing import checklist, lint_text

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# finding fact -> the number it must equal, by rule
SHARED = {
    "PL101": {"compute_waste": "compute_waste", "same_loss_params": "same_loss_params",
              "same_loss_flops": "same_loss_flops"},
    "PL102": {},
    "PL104": {"counted_params": "shape_params", "counted_active_params": "shape_active_params"},
    "PL201": {"train_flops": "train_flops"},
    "PL202": {"needed_flops": "train_flops", "needed_gpu_hours": "gpu_hours"},
    "PL203": {"implied_mfu": "implied_mfu"},
    "PL204": {"days": "wall_clock_days"},
    "PL206": {"used_share": "budget_used", "budget_flops": "budget_flops"},
    "PL401": {"usd_per_million_tokens": "serve_usd_per_million_tokens",
              "tokens_per_second": "serve_tokens_per_second"},
    "PL402": {"needed_bytes": "serve_memory_bytes"},
    "PL404": {"inference_optimal_params": "inference_optimal_params", "compute_saving": "inference_optimal_saving"},
}


@FAST
@given(plans())
def test_every_number_a_finding_states_is_the_plans_number(plan):
    result = lint_text(json.dumps(plan))
    assert result.numbers is not None
    # estimate's numbers are computed from the plan alone, the same as the pipeline's
    assert compute(build(plan)).values == result.numbers.values
    for finding in result.findings:
        for fact, key in SHARED.get(finding.code, {}).items():
            if fact in finding.facts:
                assert finding.facts[fact] == result.numbers[key], (finding.code, fact)


def _with_budget(plan: dict, fix: str, which: str) -> dict | None:
    """The plan with the budget PL201's fix suggests applied (``which``: flops or gpu_hours)."""
    found = re.search(rf"{which}: ([0-9.e+]+)", fix)
    if found is None:
        return None
    fixed = copy.deepcopy(plan)
    fixed.setdefault("compute", {})[which] = float(found.group(1))
    return fixed


@FAST
@given(plans(), st.sampled_from(ACCELERATORS), count(0.05, 1), st.booleans())
def test_the_budget_pl201_suggests_passes_pl202(plan, accelerator, mfu, with_mfu):
    plan = copy.deepcopy(plan)
    compute_ = plan.setdefault("compute", {})
    compute_.pop("flops", None)
    compute_.pop("gpu_hours", None)
    if with_mfu:
        compute_.update(accelerator=accelerator, mfu=mfu)
    result = lint_text(json.dumps(plan))
    [pl201] = [f for f in result.findings if f.code == "PL201"]
    applied = 0
    for which in ("flops", "gpu_hours"):
        fixed = _with_budget(plan, pl201.fix, which)
        if fixed is None:
            continue
        applied += 1
        after = [(f.code, f.path) for f in lint_text(json.dumps(fixed)).findings]
        shortfalls = [(code, path) for code, path in after if code == "PL202" and path != ("compute", "flops_convention")]
        assert ("PL201", ()) not in after and ("PL201", ("compute",)) not in after, (which, pl201.fix)
        assert shortfalls == [], (which, pl201.fix)
    priced = result.numbers.accelerator is not None and compute_.get("mfu") is not None
    assert applied == (2 if priced else 1)


def test_each_size_says_which_question_it_answers_in_the_same_words(cli, tmp_path):
    """GPT-3 175B: the same-loss split in PL101's message, the estimate and the checklist."""
    text = (tmp_path.parent / "gpt3.yaml")
    text.write_text(json.dumps({"planlint": 1, "name": "gpt3", "goal": "base", "model": {"params": "175B"},
                                "data": {"train_tokens": "300B"}}), encoding="utf-8")
    result = lint_text(text.read_text())
    [pl101] = [f for f in result.findings if f.code == "PL101"]
    same_loss = result.numbers.same_loss
    assert same_loss.describe() in pl101.details[0]  # "same loss: 41.1B params on 777B tokens (1.92e23 FLOPs, ...)"
    assert "20:1 for 175B params" in pl101.fix and "20:1 for 300B tokens" in pl101.fix
    table = cli("estimate", str(text)).output
    assert re.search(r"same loss +41.1B params on 777B tokens +reach the predicted loss with 1.92e23 FLOPs", table)
    assert re.search(r"same compute +[0-9.]+B params on [0-9.]+B tokens +compute-optimal for 3.15e23 FLOPs", table)
    evidence = [e.text for item in checklist(text.read_text()).items if item.id == "tokens-per-param"
                for e in item.verdict.evidence]
    assert same_loss.describe() in evidence
    assert result.numbers.same_compute.describe() in evidence


def test_estimate_honours_the_configured_rule_options(cli, tmp_path):
    plan = {"planlint": 1, "name": "served", "goal": "base", "model": {"params": "7B"},
            "data": {"train_tokens": "140B"},
            "serving": {"accelerator": "a10g", "usd_per_gpu_hour": 1.0, "batch_size": 1,
                        "max_usd_per_million_tokens": 0.5}}
    path = tmp_path / "plan.yaml"
    path.write_text(json.dumps(plan), encoding="utf-8")
    default = json.loads(cli("estimate", "--format", "json", str(path)).output)[0]
    (tmp_path / ".planlint.yaml").write_text("options:\n  PL401: {bandwidth_efficiency: 0.45}\n", encoding="utf-8")
    configured = json.loads(cli("estimate", "--format", "json", str(path)).output)[0]
    # memory-bound decode: half the bandwidth, half the tokens per second
    assert configured["serve_tokens_per_second"] == pytest.approx(default["serve_tokens_per_second"] / 2)
    [finding] = json.loads(cli("check", "--format", "json", "--select", "PL401", str(path)).output)
    assert finding["facts"]["tokens_per_second"] == configured["serve_tokens_per_second"]
    assert any("at 45% of 600 GB/s" in line for line in finding["details"])


def test_estimate_and_check_agree_on_every_example(cli):
    from pathlib import Path

    examples = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.yaml"))
    rows = json.loads(cli("estimate", "--format", "json", *map(str, examples)).output)
    assert len(rows) == len(examples)
    for path, row in zip(examples, rows):
        result = lint_text(path.read_text(encoding="utf-8"), str(path))
        for key, value in result.numbers.values.items():
            if isinstance(value, float):
                assert row[key] == value, (path.name, key)
