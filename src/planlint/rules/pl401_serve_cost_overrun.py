"""PL401 serve-cost-overrun: estimated serving cost above the serving budget.

Documentation: rules/PL401.md.
"""

from __future__ import annotations

from planlint import units
from planlint.findings import Severity
from planlint.numbers import BANDWIDTH_EFFICIENCY, COMPUTE_EFFICIENCY, describe_serving
from planlint.rule import Option, Rule

PATH = ("serving", "max_usd_per_million_tokens")
LOWER_PRECISION = {"fp32": "bf16", "bf16": "int8", "fp16": "int8", "fp8": "int4", "int8": "int4"}
# The serving numbers every command shows are computed with these (planlint.numbers.Assumptions).
SERVING_OPTIONS = {
    "bandwidth_efficiency": Option(
        BANDWIDTH_EFFICIENCY, "Share of the datasheet memory bandwidth a decode step achieves (the HBM efficiency of "
                              "llm-analysis's Llama 2 inference example; its own default, 1.0, is an ideal roofline)."),
    "compute_efficiency": Option(
        COMPUTE_EFFICIENCY, "Share of the dense peak FLOP/s a decode step achieves when compute-bound (the FLOPs "
                            "efficiency of the same llm-analysis example)."),
}


class ServeCostOverrun(Rule):
    code = "PL401"
    name = "serve-cost-overrun"
    severity = Severity.WARNING
    summary = "Estimated cost per million generated tokens exceeds serving.max_usd_per_million_tokens."
    points_at = "`serving.max_usd_per_million_tokens`"
    options = {
        **SERVING_OPTIONS,
        "error_factor": Option(2.0, "Cost over this multiple of the budget is an error, not a warning."),
    }
    sources = (
        "Kaplan et al. 2020, *Scaling Laws for Neural Language Models*, arXiv:2001.08361, §2.1: about 2N FLOPs "
        "per token in the forward pass.",
        "kipply 2022, *Transformer Inference Arithmetic* (kipp.ly/transformer-inference-arithmetic): each decode "
        "step reads all weights and the KV cache; the KV cache holds 2 × bytes × layers × kv_heads × d_head per "
        "token.",
        "cli99/llm-analysis, `examples/llama2/run_infer.sh`: `flops_efficiency=0.7`, `hbm_memory_efficiency=0.9` "
        "(the tool's defaults are 1).",
    )

    def check(self, plan, ctx):
        serving, numbers = plan.serving, ctx.numbers
        if serving is None or serving.max_usd_per_million_tokens is None:
            return
        budget = serving.max_usd_per_million_tokens
        missing = [k for k in ("accelerator", "usd_per_gpu_hour") if getattr(serving, k) is None]
        if missing:
            yield ctx.finding(
                PATH, f"a serving budget of {units.usd(budget)} per million tokens, but nothing to price it against",
                f"add serving.{' and serving.'.join(missing)} so that the cost can be estimated",
                Severity.INFO, details=[f"the plan declares no serving.{' or serving.'.join(missing)}"])
            return
        estimate = numbers.serving
        if estimate is None or not estimate.fits:
            return  # PL402 serve-memory reports a replica the model does not fit in
        cost = estimate.decode.usd_per_million_tokens
        if cost <= budget:
            return
        severity = Severity.ERROR if cost > ctx.options["error_factor"] * budget else Severity.WARNING
        message = (f"serving costs ~{units.usd(cost)} per million generated tokens, "
                   f"{units.ratio(cost / budget)}x the {units.usd(budget)} budget")
        details = [*describe_serving(estimate, numbers.assumptions).split("; "),
                   f"at {units.usd(serving.usd_per_gpu_hour)} per accelerator-hour"]
        yield ctx.finding(PATH, message, _fix(plan, numbers, estimate, budget), severity, details=details,
                          usd_per_million_tokens=cost, tokens_per_second=estimate.decode.tokens_per_second,
                          budget=budget)


def _fix(plan, numbers, estimate, budget) -> str:
    serving = plan.serving
    options = []
    batch = estimate.batch * 2
    while batch <= 4096:
        trial = numbers.serving_at(batch=batch)
        if not trial.fits:
            break
        if trial.decode.usd_per_million_tokens <= budget:
            options.append(f"raise batch_size to {batch} (~{units.usd(trial.decode.usd_per_million_tokens)})")
            break
        batch *= 2
    lower = LOWER_PRECISION.get(estimate.precision)
    if lower:
        trial = numbers.serving_at(precision=lower)
        if trial.fits and trial.decode.usd_per_million_tokens <= budget:
            options.append(f"serve in {lower} (~{units.usd(trial.decode.usd_per_million_tokens)})")
    cost = estimate.decode.usd_per_million_tokens
    options.append(f"find {estimate.accelerator.name} hours at <= "
                   f"{units.usd(serving.usd_per_gpu_hour * budget / cost)}")
    options.append(f"raise the budget to {units.usd(cost)}")
    return "; or ".join(options)
