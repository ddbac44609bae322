"""Properties over generated plans: no rule ever raises (PL000), and findings are deterministic."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planlint.findings import Severity
from planlint.plugins import registry
from planlint.testing import findings

ACCELERATORS = ["a100-80gb", "h100-sxm", "a10g", "t4", "tpu-v5e", "mi300x"]
PRECISIONS = ["fp32", "bf16", "fp16", "fp8", "int8", "int4"]
CONVENTIONS = ["6nd", "6nd+causal-attention", "palm-mfu", "hoffmann-exact"]
RECOMPUTE = ["none", "selective", "full"]


def count(low, high):
    return st.floats(min_value=low, max_value=high, allow_nan=False, allow_infinity=False)


@st.composite
def plans(draw):
    params = draw(count(1e6, 2e12))
    model = {"params": params}
    if draw(st.booleans()):
        model["active_params"] = draw(count(1e6, params))
    if draw(st.booleans()):
        heads = draw(st.sampled_from([1, 8, 16, 32, 64]))
        model.update(layers=draw(st.integers(1, 128)), d_model=heads * draw(st.integers(1, 256)), heads=heads,
                     kv_heads=draw(st.sampled_from([h for h in (1, 2, 4, 8, 16, 32, 64) if heads % h == 0])),
                     context_length=draw(st.integers(1, 131072)))
        if draw(st.booleans()):
            model.update(ffn_dim=draw(st.integers(1, 100000)), ffn_gated=draw(st.booleans()),
                         vocab_size=draw(st.integers(1, 300000)))
        if draw(st.booleans()):
            model["head_dim"] = draw(st.integers(1, 512))
        if draw(st.booleans()):  # a mixture of experts
            experts = draw(st.integers(1, 512))
            model.update(experts=experts, experts_per_token=draw(st.integers(1, 16)),
                         shared_experts=draw(st.integers(0, 4)), expert_ffn_dim=draw(st.integers(1, 50000)))
            if draw(st.booleans()):
                model["moe_layers"] = {"first_dense": draw(st.integers(0, 8)), "every": draw(st.integers(1, 4))}
        if draw(st.booleans()):  # multi-head latent attention
            model["mla"] = {"kv_lora_rank": draw(st.integers(1, 2048)), "rope_head_dim": draw(st.integers(0, 128)),
                            **({"q_lora_rank": draw(st.integers(1, 4096))} if draw(st.booleans()) else {})}
    data = {"train_tokens": draw(count(1e6, 1e15))}
    if draw(st.booleans()):
        data["unique_tokens"] = draw(count(1e3, 1e15))
    if draw(st.booleans()):
        n = draw(st.integers(1, 5))
        data["mix"] = [{"source": f"s{i}", "share": draw(count(0, 1)),
                        **({"unique_tokens": draw(count(1e3, 1e14))} if draw(st.booleans()) else {})}
                       for i in range(n)]
    plan = {"planlint": 1, "name": "p", "model": model, "data": data,
            "goal": draw(st.sampled_from([None, "base", "assistant", "research"])),
            "sizing": draw(st.sampled_from([None, "compute-optimal", "inference-optimal"]))}
    if draw(st.booleans()):
        compute = {}
        for key, strategy in (("flops", count(1e15, 1e29)), ("gpu_hours", count(1, 1e9)),
                              ("accelerator", st.sampled_from(ACCELERATORS)), ("accelerators", st.integers(1, 100000)),
                              ("mfu", count(0.001, 1)), ("usd_per_gpu_hour", count(0, 100)),
                              ("deadline_days", count(0.01, 3650)), ("zero_stage", st.integers(0, 3)),
                              ("flops_convention", st.sampled_from(CONVENTIONS)),
                              ("tensor_parallel", st.sampled_from([1, 2, 8])), ("pipeline_parallel", st.sampled_from([1, 4])),
                              ("micro_batch_size", st.integers(1, 64)), ("recompute", st.sampled_from(RECOMPUTE)),
                              ("flash_attention", st.booleans())):
            if draw(st.booleans()):
                compute[key] = draw(strategy)
        plan["compute"] = compute
    if draw(st.booleans()):
        serving = {}
        for key, strategy in (("params", count(1e6, 2e12)), ("precision", st.sampled_from(PRECISIONS)),
                              ("accelerator", st.sampled_from(ACCELERATORS)), ("accelerators", st.integers(1, 64)),
                              ("batch_size", st.integers(1, 4096)), ("context_length", st.integers(1, 131072)),
                              ("usd_per_gpu_hour", count(0, 100)), ("max_usd_per_million_tokens", count(1e-6, 1e3)),
                              ("lifetime_tokens", count(1, 1e19))):
            if draw(st.booleans()):
                serving[key] = draw(strategy)
        plan["serving"] = serving
    if draw(st.booleans()):
        plan["alignment"] = {"stages": [{"kind": draw(st.sampled_from(["sft", "preference", "rl", "distillation"]))}],
                             "gpu_hours": draw(count(0, 1e6))}
    return {k: v for k, v in plan.items() if v is not None}


def _yaml(plan) -> str:
    import json

    return json.dumps(plan)  # JSON is YAML: exact floats, no quoting surprises


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_no_rule_raises_and_findings_are_deterministic(plan):
    text = _yaml(plan)
    first = findings(text)
    assert [f for f in first if f.code in ("PL000", "PL002")] == []
    again = findings(text)
    assert [(f.code, f.line, f.column, f.message) for f in first] == [(f.code, f.line, f.column, f.message) for f in again]
    lines = text.count("\n") + 1
    for f in first:
        assert 1 <= f.line <= lines and f.column >= 1
        assert f.severity in (Severity.INFO, Severity.WARNING, Severity.ERROR)


def test_every_rule_runs_in_the_property_test():
    assert len(registry().plan_rules) >= 15
