"""``planlint estimate``: the plan's numbers as a table a person reads, or as JSON."""

from __future__ import annotations

import json

from planlint import units
from planlint.report.json_format import _clean
from planlint.report.text import safe


def _split(v):
    return f"{units.count(v['optimal_params'])} params on {units.count(v['optimal_tokens'])} tokens"


def _loss(v):
    return f"{v['predicted_loss']:.3f} (optimum {v['optimal_loss']:.3f})"


def _memory(v):
    text = f"{units.bytes_(v['memory_per_accelerator_bytes'])} unsharded"
    stages = v.get("memory_by_zero_stage_bytes")
    if stages:
        text += " (ZeRO-1/2/3: " + " / ".join(units.bytes_(stages[s]) for s in ("1", "2", "3")) + ")"
    return text


def _inference_optimal(v):
    return f"{units.count(v['inference_optimal_params'])} params on {units.count(v['inference_optimal_tokens'])} tokens"


# (label, key whose value decides the row, how to show it, key whose note explains it)
ROWS = [
    ("training compute", "train_flops", lambda v: f"{units.sci(v['train_flops'])} FLOPs", "train_flops"),
    ("tokens per param", "tokens_per_param", lambda v: units.ratio(v["tokens_per_param"]), "tokens_per_param"),
    ("epochs", "epochs", lambda v: f"{v['epochs']:.2f}", "epochs"),
    ("effective data", "effective_unique_tokens", lambda v: f"{units.count(v['effective_unique_tokens'])} tokens",
     "effective_unique_tokens"),
    ("compute-optimal split", "optimal_params", _split, "optimal_params"),
    ("predicted loss", "predicted_loss", _loss, "predicted_loss"),
    ("compute waste", "compute_waste", lambda v: units.pct(v["compute_waste"]), "compute_waste"),
    ("MFU used", "mfu", lambda v: units.pct(v["mfu"]), "mfu"),
    ("GPU-hours", "gpu_hours", lambda v: f"{units.number(v['gpu_hours'])} GPU-h", "gpu_hours"),
    ("wall-clock", "wall_clock_days", lambda v: f"{v['wall_clock_days']:.1f} days", "wall_clock_days"),
    ("training cost", "train_usd", lambda v: units.usd(v["train_usd"]), "train_usd"),
    ("implied MFU", "implied_mfu", lambda v: units.pct(v["implied_mfu"]), "implied_mfu"),
    ("budget used", "budget_used", lambda v: f"{units.pct(v['budget_used'])} of {units.sci(v['budget_flops'])} FLOPs",
     "budget_flops"),
    ("memory per accelerator", "memory_per_accelerator_bytes", _memory, "memory_per_accelerator_bytes"),
    ("activations", "activation_bytes", lambda v: units.bytes_(v["activation_bytes"]), "activation_bytes"),
    ("serving throughput", "serve_tokens_per_second",
     lambda v: f"{units.number(v['serve_tokens_per_second'])} tokens/s", "serve_tokens_per_second"),
    ("serving cost", "serve_usd_per_million_tokens",
     lambda v: f"{units.usd(v['serve_usd_per_million_tokens'])} per 1M tokens", "serve_usd_per_million_tokens"),
    ("inference-optimal size", "inference_optimal_params", _inference_optimal, "inference_optimal_params"),
]


def render_table(entries, stream) -> None:
    """``entries``: (file name, plan name, Forecast, fit label) for each plan."""
    for index, (name, plan_name, forecast, label) in enumerate(entries):
        if index:
            stream.write("\n")
        stream.write(f"{safe(name)}: {safe(plan_name)} (fit: {label})\n")
        values, notes = forecast.values, forecast.notes
        for row_label, key, show, note_key in ROWS:
            value = values.get(key)
            shown = show(values) if value is not None else "-"
            note = notes.get(note_key, "")
            stream.write(f"  {row_label:<23} {shown:<28} {safe(note)}".rstrip() + "\n")


def render_json(entries, stream) -> None:
    rows = []
    for name, plan_name, forecast, _label in entries:
        rows.append({"file": name, "name": plan_name, "fit": forecast.fit, **_clean(forecast.values),
                     "notes": forecast.notes})
    json.dump(rows, stream, indent=2, ensure_ascii=False)
    stream.write("\n")
