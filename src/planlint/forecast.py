"""What a plan costs, how long it takes and how good it gets: the plan-level numbers behind
``planlint estimate`` and the compute rules (PL202-PL206, PL404).

Pure: a typed plan in, numbers and the assumptions behind them out. Nothing here invents a
default silently: a value that needs an input the plan lacks is None, with a note saying
which input.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from planlint import estimate as est


# Always present in `planlint estimate --format json` (null when the plan lacks an input).
STABLE_KEYS = (
    "train_flops", "tokens_per_param", "epochs", "effective_unique_tokens", "optimal_params", "optimal_tokens",
    "predicted_loss", "optimal_loss", "compute_waste", "mfu", "gpu_hours", "wall_clock_days", "train_usd",
    "implied_mfu", "budget_flops", "budget_used", "memory_per_accelerator_bytes", "activation_bytes",
    "serve_tokens_per_second", "serve_usd_per_million_tokens", "serve_memory_bytes", "inference_optimal_params",
    "inference_optimal_tokens",
)


@dataclass
class Forecast:
    fit: str
    values: dict[str, Any] = field(default_factory=dict)  # the stable JSON keys
    notes: dict[str, str] = field(default_factory=dict)  # key -> what it assumed or lacks

    def __getitem__(self, key: str):
        return self.values.get(key)


def training_compute(plan) -> tuple[float, str]:
    """FLOPs the plan needs: 6ND, plus PaLM's attention term when the shape is declared."""
    model, tokens = plan.model, plan.data.train_tokens
    flops = est.training_flops(model.active, tokens)
    note = f"6 x {_n(model.active)} active params x {_n(tokens)} tokens (Kaplan et al. 2020)"
    if model.layers and model.d_model and model.context_length:
        attention = est.attention_flops(model.layers, model.d_model, model.context_length, tokens)
        flops += attention
        note += (f" + attention 12 x {model.layers} layers x {model.d_model} d_model x "
                 f"{model.context_length} context per token (Chowdhery et al. 2022, App. B)")
    return flops, note


def declared_budget(plan) -> tuple[float | None, str]:
    """The compute the plan declares: compute.flops, else gpu_hours x peak x declared MFU."""
    compute = plan.compute
    if compute is None:
        return None, "no compute section"
    if compute.flops is not None:
        return compute.flops, "compute.flops"
    accelerator = plan.accelerator(compute.accelerator)
    if compute.gpu_hours is not None and accelerator is not None and compute.mfu is not None:
        return (compute.gpu_hours * 3600 * accelerator.peak_flops * compute.mfu,
                f"compute.gpu_hours x {accelerator.name} peak x {compute.mfu:g} MFU")
    return None, "declare compute.flops, or gpu_hours with accelerator and mfu"


def working_mfu(plan) -> tuple[float | None, str]:
    """The MFU to turn FLOPs into time: declared, else implied by the declared budget pair
    (compute.flops over compute.gpu_hours at the accelerator's peak)."""
    compute = plan.compute
    if compute is None:
        return None, "no compute section"
    if compute.mfu is not None:
        return compute.mfu, "declared compute.mfu"
    accelerator = plan.accelerator(compute.accelerator)
    if compute.flops is not None and compute.gpu_hours is not None and accelerator is not None:
        mfu = est.implied_mfu(compute.flops, compute.gpu_hours, accelerator.peak_flops)
        return mfu, f"{_pct(mfu)} MFU implied by compute.flops over compute.gpu_hours"
    return None, "declare compute.mfu"


def forecast(plan, fit=est.BESIROGLU_2024) -> Forecast:
    out = Forecast(fit=fit.key)
    v, notes = out.values, out.notes
    model, data, compute = plan.model, plan.data, plan.compute
    params, tokens = model.params, data.train_tokens

    flops, note = training_compute(plan)
    v["train_flops"], notes["train_flops"] = flops, note
    v["tokens_per_param"] = tokens / params
    notes["tokens_per_param"] = f"{_n(tokens)} / {_n(params)}; ~20 is compute-optimal (Hoffmann et al. 2022)"
    if model.is_moe:
        v["tokens_per_active_param"] = tokens / model.active

    if data.unique_tokens is not None:
        v["epochs"] = tokens / data.unique_tokens
        v["effective_unique_tokens"] = est.effective_tokens(tokens, data.unique_tokens)
        notes["epochs"] = f"{_n(tokens)} over {_n(data.unique_tokens)} unique tokens"
        notes["effective_unique_tokens"] = "D' with R_D* = 15.39 (Muennighoff et al. 2023)"
    else:
        v["epochs"] = v["effective_unique_tokens"] = None
        notes["epochs"] = notes["effective_unique_tokens"] = "declare data.unique_tokens"

    dense_flops = est.training_flops(params, tokens)  # the loss fits are in 6ND of dense models
    best_params, best_tokens = fit.optimal_split(dense_flops)
    v["optimal_params"], v["optimal_tokens"] = best_params, best_tokens
    notes["optimal_params"] = f"{fit.label} at {est_sci(dense_flops)} FLOPs (6ND)"
    has_loss = isinstance(fit, est.LossFit) and not model.is_moe
    if has_loss:
        v["predicted_loss"] = fit.loss(params, tokens)
        v["optimal_loss"] = fit.loss(best_params, best_tokens)
        v["compute_waste"] = fit.compute_waste(params, tokens)
        notes["predicted_loss"] = f"{fit.label}: E + A/N^alpha + B/D^beta, nats/token"
        notes["compute_waste"] = "share of 6ND a compute-optimal split would not need for the same loss"
    else:
        v["predicted_loss"] = v["optimal_loss"] = v["compute_waste"] = None
        why = "the dense-model fit does not price a mixture of experts" if model.is_moe else \
            f"{fit.label} has no loss function"
        notes["predicted_loss"] = notes["compute_waste"] = why

    accelerator = plan.accelerator(compute.accelerator) if compute else None
    mfu, mfu_note = working_mfu(plan)
    v["mfu"], notes["mfu"] = mfu, mfu_note
    if accelerator is not None and mfu is not None:
        hours = est.gpu_hours_for(flops, accelerator.peak_flops, mfu)
        v["gpu_hours"] = hours
        notes["gpu_hours"] = f"{accelerator.name} at {accelerator.peak_tflops:g} TFLOP/s dense x {_pct(mfu)} MFU"
        if compute.accelerators:
            v["wall_clock_days"] = hours / compute.accelerators / 24
            notes["wall_clock_days"] = f"{compute.accelerators:,} accelerators"
        else:
            v["wall_clock_days"], notes["wall_clock_days"] = None, "declare compute.accelerators"
        if compute.usd_per_gpu_hour is not None:
            v["train_usd"] = hours * compute.usd_per_gpu_hour
            notes["train_usd"] = f"{_usd(compute.usd_per_gpu_hour)} per accelerator-hour"
        else:
            v["train_usd"], notes["train_usd"] = None, "declare compute.usd_per_gpu_hour"
    else:
        lack = "declare compute.accelerator" if accelerator is None else mfu_note
        v["gpu_hours"] = v["wall_clock_days"] = v["train_usd"] = None
        notes["gpu_hours"] = notes["wall_clock_days"] = notes["train_usd"] = lack

    if compute is not None and compute.gpu_hours is not None and accelerator is not None:
        v["implied_mfu"] = est.implied_mfu(flops, compute.gpu_hours, accelerator.peak_flops)
        notes["implied_mfu"] = f"{est_sci(flops)} FLOPs in {compute.gpu_hours:,.0f} {accelerator.name} hours"
    else:
        v["implied_mfu"], notes["implied_mfu"] = None, "declare compute.gpu_hours and compute.accelerator"

    budget, budget_note = declared_budget(plan)
    v["budget_flops"], notes["budget_flops"] = budget, budget_note
    v["budget_used"] = flops / budget if budget else None

    if accelerator is not None:
        devices = compute.accelerators or 1
        states = est.model_state_bytes(params)
        v["memory_per_accelerator_bytes"] = states
        v["memory_by_zero_stage_bytes"] = {str(stage): est.model_state_bytes(params, stage, devices)
                                           for stage in range(4)}
        notes["memory_per_accelerator_bytes"] = (f"16 bytes/param for mixed-precision Adam, sharded across {devices:,} "
                                                 "(Rajbhandari et al. 2019)")
        if model.layers and model.d_model and model.heads and model.context_length:
            v["activation_bytes"] = est.activation_bytes(model.layers, model.d_model, model.heads,
                                                         model.context_length)
            notes["activation_bytes"] = "micro-batch 1, no recomputation (Korthikanti et al. 2022)"
        else:
            notes["activation_bytes"] = "declare model.layers, d_model, heads and context_length"
    else:
        v["memory_per_accelerator_bytes"] = None
        notes["memory_per_accelerator_bytes"] = notes["activation_bytes"] = "declare compute.accelerator"

    serving = est.serving_estimate(plan, 0.9, 0.7)
    if serving is not None:
        v["serve_tokens_per_second"] = serving.decode.tokens_per_second
        v["serve_usd_per_million_tokens"] = serving.decode.usd_per_million_tokens
        v["serve_memory_bytes"] = serving.needed_bytes
        notes["serve_tokens_per_second"] = (f"decode roofline, {serving.precision} at batch {serving.batch} on "
                                            f"{serving.accelerators}x {serving.accelerator.name}, 90% of bandwidth")
        if serving.decode.usd_per_million_tokens is None:
            notes["serve_usd_per_million_tokens"] = "declare serving.usd_per_gpu_hour"
        else:
            notes["serve_usd_per_million_tokens"] = (f"{serving.accelerators} x ${plan.serving.usd_per_gpu_hour:g} "
                                                     "per accelerator-hour over the decode throughput")
    else:
        v["serve_tokens_per_second"] = v["serve_usd_per_million_tokens"] = None
        notes["serve_tokens_per_second"] = notes["serve_usd_per_million_tokens"] = "declare serving.accelerator"

    lifetime = plan.serving.lifetime_tokens if plan.serving else None
    v["inference_optimal_params"] = v["inference_optimal_tokens"] = None
    if lifetime is None:
        notes["inference_optimal_params"] = "declare serving.lifetime_tokens"
    elif not has_loss:
        notes["inference_optimal_params"] = notes["predicted_loss"]
    else:
        found = est.inference_optimal(fit, v["predicted_loss"], lifetime)
        if found is not None:
            v["inference_optimal_params"], v["inference_optimal_tokens"] = found
            notes["inference_optimal_params"] = (f"least 6ND + 2N x {_n(lifetime)} served tokens at the plan's "
                                                 f"predicted loss (Sardana et al. 2023)")
    for key in STABLE_KEYS:
        v.setdefault(key, None)
    return out


def _n(x: float) -> str:
    from planlint.units import count

    return count(x)


def _usd(x: float) -> str:
    from planlint.units import usd

    return usd(x)


def _pct(x: float) -> str:
    from planlint.units import pct

    return pct(x)


def est_sci(x: float) -> str:
    from planlint.units import sci

    return sci(x) if math.isfinite(x) else str(x)
