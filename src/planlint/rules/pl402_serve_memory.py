"""PL402 serve-memory: the served weights and KV cache do not fit a serving replica.

Documentation: rules/PL402.md.
"""

from __future__ import annotations

import math

from planlint import units
from planlint.estimate import USABLE_MEMORY_FRACTION
from planlint.findings import Severity
from planlint.rule import Option, Rule


class ServeMemory(Rule):
    code = "PL402"
    name = "serve-memory"
    severity = Severity.ERROR
    summary = "Served weights plus KV cache exceed the memory of a serving replica."
    points_at = "`serving.accelerator`"
    options = {
        "usable_memory_fraction": Option(
            USABLE_MEMORY_FRACTION, "Share of accelerator memory a serving runtime can use (vLLM's default "
                                    "gpu_memory_utilization)."),
    }
    sources = (
        "kipply 2022, *Transformer Inference Arithmetic* (kipp.ly/transformer-inference-arithmetic): KV cache = "
        "2 × bytes × layers × kv_heads × d_head per token.",
        "vLLM engine arguments: `gpu_memory_utilization`, default 0.9.",
    )

    def check(self, plan, ctx):
        numbers = ctx.numbers
        fraction = numbers.assumptions.usable_memory_fraction  # this rule's option, as every command uses it
        estimate = numbers.serving
        if estimate is None or estimate.fits:
            return
        acc = estimate.accelerator
        decode = estimate.decode
        replica = f"{estimate.accelerators}x {acc.name}"
        kv = f" + {units.bytes_(decode.kv_bytes)} KV cache (batch {estimate.batch})" if estimate.kv_counted else ""
        message = (f"the served model needs {units.bytes_(estimate.needed_bytes)}, but {replica} offers "
                   f"{units.bytes_(estimate.memory_bytes)}")
        details = [f"{estimate.precision} weights of {units.count(estimate.served_params)} params "
                   f"({units.bytes_(decode.weight_bytes)}){kv}",
                   f"{replica} offers {units.pct(fraction)} of its {units.bytes_(acc.memory_bytes * estimate.accelerators)}"]
        per_accelerator = acc.memory_bytes * fraction
        needed_count = math.ceil(estimate.needed_bytes / per_accelerator)
        options = [f"serve on >= {needed_count} {acc.name} per replica (serving.accelerators)"]
        for precision in ("int8", "int4"):
            if precision == estimate.precision or units_bytes(precision) >= units_bytes(estimate.precision):
                continue
            trial = numbers.serving_at(precision=precision)
            if trial.fits:
                options.append(f"quantize to {precision} ({units.bytes_(trial.needed_bytes)})")
                break
        if estimate.kv_counted and estimate.batch > 1:
            batch = estimate.batch // 2
            while batch >= 1:
                trial = numbers.serving_at(batch=batch)
                if trial.fits:
                    options.append(f"cut batch_size to {batch}")
                    break
                batch //= 2
        path = ("serving", "accelerator")
        yield ctx.finding(path, message, "; or ".join(options), details=details, needed_bytes=estimate.needed_bytes,
                          available_bytes=estimate.memory_bytes)


def units_bytes(precision: str) -> float:
    from planlint.estimate import BYTES_PER_PARAM

    return BYTES_PER_PARAM[precision]
