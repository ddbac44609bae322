"""Schema-valid plans at the edges of every bound: no command raises (ZeroDivisionError,
OverflowError, ...), and no output prints `inf`, `nan` or a number hundreds of digits long.

The bounds of the format are what keep the arithmetic finite: the smallest and largest
values a field accepts are drawn here, together."""

from __future__ import annotations

import io
import json
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planlint.checklist.render import RENDERERS
from planlint.report import FORMATS, render
from planlint.report.estimate_table import render_json, render_table
from planlint.testing import checklist, lint_text
from planlint.validate import plan_schema

BAD_NUMBER = re.compile(r"(?<![\w.])(?:inf|nan|infinity)(?![\w])|\d{40,}", re.I)


def _bounds(node: dict) -> tuple[float, float]:
    low = node.get("minimum", node.get("exclusiveMinimum", 0))
    if "exclusiveMinimum" in node and "minimum" not in node:
        low = low + max(abs(low) * 1e-9, 1e-9)
    return low, node.get("maximum", 1e30)


def _edge(node: dict):
    low, high = _bounds(node)
    kind = node.get("x-quantity")
    values = [low, high, low * 1.0000001 or 1e-9, high * 0.9999999]
    if kind == "integer":
        return st.sampled_from(sorted({int(v) for v in (low, high, max(low, 1), high)}))
    return st.sampled_from(values)


SCHEMA = plan_schema()
PROPS = SCHEMA["properties"]


def _section(name: str, fields: list[str]):
    props = PROPS[name]["properties"]
    return st.fixed_dictionaries({}, optional={f: _edge(props[f]) for f in fields})


MODEL_FIELDS = ["layers", "d_model", "heads", "kv_heads", "head_dim", "vocab_size", "context_length", "ffn_dim",
                "experts", "experts_per_token", "shared_experts", "expert_ffn_dim"]


@st.composite
def extreme_plans(draw):
    model_props = PROPS["model"]["properties"]
    params = draw(_edge(model_props["params"]))
    model = {"params": params, **draw(st.fixed_dictionaries({}, optional={f: _edge(model_props[f])
                                                                          for f in MODEL_FIELDS}))}
    if draw(st.booleans()):
        model["active_params"] = min(draw(_edge(model_props["active_params"])), params)
    data_props = PROPS["data"]["properties"]
    data = {"train_tokens": draw(_edge(data_props["train_tokens"]))}
    if draw(st.booleans()):
        data["unique_tokens"] = draw(_edge(data_props["unique_tokens"]))
    compute = draw(_section("compute", ["flops", "gpu_hours", "accelerators", "mfu", "usd_per_gpu_hour",
                                        "deadline_days", "tensor_parallel", "pipeline_parallel", "micro_batch_size"]))
    compute["accelerator"] = draw(st.sampled_from(["tiny", "h100-sxm", "tpu-v5e"]))
    serving = draw(_section("serving", ["params", "accelerators", "batch_size", "context_length", "usd_per_gpu_hour",
                                        "max_usd_per_million_tokens", "lifetime_tokens"]))
    serving["accelerator"] = draw(st.sampled_from(["tiny", "b200"]))
    serving["precision"] = draw(st.sampled_from(["fp32", "int4"]))
    accelerator = PROPS["custom_accelerators"]["additionalProperties"]["properties"]
    tiny = {key: draw(_edge(accelerator[key])) for key in ("peak_tflops", "memory_gb", "memory_bandwidth_gbps")}
    return {"planlint": 1, "name": "edge", "model": model, "data": data, "compute": compute, "serving": serving,
            "custom_accelerators": {"tiny": tiny}, "sizing": draw(st.sampled_from(["compute-optimal",
                                                                                     "inference-optimal"]))}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(extreme_plans())
def test_extreme_plans_never_break_a_command(plan):
    text = json.dumps(plan)
    result = lint_text(text)
    assert not [f for f in result.findings if f.code in ("PL000", "PL002")], result.findings[:1]
    outputs = [f"{f.message}\n{f.fix}\n{json.dumps(f.facts, default=str)}" for f in result.findings]
    for fmt in FORMATS:
        stream = io.StringIO()
        render(fmt, [result], stream)
        if fmt not in ("sarif", "junit"):  # those also carry the rules' documentation, which names NaN
            outputs.append(stream.getvalue())
    entry = [(result.name, plan["name"], result.numbers, result.numbers.fit.label)]
    for writer in (render_table, render_json):
        stream = io.StringIO()
        writer(entry, stream)
        outputs.append(stream.getvalue())
    found = checklist(text)
    for renderer in RENDERERS.values():
        stream = io.StringIO()
        renderer([found], stream)
        outputs.append(stream.getvalue())
    for output in outputs:
        assert BAD_NUMBER.search(output) is None, BAD_NUMBER.search(output).group()



# Values no real run has, in every kind of quantity: the messages and fixes show such a value
# as YAML writes it or by its size, never inf, nan or hundreds of digits; for the sizes of a
# run (params, tokens, FLOPs) every one of them is a PL002.
OUT_OF_RANGE = [".inf", "-.inf", ".nan", ".NaN", "1.0e-300", "1.0e+300", "-1.0e+300", "1" + "0" * 400, "1e-300",
                "0x" + "f" * 300, "1e308B", "5e-324", "1.3e-9", "'1e-300%'", "'1e300%'", "'$1e300'", "1.0e-30",
                "'1e999'", "1.0e+31"]
QUANTITY_FIELDS = [("model", "params"), ("data", "train_tokens"), ("compute", "flops"), ("compute", "mfu"),
                   ("compute", "usd_per_gpu_hour"), ("compute", "gpu_hours"), ("compute", "accelerators"),
                   ("training", "peak_lr"), ("serving", "max_usd_per_million_tokens"), ("loss_fit", "alpha"),
                   ("compute", "deadline_days"), ("share", "share")]
_BASE = ("planlint: 1\nname: t\ngoal: base\nmodel:\n  params: 1B\ndata:\n  train_tokens: 20B\n"
         "  mix:\n    - {source: web, share: 1}\ncompute:\n  flops: 1.2e20\n")


def _with(section: str, field: str, value: str) -> str:
    if section == "share":
        return _BASE.replace("share: 1}", f"share: {value}}}")
    for written in ("params: 1B", "train_tokens: 20B", "flops: 1.2e20"):
        if written.startswith(field + ":"):
            return _BASE.replace(written, f"{field}: {value}")
    if f"\n{section}:\n" in _BASE:
        return _BASE.replace(f"\n{section}:\n", f"\n{section}:\n  {field}: {value}\n", 1)
    return _BASE + f"{section}:\n  {field}: {value}\n"


def test_out_of_range_quantities_are_errors_that_print_no_inf_nan_or_long_digits():
    for value in OUT_OF_RANGE:
        for section, field in QUANTITY_FIELDS:
            found = lint_text(_with(section, field, value)).findings
            if field in ("params", "train_tokens", "flops"):  # no real run is near any of these values
                assert [f.code for f in found if f.code == "PL002"], (section, field, value)
            for finding in found:
                for text in (finding.message, finding.fix):
                    assert BAD_NUMBER.search(text.replace(",", "")) is None, (section, field, value, text)


def test_params_below_a_million_and_an_exponent_sign_typo_say_what_was_meant():
    def message(value):
        [finding] = [f for f in lint_text(_with("model", "params", value)).findings if f.code == "PL002"]
        return finding.message

    assert message("999999") == "model.params: 999,999 must be at least 1M: no real run is smaller (check the unit suffix)"
    assert message("1.3e-9") == "model.params: 1.3e-9 must be at least 1M: no real run is smaller; did you mean 1.3e9?"
    assert message("1.0e-300") == "model.params: 1e-300 must be at least 1M: no real run is smaller (check the unit suffix)"
    assert message(".inf") == "model.params: .inf is infinite: write a finite count such as 1.3B or 1.3e9"
    assert message(".nan") == "model.params: .nan is not a number: write a count such as 1.3B or 1.3e9"
    [flops] = [f for f in lint_text(_with("compute", "flops", "1e-300")).findings if f.code == "PL002"]
    assert flops.message == "compute.flops: '1e-300' must be at least 1e12: no real run is smaller (check the unit suffix)"


def test_number_formatting_never_prints_inf_nan_or_long_digits():
    from planlint import units

    for x in (1e-300, 5e-324, 1e300, -1e300, float("inf"), float("-inf"), float("nan"), 999_999.6, 1e15, 1e-5):
        for shown in (units.count(x), units.sci(x), units.number(x), units.ratio(x), units.pct(x), units.usd(x),
                      units.bytes_(x), units.duration(x)):
            assert BAD_NUMBER.search(shown.replace(",", "")) is None and len(shown) <= 25, (x, shown)
    assert (units.count(float("inf")), units.sci(float("-inf")), units.number(float("nan"))) == (
        "unbounded", "-unbounded", "undefined")
    assert (units.count(1e-300), units.pct(1e-30), units.usd(1e300), units.bytes_(1e300)) == (
        "1e-300", "1e-28%", "$1e300", "1e288 TB")
