"""PL203 implausible-mfu: a declared or implied MFU above what large runs achieve.

Documentation: rules/PL203.md.
"""

from __future__ import annotations

import math

from planlint import units
from planlint.findings import Severity
from planlint.rule import Option, Rule


class ImplausibleMfu(Rule):
    code = "PL203"
    name = "implausible-mfu"
    severity = Severity.WARNING
    summary = "A declared or implied model FLOPs utilization above what published large runs achieve."
    points_at = "`compute.mfu`, or `compute.gpu_hours` when the hours imply the MFU"
    options = {
        "warn_above": Option(0.6, "MFU above which a plan is a warning (published large runs report 38-56%)."),
        "error_above": Option(1.0, "Implied MFU above which the GPU-hours cannot deliver the FLOPs at all."),
    }
    sources = (
        "Llama Team 2024, *The Llama 3 Herd of Models*, arXiv:2407.21783, Table 4 (BF16 MFU 38-43%); Llama 3.1 "
        "model card (30.84M GPU-hours for 405B).",
        "Chowdhery et al. 2022, *PaLM: Scaling Language Modeling with Pathways*, arXiv:2204.02311, Table 3 "
        "(46.2% MFU) and App. B (the MFU definition and attention term).",
        "Zhang et al. 2024, *TinyLlama: An Open-Source Small Language Model*, arXiv:2401.02385, and its README "
        "(github.com/jzhang38/TinyLlama): 56% MFU without activation checkpointing.",
        "Touvron et al. 2023a, *LLaMA: Open and Efficient Foundation Language Models*, arXiv:2302.13971, Table "
        "15 (1,022,362 GPU-hours for LLaMA-65B).",
    )

    def check(self, plan, ctx):
        compute, numbers = plan.compute, ctx.numbers
        if compute is None:
            return
        warn, error = ctx.options["warn_above"], ctx.options["error_above"]
        if compute.mfu is not None and compute.mfu > warn:
            yield ctx.finding(
                ("compute", "mfu"),
                f"declared MFU {units.pct(compute.mfu)} is above {units.pct(warn)}: the best published large runs "
                "report 38-56%",
                "plan at 40-50% MFU unless you have measured more on this model and cluster",
                details=["Llama 3.1 405B 38-43%, PaLM 540B 46%, TinyLlama 56%"],
                mfu=compute.mfu)
            return
        mfu = numbers["implied_mfu"]
        if compute.mfu is not None or mfu is None or mfu <= warn:
            return
        accelerator, needed = numbers.accelerator, numbers["needed_flops"]
        hours_at_half = math.ceil(numbers.gpu_hours_for(needed, 0.5))
        severity = Severity.ERROR if mfu > error else Severity.WARNING
        what = "more than the accelerators' peak" if mfu > error else "above what published large runs achieve"
        yield ctx.finding(
            ("compute", "gpu_hours"),
            f"the declared GPU-hours imply {units.pct(mfu)} MFU, {what}",
            f"budget >= {units.number(hours_at_half)} GPU-hours (50% MFU), or declare the compute.mfu you expect",
            severity, implied_mfu=mfu,
            details=[f"{units.number(compute.gpu_hours)} {accelerator.name} hours for the plan's {units.sci(needed)} "
                     f"FLOPs ({numbers.convention.label})",
                     "the best published large runs report 38-56% (Llama 3.1 405B 38-43%, PaLM 540B 46%, TinyLlama 56%)"])
