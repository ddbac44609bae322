"""planlint checklist: the ten items, their evidence and lines, the three formats and --require."""

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import MINIMAL
from test_properties import plans
from planlint.testing import checklist, render_checklist, verdict

ROOT = Path(__file__).resolve().parent.parent
HARBOR = "examples/harbor-analytics.yaml"
STARTER = (ROOT / "src" / "planlint" / "starter_plan.yaml").read_text(encoding="utf-8")

SERVED = MINIMAL.replace("goal: base", "goal: assistant") + """\
serving:
  accelerator: a10g
  usd_per_gpu_hour: 1.00
"""


def test_the_items_and_their_titles():
    from planlint.plugins import registry

    assert [(item_id, item.title) for item_id, item in registry().checklist.items()] == [
        ("compute-budget", "Compute budget documented in FLOPs or GPU-hours before the model size is chosen."),
        ("unique-data", "Unique tokens estimated; data deduplicated and filtered before epochs are added."),
        ("tokens-per-param", "Tokens-per-parameter computed and compared with the ~20:1 Chinchilla baseline."),
        ("loss-tracking", "Validation loss tracked against tokens, with a rule for stopping or adjusting the "
                          "learning rate when the curve knees."),
        ("smooth-metrics", "Smooth metrics (loss, calibrated probabilities) evaluated beside task pass rates."),
        ("serving-cost", "Serving cost per million tokens modelled at the expected load before committing to the "
                         "model size."),
        ("distill-or-quantize", "Distillation or quantization planned if the trained model is larger than the "
                                "served one."),
        ("alignment-compute", "Alignment compute (SFT, preference tuning) reserved in the plan."),
        ("fine-tune-first", "Fine-tuning plus retrieval considered first, unless a unique data advantage justifies "
                            "pre-training."),
        ("mix-reproducible", "Data-mix percentages and dataset revision hashes logged for reproducibility."),
    ]
    assert registry().checklist_owner["compute-budget"] == "checklist"


def test_harbor_analytics_as_markdown_matches_its_snapshot(cli):
    result = cli("checklist", HARBOR, "--format", "markdown")
    assert result.exit_code == 0
    assert result.output == (ROOT / "tests" / "snapshots" / "harbor-analytics.checklist.md").read_text(encoding="utf-8")
    assert result.output.count("\n- [x] ") == 6 and result.output.count("\n- [ ] ") == 4


def test_the_readme_shows_what_the_command_prints(cli):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = f"$ planlint checklist {HARBOR} --format markdown\n"
    shown = readme.split(command, 1)[1].split("```", 1)[0]
    assert shown == cli("checklist", HARBOR, "--format", "markdown").output


def test_a_minimal_base_plan_as_text():
    assert render_checklist(MINIMAL) == """\
plan.yaml: tiny: 2 done, 6 missing, 2 not applicable
  [x] compute-budget: Compute budget documented in FLOPs or GPU-hours before the model size is chosen.
      the budget is declared
      - compute.flops: 1.2e20 FLOPs; the plan needs 1.2e20 of it (100%) (plan.yaml:9)
  [ ] unique-data: Unique tokens estimated; data deduplicated and filtered before epochs are added.
      missing: not stated: data.unique_tokens, data.deduplicated: true, data.filtered: true
      = fix: estimate the unique tokens after deduplication and quality filtering, and say so
  [x] tokens-per-param: Tokens-per-parameter computed and compared with the ~20:1 Chinchilla baseline.
      20.0 tokens/param, 1x the ~20:1 baseline
      - 20.0 tokens/param (20B / 1B) against ~20:1 (Hoffmann et al. 2022, Table 3); 20:1: 1B params for these tokens, \
or 20B tokens for this size (plan.yaml:7)
      - same compute: 937M params on 21.3B tokens (compute-optimal for 1.2e20 FLOPs, Besiroglu et al. 2024 refit) \
(plan.yaml:5)
      - same loss: 936M params on 21.3B tokens (1.2e20 FLOPs, Besiroglu et al. 2024 refit) (plan.yaml:5)
  [ ] loss-tracking: Validation loss tracked against tokens, with a rule for stopping or adjusting the learning rate \
when the curve knees.
      missing: not stated: evaluation.loss_tracking.every_tokens, evaluation.loss_tracking.on_knee (stop or lower-lr)
      = fix: add evaluation.loss_tracking: {every_tokens: ..., on_knee: stop or lower-lr}
  [ ] smooth-metrics: Smooth metrics (loss, calibrated probabilities) evaluated beside task pass rates.
      missing: not stated: evaluation.smooth_metrics (smooth metrics), evaluation.task_metrics (task pass-rate metrics)
      = fix: list the smooth metrics (validation_loss, ...) and the task metrics (exact match, pass@k) under evaluation
  [ ] serving-cost: Serving cost per million tokens modelled at the expected load before committing to the model size.
      missing: no serving section
      = fix: add serving: accelerator, batch_size, usd_per_gpu_hour and max_usd_per_million_tokens
  [-] distill-or-quantize: Distillation or quantization planned if the trained model is larger than the served one.
      not-applicable: no serving section
  [-] alignment-compute: Alignment compute (SFT, preference tuning) reserved in the plan.
      not-applicable: goal: base: no one will chat with the model
      - goal: base (plan.yaml:3)
  [ ] fine-tune-first: Fine-tuning plus retrieval considered first, unless a unique data advantage justifies \
pre-training.
      missing: the plan does not say fine-tuning plus retrieval was weighed, or what data justifies pre-training
      = fix: add rationale: {alternatives_considered: [fine-tuning, retrieval], data_advantage: ...}
  [ ] mix-reproducible: Data-mix percentages and dataset revision hashes logged for reproducibility.
      missing: no data.mix
      = fix: list the sources under data.mix with share and revision
"""


def _evidence(found):
    return [(e.text, e.line) for e in found.evidence]


def _starter_line(text: str) -> int:
    """The line of the starter plan that holds ``text`` (the plan is edited; its lines move)."""
    return next(number for number, line in enumerate(STARTER.splitlines(), start=1) if text in line)


def test_the_starter_plan_settles_every_item():
    checked = {item: verdict(STARTER, item) for item in ("unique-data", "loss-tracking", "smooth-metrics",
                                                         "fine-tune-first", "mix-reproducible")}
    assert {item: str(found.status) for item, found in checked.items()} == dict.fromkeys(checked, "done")
    assert _evidence(checked["unique-data"]) == [
        ("data.unique_tokens: 60B; 0.43 epochs of 26B training tokens (train / unique)",
         _starter_line("unique_tokens: 60B")),
        ("data.deduplicated: true", _starter_line("deduplicated: true")),
        ("data.filtered: true", _starter_line("filtered: true"))]
    assert _evidence(checked["loss-tracking"]) == [
        ("validation loss every 1B tokens: 26 points over 26B training tokens", _starter_line("every_tokens: 1B")),
        ("evaluation.loss_tracking.on_knee: lower-lr", _starter_line("on_knee: lower-lr")),
        ("evaluation.loss_tracking.rule: less than 1% lower loss over the last 4B tokens",
         _starter_line("rule: less than 1%"))]
    assert _evidence(checked["smooth-metrics"]) == [
        ("evaluation.smooth_metrics: validation_loss", _starter_line("smooth_metrics: [validation_loss]")),
        ("evaluation.task_metrics: exact_match", _starter_line("task_metrics: [exact_match]"))]
    assert _evidence(checked["mix-reproducible"]) == [
        ("2 sources, shares adding up to 100%; 2 of 2 with a revision", _starter_line("  mix:"))]


def test_a_budget_of_gpu_hours_only():
    plan = MINIMAL.replace("  flops: 1.2e20\n", "  gpu_hours: 100k\n  accelerator: h100-sxm\n  mfu: 0.4\n")
    found = verdict(plan, "compute-budget")
    assert _evidence(found) == [
        ("compute.gpu_hours: 100,000 GPU-h; the plan needs 84.3 (6ND FLOPs on h100-sxm at 989 TFLOP/s BF16 dense x 40% MFU)",
         9)]
    assert 1.2e20 / (3600 * 989e12 * 0.4) == pytest.approx(84.26, abs=0.01)


def test_no_budget_is_missing_with_the_flops_the_plan_needs():
    found = verdict(MINIMAL.replace("compute:\n  flops: 1.2e20\n", ""), "compute-budget")
    assert (str(found.status), found.fix) == (
        "missing", "declare the budget, e.g. compute.flops: 1.2e20 (6ND: 6 x 1B params x 20B tokens, Kaplan et al. 2020)")


def test_serving_cost_at_an_assumed_batch_is_missing():
    found = verdict(SERVED, "serving-cost")
    assert (str(found.status), found.reason) == ("missing", "not stated: serving.batch_size")
    assert _evidence(found) == [
        ("$1.03 per 1M tokens at an assumed batch 1 (decode roofline, bf16 at batch 1 on 1x a10g, 90% of bandwidth, "
         "no KV cache counted without the shape; decode only, no prefill; assumed bf16 weights, batch 1)", 10)]


def test_serving_cost_at_a_declared_batch_with_lifetime_tokens():
    plan = SERVED + "  batch_size: 8\n  max_usd_per_million_tokens: 0.01\n  lifetime_tokens: 1T\n"
    found = verdict(plan, "serving-cost")
    assert str(found.status) == "done"
    assert _evidence(found) == [
        ("$0.13 per 1M tokens at batch 8 (decode roofline, bf16 at batch 8 on 1x a10g, 90% of bandwidth, no KV cache "
         "counted without the shape; decode only, no prefill; assumed bf16 weights)", 13),
        ("budget $0.01 per 1M tokens: over (PL401)", 14),  # 2N bytes over 90% of 600 GB/s, 8 tokens a step
        ("1T tokens over the model's life: $128,601 to serve", 15)]


def test_a_smaller_served_model_needs_a_distillation_stage():
    plan = SERVED + "  params: 300M\n"
    found = verdict(plan, "distill-or-quantize")
    assert (str(found.status), _evidence(found)) == ("missing", [("serves 300M of 1B trained params", 13)])
    distilled = plan + "alignment:\n  stages:\n    - kind: sft\n    - kind: distillation\n"
    found = verdict(distilled, "distill-or-quantize")
    assert (str(found.status), _evidence(found)) == (
        "done", [("serves 300M of 1B trained params", 13), ("alignment.stages[1].kind: distillation", 17)])


def test_sixteen_bit_weights_that_do_not_fit_are_missing():
    plan = SERVED.replace("params: 1B", "params: 20B").replace("train_tokens: 20B", "train_tokens: 400B")
    found = verdict(plan.replace("flops: 1.2e20", "flops: 4.8e22"), "distill-or-quantize")
    assert (str(found.status), found.reason) == ("missing", "the bf16 weights do not fit the serving replica")
    assert _evidence(found) == [("40 GB of weights and KV cache against 21.6 GB usable on 1x a10g", 11)]
    fitting = verdict(SERVED, "distill-or-quantize")
    assert (str(fitting.status), fitting.reason) == (
        "not-applicable", "the trained model is served as trained (1B params, bf16)")


def test_alignment_stages_without_hours_are_missing_with_the_published_range():
    plan = SERVED.replace("  flops: 1.2e20\n", "  flops: 1.2e20\n  gpu_hours: 10000\n") + \
        "alignment:\n  stages: [{kind: sft}, {kind: preference}]\n"
    found = verdict(plan, "alignment-compute")
    assert (str(found.status), _evidence(found)) == ("missing", [("stages sft, preference, no GPU-hours", 15)])
    assert found.fix == ("reserve GPU-hours for each stage (alignment.stages[].gpu_hours or alignment.gpu_hours); "
                         "published runs: 0.19% (DeepSeek-V3) to 1.8% (InstructGPT) of pre-training, 18.8 to 178 "
                         "GPU-h here")


def test_fine_tuning_alone_is_not_enough_without_a_data_advantage():
    plan = SERVED + "rationale:\n  alternatives_considered: [fine-tuning]\n"
    found = verdict(plan, "fine-tune-first")
    assert (str(found.status), _evidence(found)) == ("missing", [("considered: fine-tuning", 14)])


# -- the command --------------------------------------------------------------------------------

def test_require_all_fails_on_the_missing_items(cli):
    result = cli("checklist", HARBOR, "--require", "all", "--format", "json")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"planlint: required: {HARBOR}: unique-data is missing",
        f"planlint: required: {HARBOR}: loss-tracking is missing",
        f"planlint: required: {HARBOR}: smooth-metrics is missing",
        f"planlint: required: {HARBOR}: mix-reproducible is missing",
    ]


def test_require_items_that_are_done_passes(cli):
    result = cli("checklist", HARBOR, "--require", "compute-budget,tokens-per-param", "--require", "serving-cost")
    assert result.exit_code == 0


def test_require_an_unknown_item_is_a_usage_error(cli):
    result = cli("checklist", HARBOR, "--require", "compute-budgte")
    assert result.exit_code == 2
    assert result.output == (
        "planlint: error: --require: no checklist item 'compute-budgte'; the items are compute-budget, unique-data, "
        "tokens-per-param, loss-tracking, smooth-metrics, serving-cost, distill-or-quantize, alignment-compute, "
        "fine-tune-first, mix-reproducible (or 'all')\n")


def test_json_has_every_item_with_status_evidence_and_lines(cli):
    result = cli("checklist", HARBOR, "--format", "json")
    [plan] = json.loads(result.output)
    assert (plan["file"], plan["name"], plan["counts"]) == (
        HARBOR, "harbor-sql-coder", {"done": 6, "missing": 4, "not-applicable": 0, "error": 0})
    mix = plan["items"][-1]
    assert mix == {
        "id": "mix-reproducible", "title": "Data-mix percentages and dataset revision hashes logged for "
                                           "reproducibility.",
        "plugin": "checklist", "status": "missing", "reason": "2 sources without a revision",
        "fix": "record each source's dataset revision or content hash (data.mix[].revision)",
        "evidence": [
            {"text": "4 sources, shares adding up to 100%; 2 of 4 with a revision", "pointer": "/data/mix",
             "line": 20, "column": 3},
            {"text": "synthetic-sql-pairs: no revision", "pointer": "/data/mix/2/source", "line": 29, "column": 15},
            {"text": "licensed-schemas: no revision", "pointer": "/data/mix/3/source", "line": 33, "column": 15},
        ]}


def test_a_plan_that_does_not_validate_is_named_and_exits_1(cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(MINIMAL.replace("params: 1B", "params: lots"), encoding="utf-8")
    result = cli("checklist", str(bad), HARBOR)
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{HARBOR}: harbor-sql-coder: 6 done, 4 missing, 0 not applicable\n")
    assert result.stderr.startswith(f"planlint: {bad}: not checked, the plan could not be checked (first: 5:11 PL002 ")


# -- over generated plans ------------------------------------------------------------------------

@st.composite
def checklist_plans(draw):
    plan = draw(plans())
    if draw(st.booleans()):
        plan["data"]["filtered"] = draw(st.booleans())
        plan["data"]["deduplicated"] = draw(st.booleans())
    if draw(st.booleans()):
        tracking = {}
        if draw(st.booleans()):
            tracking["every_tokens"] = draw(st.floats(1, 1e15))
        if draw(st.booleans()):
            tracking["on_knee"] = draw(st.sampled_from(["stop", "lower-lr"]))
        plan["evaluation"] = {"loss_tracking": tracking,
                              "smooth_metrics": draw(st.lists(st.sampled_from(["loss", "brier"]), max_size=2)),
                              "task_metrics": draw(st.lists(st.sampled_from(["exact_match"]), max_size=1))}
    if draw(st.booleans()):
        plan["rationale"] = {"alternatives_considered": draw(st.lists(
            st.sampled_from(["fine-tuning", "retrieval", "prompting", "distillation", "other"]), max_size=3))}
    return plan


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(checklist_plans())
def test_no_item_raises_on_a_valid_plan(plan):
    result = checklist(json.dumps(plan))
    assert [(item.id, item.verdict.reason) for item in result.items if str(item.verdict.status) == "error"] == []
    for item in result.items:
        assert all(e.line in (None, 1) for e in item.verdict.evidence)  # JSON is one line of YAML


def test_explain_shows_an_items_documentation(cli):
    result = cli("explain", "smooth-metrics")
    assert (result.exit_code, result.output) == (0, """\
smooth-metrics: Smooth metrics (loss, calibrated probabilities) evaluated beside task pass rates.

Pass rates and exact-match scores can jump with scale where smooth metrics (loss,
calibrated probabilities) improve predictably (Schaeffer et al. 2023), so a run is judged on
both. Done when evaluation.smooth_metrics and evaluation.task_metrics are both non-empty.

Sources:
- Schaeffer et al. 2023, Are Emergent Abilities of Large Language Models a Mirage?, arXiv:2304.15004

From plugin 'checklist'.
""")


def test_the_checklist_fields_are_checked_like_every_other(lint):
    text = MINIMAL + ("evaluation:\n  loss_tracking: {every_tokens: 1B, on_knee: lower_lr}\n"
                      "rationale:\n  alternatives_considered: [finetuning]\n")
    assert [(code, line, column) for code, line, column, _ in lint(text)] == [("PL002", 11, 46), ("PL002", 13, 29)]
    assert [message.split(";")[1] for _, _, _, message in lint(text)] == [
        " did you mean 'lower-lr'?", " did you mean 'fine-tuning'?"]
