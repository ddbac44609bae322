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

