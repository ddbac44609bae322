"""``planlint estimate``: the plan's numbers as a table a person reads, or as JSON."""

from __future__ import annotations

from planlint import units
from planlint.report.escape import visible, write_json


def _split(params_key, tokens_key, active=False):
    return lambda v: (f"{units.count(v[params_key])} {'active ' if active else ''}params on "
                      f"{units.count(v[tokens_key])} tokens")


def _loss(v):
    return f"{v['predicted_loss']:.3f} (optimum {v['optimal_loss']:.3f})"



def _memory(v):
    text = f"{units.bytes_(v['memory_per_accelerator_bytes'])} unsharded"
    stages = v.get("memory_by_zero_stage_bytes")
    if stages:
        text += " (ZeRO-1/2/3: " + " / ".join(units.bytes_(stages[s]) for s in ("1", "2", "3")) + ")"
    return text


def _attention(v):
    return f"+{units.sci(v['attention_flops'])} FLOPs ({units.pct(v['attention_flops'] / v['train_flops_6nd'])} of 6ND)"


# (label, key whose value decides the row, how to show it, key whose note explains it, shown when absent)
ROWS = [
    ("training compute", "train_flops", lambda v: f"{units.sci(v['train_flops'])} FLOPs", "train_flops", True),
    ("attention (causal)", "attention_flops", _attention, "attention_flops", True),
    ("budget must cover", "needed_flops", lambda v: f"{units.sci(v['needed_flops'])} FLOPs", "needed_flops", False),
    ("active params", "active_params", lambda v: units.count(v["active_params"]), "active_params", False),
    ("params from shape", "shape_params",
     lambda v: f"{units.count(v['shape_params'])}" + (f" ({units.count(v['shape_active_params'])} active)"
                                                       if v["shape_active_params"] != v["shape_params"] else ""),
     "shape_params", True),
    ("tokens per param", "tokens_per_param", lambda v: units.ratio(v["tokens_per_param"]), "tokens_per_param", True),
    ("tokens per active param", "tokens_per_active_param", lambda v: units.ratio(v["tokens_per_active_param"]),
     "tokens_per_active_param", False),
    ("epochs", "epochs", lambda v: f"{v['epochs']:.2f}", "epochs", True),
    ("effective data", "effective_unique_tokens", lambda v: f"{units.count(v['effective_unique_tokens'])} tokens",
     "effective_unique_tokens", True),
    ("same compute", "optimal_params", _split("optimal_params", "optimal_tokens"), "optimal_params", True),
    ("same compute, MoE", "moe_optimal_active_params", _split("moe_optimal_active_params", "moe_optimal_tokens", True),
     "moe_optimal_active_params", False),
    ("same compute, unique data", "data_constrained_params",
     lambda v: _split("data_constrained_params", "data_constrained_tokens")(v), "data_constrained_params", False),
    ("same loss", "same_loss_params", _split("same_loss_params", "same_loss_tokens"), "same_loss_params", True),
    ("predicted loss", "predicted_loss", _loss, "predicted_loss", True),
    ("compute waste", "compute_waste", lambda v: units.pct(v["compute_waste"]), "compute_waste", True),
    ("optimal batch", "optimal_batch_tokens", lambda v: f"{units.count(v['optimal_batch_tokens'])} tokens",
     "optimal_batch_tokens", True),
    ("optimal peak LR", "optimal_peak_lr", lambda v: units.sci(v["optimal_peak_lr"], 2), "optimal_peak_lr", True),
    ("MFU used", "mfu", lambda v: units.pct(v["mfu"]), "mfu", True),
    ("GPU-hours", "gpu_hours", lambda v: f"{units.number(v['gpu_hours'])} GPU-h", "gpu_hours", True),
    ("wall-clock", "wall_clock_days", lambda v: units.duration(v["wall_clock_days"] * 24), "wall_clock_days", True),
    ("training cost", "train_usd", lambda v: units.usd(v["train_usd"]), "train_usd", True),
    ("implied MFU", "implied_mfu", lambda v: units.pct(v["implied_mfu"]), "implied_mfu", True),
    ("budget used", "budget_used", lambda v: f"{units.pct(v['budget_used'])} of {units.sci(v['budget_flops'])} FLOPs",
     "budget_flops", True),
    ("memory per accelerator", "memory_per_accelerator_bytes", _memory, "memory_per_accelerator_bytes", True),
    ("activations", "activation_bytes", lambda v: units.bytes_(v["activation_bytes"]), "activation_bytes", True),
    ("serving throughput", "serve_tokens_per_second",
     lambda v: f"{units.number(v['serve_tokens_per_second'])} tokens/s", "serve_tokens_per_second", True),
    ("serving cost", "serve_usd_per_million_tokens",
     lambda v: f"{units.usd(v['serve_usd_per_million_tokens'])} per 1M tokens", "serve_usd_per_million_tokens", True),
    ("inference-optimal size", "inference_optimal_params", _split("inference_optimal_params", "inference_optimal_tokens"),
     "inference_optimal_params", True),
]


def render_table(entries, stream) -> None:
    """``entries``: (file name, plan name, PlanNumbers, fit label) for each plan."""
    for index, (name, plan_name, numbers, label) in enumerate(entries):
        if index:
            stream.write("\n")
        stream.write(f"{visible(name)}: {visible(plan_name)} (fit: {visible(label)})\n")
        values, notes = numbers.values, numbers.notes
        for row_label, key, show, note_key, always in ROWS:
            value = values.get(key)
            if value is None and not always:
                continue
            if key == "active_params" and not numbers.plan.model.is_moe:
                continue
            if key == "needed_flops" and numbers.plan.distillation is None:
                continue  # the training FLOPs above are all of it
            shown = show(values) if value is not None else "-"
            note = notes.get(note_key, "")
            stream.write(f"  {row_label:<23} {visible(shown):<28} {visible(note)}".rstrip() + "\n")


def render_json(entries, stream) -> None:
    rows = []
    for name, plan_name, numbers, _label in entries:
        rows.append({"file": name, "name": plan_name, "fit": numbers.fit.key, **numbers.values,
                     "notes": numbers.notes})
    write_json(rows, stream)  # NaN and infinities become null
