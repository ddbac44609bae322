"""Stage 2: schema errors, all of them, located and in words a person understands."""

import pytest

from conftest import MINIMAL


def test_all_schema_errors_of_a_file_in_one_run(lint):
    plan = """\
planlint: 1
name: typo
model:
  parms: 1.3B
  layers: 24.5
data:
  train_tokens: 7Bn
  unique_tokens: -3
compute:
  mfu: 1.5
  accelerator: a100
goal: assitant
"""
    assert lint(plan) == [
        ("PL002", 4, 3, "unknown key 'parms' in model; did you mean 'params'?"),  # one finding, not two
        ("PL002", 5, 11, "model.layers: 24.5 is not a whole number"),
        ("PL002", 7, 17, "data.train_tokens: '7Bn' is not a count: write 7B, 7e9 or 7000000000"),
        ("PL002", 8, 18, "data.unique_tokens: -3 is negative: a count is zero or more"),
        ("PL002", 10, 8, "compute.mfu: 1.5 is above 1, more than any plan means: check the unit suffix"),
        ("PL002", 11, 16, "compute.accelerator: unknown accelerator 'a100'; did you mean 'a100-40gb' or 'a100-80gb'?"),
        ("PL002", 12, 7, "goal: 'assitant' is not one of base, assistant, research; did you mean 'assistant'?"),
    ]


def test_missing_top_level_keys_point_at_the_start(lint):
    assert lint("planlint: 1\n") == [
        ("PL002", 1, 1, "the plan is missing the required key 'name' (Name of the plan or model, for reports)"),
        ("PL002", 1, 1, "the plan is missing the required key 'model' (The model to pre-train)"),
        ("PL002", 1, 1, "the plan is missing the required key 'data' (The pre-training data)"),
    ]


def test_unknown_top_level_key_without_close_match_lists_known_keys(lint):
    from planlint.testing import findings

    found = findings(MINIMAL + "budget: 5\n")
    assert [(f.code, f.line, f.column, f.message) for f in found] == [
        ("PL002", 10, 1, "unknown key 'budget'")
    ]
    assert found[0].fix.startswith("use one of: planlint, name, goal, sizing, launch, model, data, compute")


def test_x_keys_are_free(lint):
    assert lint(MINIMAL + "x-owner: data-team\n" + "x-anything: {a: [1, 2]}\n") == []


def test_format_version(lint):
    assert lint(MINIMAL.replace("planlint: 1", "planlint: 2")) == [
        ("PL002", 1, 11, "planlint: 2 is not a format version this planlint reads (it reads 1)")
    ]


def test_booleans_are_not_numbers(lint):
    found = lint(MINIMAL.replace("params: 1B", "params: yes"))
    assert found == [("PL003", 5, 11, "yes is the boolean true in YAML 1.1 (PyYAML), text in YAML 1.2"),
                     ("PL002", 5, 11, "model.params: True is a boolean, not a count: write a number such as "
                                      "1.3B or 1.3e9")]


def test_nan_and_infinity(lint):
    found = lint(MINIMAL.replace("params: 1B", "params: .nan").replace("flops: 1.2e20", "flops: .inf"))
    assert [m for *_, m in found] == [
        "model.params: .nan is not a number: write a count such as 1.3B or 1.3e9",
        "compute.flops: .inf is infinite: write a finite count such as 1.3B or 1.3e9",
    ]


def test_absurd_quantities(lint):
    found = lint(MINIMAL.replace("params: 1B", "params: 1e20"))
    assert found == [("PL002", 5, 11, "model.params: '1e20' is above 100T, more than any plan means: "
                                      "check the unit suffix")]


def test_zero_params(lint):
    assert lint(MINIMAL.replace("params: 1B", "params: 0")) == [
        ("PL002", 5, 11, "model.params: 0 must be at least 1M: no real run is smaller (check the unit suffix)")
    ]


@pytest.mark.parametrize("field, value, line, column, bound", [
    ("params: 1B", "params: 1.3e-9", 5, 11, "1M"),  # a sign typo for 1.3e9
    ("params: 1B", "params: 900k", 5, 11, "1M"),
    ("train_tokens: 20B", "train_tokens: 20", 7, 17, "1M"),
    ("flops: 1.2e20", "flops: 1e-300", 9, 10, "1e12"),
])
def test_quantities_outside_any_real_run_are_errors(lint, field, value, line, column, bound):
    [(code, at_line, at_column, message)] = lint(MINIMAL.replace(field, value))
    assert (code, at_line, at_column) == ("PL002", line, column)
    assert f"must be at least {bound}" in message


def test_wrong_types(lint):
    found = lint(MINIMAL.replace("model:\n  params: 1B\n", "model: [1B]\n") + "evaluation:\n  metrics: loss\n")
    assert found == [
        ("PL002", 4, 8, "model must be a mapping, found a list"),
        ("PL002", 10, 12, "evaluation.metrics must be a list, found 'loss'"),
    ]


def test_empty_section(lint):
    assert lint(MINIMAL.replace("compute:\n  flops: 1.2e20\n", "compute:\n")) == [
        ("PL002", 8, 9, "compute must be a mapping, found nothing")
    ]


def test_custom_accelerator(lint):
    plan = MINIMAL + "  accelerator: my-asic\ncustom_accelerators:\n  my-asic: {peak_tflops: 400, memory_gb: 96, memory_bandwidth_gbps: 2800}\n"
    assert lint(plan) == []


@pytest.mark.parametrize("name", ["H100-SXM", " h100-sxm ", "h100\u200b-sxm", "\uff48100-sxm"])
def test_a_custom_accelerator_cannot_redefine_a_catalogue_one(lint, name):
    """A plan that declares its own, faster h100-sxm would judge itself by its own figures;
    names that read alike are the same name."""
    def plan(declared):
        return MINIMAL.replace("  flops: 1.2e20\n", "  flops: 1.2e20\n  accelerator: h100-sxm\n  accelerators: 8\n") + (
            f'custom_accelerators:\n  "{declared}": {{peak_tflops: 100000, memory_gb: 80, memory_bandwidth_gbps: 3000}}\n')

    assert lint(plan("h100-sxm")) == [
        ("PL002", 13, 3, "custom_accelerators: 'h100-sxm' is a catalogue accelerator; a plan cannot redefine it")]
    assert lint(plan(name)) == [
        ("PL002", 13, 3, f"custom_accelerators: '{name}' reads as the catalogue's 'h100-sxm'; a plan cannot "
                         "redefine it")]


def test_the_catalogue_wins_over_a_plan_in_lookup():
    from planlint.accelerators import BUILTIN, lookup
    from planlint.model import CustomAccelerator

    fake = CustomAccelerator(peak_tflops=100000, memory_gb=80, memory_bandwidth_gbps=3000)
    assert lookup("h100-sxm", {"h100-sxm": fake}) == BUILTIN["h100-sxm"]
    assert lookup("my-asic", {"my-asic": fake}).peak_tflops == 100000


def test_shares_and_money(lint):
    plan = MINIMAL + """\
  usd_per_gpu_hour: "$1.80"
  mfu: 40%
"""
    plan = plan.replace("  train_tokens: 20B\n", "  train_tokens: 20B\n  mix:\n    - {source: web, share: 55%}\n"
                                                  "    - {source: code, share: 0.45}\n")
    assert lint(plan) == []


def test_schema_pattern_agrees_with_the_parser():
    """Editors use the schema's pattern; planlint uses its parser: they must accept the same strings."""
    import re

    from planlint.quantities import QuantityError, parse_count
    from planlint.validate import plan_schema

    pattern = re.compile(plan_schema()["$defs"]["count"]["anyOf"][1]["pattern"])
    samples = ["1.3B", "40B", "1.4T", "8k", "8 K", "3e21", "3.0e21", "6.3E23", "1_300", "1.3e+9", ".5B", "0",
               "7Bn", "7 billion", "1__3", "-5", "", "1e3k", "B", "1.3.4", "1_", "_1", " 5 ", "12 apples"]
    for text in samples:
        try:
            parse_count(text)
            accepted = True
        except QuantityError:
            accepted = False
        assert bool(pattern.match(text)) == accepted, text
